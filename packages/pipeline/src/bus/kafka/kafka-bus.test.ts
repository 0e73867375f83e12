import { randomBytes } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import { busContract } from '../test-support/contract.js';
import type { Consumer } from '../types.js';
import { KafkaBus, KafkaBusConsumer, kafkaOptionsFromGlobal, openKafkaBus } from './index.js';
import { sharedKafkaBootstrap } from './test-support/shared-broker.js';

/** Waits until the members' assignments cover every partition and each member owns some. */
async function settled(consumers: Consumer[], partitions: number): Promise<void> {
  const deadline = Date.now() + 30_000;
  let stableSince: number | undefined;
  for (;;) {
    // A poll joins the group (and returns nothing: the topic is still empty).
    for (const c of consumers) expect(await c.poll(1, 50)).toEqual([]);
    const owned = consumers.map((c) => (c as KafkaBusConsumer).assignment().length);
    const settledNow = owned.every((n) => n > 0) && owned.reduce((a, n) => a + n, 0) === partitions;
    if (!settledNow) stableSince = undefined;
    else if (stableSince === undefined) stableSince = Date.now();
    else if (Date.now() - stableSince > 500) return;
    if (Date.now() > deadline) throw new Error(`group did not settle: ${owned.join(',')}`);
  }
}

// The first use resolves the jars with Maven (on a fresh machine) and starts the broker.
beforeAll(async () => {
  await sharedKafkaBootstrap();
}, 300_000);

busContract('kafka', () => {
  const run = randomBytes(4).toString('hex');
  return {
    open: async () => openKafkaBus({ brokers: await sharedKafkaBootstrap(), sessionTimeoutMs: 6000, heartbeatIntervalMs: 500 }),
    name: (base) => `${base}-${run}`,
    settled,
    cleanup: async () => undefined,
    joinMs: 3000,
    waitMs: 20_000,
  };
});

describe('kafka bus: config and topics', () => {
  it('reads kafka.brokers from the global config, Metron style, and refuses bad values with their key', () => {
    expect(kafkaOptionsFromGlobal({ 'kafka.brokers': 'h1:9092, h2:9093', 'kafka.partitions': '6' })).toMatchObject({ brokers: ['h1:9092', 'h2:9093'], defaultPartitions: 6 });
    expect(() => kafkaOptionsFromGlobal({})).toThrow(/kafka\.brokers/);
    expect(() => kafkaOptionsFromGlobal({ 'kafka.brokers': 'nohostport' })).toThrow(/not host:port/);
    expect(() => kafkaOptionsFromGlobal({ 'kafka.brokers': 'h:1', 'kafka.replicationFactor': 0 })).toThrow(/replicationFactor/);
    expect(kafkaOptionsFromGlobal({ 'kafka.brokers': 'h:1' }).fetchMaxBytes).toBe(8 * 1024 * 1024);
    expect(kafkaOptionsFromGlobal({ 'kafka.brokers': 'h:1', 'kafka.fetchMaxBytes': '1048576' }).fetchMaxBytes).toBe(1_048_576);
    expect(() => kafkaOptionsFromGlobal({ 'kafka.brokers': 'h:1', 'kafka.fetchMaxBytes': 1000 })).toThrow('global.json: $["kafka.fetchMaxBytes"]: must be at least kafka.fetchMinBytes (65536), got 1000');
  });

  it('creates topics with the asked partitions, keeps an existing topic, and gives each its Kafka topic id as epoch', async () => {
    const bus = await openKafkaBus({ brokers: await sharedKafkaBootstrap() });
    try {
      const run = randomBytes(4).toString('hex');
      await bus.createTopic(`e-${run}`, { partitions: 3 });
      const epoch = bus.topicEpoch(`e-${run}`);
      expect(epoch).toMatch(/^[A-Za-z0-9_-]{22}$|^[0-9a-f-]{36}$/);
      await bus.createTopic(`e-${run}`, { partitions: 8 });
      expect((await bus.offsets(`e-${run}`)).length).toBe(3);
      expect(bus.topicEpoch(`e-${run}`)).toBe(epoch);
      await bus.createTopic(`o-${run}`, { compact: true });
      expect(bus.topicEpoch(`o-${run}`)).not.toBe(epoch);
      expect(() => bus.topicEpoch(`missing-${run}`)).toThrow(/not known/);
      await expect(bus.createTopic(`r-${run}`, { replicationFactor: 3 })).rejects.toMatchObject({ code: 'STORAGE_FAILED' });
    } finally {
      await bus.close();
    }
  });

  it('refuses to open when no broker answers, naming the brokers', async () => {
    const bus = openKafkaBus({ brokers: ['127.0.0.1:1'], requestTimeoutMs: 500 });
    await expect(bus).rejects.toMatchObject({ code: 'STORAGE_FAILED' });
    await expect(bus).rejects.toThrow('127.0.0.1:1');
  });

  it('is a KafkaBus', async () => {
    const bus = await openKafkaBus({ brokers: await sharedKafkaBootstrap() });
    expect(bus).toBeInstanceOf(KafkaBus);
    await bus.close();
  });
});

