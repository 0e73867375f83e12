/**
 * `metron load stix|taxii|misp`: threat intelligence in its exchange formats into the threat-intel
 * table (the same table, store and options as `metron load flatfile`). The format logic lives in
 * @metron/enrichment (threat-intel/); this file reads the inputs, writes the rows in batches,
 * reports what was not loaded, and keeps TAXII's polling position.
 *
 * Reporting, as flatfile: each problem on stderr with where it was (file and line:column or object
 * index and id, TAXII page, MISP attribute), the first 20 of each kind shown and the rest counted;
 * then a summary line on stderr and one JSON object with the counts on stdout. `failed` items
 * (malformed: bad JSON, a pattern that does not parse, a value that is not what it claims) make the
 * exit code 1, like flatfile's failed lines; `unsupported` ones (well-formed, but nothing an
 * exact-match table can hold) are reported and counted, exit code 0.
 *
 * Polling positions: per TAXII API root and collection, the X-TAXII-Date-Added-Last of the last page
 * loaded; per MISP feed, the manifest timestamp of each event loaded. They are kept in the store
 * itself (namespace `metron_load_state`), so they live with the tables they describe
 * (<data-dir>/kv, or Redis), and saved after the rows are written. A re-run asks a TAXII server only
 * for objects added since, and reads only the MISP events that changed.
 *
 * Large inputs are read as streams: STIX bundles object by object (stix-stream.ts), MISP event
 * files attribute by attribute (misp-stream.ts; a feed URL's events are first downloaded to a
 * temporary file each).
 */
import { createReadStream, createWriteStream, existsSync } from 'node:fs';
import { mkdtemp, readdir, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, join, resolve } from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { ReadableStreamReadResult } from 'node:stream/web';
import { parseArgs } from 'node:util';
import { createGunzip, gunzipSync } from 'node:zlib';
import { errorMessage, MetronError } from '@metron/core';
import {
  parseIndicatorTypes,
  readMispManifest,
  redactUrl,
  StixIndicatorMapper,
  TaxiiClient,
  TaxiiError,
  type IndicatorTypeNames,
  type LoadIssue,
  type MispMapOptions,
  type ThreatIntelRow,
} from '@metron/enrichment';
import { loadConfigFile } from '@metron/core/node';
import { EnrichmentTables, type EnrichmentRow, type KeyValueStore } from '@metron/storage';
import { parseFlags } from '../args.js';
import { resolveConfigDir } from '../start.js';
import { parseTime } from './extractor.js';
import { configuredTarget, expandInputs, parseDuration, positiveInt, SHOWN_FAILURES, type LoadIo, type Target } from './load.js';
import { MispReadError, readMispEvent } from './misp-stream.js';
import { Progress, rate } from './progress.js';
import { StixStreamError, streamStixObjects } from './stix-stream.js';

export type ThreatIntelKind = 'stix' | 'taxii' | 'misp';

export const THREAT_INTEL_USAGE = `metron load stix -i FILE|DIR[,...] | --url BUNDLE_URL [options]
metron load taxii --url URL [--collection ID] [--user USER] [options]
metron load misp -i DIR | --url FEED_URL [--all-attributes] [options]

Loads indicators into the threat-intel table as Metron's (type, indicator) -> value rows.
  stix   STIX 2.1 (and 2.0) bundles, envelopes or objects (.json, .json.gz): each = (and IN) comparison
         of an indicator's pattern on ipv4-addr/ipv6-addr/domain-name/url/email-addr values, file or
         artifact hashes, network-traffic src_ref/dst_ref values; valid_until is the row's expiry; a
         revoked indicator removes its rows
  taxii  a TAXII 2.1 server: --url is the discovery URL or an API root; every readable collection, or
         --collection ID (or title); pages followed; re-runs ask only for objects added since the last
         run (kept in the store); --full asks for everything, --added-after TIME from a time
  misp   a MISP feed: a directory with manifest.json and <uuid>.json events (or event files), or its
         --url; attributes with to_ids set (--all-attributes: every one); deleted ones remove rows;
         re-runs read only the events whose manifest timestamp changed (--full: all)
Table types (Metron's threat-intel type; what threatIntel.fieldToTypeMap names):
  ipv4, ipv6 -> malicious_ip; domain -> malicious_domain; url -> malicious_url;
  email -> malicious_email; hash -> malicious_hash. --type-map KIND=TYPE,... renames (ip= sets both).
Options:
  -i, --input PATHS        files or directories, comma-separated (STIX: - for stdin)
  --url URL                STIX: a bundle's URL; TAXII: discovery or API root URL; MISP: the feed's base URL
  --collection ID          TAXII: one collection (id or title)
  --user USER              over HTTP: Basic authentication (password in $METRON_LOAD_PASSWORD,
                           or --password); or a bearer token in $METRON_LOAD_TOKEN
  --page-size N            TAXII: objects per request (the server may give fewer)
  --timeout SECONDS        STIX and MISP URLs: a request fails when the server sends nothing for
                           this long (default 60); a large body may take longer as long as it flows
  --type-map KIND=TYPE,... table type per kind of indicator
  -t, --table NAME         the table (default threatintel)
  -c, --column-family CF   the column family (default t)
  --ttl DURATION / --expires-at TIME   expiry of rows that carry none of their own
  -b, --batch-size N       rows per write (default 1000)
  -q, --quiet              no progress bar
  --backend lmdb|redis, --data-dir DIR, --redis-url URL   where the tables live (as flatfile: by
                           default the global config's kv.backend and kv.redis.url)
  --config-dir DIR         the config directory whose global.json says where the tables live
Exit code: 0 loaded (unsupported items reported); 1 some items failed or a server/store error; 2 usage error.
`;

