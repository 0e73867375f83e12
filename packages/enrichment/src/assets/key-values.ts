/**
 * What the asset inventory and the identity store need of a key-value store: the part of
 * @metron/storage's KeyValueStore they use (LMDB embedded, Redis scale-out), named here so this
 * package does not depend on the storage package.
 */
export interface AssetKeyValues {
  /** The live value under `key`, or undefined. */
  get(namespace: string, key: string): string | undefined;
  /** Live entries in key order, those starting with `prefix` when given. */
  entries(namespace: string, prefix?: string): Iterable<[string, string]>;
  /** Writes entries in one commit; an entry whose expiry (epoch ms) has passed is removed instead. */
  putAll(namespace: string, entries: Iterable<readonly [key: string, value: string, expiresAt?: number | undefined]>): Promise<void>;
  /** Makes the following reads of these keys cheap (Redis: one batched round trip). */
  prefetch(namespace: string, keys: Iterable<string>): Promise<void>;
}
