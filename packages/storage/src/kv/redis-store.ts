/**
 * KeyValueStore on Redis (the scale-out backend of the enrichment and threat-intel tables), with
 * the `ioredis` client.
 *
 * Layout: one Redis string per entry, under `<keyPrefix><namespace, URI-encoded>:<key>`; the set
 * `<keyPrefix>#namespaces` lists the namespaces written. The stored string carries the value's
 * expiry too (stored-value.ts), and an expiring key is also given Redis's own expiry (SET PXAT),
 * so Redis reclaims it while readers, which check the stored expiry, never see it late.
 *
 * Reads are synchronous (KeyValueStore's contract, because Stellar's ENRICHMENT_GET is), served
 * by a local read-through cache:
 * - `prefetch(namespace, keys)` fetches, in one pipelined round trip of MGETs, the keys the cache
 *   does not hold fresh; the enrichment of a batch of messages calls it first with every lookup
 *   the batch will make, so its synchronous reads are cache hits.
 * - A read the cache cannot answer goes to Redis through a blocking round trip on a worker thread
 *   (redis-sync-reader.ts): correct, but it stalls the caller for one round trip; `stats()` counts
 *   them so a missing prefetch shows.
 * - Misses are cached as well (a miss is one cache entry, answered locally until it goes stale).
 * - An entry is fresh for `cacheTtlMs` after it was fetched: another writer's change shows here
 *   within that time at most. Writes through this store update its cache at once. The cache holds
 *   at most `cacheMaxEntries` entries, least recently used evicted first.
 */
import { Redis } from 'ioredis';
import { checkWrite, compareKeys, KeyValueStoreError, type KeyValueEntry, type KeyValueStore, type WriteOptions } from './key-value-store.js';
import { RedisSyncReader } from './redis-sync-reader.js';
import { decodeStoredValue, encodeStoredValue } from './stored-value.js';

export interface RedisStoreOptions {
  /** `redis://[user:password@]host:port[/db]`. */
  url: string;
  /** Prefix of every key this store writes; `metron:kv:` by default. Stores with different prefixes share a server without meeting. */
  keyPrefix?: string;
  /** Refuse writes. */
  readOnly?: boolean;
  /** How long a fetched entry (value or miss) answers reads, in ms; 60 000 by default. 0 disables the cache. */
  cacheTtlMs?: number;
  /** Most entries the cache holds; 100 000 by default. */
  cacheMaxEntries?: number;
  /** Keys per MGET; 1000 by default. */
  batchSize?: number;
  /** How long a blocking read waits for Redis, in ms; 5000 by default. */
  syncTimeoutMs?: number;
  /** How long connecting may take, in ms; 5000 by default. */
  connectTimeoutMs?: number;
  /** The clock expiries are checked against (epoch ms); Date.now by default. */
  now?: () => number;
  /**
   * Keep reconnecting after the connection drops, for as long as the store is open (a long-running
   * reader such as the pipeline: it recovers when Redis is back). By default the client gives up
   * after a few attempts, and commands then fail (a one-off load should not hang).
   */
  reconnectForever?: boolean;
}

/** What the cache did, for metrics. */
export interface RedisStoreStats {
  /** Synchronous reads answered by the cache. */
  cacheHits: number;
  /** Synchronous reads that had to go to Redis (blocking round trips may serve several). */
  cacheMisses: number;
  /** Blocking round trips to Redis. */
  syncRoundTrips: number;
  /** Keys fetched by prefetch. */
  prefetchedKeys: number;
  /** Entries in the cache now. */
  cachedEntries: number;
}

interface CacheEntry {
  /** The stored value; undefined for a key Redis does not hold. */
  value: string | undefined;
  /** The value's expiry (epoch ms); Infinity when none. */
  expiresAt: number;
  fetchedAt: number;
}

/** Connects to Redis (failing fast with a clear message when it cannot) and opens a store on it. */
export async function openRedisStore(options: RedisStoreOptions): Promise<RedisKeyValueStore> {
  const where = redactRedisUrl(options.url);
  const connectTimeoutMs = options.connectTimeoutMs ?? 5000;
  const client = new Redis(options.url, {
    lazyConnect: true,
    connectTimeout: connectTimeoutMs,
    maxRetriesPerRequest: 2,
    // after a drop: reconnect a few times, then let commands fail; or keep trying (reconnectForever)
    retryStrategy: (attempt) => (options.reconnectForever === true ? Math.min(attempt * 200, 2000) : attempt > 5 ? null : Math.min(attempt * 200, 1000)),
  });
  let lastError: Error | undefined;
  client.on('error', (err: Error) => {
    lastError = err;
  });
  try {
    await client.connect();
    await client.ping();
  } catch (err) {
    client.disconnect();
    const reason = lastError?.message ?? (err as Error).message;
    throw new KeyValueStoreError(`cannot reach Redis at ${where}: ${reason}`);
  }
  return new RedisKeyValueStore(client, options, where, connectTimeoutMs);
}

