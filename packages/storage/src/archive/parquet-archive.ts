/**
 * The long-term archive: every indexed message also lands in Parquet files laid out Hive style,
 *
 *   <dir>/sensor=<name>/day=<YYYY-MM-DD>/part-<epoch ms>-<n>.parquet
 *
 * so `read_parquet('<dir>/**\/*.parquet', hive_partitioning = true, union_by_name = true)` in DuckDB
 * (or Spark, Trino, pandas) reads it as one table. The day is the UTC day of the message's
 * `timestamp` (epoch ms), or of its arrival when it has none.
 *
 * Durability: `append` writes the lines to an open part's spool file
 * (`<dir>/_spool/sensor=../day=../part-...ndjson`) and fsyncs it before it resolves, so the caller
 * may commit the bus offsets the lines came from. A part is rolled into Parquet when its spool
 * reaches `rollBytes` or is `rollMs` old: DuckDB writes `.part-...parquet.tmp` beside the final
 * name, the file is fsynced and renamed (readers never see a partial file), then the spool is
 * deleted. After a crash, `open` completes every spool left behind: a torn last line (from a write
 * the caller never saw succeed, so never committed) is cut off, and the part is rolled under the
 * same name it would have had, so a roll interrupted after its rename is not written twice.
 * Re-delivered batches can repeat messages in the archive; `guid` tells them apart.
 */
import { mkdir, open, readdir, rename, rm, stat, truncate, type FileHandle } from 'node:fs/promises';
import path from 'node:path';
import { DuckDBInstance, type DuckDBConnection } from '@duckdb/node-api';
import { errorMessage, MetronError } from '@metron/core';
import { convertPart } from './convert.js';

export interface ArchiveLogger {
  info(msg: string): void;
  warn(msg: string): void;
  error(msg: string): void;
}

export interface ParquetArchiveOptions {
  /** The archive directory (`<data-dir>/archive`). */
  dir: string;
  /** Roll a part once its spooled JSON reaches this many bytes (default 64 MiB). */
  rollBytes?: number;
  /** Roll a part once it has been open this long (ms, default 10 minutes). */
  rollMs?: number;
  /** fsync spool appends before `append` resolves (default true). */
  fsync?: boolean;
  /** How often open parts are checked for age (ms, default min(rollMs / 4, 10 s)); 0: only by `rollDue`. */
  checkIntervalMs?: number;
  /** The clock (epoch ms); injectable for tests. */
  now?: () => number;
  log?: ArchiveLogger;
}

/** What the pipeline's indexing stage needs of an archive. */
export interface ArchiveWriter {
  /**
   * Appends messages (JSON objects, one per buffer, as the bus holds them) to the archive of
   * `partition` (the sensor, or its `hdfs` index name). Durable (recoverable after a crash) when
   * it resolves.
   */
  append(partition: string, lines: Buffer[]): Promise<void>;
}

export interface ArchiveStats {
  /** Messages appended to spools. */
  appended: number;
  /** Parquet files written, their rows and their bytes on disk. */
  files: number;
  rows: number;
  bytes: number;
  /** Rolls completed (a part whose lines were all rejected rolls to no file). */
  rolls: number;
  /** Parts that needed the JS rewrite; lines not JSON objects (kept in `_rejected/`). */
  rewrittenParts: number;
  rejectedLines: number;
  /** Rolls that failed (the spool is kept and retried). */
  failedRolls: number;
}

/** One `sensor=/day=` partition directory. */
export interface ArchivePartition {
  sensor: string;
  day: string;
}

interface OpenPart {
  key: string;
  sensor: string;
  day: string;
  /** `part-<ms>-<n>`: the spool and the Parquet file share it. */
  name: string;
  spool: string;
  handle: FileHandle;
  bytes: number;
  rows: number;
  openedAt: number;
}

interface ClosedPart {
  sensor: string;
  day: string;
  name: string;
  spool: string;
  rows: number;
}

