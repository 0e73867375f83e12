/**
 * The write path. A batch is ONE insert statement, so one transaction: all-or-nothing and durable
 * (WAL) when it returns. The primary key on `guid` makes re-delivered messages no-ops.
 *
 * Fast path (json-batch.ts): the batch as an NDJSON file read by `read_json`, with the columns
 * whose JSON text DuckDB would store differently built in JS and joined by position.
 * Statement path (here), for batches DuckDB's JSON reader refuses: `INSERT INTO <table> BY NAME
 * SELECT unnest(..)`, where each column travels as one bound parameter holding a JSON array of its
 * values, which DuckDB parses natively and casts to a typed list.
 *
 * Measured (100k Bro messages from the generator and Bro parser, ~25 fields, ~840 bytes JSON;
 * 5,000 per batch; file with PK, WAL and checkpoints; 2 cores; medians of 3): the statement path
 * costs ~31-34 us CPU per message (~9 us on the JS thread); the fast path ~20 us (~7-8 us on the
 * JS thread, half of it JSON.parse) with threads=1, ~22-26 us with threads=2. Of DuckDB's ~12 us,
 * ~5 us is the guid primary key. Also measured and dropped: the Appender with DuckDBDataChunk
 * into a staging table costs a native call per string value, and appending straight into the
 * index table fails whole chunks on a duplicate guid.
 */
import { randomUUID } from 'node:crypto';
import { VARCHAR, type DuckDBConnection } from '@duckdb/node-api';
import type { JsonValue, Message } from '@metron/core';
import { GUID, TableCatalog, typeOfValue, widen, type ColumnInfo, type ColumnType } from './catalog.js';
import { batchTypes, ndjson, readJsonStatement, type JsonBatch } from './json-batch.js';
import { doubleToText, quoteIdent, SqlParams } from './sql.js';
import { columnJson, normalize } from './values.js';
import type { SpoolDir } from './spool.js';

/**
 * Fields stored with dictionary compression rather than DuckDB's choice (FSST for strings of this
 * many distinct values). Addresses are what analysts filter and facet on; on 10M Bro events
 * (65k distinct sources) dictionary segments halve the CPU of `ip_src_addr:x` (313 -> 122 ms) and
 * of a top-10 facet (610 -> 290 ms), and checkpoint faster, for a file ~40% larger. Other strings
 * keep DuckDB's choice (it picks dictionaries for low-cardinality ones itself; FSST keeps unique
 * text such as original_string small).
 */
export const DICTIONARY_FIELDS = new Set(['ip_src_addr', 'ip_dst_addr']);

/** Field names of columns that could not be named after their field (see TableCatalog.physicalName). */
export const FIELD_NAMES_TABLE = '_metron_field_names';

/** A schema change the batch needs before it can be inserted. */
type SchemaChange =
  | { kind: 'add'; info: ColumnInfo }
  | { kind: 'alter'; info: ColumnInfo; to: ColumnType };

export class IndexWriter {
  /** Batches written by `read_json`, and by the statement path after `read_json` refused them. */
  readonly stats = { fastBatches: 0, statementBatches: 0 };

  constructor(
    private readonly connection: DuckDBConnection,
    /** Where the fast path spools batches; null to write through the statement path only. */
    private readonly spool: SpoolDir | null,
    /** Called after a committed schema change so readers re-render against the new catalog. */
    private readonly onSchemaChange: () => void,
  ) {}

  /** Writes a batch into `catalog.table`, creating and widening columns as needed. */
  async write(catalog: TableCatalog, isNew: boolean, batch: JsonBatch): Promise<void> {
    if (batch.count === 0) return;
    await this.applySchema(catalog, isNew, batchTypes(batch));
    if (this.spool !== null && !batch.statementOnly) {
      try {
        await this.spool.with(ndjson(batch.lines), (file) => this.insert(readJsonStatement(catalog, batch, file)));
        this.stats.fastBatches++;
        return;
      } catch {
        // DuckDB's JSON reader refused the batch (unpaired surrogates, invalid UTF-8, duplicate
        // keys, an oversized object) or the spool file could not be written. The insert was one
        // statement, so nothing of it is stored: the statement path handles all of these.
      }
    }
    await this.insert(insertStatement(catalog, collectColumns(batch.messages)));
    this.stats.statementBatches++;
  }

  private async insert(statement: { sql: string; params: SqlParams }): Promise<void> {
    try {
      // A plain INSERT skips the per-row conflict lookup of INSERT OR IGNORE (about a quarter of
      // the insert cost). It fails as a whole on a duplicate guid, which only happens on
      // re-delivery; then the batch goes again with OR IGNORE.
      await this.connection.run(`INSERT INTO ${statement.sql}`, statement.params.values, statement.params.types);
    } catch (err) {
      if (!isDuplicateKey(err)) throw err;
      await this.connection.run(`INSERT OR IGNORE INTO ${statement.sql}`, statement.params.values, statement.params.types);
    }
  }

