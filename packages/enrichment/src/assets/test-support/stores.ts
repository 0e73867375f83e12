/**
 * The two key-value backends the asset inventory and identity store run on, for tests: LMDB in a
 * temp directory and a real redis-server (started by the storage package's test support; each
 * harness gets its own key prefix). `open` reaches the same data each time, like two processes.
 */
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openLmdbStore, openRedisStore, type KeyValueStore } from '@metron/storage';
import { startTestRedis, type TestRedis } from '../../../../storage/src/kv/test-support/redis-server.js';

export interface StoreOptions {
  /** The store's clock for expiries (epoch ms). */
  now?: () => number;
}

export interface Backend {
  readonly name: 'LMDB' | 'Redis';
  /** Sets up an empty place for one test. */
  setup(): Promise<void>;
  open(options?: StoreOptions): Promise<KeyValueStore>;
  /** Closes what `open` gave and removes the test's data. */
  cleanup(): Promise<void>;
  /** Stops shared servers (afterAll). */
  stop(): Promise<void>;
}

function tracked(openStore: (options: StoreOptions) => Promise<KeyValueStore>): { open: (o?: StoreOptions) => Promise<KeyValueStore>; closeAll: () => Promise<void> } {
  const opened: KeyValueStore[] = [];
  return {
    open: async (options = {}) => {
      const store = await openStore(options);
      opened.push(store);
      return store;
    },
    closeAll: async () => {
      for (const s of opened.splice(0)) await s.close();
    },
  };
}

export function lmdbBackend(): Backend {
  let dir = '';
  const stores = tracked(async (options) => openLmdbStore({ path: join(dir, 'kv'), ...(options.now ? { now: options.now } : {}) }));
  return {
    name: 'LMDB',
    setup: async () => {
      dir = mkdtempSync(join(tmpdir(), 'metron-assets-'));
    },
    open: stores.open,
    cleanup: async () => {
      await stores.closeAll();
      rmSync(dir, { recursive: true, force: true });
    },
    stop: async () => {},
  };
}

export function redisBackend(): Backend {
  let server: TestRedis | undefined;
  let keyPrefix = '';
  const stores = tracked(async (options) => {
    server ??= await startTestRedis();
    // no read cache: each read sees the other stores' writes, as the tests expect of LMDB too
    return openRedisStore({ url: server.url, keyPrefix, cacheTtlMs: 0, ...(options.now ? { now: options.now } : {}) });
  });
  return {
    name: 'Redis',
    setup: async () => {
      server ??= await startTestRedis();
      keyPrefix = `test:${randomUUID()}:`;
    },
    open: stores.open,
    cleanup: async () => {
      // every store used the test's own prefix, which no later test reuses
      await stores.closeAll();
    },
    stop: async () => {
      await server?.stop();
      server = undefined;
    },
  };
}
