/**
 * The Redis store against a real redis-server (started by the test support, installed from
 * Debian's package when missing): the shared contract, then what is Redis's own — the cache,
 * batched prefetch, native expiry, the blocking fallback and failures.
 */
import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { EnrichmentTables } from './enrichment-tables.js';
import { KeyValueStoreError } from './key-value-store.js';
import { openRedisStore, redactRedisUrl, type RedisKeyValueStore, type RedisStoreOptions } from './redis-store.js';
import { describeKeyValueStoreContract } from './test-support/key-value-store-contract.js';
import { startTestRedis, type TestRedis } from './test-support/redis-server.js';

let server: TestRedis;
let admin: Redis;

beforeAll(async () => {
  server = await startTestRedis();
  admin = new Redis(server.url);
});
afterAll(async () => {
  await admin?.quit();
  await server?.stop();
});

/** Removes every key under a prefix. */
async function dropPrefix(prefix: string): Promise<void> {
  let cursor = '0';
  do {
    const [next, keys] = await admin.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 1000);
    cursor = next;
    if (keys.length > 0) await admin.del(...keys);
  } while (cursor !== '0');
}

describeKeyValueStoreContract('Redis', async () => {
  // each test gets its own key prefix on the shared server
  const keyPrefix = `test:${randomUUID()}:`;
  return {
    open: async (options = {}) => openRedisStore({ url: server.url, keyPrefix, ...options }),
    cleanup: () => dropPrefix(keyPrefix),
  };
});

