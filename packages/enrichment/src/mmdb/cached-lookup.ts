/**
 * What the GeoIP and ASN databases share: address screening (ip-address.ts), a bounded LRU cache
 * of results by address, and counters. Lookups never throw: a reader failure (a damaged file)
 * counts as an error and answers "not found", as Metron logs and returns nothing.
 */
import { classifyAddress } from './ip-address.js';
import type { AddressClass, IneligibleReason } from './ip-address.js';
import { LruCache } from './lru-cache.js';

/** Counters of one database since it was opened. */
export interface LookupStats {
  /** Calls to lookup(). */
  lookups: number;
  /** Addresses skipped before any lookup, by reason (private, loopback, unparseable, ...). */
  ineligible: Partial<Record<IneligibleReason, number>>;
  cacheHits: number;
  cacheMisses: number;
  /** Eligible addresses the database has no record for. */
  notFound: number;
  /** Lookups the reader failed on (a damaged file), answered as not found. */
  errors: number;
  cacheSize: number;
  cacheCapacity: number;
}

/** Entries of the lookup cache by default, as Metron's enrichment cache (maxCacheSize). */
export const DEFAULT_CACHE_SIZE = 10_000;

/** Finds the record of a screened address: the record, null when absent; throws on reader failure. */
export type AddressFinder<T> = (lookupText: string, version: 4 | 6) => T | null;

export class CachedLookup<T> {
  private readonly cache: LruCache<string, T | null>;
  /**
   * Addresses screened out, by the text as given (a pure function of it, so kept without order;
   * emptied when full): traffic repeats private addresses, which the LRU never holds.
   */
  private readonly screenedOut = new Map<string, AddressClass>();
  private readonly screenedOutCapacity: number;
  private lookups = 0;
  private notFound = 0;
  private errors = 0;
  private readonly ineligible: Partial<Record<IneligibleReason, number>> = {};

  constructor(
    private readonly find: AddressFinder<T>,
    cacheSize: number,
    private readonly ipv6: boolean,
  ) {
    this.cache = new LruCache(cacheSize);
    this.screenedOutCapacity = cacheSize;
  }

  lookup(ip: string): T | null {
    this.lookups++;
    // The cache is keyed by canonical address text, which screens to itself: most addresses come
    // in canonical, so a hit by the text as given needs no screening.
    const hit = this.cache.getIfPresent(ip);
    if (hit !== undefined) return hit;
    let address = this.screenedOut.get(ip);
    if (address === undefined) {
      address = classifyAddress(ip, this.ipv6);
      if (!address.eligible && this.screenedOutCapacity > 0) {
        if (this.screenedOut.size >= this.screenedOutCapacity) this.screenedOut.clear();
        this.screenedOut.set(ip, address);
      }
    }
    if (!address.eligible) {
      this.ineligible[address.reason] = (this.ineligible[address.reason] ?? 0) + 1;
      return null;
    }
    const cached = this.cache.get(address.lookupText);
    if (cached !== undefined) return cached;
    let result: T | null;
    try {
      result = this.find(address.lookupText, address.version);
    } catch {
      this.errors++;
      return null; // not cached: a failure is not an answer
    }
    if (result === null) this.notFound++;
    this.cache.set(address.lookupText, result);
    return result;
  }

  stats(): LookupStats {
    return {
      lookups: this.lookups,
      ineligible: { ...this.ineligible },
      cacheHits: this.cache.hits,
      cacheMisses: this.cache.misses,
      notFound: this.notFound,
      errors: this.errors,
      cacheSize: this.cache.size,
      cacheCapacity: this.cache.capacity,
    };
  }

  clearCache(): void {
    this.cache.clear();
    this.screenedOut.clear();
  }
}
