import { mkdtemp, rm } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { open } from 'lmdb';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { KeyValueStoreError, type KeyValueStore } from './key-value-store.js';
import { LMDB_MAX_KEY_BYTES, lmdbStoreExists, openLmdbStore } from './lmdb-store.js';
import { describeKeyValueStoreContract } from './test-support/key-value-store-contract.js';

describeKeyValueStoreContract('LMDB', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'metron-kv-'));
  return {
    open: async (options = {}) => openLmdbStore({ path: join(dir, 'kv'), ...options }),
    cleanup: () => rm(dir, { recursive: true, force: true }),
  };
});

describe('LMDB key-value store', () => {
  let dir: string;
  const opened: KeyValueStore[] = [];
  const openStore = (options: { readOnly?: boolean; now?: () => number } = {}): KeyValueStore => {
    const store = openLmdbStore({ path: join(dir, 'kv'), ...options });
    opened.push(store);
    return store;
  };

  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'metron-kv-'));
  });
  afterEach(async () => {
    for (const s of opened.splice(0)) await s.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('refuses keys LMDB cannot hold, before writing anything', async () => {
    const store = openStore();
    await store.put('a', 'x'.repeat(LMDB_MAX_KEY_BYTES), 'fits');
    expect(store.get('a', 'x'.repeat(LMDB_MAX_KEY_BYTES))).toBe('fits');
    await expect(store.put('a', 'x'.repeat(LMDB_MAX_KEY_BYTES + 1), 'v')).rejects.toThrow(KeyValueStoreError);
    await expect(
      store.putAll('a', [
        ['ok', 'v'],
        ['é'.repeat(1000), 'v'],
      ]),
    ).rejects.toThrow(/2000 bytes/);
    expect(store.has('a', 'ok')).toBe(false);
  });

  it('opens read-only only where a store exists, without creating anything', () => {
    const path = join(dir, 'absent');
    expect(() => openLmdbStore({ path, readOnly: true })).toThrow(/no key-value store/);
    expect(existsSync(path)).toBe(false);
    expect(lmdbStoreExists(path)).toBe(false);
  });

  it('purges expired values from the file, reporting how many', async () => {
    let now = 1_000_000;
    const store = openStore({ now: () => now });
    await store.putAll('ti', [
      ['a', '1', now + 10],
      ['b', '2', now + 20],
      ['c', '3'],
    ]);
    now += 15;
    expect(await store.purgeExpired('ti')).toBe(1);
    expect(await store.purgeExpired('ti')).toBe(0);
    expect(await store.purgeExpired('absent')).toBe(0);
    // the raw database no longer holds 'a': a clock set back does not bring it back
    now -= 15;
    expect([...store.entries('ti')].map(([k]) => k)).toEqual(['b', 'c']);
  });

  it('reads the commit a new change mark stands for, also within the turn that saw the old one', async () => {
    const writer = openStore();
    await writer.put('ti', 'seed', '1');
    const reader = openStore({ readOnly: true });
    const before = reader.changeMark?.();
    expect(reader.get('ti', 'new')).toBeUndefined(); // holds a read snapshot for this turn
    // another environment commits synchronously, as another process would
    const other = open({ path: join(dir, 'kv'), maxDbs: 64 });
    other.openDB<string, string>({ name: 'ti', encoding: 'string' }).putSync('new', '2');
    await other.close();
    const after = reader.changeMark?.();
    expect(after).toBeGreaterThan(before!);
    expect(reader.get('ti', 'new')).toBe('2');
  });
});