/** The URL as it can be shown: without its password. */
export function redactRedisUrl(url: string): string {
  try {
    const u = new URL(url);
    if (u.password !== '') u.password = '***';
    return u.toString();
  } catch {
    return '(an invalid Redis URL)';
  }
}

export class RedisKeyValueStore implements KeyValueStore {
  private readonly prefix: string;
  private readonly registryKey: string;
  private readonly readOnly: boolean;
  private readonly cacheTtlMs: number;
  private readonly cacheMaxEntries: number;
  private readonly batchSize: number;
  private readonly now: () => number;
  /** Insertion order is recency order: a hit moves its entry to the end. */
  private readonly cache = new Map<string, CacheEntry>();
  private readonly reader: RedisSyncReader;
  private readonly counters = { cacheHits: 0, cacheMisses: 0, prefetchedKeys: 0 };

  constructor(
    private readonly client: Redis,
    options: RedisStoreOptions,
    private readonly where: string,
    connectTimeoutMs: number,
  ) {
    this.prefix = options.keyPrefix ?? 'metron:kv:';
    this.registryKey = `${this.prefix}#namespaces`;
    this.readOnly = options.readOnly ?? false;
    this.cacheTtlMs = options.cacheTtlMs ?? 60_000;
    this.cacheMaxEntries = Math.max(1, options.cacheMaxEntries ?? 100_000);
    this.batchSize = Math.max(1, options.batchSize ?? 1000);
    this.now = options.now ?? Date.now;
    this.reader = new RedisSyncReader(options.url, options.syncTimeoutMs ?? 5000, connectTimeoutMs, where);
  }

  /** The Redis key of an entry; a namespace never holds ':' once encoded, so the split is unambiguous. */
  private redisKey(namespace: string, key: string): string {
    return `${this.namespacePrefix(namespace)}${key}`;
  }

  private namespacePrefix(namespace: string): string {
    return `${this.prefix}${encodeURIComponent(namespace)}:`;
  }

  get(namespace: string, key: string): string | undefined {
    const redisKey = this.redisKey(namespace, key);
    const now = this.now();
    let entry = this.fresh(redisKey, now);
    if (entry === undefined) {
      this.counters.cacheMisses++;
      const [stored] = this.reader.request<Array<string | null>>({ op: 'mget', keys: [redisKey] });
      entry = this.remember(redisKey, stored ?? null, now);
    } else {
      this.counters.cacheHits++;
    }
    return entry.expiresAt > now ? entry.value : undefined;
  }

  has(namespace: string, key: string): boolean {
    return this.get(namespace, key) !== undefined;
  }

  *entries(namespace: string, prefix = ''): Iterable<[string, string]> {
    const start = this.namespacePrefix(namespace);
    const now = this.now();
    const found = this.reader.request<Array<[string, string | null]>>({ op: 'scan', match: `${escapeGlob(start + prefix)}*` });
    const live: Array<[string, string]> = [];
    // not cached: a listing would push the hot lookups out of the cache
    for (const [redisKey, stored] of found) {
      if (stored === null) continue;
      const { value, expiresAt } = decodeStoredValue(stored);
      if (expiresAt === undefined || expiresAt > now) live.push([redisKey.slice(start.length), value]);
    }
    live.sort((a, b) => compareKeys(a[0], b[0]));
    yield* live;
  }

  namespaces(): string[] {
    const encoded = this.reader.request<string[]>({ op: 'smembers', key: this.registryKey });
    return encoded.map((n) => decodeURIComponent(n)).sort(compareKeys);
  }

  async prefetch(namespace: string, keys: Iterable<string>): Promise<void> {
    const now = this.now();
    const wanted = new Set<string>();
    for (const key of keys) {
      const redisKey = this.redisKey(namespace, key);
      // a fresh entry is marked recently used: the batch is about to read it, so the entries this
      // prefetch adds must not evict it
      if (this.fresh(redisKey, now) === undefined) wanted.add(redisKey);
    }
    if (wanted.size === 0) return;
    const list = [...wanted];
    const pipeline = this.client.pipeline();
    for (let i = 0; i < list.length; i += this.batchSize) pipeline.mget(list.slice(i, i + this.batchSize));
    const replies = await this.run(() => pipeline.exec());
    let at = 0;
    for (const [err, values] of replies ?? []) {
      if (err) throw new KeyValueStoreError(`Redis at ${this.where}: ${err.message}`);
      for (const stored of values as Array<string | null>) this.remember(list[at++]!, stored, now);
    }
    this.counters.prefetchedKeys += list.length;
  }