const SPOOL_DIR = '_spool';
/** Parts waiting for their roll beyond which `append` waits (see the backpressure note there). */
const MAX_PENDING_ROLLS = 4;
const REJECTED_DIR = '_rejected';
const PARTITION_NAME = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,199}$/;
const DAY = /^\d{4}-\d{2}-\d{2}$/;
const PART_NAME = /^part-\d+-\d+$/;
const NEWLINE = Buffer.from('\n');
const TIMESTAMP_KEY = Buffer.from('"timestamp":');
/** Largest epoch ms JS dates hold with a four-digit year (9999-12-31). */
const MAX_DAY_MS = 253402300799999;

/** Runs tasks one at a time, in order; a failure does not stop later tasks. */
class SerialQueue {
  private tail: Promise<unknown> = Promise.resolve();

  run<T>(task: () => Promise<T>): Promise<T> {
    const result = this.tail.then(task);
    this.tail = result.catch(() => undefined);
    return result;
  }
}

const DAY_MS = 86_400_000;
let lastDayNumber = NaN;
let lastDay = '';

/** The UTC day (`YYYY-MM-DD`) of an epoch-ms time. */
export function utcDay(ms: number): string {
  // Messages of a batch mostly share a day: remember the last one instead of formatting a date each time.
  const dayNumber = Math.floor(ms / DAY_MS);
  if (dayNumber !== lastDayNumber) {
    lastDay = new Date(dayNumber * DAY_MS).toISOString().slice(0, 10);
    lastDayNumber = dayNumber;
  }
  return lastDay;
}

/**
 * The top-level `timestamp` of a message from its JSON bytes without parsing the whole message:
 * the pipeline's messages are JSON.stringify's text, where `"timestamp":` unescaped can only be a
 * key. A second occurrence (a nested key) or a value that is not a number falls back to JSON.parse.
 */
export function messageTimestamp(line: Buffer): number | undefined {
  const at = line.indexOf(TIMESTAMP_KEY);
  if (at < 0) return undefined;
  if (line.indexOf(TIMESTAMP_KEY, at + TIMESTAMP_KEY.length) < 0) {
    let end = at + TIMESTAMP_KEY.length;
    const start = end;
    while (end < line.length) {
      const c = line[end] as number;
      // digits, '-', '+', '.', 'e', 'E'
      if ((c >= 0x30 && c <= 0x39) || c === 0x2d || c === 0x2b || c === 0x2e || c === 0x65 || c === 0x45) end++;
      else break;
    }
    const next = line[end];
    if (end > start && (next === 0x2c || next === 0x7d)) {
      const n = Number(line.toString('latin1', start, end));
      return Number.isFinite(n) ? n : undefined;
    }
  }
  try {
    const value = (JSON.parse(line.toString('utf8')) as Record<string, unknown>)['timestamp'];
    return typeof value === 'number' && Number.isFinite(value) ? value : undefined;
  } catch {
    return undefined;
  }
}

/** The Parquet archive; see the file comment. Open with `ParquetArchive.open`. */
export class ParquetArchive implements ArchiveWriter {
  readonly stats: ArchiveStats = { appended: 0, files: 0, rows: 0, bytes: 0, rolls: 0, rewrittenParts: 0, rejectedLines: 0, failedRolls: 0 };
  private readonly parts = new Map<string, OpenPart>();
  /** Appends, rolls and part creation: one at a time, so a part is never written while it closes. */
  private readonly partQueue = new SerialQueue();
  /** Conversions and partition deletion: one at a time, on the archive's DuckDB connection. */
  private readonly rollQueue = new SerialQueue();
  /** Parts waiting for (or in) conversion, by spool path. */
  private readonly rolling = new Map<string, Promise<void>>();
  private readonly rollBytes: number;
  private readonly rollMs: number;
  private readonly fsync: boolean;
  private readonly now: () => number;
  private readonly log: ArchiveLogger;
  private seq = 0;
  private timer: NodeJS.Timeout | undefined;
  private closed = false;

  private constructor(
    readonly dir: string,
    private readonly instance: DuckDBInstance,
    private readonly connection: DuckDBConnection,
    opts: ParquetArchiveOptions,
  ) {
    this.rollBytes = opts.rollBytes ?? 64 << 20;
    this.rollMs = opts.rollMs ?? 600_000;
    this.fsync = opts.fsync ?? true;
    this.now = opts.now ?? Date.now;
    this.log = opts.log ?? { info() {}, warn() {}, error() {} };
  }

