/**
 * `metron start` with the global config's `kv.backend: redis`: the embedded pipeline's parse workers
 * read the threat-intel table from a real redis-server, and the start log says where the tables are.
 */
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EnrichmentTables, openRedisStore } from '@metron/storage';
import { startTestRedis, type TestRedis } from '../../storage/src/kv/test-support/redis-server.js';
import { startEmbedded } from './start.js';

let redis: TestRedis;
let dir: string;
beforeAll(async () => {
  redis = await startTestRedis();
  dir = await mkdtemp(join(tmpdir(), 'metron-start-redis-'));
  const store = await openRedisStore({ url: redis.url, cacheTtlMs: 0 });
  await new EnrichmentTables(store).load('threatintel', 't', [{ type: 'malicious_ip', indicator: '203.0.113.66', value: {} }]);
  await store.close();
});
afterAll(async () => {
  await redis?.stop();
  await rm(dir, { recursive: true, force: true });
});

describe('metron start with the tables in Redis', () => {
  it('alerts on an address listed in Redis', async () => {
    const configDir = join(dir, 'config');
    await mkdir(join(configDir, 'parsers'), { recursive: true });
    await mkdir(join(configDir, 'enrichments'), { recursive: true });
    await writeFile(join(configDir, 'global.json'), JSON.stringify({ 'kv.backend': 'redis', 'kv.redis.url': redis.url }));
    await writeFile(join(configDir, 'parsers', 'tenant.json'), JSON.stringify({ parserClassName: 'JSONMap' }));
    await writeFile(
      join(configDir, 'enrichments', 'tenant.json'),
      JSON.stringify({ threatIntel: { fieldMap: { hbaseThreatIntel: ['ip_src_addr'] }, fieldToTypeMap: { ip_src_addr: ['malicious_ip'] } } }),
    );
    const lines: string[] = [];
    const log = { info: (m: string) => lines.push(m), warn: (m: string) => lines.push(m), error: (m: string) => lines.push(m) };
    const handle = await startEmbedded({ configDir, dataDir: join(dir, 'data'), port: 0, host: '127.0.0.1', adminPassword: 'test-password-1', fsync: 'never', log });
    try {
      await handle.pipeline.ingest('tenant', [{ ip_src_addr: '203.0.113.66' }, { ip_src_addr: '10.0.0.1' }].map((m) => Buffer.from(JSON.stringify({ ...m, timestamp: 1 }))));
      await handle.pipeline.waitIdle();
      expect(handle.pipeline.metrics.get('tenant', 'enriched')).toBe(2);
      expect(handle.pipeline.metrics.get('tenant', 'alerts')).toBe(1);
    } finally {
      await handle.stop();
    }
    expect(lines).toContain(`enrichment and threat-intel tables: Redis at ${redis.url}`);
  });
});
