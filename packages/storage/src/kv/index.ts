export { KeyValueStoreError, type KeyValueStore } from './key-value-store.js';
export { openLmdbStore, lmdbStoreExists, LMDB_MAX_KEY_BYTES, type LmdbStoreOptions } from './lmdb-store.js';
export { EnrichmentTables, enrichmentRowKey, type EnrichmentRow } from './enrichment-tables.js';
