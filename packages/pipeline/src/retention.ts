/**
 * Archive and retention settings from the global config (this project's keys; Metron left both
 * to HDFS and Elasticsearch curator jobs), and the task that applies retention.
 *
 *   "archive.roll.bytes": 67108864     roll a Parquet part once its spooled JSON reaches this size
 *   "archive.roll.minutes": 10         ... or once it has been open this long
 *   "index.retention.days": 30         delete index documents whose `timestamp` is older
 *   "archive.retention.days": 365      delete archive day partitions older than this
 *   "retention.check.minutes": 60      how often retention runs (it also runs at start)
 *   "index.duckdb.threads": 1          DuckDB worker threads of the embedded search index
 *   "index.duckdb.memory.limit": "2GB" DuckDB's memory limit (its own default: 80% of RAM)
 *
 * A retention value is a number of days for every index, or an object of index name → days with
 * `"*"` for the rest: `{"bro": 7, "*": 30}`. Index names are the sensor's, unless its indexing
 * config sets `index` (the `elasticsearch`/`solr` one for the search index, `hdfs` for the archive).
 * Without a retention key nothing is deleted.
 */
import { ConfigError, errorMessage } from '@metron/core';
import { utcDay, type ArchivePartition } from '@metron/storage';

const DAY_MS = 86_400_000;

/** Days to keep per index name; `fallback` for names not listed (undefined: keep forever). */
export interface RetentionDays {
  byIndex: Record<string, number>;
  fallback: number | undefined;
}

export interface StorageSettings {
  /** The embedded DuckDB index: threads (1 unless set) and memory limit (DuckDB's default unless set). */
  index: { threads: number; memoryLimit?: string };
  archive: { rollBytes: number; rollMs: number };
  retention: { index: RetentionDays | null; archive: RetentionDays | null; intervalMs: number };
}

function positive(global: Record<string, unknown>, key: string, file: string, fallback: number): number {
  const v = global[key];
  if (v === undefined) return fallback;
  const n = typeof v === 'string' && v.trim() !== '' ? Number(v) : v;
  if (typeof n !== 'number' || !Number.isFinite(n) || n <= 0) throw new ConfigError(file, `$['${key}']`, `expected a positive number, got ${JSON.stringify(v)}`);
  return n;
}

function retentionDays(global: Record<string, unknown>, key: string, file: string): RetentionDays | null {
  const v = global[key];
  if (v === undefined || v === null) return null;
  if (typeof v === 'number' || typeof v === 'string') return { byIndex: {}, fallback: positive(global, key, file, 0) };
  if (typeof v !== 'object' || Array.isArray(v)) {
    throw new ConfigError(file, `$['${key}']`, `expected days (a positive number) or an object of index name → days, got ${JSON.stringify(v)}`);
  }
  const byIndex: Record<string, number> = {};
  let fallback: number | undefined;
  for (const [name, days] of Object.entries(v as Record<string, unknown>)) {
    if (typeof days !== 'number' || !Number.isFinite(days) || days <= 0) {
      throw new ConfigError(file, `$['${key}']['${name}']`, `expected a positive number of days, got ${JSON.stringify(days)}`);
    }
    if (name === '*') fallback = days;
    else byIndex[name] = days;
  }
  return { byIndex, fallback };
}

/** Reads the archive and retention keys of the global config; refuses bad values with their path. */
export function storageSettings(global: Record<string, unknown>, file: string): StorageSettings {
  const threads = positive(global, 'index.duckdb.threads', file, 1);
  if (!Number.isInteger(threads) || threads > 256) throw new ConfigError(file, `$['index.duckdb.threads']`, `expected a whole number of threads from 1 to 256, got ${JSON.stringify(global['index.duckdb.threads'])}`);
  const memoryLimit = global['index.duckdb.memory.limit'];
  if (memoryLimit !== undefined && (typeof memoryLimit !== 'string' || !/^\s*\d+(\.\d+)?\s*(B|KB|MB|GB|TB|KiB|MiB|GiB|TiB)\s*$/i.test(memoryLimit))) {
    throw new ConfigError(file, `$['index.duckdb.memory.limit']`, `expected a size such as "2GB", got ${JSON.stringify(memoryLimit)}`);
  }
  return {
    index: { threads, ...(memoryLimit !== undefined ? { memoryLimit: memoryLimit.trim() } : {}) },
    archive: {
      rollBytes: positive(global, 'archive.roll.bytes', file, 64 << 20),
      rollMs: positive(global, 'archive.roll.minutes', file, 10) * 60_000,
    },
    retention: {
      index: retentionDays(global, 'index.retention.days', file),
      archive: retentionDays(global, 'archive.retention.days', file),
      intervalMs: positive(global, 'retention.check.minutes', file, 60) * 60_000,
    },
  };
}

