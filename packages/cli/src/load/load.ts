/**
 * `metron load flatfile|list`: loads enrichment or threat-intel data into the tables that
 * ENRICHMENT_GET / ENRICHMENT_EXISTS and the enrichment adapters read, in the embedded LMDB store
 * (<data-dir>/kv) or in Redis. `flatfile` follows Metron's flatfile_loader.sh (an extractor
 * config, see extractor.ts; Metron's option names are accepted too); `list` loads one indicator
 * per line. Loading is idempotent: a row is keyed by (column family, type, indicator) and a
 * re-load replaces it, so the same input gives the same table. Rows may expire (--ttl,
 * --expires-at, or the extractor's expires_at_column): expired rows are not returned by lookups,
 * and the load removes the table's expired rows where the store does not do it itself.
 *
 * Progress goes to stderr (each second; -q silences it), then a summary line; stdout gets one
 * JSON object with the counts. Exit code: 0 every line loaded (or skipped or filtered), 1 some
 * lines failed (the others are loaded) or the store failed, 2 usage or config error.
 */
import { createReadStream, existsSync } from 'node:fs';
import { readdir, readFile, stat } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { createGunzip } from 'node:zlib';
import type { Readable, Writable } from 'node:stream';
import { parseArgs } from 'node:util';
import { errorMessage, MetronError } from '@metron/core';
import { loadConfigFile } from '@metron/core/node';
import { installStellarModules, tableBackend } from '@metron/pipeline';
import { defaultRegistry } from '@metron/stellar';
import { EnrichmentTables, openLmdbStore, openRedisStore, redactRedisUrl, type EnrichmentRow, type KeyValueStore } from '@metron/storage';
import { parseFlags } from '../args.js';
import { resolveConfigDir } from '../start.js';
import { ENRICHMENT_STORE_DIR } from '../stellar.js';
import { runLoadAssets } from './assets.js';
import { createExtractor, parseTime, type Extraction } from './extractor.js';
import { emptyCounts, Progress, rate, type LoadCounts } from './progress.js';
import { runThreatIntelLoad, THREAT_INTEL_USAGE } from './threat-intel.js';

const USAGE = `metron load flatfile -e EXTRACTOR.json -i FILE[,FILE|DIR...] [options]
metron load list -i FILE --type TYPE [--value JSON] [options]

Loads enrichment or threat-intel rows (type, indicator) -> value map into a table.
  flatfile  lines of a CSV file, read with a Metron extractor config (-e, --extractor; Metron's
            --extractor_config): columns, indicator_column, type, separator, value_transform,
            value_filter, indicator_transform, indicator_filter
  list      one indicator per line (blank lines and # comments skipped); --type TYPE names the
            enrichment type, --value JSON the value map of every row (default {})
Options:
  -i, --input PATHS        files or directories (read recursively), comma-separated; - for stdin;
                           FILE.gz is decompressed
  -t, --table NAME         the table (default threatintel; Metron: --hbase_table)
  -c, --column-family CF   the column family (default t; Metron: --hbase_cf)
  --ttl DURATION           rows expire this long after the load: 90s, 30m, 24h, 7d, 2w
  --expires-at TIME        rows expire at this time: epoch ms or ISO 8601 (UTC unless an offset is given);
                           an extractor's "expires_at_column" gives each row its own expiry
  -b, --batch-size N       rows per write (default 1000; Metron: --batchSize)
  -q, --quiet              no progress line
  --backend lmdb|redis     where the tables live (default: the global config's kv.backend, else lmdb)
  --data-dir DIR           LMDB: the tables are in DIR/${ENRICHMENT_STORE_DIR} (default ./data)
  --redis-url URL          Redis: the server (default: the global config's kv.redis.url, else
                           $METRON_REDIS_URL, else redis://127.0.0.1:6379)
  --config-dir DIR         global.json there gives Stellar its global config and kv.backend (default
                           ./config if present, else the built-in configs)
Exit code: 0 all lines loaded, skipped or filtered; 1 some lines failed (the rest is loaded); 2 usage or config error.
`;

export const COMMON_OPTIONS = {
  input: { type: 'string', short: 'i' },
  table: { type: 'string', short: 't' },
  'column-family': { type: 'string', short: 'c' },
  ttl: { type: 'string' },
  'expires-at': { type: 'string' },
  'batch-size': { type: 'string', short: 'b' },
  quiet: { type: 'boolean', short: 'q' },
  backend: { type: 'string' },
  'data-dir': { type: 'string' },
  'redis-url': { type: 'string' },
  'config-dir': { type: 'string' },
  help: { type: 'boolean', short: 'h' },
  // flatfile_loader.sh's spellings
  hbase_table: { type: 'string' },
  hbase_cf: { type: 'string' },
  batchSize: { type: 'string' },
  enrichment_config: { type: 'string', short: 'n' },
  import_mode: { type: 'string', short: 'm' },
  threads: { type: 'string', short: 'p' },
  log4j: { type: 'string', short: 'l' },
} as const;

