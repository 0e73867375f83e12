/**
 * Turns one spooled part (NDJSON, one message per line, as the bus holds them) into one Parquet
 * file with DuckDB's JSON reader and its Parquet writer (Apache Parquet format, zstd pages).
 *
 * The column types are chosen here rather than left to DuckDB's detection, so files are plain to
 * read from any engine: a field with only booleans, integers, doubles or strings is BOOLEAN,
 * BIGINT, DOUBLE or VARCHAR; a field whose values mix scalar types is VARCHAR (numbers as their
 * text), as `read_parquet(..., union_by_name = true)` also widens across files; arrays and objects
 * are JSON text. Strings DuckDB would read as dates stay strings.
 *
 * Fields named `sensor` or `day` are written as `_sensor` and `_day`: the Hive partition columns of
 * the archive layout would hide them otherwise.
 *
 * DuckDB refuses some lines the pipeline can carry (unpaired surrogates, duplicate keys) and keys
 * that differ only in case cannot be two DuckDB columns. Such a part is rewritten in JS first
 * (surrogates replaced by U+FFFD, duplicate keys resolved as JSON.parse does, the later of two
 * case twins named `<key>_<n>`); a line that is not a JSON object is reported by line number and
 * kept in a rejected file, never dropped silently.
 */
import { appendFile, open, rm, writeFile } from 'node:fs/promises';
import type { DuckDBConnection } from '@duckdb/node-api';
import { quoteIdent } from '../duckdb/sql.js';
import { sqlString } from '../duckdb/spool.js';

/** Column types of archive files. */
export type ArchiveColumnType = 'BOOLEAN' | 'BIGINT' | 'DOUBLE' | 'VARCHAR' | 'JSON';

/** Field names renamed in files: they are the Hive partition keys of the layout. */
export const PARTITION_KEYS: Readonly<Record<string, string>> = { sensor: '_sensor', day: '_day' };

export interface ConvertResult {
  rows: number;
  /** True when the part went through the JS rewrite (see the file comment). */
  rewritten: boolean;
  /** 1-based line numbers of lines that were not JSON objects (kept in the rejected file). */
  rejectedLines: number[];
}

export interface ConvertPaths {
  /** The spooled part. */
  spool: string;
  /** Where the Parquet file is written (a temporary name; the caller renames it). */
  target: string;
  /** Scratch file for the JS rewrite. */
  scratch: string;
  /** Where lines that are not JSON objects are appended. */
  rejected: string;
}

/** Maps a type DuckDB detected for a top-level field to the archive's column type. */
export function archiveType(detected: string): ArchiveColumnType {
  const t = detected.toUpperCase();
  if (t === 'BOOLEAN') return 'BOOLEAN';
  if (t === 'BIGINT' || t === 'INTEGER' || t === 'SMALLINT' || t === 'TINYINT' || t === 'UINTEGER' || t === 'USMALLINT' || t === 'UTINYINT') return 'BIGINT';
  if (t === 'DOUBLE' || t === 'FLOAT' || t === 'UBIGINT' || t === 'HUGEINT' || t === 'UHUGEINT' || t.startsWith('DECIMAL')) return 'DOUBLE';
  if (t.startsWith('STRUCT') || t.startsWith('MAP') || t.endsWith(']')) return 'JSON';
  // JSON here means values of mixed types; DATE, TIMESTAMP, UUID... are strings DuckDB recognized.
  return 'VARCHAR';
}

function readJsonSource(file: string, columns?: Array<{ name: string; type: ArchiveColumnType }>): string {
  const base = `${sqlString(file)}, format = 'newline_delimited', compression = 'uncompressed', hive_partitioning = false, maximum_object_size = 67108864`;
  if (columns === undefined) return `read_json(${base}, maximum_depth = 2, sample_size = -1)`;
  const declared = columns.map((c) => `${sqlString(c.name)}: '${c.type}'`).join(', ');
  return `read_json(${base}, columns = {${declared}})`;
}

/** The exact top-level keys and archive types of a part, as DuckDB detects them; null if it cannot be read as is. */
async function detectColumns(connection: DuckDBConnection, file: string, checkTwins: boolean): Promise<Array<{ name: string; type: ArchiveColumnType }> | null> {
  const reader = await connection.runAndReadAll(`DESCRIBE SELECT * FROM ${readJsonSource(file)}`);
  const columns = reader.getRows().map(([name, type]) => ({ name: String(name), type: archiveType(String(type)) }));
  if (!checkTwins) return columns;
  // DuckDB names the later of two case twins `<key>_<n>`, a name no line has: rewrite such a part.
  const lower = new Set(columns.map((c) => c.name.toLowerCase()));
  for (const c of columns) {
    const m = /^(.*)_\d+$/.exec(c.name);
    if (m !== null && lower.has((m[1] as string).toLowerCase())) return null;
  }
  return columns;
}