  async put(namespace: string, key: string, value: string, options: WriteOptions = {}): Promise<void> {
    await this.putAll(namespace, [[key, value, options.expiresAt]]);
  }

  async putAll(namespace: string, entries: Iterable<KeyValueEntry>): Promise<void> {
    this.checkWritable();
    const list = [...entries];
    for (const [key, , expiresAt] of list) checkWrite(namespace, key, expiresAt);
    if (list.length === 0) return;
    const now = this.now();
    const transaction = this.client.multi();
    transaction.sadd(this.registryKey, encodeURIComponent(namespace));
    for (const [key, value, expiresAt] of list) {
      const redisKey = this.redisKey(namespace, key);
      // an entry that is already expired is a removal: nothing stale is left behind
      if (expiresAt !== undefined && expiresAt <= now) transaction.del(redisKey);
      else if (expiresAt !== undefined) transaction.set(redisKey, encodeStoredValue(value, expiresAt), 'PXAT', Math.trunc(expiresAt));
      else transaction.set(redisKey, encodeStoredValue(value));
    }
    const replies = await this.run(() => transaction.exec());
    const failed = (replies ?? []).find(([err]) => err);
    if (failed?.[0]) throw new KeyValueStoreError(`Redis at ${this.where}: ${failed[0].message}`);
    for (const [key, value, expiresAt] of list) {
      const live = expiresAt === undefined || expiresAt > now;
      this.remember(this.redisKey(namespace, key), live ? encodeStoredValue(value, expiresAt) : null, now);
    }
  }

  async delete(namespace: string, key: string): Promise<boolean> {
    this.checkWritable();
    checkWrite(namespace, key);
    const redisKey = this.redisKey(namespace, key);
    const now = this.now();
    const stored = await this.run(() => this.client.getdel(redisKey));
    this.remember(redisKey, null, now);
    if (stored === null) return false;
    const { expiresAt } = decodeStoredValue(stored);
    return expiresAt === undefined || expiresAt > now;
  }

  async purgeExpired(): Promise<number> {
    // Redis removes expiring keys itself (each was written with PXAT)
    return 0;
  }

  /** What the cache did so far. */
  stats(): RedisStoreStats {
    return { ...this.counters, syncRoundTrips: this.reader.roundTrips, cachedEntries: this.cache.size };
  }

  /** Forgets every cached entry (the next reads go to Redis). */
  clearCache(): void {
    this.cache.clear();
  }

  async close(): Promise<void> {
    await this.reader.close();
    try {
      await this.client.quit();
    } catch {
      this.client.disconnect();
    }
  }

  private checkWritable(): void {
    if (this.readOnly) throw new KeyValueStoreError(`the key-value store at ${this.where} is open read-only`);
  }

  /** The cached entry when it is fresh (and, when `touch`, marks it recently used). */
  private fresh(redisKey: string, now: number, touch = true): CacheEntry | undefined {
    const entry = this.cache.get(redisKey);
    if (entry === undefined) return undefined;
    if (now - entry.fetchedAt >= this.cacheTtlMs) {
      this.cache.delete(redisKey);
      return undefined;
    }
    if (touch) {
      this.cache.delete(redisKey);
      this.cache.set(redisKey, entry);
    }
    return entry;
  }

  /** Caches what Redis holds for a key (null: nothing) and returns the entry. */
  private remember(redisKey: string, stored: string | null, now: number): CacheEntry {
    let entry: CacheEntry;
    if (stored === null) {
      entry = { value: undefined, expiresAt: Infinity, fetchedAt: now };
    } else {
      const decoded = decodeStoredValue(stored);
      entry = { value: decoded.value, expiresAt: decoded.expiresAt ?? Infinity, fetchedAt: now };
    }
    if (this.cacheTtlMs > 0) {
      this.cache.delete(redisKey);
      this.cache.set(redisKey, entry);
      if (this.cache.size > this.cacheMaxEntries) {
        const oldest = this.cache.keys().next();
        if (!oldest.done) this.cache.delete(oldest.value);
      }
    }
    return entry;
  }

  /** Runs a client call, turning its failure into a KeyValueStoreError that names the server. */
  private async run<T>(call: () => Promise<T>): Promise<T> {
    try {
      return await call();
    } catch (err) {
      if (err instanceof KeyValueStoreError) throw err;
      throw new KeyValueStoreError(`Redis at ${this.where}: ${(err as Error).message}`);
    }
  }
}

/** A literal for Redis's glob-style MATCH: its special characters escaped. */
function escapeGlob(text: string): string {
  return text.replace(/[*?[\]\\^]/g, (c) => `\\${c}`);
}
