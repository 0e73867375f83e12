/**
 * The asset inventory in a key-value store (namespace `assets`), replaced as a whole by each load
 * and read by the `asset` enrichment adapter.
 *
 * Layout: every load writes a new generation — `<g>|ip|<ip>`, `<g>|net|<base>/<prefix>` and
 * `<g>|host|<hostname>` → the asset's JSON — then points `#current` at it (one write: readers switch from the old inventory to
 * the new one at once, never see half of a load), then removes every key of other generations.
 * So an asset missing from the new file is gone, a re-run of the same file gives the same
 * inventory, and a load that died half way leaves the previous inventory in service (its partial
 * generation is removed by the next load). One load at a time.
 *
 * An address without an asset of its own belongs to the most specific network that holds it (the
 * longest prefix): `#current` lists the prefix lengths the inventory uses, so a lookup tries only
 * those (one read each, usually a few).
 */
import { LruCache } from '../mmdb/lru-cache.js';
import { addressBytes, addressText, canonicalHostname, maskBytes } from './addresses.js';
import type { AssetRecord } from './asset-records.js';
import type { AssetKeyValues } from './key-values.js';

/** The namespace (LMDB named database, Redis key prefix) of the inventory. */
export const ASSET_NAMESPACE = 'assets';
const CURRENT = '#current';
/** Removals and writes per commit. */
const WRITE_BATCH = 5000;

/** What `#current` holds. */
export interface InventoryState {
  generation: number;
  /** Epoch ms of the load. */
  loadedAt: number;
  assets: number;
  source?: string;
  /** The prefix lengths of the inventory's networks, longest first. */
  prefixes?: { v4: number[]; v6: number[] };
}

function ipKey(generation: number, ip: string): string {
  return `${generation}|ip|${ip}`;
}

function networkKey(generation: number, network: string): string {
  return `${generation}|net|${network}`;
}

function hostKey(generation: number, hostname: string): string {
  return `${generation}|host|${hostname}`;
}

/** The inventory's state, or undefined before the first load. */
export function inventoryState(store: AssetKeyValues): InventoryState | undefined {
  const text = store.get(ASSET_NAMESPACE, CURRENT);
  if (text === undefined) return undefined;
  try {
    const state = JSON.parse(text) as InventoryState;
    return Number.isSafeInteger(state.generation) ? state : undefined;
  } catch {
    return undefined;
  }
}

async function writeInBatches(store: AssetKeyValues, entries: Array<readonly [string, string, number?]>): Promise<void> {
  for (let i = 0; i < entries.length; i += WRITE_BATCH) await store.putAll(ASSET_NAMESPACE, entries.slice(i, i + WRITE_BATCH));
}

/** Removes every key except `#current` and those of `keep` (a generation), in batches. */
async function removeOtherGenerations(store: AssetKeyValues, keep: number | undefined): Promise<number> {
  const prefix = keep === undefined ? undefined : `${keep}|`;
  const stale: Array<readonly [string, string, number]> = [];
  for (const [key] of store.entries(ASSET_NAMESPACE)) {
    if (key === CURRENT || (prefix !== undefined && key.startsWith(prefix))) continue;
    stale.push([key, '', 0]); // an expiry in the past removes the key
  }
  await writeInBatches(store, stale);
  return stale.length;
}

/** The outcome of a replace. */
export interface ReplaceResult extends InventoryState {
  /** Keys of earlier generations (or of a load that died) removed. */
  removedKeys: number;
}

/**
 * Replaces the inventory with `assets` (in input order; a later asset with the same IP or host
 * name wins that key). Resolves when the new inventory is in service and the old one removed.
 */
export async function replaceInventory(store: AssetKeyValues, assets: readonly AssetRecord[], options: { source?: string; now?: number } = {}): Promise<ReplaceResult> {
  const previous = inventoryState(store);
  const generation = (previous?.generation ?? 0) + 1;
  // leftovers of a load that died after writing part of this generation would join it
  let removedKeys = await removeOtherGenerations(store, previous?.generation);
  const entries = new Map<string, string>();
  const v4 = new Set<number>();
  const v6 = new Set<number>();
  for (const asset of assets) {
    const json = JSON.stringify(asset);
    if (asset.ip !== undefined) entries.set(ipKey(generation, asset.ip), json);
    if (asset.network !== undefined) {
      entries.set(networkKey(generation, asset.network), json);
      const prefix = Number(asset.network.slice(asset.network.indexOf('/') + 1));
      (asset.network.includes(':') ? v6 : v4).add(prefix);
    }
    if (asset.hostname !== undefined) entries.set(hostKey(generation, asset.hostname), json);
  }
  await writeInBatches(store, [...entries]);
  const state: InventoryState = { generation, loadedAt: options.now ?? Date.now(), assets: assets.length };
  const longestFirst = (set: Set<number>) => [...set].sort((a, b) => b - a);
  if (v4.size + v6.size > 0) state.prefixes = { v4: longestFirst(v4), v6: longestFirst(v6) };
  if (options.source !== undefined) state.source = options.source;
  await store.putAll(ASSET_NAMESPACE, [[CURRENT, JSON.stringify(state)]]);
  removedKeys += await removeOtherGenerations(store, generation);
  return { ...state, removedKeys };
}