const OPTIONS = {
  input: { type: 'string', short: 'i' },
  url: { type: 'string' },
  collection: { type: 'string' },
  user: { type: 'string' },
  password: { type: 'string' },
  'page-size': { type: 'string' },
  timeout: { type: 'string' },
  'added-after': { type: 'string' },
  full: { type: 'boolean' },
  'all-attributes': { type: 'boolean' },
  'type-map': { type: 'string' },
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
} as const;

type Values = { [K in keyof typeof OPTIONS]?: string | boolean | undefined };

/** Options only some kinds take. */
const ONLY_FOR: Partial<Record<keyof typeof OPTIONS, ThreatIntelKind[]>> = {
  input: ['stix', 'misp'],
  url: ['stix', 'taxii', 'misp'],
  collection: ['taxii'],
  user: ['stix', 'taxii', 'misp'],
  password: ['stix', 'taxii', 'misp'],
  'page-size': ['taxii'],
  timeout: ['stix', 'misp'],
  'added-after': ['taxii'],
  full: ['taxii', 'misp'],
  'all-attributes': ['misp'],
};

/** Namespace of the loaders' own bookkeeping (TAXII polling positions). */
export const LOAD_STATE_NAMESPACE = 'metron_load_state';

interface Plan {
  kind: ThreatIntelKind;
  table: string;
  columnFamily: string;
  batchSize: number;
  quiet: boolean;
  expiresAt: number | undefined;
  target: Target;
  notes: string[];
  types: IndicatorTypeNames;
  inputs: string[];
  url: string | undefined;
  collection: string | undefined;
  auth: { user?: string; password?: string; token?: string };
  /** STIX and MISP over HTTP: ms without a byte from the server before a request fails. */
  idleTimeoutMs: number;
  pageSize: number | undefined;
  addedAfter: string | undefined;
  full: boolean;
  allAttributes: boolean;
}

/** Counts of a threat-intel load (the stdout JSON has them all). */
export interface ThreatIntelCounts {
  /** STIX objects, MISP attributes read. */
  records: number;
  /** Indicators among them (STIX indicator objects; MISP attributes taken). */
  indicators: number;
  /** Rows written live. */
  loaded: number;
  /** Rows removed: revoked indicators, deleted attributes. */
  removed: number;
  /** Rows whose expiry had passed (written as removals). */
  expired: number;
  /** Records left out on purpose: non-indicator STIX objects, older versions, to_ids off. */
  skipped: number;
  unsupported: number;
  failed: number;
}

