import { mkdir, mkdtemp, readdir, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { MetronError, type Message } from '@metron/core';
import { openDuckDbSearchStore, type DuckDbSearchStore } from './store.js';
import { StringifiedFields } from './json-batch.js';
import type { SearchRequest, SearchResult } from '../types.js';

const bro: Message[] = [
  {
    guid: 'b1', 'source.type': 'bro', timestamp: 1000, ip_src_addr: '10.0.0.1', ip_dst_port: 80, protocol: 'http',
    is_alert: false, 'enrichments.geo.ip_dst_addr.country': 'US', tags: ['a', 'b'], original_string: 'GET /index.html from 10.0.0.1',
  },
  {
    guid: 'b2', 'source.type': 'bro', timestamp: 2000, ip_src_addr: '10.0.0.2', ip_dst_port: 443, protocol: 'https',
    is_alert: true, 'enrichments.geo.ip_dst_addr.country': 'DE', tags: ['b'], original_string: 'TLS handshake',
  },
  {
    guid: 'b3', 'source.type': 'bro', timestamp: 3000, ip_src_addr: '10.0.0.1', ip_dst_port: 22, protocol: 'ssh',
    'enrichments.geo.ip_dst_addr.country': 'US', 'threat.triage.score': 2.5, original_string: 'SSH login',
  },
];
const snort: Message[] = [
  { guid: 's1', 'source.type': 'snort', timestamp: 1500, ip_src_addr: '10.0.0.1', sig_id: 1000, msg: "' OR 1=1 --", is_alert: true },
];

const hit = (index: string, source: Message): SearchResult => ({ id: String(source.guid), index, source, score: 1 });

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'metron-duckdb-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function expectError(promise: Promise<unknown>, code: string): Promise<MetronError> {
  const error = await promise.then(() => null, (err: unknown) => err);
  expect(error).toBeInstanceOf(MetronError);
  expect((error as MetronError).code).toBe(code);
  return error as MetronError;
}