const FLATFILE_OPTIONS = { ...COMMON_OPTIONS, extractor: { type: 'string', short: 'e' }, extractor_config: { type: 'string' } } as const;
const LIST_OPTIONS = { ...COMMON_OPTIONS, type: { type: 'string' }, value: { type: 'string' } } as const;

/** Failed lines shown one by one; past this, only counted. */
export const SHOWN_FAILURES = 20;

export interface LoadIo {
  stdin: Readable;
  stdout: Writable;
  stderr: Writable & { isTTY?: boolean };
}

type Values = { [K in keyof typeof FLATFILE_OPTIONS | keyof typeof LIST_OPTIONS]?: string | boolean | undefined };

export interface Target {
  backend: 'lmdb' | 'redis';
  /** LMDB directory or Redis URL (as shown: without password). */
  where: string;
  open(): Promise<KeyValueStore>;
}

interface Plan {
  table: string;
  columnFamily: string;
  inputs: string[];
  batchSize: number;
  quiet: boolean;
  expiresAt: number | undefined;
  target: Target;
  /** Line → extraction. */
  extract(line: string): Extraction;
  /** Each file is one record (its lines joined), not one per line. */
  wholeFile: boolean;
  notes: readonly string[];
}

/** Entry point of `metron load`. Returns the exit code. */
export async function runLoad(args: string[], io: LoadIo = { stdin: process.stdin, stdout: process.stdout, stderr: process.stderr }): Promise<number> {
  const [kind, ...rest] = args;
  if (kind === 'assets' || kind === 'identities') return runLoadAssets(kind, rest, io);
  if (kind === 'stix' || kind === 'taxii' || kind === 'misp') return runThreatIntelLoad(kind, rest, io);
  if (kind === undefined || kind === 'help' || kind === '--help' || kind === '-h') {
    io.stdout.write(`${USAGE}\n${THREAT_INTEL_USAGE}`);
    return 0;
  }
  let plan: Plan | undefined;
  try {
    if (kind !== 'flatfile' && kind !== 'list') throw new MetronError('INPUT_INVALID', `unknown load kind '${kind}': flatfile, list, stix, taxii, misp, assets or identities`);
    plan = await makePlan(kind, rest);
  } catch (err) {
    io.stderr.write(`metron load: ${errorMessage(err)}\n`);
    if (err instanceof MetronError && err.code === 'INPUT_INVALID') io.stderr.write(`\n${USAGE}`);
    return 2;
  }
  if (plan === undefined) {
    io.stdout.write(USAGE);
    return 0;
  }
  for (const note of plan.notes) io.stderr.write(`metron load: note: ${note}\n`);

  let store: KeyValueStore;
  try {
    store = await plan.target.open();
  } catch (err) {
    io.stderr.write(`metron load: ${errorMessage(err)}\n`);
    return 1;
  }
  try {
    const result = await execute(plan, store, io);
    return result.failed > 0 ? 1 : 0;
  } catch (err) {
    io.stderr.write(`metron load: ${errorMessage(err)}\n`);
    return 1;
  } finally {
    await store.close();
  }
}

