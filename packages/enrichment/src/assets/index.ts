export { canonicalHostname, canonicalIp } from './addresses.js';
export { assetFromFields, type AssetRecord } from './asset-records.js';
export { ASSET_NAMESPACE, AssetInventory, inventoryState, replaceInventory, type AssetInventoryOptions, type AssetLookup, type InventoryState, type ReplaceResult } from './asset-inventory.js';
export { identityFromFields, parseTimeValue } from './identity-records.js';
export { DEFAULT_RETENTION_MS, IDENTITY_NAMESPACE, IdentityStore, type IdentityAssignment, type IdentityLookup, type IdentityStoreOptions } from './identity-store.js';
export type { AssetKeyValues } from './key-values.js';
export { detectFormat, readRecords, RecordInputError, streamRecords, type InputRecord, type RecordFormat } from './record-input.js';
export { DEFAULT_MAX_AGE_MS, identitySettings, parseDurationMs, type IdentitySettings, type LearnRule } from './settings.js';
export { AssetIdentityPrefetch, assetIdentityDeps, learnsIdentities } from './pipeline-deps.js';
