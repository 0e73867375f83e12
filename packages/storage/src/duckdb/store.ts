/**
 * The embedded search store: Metron's search index on a DuckDB file. One table per sensor,
 * `<sensor>_index` (Metron's index name without the date suffix), one column per field, `guid` as
 * primary key. Writes are serialized on one connection; searches run on a small pool of other
 * connections, so they read a consistent snapshot (MVCC) while a write is in progress.
 */
import path from 'node:path';
import { DuckDBInstance, VARCHAR, type DuckDBConnection } from '@duckdb/node-api';
import { MetronError, errorMessage, type Message } from '@metron/core';
import type { QueryNode } from '../query/ast.js';
import { parseQuery, type ParseOptions } from '../query/parser.js';
import { resolveDates } from '../query/dates.js';
import type {
  GetRequest, GroupRequest, GroupResponse, HistogramRequest, HistogramResponse, SearchRequest, SearchResponse, SearchStore,
} from '../types.js';
import {
  DEFAULT_AGGREGATE_LIMITS, decodeGroups, findAllStatement, groupStatement, histogramStatement, parseInterval, validateGroups,
  type AggregateLimits,
} from './aggregate.js';
import {
  GUID, TABLE_SUFFIX, TableCatalog, columnTypeOf, metronFieldType, tableForSensor,
  type ColumnInfo, type ColumnType, type MetronFieldType,
} from './catalog.js';
import {
  countStatement, decodeRows, decodeTableRow, facetKey, facetStatement, rowsStatement, validatePaging,
  type SearchLimits, type Statement,
} from './search.js';
import { batchFromLines, batchFromMessages, batchFromStringified, InvalidLineError, type JsonBatch } from './json-batch.js';
import type { FieldState } from './json-scan.js';
import { SpoolDir } from './spool.js';
import { quoteIdent, SqlParams } from './sql.js';
import { FIELD_NAMES_TABLE, IndexWriter } from './writer.js';
import { deleteBeforeStatement } from './retention.js';

export interface DuckDbSearchStoreOptions {
  /** Database file, created if needed; `:memory:` for a throw-away store. */
  path: string;
  /**
   * DuckDB worker threads (default 1). Measured on 2 cores, a second thread adds 2-5 us CPU per
   * indexed message for no gain in write throughput (a 5,000-row insert parallelizes poorly), and
   * the other core is the rest of the pipeline's; searches on separate connections still run
   * concurrently.
   */
  threads?: number;
  /** DuckDB memory limit, e.g. `'1GB'`. */
  memoryLimit?: string;
  /**
   * WAL size that triggers a checkpoint (default `'256MB'`; DuckDB's own is 16MB). Checkpointing
   * often re-compresses the partly filled last row group again and again: at 16MB the write path
   * spends ~25% more CPU. The cost of a larger value is a longer WAL replay after a crash.
   */
  checkpointThreshold?: string;
  /**
   * Write batches through DuckDB's JSON reader (default true; ~35% less CPU per message than the
   * statement path); false writes every batch through the statement path. Both store the same values.
   */
  fastWrite?: boolean;
  /** Connections serving searches concurrently (default 2). */
  readConnections?: number;
  /** Largest `from + size` (default 10,000, Elasticsearch's `index.max_result_window`). */
  maxResultWindow?: number;
  /** Most values per facet field (default 1,000). */
  facetLimit?: number;
  /** `size` when a request has none (default 10, as Metron). */
  defaultSize?: number;
  /** Limits on user queries. */
  query?: ParseOptions;
  /** Limits of group, histogram and findAll (see aggregate.ts for the defaults). */
  aggregateLimits?: Partial<AggregateLimits>;
  /** The clock date math in queries (`now-24h`) resolves against (default Date.now). */
  clock?: () => number;
}