/** Entry point of `metron load stix|taxii|misp`. Returns the exit code. */
export async function runThreatIntelLoad(kind: ThreatIntelKind, args: string[], io: LoadIo): Promise<number> {
  let plan: Plan | undefined;
  try {
    plan = await makePlan(kind, args);
  } catch (err) {
    io.stderr.write(`metron load: ${errorMessage(err)}\n`);
    if (err instanceof MetronError && err.code === 'INPUT_INVALID') io.stderr.write(`\n${THREAT_INTEL_USAGE}`);
    return 2;
  }
  if (plan === undefined) {
    io.stdout.write(THREAT_INTEL_USAGE);
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
  const writer = new RowWriter(plan, store, io);
  try {
    const extra = kind === 'stix' ? await loadStix(plan, writer, io) : kind === 'misp' ? await loadMisp(plan, writer, store) : await loadTaxii(plan, writer, store);
    await writer.finish(extra, undefined);
    return writer.counts.failed > 0 ? 1 : 0;
  } catch (err) {
    const message = err instanceof TaxiiError || err instanceof MetronError ? err.message : errorMessage(err);
    await writer.finish({}, message).catch(() => undefined);
    return 1;
  } finally {
    await store.close();
  }
}

async function makePlan(kind: ThreatIntelKind, args: string[]): Promise<Plan | undefined> {
  const { values } = parseFlags(() => parseArgs({ args, options: OPTIONS, strict: true, allowPositionals: false }));
  const v = values as Values;
  if (v.help) return undefined;
  for (const [name, kinds] of Object.entries(ONLY_FOR)) {
    if (v[name as keyof Values] !== undefined && !kinds.includes(kind)) throw new MetronError('INPUT_INVALID', `--${name} does not go with ${kind} (only with ${kinds.join(', ')})`);
  }
  const str = (name: keyof Values): string | undefined => (typeof v[name] === 'string' ? (v[name] as string) : undefined);
  const table = str('table')?.trim() ?? 'threatintel';
  const columnFamily = str('column-family')?.trim() ?? 't';
  if (table === '') throw new MetronError('INPUT_INVALID', '--table must not be empty');
  if (columnFamily === '') throw new MetronError('INPUT_INVALID', '--column-family must not be empty');
  const ttl = str('ttl');
  const expiresAtFlag = str('expires-at');
  if (ttl !== undefined && expiresAtFlag !== undefined) throw new MetronError('INPUT_INVALID', 'give --ttl or --expires-at, not both');
  let expiresAt: number | undefined;
  if (ttl !== undefined) expiresAt = Date.now() + parseDuration(ttl);
  if (expiresAtFlag !== undefined) {
    expiresAt = parseTime(expiresAtFlag.trim());
    if (expiresAt === undefined) throw new MetronError('INPUT_INVALID', `--expires-at must be epoch ms or an ISO 8601 date-time, got '${expiresAtFlag}'`);
  }
  let types: IndicatorTypeNames;
  try {
    types = parseIndicatorTypes(str('type-map'));
  } catch (err) {
    throw new MetronError('INPUT_INVALID', `--type-map: ${errorMessage(err)}`);
  }
  const input = str('input');
  const url = str('url');
  if (kind === 'stix' && (input === undefined) === (url === undefined)) throw new MetronError('INPUT_INVALID', 'give --input FILES (STIX files or directories; - for stdin) or --url BUNDLE_URL (one of them)');
  if (kind === 'taxii' && url === undefined) throw new MetronError('INPUT_INVALID', '--url is required: the TAXII discovery URL or API root');
  if (kind === 'misp' && (input === undefined) === (url === undefined)) throw new MetronError('INPUT_INVALID', 'give --input DIR or --url FEED_URL (one of them)');
  for (const u of [url]) {
    if (u !== undefined && !/^https?:\/\//.test(u)) throw new MetronError('INPUT_INVALID', `--url must be an http:// or https:// URL, got ${redactUrl(u)}`);
  }
  const auth: Plan['auth'] = {};
  const user = str('user') ?? process.env['METRON_LOAD_USER'];
  const password = str('password') ?? process.env['METRON_LOAD_PASSWORD'];
  const token = process.env['METRON_LOAD_TOKEN'];
  if (user !== undefined && user !== '') {
    auth.user = user;
    if (password !== undefined) auth.password = password;
  } else if (token !== undefined && token !== '') auth.token = token;
  else if (str('password') !== undefined) throw new MetronError('INPUT_INVALID', '--password goes with --user');
  const addedAfter = str('added-after');
  if (addedAfter !== undefined) {
    if (v.full === true) throw new MetronError('INPUT_INVALID', 'give --added-after or --full, not both');
    const t = parseTime(addedAfter.trim());
    if (t === undefined) throw new MetronError('INPUT_INVALID', `--added-after must be epoch ms or an ISO 8601 date-time, got '${addedAfter}'`);
  }
  const pageSize = str('page-size');
  const globalFile = join(resolveConfigDir(str('config-dir')), 'global.json');
  const global: Readonly<Record<string, unknown>> = existsSync(globalFile) ? await loadConfigFile('global', globalFile) : {};
  const { target, notes } = configuredTarget({ backend: str('backend'), dataDir: str('data-dir'), redisUrl: str('redis-url') }, global, globalFile);
  return {
    kind,
    table,
    columnFamily,
    batchSize: positiveInt(str('batch-size'), 1000, '--batch-size'),
    quiet: v.quiet === true,
    expiresAt,
    target,
    notes,
    types,
    inputs: input === undefined ? [] : kind === 'misp' ? [input] : await expandInputs(input),
    url,
    collection: str('collection'),
    auth,
    idleTimeoutMs: positiveInt(str('timeout'), 60, '--timeout') * 1000,
    pageSize: pageSize === undefined ? undefined : positiveInt(pageSize, 0, '--page-size'),
    addedAfter: addedAfter === undefined ? undefined : new Date(parseTime(addedAfter.trim())!).toISOString(),
    full: v.full === true,
    allAttributes: v['all-attributes'] === true,
  };
}

const UNITS: Record<ThreatIntelKind, string> = { stix: 'objects', taxii: 'objects', misp: 'attributes' };

/** Writes rows in batches, counts, reports issues, and prints the summary. */
class RowWriter {
  readonly counts: ThreatIntelCounts = { records: 0, indicators: 0, loaded: 0, removed: 0, expired: 0, skipped: 0, unsupported: 0, failed: 0 };
  readonly progress: Progress;
  private readonly tables: EnrichmentTables;
  private batch: EnrichmentRow[] = [];
  /** What the rows in `batch` will count as once written. */
  private queued = { loaded: 0, removed: 0, expired: 0 };
  private inFlight: Promise<unknown> | undefined;
  private shown = { failed: 0, unsupported: 0 };
  private readonly groups = new Map<string, number>();
  /** Share of the work done, when known. */
  fraction: number | undefined;

  constructor(
    private readonly plan: Plan,
    private readonly store: KeyValueStore,
    private readonly io: LoadIo,
  ) {
    this.tables = new EnrichmentTables(store);
    this.progress = new Progress(io.stderr, plan.quiet);
  }

  /**
   * Queues rows (writing full batches). `share`: the part of the whole work these rows stand for
   * (from, to), so the bar moves while one large file or event is written.
   */
  async write(rows: readonly ThreatIntelRow[], share?: readonly [number, number]): Promise<void> {
    const now = Date.now();
    for (const [i, row] of rows.entries()) {
      let expiresAt: number | undefined;
      if (row.remove === true) {
        expiresAt = 0;
        this.queued.removed++;
      } else {
        expiresAt = row.expiresAt ?? this.plan.expiresAt;
        if (expiresAt !== undefined && expiresAt <= now) this.queued.expired++;
        else this.queued.loaded++;
      }
      this.batch.push({ type: row.type, indicator: row.indicator, value: row.value, expiresAt });
      if (this.batch.length >= this.plan.batchSize) {
        await this.flush();
        if (share !== undefined) this.fraction = share[0] + ((share[1] - share[0]) * (i + 1)) / rows.length;
        this.showProgress();
      }
    }
    if (share !== undefined) this.fraction = share[1];
    this.showProgress();
  }

  /**
   * Starts writing what is queued. One batch is committed while the next is mapped: a write is
   * awaited before the next one starts (so rows land in order) and at `settle`.
   */
  async flush(): Promise<void> {
    if (this.batch.length === 0) return;
    const rows = this.batch;
    const queued = this.queued;
    this.batch = [];
    this.queued = { loaded: 0, removed: 0, expired: 0 };
    await this.inFlight;
    // counted once committed: a load that stops on a failing write does not count its rows
    this.inFlight = this.tables.load(this.plan.table, this.plan.columnFamily, rows).then(() => {
      this.counts.loaded += queued.loaded;
      this.counts.removed += queued.removed;
      this.counts.expired += queued.expired;
    });
    // seen by the next flush or settle; a handler now keeps it from counting as unhandled meanwhile
    this.inFlight.catch(() => undefined);
  }

  /** Writes what is queued and waits until every write is committed. */
  async settle(): Promise<void> {
    await this.flush();
    await this.inFlight;
  }

  /** Counts an issue and shows it (the first ones of each kind; one per group). */
  issue(issue: LoadIssue): void {
    this.counts[issue.kind]++;
    if (issue.group !== undefined) {
      const seen = this.groups.get(issue.group) ?? 0;
      this.groups.set(issue.group, seen + 1);
      if (seen > 0) return;
    } else if (this.shown[issue.kind]++ >= SHOWN_FAILURES) return;
    this.progress.breakLine();
    const reason = issue.reason.replace(/\n/g, '\n    ');
    this.io.stderr.write(`metron load: ${issue.where}: ${issue.kind === 'unsupported' ? 'not loaded: ' : ''}${reason}\n`);
  }

  showProgress(): void {
    this.progress.update({ unit: UNITS[this.plan.kind], done: this.counts.records, loaded: this.counts.loaded, failed: this.counts.failed, fraction: this.fraction });
  }

  /** Flushes, purges expired rows, and prints the summary (with `error` when the load stopped on one). */
  async finish(extra: Record<string, unknown>, error: string | undefined): Promise<void> {
    let purged = 0;
    try {
      await this.settle();
      purged = await this.store.purgeExpired(this.plan.table);
    } finally {
      const { plan, counts, io } = this;
      const elapsedMs = this.progress.elapsedMs();
      this.progress.breakLine();
      if (error !== undefined) io.stderr.write(`metron load: ${error}\n`);
      for (const [group, n] of this.groups) if (n > 1) io.stderr.write(`metron load: not loaded: ${n} items of ${group}\n`);
      const hidden = (['failed', 'unsupported'] as const)
        .filter((k) => this.shown[k] > SHOWN_FAILURES)
        .map((k) => `${this.shown[k] - SHOWN_FAILURES} ${k} not shown`)
        .join(', ');
      const unit = UNITS[plan.kind];
      io.stderr.write(
        `metron load: ${error === undefined ? '' : 'stopped: '}${counts.loaded} rows loaded into table ${plan.table}, column family ${plan.columnFamily} ` +
          `(${plan.target.backend === 'lmdb' ? 'LMDB at' : 'Redis at'} ${plan.target.where}) from ${counts.records} ${plan.kind === 'misp' ? 'MISP' : 'STIX'} ${unit} ` +
          `(${counts.indicators} indicators): ${counts.removed} removed (revoked or deleted), ${counts.expired} already expired, ${counts.skipped} skipped, ` +
          `${counts.unsupported} not loadable, ${counts.failed} failed${hidden === '' ? '' : ` (${hidden})`}; ` +
          `${purged > 0 ? `${purged} expired rows purged; ` : ''}${(elapsedMs / 1000).toFixed(1)} s, ${rate(counts.records, elapsedMs)} ${unit}/s\n`,
      );
      io.stdout.write(
        `${JSON.stringify({ table: plan.table, column_family: plan.columnFamily, backend: plan.target.backend, format: plan.kind, ...counts, purged, elapsed_ms: elapsedMs, ...extra, ...(error === undefined ? {} : { error }) })}\n`,
      );
    }
  }
}

/** A file's text; .gz decompressed. */
async function readText(path: string): Promise<string> {
  const bytes = await readFile(path);
  return (path.endsWith('.gz') ? gunzipSync(bytes) : bytes).toString('utf8');
}

/** A file's bytes as a stream, .gz decompressed, and how many of the file's bytes were read so far. */
function fileBytes(path: string): { bytes: Readable; bytesRead: () => number } {
  const file = createReadStream(path);
  if (!path.endsWith('.gz')) return { bytes: file, bytesRead: () => file.bytesRead };
  const gunzip = createGunzip();
  // pipeline hands a read error on to the gunzip stream (whose reader gets it) and closes the file when reading stops early
  pipeline(file, gunzip).catch(() => undefined);
  return { bytes: gunzip, bytesRead: () => file.bytesRead };
}

/**
 * A file's text piece by piece; .gz decompressed. Decoded as readText decodes it (a byte order mark
 * is kept, and so refused as JSON, as JSON.parse refuses it).
 */
function textPieces(path: string): AsyncIterable<string> {
  return fileBytes(path).bytes.setEncoding('utf8');
}

/** Decoded UTF-8 text of a byte (or text) stream, piece by piece. */
export async function* textOf(stream: AsyncIterable<unknown>): AsyncGenerator<string> {
  const decoder = new TextDecoder();
  for await (const chunk of stream) yield typeof chunk === 'string' ? chunk : decoder.decode(chunk as Uint8Array, { stream: true });
  const rest = decoder.decode();
  if (rest !== '') yield rest;
}

/**
 * STIX files and stdin are streamed object by object (stix-stream.ts), so a bundle larger than
 * memory loads; rows are written every few thousand objects. Versions of an indicator are settled
 * across the whole input: a version older than one already loaded is skipped (the newer one's rows
 * stay), as within one chunk. An identity named by `created_by_ref` gives `source` to indicators
 * that come after it (bundles list identities first).
 */
async function loadStix(plan: Plan, writer: RowWriter, io: LoadIo): Promise<Record<string, unknown>> {
  const mapper = new StixIndicatorMapper({ types: plan.types });
  // [where, size for the progress bar, open the text]
  let sources: Array<[string, number, () => { text: AsyncIterable<string>; bytesRead: () => number }]>;
  if (plan.url !== undefined) {
    const reader = new HttpReader(plan.url, plan.auth, 'bearer', plan.idleTimeoutMs);
    sources = [[redactUrl(plan.url), 0, () => ({ text: textOf(reader.body(plan.url!)), bytesRead: () => 0 })]];
  } else {
    sources = await Promise.all(
      plan.inputs.map(async (p): Promise<[string, number, () => { text: AsyncIterable<string>; bytesRead: () => number }]> => {
        if (p === '-') return ['(stdin)', 0, () => ({ text: textOf(io.stdin), bytesRead: () => 0 })];
        return [p, (await stat(p)).size, () => {
          const { bytes, bytesRead } = fileBytes(p);
          return { text: textOf(bytes), bytesRead };
        }];
      }),
    );
  }
  const total = plan.inputs.includes('-') ? 0 : sources.reduce((a, [, size]) => a + size, 0);
  // indicator id -> modified time of the newest version loaded
  const newest = new Map<string, number>();
  let done = 0;
  for (const [file, size, open] of sources) {
    const { text, bytesRead } = open();
    try {
      for await (const objects of streamStixObjects(text, file, (issue) => writer.issue(issue))) {
        const kept = objects.filter(({ object }) => {
          if (typeof object !== 'object' || object === null) return true;
          const { type, id } = object as Record<string, unknown>;
          if (type !== 'indicator' || typeof id !== 'string') return true;
          const t = modifiedTime(object as Record<string, unknown>);
          const before = newest.get(id);
          if (before !== undefined && before > t) return false;
          newest.set(id, t);
          return true;
        });
        writer.counts.records += objects.length - kept.length;
        writer.counts.skipped += objects.length - kept.length;
        const chunk = mapper.map(kept);
        writer.counts.records += chunk.objects;
        writer.counts.indicators += chunk.indicators;
        writer.counts.skipped += chunk.other + chunk.superseded;
        chunk.issues.forEach((issue) => writer.issue(issue));
        if (total > 0) writer.fraction = (done + Math.min(bytesRead(), size)) / total;
        await writer.write(chunk.rows);
      }
    } catch (err) {
      if (err instanceof StixStreamError) writer.issue({ kind: 'failed', where: err.where, reason: err.reason });
      else writer.issue({ kind: 'failed', where: file, reason: `cannot read: ${errorMessage(err)}` });
    }
    done += size;
    if (total > 0) writer.fraction = done / total;
    writer.showProgress();
  }
  return { files: sources.length };
}

/** A STIX object's `modified` (else `created`) time, as the mapper orders versions. */
function modifiedTime(object: Record<string, unknown>): number {
  const t = Date.parse(String(object['modified'] ?? object['created'] ?? ''));
  return Number.isFinite(t) ? t : -Infinity;
}

/** The TAXII polling position of a collection, kept in the store. */
function stateKey(apiRootUrl: string, collectionId: string): string {
  return JSON.stringify(['taxii', redactUrl(apiRootUrl), collectionId]);
}

async function loadTaxii(plan: Plan, writer: RowWriter, store: KeyValueStore): Promise<Record<string, unknown>> {
  const client = new TaxiiClient({ auth: plan.auth });
  const { url: apiRootUrl, apiRoot } = await client.resolveApiRoot(plan.url!);
  const all = await client.collections(apiRootUrl);
  let collections = all.filter((c) => c.can_read);
  if (plan.collection !== undefined) {
    const wanted = all.filter((c) => c.id === plan.collection || c.title === plan.collection || c.alias === plan.collection);
    if (wanted.length === 0) throw new MetronError('INPUT_INVALID', `${redactUrl(apiRootUrl)}: no collection '${plan.collection}'; the collections are: ${all.map((c) => `${c.id} (${c.title})`).join(', ') || 'none'}`);
    if (wanted.length > 1) throw new MetronError('INPUT_INVALID', `${redactUrl(apiRootUrl)}: '${plan.collection}' names ${wanted.length} collections: give the id`);
    if (!wanted[0]!.can_read) throw new MetronError('INPUT_INVALID', `${redactUrl(apiRootUrl)}: collection ${wanted[0]!.id} (${wanted[0]!.title}) cannot be read (can_read is false)`);
    collections = wanted;
  }
  const report: Array<Record<string, unknown>> = [];
  for (const collection of collections) {
    const key = stateKey(apiRootUrl, collection.id);
    const saved = store.get(LOAD_STATE_NAMESPACE, key);
    const savedAfter = saved === undefined ? undefined : (JSON.parse(saved) as { added_after?: string }).added_after;
    const addedAfter = plan.full ? undefined : (plan.addedAfter ?? savedAfter);
    const mapper = new StixIndicatorMapper({ types: plan.types, feed: `TAXII ${apiRoot.title} / ${collection.title}` });
    let last = addedAfter;
    let objects = 0;
    let pages = 0;
    for await (const page of client.objectPages(apiRootUrl, collection.id, { addedAfter, limit: plan.pageSize })) {
      pages++;
      objects += page.objects.length;
      const located = page.objects.map((object, i) => ({
        object,
        where: `collection ${collection.id} page ${pages} objects[${i}]${typeof (object as { id?: unknown })?.id === 'string' ? ` (${(object as { id: string }).id})` : ''}`,
      }));
      const chunk = mapper.map(located);
      writer.counts.records += chunk.objects;
      writer.counts.indicators += chunk.indicators;
      writer.counts.skipped += chunk.other + chunk.superseded;
      chunk.issues.forEach((issue) => writer.issue(issue));
      await writer.write(chunk.rows);
      if (page.dateAddedLast !== undefined && page.objects.length > 0) last = page.dateAddedLast;
    }
    await writer.settle();
    if (last !== undefined && last !== savedAfter) await store.put(LOAD_STATE_NAMESPACE, key, JSON.stringify({ added_after: last, saved_at: new Date().toISOString() }));
    report.push({ id: collection.id, title: collection.title, added_after: addedAfter ?? null, objects, pages, date_added_last: last ?? null });
  }
  return { api_root: redactUrl(apiRootUrl), collections: report };
}

interface MispEventSource {
  where: string;
  /** The event file, or its URL (downloaded to a temporary file, then read as a file). */
  path?: string;
  url?: string;
  /** From the manifest: the event's UUID and timestamp (what incremental re-runs compare). */
  uuid?: string;
  timestamp?: number;
}

async function loadMisp(plan: Plan, writer: RowWriter, store: KeyValueStore): Promise<Record<string, unknown>> {
  const options = { types: plan.types, allAttributes: plan.allAttributes };
  const client = plan.url === undefined ? undefined : new HttpReader(plan.url, plan.auth, 'misp', plan.idleTimeoutMs);
  const feed = plan.url === undefined ? resolve(plan.inputs[0]!) : redactUrl(plan.url);
  let events: MispEventSource[] = [];
  if (client !== undefined) {
    const manifestUrl = client.resolve('manifest.json');
    const manifest = readMispManifest(await client.text(manifestUrl), redactUrl(manifestUrl));
    manifest.issues.forEach((issue) => writer.issue(issue));
    events = manifest.events.map((e) => {
      const url = client.resolve(`${e.uuid}.json`);
      return { where: redactUrl(url), url, uuid: e.uuid, ...(e.timestamp === undefined ? {} : { timestamp: e.timestamp }) };
    });
  } else {
    const input = plan.inputs[0]!;
    let info;
    try {
      info = await stat(input);
    } catch {
      throw new MetronError('INPUT_INVALID', `--input: no such file or directory: ${input}`);
    }
    if (info.isDirectory()) {
      const manifestPath = join(input, 'manifest.json');
      const names = await readdir(input);
      if (names.includes('manifest.json')) {
        const manifest = readMispManifest(await readText(manifestPath), manifestPath);
        manifest.issues.forEach((issue) => writer.issue(issue));
        events = manifest.events.map((e) => {
          const path = join(input, `${e.uuid}.json`);
          return { where: path, path, uuid: e.uuid, ...(e.timestamp === undefined ? {} : { timestamp: e.timestamp }) };
        });
      } else {
        events = names
          .filter((n) => n.endsWith('.json') || n.endsWith('.json.gz'))
          .sort()
          .map((n) => ({ where: join(input, n), path: join(input, n) }));
      }
    } else {
      events = [{ where: input, path: input }];
    }
  }
  // incremental: an event whose manifest timestamp is the one loaded last time is not read again
  const key = JSON.stringify(['misp', feed]);
  const savedText = store.get(LOAD_STATE_NAMESPACE, key);
  const loaded: Record<string, number> = savedText === undefined ? {} : ((JSON.parse(savedText) as { events?: Record<string, number> }).events ?? {});
  const todo = plan.full ? events : events.filter((e) => e.uuid === undefined || e.timestamp === undefined || loaded[e.uuid] !== e.timestamp);
  const streamOptions = { ...options, feed: plan.url === undefined ? basename(feed) : feed };
  let done = 0;
  let changed = false;
  // events of a feed URL are downloaded one at a time into this directory, read as files, and removed
  const downloads = client === undefined ? undefined : await mkdtemp(join(tmpdir(), 'metron-misp-'));
  try {
    for (const event of todo) {
      const cannotRead = (err: unknown): void => {
        writer.issue({ kind: 'failed', where: event.where, reason: `cannot read the event: ${err instanceof TaxiiError ? err.message : errorMessage(err)}` });
      };
      const path = event.url === undefined ? event.path! : join(downloads!, `${event.uuid}.json`);
      try {
        if (event.url !== undefined) {
          try {
            await client!.download(event.url, path);
          } catch (err) {
            cannotRead(err);
            continue;
          }
        }
        try {
          await loadMispEvent(event.where, path, writer, streamOptions);
        } catch (err) {
          if (!(err instanceof MispReadError)) throw err;
          cannotRead(err);
          continue;
        }
      } finally {
        if (event.url !== undefined) await rm(path, { force: true });
      }
      writer.fraction = ++done / todo.length;
      writer.showProgress();
      if (event.uuid !== undefined && event.timestamp !== undefined) {
        loaded[event.uuid] = event.timestamp;
        changed = true;
      }
    }
  } finally {
    if (downloads !== undefined) await rm(downloads, { recursive: true, force: true });
  }
  await writer.settle();
  if (changed) await store.put(LOAD_STATE_NAMESPACE, key, JSON.stringify({ events: loaded, saved_at: new Date().toISOString() }));
  return { events: events.length, events_unchanged: events.length - todo.length };
}

/**
 * Loads one MISP event file, streamed (misp-stream.ts): issues and counts as they come, rows in
 * groups once the event is read. Rejects with MispReadError when the file cannot be read (then
 * none of its rows were written), or with the writer's error.
 */
async function loadMispEvent(where: string, path: string, writer: RowWriter, options: MispMapOptions): Promise<void> {
  for await (const chunk of readMispEvent(() => textPieces(path), where, options)) {
    writer.counts.records += chunk.attributes;
    writer.counts.indicators += chunk.indicators;
    writer.counts.skipped += chunk.skipped;
    chunk.issues.forEach((issue) => writer.issue(issue));
    await writer.write(chunk.rows);
  }
}

/** Reads JSON documents (a STIX bundle, a MISP feed's files) over HTTP(S). */
class HttpReader {
  private readonly base: string;
  private readonly headers: Record<string, string> = { accept: 'application/json' };

  /** `tokenScheme`: a token is sent as `Bearer <token>`, or as MISP's API key (the bare key). */
  constructor(
    url: string,
    auth: Plan['auth'],
    tokenScheme: 'bearer' | 'misp',
    /** A request fails when no byte comes for this long (the wait for its headers included). */
    private readonly idleTimeoutMs: number,
  ) {
    this.base = url.endsWith('/') ? url : `${url}/`;
    if (auth.user !== undefined) this.headers['authorization'] = `Basic ${Buffer.from(`${auth.user}:${auth.password ?? ''}`).toString('base64')}`;
    else if (auth.token !== undefined) this.headers['authorization'] = tokenScheme === 'bearer' ? `Bearer ${auth.token}` : auth.token;
  }

  resolve(name: string): string {
    return new URL(name, this.base).toString();
  }

  async text(url: string): Promise<string> {
    const parts: Buffer[] = [];
    for await (const part of this.body(url)) parts.push(part);
    return Buffer.concat(parts).toString('utf8');
  }

  /** Saves what a GET of `url` gives to the file `path`. */
  async download(url: string, path: string): Promise<void> {
    await pipeline(Readable.from(this.body(url)), createWriteStream(path));
  }

  /**
   * The body of a GET of `url`, piece by piece as it comes. The request fails when no byte comes
   * for idleTimeoutMs (the wait for the headers included), however long the whole body takes.
   */
  async *body(url: string): AsyncGenerator<Buffer> {
    const shown = redactUrl(url);
    const controller = new AbortController();
    let timer: NodeJS.Timeout | undefined;
    const arm = (): void => {
      clearTimeout(timer);
      timer = setTimeout(() => controller.abort(new Error(`no data for ${this.idleTimeoutMs / 1000} s`)), this.idleTimeoutMs);
    };
    arm();
    try {
      let response: Response;
      try {
        response = await fetch(url, { headers: this.headers, signal: controller.signal });
      } catch (err) {
        const cause = (err as { cause?: { code?: string } }).cause;
        throw new TaxiiError(`GET ${shown}: cannot reach the server: ${cause?.code ?? errorMessage(controller.signal.reason ?? err)}`, shown);
      }
      if (!response.ok) throw new TaxiiError(`GET ${shown}: HTTP ${response.status}${response.statusText ? ` ${response.statusText}` : ''}`, shown, response.status);
      if (response.body === null) return;
      const reader = response.body.getReader();
      for (;;) {
        let piece: ReadableStreamReadResult<Uint8Array>;
        try {
          piece = await reader.read();
        } catch (err) {
          throw new TaxiiError(`GET ${shown}: the body broke off: ${errorMessage(controller.signal.aborted ? controller.signal.reason : err)}`, shown);
        }
        if (piece.done) return;
        // each piece that comes re-arms the timer
        arm();
        yield Buffer.from(piece.value.buffer, piece.value.byteOffset, piece.value.byteLength);
      }
    } finally {
      clearTimeout(timer);
      // a consumer that stops early (a failed write) ends the request
      controller.abort();
    }
  }
}

