import { mkdtemp, rm } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { EnrichmentTables, enrichmentRowKey } from './enrichment-tables.js';
import { KeyValueStoreError, type KeyValueStore } from './key-value-store.js';
import { LMDB_MAX_KEY_BYTES, lmdbStoreExists, openLmdbStore } from './lmdb-store.js';

let dir: string;
const opened: KeyValueStore[] = [];
const openStore = (options: { readOnly?: boolean } = {}): KeyValueStore => {
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

describe('LMDB key-value store', () => {
  it('stores, lists and deletes values per namespace, and keeps them across reopening', async () => {
    const store = openStore();
    expect(store.get('a', 'k')).toBeUndefined();
    expect(store.namespaces()).toEqual([]);
    await store.put('a', 'k', 'v1');
    await store.putAll('a', [['k2', 'v2'], ['j', 'v0'], ['k3', 'é 😀']]);
    await store.put('b', 'k', 'other');
    expect(store.get('a', 'k')).toBe('v1');
    expect(store.get('b', 'k')).toBe('other');
    expect(store.has('a', 'k2')).toBe(true);
    expect(store.has('a', 'nope')).toBe(false);
    expect(store.has('nope', 'k')).toBe(false);
    expect([...store.entries('a')]).toEqual([['j', 'v0'], ['k', 'v1'], ['k2', 'v2'], ['k3', 'é 😀']]);
    expect([...store.entries('a', 'k')].map(([k]) => k)).toEqual(['k', 'k2', 'k3']);
    expect([...store.entries('nope')]).toEqual([]);
    expect(store.namespaces().sort()).toEqual(['a', 'b']);
    expect(await store.delete('a', 'k2')).toBe(true);
    expect(await store.delete('a', 'k2')).toBe(false);
    await store.close();
    opened.pop();

    const again = openStore({ readOnly: true });
    expect([...again.entries('a')]).toEqual([['j', 'v0'], ['k', 'v1'], ['k3', 'é 😀']]);
    await expect(again.put('a', 'x', 'y')).rejects.toThrow(/read-only/);
  });

  it('refuses keys LMDB cannot hold, before writing anything', async () => {
    const store = openStore();
    await store.put('a', 'x'.repeat(LMDB_MAX_KEY_BYTES), 'fits');
    expect(store.get('a', 'x'.repeat(LMDB_MAX_KEY_BYTES))).toBe('fits');
    await expect(store.put('a', 'x'.repeat(LMDB_MAX_KEY_BYTES + 1), 'v')).rejects.toThrow(KeyValueStoreError);
    await expect(store.putAll('a', [['ok', 'v'], ['é'.repeat(1000), 'v']])).rejects.toThrow(/2000 bytes/);
    expect(store.has('a', 'ok')).toBe(false);
    await expect(store.put('a', '', 'v')).rejects.toThrow(/empty key/);
  });

  it('opens read-only only where a store exists, without creating anything', () => {
    const path = join(dir, 'absent');
    expect(() => openLmdbStore({ path, readOnly: true })).toThrow(/no key-value store/);
    expect(existsSync(path)).toBe(false);
    expect(lmdbStoreExists(path)).toBe(false);
  });

  it('sees what another handle on the same directory committed', async () => {
    const writer = openStore();
    await writer.put('t', 'k', 'v');
    const reader = openStore({ readOnly: true });
    expect(reader.get('t', 'k')).toBe('v');
  });
});

describe('enrichment tables', () => {
  it("hold Metron's rows: (type, indicator) -> value map, per table and column family", async () => {
    const tables = new EnrichmentTables(openStore());
    const rows = [0, 1, 2, 3, 4].map((i) => ({ type: 'et', indicator: `indicator${i}`, value: { [`key${i}`]: `value${i}` } }));
    expect(await tables.load('enrichments', 'cf', rows)).toBe(5);
    await tables.load('enrichments', 'cf', [{ type: 'et2', indicator: 'indicator0', value: '{"n":9007199254740993}' }]);
    await tables.load('enrichments', 'other_cf', [{ type: 'et', indicator: 'indicator0', value: { key: 'elsewhere' } }]);

    expect(tables.get('enrichments', 'cf', 'et', 'indicator0')).toEqual({ key0: 'value0' });
    expect(tables.getText('enrichments', 'cf', 'et', 'indicator1')).toBe('{"key1":"value1"}');
    expect(tables.get('enrichments', 'other_cf', 'et', 'indicator0')).toEqual({ key: 'elsewhere' });
    expect(tables.getText('enrichments', 'cf', 'et2', 'indicator0')).toBe('{"n":9007199254740993}');
    expect(tables.exists('enrichments', 'cf', 'et', 'indicator4')).toBe(true);
    expect(tables.exists('enrichments', 'cf', 'et', 'indicator7')).toBe(false);
    expect(tables.exists('threatintel', 'cf', 'et', 'indicator0')).toBe(false);
    expect(tables.get('enrichments', 'cf', 'et', 'indicator7')).toBeUndefined();
    expect([...tables.indicators('enrichments', 'cf', 'et')]).toEqual(['indicator0', 'indicator1', 'indicator2', 'indicator3', 'indicator4']);
    expect([...tables.indicators('enrichments', 'cf', 'e')]).toEqual([]);
  });

  it('keeps type, indicator and column family apart whatever characters they hold', () => {
    const keys = new Set([
      enrichmentRowKey('cf', 'a', 'b,c'),
      enrichmentRowKey('cf', 'a","b', 'c'),
      enrichmentRowKey('cf,a', 'b', 'c'),
      enrichmentRowKey('cf', 'a\u0000b', 'c'),
    ]);
    expect(keys.size).toBe(4);
  });
});
