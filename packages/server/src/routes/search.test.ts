// The search routes on a real DuckDB store: Metron shapes, time ranges, and hostile requests
// answered 4xx with a message (never 5xx, never a SQL error).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import type { Message } from '@metron/core';
import { openDuckDbSearchStore, type DuckDbSearchStore } from '@metron/storage';
import { createServer } from '../app.js';
import { basic, fakeDeps, tempUserStore } from '../testing.js';

const ANALYST = basic('analyst', 'analyst-password');
const T0 = Date.UTC(2023, 10, 14);
const HOUR = 3_600_000;

const bro: Message[] = Array.from({ length: 12 }, (_, i) => ({
  guid: `b${i}`, 'source.type': 'bro', timestamp: T0 + i * HOUR, ip_src_addr: `10.0.0.${i % 3}`, ip_dst_port: i % 2 === 0 ? 80 : 443,
  protocol: i % 2 === 0 ? 'http' : 'ssl', 'threat.triage.score': i, original_string: `bro event ${i}`,
}));
const snort: Message[] = [
  { guid: 's1', 'source.type': 'snort', timestamp: T0 + 5 * HOUR, ip_src_addr: '10.0.0.1', sig_id: 1000, msg: "' OR 1=1 --", 'threat.triage.score': 100 },
];

let app: FastifyInstance;
let store: DuckDbSearchStore;
let cleanup: () => Promise<void>;

beforeAll(async () => {
  const t = await tempUserStore();
  cleanup = t.cleanup;
  await t.users.createUser('analyst', 'analyst-password', ['user']);
  store = await openDuckDbSearchStore({ path: ':memory:' });
  await store.write('bro', bro);
  await store.write('snort', snort);
  app = await createServer(fakeDeps(t.users, { searchStore: store }));
});

afterAll(async () => {
  await app.close();
  await store.close();
  await cleanup();
});

async function post(url: string, payload: unknown) {
  const res = await app.inject({ method: 'POST', url: `/api/v1/search/${url}`, headers: { authorization: ANALYST }, payload: payload as object });
  return { status: res.statusCode, body: res.json() };
}

