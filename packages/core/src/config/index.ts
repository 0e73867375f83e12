/** Metron-format configs: schemas (one per file kind), checking, loading a config directory, defaults. */
export * from './schema-parts.js';
export * from './global.js';
export * from './parser.js';
export * from './enrichment.js';
export * from './indexing.js';
export * from './profiler.js';
export * from './kinds.js';
export * from './json-text.js';
export * from './config-errors.js';
export * from './parse.js';
export * from './defaults.js';
export * from './reserved.js';
