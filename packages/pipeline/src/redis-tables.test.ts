/**
 * The enrichment and threat-intel tables in Redis, chosen by the global config (`kv.backend`):
 * the pipeline (its parse worker threads) enriches, threat-intels and triages from rows loaded into
 * a real redis-server, and a batch fetches its rows in one round trip before it is enriched.
 */
import { createServer } from 'node:net';
import { mkdtemp, rm } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { EnrichmentTables, openDuckDbSearchStore, openRedisStore, type RedisKeyValueStore } from '@metron/storage';
import { startTestRedis, startTestRedisOn, type TestRedis } from '../../storage/src/kv/test-support/redis-server.js';
import { openLocalLog } from './bus/index.js';
import { buildEnrichers, enrichBatch, type SensorEnrichers } from './enrich-core.js';
import { Pipeline } from './pipeline.js';

const JSON_MAP = { parserClassName: 'org.apache.metron.parsers.json.JSONMapParser', parserConfig: {} };

/** Whois rows in the enrichment table, known-bad addresses in the threat-intel table, triage on both. */
const ENRICHMENT = {
  enrichment: {
    fieldMap: { hbaseEnrichment: ['ip_dst_addr'], stellar: { config: { whois_owner: "MAP_GET('owner', ENRICHMENT_GET('whois', ip_dst_addr, 'enrichment', 't'))" } } },
    fieldToTypeMap: { ip_dst_addr: ['whois'] },
  },
  threatIntel: {
    fieldMap: { hbaseThreatIntel: ['ip_src_addr', 'ip_dst_addr'] },
    fieldToTypeMap: { ip_src_addr: ['malicious_ip'], ip_dst_addr: ['malicious_ip'] },
    triageConfig: {
      riskLevelRules: [
        { name: 'known bad source', rule: "exists(threatintels.hbaseThreatIntel.ip_src_addr.malicious_ip)", score: 'ip_dst_port / 10.0', reason: "FORMAT('%s is listed', ip_src_addr)" },
        { name: 'owned by', rule: 'exists(enrichments.hbaseEnrichment.ip_dst_addr.whois.owner)', score: 5 },
      ],
      aggregator: 'SUM',
    },
  },
};

let redis: TestRedis;
let dir: string;
const cleanups: Array<() => Promise<void>> = [];

beforeAll(async () => {
  redis = await startTestRedis();
});
afterAll(async () => {
  await redis?.stop();
});
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'metron-redis-tables-'));
  // what `metron load` writes into Redis (the same rows each time: loading is idempotent)
  const store = await openRedisStore({ url: redis.url, cacheTtlMs: 0 });
  const tables = new EnrichmentTables(store);
  await tables.load('threatintel', 't', [{ type: 'malicious_ip', indicator: '203.0.113.66', value: { source: 'abuse.ch' } }]);
  await tables.load('enrichment', 't', [{ type: 'whois', indicator: '8.8.8.8', value: { owner: 'Google', asn: 15169 } }]);
  await store.close();
});
afterEach(async () => {
  while (cleanups.length) await cleanups.pop()!();
  await rm(dir, { recursive: true, force: true });
});

const message = (n: number, src: string, dst: string, port: number) => ({ n, ip_src_addr: src, ip_dst_addr: dst, ip_dst_port: port, timestamp: 1000 + n });

