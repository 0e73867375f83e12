export type * from './types.js';
export * from './query/index.js';
export * from './duckdb/index.js';
export { renderQueryDsl, type QueryDsl } from './opensearch/query-dsl.js';
export * from './kv/index.js';
export * from './archive/index.js';