describe('DuckDB search store: search', () => {
  let store: DuckDbSearchStore;
  const ids = async (request: Partial<SearchRequest>) =>
    (await store.search({ query: '*', size: 100, sort: [{ field: 'timestamp', sortOrder: 'asc' }], ...request })).results.map((r) => r.id);

  beforeAll(async () => {
    store = await openDuckDbSearchStore({ path: ':memory:' });
    await store.write('bro', bro);
    await store.write('snort', snort);
  });
  afterAll(async () => {
    await store.close();
  });

  it('lists indices and returns whole documents across indices', async () => {
    expect(await store.indices()).toEqual(['bro', 'snort']);
    const response = await store.search({ query: '*', sort: [{ field: 'timestamp', sortOrder: 'asc' }] });
    expect(response).toEqual({
      total: 4,
      results: [hit('bro_index', bro[0]!), hit('snort_index', snort[0]!), hit('bro_index', bro[1]!), hit('bro_index', bro[2]!)],
    });
  });

  it('defaults to timestamp descending and Metron page size 10', async () => {
    expect((await store.search({ query: '*' })).results.map((r) => r.id)).toEqual(['b3', 'b2', 's1', 'b1']);
    expect((await store.search({ query: '*', indices: ['bro'], size: 2 })).results.map((r) => r.id)).toEqual(['b3', 'b2']);
  });

  it('filters by field, phrase, escapes, numbers, booleans', async () => {
    expect(await ids({ query: 'ip_src_addr:10.0.0.1' })).toEqual(['b1', 's1', 'b3']);
    expect(await ids({ query: 'ip_src_addr:10\\.0\\.0\\.1', indices: ['bro'] })).toEqual(['b1', 'b3']);
    expect(await ids({ query: 'enrichments.geo.ip_dst_addr.country:US' })).toEqual(['b1', 'b3']);
    expect(await ids({ query: 'ip_dst_port:443' })).toEqual(['b2']);
    expect(await ids({ query: 'ip_dst_port:abc' })).toEqual([]);
    expect(await ids({ query: 'threat.triage.score:2.5' })).toEqual(['b3']);
    expect(await ids({ query: 'is_alert:true' })).toEqual(['s1', 'b2']);
    expect(await ids({ query: 'original_string:"TLS handshake"' })).toEqual(['b2']);
    expect(await ids({ query: 'tags:b' })).toEqual(['b1', 'b2']);
  });

  it('combines with AND, OR, NOT, groups, exists and wildcards', async () => {
    expect(await ids({ query: 'protocol:http OR protocol:ssh' })).toEqual(['b1', 'b3']);
    expect(await ids({ query: 'protocol:http protocol:ssh' })).toEqual(['b1', 'b3']);
    expect(await ids({ query: 'ip_src_addr:10.0.0.1 AND NOT protocol:ssh' })).toEqual(['b1', 's1']);
    expect(await ids({ query: 'ip_src_addr:10.0.0.1 && !(protocol:ssh || protocol:http)' })).toEqual(['s1']);
    // NOT matches documents without the field, as in Lucene.
    expect(await ids({ query: 'NOT is_alert:true' })).toEqual(['b1', 'b3']);
    expect(await ids({ query: 'threat.triage.score:*' })).toEqual(['b3']);
    expect(await ids({ query: '_exists_:sig_id' })).toEqual(['s1']);
    expect(await ids({ query: 'protocol:http*' })).toEqual(['b1', 'b2']);
    expect(await ids({ query: 'protocol:(ssh OR https)' })).toEqual(['b2', 'b3']);
  });

  it('searches bare terms across fields and original_string', async () => {
    expect(await ids({ query: '10.0.0.2' })).toEqual(['b2']);
    expect(await ids({ query: 'handshake' })).toEqual(['b2']);
    expect(await ids({ query: '443' })).toEqual(['b2']);
    expect(await ids({ query: 'ssh NOT https' })).toEqual(['b3']);
  });

  it('matches nothing for unknown fields and indices', async () => {
    expect(await store.search({ query: 'no_such_field:1' })).toEqual({ total: 0, results: [] });
    expect(await ids({ query: 'NOT no_such_field:1' })).toEqual(['b1', 's1', 'b2', 'b3']);
    expect(await store.search({ query: '*', indices: ['nope'], facetFields: ['protocol'] })).toEqual({
      total: 0, results: [], facetCounts: { protocol: {} },
    });
    expect(await ids({ query: '*', indices: ['nope', 'snort'] })).toEqual(['s1']);
    expect(await ids({ query: '*', indices: ['snort_index'] })).toEqual(['s1']);
    expect(await ids({ query: '*', indices: ['bro"; DROP TABLE bro_index; --'] })).toEqual([]);
  });

  it('sorts, pages and projects', async () => {
    expect(await ids({ sort: [{ field: 'ip_src_addr', sortOrder: 'desc' }, { field: 'timestamp', sortOrder: 'DESC' }] })).toEqual(['b2', 'b3', 's1', 'b1']);
    // Documents without the sort field come last either way.
    expect(await ids({ sort: [{ field: 'ip_dst_port', sortOrder: 'asc' }] })).toEqual(['b3', 'b1', 'b2', 's1']);
    expect(await ids({ sort: [{ field: 'ip_dst_port', sortOrder: 'desc' }] })).toEqual(['b2', 'b1', 'b3', 's1']);
    // Unknown sort fields are ignored (as Metron's ES DAO sorts unmapped fields); ties by index, guid.
    expect(await ids({ sort: [{ field: 'nope', sortOrder: 'asc' }] })).toEqual(['b1', 'b2', 'b3', 's1']);
    const page = await store.search({ query: '*', from: 1, size: 2, sort: [{ field: 'timestamp', sortOrder: 'asc' }], fields: ['ip_src_addr', 'protocol', 'nope'] });
    expect(page).toEqual({
      total: 4,
      results: [
        { id: 's1', index: 'snort_index', source: { ip_src_addr: '10.0.0.1' }, score: 1 },
        { id: 'b2', index: 'bro_index', source: { ip_src_addr: '10.0.0.2', protocol: 'https' }, score: 1 },
      ],
    });
    expect(await store.search({ query: '*', from: 10, size: 5 })).toEqual({ total: 4, results: [] });
    expect(await store.search({ query: '*', size: 0 })).toEqual({ total: 4, results: [] });
  });

  it('counts facets as strings, over the matching documents', async () => {
    const response = await store.search({
      query: 'ip_src_addr:10.0.0.1', size: 0,
      facetFields: ['protocol', 'is_alert', 'ip_dst_port', 'tags', 'threat.triage.score', 'nope', 'ip_src_addr'],
    });
    expect(response).toEqual({
      total: 3,
      results: [],
      facetCounts: {
        protocol: { http: 1, ssh: 1 },
        is_alert: { false: 1, true: 1 },
        ip_dst_port: { 22: 1, 80: 1 },
        tags: { a: 1, b: 1 },
        'threat.triage.score': { '2.5': 1 },
        nope: {},
        ip_src_addr: { '10.0.0.1': 3 },
      },
    });
    const all = await store.search({ query: '*', size: 0, facetFields: ['enrichments.geo.ip_dst_addr.country', 'tags'] });
    expect(all.facetCounts).toEqual({ 'enrichments.geo.ip_dst_addr.country': { US: 2, DE: 1 }, tags: { b: 2, a: 1 } });
    expect(Object.keys(all.facetCounts!['enrichments.geo.ip_dst_addr.country']!)).toEqual(['US', 'DE']);
  });

  it('finds one document by guid and sensor', async () => {
    expect(await store.findOne({ guid: 'b3', sensorType: 'bro' })).toEqual(bro[2]);
    expect(await store.findOne({ guid: 'b3', sensorType: 'snort' })).toBeNull();
    expect(await store.findOne({ guid: 'b3', sensorType: 'nope' })).toBeNull();
    expect(await store.findOne({ guid: "' OR 1=1 --", sensorType: 'bro' })).toBeNull();
  });

  it('reports column metadata in Metron field types', async () => {
    expect(await store.columnMetadata(['bro'])).toEqual({
      guid: 'keyword', 'source.type': 'keyword', timestamp: 'date', ip_src_addr: 'ip', ip_dst_port: 'long', protocol: 'keyword',
      is_alert: 'boolean', 'enrichments.geo.ip_dst_addr.country': 'keyword', tags: 'other', original_string: 'keyword',
      'threat.triage.score': 'double',
    });
  });

  it('refuses invalid requests', async () => {
    const tooBig = await expectError(store.search({ query: '*', size: 1_000_000 }), 'INPUT_INVALID');
    expect(tooBig.message).toContain('at most 10000');
    await expectError(store.search({ query: '*', from: 9_999, size: 2 }), 'INPUT_INVALID');
    await expectError(store.search({ query: '*', from: -1 }), 'INPUT_INVALID');
    await expectError(store.search({ query: '*', size: 1.5 }), 'INPUT_INVALID');
    await expectError(store.search({ query: '*', sort: [{ field: 'timestamp', sortOrder: 'sideways' as 'asc' }] }), 'INPUT_INVALID');
    const invalid = await expectError(store.search({ query: 'protocol:(http' }), 'QUERY_INVALID');
    expect(invalid.details).toMatchObject({ position: 9 });
  });
});

