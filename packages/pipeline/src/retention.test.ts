import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { ConfigError } from '@metron/core';
import { openDuckDbSearchStore, ParquetArchive } from '@metron/storage';
import { RetentionTask, storageSettings } from './retention.js';

const DAY = 86_400_000;
const NOW = Date.UTC(2026, 5, 30, 12);
const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  while (cleanups.length) await cleanups.pop()!();
});

async function setup() {
  const dir = await mkdtemp(join(tmpdir(), 'metron-retention-'));
  const store = await openDuckDbSearchStore({ path: join(dir, 'index.duckdb') });
  const archive = await ParquetArchive.open({ dir: join(dir, 'archive'), checkIntervalMs: 0, now: () => NOW });
  cleanups.push(async () => {
    await archive.close();
    await store.close();
    await rm(dir, { recursive: true, force: true });
  });
  // Documents 0..9 days old in three indices, and the same in the archive.
  for (const index of ['bro', 'snort', 'yaf']) {
    const messages = Array.from({ length: 10 }, (_, age) => ({ guid: `${index}-${age}`, timestamp: NOW - age * DAY - 1000, age }));
    await store.write(index, messages);
    await archive.append(index, messages.map((m) => Buffer.from(JSON.stringify(m))));
  }
  await store.write('bro', [{ guid: 'no-time', age: -1 }, { guid: 'text-time', timestamp: 'soon', age: -2 }]);
  await archive.flush();
  return { dir, store, archive };
}

const ages = async (store: Awaited<ReturnType<typeof setup>>['store'], index: string) =>
  (await store.search({ indices: [index], query: '*', size: 100, sort: [{ field: 'age', sortOrder: 'asc' }] })).results.map((r) => r.source['age']);

async function days(dir: string, sensor: string): Promise<string[]> {
  return (await readdir(join(dir, 'archive', `sensor=${sensor}`)).catch(() => [] as string[])).sort();
}

describe('retention', () => {
  it('deletes index documents older than N days, per index with a default, keeping those without a readable timestamp', async () => {
    const { store } = await setup();
    const policy = storageSettings({ 'index.retention.days': { bro: 3, '*': 7 }, 'retention.check.minutes': 5 }, 'global.json').retention;
    expect(policy.intervalMs).toBe(300_000);
    const task = new RetentionTask({ policy, index: store, now: () => NOW });
    const report = await task.runOnce();
    // bro keeps ages 0..2 (age 3 is 3 days + 1 s old); the others 0..6.
    expect(report.index).toEqual({ bro: 7, snort: 3, yaf: 3 });
    expect(await ages(store, 'bro')).toEqual([-2, -1, 0, 1, 2]);
    expect(await ages(store, 'snort')).toEqual([0, 1, 2, 3, 4, 5, 6]);
    expect(await task.runOnce()).toEqual({ index: { bro: 0, snort: 0, yaf: 0 }, archive: [] });
  });

  it('deletes archive day partitions entirely older than N days; a sensor without a value and no "*" is kept', async () => {
    const { dir, archive } = await setup();
    const policy = storageSettings({ 'archive.retention.days': { snort: 2, yaf: 5 } }, 'global.json').retention;
    let now = NOW;
    const task = new RetentionTask({ policy, archive, now: () => now });
    const report = await task.runOnce();
    // 2 days before 2026-06-30T12:00 is 2026-06-28: every day before it is wholly older than 2 days.
    expect(report.archive.filter((p) => p.sensor === 'snort').map((p) => p.day)).toEqual(['2026-06-21', '2026-06-22', '2026-06-23', '2026-06-24', '2026-06-25', '2026-06-26', '2026-06-27']);
    expect(await days(dir, 'snort')).toEqual(['day=2026-06-28', 'day=2026-06-29', 'day=2026-06-30']);
    expect(await days(dir, 'yaf')).toEqual(['day=2026-06-25', 'day=2026-06-26', 'day=2026-06-27', 'day=2026-06-28', 'day=2026-06-29', 'day=2026-06-30']);
    expect(await days(dir, 'bro')).toHaveLength(10);
    // A day later, one more day of each goes.
    now += DAY;
    const next = await task.runOnce();
    expect(next.archive).toEqual([{ sensor: 'snort', day: '2026-06-28' }, { sensor: 'yaf', day: '2026-06-25' }]);
  });

  it('runs at start', async () => {
    const { store, archive } = await setup();
    const policy = storageSettings({ 'index.retention.days': 1, 'archive.retention.days': 1 }, 'global.json').retention;
    const task = new RetentionTask({ policy, index: store, archive, now: () => NOW });
    const first = await task.start();
    await task.stop();
    expect(first.index).toEqual({ bro: 9, snort: 9, yaf: 9 });
    expect(first.archive).toHaveLength(3 * 8);
  });

  it('refuses bad settings with their key', () => {
    expect(() => storageSettings({ 'index.retention.days': 0 }, 'global.json')).toThrow(ConfigError);
    expect(() => storageSettings({ 'index.retention.days': 0 }, 'global.json')).toThrow("global.json: $['index.retention.days']: expected a positive number, got 0");
    expect(() => storageSettings({ 'archive.retention.days': { bro: 'x' } }, 'global.json')).toThrow("global.json: $['archive.retention.days']['bro']: expected a positive number of days");
    expect(() => storageSettings({ 'archive.retention.days': [1] }, 'global.json')).toThrow('expected days');
    expect(() => storageSettings({ 'archive.roll.minutes': -1 }, 'global.json')).toThrow("$['archive.roll.minutes']");
    expect(storageSettings({ 'archive.roll.bytes': '1000', 'archive.roll.minutes': 0.5 }, 'g').archive).toEqual({ rollBytes: 1000, rollMs: 30_000 });
    expect(() => storageSettings({ 'index.duckdb.threads': 1.5 }, 'global.json')).toThrow("$['index.duckdb.threads']: expected a whole number");
    expect(() => storageSettings({ 'index.duckdb.memory.limit': '2 lots' }, 'global.json')).toThrow("$['index.duckdb.memory.limit']: expected a size");
    expect(storageSettings({ 'index.duckdb.threads': 2, 'index.duckdb.memory.limit': '2GB' }, 'g').index).toEqual({ threads: 2, memoryLimit: '2GB' });
    expect(storageSettings({}, 'g')).toEqual({ index: { threads: 1 }, archive: { rollBytes: 64 << 20, rollMs: 600_000 }, retention: { index: null, archive: null, intervalMs: 3_600_000 } });
  });
});
