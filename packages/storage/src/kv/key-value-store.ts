/**
 * The key-value contract behind enrichment and threat-intel tables (and, later, profiles): string
 * keys and string values (JSON by convention) grouped in named namespaces, one per Metron table.
 *
 * Reads are synchronous because Stellar functions (ENRICHMENT_GET in a rule) are: the embedded
 * LMDB store reads from a memory map without I/O waits. A networked backend (Redis, scale-out)
 * has to serve them from a local replica or cache to fit this contract.
 */
export interface KeyValueStore {
  /** The value under `key`, or undefined when the key (or the namespace) does not exist. */
  get(namespace: string, key: string): string | undefined;
  has(namespace: string, key: string): boolean;
  /** Entries in key order; only those whose key starts with `prefix` when it is given. */
  entries(namespace: string, prefix?: string): Iterable<[string, string]>;
  /** The namespaces that exist. */
  namespaces(): string[];
  /** Stores one value; resolves once it is committed. */
  put(namespace: string, key: string, value: string): Promise<void>;
  /** Stores many values in one commit (all or none). */
  putAll(namespace: string, entries: Iterable<readonly [string, string]>): Promise<void>;
  /** Removes a key; resolves to whether it existed. */
  delete(namespace: string, key: string): Promise<boolean>;
  close(): Promise<void>;
}

/** A write refused before it reached the store (read-only store, key too long, ...). */
export class KeyValueStoreError extends Error {
  override readonly name = 'KeyValueStoreError';
}
