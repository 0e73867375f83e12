import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Message } from '@metron/core';
import { OpenSearchClient } from './http.js';
import { freePort } from './local-node.js';
import { openOpenSearchStore, type OpenSearchSearchStore } from './store.js';
import { testOpenSearchUrl } from './test-support/shared-node.js';

// The bulk writer against a real OpenSearch node. Sensor names are this file's own (the node is
// shared with the other OpenSearch test files).
const HOUR = 3_600_000;
const T0 = Date.UTC(2024, 0, 2, 3, 15);

const doc = (guid: string, timestamp: number, extra: Message = {}): Message => ({
  guid, timestamp, 'source.type': 'x', ip_src_addr: '10.1.2.3', ip_dst_addr: '10.9.8.7', ip_dst_port: 443, protocol: 'tcp', ...extra,
});

describe('OpenSearch writer', () => {
  let url: string;
  let client: OpenSearchClient;
  let store: OpenSearchSearchStore;
  const dropped: Array<[string, number]> = [];

  beforeAll(async () => {
    url = await testOpenSearchUrl();
    client = new OpenSearchClient({ urls: [url] });
    store = openOpenSearchStore({ urls: [url], replicas: 0, refreshOnWrite: true, onDropped: (sensor, n) => dropped.push([sensor, n]) });
    // a node given by METRON_TEST_OPENSEARCH_URL may hold an earlier run's documents
    await client.request('DELETE', '/wt_*_index_*?ignore_unavailable=true&allow_no_indices=true');
    await client.request('POST', '/error_index_*/_delete_by_query?refresh=true&ignore_unavailable=true&allow_no_indices=true', JSON.stringify({ query: { prefix: { failed_sensor_type: 'wt_' } } }));
  }, 300_000);
  afterAll(async () => {
    await store?.close();
    client?.close();
  });

  const count = async (pattern: string, query: unknown = { match_all: {} }) =>
    (await client.json<{ count: number }>('POST', `/${pattern}/_count?ignore_unavailable=true&allow_no_indices=true`, { query })).count;

  it('writes one index per sensor and hour of the message timestamp, named as Metron names them', async () => {
    await store.write('wt_hours', [doc('h1', T0), doc('h2', T0 + 10 * 60_000), doc('h3', T0 + HOUR), doc('h4', T0 + 25 * HOUR)]);
    expect(await store.indexNames('wt_hours')).toEqual(['wt_hours_index_2024.01.02.03', 'wt_hours_index_2024.01.02.04', 'wt_hours_index_2024.01.03.04']);
    expect(await count('wt_hours_index_2024.01.02.03')).toBe(2);
    expect(await store.indices()).toContain('wt_hours');
    const found = await store.search({ indices: ['wt_hours'], query: '*', size: 10, sort: [{ field: 'timestamp', sortOrder: 'asc' }] });
    expect(found.results.map((r) => [r.id, r.index])).toEqual([
      ['h1', 'wt_hours_index_2024.01.02.03'], ['h2', 'wt_hours_index_2024.01.02.03'], ['h3', 'wt_hours_index_2024.01.02.04'], ['h4', 'wt_hours_index_2024.01.03.04'],
    ]);
  });

  it('maps the standard fields by the index template', async () => {
    await store.write('wt_mapping', [doc('m1', T0, {
      ip_src_port: 51000, 'threat.triage.score': 10, is_alert: true, bytes: 0, note: 'free text', comments: [{ comment: 'c', username: 'u', timestamp: 1 }],
    })]);
    await store.write('wt_mapping', [doc('m2', T0, { bytes: 1.25, 'threat.triage.score': 2.5 })]);
    const mapping = await client.json<Record<string, { mappings: { properties: Record<string, Record<string, unknown>> } }>>('GET', '/wt_mapping_index_2024.01.02.03/_mapping');
    const properties = mapping['wt_mapping_index_2024.01.02.03']!.mappings.properties;
    expect(properties['guid']).toMatchObject({ type: 'keyword' });
    expect(properties['timestamp']).toMatchObject({ type: 'date', format: 'epoch_millis' });
    expect(properties['ip_src_addr']).toMatchObject({ type: 'ip', fields: { keyword: { type: 'keyword' } } });
    expect(properties['ip_dst_port']).toMatchObject({ type: 'long' });
    expect(properties['is_alert']).toMatchObject({ type: 'boolean' });
    expect(properties['comments']).toMatchObject({ type: 'nested', dynamic: 'false' });
    expect(properties['source']).toEqual({ properties: { type: { type: 'keyword', ignore_above: 8191 } } });
    expect(properties['threat']).toEqual({ properties: { triage: { properties: { score: { type: 'double' } } } } });
    expect(await store.columnMetadata(['wt_mapping'])).toEqual({
      bytes: 'double', comments: 'other', guid: 'keyword', ip_dst_addr: 'ip', ip_dst_port: 'long', ip_src_addr: 'ip', ip_src_port: 'long',
      is_alert: 'boolean', note: 'keyword', protocol: 'keyword', 'source.type': 'keyword', 'threat.triage.score': 'double', timestamp: 'date',
    });
    // a number first seen whole keeps its fraction later (dynamic numbers are double)
    expect((await store.search({ indices: ['wt_mapping'], query: 'bytes:1.25' })).results.map((r) => r.id)).toEqual(['m2']);
  });

  it('indexes the good documents of a bulk and drops the refused ones to the error index with the reason', async () => {
    dropped.length = 0;
    const before = store.writeStats();
    await store.write('wt_partial', [
      doc('p1', T0),
      doc('p2', T0, { ip_dst_port: 'https' }),
      doc('p3', T0, { is_alert: 'maybe' }),
      { timestamp: T0, note: 'no guid' },
      doc('p4', T0),
    ]);
    expect(await count('wt_partial_index_*')).toBe(2);
    expect((await store.findAll([{ guid: 'p1', sensorType: 'wt_partial' }, { guid: 'p4', sensorType: 'wt_partial' }])).map((m) => m['guid'])).toEqual(['p1', 'p4']);
    expect(store.writeStats().dropped - before.dropped).toBe(3);
    expect(dropped).toEqual([['wt_partial', 3]]);
    const errors = await store.search({ indices: ['error'], query: 'failed_sensor_type:wt_partial', size: 10, sort: [{ field: 'raw_message', sortOrder: 'asc' }] });
    expect(errors.total).toBe(3);
    const bySource = Object.fromEntries(errors.results.map((r) => [JSON.parse(String(r.source['raw_message']))['guid'] ?? 'none', r.source]));
    expect(bySource['p2']).toMatchObject({ 'source.type': 'error', error_type: 'indexing_error', stage: 'index', failed_sensor_type: 'wt_partial' });
    expect(String(bySource['p2']!['message'])).toMatch(/HTTP 400 mapper_parsing_exception.*ip_dst_port/);
    expect(String(bySource['p3']!['message'])).toMatch(/is_alert/);
    expect(String(bySource['none']!['message'])).toMatch(/no guid/);
    expect(Buffer.from(String(bySource['p2']!['raw_message_bytes']), 'base64').toString('utf8')).toBe(JSON.stringify(doc('p2', T0, { ip_dst_port: 'https' })));
    expect(errors.results[0]!.index).toMatch(/^error_index_\d{4}\.\d{2}\.\d{2}\.\d{2}$/);

    // the same refusal delivered again is recorded once
    await store.write('wt_partial', [doc('p2', T0, { ip_dst_port: 'https' })]);
    expect((await store.search({ indices: ['error'], query: 'failed_sensor_type:wt_partial' })).total).toBe(3);
  });

  it('records a refused error-index document as a standard error record instead of failing', async () => {
    await store.write('error', [{ guid: 'e-ok', timestamp: T0, 'source.type': 'error', failed_sensor_type: 'wt_err', raw_message_length: 5 }]);
    await store.write('error', [{ guid: 'e-clash', timestamp: T0, 'source.type': 'error', failed_sensor_type: 'wt_err', raw_message_length: 'five' }]);
    const records = await store.search({ indices: ['error'], query: 'failed_sensor_type:wt_err OR failed_sensor_type:error', size: 10, sort: [{ field: 'guid', sortOrder: 'asc' }] });
    const clash = records.results.find((r) => String(r.source['raw_message'] ?? '').includes('e-clash'));
    expect(records.results.map((r) => r.id)).toContain('e-ok');
    expect(clash?.source).toMatchObject({ error_type: 'indexing_error', failed_sensor_type: 'error' });
    expect(String(clash?.source['message'])).toMatch(/raw_message_length/);
  });

    it('absorbs re-delivered messages by guid and never overwrites a changed document', async () => {
    const batch = [doc('r1', T0), doc('r2', T0), doc('r3', T0 + HOUR)];
    await store.write('wt_redeliver', batch);
    await client.json('POST', '/wt_redeliver_index_2024.01.02.03/_update/r1?refresh=true', { doc: { alert_status: 'OPEN' } });
    const before = store.writeStats();
    await store.write('wt_redeliver', batch);
    await store.writeJson('wt_redeliver', batch.map((m) => Buffer.from(JSON.stringify(m))));
    expect(await count('wt_redeliver_index_*')).toBe(3);
    expect(store.writeStats().duplicates - before.duplicates).toBe(6);
    expect(store.writeStats().indexed).toBe(before.indexed);
    expect(await store.findOne({ guid: 'r1', sensorType: 'wt_redeliver' })).toMatchObject({ alert_status: 'OPEN' });
  });

  it('writes raw JSON lines as they are, and records lines that are not JSON objects', async () => {
    const lines = [Buffer.from(JSON.stringify(doc('j1', T0, { note: 'é ünï' }))), Buffer.from('{"guid": "j2",\n "timestamp": 1704165300000}'), Buffer.from('not json'), Buffer.from('[1]')];
    await store.writeJson('wt_json', lines);
    expect(await store.findOne({ guid: 'j1', sensorType: 'wt_json' })).toEqual(doc('j1', T0, { note: 'é ünï' }));
    expect(await store.findOne({ guid: 'j2', sensorType: 'wt_json' })).toEqual({ guid: 'j2', timestamp: 1704165300000 });
    const errors = await store.search({ indices: ['error'], query: 'failed_sensor_type:wt_json', size: 10 });
    expect(errors.results.map((r) => r.source['message']).sort()).toEqual([expect.stringMatching(/^not JSON: /), 'not a JSON object']);
  });

  it('retries documents the cluster refuses for now (429 on a read-only-allow-delete index) until they are accepted', async () => {
    await store.write('wt_retry', [doc('t1', T0)]);
    const index = 'wt_retry_index_2024.01.02.03';
    await client.json('PUT', `/${index}/_settings`, { 'index.blocks.read_only_allow_delete': true });
    const before = store.writeStats();
    const writing = store.write('wt_retry', [doc('t2', T0), doc('t3', T0)]);
    await new Promise((r) => setTimeout(r, 1500));
    expect(await count(index)).toBe(1);
    await client.json('PUT', `/${index}/_settings`, { 'index.blocks.read_only_allow_delete': null });
    await writing;
    expect(await count(index)).toBe(3);
    expect(store.writeStats().retries - before.retries).toBeGreaterThanOrEqual(2);
    expect(store.writeStats().dropped).toBe(before.dropped);
  });

  it('fails the write (nothing acknowledged) when the cluster stays unreachable past the retry budget', async () => {
    const port = await freePort();
    const unreachable = openOpenSearchStore({ urls: [`http://127.0.0.1:${port}`], retryMaxMs: 1500, username: 'metron', password: 's3cret-pw' });
    const started = Date.now();
    const error = await unreachable.write('wt_down', [doc('d1', T0)]).then(() => null, (err: unknown) => err as Error);
    expect(error?.message).toMatch(/index template|kept failing|ECONNREFUSED/);
    expect(error?.message).not.toContain('s3cret-pw');
    // it retried with backoff before giving up
    expect(Date.now() - started).toBeGreaterThanOrEqual(400);
    await unreachable.close();
  });

  it('applies retention: deletes documents older than the cutoff and the hourly indices left empty', async () => {
    await store.write('wt_retention', [doc('o1', T0), doc('o2', T0 + 5 * 60_000), doc('n1', T0 + HOUR), doc('n2', T0 + HOUR + 30 * 60_000)]);
    expect(await store.deleteBefore('wt_retention', T0 + HOUR + 60_000)).toBe(3);
    expect(await store.indexNames('wt_retention')).toEqual(['wt_retention_index_2024.01.02.04']);
    expect((await store.search({ indices: ['wt_retention'], query: '*' })).results.map((r) => r.id)).toEqual(['n2']);
    expect(await store.deleteBefore('wt_nothing_here', T0)).toBe(0);
  });

  it('refuses bad sensor names before writing anything', async () => {
    await expect(store.write('../x', [doc('x', T0)])).rejects.toThrow(/invalid sensor name/);
    await expect(store.write('a*b', [doc('x', T0)])).rejects.toThrow(/invalid sensor name/);
  });
});