  /** Opens the archive at `opts.dir`, completing the parts a crash left behind before it resolves. */
  static async open(opts: ParquetArchiveOptions): Promise<ParquetArchive> {
    const dir = path.resolve(opts.dir);
    if (opts.rollBytes !== undefined && !(opts.rollBytes > 0)) throw new MetronError('INPUT_INVALID', `archive rollBytes must be positive, got ${opts.rollBytes}`);
    if (opts.rollMs !== undefined && !(opts.rollMs > 0)) throw new MetronError('INPUT_INVALID', `archive rollMs must be positive, got ${opts.rollMs}`);
    await mkdir(path.join(dir, SPOOL_DIR), { recursive: true });
    let instance: DuckDBInstance;
    try {
      // Its own in-memory DuckDB: rolls never wait on (or slow) the search index's writer.
      instance = await DuckDBInstance.create(':memory:', { threads: '1', preserve_insertion_order: 'true' });
    } catch (err) {
      throw new MetronError('STORAGE_FAILED', `cannot start the archive's DuckDB: ${errorMessage(err)}`, undefined, { cause: err });
    }
    const archive = new ParquetArchive(dir, instance, await instance.connect(), opts);
    await archive.recover();
    const rollMs = archive.rollMs;
    const every = opts.checkIntervalMs ?? Math.min(Math.max(1, Math.floor(rollMs / 4)), 10_000);
    if (every > 0) {
      archive.timer = setInterval(() => {
        archive.rollDue().catch((err) => archive.log.error(`archive: roll check failed: ${errorMessage(err)}`));
      }, every);
      archive.timer.unref();
    }
    return archive;
  }

  /** Appends messages to the partition's open parts (one per UTC day); see ArchiveWriter. */
  async append(partition: string, lines: Buffer[]): Promise<void> {
    this.ensureOpen();
    if (!PARTITION_NAME.test(partition)) {
      throw new MetronError('INPUT_INVALID', `invalid archive partition ${JSON.stringify(partition)}: use letters, digits, '_', '.', '-'`);
    }
    if (lines.length === 0) return;
    // Backpressure: while rolls lag behind, the writer waits instead of piling up spools.
    while (this.rolling.size >= MAX_PENDING_ROLLS) await Promise.race(this.rolling.values());
    const now = this.now();
    const byDay = new Map<string, Buffer[]>();
    for (const line of lines) {
      const ts = messageTimestamp(line);
      const day = utcDay(ts !== undefined && ts >= 0 && ts <= MAX_DAY_MS ? ts : now);
      let group = byDay.get(day);
      if (group === undefined) byDay.set(day, (group = []));
      group.push(line);
    }
    await this.partQueue.run(async () => {
      const touched: OpenPart[] = [];
      for (const [day, group] of byDay) {
        const part = await this.openPart(partition, day, now);
        const data: Buffer[] = [];
        let bytes = 0;
        for (const raw of group) {
          const line = oneLine(raw);
          data.push(line, NEWLINE);
          bytes += line.length + 1;
        }
        // One buffer per write: writev of thousands of small buffers costs more than the copy.
        await writeAll(part.handle, [Buffer.concat(data, bytes)], bytes, part.spool);
        part.bytes += bytes;
        part.rows += group.length;
        touched.push(part);
      }
      if (this.fsync) await Promise.all(touched.map((p) => p.handle.datasync()));
      this.stats.appended += lines.length;
      for (const part of touched) if (part.bytes >= this.rollBytes) await this.detach(part);
    });
  }

  /** Rolls every open part that has been open for `rollMs` or longer. */
  async rollDue(): Promise<void> {
    if (this.closed) return;
    const now = this.now();
    await this.partQueue.run(async () => {
      for (const part of [...this.parts.values()]) if (now - part.openedAt >= this.rollMs) await this.detach(part);
    });
  }

  /** Rolls every open part and waits until all are Parquet files (or failed, spool kept). */
  async flush(): Promise<void> {
    await this.partQueue.run(async () => {
      for (const part of [...this.parts.values()]) await this.detach(part);
    });
    await this.settled();
  }

