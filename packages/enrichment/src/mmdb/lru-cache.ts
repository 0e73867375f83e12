/**
 * A bounded least-recently-used map: a Map for lookup plus a doubly linked list for recency. A hit
 * only relinks the entry; the Map changes on insert and eviction alone. (Re-inserting hits into a
 * Map to keep insertion order is slower: V8 leaves the deleted slots at the front of the table, and
 * finding the oldest key then walks them.)
 */
interface Entry<K, V> {
  key: K;
  value: V;
  newer: Entry<K, V> | undefined;
  older: Entry<K, V> | undefined;
}

export class LruCache<K, V> {
  private readonly entries = new Map<K, Entry<K, V>>();
  private newest: Entry<K, V> | undefined;
  private oldest: Entry<K, V> | undefined;
  hits = 0;
  misses = 0;

  /** `capacity` 0 turns caching off (every get misses, set keeps nothing). */
  constructor(readonly capacity: number) {
    if (!Number.isInteger(capacity) || capacity < 0) throw new RangeError(`cache size must be a whole number >= 0, got ${capacity}`);
  }

  get size(): number {
    return this.entries.size;
  }

  /** The cached value (marking it most recently used), or undefined on a miss. */
  get(key: K): V | undefined {
    const entry = this.entries.get(key);
    if (entry === undefined) {
      this.misses++;
      return undefined;
    }
    this.hits++;
    this.touch(entry);
    return entry.value;
  }

  /** As get(), but a miss is not counted (the caller may still look the key up another way). */
  getIfPresent(key: K): V | undefined {
    const entry = this.entries.get(key);
    if (entry === undefined) return undefined;
    this.hits++;
    this.touch(entry);
    return entry.value;
  }

  set(key: K, value: V): void {
    if (this.capacity === 0) return;
    const existing = this.entries.get(key);
    if (existing !== undefined) {
      existing.value = value;
      this.touch(existing);
      return;
    }
    const entry: Entry<K, V> = { key, value, newer: undefined, older: this.newest };
    if (this.newest !== undefined) this.newest.newer = entry;
    this.newest = entry;
    this.oldest ??= entry;
    this.entries.set(key, entry);
    if (this.entries.size > this.capacity) this.evictOldest();
  }

  has(key: K): boolean {
    return this.entries.has(key);
  }

  clear(): void {
    this.entries.clear();
    this.newest = undefined;
    this.oldest = undefined;
  }

  private touch(entry: Entry<K, V>): void {
    if (entry === this.newest) return;
    // unlink
    if (entry.newer !== undefined) entry.newer.older = entry.older;
    if (entry.older !== undefined) entry.older.newer = entry.newer;
    if (entry === this.oldest) this.oldest = entry.newer;
    // relink as newest
    entry.older = this.newest;
    entry.newer = undefined;
    if (this.newest !== undefined) this.newest.newer = entry;
    this.newest = entry;
  }

  private evictOldest(): void {
    const victim = this.oldest;
    if (victim === undefined) return;
    this.oldest = victim.newer;
    if (this.oldest !== undefined) this.oldest.older = undefined;
    else this.newest = undefined;
    this.entries.delete(victim.key);
  }
}
