/**
 * What the pipeline hands the sensor enrichers for the `asset` and `identity` adapters: readers
 * over its key-value store (LMDB or Redis), and whether any config learns identities (the store
 * must then be open for writing).
 */
import { AssetInventory } from './asset-inventory.js';
import { IdentityStore } from './identity-store.js';
import type { AssetKeyValues } from './key-values.js';

/** The asset inventory and the identity store over `store`, as SensorEnrichmentDeps takes them. */
export function assetIdentityDeps(store: AssetKeyValues): { assets: AssetInventory; identities: IdentityStore } {
  return { assets: new AssetInventory(store), identities: new IdentityStore(store) };
}

/** Whether any of the sensor enrichment configs (sensor → parsed config) learns identities from its messages. */
export function learnsIdentities(configs: Readonly<Record<string, unknown>>): boolean {
  return Object.values(configs).some((config) => {
    const enrichment = (config as { enrichment?: { config?: { identity?: { learn?: unknown } } } } | null)?.enrichment;
    const learn = enrichment?.config?.identity?.learn;
    return learn !== undefined && learn !== null && !(Array.isArray(learn) && learn.length === 0);
  });
}
