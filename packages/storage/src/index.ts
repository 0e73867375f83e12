export type * from './types.js';
export * from './query/index.js';
export * from './duckdb/index.js';
export * from './opensearch/index.js';
export * from './kv/index.js';
export * from './archive/index.js';
