/**
 * The bus contract (types.ts) as one test suite, run against every bus: the embedded local log
 * and Apache Kafka. A backend provides how to open a bus over one store (reopening reaches the
 * same data), unique topic/group names, and how to wait until group members own their partitions.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { MetronError } from '@metron/core';
import type { Bus, Consumer, ConsumerRecord } from '../types.js';

export interface BusUnderTest {
  /** Opens a bus over this test's store; called again after `close`, it sees the same data. */
  open(): Promise<Bus>;
  /** A topic or group name unique to this test (a shared Kafka broker serves many tests). */
  name(base: string): string;
  /** Resolves when the consumers together own all `partitions` partitions and each owns some. */
  settled(consumers: Consumer[], partitions: number): Promise<void>;
  /** Removes the store (after the test). */
  cleanup(): Promise<void>;
  /** How long a test may wait for records (a group join on Kafka takes a second or more). */
  waitMs: number;
  /** How long an empty poll waits to be sure nothing comes (and, on Kafka, the group is joined). */
  joinMs: number;
}

/** Polls until `count` records arrived (or gives up after `timeoutMs`). */
export async function pollUntil(consumer: Consumer, count: number, timeoutMs: number): Promise<ConsumerRecord[]> {
  const out: ConsumerRecord[] = [];
  const deadline = Date.now() + timeoutMs;
  while (out.length < count && Date.now() < deadline) {
    out.push(...(await consumer.poll(count - out.length, Math.max(1, Math.min(500, deadline - Date.now())))));
  }
  return out;
}

function values(records: ConsumerRecord[]): string[] {
  return records.map((record) => record.value.toString());
}