describe('search routes on DuckDB', () => {
  it('searches with Lucene syntax and a time range as Metron\'s UI sends it', async () => {
    const { status, body } = await post('search', {
      indices: ['bro', 'snort'], query: `(ip_src_addr:10.0.0.1 OR sig_id:1000) AND timestamp:[${T0 + 4 * HOUR} TO ${T0 + 7 * HOUR}]`,
      from: 0, size: 10, sort: [{ field: 'timestamp', sortOrder: 'asc' }], facetFields: ['source.type'],
    });
    expect(status).toBe(200);
    expect(body.total).toBe(3);
    expect(body.results.map((r: { id: string }) => r.id)).toEqual(['b4', 's1', 'b7']);
    expect(body.facetCounts).toEqual({ 'source.type': { bro: 2, snort: 1 } });
    const iso = await post('search', { query: 'timestamp:[2023-11-14T10:00:00Z TO *] AND ip_dst_port:>=443', size: 0 });
    expect(iso).toEqual({ status: 200, body: { total: 1, results: [] } });
  });

  it('groups in Metron\'s GroupResponse shape', async () => {
    const { status, body } = await post('group', {
      indices: ['bro'], query: 'ip_dst_port:80', scoreField: 'threat.triage.score',
      groups: [{ field: 'ip_src_addr', order: { groupOrderType: 'COUNT', sortOrder: 'DESC' } }, { field: 'protocol' }],
    });
    expect(status).toBe(200);
    expect(body).toEqual({
      groupedBy: 'ip_src_addr',
      groupResults: [
        { key: '10.0.0.0', total: 2, score: 6, groupedBy: 'protocol', groupResults: [{ key: 'http', total: 2, score: 6 }] },
        { key: '10.0.0.1', total: 2, score: 14, groupedBy: 'protocol', groupResults: [{ key: 'http', total: 2, score: 14 }] },
        { key: '10.0.0.2', total: 2, score: 10, groupedBy: 'protocol', groupResults: [{ key: 'http', total: 2, score: 10 }] },
      ],
    });
  });

  it('finds many documents, reports column metadata and draws a histogram', async () => {
    const all = await post('findAll', [{ guid: 's1', sensorType: 'snort' }, { guid: 'b3', sensorType: 'bro' }, { guid: 'zz', sensorType: 'bro' }]);
    expect(all).toEqual({ status: 200, body: [snort[0], bro[3]] });
    const metadata = await post('column/metadata', ['bro', 'snort']);
    expect(metadata.status).toBe(200);
    expect(metadata.body).toMatchObject({ timestamp: 'date', ip_src_addr: 'ip', ip_dst_port: 'long', protocol: 'keyword', sig_id: 'long', msg: 'keyword' });
    expect((await post('column/metadata', [])).body).toHaveProperty('sig_id', 'long');
    const histogram = await post('histogram', { query: 'protocol:ssl', interval: '6h', indices: ['bro'] });
    expect(histogram).toEqual({
      status: 200, body: { field: 'timestamp', interval: 6 * HOUR, total: 6, buckets: [{ key: T0, count: 3 }, { key: T0 + 6 * HOUR, count: 3 }] },
    });
  });

  it('answers hostile and invalid requests with 4xx and a message', async () => {
    const cases: Array<[string, unknown, number, RegExp]> = [
      ['search', { query: '(((ip_src_addr' }, 400, /missing '\)'/],
      ['search', { query: '('.repeat(200) + 'a' + ')'.repeat(200) }, 400, /nesting deeper than 64/],
      ['search', { query: Array.from({ length: 2000 }, (_, i) => `f:${i}`).join(' ') }, 400, /more than 1024 clauses/],
      ['search', { query: 'a'.repeat(100_001) }, 400, /must NOT have more than 100000 characters|longer than/],
      ['search', { query: '*', size: 1_000_000 }, 400, /size/],
      ['search', { query: '*', from: 9_995, size: 10 }, 400, /from \+ size must be at most 10000/],
      ['search', { query: 'timestamp:[yesterday TO now]' }, 400, /is not a date for timestamp/],
      ['search', { query: "ip_src_addr:'; DROP TABLE bro_index; --" }, 400, /unexpected|position/],
      ['group', { query: '*', groups: [] }, 400, /groups/],
      ['group', { query: '*', groups: [{ field: 'a', order: { groupOrderType: 'SIZE' } }] }, 400, /groupOrderType/],
      ['group', { query: 'x:[1 TO', groups: [{ field: 'a' }] }, 400, /missing/],
      ['findAll', Array.from({ length: 1001 }, (_, i) => ({ guid: `g${i}`, sensorType: 'bro' })), 400, /1000/],
      ['findAll', [{ guid: 'x' }], 400, /sensorType/],
      ['histogram', { query: '*', interval: 0 }, 400, /interval/],
      ['histogram', { query: '*', interval: '1 fortnight' }, 400, /interval must be/],
      ['histogram', { query: '*', interval: 1 }, 200, /.*/],
      ['column/metadata', { indices: ['bro'] }, 400, /array/],
    ];
    for (const [url, payload, status, message] of cases) {
      const res = await post(url, payload);
      expect(res.status, `${url} ${JSON.stringify(payload).slice(0, 80)}`).toBe(status);
      if (status >= 400) {
        expect(res.body.status).toBe(status);
        expect(res.body.message, url).toMatch(message);
      }
    }
    // Hostile names are just names that match nothing.
    expect(await post('search', { query: 'x\\"\\;DROP:1 OR "\'; DROP TABLE bro_index; --"', indices: ['bro"; DROP TABLE x; --'] }))
      .toEqual({ status: 200, body: { total: 0, results: [] } });
    expect((await post('group', { query: '*', groups: [{ field: 'x"; DROP TABLE bro_index; --' }] })).body).toEqual({ groupedBy: 'x"; DROP TABLE bro_index; --', groupResults: [] });
    expect((await post('column/metadata', ['bro"; DROP TABLE bro_index; --'])).body).toEqual({});
    expect((await post('search', { query: '*', size: 0 })).body.total).toBe(13);
  });
});
