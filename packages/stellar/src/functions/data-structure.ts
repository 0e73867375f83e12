/**
 * Data structure functions (Metron DataStructureFunctions.java): bloom filters, LENGTH,
 * IS_EMPTY and LIST_ADD. LIST_ADD returns a new list rather than mutating its argument, so a
 * list literal folded by the compiler is never changed behind the user's back.
 */
import { JInt, type StellarValue } from '../values.js';
import type { StellarFunction } from './types.js';
import { arg, convertNumber, defineFunction, equalityKey, fail, javaTypeName } from './java-interop.js';

/** MurmurHash3 x86 32-bit over the UTF-16 code units of a string. */
function murmur3(key: string, seed: number): number {
  let h = seed >>> 0;
  const c1 = 0xcc9e2d51;
  const c2 = 0x1b873593;
  const mix = (k: number): void => {
    k = Math.imul(k, c1);
    k = (k << 15) | (k >>> 17);
    k = Math.imul(k, c2);
    h ^= k;
    h = (h << 13) | (h >>> 19);
    h = (Math.imul(h, 5) + 0xe6546b64) | 0;
  };
  let i = 0;
  for (; i + 1 < key.length; i += 2) mix((key.charCodeAt(i) & 0xffff) | (key.charCodeAt(i + 1) << 16));
  if (i < key.length) {
    let k = key.charCodeAt(i) & 0xffff;
    k = Math.imul(k, c1);
    k = (k << 15) | (k >>> 17);
    k = Math.imul(k, c2);
    h ^= k;
  }
  h ^= key.length * 2;
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

/**
 * A bloom filter over Stellar values (Java-equal values hash alike), sized like Guava's
 * BloomFilter.create(expectedInsertions, fpp). The bit layout is not Metron's serialized form.
 */
export class StellarBloomFilter {
  readonly bits: Uint32Array;
  readonly numBits: number;
  readonly numHashes: number;

  constructor(expectedInsertions: number, falsePositiveRate: number, bits?: Uint32Array, numHashes?: number) {
    const n = Math.max(1, expectedInsertions);
    const p = falsePositiveRate > 0 && falsePositiveRate < 1 ? falsePositiveRate : 0.03;
    this.numBits = bits ? bits.length * 32 : Math.max(64, Math.ceil((-n * Math.log(p)) / (Math.LN2 * Math.LN2)));
    this.numHashes = numHashes ?? Math.max(1, Math.round((this.numBits / n) * Math.LN2));
    this.bits = bits ?? new Uint32Array(Math.ceil(this.numBits / 32));
  }

  private *positions(v: StellarValue): Generator<number> {
    const key = equalityKey(v);
    const h1 = murmur3(key, 0);
    const h2 = murmur3(key, h1) | 1;
    const m = this.bits.length * 32;
    for (let i = 0; i < this.numHashes; i++) yield ((h1 + Math.imul(i, h2)) >>> 0) % m;
  }

  add(v: StellarValue): void {
    for (const bit of this.positions(v)) {
      this.bits[bit >>> 5]! |= 1 << (bit & 31);
    }
  }

  mightContain(v: StellarValue): boolean {
    for (const bit of this.positions(v)) {
      if (((this.bits[bit >>> 5] ?? 0) & (1 << (bit & 31))) === 0) return false;
    }
    return true;
  }

  /** A filter holding the elements of both; both must have been created with the same sizing. */
  union(other: StellarBloomFilter): StellarBloomFilter {
    if (other.bits.length !== this.bits.length || other.numHashes !== this.numHashes) {
      fail('BLOOM_MERGE: bloom filters must be created with the same expected insertions and false positive rate');
    }
    const bits = Uint32Array.from(this.bits, (w, i) => w | (other.bits[i] ?? 0));
    return new StellarBloomFilter(0, 0, bits, this.numHashes);
  }

  toString(): string {
    return `BloomFilter(${this.numBits} bits, ${this.numHashes} hashes)`;
  }
}

function bloomArg(v: StellarValue, fnName: string): StellarBloomFilter {
  if (!(v instanceof StellarBloomFilter)) return fail(`${fnName}: expected a bloom filter, got ${javaTypeName(v)}`);
  return v;
}

export const functions: StellarFunction[] = [
  defineFunction('BLOOM_ADD', 'BLOOM', 'Adds one or more values to a bloom filter (nulls are ignored).', ['bloom - The bloom filter', 'value(s) - The value(s) to add'], 'The bloom filter.', (args) => {
    const filter = bloomArg(arg(args, 0), 'BLOOM_ADD');
    for (const v of args.slice(1)) if (v !== null) filter.add(v);
    return filter;
  }, { pure: false }),
  defineFunction('BLOOM_EXISTS', 'BLOOM', 'Tests whether a bloom filter might contain a value.', ['bloom - The bloom filter', 'value - The value to test'], 'True if the value may be in the filter, false if it certainly is not.', (args) => {
    if (args.length === 0) return false;
    const filter = bloomArg(arg(args, 0), 'BLOOM_EXISTS');
    const v = arg(args, 1);
    if (args.length < 2 || v === null) return false;
    return filter.mightContain(v);
  }, { pure: false }),
  defineFunction('BLOOM_INIT', 'BLOOM', 'Creates an empty bloom filter.', ['expectedInsertions - The expected number of insertions (default 100000)', 'falsePositiveRate - The tolerated false positive rate (default 0.01)'], 'A new bloom filter.', (args) => {
    const expected = args.length > 0 ? convertNumber(arg(args, 0), 'int')?.value ?? 100000 : 100000;
    const fpp = args.length > 1 ? convertNumber(arg(args, 1), 'float')?.value ?? 0.01 : 0.01;
    return new StellarBloomFilter(expected, fpp);
  }, { pure: false }),
  defineFunction('BLOOM_MERGE', 'BLOOM', 'Merges a list of bloom filters into one.', ['bloomfilters - A list of bloom filters'], 'The merged bloom filter, or null when the list holds none.', (args) => {
    const list = arg(args, 0);
    if (!Array.isArray(list)) return null;
    let ret: StellarBloomFilter | null = null;
    for (const bf of list) {
      if (bf instanceof StellarBloomFilter) ret = ret === null ? bf.union(bf) : ret.union(bf);
    }
    return ret;
  }, { pure: false }),
  defineFunction('IS_EMPTY', '', 'Tests whether a string or collection is empty or null.', ['input - A string or collection (list, set)'], 'True if the input is null, an empty string or an empty collection.', (args) => {
    if (args.length === 0) return true;
    const o = arg(args, 0);
    if (Array.isArray(o)) return o.length === 0;
    if (o instanceof Set) return o.size === 0;
    if (typeof o === 'string') return o.length === 0;
    // A map is not a java.util.Collection: Metron answers false for any non-null map.
    return o === null;
  }),
  defineFunction('LIST_ADD', 'LIST', 'Appends an element to a list.', ['list - The list', 'element - The element to append'], 'A list with the element added at the end (a non-list first argument is returned unchanged).', (args) => {
    if (args.length === 0) return null;
    const o = arg(args, 0);
    if (args.length === 1 || !Array.isArray(o)) return o;
    return [...o, arg(args, 1)];
  }),
  defineFunction('LENGTH', '', 'Returns the length of a string or the size of a collection or map.', ['input - A string, list, set or map'], 'The length as an int (0 for null or any other value).', (args) => {
    const o = arg(args, 0);
    if (Array.isArray(o)) return new JInt(o.length);
    if (o instanceof Set || o instanceof Map) return new JInt(o.size);
    if (typeof o === 'string') return new JInt(o.length);
    return new JInt(0);
  }),
];
