/** The bus: its contract, and the embedded durable local log that satisfies it. */
export type * from './types.js';
export { LocalLogBus, openLocalLog } from './local-log/local-log-bus.js';
export type { LocalLogOptions } from './local-log/options.js';
export type { FsyncPolicy } from './local-log/partition-log.js';
export * from './kafka/index.js';
