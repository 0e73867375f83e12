/**
 * The key-value contract behind enrichment and threat-intel tables (and, later, profiles): string
 * keys and string values (JSON by convention) grouped in named namespaces, one per Metron table.
 *
 * Reads are synchronous because Stellar functions (ENRICHMENT_GET in a rule) are. The embedded
 * LMDB store reads from a memory map without I/O waits. The Redis store (scale-out) serves them
 * from a local read-through cache: a caller that knows which keys a batch will read calls
 * `prefetch` first (one batched round trip for the whole batch); a read the cache cannot answer
 * still works, through a blocking round trip (see redis-store.ts).
 *
 * A value may carry an expiry (`expiresAt`, epoch ms): from that instant on, reads act as if the
 * key were absent. Writing a value whose expiry has already passed removes the key.
 */
export interface KeyValueStore {
  /** The value under `key`, or undefined when the key (or the namespace) does not exist or has expired. */
  get(namespace: string, key: string): string | undefined;
  has(namespace: string, key: string): boolean;
  /** Live entries in key order (UTF-8 byte order); only those whose key starts with `prefix` when it is given. */
  entries(namespace: string, prefix?: string): Iterable<[string, string]>;
  /** The namespaces that exist. */
  namespaces(): string[];
  /**
   * Makes the following synchronous reads of these keys cheap (a networked store fetches them in
   * one batch); resolves when they are. A local store has nothing to do.
   */
  prefetch(namespace: string, keys: Iterable<string>): Promise<void>;
  /**
   * A value that changes whenever a write may have been committed since it was last read (LMDB:
   * the environment's last transaction id, which writers in other processes move too); absent or
   * undefined when the store cannot tell. Lets a reader keep answers while nothing was written.
   */
  changeMark?(): number | undefined;
  /** Stores one value; resolves once it is committed. */
  put(namespace: string, key: string, value: string, options?: WriteOptions): Promise<void>;
  /** Stores many values in one commit (all or none). */
  putAll(namespace: string, entries: Iterable<KeyValueEntry>): Promise<void>;
  /** Removes a key; resolves to whether it held a live (unexpired) value. */
  delete(namespace: string, key: string): Promise<boolean>;
  /** Removes the expired values of a namespace where the store does not do it itself; resolves to how many. */
  purgeExpired(namespace: string): Promise<number>;
  close(): Promise<void>;
}

export interface WriteOptions {
  /** Epoch ms from which the value is gone for readers; none: it never expires. */
  expiresAt?: number | undefined;
}

/** One entry to write: key, value and, optionally, its expiry (epoch ms). */
export type KeyValueEntry = readonly [key: string, value: string, expiresAt?: number | undefined];

/** A write refused before it reached the store (read-only store, key too long, ...), or a store that cannot be reached. */
export class KeyValueStoreError extends Error {
  override readonly name = 'KeyValueStoreError';
}

/** Checks what every store refuses alike: an empty namespace name or key, or a bad expiry. */
export function checkWrite(namespace: string, key: string, expiresAt?: number): void {
  if (namespace === '') throw new KeyValueStoreError('a namespace needs a name');
  if (key === '') throw new KeyValueStoreError('an empty key cannot be stored');
  if (expiresAt !== undefined && !Number.isFinite(expiresAt)) throw new KeyValueStoreError(`an expiry must be a time in epoch ms, got ${String(expiresAt)}`);
}

/** Orders keys as LMDB does: by their UTF-8 bytes (differs from JS string order past U+D7FF). */
export function compareKeys(a: string, b: string): number {
  return Buffer.compare(Buffer.from(a, 'utf8'), Buffer.from(b, 'utf8'));
}