/** Reads the flags and the configs; undefined for --help. Throws MetronError (INPUT_INVALID: usage) or ConfigError. */
async function makePlan(kind: 'flatfile' | 'list', args: string[]): Promise<Plan | undefined> {
  const { values } = parseFlags(() => parseArgs({ args, options: kind === 'flatfile' ? FLATFILE_OPTIONS : LIST_OPTIONS, strict: true, allowPositionals: false }));
  const v = values as Values;
  if (v.help) return undefined;
  const str = (...names: Array<keyof Values>): string | undefined => {
    const given = names.filter((n) => typeof v[n] === 'string');
    if (given.length > 1 && new Set(given.map((n) => v[n])).size > 1) throw new MetronError('INPUT_INVALID', `--${given[0]!} and --${given[1]!} disagree: give one`);
    return given.length > 0 ? (v[given[0]!] as string) : undefined;
  };
  if (v.enrichment_config !== undefined) {
    throw new MetronError('INPUT_INVALID', '--enrichment_config (-n) is not supported: it edited enrichment configs in ZooKeeper; map fields to the new type in the config directory (enrichments/<sensor>.json) instead');
  }
  const importMode = str('import_mode');
  if (importMode !== undefined && importMode.toUpperCase() !== 'LOCAL') throw new MetronError('INPUT_INVALID', `--import_mode ${importMode} is not supported: loads run locally (LOCAL)`);

  const input = str('input');
  if (input === undefined || input.trim() === '') throw new MetronError('INPUT_INVALID', '--input (-i) is required');
  const inputs = await expandInputs(input);
  const table = str('table', 'hbase_table')?.trim() ?? 'threatintel';
  const columnFamily = str('column-family', 'hbase_cf')?.trim() ?? 't';
  if (table === '') throw new MetronError('INPUT_INVALID', '--table must not be empty');
  if (columnFamily === '') throw new MetronError('INPUT_INVALID', '--column-family must not be empty');
  const batchSize = positiveInt(str('batch-size', 'batchSize'), 1000, '--batch-size');
  const ttl = str('ttl');
  const expiresAtFlag = str('expires-at');
  if (ttl !== undefined && expiresAtFlag !== undefined) throw new MetronError('INPUT_INVALID', 'give --ttl or --expires-at, not both');
  let expiresAt: number | undefined;
  if (ttl !== undefined) expiresAt = Date.now() + parseDuration(ttl);
  if (expiresAtFlag !== undefined) {
    expiresAt = parseTime(expiresAtFlag.trim());
    if (expiresAt === undefined) throw new MetronError('INPUT_INVALID', `--expires-at must be epoch ms or an ISO 8601 date-time, got '${expiresAtFlag}'`);
  }
  const configDir = resolveConfigDir(str('config-dir'));
  const globalFile = join(configDir, 'global.json');
  const global: Readonly<Record<string, unknown>> = existsSync(globalFile) ? await loadConfigFile('global', globalFile) : {};
  const { target, notes } = configuredTarget({ backend: str('backend'), dataDir: str('data-dir'), redisUrl: str('redis-url') }, global, globalFile);

  if (kind === 'list') {
    const type = str('type');
    if (type === undefined || type.trim() === '') throw new MetronError('INPUT_INVALID', '--type is required: the enrichment type of the indicators, such as malicious_ip');
    const value = jsonObject(str('value'), '--value') ?? {};
    return { table, columnFamily, inputs, batchSize, quiet: v.quiet === true, expiresAt, target, notes, wholeFile: false, extract: listExtractor(type.trim(), value) };
  }

  const extractorFile = str('extractor', 'extractor_config');
  if (extractorFile === undefined) throw new MetronError('INPUT_INVALID', '--extractor (-e) is required: the extractor config (JSON)');
  let text: string;
  try {
    text = await readFile(extractorFile, 'utf8');
  } catch (err) {
    throw new MetronError('CONFIG_NOT_FOUND', `cannot read the extractor config ${extractorFile}: ${errorMessage(err)}`);
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (err) {
    throw new MetronError('CONFIG_INVALID', `${extractorFile}: $: invalid JSON: ${errorMessage(err)}`);
  }
  const functions = defaultRegistry();
  installStellarModules(functions, { globalConfig: () => global });
  const extractor = createExtractor(json, extractorFile, { global, functions });
  return {
    table,
    columnFamily,
    inputs,
    batchSize,
    quiet: v.quiet === true,
    expiresAt,
    target,
    notes: [...notes, ...extractor.notes],
    wholeFile: extractor.wholeFile,
    extract: (line) => extractor.extract(line),
  };
}

/** `list`: the trimmed line is the indicator; every row gets the same value map. */
function listExtractor(type: string, value: Record<string, unknown>): (line: string) => Extraction {
  return (line) => {
    const indicator = line.trim();
    if (indicator === '' || indicator.startsWith('#')) return { kind: 'skipped' };
    return { kind: 'row', row: { type, indicator, value } };
  };
}

/**
 * Where a load writes: where the pipeline reads the tables, i.e. the global config's `kv.backend`
 * (and `kv.redis.url`), unless a flag says otherwise: `--backend` (with `--redis-url`), or
 * `--data-dir` (which means LMDB, as it does for `metron start`); a flag that takes the load away from the
 * configured Redis is noted, since the pipeline would not read what it loads.
 * Throws ConfigError for a bad kv setting, with its path.
 */
export function configuredTarget(
  flags: { backend: string | undefined; dataDir: string | undefined; redisUrl: string | undefined },
  global: Readonly<Record<string, unknown>>,
  globalFile: string,
): { target: Target; notes: string[] } {
  const configured = tableBackend(global, globalFile);
  if (flags.backend === undefined && flags.redisUrl === undefined && flags.dataDir === undefined) {
    return { target: configured.backend === 'redis' ? storeTarget('redis', undefined, configured.url) : storeTarget('lmdb', undefined, undefined), notes: [] };
  }
  const target = storeTarget(flags.backend, flags.dataDir, flags.redisUrl);
  const notes = configured.backend === 'redis' && target.backend === 'lmdb'
    ? [`loading LMDB at ${target.where}, while ${globalFile} sets kv.backend redis: the pipeline reads Redis (${redactRedisUrl(configured.url)})`]
    : [];
  return { target, notes };
}

export function storeTarget(backend: string | undefined, dataDir: string | undefined, redisUrl: string | undefined): Target {
  const kind = backend ?? 'lmdb';
  if (kind === 'lmdb') {
    if (redisUrl !== undefined) throw new MetronError('INPUT_INVALID', '--redis-url goes with --backend redis');
    const path = join(resolve(dataDir ?? 'data'), ENRICHMENT_STORE_DIR);
    return { backend: 'lmdb', where: path, open: async () => openLmdbStore({ path }) };
  }
  if (kind === 'redis') {
    if (dataDir !== undefined) throw new MetronError('INPUT_INVALID', '--data-dir goes with --backend lmdb (Redis holds the tables itself)');
    const url = redisUrl ?? process.env['METRON_REDIS_URL'] ?? 'redis://127.0.0.1:6379';
    if (!/^rediss?:\/\//.test(url)) throw new MetronError('INPUT_INVALID', `--redis-url must be a redis:// or rediss:// URL, got ${redactRedisUrl(url)}`);
    // the loader only writes: no read cache
    return { backend: 'redis', where: redactRedisUrl(url), open: async () => openRedisStore({ url, cacheTtlMs: 0 }) };
  }
  throw new MetronError('INPUT_INVALID', `--backend must be lmdb or redis, got '${kind}'`);
}

async function execute(plan: Plan, store: KeyValueStore, io: LoadIo): Promise<LoadCounts> {
  const tables = new EnrichmentTables(store);
  const counts = emptyCounts();
  const progress = new Progress(io.stderr, plan.quiet);
  let batch: EnrichmentRow[] = [];
  const flush = async () => {
    if (batch.length === 0) return;
    const rows = batch;
    batch = [];
    await tables.load(plan.table, plan.columnFamily, rows);
  };
  // the bar's share of work: input bytes read (unknown when stdin is an input)
  const sizes = plan.inputs.includes('-') ? undefined : await Promise.all(plan.inputs.map(async (p) => (await stat(p)).size));
  const totalBytes = sizes?.reduce((a, b) => a + b, 0);
  let bytesBefore = 0;
  for (const [index, input] of plan.inputs.entries()) {
    const name = input === '-' ? '(stdin)' : input;
    const stream = openInput(input, io.stdin);
    const file = stream as Readable & { bytesRead?: number };
    const source = (stream as Readable & { source?: Readable & { bytesRead?: number } }).source ?? file;
    const fraction = (): number | undefined => (totalBytes === undefined || totalBytes === 0 ? undefined : (bytesBefore + (source.bytesRead ?? 0)) / totalBytes);
    const lines = createInterface({ input: stream, crlfDelay: Infinity });
    const records = plan.wholeFile ? wholeFileRecord(lines) : lines;
    let lineNumber = 0;
    for await (const line of records) {
      lineNumber++;
      counts.lines++;
      const result = plan.extract(line);
      switch (result.kind) {
        case 'row': {
          const expiresAt = result.row.expiresAt ?? plan.expiresAt;
          if (expiresAt !== undefined && expiresAt <= Date.now()) counts.expired++;
          else counts.loaded++;
          batch.push({ type: result.row.type, indicator: result.row.indicator, value: result.row.value, expiresAt });
          if (batch.length >= plan.batchSize) await flush();
          break;
        }
        case 'skipped':
          counts.skipped++;
          break;
        case 'filtered':
          counts.filtered++;
          break;
        case 'failed':
          counts.failed++;
          if (counts.failed <= SHOWN_FAILURES) {
            progress.breakLine();
            io.stderr.write(`metron load: ${name}:${lineNumber}: ${result.reason}\n`);
          }
          break;
      }
      progress.update({ unit: 'lines', done: counts.lines, loaded: counts.loaded, filtered: counts.filtered, failed: counts.failed, fraction: fraction() });
    }
    bytesBefore += sizes?.[index] ?? 0;
  }
  await flush();
  const purged = await store.purgeExpired(plan.table);
  const elapsedMs = progress.elapsedMs();
  progress.breakLine();
  const hidden = counts.failed > SHOWN_FAILURES ? ` (${counts.failed - SHOWN_FAILURES} failures not shown)` : '';
  io.stderr.write(
    `metron load: ${counts.loaded} rows loaded into table ${plan.table}, column family ${plan.columnFamily} (${plan.target.backend === 'lmdb' ? 'LMDB at' : 'Redis at'} ${plan.target.where}) ` +
      `from ${counts.lines} lines: ${counts.skipped} blank or comment, ${counts.filtered} filtered, ${counts.failed} failed${hidden}, ${counts.expired} already expired; ` +
      `${purged > 0 ? `${purged} expired rows purged; ` : ''}${(elapsedMs / 1000).toFixed(1)} s, ${rate(counts.lines, elapsedMs)} lines/s\n`,
  );
  io.stdout.write(
    `${JSON.stringify({ table: plan.table, column_family: plan.columnFamily, backend: plan.target.backend, ...counts, purged, elapsed_ms: elapsedMs })}\n`,
  );
  return counts;
}

/** An input's text stream: stdin for '-', a .gz file decompressed. */
export function openInput(input: string, stdin: Readable): Readable {
  if (input === '-') return stdin;
  const file = createReadStream(input);
  if (!input.endsWith('.gz')) return file;
  // the compressed stream, whose bytesRead measures progress through the file
  return Object.assign(file.pipe(createGunzip()), { source: file });
}

/** WHOLE_FILE input: the file's lines joined without separator, as one record (Metron's extractWholeFiles). */
async function* wholeFileRecord(lines: AsyncIterable<string>): AsyncGenerator<string> {
  const parts: string[] = [];
  for await (const line of lines) parts.push(line);
  yield parts.join('');
}

/** The files named by --input: comma-separated paths; a directory gives its files, recursively, sorted. */
export async function expandInputs(input: string): Promise<string[]> {
  const out: string[] = [];
  for (const part of input.split(',').map((p) => p.trim())) {
    if (part === '') continue;
    if (part === '-') {
      out.push('-');
      continue;
    }
    let info;
    try {
      info = await stat(part);
    } catch {
      throw new MetronError('INPUT_INVALID', `--input: no such file or directory: ${part}`);
    }
    if (info.isDirectory()) {
      const entries = await readdir(part, { recursive: true, withFileTypes: true });
      const files = entries.filter((e) => e.isFile()).map((e) => join(e.parentPath, e.name));
      out.push(...files.sort());
    } else {
      out.push(part);
    }
  }
  const zipped = out.find((p) => p.endsWith('.zip'));
  if (zipped !== undefined) throw new MetronError('INPUT_INVALID', `--input: ${zipped}: zip archives are not read; unzip it (or gzip the file: .gz is read)`);
  if (out.length === 0) throw new MetronError('INPUT_INVALID', '--input names no file');
  if (out.filter((p) => p === '-').length > 1) throw new MetronError('INPUT_INVALID', '--input names stdin (-) twice');
  return out;
}

const DURATION_UNITS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000, w: 604_800_000 };

/** A duration such as 90s, 30m, 24h, 7d, 2w (or 1500ms), in ms. */
export function parseDuration(text: string): number {
  const m = /^\s*(\d+(?:\.\d+)?)\s*(ms|s|m|h|d|w)\s*$/.exec(text);
  const ms = m ? Number(m[1]) * DURATION_UNITS[m[2]!]! : NaN;
  if (!Number.isFinite(ms) || ms <= 0) throw new MetronError('INPUT_INVALID', `--ttl must be a positive duration such as 90s, 30m, 24h, 7d or 2w, got '${text}'`);
  return Math.round(ms);
}

export function positiveInt(value: string | undefined, fallback: number, name: string): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!Number.isSafeInteger(n) || n <= 0) throw new MetronError('INPUT_INVALID', `${name} must be a positive integer, got '${value}'`);
  return n;
}

function jsonObject(value: string | undefined, name: string): Record<string, unknown> | undefined {
  if (value === undefined) return undefined;
  let parsed: unknown;
  try {
    parsed = JSON.parse(value);
  } catch (err) {
    throw new MetronError('INPUT_INVALID', `${name} must be a JSON object: ${errorMessage(err)}`);
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) throw new MetronError('INPUT_INVALID', `${name} must be a JSON object, got ${value}`);
  return parsed as Record<string, unknown>;
}