/** COPY of the part to Parquet with declared column types; returns the row count. */
async function copyToParquet(connection: DuckDBConnection, file: string, target: string, columns: Array<{ name: string; type: ArchiveColumnType }>): Promise<number> {
  if (columns.length === 0) throw new Error('the part has no fields');
  const select = columns.map((c) => {
    const renamed = PARTITION_KEYS[c.name.toLowerCase()];
    return renamed === undefined ? quoteIdent(c.name) : `${quoteIdent(c.name)} AS ${quoteIdent(renamed)}`;
  });
  const reader = await connection.runAndReadAll(
    `COPY (SELECT ${select.join(', ')} FROM ${readJsonSource(file, columns)}) TO ${sqlString(target)} (FORMAT parquet, COMPRESSION zstd)`,
  );
  return Number(reader.getRows()[0]?.[0] ?? 0);
}

const LONE_SURROGATES = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g;

/** A string with unpaired surrogates replaced by U+FFFD (DuckDB's JSON reader refuses them). */
function wellFormed(s: string): string {
  return s.replace(LONE_SURROGATES, '\ufffd');
}

function cleanValue(value: unknown): unknown {
  if (typeof value === 'string') return wellFormed(value);
  if (Array.isArray(value)) return value.map(cleanValue);
  if (value !== null && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) out[wellFormed(k)] = cleanValue(v);
    return out;
  }
  return value;
}

/**
 * Rewrites a part line by line so DuckDB can read it (see the file comment). Key renames are
 * decided over the whole part, so one field keeps one column name in the file.
 */
async function rewritePart(paths: ConvertPaths): Promise<{ lines: number; rejectedLines: number[] }> {
  const rejectedLines: number[] = [];
  const out: string[] = [];
  /** Lower-cased column name → the exact key that owns it. */
  const owners = new Map<string, string>();
  /** Exact key → column name. */
  const names = new Map<string, string>();
  const columnOf = (key: string): string => {
    const known = names.get(key);
    if (known !== undefined) return known;
    let name = key;
    for (let n = 1; owners.has(name.toLowerCase()) && owners.get(name.toLowerCase()) !== key; n++) name = `${key}_${n}`;
    owners.set(name.toLowerCase(), key);
    names.set(key, name);
    return name;
  };
  const input = await open(paths.spool, 'r');
  let lineNo = 0;
  let size = 0;
  const flush = async () => {
    if (out.length === 0) return;
    await appendFile(paths.scratch, out.join('\n') + '\n');
    out.length = 0;
    size = 0;
  };
  await writeFile(paths.scratch, '');
  for await (const line of input.readLines({ encoding: 'utf8' })) {
    lineNo++;
    if (line.length === 0) continue;
    let parsed: unknown;
    try {
      parsed = JSON.parse(line);
    } catch {
      parsed = undefined;
    }
    if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) {
      rejectedLines.push(lineNo);
      await appendFile(paths.rejected, line + '\n');
      continue;
    }
    const row: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(parsed as Record<string, unknown>)) row[columnOf(wellFormed(k))] = cleanValue(v);
    const text = JSON.stringify(row);
    out.push(text);
    size += text.length;
    if (size > 8 << 20) await flush();
  }
  await flush();
  return { lines: lineNo - rejectedLines.length, rejectedLines };
}

/**
 * Converts a part to Parquet at `paths.target`, through the JS rewrite when DuckDB cannot read it
 * as is. `expectedRows` (the part's line count) guards against a silently short file.
 */
export async function convertPart(connection: DuckDBConnection, paths: ConvertPaths, expectedRows: number): Promise<ConvertResult> {
  try {
    const columns = await detectColumns(connection, paths.spool, true);
    if (columns !== null) {
      const rows = await copyToParquet(connection, paths.spool, paths.target, columns);
      if (rows !== expectedRows) throw new Error(`wrote ${rows} rows of ${expectedRows}`);
      return { rows, rewritten: false, rejectedLines: [] };
    }
  } catch {
    // Refused as is: rewritten below. Nothing of a failed COPY is visible (temporary name).
  }
  try {
    const { lines, rejectedLines } = await rewritePart(paths);
    if (lines === 0) return { rows: 0, rewritten: true, rejectedLines };
    // The rewrite named every key uniquely (case-insensitively), so DuckDB's names are the keys.
    const columns = (await detectColumns(connection, paths.scratch, false))!;
    const rows = await copyToParquet(connection, paths.scratch, paths.target, columns);
    if (rows !== lines) throw new Error(`wrote ${rows} rows of ${lines}`);
    return { rows, rewritten: true, rejectedLines };
  } finally {
    await rm(paths.scratch, { force: true });
  }
}
