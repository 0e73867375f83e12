/**
 * The REPL's ENRICHMENT_GET / ENRICHMENT_EXISTS read the tables where the global config puts them:
 * Redis with `kv.backend` (a real redis-server), with a clear error when it cannot be reached.
 */
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { compile, defaultRegistry, type StellarValue } from '@metron/stellar';
import { EnrichmentTables, openRedisStore } from '@metron/storage';
import { startTestRedis, type TestRedis } from '../../storage/src/kv/test-support/redis-server.js';
import { installReplModules } from './stellar.js';

let redis: TestRedis;
let dir: string;
beforeAll(async () => {
  redis = await startTestRedis();
  dir = await mkdtemp(join(tmpdir(), 'metron-stellar-redis-'));
  const store = await openRedisStore({ url: redis.url, cacheTtlMs: 0 });
  await new EnrichmentTables(store).load('enrichment', 't', [{ type: 'whois', indicator: 'example.com', value: { registrar: 'R1' } }]);
  await store.close();
});
afterAll(async () => {
  await redis?.stop();
  await rm(dir, { recursive: true, force: true });
});

async function configDir(name: string, global: Record<string, unknown>): Promise<string> {
  const config = join(dir, name);
  await mkdir(config, { recursive: true });
  await writeFile(join(config, 'global.json'), JSON.stringify(global));
  return config;
}

describe('metron stellar with the tables in Redis', () => {
  it('ENRICHMENT_GET and ENRICHMENT_EXISTS read Redis when kv.backend is redis', async () => {
    const registry = defaultRegistry();
    const modules = await installReplModules(registry, { configDir: await configDir('up', { 'kv.backend': 'redis', 'kv.redis.url': redis.url }), dataDir: join(dir, 'data') });
    try {
      const run = (expr: string): StellarValue => compile(expr, { functions: registry }).run({});
      expect(run("ENRICHMENT_GET('whois', 'example.com', 'enrichment', 't')")).toEqual(new Map([['registrar', 'R1']]));
      expect(run("ENRICHMENT_EXISTS('whois', 'example.org', 'enrichment', 't')")).toBe(false);
      expect(modules.summary[2]).toBe(`enrichment: tables at Redis at ${redis.url} (read-only)`);
    } finally {
      await modules.close();
    }
  });

  it('says why when Redis cannot be reached', async () => {
    const registry = defaultRegistry();
    const modules = await installReplModules(registry, { configDir: await configDir('down', { 'kv.backend': 'redis', 'kv.redis.url': 'redis://127.0.0.1:1' }), dataDir: join(dir, 'data') });
    try {
      expect(() => compile("ENRICHMENT_GET('whois', 'example.com', 'enrichment', 't')", { functions: registry }).run({})).toThrow(/cannot reach Redis at redis:\/\/127\.0\.0\.1:1/);
    } finally {
      await modules.close();
    }
  });
});