  /** Resolves when every roll started so far has finished. */
  async settled(): Promise<void> {
    while (this.rolling.size > 0) await Promise.all([...this.rolling.values()]);
  }

  /** Open parts (not yet Parquet): partition, day, rows. */
  openParts(): Array<{ sensor: string; day: string; rows: number; bytes: number }> {
    return [...this.parts.values()].map((p) => ({ sensor: p.sensor, day: p.day, rows: p.rows, bytes: p.bytes }));
  }

  /** The `sensor=/day=` directories holding Parquet files or spools. */
  async partitions(): Promise<ArchivePartition[]> {
    const out = new Map<string, ArchivePartition>();
    for (const root of [this.dir, path.join(this.dir, SPOOL_DIR)]) {
      for (const p of await listPartitions(root)) out.set(`${p.sensor}/${p.day}`, p);
    }
    return [...out.values()].sort((a, b) => a.sensor.localeCompare(b.sensor) || a.day.localeCompare(b.day));
  }

  /**
   * Deletes the day partitions of `sensor` (every sensor when absent) strictly before `day`:
   * their Parquet files, and spooled data of those days. Returns what was deleted.
   */
  async deleteDaysBefore(day: string, sensor?: string): Promise<ArchivePartition[]> {
    this.ensureOpen();
    if (!DAY.test(day)) throw new MetronError('INPUT_INVALID', `invalid day ${JSON.stringify(day)}: expected YYYY-MM-DD`);
    // Open parts of those days first, so no append or roll writes into a deleted directory.
    const expired = (p: ArchivePartition) => p.day < day && (sensor === undefined || p.sensor === sensor);
    await this.partQueue.run(async () => {
      for (const part of [...this.parts.values()]) if (expired(part)) await this.detach(part);
    });
    await this.settled();
    return this.rollQueue.run(async () => {
      const deleted: ArchivePartition[] = [];
      for (const p of await this.partitions()) {
        if (!expired(p)) continue;
        for (const root of [this.dir, path.join(this.dir, SPOOL_DIR)]) {
          await rm(partitionDir(root, p.sensor, p.day), { recursive: true, force: true });
          await rmdirIfEmpty(path.join(root, `sensor=${p.sensor}`));
        }
        deleted.push(p);
      }
      return deleted;
    });
  }

  /** Rolls every open part, waits for the rolls, and releases DuckDB. */
  async close(): Promise<void> {
    if (this.closed) return;
    if (this.timer !== undefined) clearInterval(this.timer);
    await this.flush();
    this.closed = true;
    await this.rollQueue.run(async () => {
      this.connection.closeSync();
      this.instance.closeSync();
    });
  }

  private ensureOpen(): void {
    if (this.closed) throw new MetronError('STORAGE_FAILED', 'the archive is closed');
  }

  /** The open part of a partition and day, created (and its directory entry made durable) if needed. */
  private async openPart(sensor: string, day: string, now: number): Promise<OpenPart> {
    const key = `${sensor}/${day}`;
    const known = this.parts.get(key);
    if (known !== undefined) return known;
    const spoolDir = partitionDir(path.join(this.dir, SPOOL_DIR), sensor, day);
    await mkdir(spoolDir, { recursive: true });
    let name: string;
    let spool: string;
    // Names must not repeat one of an earlier run (a spool or a file): check both.
    for (;;) {
      name = `part-${now}-${this.seq++}`;
      spool = path.join(spoolDir, `${name}.ndjson`);
      if (!(await exists(spool)) && !(await exists(path.join(partitionDir(this.dir, sensor, day), `${name}.parquet`)))) break;
    }
    const handle = await open(spool, 'a');
    // The file's entry, and the entries of directories just made for it, must survive a crash.
    if (this.fsync) await syncDirsUpTo(spoolDir, this.dir);
    const part: OpenPart = { key, sensor, day, name, spool, handle, bytes: 0, rows: 0, openedAt: now };
    this.parts.set(key, part);
    return part;
  }