/** Registers the contract tests for one bus backend. */
export function busContract(label: string, backend: () => BusUnderTest): void {
  let current: BusUnderTest | undefined;
  const open: Bus[] = [];
  function setup(): { b: BusUnderTest; openBus: () => Promise<Bus> } {
    const b = backend();
    current = b;
    return {
      b,
      openBus: async () => {
        const bus = await b.open();
        open.push(bus);
        return bus;
      },
    };
  }

  afterEach(async () => {
    await Promise.all(open.splice(0).map((bus) => bus.close()));
    await current?.cleanup();
    current = undefined;
  });

  describe(`${label}: bus contract`, () => {
    it('returns offsets per partition and reads records back in order with key, headers, timestamp', async () => {
      const { b, openBus } = setup();
      const bus = await openBus();
      const t = b.name('t');
      await bus.createTopic(t, { partitions: 1 });
      const producer = bus.producer();
      const first = await producer.send(t, [{ value: 'a', key: 'k', headers: { h: 'v' }, timestamp: 1234 }, { value: Buffer.from('b') }]);
      const second = await producer.send(t, [{ value: 'c' }]);
      expect(first.map((m) => m.offset)).toEqual([0n, 1n]);
      expect(second).toEqual([{ topic: t, partition: 0, offset: 2n }]);
      const consumer = bus.consumer({ group: b.name('g'), topics: [t] });
      const records = await pollUntil(consumer, 3, b.waitMs);
      expect(values(records)).toEqual(['a', 'b', 'c']);
      expect(records.map((r) => r.offset)).toEqual([0n, 1n, 2n]);
      expect(records[0]).toMatchObject({ topic: t, partition: 0, timestamp: 1234, headers: { h: 'v' } });
      expect(records[0]!.key!.toString()).toBe('k');
      expect(records[1]!.key).toBeNull();
      expect(records[1]!.headers).toEqual({});
      expect(await bus.offsets(t)).toEqual([{ partition: 0, earliest: 0n, latest: 3n }]);
      expect(await bus.listTopics()).toContain(t);
    });

    it('sends a key always to the same partition and keeps a keyless send on one partition, the next on another', async () => {
      const { b, openBus } = setup();
      const bus = await openBus();
      const t = b.name('keys');
      await bus.createTopic(t, { partitions: 4 });
      const producer = bus.producer();
      const byKey = new Map<string, Set<number>>();
      for (let round = 0; round < 3; round++) {
        const sent = await producer.send(t, Array.from({ length: 40 }, (_, i) => ({ key: `host-${i}`, value: String(i) })));
        sent.forEach((meta, i) => {
          const set = byKey.get(`host-${i}`) ?? new Set<number>();
          set.add(meta.partition);
          byKey.set(`host-${i}`, set);
        });
      }
      for (const partitions of byKey.values()) expect(partitions.size).toBe(1);
      expect(new Set([...byKey.values()].map((s) => [...s][0])).size).toBeGreaterThan(1);
      const keyless = new Set<number>();
      for (let batch = 0; batch < 4; batch++) {
        const sent = await producer.send(t, [{ value: 'x' }, { value: 'y' }]);
        expect(sent[0]!.partition).toBe(sent[1]!.partition);
        keyless.add(sent[0]!.partition);
      }
      expect(keyless.size).toBe(4);
      // Every record is where its metadata says.
      const ends = await bus.offsets(t);
      expect(ends.reduce((n, p) => n + Number(p.latest), 0)).toBe(128);
    });

    it('keeps per-partition offsets dense and ordered under concurrent sends', async () => {
      const { b, openBus } = setup();
      const bus = await openBus();
      const t = b.name('auto');
      await bus.createTopic(t, { partitions: 1 });
      const producer = bus.producer();
      const results = (await Promise.all(Array.from({ length: 50 }, (_, i) => producer.send(t, Array.from({ length: 10 }, (_, j) => ({ value: `${i}:${j}` })))))).flat();
      expect(results.map((m) => m.offset).sort((x, y) => (x < y ? -1 : 1))).toEqual(Array.from({ length: 500 }, (_, i) => BigInt(i)));
      const firstSend = results.slice(0, 10).map((m) => m.offset);
      expect(firstSend).toEqual(firstSend.map((_, j) => firstSend[0]! + BigInt(j)));
      const records = await pollUntil(bus.consumer({ group: b.name('g'), topics: [t] }), 500, b.waitMs);
      expect(records.map((r) => r.offset)).toEqual(Array.from({ length: 500 }, (_, i) => BigInt(i)));
      const byOffset = new Map(results.map((m, i) => [m.offset, `${Math.floor(i / 10)}:${i % 10}`]));
      for (const record of records) expect(record.value.toString()).toBe(byOffset.get(record.offset));
    });

    it('resumes a group from its committed offset after the bus is reopened; other groups start at earliest or latest', async () => {
      const { b, openBus } = setup();
      let bus = await openBus();
      const c = b.name('c');
      const g = b.name('g');
      await bus.createTopic(c, { partitions: 1 });
      await bus.producer().send(c, Array.from({ length: 10 }, (_, i) => ({ value: `m${i}` })));
      let consumer = bus.consumer({ group: g, topics: [c] });
      const firstFour = await pollUntil(consumer, 4, b.waitMs);
      expect(values(firstFour)).toEqual(['m0', 'm1', 'm2', 'm3']);
      await consumer.commit([{ topic: c, partition: 0, offset: firstFour[3]!.offset + 1n }]);
      expect(await consumer.committed()).toEqual([{ topic: c, partition: 0, offset: 4n }]);
      await bus.close();

      bus = await openBus();
      expect(await bus.groupOffsets(g, c)).toEqual([{ partition: 0, offset: 4n }]);
      expect(await bus.groupOffsets(b.name('never'), c)).toEqual([]);
      consumer = bus.consumer({ group: g, topics: [c] });
      expect(values(await pollUntil(consumer, 6, b.waitMs))).toEqual(['m4', 'm5', 'm6', 'm7', 'm8', 'm9']);
      expect(values(await pollUntil(bus.consumer({ group: b.name('other'), topics: [c] }), 1, b.waitMs))).toEqual(['m0']);
      const late = bus.consumer({ group: b.name('late'), topics: [c], fromBeginning: false });
      // Joined (and positioned at the end) before the new record is written.
      expect(await late.poll(10, b.joinMs)).toEqual([]);
      await bus.producer().send(c, [{ value: 'new' }]);
      expect(values(await pollUntil(late, 1, b.waitMs))).toEqual(['new']);
    });

    it('behind() never counts more than the records not yet polled, and is 0 once all are', async () => {
      const { b, openBus } = setup();
      const bus = await openBus();
      const t = b.name('behind');
      await bus.createTopic(t, { partitions: 2 });
      await bus.producer().send(t, Array.from({ length: 20 }, (_, i) => ({ value: `m${i}` })));
      const consumer = bus.consumer({ group: b.name('g'), topics: [t] });
      expect(await pollUntil(consumer, 5, b.waitMs)).toHaveLength(5);
      const behind = consumer.behind();
      expect(behind).toBeGreaterThanOrEqual(0);
      expect(behind).toBeLessThanOrEqual(15);
      expect(await pollUntil(consumer, 15, b.waitMs)).toHaveLength(15);
      expect(consumer.behind()).toBe(0);
    });

    it('splits partitions between two consumers of a group: every record seen exactly once', async () => {
      const { b, openBus } = setup();
      const bus = await openBus();
      const t = b.name('split');
      const g = b.name('g');
      await bus.createTopic(t, { partitions: 4 });
      const a = bus.consumer({ group: g, topics: [t] });
      const c2 = bus.consumer({ group: g, topics: [t] });
      await b.settled([a, c2], 4);
      const producer = bus.producer();
      for (let i = 0; i < 10; i++) await producer.send(t, Array.from({ length: 20 }, (_, j) => ({ key: `k${j}`, value: `${i}-${j}` })));
      await producer.send(t, Array.from({ length: 8 }, (_, j) => ({ value: `nokey-${j}` })));
      const seen: string[] = [];
      const partitionsOf = { a: new Set<number>(), b: new Set<number>() };
      const deadline = Date.now() + b.waitMs;
      while (seen.length < 208 && Date.now() < deadline) {
        for (const [n, consumer] of [['a', a], ['b', c2]] as const) {
          for (const record of await consumer.poll(50, 20)) {
            seen.push(`${record.partition}/${record.offset}:${record.value.toString()}`);
            partitionsOf[n].add(record.partition);
          }
        }
      }
      expect(seen.length).toBe(208);
      expect(new Set(seen).size).toBe(208);
      expect(partitionsOf.a.size).toBe(2);
      expect(partitionsOf.b.size).toBe(2);
      expect([...partitionsOf.a].some((p) => partitionsOf.b.has(p))).toBe(false);
    });

    it('rebalances when a member closes: the survivor continues from the committed offsets', async () => {
      const { b, openBus } = setup();
      const bus = await openBus();
      const t = b.name('rb');
      const g = b.name('g');
      await bus.createTopic(t, { partitions: 2 });
      const a = bus.consumer({ group: g, topics: [t] });
      const c2 = bus.consumer({ group: g, topics: [t] });
      await b.settled([a, c2], 2);
      const producer = bus.producer();
      await producer.send(t, [{ value: 'p-a' }]);
      await producer.send(t, [{ value: 'p-b' }]);
      const fromB = await pollUntil(c2, 1, b.waitMs);
      expect(fromB).toHaveLength(1);
      await c2.commit([{ topic: t, partition: fromB[0]!.partition, offset: fromB[0]!.offset + 1n }]);
      await c2.close();
      const rest = await pollUntil(a, 1, b.waitMs);
      expect(rest).toHaveLength(1);
      expect(rest[0]!.partition).not.toBe(fromB[0]!.partition);
      // b's committed record is not redelivered, even once a owns b's partition.
      expect(await a.poll(10, b.joinMs)).toEqual([]);
    });

    it('a consumer subscribed before its topic exists gets it once created', async () => {
      const { b, openBus } = setup();
      const bus = await openBus();
      const t = b.name('later');
      const consumer = bus.consumer({ group: b.name('g'), topics: [t] });
      const polled = pollUntil(consumer, 1, b.waitMs);
      await new Promise((r) => setTimeout(r, 50));
      await bus.producer().send(t, [{ value: 'hello' }]);
      expect(values(await polled)).toEqual(['hello']);
    });

    it('wakes a waiting poll promptly when records are appended, and times out with [] when none come', async () => {
      const { b, openBus } = setup();
      const bus = await openBus();
      const t = b.name('w');
      await bus.createTopic(t, { partitions: 1 });
      const consumer = bus.consumer({ group: b.name('g'), topics: [t] });
      expect(await consumer.poll(10, b.joinMs)).toEqual([]); // joined, nothing there
      const started = Date.now();
      const polled = consumer.poll(10, 10_000);
      setTimeout(() => void bus.producer().send(t, [{ value: 'ping' }]), 30);
      expect(values(await polled)).toEqual(['ping']);
      expect(Date.now() - started).toBeLessThan(3000);
      const before = Date.now();
      expect(await consumer.poll(10, 50)).toEqual([]);
      expect(Date.now() - before).toBeGreaterThanOrEqual(40);
    });

    it('close resolves pending polls with [], completes accepted sends, and later operations reject with BUS_CLOSED', async () => {
      const { b, openBus } = setup();
      const bus = await openBus();
      const x = b.name('x');
      await bus.createTopic(x, { partitions: 1 });
      const producer = bus.producer();
      await producer.send(x, [{ value: '1' }]);
      const consumer = bus.consumer({ group: b.name('g'), topics: [x], fromBeginning: false });
      expect(await consumer.poll(10, b.joinMs)).toEqual([]);
      const pending = consumer.poll(10, 10_000);
      const inFlight = producer.send(x, [{ value: 'in flight' }]);
      await bus.close();
      expect(await pending).toEqual([]);
      expect((await inFlight)[0]!.offset).toBe(1n);
      const closed = { code: 'BUS_CLOSED' };
      await expect(producer.send(x, [{ value: '2' }])).rejects.toMatchObject(closed);
      await expect(bus.createTopic(b.name('y'))).rejects.toMatchObject(closed);
      await expect(bus.offsets(x)).rejects.toMatchObject(closed);
      await expect(bus.groupOffsets('g', x)).rejects.toMatchObject(closed);
      await expect(bus.listTopics()).rejects.toMatchObject(closed);
      await expect(consumer.commit([{ topic: x, partition: 0, offset: 1n }])).rejects.toMatchObject(closed);
      expect(await consumer.poll(10, 10)).toEqual([]);
      expect(() => bus.producer()).toThrow(MetronError);
      await bus.close(); // idempotent
      const reopened = await openBus();
      expect(await reopened.offsets(x)).toEqual([{ partition: 0, earliest: 0n, latest: 2n }]);
    });

    it('rejects invalid records and names without failing sends made beside them', async () => {
      const { b, openBus } = setup();
      const bus = await openBus();
      const t = b.name('bad');
      await bus.createTopic(t, { partitions: 1 });
      const producer = bus.producer();
      const good = Array.from({ length: 5 }, (_, i) => producer.send(t, [{ value: `ok${i}` }]));
      await expect(producer.send(t, [{ value: 'x', timestamp: Number.NaN }])).rejects.toMatchObject({ code: 'INPUT_INVALID' });
      await expect(producer.send(t, [{ value: 42 as unknown as string }])).rejects.toMatchObject({ code: 'INPUT_INVALID' });
      await expect(bus.createTopic('../evil')).rejects.toMatchObject({ code: 'INPUT_INVALID' });
      expect(() => bus.consumer({ group: '', topics: [t] })).toThrow(MetronError);
      const offsets = (await Promise.all(good)).map((meta) => meta[0]!.offset);
      expect(offsets.sort()).toEqual([0n, 1n, 2n, 3n, 4n]);
    });
  });
}
