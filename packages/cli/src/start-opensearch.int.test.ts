/**
 * `metron start` with the global config's `index.backend: opensearch`: the embedded pipeline
 * indexes into a real OpenSearch node (the test run's shared node), the REST search and the alert
 * workflow answer from it, and a record the index refuses lands in the error index with the reason.
 */
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testOpenSearchUrl } from '../../storage/src/opensearch/test-support/shared-node.js';
import { startEmbedded } from './start.js';

let url: string;
let dir: string;
beforeAll(async () => {
  url = await testOpenSearchUrl();
  await fetch(`${url}/st_tenant_index_*?ignore_unavailable=true`, { method: 'DELETE' });
  // a node given by METRON_TEST_OPENSEARCH_URL may hold an earlier run's error records
  await fetch(`${url}/error_index_*/_delete_by_query?refresh=true&ignore_unavailable=true&allow_no_indices=true`, {
    method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ query: { term: { failed_sensor_type: 'st_tenant' } } }),
  });
  dir = await mkdtemp(join(tmpdir(), 'metron-start-opensearch-'));
}, 300_000);
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('metron start with the search index on OpenSearch', () => {
  it('indexes, searches and updates alerts through OpenSearch', async () => {
    const configDir = join(dir, 'config');
    await mkdir(join(configDir, 'parsers'), { recursive: true });
    await writeFile(join(configDir, 'global.json'), JSON.stringify({ 'index.backend': 'opensearch', 'opensearch.url': url, 'opensearch.index.replicas': 0 }));
    await writeFile(join(configDir, 'parsers', 'st_tenant.json'), JSON.stringify({ parserClassName: 'JSONMap' }));
    const lines: string[] = [];
    const log = { info: (m: string) => lines.push(m), warn: (m: string) => lines.push(m), error: (m: string) => lines.push(m) };
    const password = 'test-password-1';
    const handle = await startEmbedded({ configDir, dataDir: join(dir, 'data'), port: 0, host: '127.0.0.1', adminPassword: password, fsync: 'never', log });
    try {
      const records = [
        { ip_src_addr: '10.0.0.1', ip_dst_port: 443, timestamp: Date.UTC(2024, 4, 1, 10) },
        { ip_src_addr: '10.0.0.2', ip_dst_port: 'not-a-port', timestamp: Date.UTC(2024, 4, 1, 10) },
      ];
      await handle.pipeline.ingest('st_tenant', records.map((m) => Buffer.from(JSON.stringify(m))));
      await handle.pipeline.waitIdle();
      await fetch(`${url}/_refresh`, { method: 'POST' });
      const auth = { authorization: `Basic ${Buffer.from(`admin:${password}`).toString('base64')}`, 'content-type': 'application/json' };
      const search = async (body: unknown) => (await (await fetch(`${handle.url}/api/v1/search/search`, { method: 'POST', headers: auth, body: JSON.stringify(body) })).json()) as {
        total: number; results: Array<{ id: string; index: string; source: Record<string, unknown> }>;
      };
      const found = await search({ indices: ['st_tenant'], query: 'ip_src_addr:10.0.0.0/8', size: 10 });
      expect(found.total).toBe(1);
      expect(found.results[0]!.index).toBe('st_tenant_index_2024.05.01.10');
      expect(found.results[0]!.source).toMatchObject({ ip_src_addr: '10.0.0.1', ip_dst_port: 443, 'source.type': 'st_tenant' });
      const guid = found.results[0]!.id;

      const errors = await search({ indices: ['error'], query: 'failed_sensor_type:st_tenant', size: 10 });
      expect(errors.total).toBe(1);
      expect(String(errors.results[0]!.source['message'])).toMatch(/ip_dst_port/);
      expect(handle.pipeline.metrics.get('st_tenant', 'index_errors')).toBe(1);

      const patched = await fetch(`${handle.url}/api/v1/update/patch`, {
        method: 'PATCH', headers: auth, body: JSON.stringify({ guid, sensorType: 'st_tenant', patch: [{ op: 'add', path: '/alert_status', value: 'OPEN' }] }),
      });
      expect(patched.status).toBe(200);
      expect((await search({ indices: ['st_tenant'], query: 'alert_status:OPEN' })).results.map((r) => r.id)).toEqual([guid]);
    } finally {
      await handle.stop();
    }
    expect(lines).toContain(`search index: OpenSearch at ${url} (one index per sensor and hour)`);
  }, 120_000);
});