  /** Closes an open part and queues its roll. Runs on the part queue. */
  private async detach(part: OpenPart): Promise<void> {
    this.parts.delete(part.key);
    await part.handle.close();
    if (part.rows === 0) {
      await rm(part.spool, { force: true });
      return;
    }
    this.queueRoll({ sensor: part.sensor, day: part.day, name: part.name, spool: part.spool, rows: part.rows });
  }

  private queueRoll(part: ClosedPart): Promise<void> {
    const existing = this.rolling.get(part.spool);
    if (existing !== undefined) return existing;
    const done = this.rollQueue.run(() => this.roll(part)).finally(() => this.rolling.delete(part.spool));
    this.rolling.set(part.spool, done);
    return done;
  }

  /**
   * Converts a closed part into its Parquet file (temporary name, fsync, rename, fsync the
   * directory) and deletes the spool. A failure keeps the spool: the next open retries it.
   */
  private async roll(part: ClosedPart): Promise<void> {
    const targetDir = partitionDir(this.dir, part.sensor, part.day);
    const final = path.join(targetDir, `${part.name}.parquet`);
    const tmp = path.join(targetDir, `.${part.name}.parquet.tmp`);
    try {
      await mkdir(targetDir, { recursive: true });
      await mkdir(path.join(this.dir, REJECTED_DIR), { recursive: true });
      const result = await convertPart(this.connection, {
        spool: part.spool,
        target: tmp,
        scratch: `${part.spool}.rewrite`,
        rejected: path.join(this.dir, REJECTED_DIR, `sensor=${part.sensor}-day=${part.day}-${part.name}.ndjson`),
      }, part.rows);
      if (result.rejectedLines.length > 0) {
        this.stats.rejectedLines += result.rejectedLines.length;
        this.log.warn(`archive: ${result.rejectedLines.length} line(s) of ${part.sensor} ${part.day} ${part.name} are not JSON objects (lines ${result.rejectedLines.slice(0, 20).join(', ')}${result.rejectedLines.length > 20 ? ', ...' : ''}); kept in ${REJECTED_DIR}/`);
      }
      if (result.rewritten) this.stats.rewrittenParts++;
      if (result.rows > 0) {
        await syncFile(tmp);
        const bytes = (await stat(tmp)).size;
        await rename(tmp, final);
        if (this.fsync) await syncDirsUpTo(targetDir, this.dir);
        this.stats.files++;
        this.stats.rows += result.rows;
        this.stats.bytes += bytes;
      }
      await rm(part.spool, { force: true });
      await rmdirIfEmpty(path.dirname(part.spool));
      this.stats.rolls++;
    } catch (err) {
      this.stats.failedRolls++;
      await rm(tmp, { force: true }).catch(() => undefined);
      this.log.error(`archive: rolling ${part.sensor} ${part.day} ${part.name} failed, its spool is kept for the next start: ${errorMessage(err)}`);
    }
  }

  /** Completes spools a previous run left (see the file comment) and removes stale temporary files. */
  private async recover(): Promise<void> {
    for (const p of await listPartitions(this.dir)) {
      const dir = partitionDir(this.dir, p.sensor, p.day);
      for (const name of await readdir(dir)) if (name.endsWith('.parquet.tmp')) await rm(path.join(dir, name), { force: true });
    }
    const spoolRoot = path.join(this.dir, SPOOL_DIR);
    const pending: Array<Promise<void>> = [];
    for (const p of await listPartitions(spoolRoot)) {
      const dir = partitionDir(spoolRoot, p.sensor, p.day);
      for (const file of await readdir(dir)) {
        const spool = path.join(dir, file);
        if (file.endsWith('.rewrite')) {
          await rm(spool, { force: true });
          continue;
        }
        const name = file.slice(0, -'.ndjson'.length);
        if (!file.endsWith('.ndjson') || !PART_NAME.test(name)) continue;
        const rows = await completeLines(spool);
        if (rows === 0) {
          await rm(spool, { force: true });
          continue;
        }
        this.log.info(`archive: completing ${p.sensor} ${p.day} ${name} (${rows} messages) left by the previous run`);
        const seq = Number(name.split('-')[2]);
        if (seq >= this.seq) this.seq = seq + 1;
        pending.push(this.queueRoll({ sensor: p.sensor, day: p.day, name, spool, rows }));
      }
    }
    await Promise.all(pending);
  }
}