/** The DuckDB search store: SearchStore plus what the embedded deployment needs of it. */
export interface DuckDbSearchStore extends SearchStore {
  readonly path: string;
  /** Field → Metron FieldType over the given sensors (all when empty); conflicting types are `other`. */
  columnMetadata(indices?: string[]): Promise<Record<string, MetronFieldType>>;
  /** The fields, columns and types of a sensor's index, in column order (empty if none). */
  fields(sensor: string): ColumnInfo[];
  /**
   * Writes messages given as their JSON text (one object per buffer, UTF-8, as the bus holds them),
   * without building message objects for the columns DuckDB can read from the text itself. Stores
   * exactly what `write` stores for the parsed messages. A buffer that is not a JSON object fails
   * the batch with INPUT_INVALID (details.index names it); nothing of the batch is written then.
   * `fields`: the lines are JSON.stringify's text and these are their fields, observed by their
   * writer (`StringifiedFields`), so the lines are neither scanned nor checked here.
   */
  writeJson(sensor: string, lines: Buffer[], fields?: Map<string, FieldState>): Promise<void>;
  /**
   * The batch size `writeJson` takes most cheaply: a row group. DuckDB writes an insert of whole
   * row groups straight to the database file instead of the WAL, so the checkpoint has little
   * left to do. Measured (Bro messages, 2 cores, checkpoint counted): ~10-11 us CPU per message in
   * batches of one row group, ~13.5-14 us in batches of 10,240; a batch of 150,000 (one row group
   * and a part) costs more than either.
   */
  readonly bulkRows: number;
  /** Batches written by the fast path (`read_json`) and by the statement path. */
  writeStats(): { fastBatches: number; statementBatches: number };
  /** Folds the WAL into the database file. */
  checkpoint(): Promise<void>;
  /** Deletes the sensor's documents whose `timestamp` is before `cutoffMs` (index retention); returns how many. */
  deleteBefore(sensor: string, cutoffMs: number): Promise<number>;
  /** Search; `options.rewrite` turns the parsed query into the one run (the alert layer hides meta-alert children with it). */
  search(request: SearchRequest, options?: SearchOptions): Promise<SearchResponse>;
  /** Group; `options.rewrite` as for search. */
  group(request: GroupRequest, options?: SearchOptions): Promise<GroupResponse>;
  /** Histogram; `options.rewrite` as for search. */
  histogram(request: HistogramRequest, options?: SearchOptions): Promise<HistogramResponse>;
  /**
   * Runs `task` alone on the write connection, queued with the ingest batches, so a
   * read-modify-write of a document (alert updates, ./alerts/) never interleaves with a write.
   */
  exclusiveWrite<T>(task: (access: StoreWriteAccess) => Promise<T>): Promise<T>;
}

export interface SearchOptions {
  rewrite?: (query: QueryNode) => QueryNode;
}

/** What an exclusive writer may use: the write connection and the catalog. */
export interface StoreWriteAccess {
  connection: DuckDBConnection;
  /** The catalog of a sensor's index; undefined when it has none. */
  catalog(sensor: string): TableCatalog | undefined;
  /** Creates the sensor's table and adds or widens columns so values of `types` fit (committed on its own). */
  ensureColumns(sensor: string, types: Map<string, ColumnType>): Promise<TableCatalog>;
}

/** Runs tasks one at a time, in order; failures do not stop later tasks. */
class SerialQueue {
  pending = 0;
  private tail: Promise<unknown> = Promise.resolve();

  run<T>(task: () => Promise<T>): Promise<T> {
    this.pending++;
    const result = this.tail.then(task);
    this.tail = result.catch(() => undefined).finally(() => {
      this.pending--;
    });
    return result;
  }

  async drain(): Promise<void> {
    await this.tail;
  }
}

/** Absolute paths of files open in this process: DuckDB must not attach one file twice. */
const openFiles = new Set<string>();

