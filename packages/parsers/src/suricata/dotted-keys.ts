/**
 * `prefix.key` for unfolding nested JSON with dots, from a cache. Records of one sensor repeat the
 * same key paths; a cached path is one string object whose hash V8 has already computed, where a
 * fresh concatenation would be hashed and looked up again as a property name for every record
 * (measured about 30% of the unfold time of an EVE alert). Bounded: cleared when it grows past
 * LIMIT entries, so records with ever-new keys cost memory no more than that.
 */
const LIMIT = 20_000;
const cache = new Map<string, Map<string, string>>();
let size = 0;

/** `${prefix}.${key}`, the same string object for the same pair. */
export function dottedKey(prefix: string, key: string): string {
  let byKey = cache.get(prefix);
  if (byKey === undefined) {
    byKey = new Map();
    cache.set(prefix, byKey);
  }
  let joined = byKey.get(key);
  if (joined === undefined) {
    joined = `${prefix}.${key}`;
    if (++size > LIMIT) {
      cache.clear();
      size = 1;
      byKey = new Map();
      cache.set(prefix, byKey);
    }
    byKey.set(key, joined);
  }
  return joined;
}
