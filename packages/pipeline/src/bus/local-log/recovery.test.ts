import { appendFile, readFile, readdir, stat, truncate, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { openLocalLog, type LocalLogBus } from '../index.js';
import { encodeBatch } from './record-codec.js';
import { pollUntil, removeTempDirs, tempDir, values } from './test-helpers.js';

const open: LocalLogBus[] = [];
async function openBus(dir: string, segmentBytes?: number): Promise<LocalLogBus> {
  const bus = await openLocalLog({ dir, defaults: segmentBytes ? { segmentBytes } : {}, indexIntervalBytes: 128 });
  open.push(bus);
  return bus;
}

afterEach(async () => {
  await Promise.all(open.splice(0).map((bus) => bus.close()));
  await removeTempDirs();
});

/** A log of `count` records in topic `r`, closed; returns the path of its last segment. */
async function writeLog(dir: string, count: number, segmentBytes?: number): Promise<string> {
  const bus = await openBus(dir, segmentBytes);
  for (let i = 0; i < count; i += 5) {
    await bus.producer().send('r', Array.from({ length: Math.min(5, count - i) }, (_, j) => ({ value: `rec-${i + j}` })));
  }
  await bus.close();
  const logs = (await readdir(join(dir, 'r-0'))).filter((f) => f.endsWith('.log')).sort();
  return join(dir, 'r-0', logs[logs.length - 1]!);
}

/** Every record of topic `r`: exactly `count` of them arrive, and nothing after. */
async function readAll(bus: LocalLogBus, count: number): Promise<string[]> {
  const consumer = bus.consumer({ group: `check-${Math.random()}`, topics: ['r'] });
  const records = await pollUntil(consumer, count, 1000);
  records.push(...(await consumer.poll(10, 20)));
  await consumer.close();
  return values(records);
}

const expected = (count: number) => Array.from({ length: count }, (_, i) => `rec-${i}`);

describe('local log: crash recovery at open', () => {
  it('truncates a torn (half-written) record at the tail and appends after it', async () => {
    const dir = await tempDir();
    const segment = await writeLog(dir, 10);
    const goodSize = (await stat(segment)).size;
    const next = encodeBatch([{ value: 'half-written-record-value' }], 10, Date.now()).buffer;
    await appendFile(segment, next.subarray(0, Math.floor(next.length / 2)));

    const bus = await openBus(dir);
    expect(await bus.offsets('r')).toEqual([{ partition: 0, earliest: 0n, latest: 10n }]);
    expect((await stat(segment)).size).toBe(goodSize);
    expect(await readAll(bus, 10)).toEqual(expected(10));
    const [meta] = await bus.producer().send('r', [{ value: 'rec-10' }]);
    expect(meta!.offset).toBe(10n);
    await bus.close();
    expect(await readAll(await openBus(dir), 11)).toEqual(expected(11));
  });

  it('truncates a last record whose CRC does not match', async () => {
    const dir = await tempDir();
    const segment = await writeLog(dir, 10);
    const data = await readFile(segment);
    data[data.length - 2] = (data[data.length - 2] as number) ^ 0x55; // inside the value of record 9
    await writeFile(segment, data);

    const recordSize = encodeBatch([{ value: 'rec-9' }], 9, 0).buffer.length;
    const bus = await openBus(dir);
    expect(await bus.offsets('r')).toEqual([{ partition: 0, earliest: 0n, latest: 9n }]);
    expect((await stat(segment)).size).toBe(data.length - recordSize);
    expect(await readAll(bus, 9)).toEqual(expected(9));
    expect((await bus.producer().send('r', [{ value: 'again' }]))[0]!.offset).toBe(9n);
  });

  it('survives garbage and zero-filled tails (a length field pointing past the end)', async () => {
    for (const tail of [Buffer.alloc(4096), Buffer.from([0xff, 0xff, 0xff, 0x7f, 1, 2, 3]), Buffer.from('not a record at all')]) {
      const dir = await tempDir();
      const segment = await writeLog(dir, 7);
      const goodSize = (await stat(segment)).size;
      await appendFile(segment, tail);
      const bus = await openBus(dir);
      expect((await stat(segment)).size).toBe(goodSize);
      expect(await readAll(bus, 7)).toEqual(expected(7));
      expect((await bus.producer().send('r', [{ value: 'x' }]))[0]!.offset).toBe(7n);
    }
  });

  it('rebuilds a missing or garbage index and still reads from any offset', async () => {
    const dir = await tempDir();
    const segment = await writeLog(dir, 60, 1024);
    const partitionDir = join(dir, 'r-0');
    const indexes = (await readdir(partitionDir)).filter((f) => f.endsWith('.index')).sort();
    expect(indexes.length).toBeGreaterThan(2);
    await writeFile(join(partitionDir, indexes[0]!), Buffer.from('garbage!garbage!'));
    await truncate(segment.replace(/\.log$/, '.index'), 3);
    await writeFile(join(partitionDir, indexes[1]!), Buffer.alloc(0));

    const bus = await openBus(dir, 1024);
    expect(await readAll(bus, 60)).toEqual(expected(60));
    for (const offset of [1n, 17n, 33n, 59n]) {
      const committer = bus.consumer({ group: 'mid', topics: ['r'] });
      await committer.commit([{ topic: 'r', partition: 0, offset }]);
      await committer.close();
      const reader = bus.consumer({ group: 'mid', topics: ['r'] });
      const [record] = await reader.poll(1, 500);
      expect(record!.offset).toBe(offset);
      expect(record!.value.toString()).toBe(`rec-${offset}`);
      await reader.close();
    }
    expect((await readFile(join(partitionDir, indexes[0]!))).length % 8).toBe(0);
  });

  it('takes over a lock left by a process that no longer exists', async () => {
    const dir = await tempDir();
    await writeLog(dir, 3);
    await writeFile(join(dir, '.lock'), '999999999\n');
    const bus = await openBus(dir);
    expect(await readAll(bus, 3)).toEqual(expected(3));
  });
});
