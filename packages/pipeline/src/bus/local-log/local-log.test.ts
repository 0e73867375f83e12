import { readFile, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { MetronError } from '@metron/core';
import { openLocalLog, type LocalLogBus } from '../index.js';
import { pollUntil, removeTempDirs, tempDir, values } from './test-helpers.js';

const open: LocalLogBus[] = [];
async function openBus(dir: string, options: Partial<Parameters<typeof openLocalLog>[0]> = {}): Promise<LocalLogBus> {
  const bus = await openLocalLog({ dir, ...options });
  open.push(bus);
  return bus;
}

afterEach(async () => {
  await Promise.all(open.splice(0).map((bus) => bus.close()));
  await removeTempDirs();
});

// Behaviour every bus shares (offsets, keys, groups, rebalancing, late topics) is in the bus
// contract (../test-support/contract.ts, run on the local log by contract.test.ts); here what is
// the local log's own.
describe('local log: append and read', () => {
  it('sends a key always to the same partition and spreads keyless batches round robin', async () => {
    const bus = await openBus(await tempDir());
    await bus.createTopic('keys', { partitions: 4 });
    const producer = bus.producer();
    const byKey = new Map<string, Set<number>>();
    for (let round = 0; round < 3; round++) {
      const sent = await producer.send('keys', Array.from({ length: 40 }, (_, i) => ({ key: `host-${i}`, value: String(i) })));
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
      const sent = await producer.send('keys', [{ value: 'x' }, { value: 'y' }]);
      expect(sent[0]!.partition).toBe(sent[1]!.partition); // one batch stays together
      keyless.add(sent[0]!.partition);
    }
    expect(keyless.size).toBe(4);
  });

  it('coalesces concurrent sends and keeps per-partition offsets dense and ordered', async () => {
    const bus = await openBus(await tempDir());
    const producer = bus.producer();
    const sends = Array.from({ length: 50 }, (_, i) =>
      producer.send('auto', Array.from({ length: 10 }, (_, j) => ({ value: `${i}:${j}` }))),
    );
    const results = (await Promise.all(sends)).flat();
    expect(results.map((m) => m.offset).sort((a, b) => (a < b ? -1 : 1))).toEqual(
      Array.from({ length: 500 }, (_, i) => BigInt(i)),
    );
    // Within one send the offsets are consecutive in record order.
    const firstSend = results.slice(0, 10).map((m) => m.offset);
    expect(firstSend).toEqual(firstSend.map((_, j) => firstSend[0]! + BigInt(j)));
    const consumer = bus.consumer({ group: 'g', topics: ['auto'] });
    const records = await pollUntil(consumer, 500);
    expect(records.map((r) => r.offset)).toEqual(Array.from({ length: 500 }, (_, i) => BigInt(i)));
    const byOffset = new Map(results.map((m, i) => [m.offset, `${Math.floor(i / 10)}:${i % 10}`]));
    for (const record of records) expect(record.value.toString()).toBe(byOffset.get(record.offset));
  });

  it('reads across many small segments through the index after reopen', async () => {
    const dir = await tempDir();
    let bus = await openBus(dir, { indexIntervalBytes: 256 });
    await bus.createTopic('seg', { segmentBytes: 4096 });
    const producer = bus.producer();
    for (let i = 0; i < 20; i++) {
      await producer.send('seg', Array.from({ length: 25 }, (_, j) => ({ value: `v${i * 25 + j}`.padEnd(100, '.') })));
    }
    await bus.close();
    const files = await readdir(join(dir, 'seg-0'));
    expect(files.filter((f) => f.endsWith('.log')).length).toBeGreaterThan(5);
    expect(files).toContain('00000000000000000000.log');
    expect(files).toContain('00000000000000000000.index');
    bus = await openBus(dir, { indexIntervalBytes: 256, tailCacheBytes: 1 });
    expect(await bus.offsets('seg')).toEqual([{ partition: 0, earliest: 0n, latest: 500n }]);
    const consumer = bus.consumer({ group: 'g', topics: ['seg'] });
    const records = await pollUntil(consumer, 500);
    expect(records.map((r) => r.value.toString().replace(/\.+$/, ''))).toEqual(
      Array.from({ length: 500 }, (_, i) => `v${i}`),
    );
    // A group that committed mid-segment resumes at exactly that record.
    await consumer.commit([{ topic: 'seg', partition: 0, offset: 333n }]);
    await consumer.close();
    const again = bus.consumer({ group: 'g', topics: ['seg'] });
    const [next] = await again.poll(1, 1000);
    expect(next!.offset).toBe(333n);
    expect(next!.value.toString()).toMatch(/^v333\./);
  });

  it('keeps the topic epoch and partition count across reopen', async () => {
    const dir = await tempDir();
    let bus = await openBus(dir);
    await bus.createTopic('e', { partitions: 3 });
    const epoch = bus.topicEpoch('e');
    expect(epoch).toMatch(/^[0-9a-f-]{36}$/);
    await bus.close();
    bus = await openBus(dir);
    await bus.createTopic('e', { partitions: 8 }); // existing topic keeps its partitions
    expect(bus.topicEpoch('e')).toBe(epoch);
    expect((await bus.offsets('e')).length).toBe(3);
    expect(await bus.listTopics()).toEqual(['e']);
    await bus.createTopic('other');
    expect(bus.topicEpoch('other')).not.toBe(epoch);
    expect(() => bus.topicEpoch('missing')).toThrow(MetronError);
    await expect(bus.createTopic('../evil')).rejects.toMatchObject({ code: 'INPUT_INVALID' });
  });

  it('accepts each fsync policy and the data survives reopen', async () => {
    for (const fsync of ['always', 'interval', 'never'] as const) {
      const dir = await tempDir();
      let bus = await openBus(dir, { fsync, fsyncIntervalMs: 10 });
      const sent = await bus.producer().send('f', [{ value: fsync }, { value: 'two' }]);
      expect(sent.map((m) => m.offset)).toEqual([0n, 1n]);
      await bus.close();
      bus = await openBus(dir, { fsync });
      expect(values(await pollUntil(bus.consumer({ group: 'g', topics: ['f'] }), 2))).toEqual([fsync, 'two']);
    }
    await expect(openLocalLog({ dir: await tempDir(), fsync: 'sometimes' as never })).rejects.toMatchObject({
      code: 'CONFIG_INVALID',
    });
  });
});

describe('local log: consumer groups', () => {
  it('resumes from the committed offset after reopen', async () => {
    const dir = await tempDir();
    let bus = await openBus(dir);
    await bus.producer().send('c', Array.from({ length: 10 }, (_, i) => ({ value: `m${i}` })));
    let consumer = bus.consumer({ group: 'g', topics: ['c'] });
    const firstFour = await pollUntil(consumer, 4);
    expect(values(firstFour)).toEqual(['m0', 'm1', 'm2', 'm3']);
    await consumer.commit([{ topic: 'c', partition: 0, offset: firstFour[3]!.offset + 1n }]);
    expect(await consumer.committed()).toEqual([{ topic: 'c', partition: 0, offset: 4n }]);
    await bus.close();

    const groupFile = JSON.parse(await readFile(join(dir, '__groups', 'g.json'), 'utf8'));
    expect(groupFile.offsets.c['0']).toBe('4');

    bus = await openBus(dir);
    expect(await bus.groupOffsets('g', 'c')).toEqual([{ partition: 0, offset: 4n }]);
    consumer = bus.consumer({ group: 'g', topics: ['c'] });
    expect(values(await pollUntil(consumer, 6))).toEqual(['m4', 'm5', 'm6', 'm7', 'm8', 'm9']);
    // Another group starts at the earliest offset; a `fromBeginning: false` group at the latest.
    expect(values(await pollUntil(bus.consumer({ group: 'other', topics: ['c'] }), 1))).toEqual(['m0']);
    const late = bus.consumer({ group: 'late', topics: ['c'], fromBeginning: false });
    expect(await late.poll(10, 20)).toEqual([]);
    await bus.producer().send('c', [{ value: 'new' }]);
    expect(values(await pollUntil(late, 1))).toEqual(['new']);
  });

  it('behind() counts the records of its partitions not yet polled', async () => {
    const bus = await openBus(await tempDir());
    await bus.createTopic('b', { partitions: 3 });
    await bus.producer().send('b', Array.from({ length: 10 }, (_, i) => ({ value: `m${i}` })));
    const consumer = bus.consumer({ group: 'g', topics: ['b'] });
    expect(await pollUntil(consumer, 4)).toHaveLength(4);
    expect(consumer.behind()).toBe(6);
    await bus.producer().send('b', Array.from({ length: 5 }, (_, i) => ({ value: `n${i}` })));
    expect(consumer.behind()).toBe(11);
    expect(await pollUntil(consumer, 11)).toHaveLength(11);
    expect(consumer.behind()).toBe(0);
    // another group's consumer is as far behind as its own position says
    const other = bus.consumer({ group: 'other', topics: ['b'] });
    expect(await pollUntil(other, 1)).toHaveLength(1);
    expect(other.behind()).toBe(14);
  });
});

describe('local log: waiting and closing', () => {
  it('wakes a waiting poll promptly when records are appended', async () => {
    const bus = await openBus(await tempDir());
    await bus.createTopic('w');
    const consumer = bus.consumer({ group: 'g', topics: ['w'] });
    const started = Date.now();
    const polled = consumer.poll(10, 5000);
    setTimeout(() => void bus.producer().send('w', [{ value: 'ping' }]), 30);
    expect(values(await polled)).toEqual(['ping']);
    expect(Date.now() - started).toBeLessThan(2000);
    // And a poll with nothing to read times out with [].
    const before = Date.now();
    expect(await consumer.poll(10, 50)).toEqual([]);
    expect(Date.now() - before).toBeGreaterThanOrEqual(40);
  });

  it('close resolves pending polls with [] and later operations reject with BUS_CLOSED', async () => {
    const dir = await tempDir();
    const bus = await openBus(dir);
    const producer = bus.producer();
    await producer.send('x', [{ value: '1' }]);
    const consumer = bus.consumer({ group: 'g', topics: ['x'], fromBeginning: false });
    const pending = consumer.poll(10, 10_000);
    const inFlight = producer.send('x', [{ value: 'in flight' }]);
    await bus.close();
    expect(await pending).toEqual([]);
    expect((await inFlight)[0]!.offset).toBe(1n); // accepted before close: completed by close
    const closed = { code: 'BUS_CLOSED' };
    await expect(producer.send('x', [{ value: '2' }])).rejects.toMatchObject(closed);
    await expect(bus.createTopic('y')).rejects.toMatchObject(closed);
    await expect(bus.offsets('x')).rejects.toMatchObject(closed);
    await expect(bus.groupOffsets('g', 'x')).rejects.toMatchObject(closed);
    await expect(bus.listTopics()).rejects.toMatchObject(closed);
    await expect(consumer.commit([{ topic: 'x', partition: 0, offset: 1n }])).rejects.toMatchObject(closed);
    expect(await consumer.poll(10, 10)).toEqual([]);
    expect(() => bus.producer()).toThrow(MetronError);
    await bus.close(); // idempotent
    // The lock is released: the directory opens again and holds both records.
    const reopened = await openBus(dir);
    expect(await reopened.offsets('x')).toEqual([{ partition: 0, earliest: 0n, latest: 2n }]);
  });

  it('refuses a second open of the same directory, naming it', async () => {
    const dir = await tempDir();
    await openBus(dir);
    await expect(openLocalLog({ dir })).rejects.toThrow(dir);
    await expect(openLocalLog({ dir })).rejects.toMatchObject({ code: 'STORAGE_FAILED' });
  });
});

describe('local log: bad input', () => {
  it('rejects an invalid record without failing sends coalesced with it', async () => {
    const bus = await openBus(await tempDir());
    const producer = bus.producer();
    const good = Array.from({ length: 5 }, (_, i) => producer.send('bad', [{ value: `ok${i}` }]));
    const bad = producer.send('bad', [{ value: 'x', timestamp: Number.NaN }]);
    const badValue = producer.send('bad', [{ value: 42 as unknown as string }]);
    await expect(bad).rejects.toMatchObject({ code: 'INPUT_INVALID' });
    await expect(badValue).rejects.toMatchObject({ code: 'INPUT_INVALID' });
    const offsets = (await Promise.all(good)).map((meta) => meta[0]!.offset);
    expect(offsets.sort()).toEqual([0n, 1n, 2n, 3n, 4n]);
  });
});