/** Opens (or creates) the DuckDB search store at `options.path`. */
export async function openDuckDbSearchStore(options: DuckDbSearchStoreOptions): Promise<DuckDbSearchStore> {
  const inMemory = options.path === ':memory:' || options.path === '';
  const file = inMemory ? ':memory:' : path.resolve(options.path);
  if (!inMemory && openFiles.has(file)) {
    throw new MetronError('STORAGE_FAILED', `search store ${file} is already open in this process`);
  }
  const config: Record<string, string> = {};
  config.threads = String(options.threads ?? 1);
  if (options.memoryLimit !== undefined) config.memory_limit = options.memoryLimit;
  config.checkpoint_threshold = options.checkpointThreshold ?? '256MB';
  let instance: DuckDBInstance;
  try {
    instance = await DuckDBInstance.create(file, config);
  } catch (err) {
    throw new MetronError('STORAGE_FAILED', `cannot open search store ${file}: ${errorMessage(err)}`, undefined, { cause: err });
  }
  if (!inMemory) openFiles.add(file);
  let spool: SpoolDir | undefined;
  try {
    spool = await SpoolDir.open(inMemory ? null : file);
    const writeConnection = await instance.connect();
    const readConnections: DuckDBConnection[] = [];
    for (let i = 0; i < Math.max(1, options.readConnections ?? 2); i++) readConnections.push(await instance.connect());
    const store = new DuckDbStore(file, instance, spool, options.fastWrite ?? true, writeConnection, readConnections, {
      maxResultWindow: options.maxResultWindow ?? 10_000,
      facetLimit: options.facetLimit ?? 1_000,
      defaultSize: options.defaultSize ?? 10,
    }, options.query ?? {}, { ...DEFAULT_AGGREGATE_LIMITS, ...options.aggregateLimits }, options.clock ?? Date.now);
    await store.load();
    return store;
  } catch (err) {
    openFiles.delete(file);
    instance.closeSync();
    await spool?.close().catch(() => undefined);
    throw err instanceof MetronError ? err
      : new MetronError('STORAGE_FAILED', `cannot open search store ${file}: ${errorMessage(err)}`, undefined, { cause: err });
  }
}

/** DuckDB's rows per row group (its default; the store does not change it). */
export const ROW_GROUP_ROWS = 122_880;

class DuckDbStore implements DuckDbSearchStore {
  readonly bulkRows = ROW_GROUP_ROWS;
  private readonly tables = new Map<string, TableCatalog>();
  private readonly writeQueue = new SerialQueue();
  private readonly readQueues: SerialQueue[];
  private readonly writer: IndexWriter;
  /** Bumped on every committed schema change; a search rendered against an older one may retry. */
  private catalogVersion = 0;
  private closed = false;

  constructor(
    readonly path: string,
    private readonly instance: DuckDBInstance,
    private readonly spool: SpoolDir,
    fastWrite: boolean,
    private readonly writeConnection: DuckDBConnection,
    private readonly readConnections: DuckDBConnection[],
    private readonly limits: SearchLimits,
    private readonly parseOptions: ParseOptions,
    private readonly aggregateLimits: AggregateLimits,
    private readonly clock: () => number,
  ) {
    this.readQueues = readConnections.map(() => new SerialQueue());
    this.writer = new IndexWriter(writeConnection, fastWrite ? spool : null, () => {
      this.catalogVersion++;
    });
  }

  /** Builds the catalog from DuckDB's own, so a reopened file is seen exactly as stored. */
  async load(): Promise<void> {
    await this.writeConnection.run(
      `CREATE TABLE IF NOT EXISTS ${quoteIdent(FIELD_NAMES_TABLE)} (table_name VARCHAR, column_name VARCHAR, field VARCHAR, PRIMARY KEY (table_name, column_name))`,
    );
    const params = new SqlParams();
    const reader = await this.writeConnection.runAndReadAll(
      `SELECT c.table_name, c.column_name, c.data_type, f.field
         FROM duckdb_columns() c
         LEFT JOIN ${quoteIdent(FIELD_NAMES_TABLE)} f ON f.table_name = c.table_name AND f.column_name = c.column_name
        WHERE c.database_name = current_database() AND c.schema_name = 'main'
          AND ends_with(c.table_name, ${params.bind(TABLE_SUFFIX, VARCHAR)})
        ORDER BY c.table_name, c.column_index`,
      params.values, params.types,
    );
    for (const [table, column, dataType, field] of reader.getRows()) {
      const name = String(table);
      let catalog = this.tables.get(name);
      if (catalog === undefined) {
        catalog = new TableCatalog(name);
        this.tables.set(name, catalog);
      }
      catalog.add({ field: field === null ? String(column) : String(field), column: String(column), type: columnTypeOf(String(dataType)) });
    }
    // Only tables keyed by guid are indices; anything else a user created stays invisible.
    for (const [name, catalog] of this.tables) if (catalog.get(GUID) === undefined) this.tables.delete(name);
  }

  private ensureOpen(): void {
    if (this.closed) throw new MetronError('STORAGE_FAILED', 'search store is closed');
  }

  async write(sensor: string, messages: Message[]): Promise<void> {
    return this.writeBatch(sensor, messages.length, () => batchFromMessages(messages));
  }

