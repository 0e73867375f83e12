/**
 * The behaviour every KeyValueStore backend shares (LMDB, Redis), as one suite each backend's test
 * file runs with its own harness: what the enrichment tables, the loaders and Stellar rely on.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { EnrichmentTables, enrichmentRowKey } from '../enrichment-tables.js';
import { KeyValueStoreError, type KeyValueStore } from '../key-value-store.js';

export interface OpenOptions {
  readOnly?: boolean;
  /** The store's clock (epoch ms). */
  now?: () => number;
}

/** One test's view of a backend: every `open` reaches the same (initially empty) data. */
export interface StoreHarness {
  open(options?: OpenOptions): Promise<KeyValueStore>;
  /** Removes the test's data. */
  cleanup(): Promise<void>;
}

export function describeKeyValueStoreContract(backend: string, createHarness: () => Promise<StoreHarness>): void {
  describe(`${backend} key-value store: the shared contract`, () => {
    let harness: StoreHarness;
    const opened: KeyValueStore[] = [];
    const open = async (options?: OpenOptions) => {
      const store = await harness.open(options);
      opened.push(store);
      return store;
    };

    beforeEach(async () => {
      harness = await createHarness();
    });
    afterEach(async () => {
      for (const s of opened.splice(0)) await s.close();
      await harness.cleanup();
    });

    it('stores, lists and deletes values per namespace, and keeps them across reopening', async () => {
      const store = await open();
      expect(store.get('a', 'k')).toBeUndefined();
      expect(store.namespaces()).toEqual([]);
      await store.put('a', 'k', 'v1');
      await store.putAll('a', [
        ['k2', 'v2'],
        ['j', 'v0'],
        ['k3', 'é 😀'],
      ]);
      await store.put('b', 'k', 'other');
      expect(store.get('a', 'k')).toBe('v1');
      expect(store.get('b', 'k')).toBe('other');
      expect(store.has('a', 'k2')).toBe(true);
      expect(store.has('a', 'nope')).toBe(false);
      expect(store.has('nope', 'k')).toBe(false);
      expect([...store.entries('a')]).toEqual([
        ['j', 'v0'],
        ['k', 'v1'],
        ['k2', 'v2'],
        ['k3', 'é 😀'],
      ]);
      expect([...store.entries('a', 'k')].map(([k]) => k)).toEqual(['k', 'k2', 'k3']);
      expect([...store.entries('nope')]).toEqual([]);
      expect(store.namespaces().sort()).toEqual(['a', 'b']);
      expect(await store.delete('a', 'k2')).toBe(true);
      expect(await store.delete('a', 'k2')).toBe(false);
      expect(store.get('a', 'k2')).toBeUndefined();
      await store.put('a', 'k', 'v1 again');
      expect(store.get('a', 'k')).toBe('v1 again');
      await store.close();
      opened.pop();

      const again = await open({ readOnly: true });
      expect([...again.entries('a')]).toEqual([
        ['j', 'v0'],
        ['k', 'v1 again'],
        ['k3', 'é 😀'],
      ]);
      await expect(again.put('a', 'x', 'y')).rejects.toThrow(/read-only/);
      await expect(again.putAll('a', [['x', 'y']])).rejects.toThrow(KeyValueStoreError);
      await expect(again.delete('a', 'k')).rejects.toThrow(/read-only/);
      expect(again.get('a', 'x')).toBeUndefined();
    });

    it('refuses an empty key or namespace, writing nothing of the batch', async () => {
      const store = await open();
      await expect(store.put('a', '', 'v')).rejects.toThrow(/empty key/);
      await expect(store.put('', 'k', 'v')).rejects.toThrow(/namespace needs a name/);
      await expect(
        store.putAll('a', [
          ['ok', 'v'],
          ['', 'v'],
        ]),
      ).rejects.toThrow(KeyValueStoreError);
      expect(store.has('a', 'ok')).toBe(false);
      await expect(store.put('a', 'k', 'v', { expiresAt: Number.NaN })).rejects.toThrow(/expiry/);
    });

    it('sees what another handle on the same data committed', async () => {
      const writer = await open();
      await writer.put('t', 'k', 'v');
      const reader = await open({ readOnly: true });
      expect(reader.get('t', 'k')).toBe('v');
      expect(reader.namespaces()).toEqual(['t']);
    });

    it('keeps keys and namespaces apart whatever characters they hold, and lists by literal prefix', async () => {
      const store = await open();
      const keys = ['a*b', 'a?c', 'a[x]', 'a\\d', 'a:b:c', 'a^', 'a b', 'ä', '\u0000nul', 'x'.repeat(500)];
      await store.putAll(
        'ns:with*glob?[chars]',
        keys.map((k, i) => [k, `v${i}`] as const),
      );
      await store.put('ns:with', '*glob?[chars]:a*b', 'elsewhere');
      for (const [i, k] of keys.entries()) expect(store.get('ns:with*glob?[chars]', k)).toBe(`v${i}`);
      expect(store.get('ns:with', '*glob?[chars]:a*b')).toBe('elsewhere');
      expect(store.get('ns:with*glob?[chars]', 'a')).toBeUndefined();
      expect([...store.entries('ns:with*glob?[chars]', 'a*')]).toEqual([['a*b', 'v0']]);
      expect([...store.entries('ns:with*glob?[chars]', 'a[')]).toEqual([['a[x]', 'v2']]);
      expect([...store.entries('ns:with*glob?[chars]', 'a\\')]).toEqual([['a\\d', 'v3']]);
      expect([...store.entries('ns:with')]).toEqual([['*glob?[chars]:a*b', 'elsewhere']]);
      expect(store.namespaces().sort()).toEqual(['ns:with', 'ns:with*glob?[chars]']);
    });

    it('lists keys in UTF-8 byte order', async () => {
      const store = await open();
      // JS string order puts U+1F600 (a surrogate pair) before U+FFFF; byte order puts it after
      await store.putAll('o', [
        ['😀', '4'],
        ['\uffff', '3'],
        ['b', '2'],
        ['a', '1'],
        ['é', '2b'],
      ]);
      expect([...store.entries('o')].map(([, v]) => v)).toEqual(['1', '2', '2b', '3', '4']);
    });

    it('writes a large batch in one call', async () => {
      const store = await open();
      const entries = Array.from({ length: 5000 }, (_, i) => [`key${String(i).padStart(5, '0')}`, `{"n":${i}}`] as const);
      await store.putAll('big', entries);
      const listed = [...store.entries('big')];
      expect(listed).toHaveLength(5000);
      expect(listed[0]).toEqual(['key00000', '{"n":0}']);
      expect(listed[4999]).toEqual(['key04999', '{"n":4999}']);
      await store.prefetch('big', ['key00042', 'key09999']);
      expect(store.get('big', 'key00042')).toBe('{"n":42}');
      expect(store.get('big', 'key09999')).toBeUndefined();
    });

    it('keeps a value readable until its expiry, then reads as absent', async () => {
      let now = Date.now();
      const store = await open({ now: () => now });
      await store.put('ti', 'short', 'a', { expiresAt: now + 60_000 });
      await store.putAll('ti', [
        ['long', 'b', now + 6_000_000],
        ['forever', 'c'],
        ['forever2', 'd', undefined],
      ]);
      expect(store.get('ti', 'short')).toBe('a');
      expect([...store.entries('ti')].map(([k]) => k)).toEqual(['forever', 'forever2', 'long', 'short']);

      now += 60_000;
      expect(store.get('ti', 'short')).toBeUndefined();
      expect(store.has('ti', 'short')).toBe(false);
      expect(store.get('ti', 'long')).toBe('b');
      expect([...store.entries('ti')]).toEqual([
        ['forever', 'c'],
        ['forever2', 'd'],
        ['long', 'b'],
      ]);
      expect(await store.delete('ti', 'short')).toBe(false);

      // another handle with the same clock agrees
      const other = await open({ now: () => now });
      expect(other.get('ti', 'short')).toBeUndefined();
      expect(other.get('ti', 'long')).toBe('b');

      // writing a value that has already expired removes the key
      await store.put('ti', 'forever', 'c2', { expiresAt: now - 1 });
      expect(store.get('ti', 'forever')).toBeUndefined();
      // rewriting without expiry makes a value permanent again
      await store.put('ti', 'long', 'b2');
      now += 100_000_000;
      expect(store.get('ti', 'long')).toBe('b2');
      await store.purgeExpired('ti');
      expect([...store.entries('ti')]).toEqual([
        ['forever2', 'd'],
        ['long', 'b2'],
      ]);
    });

    it('stores values that look like its own expiry envelope unchanged', async () => {
      const store = await open();
      const tricky = ['\u0001', '\u00011\u0001x', '\u0001\u0001', '\u0001abc\u0001def', ''];
      await store.putAll(
        'raw',
        tricky.map((v, i) => [`k${i}`, v] as const),
      );
      for (const [i, v] of tricky.entries()) expect(store.get('raw', `k${i}`)).toBe(v);
    });

    it("holds Metron's enrichment rows: (type, indicator) -> value map, per table and column family", async () => {
      const tables = new EnrichmentTables(await open());
      const rows = [0, 1, 2, 3, 4].map((i) => ({ type: 'et', indicator: `indicator${i}`, value: { [`key${i}`]: `value${i}` } }));
      expect(await tables.load('enrichments', 'cf', rows)).toBe(5);
      await tables.load('enrichments', 'cf', [{ type: 'et2', indicator: 'indicator0', value: '{"n":9007199254740993}' }]);
      await tables.load('enrichments', 'other_cf', [{ type: 'et', indicator: 'indicator0', value: { key: 'elsewhere' } }]);

      await tables.prefetch('enrichments', 'cf', [
        { type: 'et', indicator: 'indicator0' },
        { type: 'et', indicator: 'indicator7' },
      ]);
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
      expect(await tables.remove('enrichments', 'cf', 'et', 'indicator4')).toBe(true);
      expect(tables.exists('enrichments', 'cf', 'et', 'indicator4')).toBe(false);
    });

    it('expires enrichment rows that carry an expiry', async () => {
      let now = Date.now();
      const tables = new EnrichmentTables(await open({ now: () => now }));
      await tables.load('threatintel', 't', [
        { type: 'malicious_ip', indicator: '10.0.0.1', value: {}, expiresAt: now + 60_000 },
        { type: 'malicious_ip', indicator: '10.0.0.2', value: {} },
      ]);
      expect(tables.exists('threatintel', 't', 'malicious_ip', '10.0.0.1')).toBe(true);
      now += 60_000;
      expect(tables.exists('threatintel', 't', 'malicious_ip', '10.0.0.1')).toBe(false);
      expect(tables.get('threatintel', 't', 'malicious_ip', '10.0.0.1')).toBeUndefined();
      expect([...tables.indicators('threatintel', 't', 'malicious_ip')]).toEqual(['10.0.0.2']);
    });

    it('keeps type, indicator and column family apart whatever characters they hold', () => {
      const keys = new Set([enrichmentRowKey('cf', 'a', 'b,c'), enrichmentRowKey('cf', 'a","b', 'c'), enrichmentRowKey('cf,a', 'b', 'c'), enrichmentRowKey('cf', 'a\u0000b', 'c')]);
      expect(keys.size).toBe(4);
    });

    it('loads and finds indicators too long to be a key (named by digest), kept apart to their last character', async () => {
      const tables = new EnrichmentTables(await open());
      const long = `http://phish.example/login?${'a'.repeat(4000)}`;
      const other = `${long.slice(0, -1)}b`;
      const wide = `http://xn--example/${'é'.repeat(1000)}`; // short in characters, long in bytes
      await tables.load('threatintel', 't', [
        { type: 'malicious_url', indicator: long, value: { n: 1 } },
        { type: 'malicious_url', indicator: other, value: { n: 2 } },
        { type: 'malicious_url', indicator: wide, value: { n: 3 } },
        { type: 'malicious_url', indicator: '\u0000short', value: { n: 4 } },
      ]);
      await tables.prefetch('threatintel', 't', [{ type: 'malicious_url', indicator: long }]);
      expect([long, other, wide, '\u0000short'].map((i) => tables.get('threatintel', 't', 'malicious_url', i))).toEqual([{ n: 1 }, { n: 2 }, { n: 3 }, { n: 4 }]);
      expect(tables.exists('threatintel', 't', 'malicious_url', `${long}c`)).toBe(false);
      expect(enrichmentRowKey('t', 'malicious_url', long)).toMatch(/^\["t","malicious_url","\\u0000sha256:[0-9a-f]{64}"\]$/);
      expect([...tables.indicators('threatintel', 't', 'malicious_url')]).toHaveLength(4);
      expect(await tables.remove('threatintel', 't', 'malicious_url', long)).toBe(true);
      expect(tables.exists('threatintel', 't', 'malicious_url', long)).toBe(false);
    });
  });
}