function partitionDir(root: string, sensor: string, day: string): string {
  return path.join(root, `sensor=${sensor}`, `day=${day}`);
}

/** `sensor=X/day=Y` directories directly under `root`. */
async function listPartitions(root: string): Promise<ArchivePartition[]> {
  const out: ArchivePartition[] = [];
  for (const s of await readdirOrEmpty(root)) {
    if (!s.startsWith('sensor=')) continue;
    const sensor = s.slice('sensor='.length);
    for (const d of await readdirOrEmpty(path.join(root, s))) {
      if (!d.startsWith('day=') || !DAY.test(d.slice(4))) continue;
      out.push({ sensor, day: d.slice(4) });
    }
  }
  return out;
}

async function readdirOrEmpty(dir: string): Promise<string[]> {
  try {
    return await readdir(dir);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT' || (err as NodeJS.ErrnoException).code === 'ENOTDIR') return [];
    throw err;
  }
}

async function exists(file: string): Promise<boolean> {
  try {
    await stat(file);
    return true;
  } catch {
    return false;
  }
}

async function rmdirIfEmpty(dir: string): Promise<void> {
  if ((await readdirOrEmpty(dir)).length === 0) await rm(dir, { recursive: true, force: true });
}

/**
 * The message as one NDJSON line. JSON.stringify never writes a raw line break, but JSON text may
 * hold one between tokens: such a message is re-serialized; one that is not JSON is kept as is on
 * one line (the roll reports it as rejected) with its breaks escaped as JSON would.
 */
function oneLine(raw: Buffer): Buffer {
  if (!raw.includes(0x0a) && !raw.includes(0x0d)) return raw;
  try {
    return Buffer.from(JSON.stringify(JSON.parse(raw.toString('utf8'))));
  } catch {
    return Buffer.from(raw.toString('utf8').replaceAll('\r', '\\r').replaceAll('\n', '\\n'));
  }
}

/** Writes every buffer, looping over short writes. */
async function writeAll(handle: FileHandle, data: Buffer[], bytes: number, file: string): Promise<void> {
  let { bytesWritten } = await handle.writev(data);
  if (bytesWritten === bytes) return;
  // A short write: write the rest from where it stopped.
  const rest = Buffer.concat(data).subarray(bytesWritten);
  let at = 0;
  while (at < rest.length) {
    const r = await handle.write(rest, at);
    if (r.bytesWritten <= 0) throw new Error(`short write to ${file}`);
    at += r.bytesWritten;
    bytesWritten += r.bytesWritten;
  }
}

async function syncFile(file: string): Promise<void> {
  const handle = await open(file, 'r+');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}

/** fsyncs `dir` and each parent up to and including `root` (new entries live in the parent). */
async function syncDirsUpTo(dir: string, root: string): Promise<void> {
  for (let d = dir; ; d = path.dirname(d)) {
    await syncDir(d);
    if (d === root || path.dirname(d) === d || !d.startsWith(root)) return;
  }
}

async function syncDir(dir: string): Promise<void> {
  const handle = await open(dir, 'r');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}

/**
 * Cuts a spool after its last complete line (a crash can tear the last write, which the caller
 * never saw succeed) and returns the number of complete lines.
 */
async function completeLines(file: string): Promise<number> {
  const handle = await open(file, 'r');
  let lines = 0;
  let lastEnd = 0;
  try {
    const buf = Buffer.allocUnsafe(1 << 20);
    let pos = 0;
    for (;;) {
      const { bytesRead } = await handle.read(buf, 0, buf.length, pos);
      if (bytesRead === 0) break;
      for (let i = buf.indexOf(0x0a, 0); i >= 0 && i < bytesRead; i = buf.indexOf(0x0a, i + 1)) {
        lines++;
        lastEnd = pos + i + 1;
      }
      pos += bytesRead;
    }
    if (lastEnd < pos) {
      await handle.close();
      await truncate(file, lastEnd);
      return lines;
    }
  } finally {
    await handle.close().catch(() => undefined);
  }
  return lines;
}