  /** Creates the table (when `isNew`) and adds or widens columns so values of `fieldTypes` fit; one transaction. */
  async applySchema(catalog: TableCatalog, isNew: boolean, fieldTypes: Map<string, ColumnType>): Promise<void> {
    const changes: SchemaChange[] = [];
    for (const [field, type] of fieldTypes) {
      const info = catalog.get(field);
      if (info === undefined) {
        // physicalName must see earlier additions of this batch, so add to a scratch view first.
        changes.push({ kind: 'add', info: { field, column: '', type } });
      } else if (widen(info.type, type) !== info.type) {
        changes.push({ kind: 'alter', info, to: widen(info.type, type) });
      }
    }
    if (!isNew && changes.length === 0) return;

    const table = quoteIdent(catalog.table);
    const pending = new TableCatalog(catalog.table);
    for (const info of catalog.columns) pending.add(info);
    // A new table's guid column must be seen too, or a `GUID` field would be given its name.
    if (pending.get(GUID) === undefined) pending.add({ field: GUID, column: GUID, type: 'VARCHAR' });
    const statements: Array<{ sql: string; params?: SqlParams }> = [];
    if (isNew) statements.push({ sql: `CREATE TABLE IF NOT EXISTS ${table} (${quoteIdent(GUID)} VARCHAR PRIMARY KEY)` });
    for (const change of changes) {
      if (change.kind === 'add') {
        change.info.column = pending.physicalName(change.info.field);
        pending.add(change.info);
        const compression = change.info.type === 'VARCHAR' && DICTIONARY_FIELDS.has(change.info.field) ? ' USING COMPRESSION dictionary' : '';
        statements.push({ sql: `ALTER TABLE ${table} ADD COLUMN ${quoteIdent(change.info.column)} ${change.info.type}${compression}` });
        if (change.info.column !== change.info.field) {
          const params = new SqlParams();
          statements.push({
            sql: `INSERT OR REPLACE INTO ${quoteIdent(FIELD_NAMES_TABLE)} VALUES (${params.bind(catalog.table, VARCHAR)}, ${params.bind(change.info.column, VARCHAR)}, ${params.bind(change.info.field, VARCHAR)})`,
            params,
          });
        }
      } else {
        const column = quoteIdent(change.info.column);
        const using = change.to === 'JSON' ? `to_json(${column})`
          : change.to === 'VARCHAR' && change.info.type === 'DOUBLE' ? doubleToText(column)
          : `CAST(${column} AS ${change.to})`;
        statements.push({ sql: `ALTER TABLE ${table} ALTER COLUMN ${column} SET DATA TYPE ${change.to} USING ${using}` });
      }
    }

    await this.connection.run('BEGIN TRANSACTION');
    try {
      for (const statement of statements) {
        await this.connection.run(statement.sql, statement.params?.values, statement.params?.types);
      }
      await this.connection.run('COMMIT');
    } catch (err) {
      await this.connection.run('ROLLBACK').catch(() => undefined);
      throw err;
    }
    // Committed: publish to the in-memory catalog (after commit, so a reader never renders SQL for
    // a column its snapshot cannot see).
    if (isNew && catalog.get(GUID) === undefined) catalog.add({ field: GUID, column: GUID, type: 'VARCHAR' });
    for (const change of changes) {
      if (change.kind === 'add') catalog.add(change.info);
      else change.info.type = change.to;
    }
    this.onSchemaChange();
  }

}

/** A batch turned column-wise in one pass: values by field, row-aligned with `guids`. */
export interface ColumnBatch {
  guids: string[];
  columns: Map<string, JsonValue[]>;
  /** The narrowest type holding every value of the field in this batch. */
  types: Map<string, ColumnType>;
}

/** Deduplicates by guid (first wins, as across batches) and splits the messages into columns. */
export function collectColumns(messages: Message[]): ColumnBatch {
  const seen = new Set<string>();
  const guids: string[] = [];
  const columns = new Map<string, JsonValue[]>();
  const types = new Map<string, ColumnType>();
  const count = messages.length;
  for (const message of messages) {
    const rawGuid = message[GUID];
    const guid = rawGuid === undefined || rawGuid === null ? randomUUID()
      : typeof rawGuid === 'string' ? rawGuid : JSON.stringify(rawGuid);
    if (seen.has(guid)) continue;
    seen.add(guid);
    const row = guids.length;
    guids.push(guid);
    for (const field in message) {
      if (field === GUID) continue;
      const value = normalize(field, message[field]!);
      const type = typeOfValue(value);
      // Null needs no column; a value without a JSON type (undefined, a function) has nothing to store.
      if (type === null) continue;
      let values = columns.get(field);
      if (values === undefined) {
        values = new Array<JsonValue>(count).fill(null);
        columns.set(field, values);
        types.set(field, type);
      } else {
        const known = types.get(field)!;
        if (known !== type) types.set(field, widen(known, type));
      }
      values[row] = value;
    }
  }
  // Duplicates leave the arrays longer than the rows kept.
  if (guids.length < count) for (const values of columns.values()) values.length = guids.length;
  return { guids, columns, types };
}

/**
 * The batch as `<table> BY NAME SELECT unnest(...)`, to follow `INSERT [OR IGNORE] INTO`: each
 * column travels as ONE bound parameter, a JSON array of its values, which DuckDB parses natively
 * and casts to a typed list. Columns with no value in the batch are left out (BY NAME fills NULL).
 */
export function insertStatement(catalog: TableCatalog, batch: ColumnBatch): { sql: string; params: SqlParams } {
  const params = new SqlParams();
  const selects = [`unnest(CAST(${params.bind(columnJson(batch.guids, 'VARCHAR'), VARCHAR)} AS JSON)::VARCHAR[]) AS ${quoteIdent(GUID)}`];
  for (const [field, values] of batch.columns) {
    const info = catalog.get(field)!;
    const listType = info.type === 'JSON' ? 'VARCHAR' : info.type;
    selects.push(`unnest(CAST(${params.bind(columnJson(values, info.type), VARCHAR)} AS JSON)::${listType}[]) AS ${quoteIdent(info.column)}`);
  }
  return { sql: `${quoteIdent(catalog.table)} BY NAME SELECT ${selects.join(', ')}`, params };
}

function isDuplicateKey(err: unknown): boolean {
  return err instanceof Error && /Constraint Error/i.test(err.message) && /duplicate key/i.test(err.message);
}