/** What the `asset` adapter needs: an asset by a field's text (an IP address or a host name). */
export interface AssetLookup {
  lookup(text: string): AssetRecord | undefined;
}

export interface AssetInventoryOptions {
  /** How often (ms) a reader checks which generation is current; 1000 by default, 0: on every lookup. */
  refreshMs?: number;
  /** Parsed assets (and misses) kept in memory; 10 000 by default. */
  cacheSize?: number;
  now?: () => number;
}

/**
 * Reads the inventory: lookups by IP address (any spelling of it) or host name (any case).
 * Sees a new load within `refreshMs`.
 */
export class AssetInventory implements AssetLookup {
  private state: InventoryState | undefined;
  private checkedAt = -Infinity;
  private readonly cache: LruCache<string, AssetRecord | null>;
  private readonly refreshMs: number;
  private readonly now: () => number;

  constructor(
    private readonly store: AssetKeyValues,
    options: AssetInventoryOptions = {},
  ) {
    this.refreshMs = options.refreshMs ?? 1000;
    this.now = options.now ?? Date.now;
    this.cache = new LruCache(options.cacheSize ?? 10_000);
  }

  /** The inventory in service, re-read at most every refreshMs; a new generation empties the cache. */
  private current(): InventoryState | undefined {
    const now = this.now();
    if (now - this.checkedAt >= this.refreshMs || now < this.checkedAt) {
      this.checkedAt = now;
      const state = inventoryState(this.store);
      if (state?.generation !== this.state?.generation) this.cache.clear();
      this.state = state;
    }
    return this.state;
  }

  /**
   * The keys `text` may be stored under, in the order they are tried: its address, then the
   * networks of the inventory's prefix lengths that hold it, longest first; or its host name.
   */
  private keysOf(state: InventoryState, text: string): string[] {
    const bytes = addressBytes(text);
    if (bytes === undefined) {
      const hostname = canonicalHostname(text);
      return hostname === undefined ? [] : [hostKey(state.generation, hostname)];
    }
    const keys = [ipKey(state.generation, addressText(bytes))];
    const prefixes = bytes.length === 4 ? state.prefixes?.v4 : state.prefixes?.v6;
    if (prefixes !== undefined) for (const prefix of prefixes) keys.push(networkKey(state.generation, `${addressText(maskBytes(bytes, prefix))}/${prefix}`));
    return keys;
  }

  lookup(text: string): AssetRecord | undefined {
    const state = this.current();
    if (state === undefined) return undefined;
    const cached = this.cache.get(text);
    if (cached !== undefined) return cached ?? undefined;
    let asset: AssetRecord | null = null;
    for (const key of this.keysOf(state, text)) {
      const json = this.store.get(ASSET_NAMESPACE, key);
      if (json === undefined) continue;
      try {
        asset = JSON.parse(json) as AssetRecord;
      } catch {
        continue; // not written by replaceInventory: treated as absent
      }
      break;
    }
    this.cache.set(text, asset);
    return asset ?? undefined;
  }

  /** Fetches ahead what a batch will look up (a networked store answers in one round trip). */
  async prefetch(texts: Iterable<string>): Promise<void> {
    if (this.now() - this.checkedAt >= this.refreshMs) await this.store.prefetch(ASSET_NAMESPACE, [CURRENT]);
    const state = this.current();
    if (state === undefined) return;
    const keys = new Set<string>();
    for (const text of texts) {
      if (this.cache.has(text)) continue;
      for (const key of this.keysOf(state, text)) keys.add(key);
    }
    if (keys.size > 0) await this.store.prefetch(ASSET_NAMESPACE, keys);
  }
}
