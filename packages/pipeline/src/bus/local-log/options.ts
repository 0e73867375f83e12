/** Options of the embedded local log, with defaults and checks (bad config fails at open). */
import { MetronError } from '@metron/core';
import type { TopicConfig } from '../types.js';
import type { FsyncPolicy } from './partition-log.js';
import { resolveTopicConfig } from './topic-metadata.js';

export interface LocalLogOptions {
  /** Data directory; created if missing. */
  dir: string;
  /**
   * `always` (default): a send resolves after fsync. `interval`: fsync every `fsyncIntervalMs`
   * (a crash loses at most that window). `never`: leave it to the OS (fsync at close only).
   */
  fsync?: FsyncPolicy;
  /** Period of the `interval` policy's fsync; default 1000 ms. */
  fsyncIntervalMs?: number;
  /** Config of topics created without one: partitions 1, segmentBytes 64 MiB, no retention. */
  defaults?: Partial<TopicConfig>;
  /** How often retention runs; default 5 minutes (as Kafka's log.retention.check.interval.ms). */
  retentionCheckMs?: number;
  /** Bytes of log between sparse index entries; default 4096. */
  indexIntervalBytes?: number;
  /** Newest bytes per partition kept in memory for consumers that keep up; default 8 MiB. */
  tailCacheBytes?: number;
}

export interface ResolvedLocalLogOptions {
  dir: string;
  fsync: FsyncPolicy;
  fsyncIntervalMs: number;
  defaults: Partial<TopicConfig>;
  retentionCheckMs: number;
  indexIntervalBytes: number;
  tailCacheBytes: number;
}

function positive(value: number | undefined, key: string, fallback: number): number {
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || !Number.isFinite(value) || value <= 0) {
    throw new MetronError('CONFIG_INVALID', `local log: ${key} must be a positive number, got ${JSON.stringify(value)}`, { key });
  }
  return value;
}

/** Fills in defaults; throws CONFIG_INVALID naming the bad key. */
export function resolveOptions(options: LocalLogOptions): ResolvedLocalLogOptions {
  if (!options || typeof options.dir !== 'string' || options.dir === '') {
    throw new MetronError('CONFIG_INVALID', 'local log: dir (the data directory) is required', { key: 'dir' });
  }
  const fsync = options.fsync ?? 'always';
  if (fsync !== 'always' && fsync !== 'interval' && fsync !== 'never') {
    throw new MetronError('CONFIG_INVALID', `local log: fsync must be always, interval or never, got ${JSON.stringify(fsync)}`, {
      key: 'fsync',
    });
  }
  const defaults = options.defaults ?? {};
  resolveTopicConfig(undefined, defaults, 'local log: defaults');
  return {
    dir: options.dir,
    fsync,
    fsyncIntervalMs: positive(options.fsyncIntervalMs, 'fsyncIntervalMs', 1000),
    defaults,
    retentionCheckMs: positive(options.retentionCheckMs, 'retentionCheckMs', 5 * 60 * 1000),
    indexIntervalBytes: Math.floor(positive(options.indexIntervalBytes, 'indexIntervalBytes', 4096)),
    tailCacheBytes: Math.floor(positive(options.tailCacheBytes, 'tailCacheBytes', 8 * 1024 * 1024)),
  };
}
