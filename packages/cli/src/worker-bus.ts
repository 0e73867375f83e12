/**
 * The bus of `metron start`, chosen by the global config: the embedded local log (default), or
 * Apache Kafka with `"bus.backend": "kafka"` and `kafka.brokers` (one process, but its topics in
 * Kafka: sensors that already write to Kafka feed it, and workers can be added later).
 */
import { join } from 'node:path';
import { ConfigError } from '@metron/core';
import { kafkaOptionsFromGlobal, openKafkaBus, openLocalLog, type FsyncPolicy, type KafkaBus, type LocalLogBus } from '@metron/pipeline';
import type { Logger } from './log.js';

export const BUS_BACKEND_KEY = 'bus.backend';

export interface OpenedBus {
  bus: LocalLogBus | KafkaBus;
  /** Partitions of the topics the pipeline creates (Kafka: `kafka.partitions`). */
  partitions?: number;
  description: string;
}

/** Opens the configured bus; a bad `bus.backend` or Kafka setting is refused with its key. */
export async function openConfiguredBus(
  global: Record<string, unknown>,
  globalFile: string,
  local: { dataDir: string; fsync: FsyncPolicy; defaults: Parameters<typeof openLocalLog>[0]['defaults'] },
  log: Logger,
): Promise<OpenedBus> {
  const backend = global[BUS_BACKEND_KEY] ?? 'local';
  if (backend === 'kafka') {
    const options = kafkaOptionsFromGlobal(global, globalFile);
    const bus = await openKafkaBus({ ...options, onWarning: (m) => log.warn(m) });
    return { bus, partitions: options.defaultPartitions, description: `Kafka at ${options.brokers.join(',')}` };
  }
  if (backend !== 'local') throw new ConfigError(globalFile, `$["${BUS_BACKEND_KEY}"]`, `must be "local" or "kafka", got ${JSON.stringify(backend)}`);
  const dir = join(local.dataDir, 'log');
  const bus = await openLocalLog({ dir, fsync: local.fsync, ...(local.defaults !== undefined ? { defaults: local.defaults } : {}) });
  return { bus, description: `local log ${dir}` };
}
