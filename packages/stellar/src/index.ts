export * from './values.js';
export * from './functions/types.js';