describe('kafka bus: backpressure', () => {
  it('pauses fetching when the stage falls behind (a slow writer): the buffer stays bounded, nothing is lost', async () => {
    const brokers = await sharedKafkaBootstrap();
    const run = randomBytes(4).toString('hex');
    const bus = await openKafkaBus({ brokers, maxBufferedRecords: 500 });
    try {
      const t = `slow-${run}`;
      await bus.createTopic(t, { partitions: 2 });
      const producer = bus.producer();
      for (let i = 0; i < 10; i++) await producer.send(t, Array.from({ length: 1000 }, (_, j) => ({ key: `k${j}`, value: `${i * 1000 + j}`.padEnd(200, '.') })));
      const consumer = bus.consumer({ group: `g-${run}`, topics: [t] }) as KafkaBusConsumer;
      const first = await consumer.poll(10, 20_000);
      expect(first.length).toBeGreaterThan(0);
      // The stage "writes slowly": it takes nothing for a while; fetching must stop near the cap.
      await new Promise((r) => setTimeout(r, 1500));
      expect(consumer.isPaused).toBe(true);
      const cap = 500 + 2 * 1024; // the cap, plus what one fetch response and the stream's buffer hold
      expect(consumer.buffered).toBeLessThanOrEqual(cap);
      // behind() counts past the buffer once it has asked the broker for the partitions' ends
      const behindBy = 10_000 - first.length;
      const asked = Date.now() + 10_000;
      while (consumer.behind() !== behindBy && Date.now() < asked) await new Promise((r) => setTimeout(r, 100));
      expect(consumer.behind()).toBe(behindBy);
      const seen = new Set(first.map((r) => r.value.toString()));
      let maxBuffered = consumer.buffered;
      const deadline = Date.now() + 30_000;
      while (seen.size < 10_000 && Date.now() < deadline) {
        for (const r of await consumer.poll(100, 1000)) seen.add(r.value.toString());
        maxBuffered = Math.max(maxBuffered, consumer.buffered);
      }
      expect(seen.size).toBe(10_000);
      expect(maxBuffered).toBeLessThanOrEqual(cap);
    } finally {
      await bus.close();
    }
  }, 60_000);
});

describe('kafka bus: large sends', () => {
  it('splits a send larger than the broker message limit into requests, keeping offsets dense and in order', async () => {
    const bus = await openKafkaBus({ brokers: await sharedKafkaBootstrap() });
    try {
      const t = `big-${randomBytes(4).toString('hex')}`;
      await bus.createTopic(t, { partitions: 2 });
      const producer = bus.producer();
      // ~5 MB in one call, and two concurrent calls coalesced: far over the 1 MiB request limit.
      const records = (n: number, tag: string) => Array.from({ length: n }, (_, i) => ({ key: `k${i % 7}`, value: `${tag}${i}:`.padEnd(2000, 'x') }));
      const [a, b] = await Promise.all([producer.send(t, records(2500, 'a')), producer.send(t, records(100, 'b'))]);
      const all = [...a!, ...b!];
      for (const p of [0, 1]) {
        const offsets = all.filter((m) => m.partition === p).map((m) => m.offset).sort((x, y) => (x < y ? -1 : 1));
        expect(offsets).toEqual(offsets.map((_, i) => BigInt(i)));
      }
      const consumer = bus.consumer({ group: `g-${t}`, topics: [t] });
      const seen = new Map<string, string>();
      const deadline = Date.now() + 30_000;
      while (seen.size < 2600 && Date.now() < deadline) for (const r of await consumer.poll(1000, 1000)) seen.set(`${r.partition}/${r.offset}`, r.value.toString().split(':')[0]!);
      expect(seen.size).toBe(2600);
      a!.forEach((m, i) => expect(seen.get(`${m.partition}/${m.offset}`)).toBe(`a${i}`));
      b!.forEach((m, i) => expect(seen.get(`${m.partition}/${m.offset}`)).toBe(`b${i}`));
    } finally {
      await bus.close();
    }
  }, 60_000);
});
