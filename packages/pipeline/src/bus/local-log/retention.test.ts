import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { openLocalLog, type LocalLogBus } from '../index.js';
import { removeTempDirs, tempDir } from './test-helpers.js';

const open: LocalLogBus[] = [];
async function openBus(dir: string, retentionCheckMs?: number): Promise<LocalLogBus> {
  const bus = await openLocalLog({ dir, retentionCheckMs });
  open.push(bus);
  return bus;
}

afterEach(async () => {
  await Promise.all(open.splice(0).map((bus) => bus.close()));
  await removeTempDirs();
});

const value = (i: number) => `record-${i}-`.padEnd(200, 'x');

async function segmentFiles(dir: string): Promise<string[]> {
  return (await readdir(dir)).filter((f) => f.endsWith('.log')).sort();
}

describe('local log: retention', () => {
  it('by size deletes the oldest closed segments, keeps at least retentionBytes, and resets lagging groups', async () => {
    const dir = await tempDir();
    const bus = await openBus(dir);
    await bus.createTopic('s', { segmentBytes: 2048, retentionBytes: 6000 });
    const lagging = bus.consumer({ group: 'lagging', topics: ['s'] });
    await lagging.commit([{ topic: 's', partition: 0, offset: 1n }]);
    for (let i = 0; i < 100; i += 10) {
      await bus.producer().send('s', Array.from({ length: 10 }, (_, j) => ({ value: value(i + j) })));
    }
    const before = await segmentFiles(join(dir, 's-0'));
    expect(before.length).toBeGreaterThan(5);
    const deleted = await bus.enforceRetention();
    const after = await segmentFiles(join(dir, 's-0'));
    expect(deleted).toBe(before.length - after.length);
    expect(deleted).toBeGreaterThan(0);
    expect(after[after.length - 1]).toBe(before[before.length - 1]); // the active segment stays
    const [offsets] = await bus.offsets('s');
    expect(offsets!.latest).toBe(100n);
    expect(offsets!.earliest).toBe(BigInt(Number(after[0]!.slice(0, 20))));
    expect(offsets!.earliest).toBeGreaterThan(0n);
    // What remains still holds at least retentionBytes (Kafka's rule), but not a whole segment more.
    const remainingRecords = Number(offsets!.latest - offsets!.earliest);
    expect(remainingRecords * 240).toBeGreaterThanOrEqual(6000);
    expect(remainingRecords * 240).toBeLessThan(6000 + 2048 + 2400);

    // The committed offset was deleted: the group continues from the earliest retained.
    const [first] = await lagging.poll(1, 500);
    expect(first!.offset).toBe(offsets!.earliest);
    expect(first!.value.toString()).toBe(value(Number(offsets!.earliest)));
    expect(await bus.enforceRetention()).toBe(0);
  });

  it('by age deletes closed segments whose newest record is too old, never the active one', async () => {
    const dir = await tempDir();
    const bus = await openBus(dir);
    await bus.createTopic('a', { segmentBytes: 1500, retentionMs: 60_000 });
    const producer = bus.producer();
    const old = Date.now() - 3_600_000;
    for (let i = 0; i < 40; i += 5) {
      await producer.send('a', Array.from({ length: 5 }, (_, j) => ({ value: value(i + j), timestamp: old })));
    }
    const oldSegments = await segmentFiles(join(dir, 'a-0'));
    expect(oldSegments.length).toBeGreaterThan(2);
    // Only old records so far: every closed segment goes, the active one (also old) stays.
    expect(await bus.enforceRetention()).toBe(oldSegments.length - 1);
    expect(await segmentFiles(join(dir, 'a-0'))).toEqual([oldSegments[oldSegments.length - 1]]);

    for (let i = 40; i < 80; i += 5) {
      await producer.send('a', Array.from({ length: 5 }, (_, j) => ({ value: value(i + j) })));
    }
    const withFresh = await segmentFiles(join(dir, 'a-0'));
    expect(await bus.enforceRetention()).toBe(1); // the old active segment, now closed
    const remaining = await segmentFiles(join(dir, 'a-0'));
    expect(remaining).toEqual(withFresh.slice(1));
    const [offsets] = await bus.offsets('a');
    expect(offsets!.earliest).toBeGreaterThanOrEqual(40n);
  });

  it('runs on its own every retentionCheckMs', async () => {
    const dir = await tempDir();
    const bus = await openBus(dir, 20);
    await bus.createTopic('t', { segmentBytes: 1024, retentionBytes: 1 });
    for (let i = 0; i < 30; i += 5) {
      await bus.producer().send('t', Array.from({ length: 5 }, (_, j) => ({ value: value(i + j) })));
    }
    const deadline = Date.now() + 2000;
    while ((await segmentFiles(join(dir, 't-0'))).length > 1 && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    expect(await segmentFiles(join(dir, 't-0'))).toHaveLength(1);
    expect((await bus.offsets('t'))[0]!.latest).toBe(30n);
  });
});