/** Days kept for an index name, or undefined (kept forever). */
export function daysFor(policy: RetentionDays | null, name: string): number | undefined {
  if (policy === null) return undefined;
  return Object.hasOwn(policy.byIndex, name) ? policy.byIndex[name] : policy.fallback;
}

/** What retention needs of the search index. */
export interface RetentionIndex {
  indices(): Promise<string[]>;
  /** Deletes documents whose `timestamp` is before the cutoff; returns how many. */
  deleteBefore(index: string, cutoffMs: number): Promise<number>;
}

/** What retention needs of the archive. */
export interface RetentionArchive {
  partitions(): Promise<ArchivePartition[]>;
  deleteDaysBefore(day: string, sensor?: string): Promise<ArchivePartition[]>;
}

export interface RetentionReport {
  /** Documents deleted per index. */
  index: Record<string, number>;
  /** Archive day partitions deleted. */
  archive: ArchivePartition[];
}

export interface RetentionTaskOptions {
  policy: StorageSettings['retention'];
  index?: RetentionIndex;
  archive?: RetentionArchive;
  now?: () => number;
  log?: { info(msg: string): void; error(msg: string): void };
}

/** Applies retention at start and then every `policy.intervalMs`. */
export class RetentionTask {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<RetentionReport> | undefined;
  private readonly now: () => number;

  constructor(private readonly opts: RetentionTaskOptions) {
    this.now = opts.now ?? Date.now;
  }

  /** Runs once now and schedules the next runs; resolves when the first run is done. */
  async start(): Promise<RetentionReport> {
    const first = this.runOnce();
    this.timer = setInterval(() => {
      void this.runOnce();
    }, this.opts.policy.intervalMs);
    this.timer.unref();
    return first;
  }

  /** Deletes what the policy no longer keeps; one run at a time (a run in progress is joined). */
  runOnce(): Promise<RetentionReport> {
    this.running ??= this.apply().finally(() => {
      this.running = undefined;
    });
    return this.running;
  }

  private async apply(): Promise<RetentionReport> {
    const now = this.now();
    const report: RetentionReport = { index: {}, archive: [] };
    const { policy } = this.opts;
    const log = this.opts.log;
    if (policy.index !== null && this.opts.index !== undefined) {
      for (const index of await this.opts.index.indices()) {
        const days = daysFor(policy.index, index);
        if (days === undefined) continue;
        try {
          const deleted = await this.opts.index.deleteBefore(index, now - days * DAY_MS);
          report.index[index] = deleted;
          if (deleted > 0) log?.info(`retention: deleted ${deleted} document(s) older than ${days} day(s) from index ${index}`);
        } catch (err) {
          log?.error(`retention: index ${index}: ${errorMessage(err)}`);
        }
      }
    }
    if (policy.archive !== null && this.opts.archive !== undefined) {
      const sensors = new Set((await this.opts.archive.partitions()).map((p) => p.sensor));
      for (const sensor of [...sensors].sort()) {
        const days = daysFor(policy.archive, sensor);
        if (days === undefined) continue;
        try {
          const deleted = await this.opts.archive.deleteDaysBefore(utcDay(now - days * DAY_MS), sensor);
          report.archive.push(...deleted);
          if (deleted.length > 0) log?.info(`retention: deleted ${deleted.length} archive day(s) of ${sensor} older than ${days} day(s)`);
        } catch (err) {
          log?.error(`retention: archive ${sensor}: ${errorMessage(err)}`);
        }
      }
    }
    return report;
  }

  /** Stops the schedule and waits for a run in progress. */
  async stop(): Promise<void> {
    if (this.timer !== undefined) clearInterval(this.timer);
    await this.running?.catch(() => undefined);
  }
}
