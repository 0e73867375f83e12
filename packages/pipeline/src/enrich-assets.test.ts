/**
 * The asset and identity adapters in the pipeline's enrich step (buildEnrichers + enrichBatch, as
 * the parse workers run them) over the LMDB store that `metron load assets|identities` fills, and
 * identities learned from one sensor's messages serving another sensor's; with the tables in Redis
 * (a real redis-server), a batch's asset and identity reads are fetched ahead in one round trip.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { Message } from '@metron/core';
import { assetFromFields, IdentityStore, replaceInventory } from '@metron/enrichment';
import { openLmdbStore, openRedisStore, type KeyValueStore, type RedisKeyValueStore } from '@metron/storage';
import { startTestRedis, type TestRedis } from '../../storage/src/kv/test-support/redis-server.js';
import { buildEnrichers, enrichBatch, type SensorEnrichers } from './enrich-core.js';

const H = 3_600_000;
const T0 = Math.floor(Date.now() / H) * H;
let dir: string;
let kvPath: string;
let enrichers: SensorEnrichers | undefined;

/** What `metron load assets|identities` would have written. */
async function fill(store: KeyValueStore): Promise<void> {
  await replaceInventory(store, [assetFromFields({ ip: '10.0.0.1', hostname: 'web01', owner: 'Web team', criticality: '4', os: 'Debian 12', tags: 'pci' })]);
  await new IdentityStore(store).record(new Map([['10.0.0.50', [{ user: 'alice', since: T0 - H }]]]));
}

beforeEach(async () => {
  dir = mkdtempSync(join(tmpdir(), 'metron-enrich-assets-'));
  kvPath = join(dir, 'kv');
  const store = openLmdbStore({ path: kvPath });
  await fill(store);
  await store.close();
});
afterEach(async () => {
  await enrichers?.close();
  enrichers = undefined;
  rmSync(dir, { recursive: true, force: true });
});

/** Runs one batch through enrichBatch; returns the messages that went on. */
async function run(sensorMessages: Array<[string, Message]>): Promise<Message[]> {
  const texts = sensorMessages.map(([, m]) => Buffer.from(JSON.stringify(m)));
  const out = await enrichBatch(enrichers!, {
    sensors: sensorMessages.map(([s]) => s),
    values: Buffer.concat(texts),
    lengths: Uint32Array.from(texts.map((t) => t.length)),
  });
  expect(out.errors).toEqual([]);
  const messages: Message[] = [];
  let at = 0;
  for (const n of out.lengths) {
    messages.push(JSON.parse(Buffer.from(out.messages.subarray(at, at + n)).toString('utf8')) as Message);
    at += n;
  }
  return messages;
}

const configs = {
    bro: { enrichment: { fieldMap: { asset: ['ip_dst_addr'], identity: ['ip_src_addr'] } } },
    auth: { enrichment: { fieldMap: {}, config: { identity: { learn: { ip: 'ip_src_addr', user: 'user', filter: "action == 'login'" } } } } },
};

describe('asset and identity enrichment in the enrich step', () => {

  it('adds the loaded asset and identity fields, and what a sensor learns serves the next batch', async () => {
    enrichers = await buildEnrichers({ configs, global: {}, kvPath });
    const [conn] = await run([['bro', { ip_src_addr: '10.0.0.50', ip_dst_addr: '10.0.0.1', timestamp: T0, 'source.type': 'bro' }]]);
    expect(conn).toEqual({
      ip_src_addr: '10.0.0.50',
      ip_dst_addr: '10.0.0.1',
      timestamp: T0,
      'source.type': 'bro',
      'enrichments.asset.ip_dst_addr.ip': '10.0.0.1',
      'enrichments.asset.ip_dst_addr.hostname': 'web01',
      'enrichments.asset.ip_dst_addr.owner': 'Web team',
      'enrichments.asset.ip_dst_addr.criticality': 4,
      'enrichments.asset.ip_dst_addr.os': 'Debian 12',
      'enrichments.asset.ip_dst_addr.tags': ['pci'],
      'enrichments.identity.ip_src_addr.user': 'alice',
      'enrichments.identity.ip_src_addr.since': T0 - H,
    });
    await run([['auth', { ip_src_addr: '10.0.0.77', user: 'bob', action: 'login', timestamp: T0, 'source.type': 'auth' }]]);
    const [later] = await run([['bro', { ip_src_addr: '10.0.0.77', timestamp: T0 + 60_000, 'source.type': 'bro' }]]);
    expect(later?.['enrichments.identity.ip_src_addr.user']).toBe('bob');
    // and it is in the store, for the other workers and the next start
    await enrichers.close();
    enrichers = undefined;
    const store = openLmdbStore({ path: kvPath, readOnly: true });
    try {
      expect(new IdentityStore(store).lookup('10.0.0.77', T0 + 1, H)).toEqual({ user: 'bob', since: T0 });
    } finally {
      await store.close();
    }
  });
});

describe('asset and identity enrichment in the enrich step, tables in Redis', () => {
  let redis: TestRedis;
  beforeAll(async () => {
    redis = await startTestRedis();
  });
  afterAll(async () => {
    await redis?.stop();
  });

  it('fetches a batch\'s asset and identity reads ahead: no blocking round trip, same fields', async () => {
    const loader = await openRedisStore({ url: redis.url, cacheTtlMs: 0 });
    await fill(loader);
    await loader.close();
    enrichers = await buildEnrichers({ configs, global: { 'kv.backend': 'redis', 'kv.redis.url': redis.url } });
    const store = enrichers.tables!.store as RedisKeyValueStore;
    const conns: Array<[string, Message]> = [
      ['bro', { ip_src_addr: '10.0.0.50', ip_dst_addr: '10.0.0.1', timestamp: T0, 'source.type': 'bro' }],
      ['bro', { ip_src_addr: '10.0.0.9', ip_dst_addr: 'web01', timestamp: T0, 'source.type': 'bro' }],
    ];
    const [first, second] = await run(conns);
    expect(first?.['enrichments.asset.ip_dst_addr.owner']).toBe('Web team');
    expect(first?.['enrichments.asset.ip_dst_addr.tags']).toEqual(['pci']);
    expect(first?.['enrichments.identity.ip_src_addr.user']).toBe('alice');
    expect(second?.['enrichments.asset.ip_dst_addr.ip']).toBe('10.0.0.1');
    expect(second?.['enrichments.identity.ip_src_addr.user']).toBeUndefined();
    expect(store.stats().syncRoundTrips).toBe(0);
    expect(store.stats().prefetchedKeys).toBeGreaterThan(0);
    // learning writes to Redis; the next batch reads it without a blocking round trip either
    await run([['auth', { ip_src_addr: '10.0.0.77', user: 'bob', action: 'login', timestamp: T0, 'source.type': 'auth' }]]);
    const [later] = await run([['bro', { ip_src_addr: '10.0.0.77', timestamp: T0 + 1, 'source.type': 'bro' }]]);
    expect(later?.['enrichments.identity.ip_src_addr.user']).toBe('bob');
    expect(store.stats().syncRoundTrips).toBe(0);
    await enrichers.close();
    enrichers = undefined;
    const reader = await openRedisStore({ url: redis.url, cacheTtlMs: 0 });
    try {
      expect(new IdentityStore(reader).lookup('10.0.0.77', T0 + 1, H)).toEqual({ user: 'bob', since: T0 });
    } finally {
      await reader.close();
    }
  });
});