  async writeJson(sensor: string, lines: Buffer[], fields?: Map<string, FieldState>): Promise<void> {
    return this.writeBatch(sensor, lines.length, () => {
      if (fields !== undefined) return batchFromStringified(lines, fields);
      try {
        return batchFromLines(lines);
      } catch (err) {
        if (!(err instanceof InvalidLineError)) throw err;
        throw new MetronError('INPUT_INVALID', err.message, { sensor, index: err.index });
      }
    });
  }

  writeStats(): { fastBatches: number; statementBatches: number } {
    return { ...this.writer.stats };
  }

  /** Validates, then builds the batch (before queueing, so the JS work overlaps a running insert) and writes it. */
  private async writeBatch(sensor: string, count: number, build: () => JsonBatch): Promise<void> {
    this.ensureOpen();
    const table = tableForSensor(sensor);
    if (table === null) {
      throw new MetronError('INPUT_INVALID', `invalid sensor name ${JSON.stringify(sensor)}: use letters, digits, '_', '.', '-'`);
    }
    if (count === 0) return;
    const batch = build();
    return this.writeQueue.run(async () => {
      let catalog = this.tables.get(table);
      const isNew = catalog === undefined;
      catalog ??= new TableCatalog(table);
      try {
        await this.writer.write(catalog, isNew, batch);
      } catch (err) {
        throw new MetronError('STORAGE_FAILED', `writing ${count} messages to ${table} failed: ${brief(err)}`, { sensor }, { cause: err });
      } finally {
        // Registered once its schema is committed, even if the insert itself then failed.
        if (isNew && catalog.columns.length > 0) this.tables.set(table, catalog);
      }
    });
  }

  async exclusiveWrite<T>(task: (access: StoreWriteAccess) => Promise<T>): Promise<T> {
    this.ensureOpen();
    return this.writeQueue.run(() => task({
      connection: this.writeConnection,
      catalog: (sensor) => {
        const table = tableForSensor(sensor);
        return table === null ? undefined : this.tables.get(table);
      },
      ensureColumns: async (sensor, types) => {
        const table = tableForSensor(sensor);
        if (table === null) throw new MetronError('INPUT_INVALID', `invalid sensor name ${JSON.stringify(sensor)}`);
        const known = this.tables.get(table);
        const catalog = known ?? new TableCatalog(table);
        await this.writer.applySchema(catalog, known === undefined, types);
        if (known === undefined) this.tables.set(table, catalog);
        return catalog;
      },
    }));
  }

  /** Index tables for the requested sensors; unknown or invalid names are skipped (no results). */
  private selectTables(indices: string[] | undefined): TableCatalog[] {
    if (indices === undefined || indices.length === 0) return [...this.tables.values()].sort((a, b) => a.table.localeCompare(b.table));
    const selected = new Map<string, TableCatalog>();
    for (const name of indices) {
      // A sensor name, or (for callers passing Metron index names) `<sensor>_index`.
      const table = tableForSensor(name);
      const catalog = (table !== null ? this.tables.get(table) : undefined) ?? this.tables.get(name.toLowerCase());
      if (catalog !== undefined) selected.set(catalog.table, catalog);
    }
    return [...selected.values()];
  }

  /** Runs on the least busy read connection, in one transaction so counts, page and facets agree. */
  private read<T>(task: (connection: DuckDBConnection) => Promise<T>): Promise<T> {
    let best = 0;
    this.readQueues.forEach((queue, i) => {
      if (queue.pending < this.readQueues[best]!.pending) best = i;
    });
    const connection = this.readConnections[best]!;
    return this.readQueues[best]!.run(async () => {
      await connection.run('BEGIN TRANSACTION');
      try {
        const result = await task(connection);
        await connection.run('COMMIT');
        return result;
      } catch (err) {
        await connection.run('ROLLBACK').catch(() => undefined);
        throw err;
      }
    });
  }

  /**
   * Renders and runs a read. SQL is rendered against the in-memory catalog; if a write widened a
   * column between rendering and running, the statement can fail on a type it did not expect, so
   * it is rendered again against the new catalog.
   */
  private async readWithRetry<T>(build: () => (connection: DuckDBConnection) => Promise<T>): Promise<T> {
    for (let attempt = 0; ; attempt++) {
      const version = this.catalogVersion;
      try {
        return await this.read(build());
      } catch (err) {
        if (err instanceof MetronError) throw err;
        if (version !== this.catalogVersion && attempt < 2) continue;
        throw new MetronError('STORAGE_FAILED', `search failed: ${brief(err)}`, undefined, { cause: err });
      }
    }
  }