describe('tables in Redis (kv.backend redis)', () => {
  it('the pipeline enriches, threat-intels and triages from Redis on its parse worker', async () => {
    const bus = await openLocalLog({ dir: join(dir, 'log') });
    const store = await openDuckDbSearchStore({ path: join(dir, 'index.duckdb') });
    const pipeline = new Pipeline({
      bus,
      store,
      dataDir: dir,
      parseWorkers: 1,
      kvPath: join(dir, 'kv'),
      global: { 'kv.backend': 'redis', 'kv.redis.url': redis.url },
      sensors: { json: { parser: JSON_MAP, enrichment: ENRICHMENT } },
    });
    await pipeline.start();
    cleanups.push(async () => {
      await pipeline.stop(1000);
      await store.close();
      await bus.close();
    });
    await pipeline.ingest('json', [message(1, '203.0.113.66', '8.8.8.8', 443), message(2, '10.0.0.5', '1.1.1.1', 80), message(3, '10.0.0.5', '8.8.8.8', 53)].map((m) => Buffer.from(JSON.stringify(m))));
    await pipeline.waitIdle();
    expect(pipeline.metrics.get('json', 'alerts')).toBe(1);
    expect(pipeline.metrics.get('json', 'indexed')).toBe(3);

    const hits = await store.search({ indices: ['json'], query: '*', size: 10, sort: [{ field: 'n', sortOrder: 'asc' }] });
    const [bad, clean, owned] = hits.results.map((h) => h.source);
    expect(bad).toMatchObject({
      'enrichments.hbaseEnrichment.ip_dst_addr.whois.owner': 'Google',
      'enrichments.hbaseEnrichment.ip_dst_addr.whois.asn': 15169,
      'threatintels.hbaseThreatIntel.ip_src_addr.malicious_ip': 'alert',
      is_alert: 'true',
      'threat.triage.score': 49.3,
      'threat.triage.rules.0.name': 'known bad source',
      'threat.triage.rules.0.score': 44.3,
      'threat.triage.rules.0.reason': '203.0.113.66 is listed',
      'threat.triage.rules.1.name': 'owned by',
      'threat.triage.rules.1.score': 5,
    });
    expect(bad!['threatintels.hbaseThreatIntel.ip_dst_addr.malicious_ip']).toBeUndefined();
    for (const m of [clean!, owned!]) {
      expect(Object.keys(m).filter((k) => k.startsWith('threat') || k === 'is_alert')).toEqual([]);
    }
    expect(owned!['enrichments.hbaseEnrichment.ip_dst_addr.whois.owner']).toBe('Google');
    expect([bad!['whois_owner'], clean!['whois_owner'], owned!['whois_owner']]).toEqual(['Google', undefined, 'Google']);
    expect(Object.keys(clean!).filter((k) => k.startsWith('enrichments.'))).toEqual([]);
    // Redis wins over the LMDB path: nothing was created there
    expect(existsSync(join(dir, 'kv'))).toBe(false);
  });

  it('a batch fetches its rows in one round trip before it is enriched: no blocking reads', async () => {
    const enrichers = await buildEnrichers({ configs: { json: ENRICHMENT }, global: { 'kv.backend': 'redis', 'kv.redis.url': redis.url } });
    cleanups.push(() => enrichers.close());
    const store = enrichers.tables!.store as RedisKeyValueStore;
    const messages = Array.from({ length: 100 }, (_, i) => message(i, i % 10 === 0 ? '203.0.113.66' : `10.0.${i}.1`, i % 2 === 0 ? '8.8.8.8' : `192.0.2.${i}`, 80));
    const out = await enrich(enrichers, messages);
    expect(out.filter((m) => m['is_alert'] === 'true').map((m) => m['n'])).toEqual([0, 10, 20, 30, 40, 50, 60, 70, 80, 90]);
    expect(out.filter((m) => m['enrichments.hbaseEnrichment.ip_dst_addr.whois.owner'] === 'Google')).toHaveLength(50);
    // ENRICHMENT_GET in a Stellar group reads the prefetched rows too
    expect(out.filter((m) => m['whois_owner'] === 'Google')).toHaveLength(50);
    const stats = store.stats();
    expect(stats.syncRoundTrips).toBe(0);
    // distinct rows: whois of each destination, malicious_ip of each source and destination
    const sources = new Set(messages.map((m) => m.ip_src_addr));
    const destinations = new Set(messages.map((m) => m.ip_dst_addr));
    expect(stats.prefetchedKeys).toBe(destinations.size * 2 + [...sources].filter((s) => !destinations.has(s)).length);
    // the next batch of the same addresses is answered from the cache
    await enrich(enrichers, messages.slice(0, 10));
    expect(store.stats()).toMatchObject({ syncRoundTrips: 0, prefetchedKeys: stats.prefetchedKeys });
  });

  it('the prefetch reads the fields it needs from texts of any spelling: spaces, escapes, nested values', async () => {
    const enrichers = await buildEnrichers({ configs: { json: ENRICHMENT }, global: { 'kv.backend': 'redis', 'kv.redis.url': redis.url } });
    cleanups.push(() => enrichers.close());
    const store = enrichers.tables!.store as RedisKeyValueStore;
    const messages = Array.from({ length: 40 }, (_, i) => message(i, i % 10 === 0 ? '203.0.113.66' : `10.1.${i}.1`, i % 2 === 0 ? '8.8.8.8' : `192.0.2.${i}`, 80));
    const texts = messages.map((m, i) => {
      if (i % 4 === 0) return JSON.stringify(m, null, 1); // not as JSON.stringify writes it: parsed
      if (i % 4 === 1) return JSON.stringify({ ...m, extra: { nested: [1] } }); // a nested value: parsed
      return JSON.stringify(m).replace(/"ip_dst_addr":"8/, '"ip_dst_addr":"\\u0038'); // an escape in a field the prefetch reads
    });
    const out = await enrich(enrichers, messages, texts);
    expect(out.map((m) => m['n'])).toEqual(messages.map((m) => m.n));
    expect(out.filter((m) => m['is_alert'] === 'true').map((m) => m['n'])).toEqual([0, 10, 20, 30]);
    expect(out.filter((m) => m['enrichments.hbaseEnrichment.ip_dst_addr.whois.owner'] === 'Google')).toHaveLength(20);
    expect(store.stats().syncRoundTrips).toBe(0);
  });

  it('a batch fails while Redis is away (for the stage to retry) and goes through once it is back', async () => {
    let own = await startTestRedis();
    cleanups.push(() => own.stop());
    const load = async () => {
      const store = await openRedisStore({ url: own.url, cacheTtlMs: 0 });
      await new EnrichmentTables(store).load('threatintel', 't', [{ type: 'malicious_ip', indicator: '203.0.113.66', value: {} }]);
      await store.close();
    };
    await load();
    const enrichers = await buildEnrichers({ configs: { json: ENRICHMENT }, global: { 'kv.backend': 'redis', 'kv.redis.url': own.url, 'kv.redis.cache.ttl.ms': 0 } });
    cleanups.push(() => enrichers.close());
    const batch = [message(1, '203.0.113.66', '10.0.0.1', 80)];
    expect((await enrich(enrichers, batch))[0]!['is_alert']).toBe('true');
    await own.stop();
    await expect(enrich(enrichers, batch)).rejects.toThrow(/Redis at/);
    // away for longer than a client that gives up after a few attempts would keep trying
    await new Promise((r) => setTimeout(r, 4500));
    own = await startTestRedisOn(own.port);
    await load();
    // the client reconnects by itself (at most 2 s apart): the retried batch goes through
    let result: Array<Record<string, unknown>> | undefined;
    for (const deadline = Date.now() + 15_000; result === undefined && Date.now() < deadline; ) {
      result = await enrich(enrichers, batch).catch(async () => {
        await new Promise((r) => setTimeout(r, 200));
        return undefined;
      });
    }
    expect(result?.[0]?.['is_alert']).toBe('true');
  }, 30_000);

  it('refuses to start when Redis cannot be reached, or the backend is unknown', async () => {
    const port = await closedPort();
    await expect(buildEnrichers({ configs: { json: ENRICHMENT }, global: { 'kv.backend': 'redis', 'kv.redis.url': `redis://127.0.0.1:${port}` } })).rejects.toThrow(
      `cannot reach Redis at redis://127.0.0.1:${port}`,
    );
    await expect(buildEnrichers({ configs: { json: ENRICHMENT }, global: { 'kv.backend': 'hbase' }, configDir: '/etc/metron' })).rejects.toThrow(
      `/etc/metron/global.json: $['kv.backend']: must be "lmdb" or "redis", got "hbase"`,
    );
    await expect(buildEnrichers({ configs: { json: ENRICHMENT }, global: { 'kv.backend': 'redis', 'kv.redis.url': 'http://u:secret@host' } })).rejects.toThrow(
      /\$\['kv\.redis\.url'\] must be a redis:\/\/ or rediss:\/\/ URL, got http:\/\/u:\*\*\*@host/,
    );
  });
});

async function enrich(enrichers: SensorEnrichers, messages: Array<Record<string, unknown>>, texts?: string[]): Promise<Array<Record<string, unknown>>> {
  const buffers = (texts ?? messages.map((m) => JSON.stringify(m))).map((t) => Buffer.from(t));
  const result = await enrichBatch(enrichers, { sensors: messages.map(() => 'json'), values: Buffer.concat(buffers), lengths: Uint32Array.from(buffers, (b) => b.length) });
  expect(result.errors).toEqual([]);
  const text = Buffer.from(result.messages).toString('utf8');
  const out: Array<Record<string, unknown>> = [];
  let pos = 0;
  for (const n of result.lengths) {
    out.push(JSON.parse(Buffer.from(result.messages.buffer, result.messages.byteOffset + pos, n).toString('utf8')) as Record<string, unknown>);
    pos += n;
  }
  expect(text.length).toBeGreaterThan(0);
  return out;
}

/** A port nothing listens on. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as { port: number }).port;
  await new Promise<void>((r) => server.close(() => r()));
  return port;
}