describe('DuckDB search store: writes', () => {
  const open: DuckDbSearchStore[] = [];
  const openStore = async (path = ':memory:') => {
    const store = await openDuckDbSearchStore({ path });
    open.push(store);
    return store;
  };
  afterEach(async () => {
    await Promise.all(open.splice(0).map((store) => store.close()));
  });

  it('adds columns for new fields, and they are filterable and faceted', async () => {
    const store = await openStore();
    await store.write('bro', [{ guid: 'a', timestamp: 1 }]);
    expect(store.fields('bro').map((f) => f.field)).toEqual(['guid', 'timestamp']);
    await store.write('bro', [{ guid: 'b', timestamp: 2, 'enrichments.geo.ip_dst_addr.city': 'Paris' }]);
    expect(store.fields('bro')).toEqual([
      { field: 'guid', column: 'guid', type: 'VARCHAR' },
      { field: 'timestamp', column: 'timestamp', type: 'BIGINT' },
      { field: 'enrichments.geo.ip_dst_addr.city', column: 'enrichments.geo.ip_dst_addr.city', type: 'VARCHAR' },
    ]);
    const response = await store.search({ query: 'enrichments.geo.ip_dst_addr.city:Paris', facetFields: ['enrichments.geo.ip_dst_addr.city'] });
    expect(response).toEqual({
      total: 1,
      results: [hit('bro_index', { guid: 'b', timestamp: 2, 'enrichments.geo.ip_dst_addr.city': 'Paris' })],
      facetCounts: { 'enrichments.geo.ip_dst_addr.city': { Paris: 1 } },
    });
  });

  it('widens columns on type conflicts instead of failing', async () => {
    const store = await openStore();
    await store.write('x', [{ guid: '1', port: 80, ratio: 1, flag: true, list: 'plain', n: 5 }]);
    await store.write('x', [{ guid: '2', port: 'eighty', ratio: 0.5, flag: 1, list: ['a', 1], n: { deep: [1] } }]);
    // A batch with a conflict inside it.
    await store.write('x', [{ guid: '3', mixed: 1 }, { guid: '4', mixed: 'one' }]);
    expect(store.fields('x').map((f) => [f.field, f.type])).toEqual([
      ['guid', 'VARCHAR'], ['port', 'VARCHAR'], ['ratio', 'DOUBLE'], ['flag', 'VARCHAR'], ['list', 'JSON'], ['n', 'JSON'], ['mixed', 'VARCHAR'],
    ]);
    const response = await store.search({ query: '*', sort: [{ field: 'guid', sortOrder: 'asc' }] });
    expect(response.results.map((r) => r.source)).toEqual([
      // Widened to text: earlier numbers and booleans read back as their text; JSON keeps types.
      { guid: '1', port: '80', ratio: 1, flag: 'true', list: 'plain', n: 5 },
      { guid: '2', port: 'eighty', ratio: 0.5, flag: '1', list: ['a', 1], n: { deep: [1] } },
      { guid: '3', mixed: '1' },
      { guid: '4', mixed: 'one' },
    ]);
    expect((await store.search({ query: 'port:80' })).results.map((r) => r.id)).toEqual(['1']);
    expect((await store.search({ query: 'n:5' })).results.map((r) => r.id)).toEqual(['1']);
    expect((await store.search({ query: 'list:a OR list:plain', sort: [{ field: 'guid', sortOrder: 'asc' }] })).results.map((r) => r.id)).toEqual(['1', '2']);
  });

  it('ignores duplicate guids across batches and within a batch (first wins)', async () => {
    const store = await openStore();
    await store.write('bro', [{ guid: 'g1', v: 'first' }, { guid: 'g2', v: 'a' }, { guid: 'g1', v: 'second' }]);
    await store.write('bro', [{ guid: 'g2', v: 'b' }, { guid: 'g3', v: 'c' }]);
    await store.write('bro', [{ guid: 'g3', v: 'd' }]);
    const response = await store.search({ query: '*', sort: [{ field: 'guid', sortOrder: 'asc' }] });
    expect(response).toEqual({
      total: 3,
      results: [hit('bro_index', { guid: 'g1', v: 'first' }), hit('bro_index', { guid: 'g2', v: 'a' }), hit('bro_index', { guid: 'g3', v: 'c' })],
    });
  });

  it('survives a reopen with data and catalog intact', async () => {
    const path = join(dir, 'reopen.duckdb');
    let store = await openStore(path);
    await store.write('bro', bro);
    await store.write('bro', [{ guid: 'b4', Protocol: 'upper', ip_dst_port: 'text now', 'a"b': 1 }]);
    const fields = store.fields('bro');
    const before = await store.search({ query: '*', size: 10, facetFields: ['ip_dst_port'] });
    await expectError(openDuckDbSearchStore({ path }), 'STORAGE_FAILED');
    await store.close();
    open.pop();

    store = await openStore(path);
    expect(store.fields('bro')).toEqual(fields);
    expect(await store.search({ query: '*', size: 10, facetFields: ['ip_dst_port'] })).toEqual(before);
    // The renamed case-twin column still maps to its field, for reads and writes.
    await store.write('bro', [{ guid: 'b5', Protocol: 'again', protocol: 'lower' }]);
    expect(await store.findOne({ guid: 'b5', sensorType: 'bro' })).toEqual({ guid: 'b5', Protocol: 'again', protocol: 'lower' });
    expect((await store.search({ query: 'Protocol:upper' })).results.map((r) => r.id)).toEqual(['b4']);
  });

  it('stores hostile field names and values as data, never as SQL', async () => {
    const store = await openStore();
    const evil: Message = {
      guid: "x' OR 1=1 --",
      'a"b': 'quote',
      'x; DROP TABLE bro_index; --': 'semicolon',
      '': 'empty name',
      Host: 'upper',
      host: 'lower',
      msg: "' OR 1=1 --",
      'nul\u0000name': 'nul',
      text: 'nul\u0000inside and lone \ud800 surrogate',
    };
    await store.write('bro', [evil, { guid: 'plain', msg: 'benign' }]);
    expect(await store.findOne({ guid: "x' OR 1=1 --", sensorType: 'bro' })).toEqual({
      ...evil, text: 'nul\u0000inside and lone \ufffd surrogate',
    });
    const ids = async (query: string) => (await store.search({ query })).results.map((r) => r.id);
    expect(await ids(`msg:"' OR 1=1 --"`)).toEqual(["x' OR 1=1 --"]);
    expect(await ids(`msg:benign`)).toEqual(['plain']);
    expect(await ids('a\\"b:quote')).toEqual(["x' OR 1=1 --"]);
    expect(await ids('x\\;\\ DROP\\ TABLE\\ bro_index\\;\\ --:semicolon')).toEqual(["x' OR 1=1 --"]);
    expect(await ids('host:lower')).toEqual(["x' OR 1=1 --"]);
    expect(await ids('host:upper')).toEqual([]);
    expect(await ids(`guid:"x' OR 1=1 --"`)).toEqual(["x' OR 1=1 --"]);
    const facets = await store.search({ query: '*', facetFields: ['a"b', 'Host', 'x; DROP TABLE bro_index; --'] });
    expect(facets.facetCounts).toEqual({ 'a"b': { quote: 1 }, Host: { upper: 1 }, 'x; DROP TABLE bro_index; --': { semicolon: 1 } });
    expect(await store.indices()).toEqual(['bro']);
    await expectError(store.write('bro"; DROP TABLE x; --', [{ guid: '1' }]), 'INPUT_INVALID');
  });

  it('lets searches run while a write is in progress', async () => {
    const store = await openStore();
    await store.write('bro', [{ guid: 'first', timestamp: 1 }]);
    const big = Array.from({ length: 20_000 }, (_, i) => ({ guid: `m${i}`, timestamp: i, ip_src_addr: `10.0.${i % 256}.1`, n: i }));
    const writing = store.write('bro', big);
    const during = await store.search({ query: '*' });
    await writing;
    // The search saw a consistent snapshot: before the batch or after it, never part of it.
    expect([1, 20_001]).toContain(during.total);
    expect((await store.search({ query: '*', size: 0 })).total).toBe(20_001);
  });

  it('refuses use after close', async () => {
    const store = await openDuckDbSearchStore({ path: ':memory:' });
    await store.close();
    await expectError(store.search({ query: '*' }), 'STORAGE_FAILED');
    await expectError(store.write('bro', [{ guid: '1' }]), 'STORAGE_FAILED');
  });
});