  async search(request: SearchRequest, options: SearchOptions = {}): Promise<SearchResponse> {
    this.ensureOpen();
    const parsed = this.parse(request.query);
    const query = options.rewrite ? options.rewrite(parsed) : parsed;
    const { from, size, sort } = validatePaging(request, this.limits);
    const facetFields = request.facetFields ?? null;
    const fields = request.fields ?? null;

    return this.readWithRetry(() => {
      const tables = this.selectTables(request.indices);
      const facetCounts = facetFields === null ? undefined : Object.fromEntries(facetFields.map((field) => [field, {} as Record<string, number>]));
      if (tables.length === 0) return async () => ({ total: 0, results: [], ...(facetCounts && { facetCounts }) });
      const count = countStatement(tables, query);
      const rows = size > 0 ? rowsStatement(tables, query, fields, sort, from, size) : null;
      const facets = (facetFields ?? []).map((field) => ({ field, statement: facetStatement(tables, query, field, this.limits.facetLimit) }));
      return async (connection) => {
        const totalReader = await runStatement(connection, count);
        const total = Number(totalReader.getRows()[0]?.[0] ?? 0);
        let results: SearchResponse['results'] = [];
        if (rows !== null && total > from) {
          const reader = await runStatement(connection, rows);
          results = decodeRows(tables, rows.fields, reader.columnNames(), reader.getRows());
        }
        for (const { field, statement } of facets) {
          if (statement === null || facetCounts === undefined) continue;
          const counts: Record<string, number> = {};
          for (const [value, n] of (await runStatement(connection, statement)).getRows()) counts[facetKey(value ?? null)] = Number(n);
          facetCounts[field] = counts;
        }
        return { total, results, ...(facetCounts && { facetCounts }) };
      };
    });
  }

  /** Parses a request's query once, with dates on `timestamp` resolved against the current time. */
  private parse(query: unknown): QueryNode {
    return resolveDates(parseQuery(typeof query === 'string' ? query : '*', this.parseOptions), this.clock());
  }

  async group(request: GroupRequest, options: SearchOptions = {}): Promise<GroupResponse> {
    this.ensureOpen();
    const parsed = this.parse(request.query);
    const query = options.rewrite ? options.rewrite(parsed) : parsed;
    const levels = validateGroups(request, this.aggregateLimits);
    return this.readWithRetry(() => {
      const tables = this.selectTables(request.indices);
      if (tables.length === 0) return async () => ({ groupedBy: levels[0]!.field, groupResults: [] });
      const statement = groupStatement(tables, query, levels, request.scoreField ?? null);
      return async (connection) => decodeGroups(levels, (await runStatement(connection, statement)).getRows(), this.aggregateLimits);
    });
  }

  async histogram(request: HistogramRequest, options: SearchOptions = {}): Promise<HistogramResponse> {
    this.ensureOpen();
    const parsed = this.parse(request.query);
    const query = options.rewrite ? options.rewrite(parsed) : parsed;
    const interval = parseInterval(request.interval);
    const field = request.field ?? 'timestamp';
    const limits = this.aggregateLimits;
    return this.readWithRetry(() => {
      const statement = histogramStatement(this.selectTables(request.indices), query, request, interval, limits);
      return async (connection) => {
        const rows = statement === null ? [] : (await runStatement(connection, statement)).getRows();
        if (rows.length > limits.maxHistogramBuckets) {
          throw new MetronError('INPUT_INVALID', `the histogram has more than ${limits.maxHistogramBuckets} buckets; use a larger interval or a narrower time range`);
        }
        const buckets = rows.map(([bucket, n]) => ({ key: Number(bucket) * interval, count: Number(n) }));
        return { field, interval, total: buckets.reduce((sum, b) => sum + b.count, 0), buckets };
      };
    });
  }

