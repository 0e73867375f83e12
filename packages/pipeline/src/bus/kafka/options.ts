/** Options of the Kafka bus, and where they come from in Metron's global config. */
import { ConfigError } from '@metron/core';

export interface KafkaBusOptions {
  /** Bootstrap brokers, `host:port` (Metron's global config `kafka.brokers`, comma separated). */
  brokers: string[];
  /** Client id prefix seen by the brokers (default `metron`). */
  clientId?: string;
  /** Partitions of a topic the bus creates on first use (default 1). */
  defaultPartitions?: number;
  /** Replication factor of the topics the bus creates (default 1; 3 in a production cluster). */
  replicationFactor?: number;
  /** Create a missing topic on first send or subscribe (default true). */
  autoCreateTopics?: boolean;
  /** Consumer group session timeout: a member silent this long is removed (default 10 s). */
  sessionTimeoutMs?: number;
  /** Heartbeat interval of group members (default 1 s). */
  heartbeatIntervalMs?: number;
  /** Time members have to rejoin during a rebalance (default 20 s). */
  rebalanceTimeoutMs?: number;
  /**
   * Records a consumer holds fetched but not yet polled. Over it, fetching pauses until the stage
   * catches up: a slow writer slows the reads and memory stays bounded (default 20,000).
   */
  maxBufferedRecords?: number;
  /** Longest a broker holds a fetch waiting for data (default 100 ms). */
  fetchMaxWaitMs?: number;
  /**
   * Bytes a fetch waits for (up to `fetchMaxWaitMs`) before the broker answers (default 64 KiB):
   * fewer, larger fetches, so the stages handle larger batches (less CPU per record); a trickle
   * waits at most `fetchMaxWaitMs` per stage.
   */
  fetchMinBytes?: number;
  /**
   * Most bytes one fetch brings (default 8 MiB). A consumer that pauses at `maxBufferedRecords`
   * may still receive the fetch in flight, so its memory is bounded by the buffered records plus
   * this much.
   */
  fetchMaxBytes?: number;
  /** Request timeout (default 30 s). */
  requestTimeoutMs?: number;
  /** Where recovered failures are reported (a consumer rejoining after a broker restart). */
  onWarning?: (message: string) => void;
}

export const KAFKA_DEFAULTS = {
  clientId: 'metron',
  defaultPartitions: 1,
  replicationFactor: 1,
  autoCreateTopics: true,
  sessionTimeoutMs: 10_000,
  heartbeatIntervalMs: 1000,
  rebalanceTimeoutMs: 20_000,
  maxBufferedRecords: 20_000,
  fetchMaxWaitMs: 100,
  fetchMinBytes: 64 * 1024,
  fetchMaxBytes: 8 * 1024 * 1024,
  requestTimeoutMs: 30_000,
} as const;

export type ResolvedKafkaBusOptions = Required<Omit<KafkaBusOptions, 'onWarning'>> & Pick<KafkaBusOptions, 'onWarning'>;

const BROKER = /^[A-Za-z0-9._\-[\]:]+:\d{1,5}$/;

/** Validates options; a bad value is refused with its key (CONFIG_INVALID). */
export function resolveKafkaOptions(options: KafkaBusOptions, source = 'global.json'): ResolvedKafkaBusOptions {
  const o = { ...KAFKA_DEFAULTS, ...options };
  if (!Array.isArray(o.brokers) || o.brokers.length === 0) throw new ConfigError(source, '$["kafka.brokers"]', 'at least one broker (host:port) is required');
  for (const b of o.brokers) {
    if (typeof b !== 'string' || !BROKER.test(b)) throw new ConfigError(source, '$["kafka.brokers"]', `${JSON.stringify(b)} is not host:port`);
  }
  const positive: Array<keyof typeof KAFKA_DEFAULTS> = [
    'defaultPartitions',
    'replicationFactor',
    'sessionTimeoutMs',
    'heartbeatIntervalMs',
    'rebalanceTimeoutMs',
    'maxBufferedRecords',
    'fetchMaxWaitMs',
    'fetchMinBytes',
    'fetchMaxBytes',
    'requestTimeoutMs',
  ];
  for (const key of positive) {
    const v = o[key];
    if (typeof v !== 'number' || !Number.isSafeInteger(v) || v < 1) throw new ConfigError(source, `$["kafka.${key}"]`, `must be a positive integer, got ${JSON.stringify(v)}`);
  }
  if (o.fetchMaxBytes < o.fetchMinBytes) throw new ConfigError(source, '$["kafka.fetchMaxBytes"]', `must be at least kafka.fetchMinBytes (${o.fetchMinBytes}), got ${o.fetchMaxBytes}`);
  return o as ResolvedKafkaBusOptions;
}

/**
 * Kafka bus options from Metron's global config: `kafka.brokers` (Metron's key: a comma separated
 * `host:port` list) plus this project's `kafka.partitions`, `kafka.replicationFactor`,
 * `kafka.sessionTimeoutMs`, `kafka.maxBufferedRecords`, `kafka.fetchMinBytes`, `kafka.fetchMaxBytes`.
 */
export function kafkaOptionsFromGlobal(global: Record<string, unknown>, source = 'global.json'): ResolvedKafkaBusOptions {
  const raw = global['kafka.brokers'];
  const brokers = typeof raw === 'string' ? raw.split(',').map((b) => b.trim()).filter((b) => b !== '') : Array.isArray(raw) ? raw : [];
  const num = (key: string): number | undefined => {
    const v = global[`kafka.${key}`];
    if (v === undefined) return undefined;
    const n = typeof v === 'string' ? Number(v) : v;
    if (typeof n !== 'number' || !Number.isSafeInteger(n)) throw new ConfigError(source, `$["kafka.${key}"]`, `must be an integer, got ${JSON.stringify(v)}`);
    return n;
  };
  const opts: KafkaBusOptions = { brokers: brokers as string[] };
  const partitions = num('partitions');
  if (partitions !== undefined) opts.defaultPartitions = partitions;
  const replication = num('replicationFactor');
  if (replication !== undefined) opts.replicationFactor = replication;
  const session = num('sessionTimeoutMs');
  if (session !== undefined) opts.sessionTimeoutMs = session;
  const buffered = num('maxBufferedRecords');
  if (buffered !== undefined) opts.maxBufferedRecords = buffered;
  const minBytes = num('fetchMinBytes');
  if (minBytes !== undefined) opts.fetchMinBytes = minBytes;
  const maxBytes = num('fetchMaxBytes');
  if (maxBytes !== undefined) opts.fetchMaxBytes = maxBytes;
  if (typeof global['kafka.clientId'] === 'string') opts.clientId = global['kafka.clientId'];
  return resolveKafkaOptions(opts, source);
}