describe('DuckDB search store: writeJson (fast path)', () => {
  const open: DuckDbSearchStore[] = [];
  const openStore = async (options: { path?: string; fastWrite?: boolean } = {}) => {
    const store = await openDuckDbSearchStore({ path: ':memory:', ...options });
    open.push(store);
    return store;
  };
  afterEach(async () => {
    await Promise.all(open.splice(0).map((store) => store.close()));
  });
  const lines = (...texts: string[]) => texts.map((text) => Buffer.from(text));
  const json = (...messages: Message[]) => lines(...messages.map((m) => JSON.stringify(m)));
  const all = async (store: DuckDbSearchStore) => {
    const fields = [...new Set(store.fields('x').map((f) => f.field))];
    return store.search({ query: '*', size: 100, sort: [{ field: 'guid', sortOrder: 'asc' }], facetFields: fields });
  };

  /**
   * Writes each batch of raw lines with writeJson, and its JSON.parse'd messages through the
   * statement path (what the index stage did before): schema, documents and facet texts (which show
   * the stored text of JSON columns) must be the same.
   */
  async function expectParity(batches: string[][]): Promise<DuckDbSearchStore> {
    const fast = await openStore();
    const reference = await openStore({ fastWrite: false });
    for (const batch of batches) {
      await fast.writeJson('x', lines(...batch));
      await reference.write('x', batch.map((line) => JSON.parse(line) as Message));
    }
    expect(fast.fields('x')).toEqual(reference.fields('x'));
    expect(await all(fast)).toEqual(await all(reference));
    expect(reference.writeStats()).toEqual({ fastBatches: 0, statementBatches: batches.length });
    return fast;
  }

  it('round-trips every value type exactly as the statement path', async () => {
    const message: Message = {
      guid: 'v1', s: 'text é€😀 "q" \\ /', i: 42, neg: -7, big: 2 ** 60, d: 0.1, tiny: 1e-7, huge: 1e21, t: true, f: false,
      arr: ['a', 1, 2.5, null, true, [1e-7]], obj: { k: 'v', n: 1.5, deep: { x: [1] } }, empty: [], emptyObj: {}, timestamp: 1_700_000_000_000,
      ctl: 'a\u0001b\nc',
    };
    const store = await expectParity([
      [JSON.stringify(message), JSON.stringify({ guid: 'v2', s: null, i: 0, timestamp: 1500.7, arr: 'plain' })],
    ]);
    expect(store.writeStats()).toEqual({ fastBatches: 1, statementBatches: 0 });
    expect(await store.findOne({ guid: 'v1', sensorType: 'x' })).toEqual(message);
    expect(await store.findOne({ guid: 'v2', sensorType: 'x' })).toEqual({ guid: 'v2', i: 0, timestamp: 1500, arr: 'plain' });
    expect(store.fields('x').map((f) => [f.field, f.type])).toEqual([
      ['guid', 'VARCHAR'], ['s', 'VARCHAR'], ['i', 'BIGINT'], ['neg', 'BIGINT'], ['big', 'DOUBLE'], ['d', 'DOUBLE'], ['tiny', 'DOUBLE'],
      ['huge', 'DOUBLE'], ['t', 'BOOLEAN'], ['f', 'BOOLEAN'], ['arr', 'JSON'], ['obj', 'JSON'], ['empty', 'JSON'], ['emptyObj', 'JSON'],
      ['timestamp', 'BIGINT'], ['ctl', 'VARCHAR'],
    ]);
  });

  it('stores what JSON.parse reads, whatever the spelling of the line', async () => {
    const store = await expectParity([
      [
        '{"guid":"r1","n":2.0,"e":1E2,"arr":[1.0,2e0,-0],"obj":{"k":1,"k":2},"txt":"a","ws" : [ "x" , "y" ] }',
        '{\n  "guid": "r2",\n  "txt": 1e-7,\n  "neg0": -0\n}',
        '{"guid":"r3","txt":2.0,"esc":"\\u0041\\/"}',
      ],
    ]);
    expect(await store.findOne({ guid: 'r1', sensorType: 'x' })).toEqual({ guid: 'r1', n: 2, e: 100, arr: [1, 2, 0], obj: { k: 2 }, txt: 'a', ws: ['x', 'y'] });
    // txt is a VARCHAR column: numbers are stored as the statement path stores them (parity above).
    expect(await store.findOne({ guid: 'r2', sensorType: 'x' })).toMatchObject({ guid: 'r2', neg0: 0 });
    expect(await store.findOne({ guid: 'r3', sensorType: 'x' })).toEqual({ guid: 'r3', txt: '2', esc: 'A/' });
    expect((await store.search({ query: 'arr:1' })).results.map((r) => r.id)).toEqual(['r1']);
  });

  it('stores integers inside arrays as the statement path does, spelled plainly or not', async () => {
    const store = await expectParity([
      ['{"guid":"i1","ttl":[30,60],"nested":[[1],[-2,0]],"big":[123456789012345]}', '{"guid":"i2","ttl":[7]}'],
      ['{"guid":"i3","ttl":[3.0,4e0],"nested":[[1E1]]}', '{"guid":"i4","ttl":[-0]}'],
      ['{"guid":"i5","ttl":[1,2.0]}'],
    ]);
    expect(store.writeStats()).toEqual({ fastBatches: 3, statementBatches: 0 });
    expect(await store.findOne({ guid: 'i3', sensorType: 'x' })).toEqual({ guid: 'i3', ttl: [3, 4], nested: [[10]] });
  });

  it('adds columns for new fields and widens through the fast path', async () => {
    const store = await expectParity([
      ['{"guid":"1","port":80,"ratio":1,"flag":true,"list":"plain","n":5}'],
      ['{"guid":"2","port":"eighty","ratio":0.5,"flag":1,"list":["a",1],"n":{"deep":[1]},"added":"new"}'],
      ['{"guid":"3","mixed":1}', '{"guid":"4","mixed":"one"}', '{"guid":"5","port":443,"flag":false}'],
    ]);
    expect(store.writeStats()).toEqual({ fastBatches: 3, statementBatches: 0 });
    expect(store.fields('x').map((f) => [f.field, f.type])).toEqual([
      ['guid', 'VARCHAR'], ['port', 'VARCHAR'], ['ratio', 'DOUBLE'], ['flag', 'VARCHAR'], ['list', 'JSON'], ['n', 'JSON'], ['added', 'VARCHAR'], ['mixed', 'VARCHAR'],
    ]);
    const sources = (await store.search({ query: '*', sort: [{ field: 'guid', sortOrder: 'asc' }] })).results.map((r) => r.source);
    expect(sources).toEqual([
      { guid: '1', port: '80', ratio: 1, flag: 'true', list: 'plain', n: 5 },
      { guid: '2', port: 'eighty', ratio: 0.5, flag: '1', list: ['a', 1], n: { deep: [1] }, added: 'new' },
      { guid: '3', mixed: '1' },
      { guid: '4', mixed: 'one' },
      { guid: '5', port: '443', flag: 'false' },
    ]);
  });

  it('never lets DuckDB narrow a value: 1.5 into BIGINT widens to DOUBLE, "abc" and "5" stay text', async () => {
    const store = await openStore();
    await store.writeJson('x', lines('{"guid":"a","n":1,"m":1,"k":1,"b":true}'));
    await store.writeJson('x', lines('{"guid":"b","n":1.5,"m":"abc","k":"5","b":"yes"}'));
    expect(store.fields('x').map((f) => [f.field, f.type])).toEqual([['guid', 'VARCHAR'], ['n', 'DOUBLE'], ['m', 'VARCHAR'], ['k', 'VARCHAR'], ['b', 'VARCHAR']]);
    expect(await store.findOne({ guid: 'b', sensorType: 'x' })).toEqual({ guid: 'b', n: 1.5, m: 'abc', k: '5', b: 'yes' });
    expect(await store.findOne({ guid: 'a', sensorType: 'x' })).toEqual({ guid: 'a', n: 1, m: '1', k: '1', b: 'true' });
    expect(store.writeStats()).toEqual({ fastBatches: 2, statementBatches: 0 });
  });

  it('ignores duplicate guids across batches and within a batch (first wins), and fills missing guids', async () => {
    const store = await openStore();
    await store.writeJson('x', json({ guid: 'g1', v: 'first' }, { guid: 'g2', v: 'a' }, { guid: 'g1', v: 'second' }));
    await store.writeJson('x', json({ guid: 'g2', v: 'b' }, { guid: 'g3', v: 'c' }));
    await store.writeJson('x', json({ guid: 'g3', v: 'd' }, { v: 'no guid' }, { guid: null, v: 'null guid' }, { guid: 5, v: 'number guid' }));
    const response = await store.search({ query: '*', size: 10, sort: [{ field: 'v', sortOrder: 'asc' }] });
    expect(response.results.map((r) => r.source.v)).toEqual(['a', 'c', 'first', 'no guid', 'null guid', 'number guid']);
    expect(await store.findOne({ guid: '5', sensorType: 'x' })).toEqual({ guid: '5', v: 'number guid' });
    for (const result of response.results) expect(typeof result.id).toBe('string');
    expect(store.writeStats()).toEqual({ fastBatches: 3, statementBatches: 0 });
  });

  it('stores hostile and odd field names as data, matching the statement path', async () => {
    const hostile: Message = {
      guid: "x' OR 1=1 --",
      "it's": 'single quote',
      'a"b': 'double quote',
      "a': 'VARCHAR', 'b": 'struct injection',
      "x'); DROP TABLE x_index; --": 'drop',
      'back\\slash': 'backslash',
      '': 'empty name',
      Host: 'upper',
      host: 'lower',
      'nul\u0000name': 'nul',
      GUID: 'case twin of guid',
    };
    const store = await expectParity([[JSON.stringify(hostile), JSON.stringify({ guid: 'plain', host: 'benign' })]]);
    expect(await store.findOne({ guid: "x' OR 1=1 --", sensorType: 'x' })).toEqual(hostile);
    expect((await store.search({ query: "it\\'s:\"single quote\"" })).results.map((r) => r.id)).toEqual(["x' OR 1=1 --"]);
    expect(await store.indices()).toEqual(['x']);
    expect(store.writeStats()).toEqual({ fastBatches: 1, statementBatches: 0 });
  });

  it('falls back to the statement path for batches DuckDB cannot read (unpaired surrogates, duplicate keys)', async () => {
    const store = await expectParity([
      ['{"guid":"s1","text":"lone \\ud800 surrogate"}'],
      ['{"guid":"d1","v":1,"v":2}'],
    ]);
    expect(await store.findOne({ guid: 's1', sensorType: 'x' })).toEqual({ guid: 's1', text: 'lone \ufffd surrogate' });
    expect(await store.findOne({ guid: 'd1', sensorType: 'x' })).toEqual({ guid: 'd1', v: 2 });
    expect(store.writeStats()).toEqual({ fastBatches: 0, statementBatches: 2 });
  });

  /** Writes messages as JSON.stringify lines with the fields StringifiedFields observed (as the parse worker does), or null if it refused one. */
  async function writeObserved(store: DuckDbSearchStore, messages: Message[]): Promise<boolean> {
    const observed = new StringifiedFields();
    for (const message of messages) if (!observed.observe(message)) return false;
    await store.writeJson('x', json(...messages), observed.fields);
    return true;
  }

  it('stores lines given with their observed fields exactly as it stores the same lines scanned', async () => {
    // values JSON.stringify leaves out or writes as null are part of the test
    const batches = [
      [
        {
          guid: 'v1', s: 'text é€😀 "q" \\ /', i: 42, neg: -7, big: 2 ** 60, d: 0.1, tiny: 1e-7, huge: 1e21, t: true, f: false,
          arr: ['a', 1, 2.5, null, true, [1e-7], -0, Number.NaN, undefined], obj: { k: 'v', n: 1.5, deep: { x: [1] }, gone: undefined, 'c\u0001': 'ctl' },
          empty: [], emptyObj: {}, timestamp: 1_700_000_000_000, ctl: 'a\u0001b\nc', nested: ['x\ny'], skipped: undefined, none: null,
        },
        { guid: 'v2', i: 0, timestamp: 1500.7, arr: 'plain', lone: 'a \ud800 b' },
      ],
      // widening across batches: BIGINT to DOUBLE to VARCHAR, BOOLEAN to VARCHAR, VARCHAR to JSON
      [{ guid: 'w1', port: 80, ratio: 1, flag: true, list: 'plain', timestamp: 1 }],
      [{ guid: 'w2', port: 'eighty', ratio: 0.5, flag: 1, list: ['a', 1], timestamp: 2 }, { guid: 'w3', port: 443.5, list: { k: [1, 'x'] } }],
    ] as unknown as Message[][];
    const typed = await openStore();
    const scanned = await openStore();
    for (const batch of batches) {
      expect(await writeObserved(typed, batch)).toBe(true);
      await scanned.writeJson('x', json(...batch));
    }
    expect(typed.fields('x')).toEqual(scanned.fields('x'));
    expect(await all(typed)).toEqual(await all(scanned));
    expect(typed.writeStats()).toEqual(scanned.writeStats());
  });

  it('keeps one row of a line given twice with observed fields (a batch taken in again)', async () => {
    const store = await openStore();
    const observed = new StringifiedFields();
    const message = { guid: 'twice', v: 1 };
    observed.observe(message);
    await store.writeJson('x', json(message, { ...message }), observed.fields);
    expect((await store.search({ query: '*' })).total).toBe(1);
  });

  it('refuses to observe what JSON.stringify writes as another type than the object holds', () => {
    const refused: Message[] = [
      { guid: 5, v: 1 },
      { guid: 'a', v: Number.NaN },
      { guid: 'a', v: Number.POSITIVE_INFINITY },
      { guid: 'a', v: -0 },
      { guid: 'a', v: new Date(0) as unknown as string },
      { guid: 'a', v: [new Date(0)] as unknown as string[] },
      { guid: 'a', v: { toJSON: () => 'text' } as unknown as string },
      { guid: 'a', v: new Map() as unknown as string },
      { guid: 'a', v: { deep: [10n] } as unknown as string },
      { guid: 'a', v: 10n as unknown as string },
    ];
    for (const message of refused) expect(new StringifiedFields().observe(message)).toBe(false);
    const accepted = new StringifiedFields();
    expect(accepted.observe({ guid: 'a', gone: undefined, fn: () => 1, inner: [-0, Number.NaN], proto: Object.create(null) as Message } as unknown as Message)).toBe(true);
    expect([...accepted.fields.keys()]).toEqual(['inner', 'proto']);
  });

  it('refuses a batch with a line that is not a JSON object, writing none of it', async () => {
    const store = await openStore();
    const error = await expectError(store.writeJson('x', lines('{"guid":"ok"}', '{"guid":')), 'INPUT_INVALID');
    expect(error.details).toMatchObject({ index: 1 });
    await expectError(store.writeJson('x', lines('[1,2]')), 'INPUT_INVALID');
    await expectError(store.writeJson('bad name!', lines('{"guid":"ok"}')), 'INPUT_INVALID');
    expect(await store.indices()).toEqual([]);
  });

  it('writes a batch of bulkRows (a row group) straight to the database file, past the WAL', async () => {
    // What the index stage's bulk writes rely on (DuckDB's optimistic writes): if a DuckDB upgrade
    // changes it, this fails and the bulk writes no longer pay for the memory they hold.
    const path = join(dir, 'bulk.duckdb');
    const store = await openStore({ path });
    expect(store.bulkRows).toBe(122_880);
    const messages = (from: number, n: number) => Array.from({ length: n }, (_, i) => ({ guid: `g${from + i}`, n: from + i, host: `host-${(from + i) % 97}`, timestamp: 1_700_000_000_000 + from + i }));
    const walBytes = async () => (await stat(`${path}.wal`).catch(() => ({ size: 0 }))).size;
    const write = async (batch: Message[]) => {
      const observed = new StringifiedFields();
      for (const message of batch) expect(observed.observe(message)).toBe(true);
      await store.writeJson('x', batch.map((m) => Buffer.from(JSON.stringify(m))), observed.fields);
    };
    await write(messages(0, 10_000));
    const afterSmall = await walBytes();
    expect(afterSmall).toBeGreaterThan(100_000); // ~10,000 rows in the WAL
    await write(messages(10_000, store.bulkRows));
    // 12 times as many rows, and the WAL took a small fraction of what the 10,000 took
    expect(await walBytes() - afterSmall).toBeLessThan(afterSmall / 4);
    expect((await store.search({ query: '*', size: 0 })).total).toBe(10_000 + store.bulkRows);
    expect((await store.search({ query: 'n:130000' })).results.map((r) => r.source['host'])).toEqual([`host-${130_000 % 97}`]);
  }, 30_000);

  it('spools batches beside the database file and removes the files', async () => {
    const path = join(dir, 'spool.duckdb');
    const spool = `${path}.ingest`;
    await mkdir(spool, { recursive: true });
    await writeFile(join(spool, 'stale-1.ndjson'), '{"guid":"stale"}');
    const store = await openStore({ path });
    expect(await readdir(spool)).toEqual([]);
    await store.writeJson('x', json({ guid: '1', a: 1 }));
    await store.writeJson('x', lines('{"guid":"2","text":"lone \\ud800"}')); // read_json refuses: fallback
    await expectError(store.writeJson('x', lines('nope')), 'INPUT_INVALID');
    expect(await readdir(spool)).toEqual([]);
    expect((await store.search({ query: '*' })).total).toBe(2);
    await store.close();
    open.pop();
    await expect(readdir(spool)).rejects.toThrow();
  });
});
