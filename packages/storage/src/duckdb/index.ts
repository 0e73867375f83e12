export { openDuckDbSearchStore, type DuckDbSearchStore, type DuckDbSearchStoreOptions } from './store.js';
export { type ColumnInfo, type ColumnType, type MetronFieldType, tableForSensor } from './catalog.js';
export * from './alerts/index.js';
export { mergeFields, StringifiedFields } from './json-batch.js';
export type { FieldState } from './json-scan.js';
