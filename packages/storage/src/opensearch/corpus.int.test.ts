import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDuckDbSearchStore, type DuckDbSearchStore } from '../duckdb/store.js';
import { CORPUS_CASES, CORPUS_DOCUMENTS, CORPUS_NOW } from '../query/test-corpus.js';
import { openOpenSearchStore, type OpenSearchSearchStore } from './store.js';
import { testOpenSearchUrl } from './test-support/shared-node.js';

// The shared corpus (../query/test-corpus.ts) on a real OpenSearch node and on the DuckDB store,
// over the same documents: every query must give the expected hits, and the same on both.
// The corpus sensors (bro, snort) are named in each search, as other test files share the node.
describe('OpenSearch store: shared search corpus, against DuckDB', () => {
  let opensearch: OpenSearchSearchStore;
  let duckdb: DuckDbSearchStore;
  const sensors = ['bro', 'snort'];

  beforeAll(async () => {
    const url = await testOpenSearchUrl();
    opensearch = openOpenSearchStore({ urls: [url], replicas: 0, clock: () => CORPUS_NOW });
    duckdb = await openDuckDbSearchStore({ path: ':memory:', clock: () => CORPUS_NOW });
    // a node given by METRON_TEST_OPENSEARCH_URL may hold an earlier run's corpus
    const stale = (await opensearch.indexNames()).filter((name) => sensors.some((s) => name.startsWith(`${s}_index_`)));
    if (stale.length > 0) await fetch(`${url}/${stale.join(',')}`, { method: 'DELETE' });
    for (const sensor of sensors) {
      const messages = CORPUS_DOCUMENTS.filter((d) => d.sensor === sensor).map((d) => d.message);
      await opensearch.write(sensor, messages);
      await duckdb.write(sensor, messages);
    }
    await opensearch.refresh();
  }, 300_000);
  afterAll(async () => {
    await opensearch?.close();
    await duckdb?.close();
  });

  it('indexes the corpus one index per sensor and hour', async () => {
    const names = [...(await opensearch.indexNames('bro')), ...(await opensearch.indexNames('snort'))];
    const expected = [...new Set(CORPUS_DOCUMENTS.map((d) => `${d.sensor}_index_${new Date(Number(d.message.timestamp)).toISOString().slice(0, 13).replace(/-/g, '.').replace('T', '.')}`))].sort();
    expect(names.sort()).toEqual(expected);
    expect(opensearch.writeStats()).toMatchObject({ indexed: CORPUS_DOCUMENTS.length, dropped: 0 });
  });

  it.each(CORPUS_CASES)('$query → $guids', async ({ query, guids, indices }) => {
    const request = { query, indices: indices ?? sensors, size: 100 };
    const [fromOpenSearch, fromDuckDb] = await Promise.all([opensearch.search(request), duckdb.search(request)]);
    const hits = fromOpenSearch.results.map((r) => r.id).sort();
    expect(hits).toEqual([...guids].sort());
    expect(fromOpenSearch.total).toBe(guids.length);
    expect(hits).toEqual(fromDuckDb.results.map((r) => r.id).sort());
  });

  it('returns the documents as written, in the same order as DuckDB, with the same facets', async () => {
    const request = {
      query: '*', indices: sensors, size: 100, sort: [{ field: 'ip_dst_port', sortOrder: 'asc' as const }],
      facetFields: ['protocol', 'is_alert', 'ip_dst_port', 'threat.triage.score', 'ip_src_addr', 'no_such_field'],
    };
    const [fromOpenSearch, fromDuckDb] = await Promise.all([opensearch.search(request), duckdb.search(request)]);
    expect(fromOpenSearch.results.map((r) => r.id)).toEqual(fromDuckDb.results.map((r) => r.id));
    for (const result of fromOpenSearch.results) {
      const written = CORPUS_DOCUMENTS.find((d) => d.message.guid === result.id)!.message;
      expect(result.source).toEqual(written);
    }
    expect(fromOpenSearch.facetCounts).toEqual(fromDuckDb.facetCounts);
  });

  it('groups, histograms and finds documents as DuckDB does', async () => {
    const group = { query: '*', indices: sensors, scoreField: 'threat.triage.score', groups: [{ field: 'ip_src_addr' }, { field: 'protocol', order: { groupOrderType: 'COUNT' as const, sortOrder: 'DESC' as const } }] };
    expect(await opensearch.group(group)).toEqual(await duckdb.group(group));
    const histogram = { query: 'ip_src_addr:10.0.0.1', indices: sensors, interval: '6h' };
    expect(await opensearch.histogram(histogram)).toEqual(await duckdb.histogram(histogram));
    const refs = [{ guid: 's2', sensorType: 'snort' }, { guid: 'nope', sensorType: 'bro' }, { guid: 'b1', sensorType: 'bro' }, { guid: 'b1', sensorType: 'snort' }];
    expect(await opensearch.findAll(refs)).toEqual(await duckdb.findAll(refs));
    expect(await opensearch.findOne({ guid: 'b3', sensorType: 'bro' })).toEqual(CORPUS_DOCUMENTS[2]!.message);
  });

  it('projects fields and pages as DuckDB does', async () => {
    const request = { query: '*', indices: sensors, fields: ['guid', 'enrichments.geo.ip_dst_addr.country'], from: 2, size: 3 };
    const [fromOpenSearch, fromDuckDb] = await Promise.all([opensearch.search(request), duckdb.search(request)]);
    expect(fromOpenSearch.results.map((r) => r.source)).toEqual(fromDuckDb.results.map((r) => r.source));
    expect(fromOpenSearch.total).toBe(6);
  });
});
