/** `metron start` with the global config's `bus.backend: kafka`: the one-process pipeline over a real Kafka broker. */
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openKafkaBus } from '@metron/pipeline';
import { sharedKafkaBootstrap } from '../../pipeline/src/bus/kafka/test-support/shared-broker.js';
import { startEmbedded } from './start.js';

const quiet = { info() {}, warn() {}, error() {} };
let dir: string;
let brokers: string[];

async function configDir(global: Record<string, unknown>): Promise<string> {
  const config = await mkdtemp(join(dir, 'config-'));
  await mkdir(join(config, 'parsers'));
  await mkdir(join(config, 'indexing'));
  await writeFile(join(config, 'global.json'), JSON.stringify(global));
  await writeFile(join(config, 'parsers', 'bro.json'), JSON.stringify({ parserClassName: 'org.apache.metron.parsers.bro.BasicBroParser', sensorTopic: 'bro', parserConfig: {} }));
  await writeFile(join(config, 'indexing', 'bro.json'), JSON.stringify({ elasticsearch: { index: 'bro', batchSize: 100, enabled: true } }));
  return config;
}

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'metron-start-kafka-'));
  brokers = await sharedKafkaBootstrap();
}, 300_000);

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('metron start on Kafka', () => {
  it('runs the pipeline over Kafka topics when bus.backend is kafka', async () => {
    const config = await configDir({ 'bus.backend': 'kafka', 'kafka.brokers': brokers.join(','), 'kafka.partitions': 2 });
    const bus = await openKafkaBus({ brokers });
    const before = (await bus.offsets('bro')).reduce((n, p) => n + p.latest, 0n);
    const handle = await startEmbedded({ configDir: config, dataDir: join(dir, 'data'), port: 0, host: '127.0.0.1', adminPassword: 'test-password-1', log: quiet });
    try {
      const lines = Array.from({ length: 50 }, (_, i) => Buffer.from(JSON.stringify({ conn: { ts: 1_700_000_000 + i, uid: `K${i}`, 'id.orig_h': '10.0.0.1', 'id.orig_p': 1000 + i, 'id.resp_h': '10.0.0.2', 'id.resp_p': 80 } })));
      await handle.pipeline.ingest('bro', lines);
      await handle.pipeline.waitIdle(60_000);
      expect(handle.pipeline.metrics.get('bro', 'indexed')).toBe(50);
      // The records went through the broker: the sensor topic has them, in its 2 partitions.
      const offsets = await bus.offsets('bro');
      expect(offsets.length).toBeGreaterThanOrEqual(2);
      expect(offsets.reduce((n, p) => n + p.latest, 0n) - before).toBe(50n);
      // One process runs every stage: the parse stage commits on the broker once the index has them.
      const committed = await bus.groupOffsets('metron_parse_bro', 'bro');
      expect(committed.reduce((n, p) => n + p.offset, 0n)).toBe(offsets.reduce((n, p) => n + p.latest, 0n));
    } finally {
      await handle.stop();
      await bus.close();
    }
  }, 120_000);

  it('refuses an unknown bus.backend and a Kafka bus without brokers, naming the key', async () => {
    await expect(startEmbedded({ configDir: await configDir({ 'bus.backend': 'rabbit' }), dataDir: join(dir, 'd1'), port: 0, host: '127.0.0.1', log: quiet })).rejects.toThrow(/bus\.backend.*"local" or "kafka"/);
    await expect(startEmbedded({ configDir: await configDir({ 'bus.backend': 'kafka' }), dataDir: join(dir, 'd2'), port: 0, host: '127.0.0.1', log: quiet })).rejects.toThrow(/kafka\.brokers/);
  }, 60_000);
});