  async findAll(requests: GetRequest[]): Promise<Message[]> {
    this.ensureOpen();
    if (requests.length > this.aggregateLimits.maxFindAll) {
      throw new MetronError('INPUT_INVALID', `findAll takes at most ${this.aggregateLimits.maxFindAll} requests, got ${requests.length}`);
    }
    return this.readWithRetry(() => {
      const byTable = new Map<TableCatalog, Set<string>>();
      for (const request of requests) {
        const table = tableForSensor(String(request.sensorType));
        const catalog = table === null ? undefined : this.tables.get(table);
        if (catalog === undefined) continue;
        let guids = byTable.get(catalog);
        if (guids === undefined) byTable.set(catalog, (guids = new Set()));
        guids.add(String(request.guid));
      }
      return async (connection) => {
        const found = new Map<string, Message>();
        for (const [catalog, guids] of byTable) {
          const reader = await runStatement(connection, findAllStatement(catalog, [...guids]));
          const names = reader.columnNames();
          for (const row of reader.getRows()) {
            const message = decodeTableRow(catalog, names, row);
            found.set(`${catalog.table}\u0000${String(message[GUID])}`, message);
          }
        }
        const result: Message[] = [];
        for (const request of requests) {
          const table = tableForSensor(String(request.sensorType));
          const message = table === null ? undefined : found.get(`${table}\u0000${String(request.guid)}`);
          if (message !== undefined) result.push(message);
        }
        return result;
      };
    });
  }

  async findOne(request: GetRequest): Promise<Message | null> {
    this.ensureOpen();
    return this.readWithRetry(() => {
      const table = tableForSensor(request.sensorType);
      const catalog = table === null ? undefined : this.tables.get(table);
      if (catalog === undefined) return async () => null;
      const params = new SqlParams();
      const sql = `SELECT * FROM ${quoteIdent(catalog.table)} WHERE ${quoteIdent(GUID)} = ${params.bind(String(request.guid), VARCHAR)}`;
      return async (connection) => {
        const reader = await runStatement(connection, { sql, params });
        const row = reader.getRows()[0];
        return row === undefined ? null : decodeTableRow(catalog, reader.columnNames(), row);
      };
    });
  }

  async indices(): Promise<string[]> {
    this.ensureOpen();
    return [...this.tables.values()].map((catalog) => catalog.sensor).sort();
  }

  async columnMetadata(indices: string[] = []): Promise<Record<string, MetronFieldType>> {
    this.ensureOpen();
    const result: Record<string, MetronFieldType> = {};
    for (const catalog of this.selectTables(indices)) {
      for (const info of catalog.columns) {
        const type = metronFieldType(info);
        const known = result[info.field];
        result[info.field] = known === undefined || known === type ? type : 'other';
      }
    }
    return result;
  }

  fields(sensor: string): ColumnInfo[] {
    const table = tableForSensor(sensor);
    const catalog = table === null ? undefined : this.tables.get(table);
    return catalog === undefined ? [] : catalog.columns.map((info) => ({ ...info }));
  }

  async checkpoint(): Promise<void> {
    this.ensureOpen();
    await this.writeQueue.run(() => this.writeConnection.run('CHECKPOINT'));
  }

  async deleteBefore(sensor: string, cutoffMs: number): Promise<number> {
    this.ensureOpen();
    const table = tableForSensor(sensor);
    const catalog = table === null ? undefined : this.tables.get(table);
    const statement = catalog === undefined ? null : deleteBeforeStatement(catalog, cutoffMs);
    if (statement === null) return 0;
    return this.writeQueue.run(async () => (await this.writeConnection.run(statement.sql, statement.params.values, statement.params.types)).rowsChanged);
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    // Let accepted writes and searches finish before the connections go.
    await this.writeQueue.drain();
    await Promise.all(this.readQueues.map((queue) => queue.drain()));
    try {
      if (this.path !== ':memory:') await this.writeConnection.run('CHECKPOINT').catch(() => undefined);
      this.writeConnection.closeSync();
      for (const connection of this.readConnections) connection.closeSync();
      this.instance.closeSync();
    } finally {
      openFiles.delete(this.path);
      await this.spool.close().catch(() => undefined);
    }
  }
}

function runStatement(connection: DuckDBConnection, statement: Statement) {
  return connection.runAndReadAll(statement.sql, statement.params.values, statement.params.types);
}

/** The first line of a DuckDB error, bounded: its full text can echo a whole batch of values. */
function brief(err: unknown): string {
  const line = errorMessage(err).split('\n')[0] ?? '';
  return line.length > 300 ? `${line.slice(0, 300)}...` : line;
}