describe('Redis key-value store', () => {
  let keyPrefix: string;
  const opened: RedisKeyValueStore[] = [];
  const open = async (options: Partial<RedisStoreOptions> = {}) => {
    const store = await openRedisStore({ url: server.url, keyPrefix, ...options });
    opened.push(store);
    return store;
  };
  /** How many MGET commands the server has run so far. */
  const mgetCalls = async (): Promise<number> => {
    const info = await admin.info('commandstats');
    const m = /cmdstat_mget:calls=(\d+)/.exec(info);
    return m ? Number(m[1]) : 0;
  };

  beforeEach(() => {
    keyPrefix = `test:${randomUUID()}:`;
  });
  afterEach(async () => {
    for (const s of opened.splice(0)) await s.close();
    await dropPrefix(keyPrefix);
  });

  it('lays entries out as one Redis string per key, under the prefix and the encoded namespace', async () => {
    const store = await open();
    await store.put('threat intel', 'k:1', 'v');
    await store.put('threat intel', 'k2', 'w', { expiresAt: Date.now() + 60_000 });
    expect(await admin.get(`${keyPrefix}threat%20intel:k:1`)).toBe('v');
    expect(await admin.smembers(`${keyPrefix}#namespaces`)).toEqual(['threat%20intel']);
    const stored = await admin.get(`${keyPrefix}threat%20intel:k2`);
    // the stored-value envelope: U+0001 <expiry> U+0001 <value>
    const [before, expiry, value] = (stored ?? '').split('\u0001');
    expect([before, value]).toEqual(['', 'w']);
    expect(expiry).toMatch(/^\d{13}$/);
    const ttl = await admin.pttl(`${keyPrefix}threat%20intel:k2`);
    expect(ttl).toBeGreaterThan(50_000);
    expect(ttl).toBeLessThanOrEqual(60_000);
  });

  it('answers prefetched keys from its cache: one batched round trip, no blocking reads, misses included', async () => {
    const writer = await open();
    const keys = Array.from({ length: 2500 }, (_, i) => `ip${i}`);
    await writer.putAll(
      'ti',
      keys.filter((_, i) => i % 2 === 0).map((k) => [k, `{"i":"${k}"}`] as const),
    );

    const reader = await open({ batchSize: 1000 });
    const before = await mgetCalls();
    await reader.prefetch('ti', keys);
    // 2500 keys in MGETs of 1000
    expect((await mgetCalls()) - before).toBe(3);
    for (const [i, k] of keys.entries()) expect(reader.get('ti', k)).toBe(i % 2 === 0 ? `{"i":"${k}"}` : undefined);
    expect(reader.stats()).toMatchObject({ cacheHits: 2500, cacheMisses: 0, syncRoundTrips: 0, prefetchedKeys: 2500 });
    // prefetching what the cache holds fresh fetches nothing
    const again = await mgetCalls();
    await reader.prefetch('ti', keys.slice(0, 10));
    expect(await mgetCalls()).toBe(again);
  });

  it('reads through to Redis without a prefetch (one blocking round trip), then from its cache', async () => {
    const writer = await open();
    await writer.put('ti', 'k', 'v');
    const reader = await open();
    expect(reader.get('ti', 'k')).toBe('v');
    expect(reader.get('ti', 'absent')).toBeUndefined();
    expect(reader.stats()).toMatchObject({ cacheMisses: 2, syncRoundTrips: 2 });
    expect(reader.get('ti', 'k')).toBe('v');
    expect(reader.has('ti', 'absent')).toBe(false);
    expect(reader.stats()).toMatchObject({ cacheHits: 2, syncRoundTrips: 2 });

    const tables = new EnrichmentTables(reader);
    await writer.put('enrichment', '["t","sample","10.0.0.1"]', '{"message":"hi"}');
    await tables.prefetch('enrichment', 't', [{ type: 'sample', indicator: '10.0.0.1' }]);
    expect(tables.get('enrichment', 't', 'sample', '10.0.0.1')).toEqual({ message: 'hi' });
    expect(reader.stats().syncRoundTrips).toBe(2);
  });

  it("shows another writer's change once the cached entry goes stale (cacheTtlMs), its own writes at once", async () => {
    let now = Date.now();
    const reader = await open({ cacheTtlMs: 1000, now: () => now });
    const writer = await open();
    expect(reader.get('ti', 'k')).toBeUndefined();
    await writer.put('ti', 'k', 'new');
    expect(reader.get('ti', 'k')).toBeUndefined();
    now += 999;
    expect(reader.get('ti', 'k')).toBeUndefined();
    now += 1;
    expect(reader.get('ti', 'k')).toBe('new');
    await reader.put('ti', 'mine', 'x');
    const trips = reader.stats().syncRoundTrips;
    expect(reader.get('ti', 'mine')).toBe('x');
    expect(reader.stats().syncRoundTrips).toBe(trips);
    await reader.delete('ti', 'mine');
    expect(reader.get('ti', 'mine')).toBeUndefined();
    expect(reader.stats().syncRoundTrips).toBe(trips);
  });

  it('keeps at most cacheMaxEntries entries, dropping the least recently used', async () => {
    const store = await open({ cacheMaxEntries: 2 });
    await store.putAll('c', [
      ['a', '1'],
      ['b', '2'],
      ['c', '3'],
    ]);
    expect(store.stats().cachedEntries).toBe(2);
    store.clearCache();
    await store.prefetch('c', ['a', 'b']);
    expect(store.get('c', 'a')).toBe('1'); // 'a' is now the most recent
    await store.prefetch('c', ['c']); // evicts 'b'
    const trips = store.stats().syncRoundTrips;
    expect(store.get('c', 'a')).toBe('1');
    expect(store.get('c', 'c')).toBe('3');
    expect(store.stats().syncRoundTrips).toBe(trips);
    expect(store.get('c', 'b')).toBe('2');
    expect(store.stats().syncRoundTrips).toBe(trips + 1);
  });

  it('keeps what a prefetch asks for that the cache already holds: the batch reads them next', async () => {
    const store = await open({ cacheMaxEntries: 4 });
    await store.putAll('c', ['k1', 'k2', 'k3', 'k4', 'k5'].map((k) => [k, k.toUpperCase()] as const));
    store.clearCache();
    await store.prefetch('c', ['k1', 'k2']);
    await store.prefetch('c', ['k3', 'k4']);
    // k1 and k2 are the oldest entries, but this batch needs them: k3 is evicted for k5 instead
    await store.prefetch('c', ['k1', 'k2', 'k5']);
    const trips = store.stats().syncRoundTrips;
    expect(['k1', 'k2', 'k5'].map((k) => store.get('c', k))).toEqual(['K1', 'K2', 'K5']);
    expect(store.stats().syncRoundTrips).toBe(trips);
    expect(store.get('c', 'k3')).toBe('K3');
    expect(store.stats().syncRoundTrips).toBe(trips + 1);
  });

  it('lets Redis remove expiring keys itself', async () => {
    const store = await open();
    await store.put('ti', 'brief', 'v', { expiresAt: Date.now() + 150 });
    expect(await admin.exists(`${keyPrefix}ti:brief`)).toBe(1);
    await new Promise((r) => setTimeout(r, 400));
    expect(await admin.exists(`${keyPrefix}ti:brief`)).toBe(0);
    store.clearCache();
    expect(store.get('ti', 'brief')).toBeUndefined();
  });

  it('fails fast, naming the server without its password, when Redis cannot be reached', async () => {
    const started = Date.now();
    const closedPort = `redis://user:secret@127.0.0.1:1`;
    const err = await openRedisStore({ url: closedPort, connectTimeoutMs: 1000 }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(KeyValueStoreError);
    expect((err as Error).message).toMatch(/^cannot reach Redis at redis:\/\/user:\*\*\*@127\.0\.0\.1:1: /);
    expect((err as Error).message).not.toContain('secret');
    expect(Date.now() - started).toBeLessThan(5000);
    expect(redactRedisUrl('not a url')).toBe('(an invalid Redis URL)');
  });

  it('turns a server that went away into KeyValueStoreError on reads and writes, within the timeout', async () => {
    const own = await startTestRedis();
    try {
      const store = await openRedisStore({ url: own.url, keyPrefix, syncTimeoutMs: 3000, cacheTtlMs: 0 });
      opened.push(store);
      await store.put('ti', 'k', 'v');
      expect(store.get('ti', 'k')).toBe('v');
      await own.stop();
      const started = Date.now();
      expect(() => store.get('ti', 'k')).toThrow(KeyValueStoreError);
      expect(Date.now() - started).toBeLessThan(4000);
      await expect(store.put('ti', 'k2', 'v')).rejects.toThrow(KeyValueStoreError);
    } finally {
      await own.stop();
    }
  });
});
