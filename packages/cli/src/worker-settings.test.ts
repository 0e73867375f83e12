/**
 * `kafka.*` settings a worker takes from the config topic's global config (what `metron config
 * push` published for every worker): its own config dir's settings win, the connection stays.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openKafkaBus, type KafkaBus } from '@metron/pipeline';
import { sharedKafkaBootstrap } from '../../pipeline/src/bus/kafka/test-support/shared-broker.js';
import { applyTopicKafkaSettings } from './worker.js';
import type { Logger } from './log.js';

let brokers: string[];
let bus: KafkaBus;
const lines: string[] = [];
const log = { info: (m: string) => lines.push(m), warn: (m: string) => lines.push(m), error: (m: string) => lines.push(m) } as unknown as Logger;

beforeAll(async () => {
  brokers = await sharedKafkaBootstrap();
  bus = await openKafkaBus({ brokers, maxBufferedRecords: 20_000 });
}, 300_000);
afterAll(async () => {
  await bus.close();
});

describe('kafka settings from the config topic', () => {
  it('applies the topic\'s consumer settings, the worker\'s own config dir winning; brokers and client id stay', () => {
    const clientId = bus.options.clientId;
    applyTopicKafkaSettings(
      bus,
      { 'kafka.brokers': 'elsewhere:9092', 'kafka.clientId': 'other', 'kafka.maxBufferedRecords': 500, 'kafka.fetchMaxBytes': '1048576', 'kafka.sessionTimeoutMs': 15_000, 'es.ip': 'x' },
      { 'kafka.sessionTimeoutMs': 12_000 },
      brokers,
      log,
    );
    expect(bus.options).toMatchObject({ brokers, clientId, maxBufferedRecords: 500, fetchMaxBytes: 1_048_576, sessionTimeoutMs: 12_000 });
    expect(lines.at(-1)).toBe('Kafka settings from the config topic: sessionTimeoutMs=12000, maxBufferedRecords=500, fetchMaxBytes=1048576');
  });

  it('refuses a bad value with its key, changing nothing', () => {
    const before = { ...bus.options };
    expect(() => applyTopicKafkaSettings(bus, { 'kafka.fetchMinBytes': 'lots' }, {}, brokers, log)).toThrow('config topic: global: $["kafka.fetchMinBytes"]: must be an integer, got "lots"');
    expect(bus.options).toEqual(before);
  });
});
