export { KeyValueStoreError, type KeyValueStore, type KeyValueEntry, type WriteOptions } from './key-value-store.js';
export { openLmdbStore, lmdbStoreExists, LMDB_MAX_KEY_BYTES, type LmdbStoreOptions } from './lmdb-store.js';
export { openRedisStore, redactRedisUrl, RedisKeyValueStore, type RedisStoreOptions, type RedisStoreStats } from './redis-store.js';
export { EnrichmentTables, enrichmentRowKey, type EnrichmentRow, type EnrichmentLookup } from './enrichment-tables.js';
