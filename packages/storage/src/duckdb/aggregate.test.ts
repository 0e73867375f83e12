import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MetronError } from '@metron/core';
import { CORPUS_DOCUMENTS, CORPUS_NOW } from '../query/test-corpus.js';
import { openDuckDbSearchStore, type DuckDbSearchStore } from './store.js';

const HOUR = 3_600_000;

async function expectError(promise: Promise<unknown>, code: string, message: RegExp): Promise<void> {
  const error = await promise.then(() => null, (err: unknown) => err);
  expect(error).toBeInstanceOf(MetronError);
  expect((error as MetronError).code).toBe(code);
  expect((error as MetronError).message).toMatch(message);
}

describe('DuckDB store: group, histogram, findAll, column metadata', () => {
  let store: DuckDbSearchStore;

  beforeAll(async () => {
    store = await openDuckDbSearchStore({ path: ':memory:', clock: () => CORPUS_NOW });
    for (const sensor of ['bro', 'snort']) {
      await store.write(sensor, CORPUS_DOCUMENTS.filter((d) => d.sensor === sensor).map((d) => d.message));
    }
  });
  afterAll(async () => {
    await store.close();
  });

  it('groups in nested levels with counts and summed scores, Metron order TERM DESC by default', async () => {
    const response = await store.group({
      query: '*', scoreField: 'threat.triage.score',
      groups: [{ field: 'ip_src_addr' }, { field: 'protocol', order: { groupOrderType: 'TERM', sortOrder: 'ASC' } }],
    });
    expect(response).toEqual({
      groupedBy: 'ip_src_addr',
      groupResults: [
        { key: '192.168.1.5', total: 1, score: 0, groupedBy: 'protocol', groupResults: [{ key: 'dns', total: 1, score: 0 }] },
        { key: '172.16.0.4', total: 1, score: 20, groupedBy: 'protocol', groupResults: [{ key: 'TCP', total: 1, score: 20 }] },
        { key: '10.0.0.2', total: 1, score: 50, groupedBy: 'protocol', groupResults: [{ key: 'ssl', total: 1, score: 50 }] },
        {
          key: '10.0.0.1', total: 3, score: 92.5, groupedBy: 'protocol',
          groupResults: [{ key: 'TCP', total: 1, score: 80 }, { key: 'http', total: 1, score: 0 }, { key: 'ssh', total: 1, score: 12.5 }],
        },
      ],
    });
  });

  it('orders by count, filters by the query and the indices, and leaves out documents without the field', async () => {
    const byCount = await store.group({ query: 'is_alert:* OR protocol:ssh', groups: [{ field: 'ip_dst_port', order: { groupOrderType: 'COUNT', sortOrder: 'DESC' } }] });
    expect(byCount).toEqual({
      groupedBy: 'ip_dst_port',
      groupResults: [{ key: '22', total: 2, score: 0 }, { key: '80', total: 1, score: 0 }, { key: '443', total: 1, score: 0 }, { key: '8080', total: 1, score: 0 }],
    });
    const nested = await store.group({ query: '*', indices: ['bro'], groups: [{ field: 'protocol', order: { sortOrder: 'asc' } }, { field: 'is_alert' }] });
    expect(nested.groupResults.map((g) => [g.key, g.total, g.groupResults])).toEqual([
      ['dns', 1, []], ['http', 1, [{ key: 'false', total: 1, score: 0 }]], ['ssh', 1, []], ['ssl', 1, [{ key: 'true', total: 1, score: 0 }]],
    ]);
    expect(await store.group({ query: '*', groups: [{ field: 'nope' }] })).toEqual({ groupedBy: 'nope', groupResults: [] });
    expect(await store.group({ query: '*', indices: ['nope'], groups: [{ field: 'protocol' }] })).toEqual({ groupedBy: 'protocol', groupResults: [] });
  });

  it('refuses invalid group requests with a message', async () => {
    await expectError(store.group({ query: '*', groups: [] }), 'INPUT_INVALID', /at least one field/);
    await expectError(store.group({ query: '*', groups: Array.from({ length: 9 }, () => ({ field: 'protocol' })) }), 'INPUT_INVALID', /at most 8 group levels/);
    await expectError(store.group({ query: '*', groups: [{ field: 'protocol', order: { groupOrderType: 'SIZE' as 'TERM' } }] }), 'INPUT_INVALID', /TERM or COUNT/);
    await expectError(store.group({ query: 'a AND', groups: [{ field: 'protocol' }] }), 'QUERY_INVALID', /position 5/);
  });

  it('counts documents per time bucket, with the query and a time range', async () => {
    const day = await store.histogram({ query: 'timestamp:[now-24h TO now]', interval: '6h' });
    const bucket = (hoursBefore: number) => Math.floor((CORPUS_NOW - hoursBefore * HOUR) / (6 * HOUR)) * 6 * HOUR;
    expect(day).toEqual({
      field: 'timestamp', interval: 6 * HOUR, total: 4,
      buckets: [{ key: bucket(20), count: 1 }, { key: bucket(3), count: 3 }],
    });
    const hourly = await store.histogram({ query: 'is_alert:true', interval: HOUR, indices: ['snort'] });
    expect(hourly.buckets).toEqual([{ key: CORPUS_NOW - 25 * HOUR, count: 1 }, { key: CORPUS_NOW - 3 * HOUR, count: 1 }]);
    expect(await store.histogram({ query: '*', field: 'ip_dst_port', interval: 1000 })).toMatchObject({
      total: 6, buckets: [{ key: 0, count: 5 }, { key: 8000, count: 1 }],
    });
    await store.write('numbers', [-11, -10, -1, 0, 5, 9, 10].map((delta, i) => ({ guid: `n${i}`, timestamp: CORPUS_NOW, delta, ratio: delta / 4 })));
    expect((await store.histogram({ query: '*', field: 'delta', interval: 10, indices: ['numbers'] })).buckets).toEqual([
      { key: -20, count: 1 }, { key: -10, count: 2 }, { key: 0, count: 3 }, { key: 10, count: 1 },
    ]);
    expect((await store.histogram({ query: '*', field: 'ratio', interval: 2.5, indices: ['numbers'] })).buckets).toEqual([
      { key: -5, count: 1 }, { key: -2.5, count: 2 }, { key: 0, count: 3 }, { key: 2.5, count: 1 },
    ]);
    expect(await store.histogram({ query: '*', field: 'protocol', interval: 1000 })).toEqual({ field: 'protocol', interval: 1000, total: 0, buckets: [] });
    await expectError(store.histogram({ query: '*', interval: '5 parsecs' }), 'INPUT_INVALID', /interval must be/);
    await expectError(store.histogram({ query: '*', interval: -1 }), 'INPUT_INVALID', /interval must be/);
    const small = await openDuckDbSearchStore({ path: ':memory:', aggregateLimits: { maxHistogramBuckets: 3, maxGroupsPerLevel: 2 } });
    try {
      await small.write('bro', CORPUS_DOCUMENTS.filter((d) => d.sensor === 'bro').map((d) => d.message));
      await expectError(small.histogram({ query: '*', interval: 1 }), 'INPUT_INVALID', /more than 3 buckets/);
      expect((await small.histogram({ query: '*', interval: 100, indices: ['bro'], field: 'ip_dst_port' })).buckets).toHaveLength(2);
      expect((await small.group({ query: '*', groups: [{ field: 'protocol', order: { sortOrder: 'ASC' } }] })).groupResults.map((g) => g.key)).toEqual(['dns', 'http']);
    } finally {
      await small.close();
    }
  });

  it('finds the latest document of many guids, in request order, skipping unknown ones', async () => {
    const found = await store.findAll([
      { guid: 's2', sensorType: 'snort' }, { guid: 'b1', sensorType: 'bro' }, { guid: 'b1', sensorType: 'snort' },
      { guid: 'nope', sensorType: 'bro' }, { guid: 'b3', sensorType: 'bro' }, { guid: 'x', sensorType: 'no"such' },
    ]);
    const expected = (guid: string) => CORPUS_DOCUMENTS.find((d) => d.message.guid === guid)!.message;
    expect(found).toEqual([expected('s2'), expected('b1'), expected('b3')]);
    expect(await store.findAll([])).toEqual([]);
    await expectError(store.findAll(Array.from({ length: 1001 }, (_, i) => ({ guid: String(i), sensorType: 'bro' }))), 'INPUT_INVALID', /at most 1000/);
  });

  it('reports column metadata across indices, with conflicting types as other', async () => {
    const both = await store.columnMetadata(['bro', 'snort']);
    expect(both).toMatchObject({
      timestamp: 'date', ip_src_addr: 'ip', ip_dst_addr: 'ip', ip_dst_port: 'long', protocol: 'keyword', sig_id: 'long',
      'threat.triage.score': 'other', duration: 'double', is_alert: 'boolean', tags: 'other', msg: 'keyword',
    });
    expect((await store.columnMetadata(['snort']))['threat.triage.score']).toBe('long');
    expect(await store.columnMetadata(['nope'])).toEqual({});
  });
});
