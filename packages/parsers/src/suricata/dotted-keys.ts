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

/** Positions remembered per prefix; keys past them are looked up in the cache above. */
const POSITIONS = 256;
const positional = new Map<string, DottedKeysUnder>();

/**
 * The dotted keys of one prefix by position: the keys of a nested object in the order last seen
 * under that prefix. A sensor's objects under one prefix (`alert`, `http`) nearly always list the
 * same keys in the same order, so the key at a position is compared with the one seen there last
 * (one comparison of interned strings) instead of two map lookups per key.
 */
export class DottedKeysUnder {
  private readonly keys: string[] = [];
  private readonly joined: string[] = [];

  constructor(readonly prefix: string) {}

  /** `${prefix}.${key}` for the key at `position` of the object being unfolded. */
  at(position: number, key: string): string {
    if (this.keys[position] === key) return this.joined[position]!;
    const joined = dottedKey(this.prefix, key);
    if (position < POSITIONS) {
      this.keys[position] = key;
      this.joined[position] = joined;
    }
    return joined;
  }
}

/** The positional dotted keys of `prefix` (bounded like the cache above). */
export function dottedKeysUnder(prefix: string): DottedKeysUnder {
  let under = positional.get(prefix);
  if (under === undefined) {
    if (positional.size >= LIMIT) positional.clear();
    under = new DottedKeysUnder(prefix);
    positional.set(prefix, under);
  }
  return under;
}
