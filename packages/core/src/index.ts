export * from './message.js';
export * from './errors.js';
export * from './config/index.js';
export * from './random.js';
