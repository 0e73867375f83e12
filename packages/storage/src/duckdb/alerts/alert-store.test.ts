import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { MetronError, type Message } from '@metron/core';
import { openDuckDbSearchStore, type DuckDbSearchStore } from '../store.js';
import { openAlertStore, type AlertStore } from './alert-store.js';

const T0 = 1_700_000_000_000;

const alerts = (): Message[] => [
  { guid: 'a1', 'source.type': 'bro', timestamp: 1000, ip_src_addr: '10.0.0.1', is_alert: true, 'threat.triage.score': 10, original_string: 'one' },
  { guid: 'a2', 'source.type': 'bro', timestamp: 2000, ip_src_addr: '10.0.0.2', is_alert: true, 'threat.triage.score': 30, original_string: 'two' },
  { guid: 'a3', 'source.type': 'bro', timestamp: 3000, ip_src_addr: '10.0.0.3', is_alert: true, original_string: 'three' },
];
const snortAlert = (): Message => ({ guid: 's1', 'source.type': 'snort', timestamp: 1500, ip_src_addr: '10.0.0.1', sig_id: 7, 'threat.triage.score': 5 });

async function expectError(promise: Promise<unknown>, code: string, message?: string | RegExp): Promise<MetronError> {
  const error = await promise.then(() => null, (err: unknown) => err);
  expect(error).toBeInstanceOf(MetronError);
  expect((error as MetronError).code).toBe(code);
  if (message !== undefined) expect((error as MetronError).message).toMatch(message);
  return error as MetronError;
}

let store: DuckDbSearchStore;
let alertStore: AlertStore;
let clock: number;

beforeEach(async () => {
  clock = T0;
  store = await openDuckDbSearchStore({ path: ':memory:' });
  await store.write('bro', alerts());
  await store.write('snort', [snortAlert()]);
  alertStore = openAlertStore(store, { now: () => clock++ });
});
afterEach(async () => {
  await store.close();
});

const audit = async (query = '*') =>
  (await store.search({ indices: ['audit'], query, size: 100, sort: [{ field: 'timestamp', sortOrder: 'asc' }] })).results.map((r) => r.source);

describe('alert updates on the DuckDB store', () => {
  it('patches a document in place: findOne and search see it at once, values keep their types, new fields become columns', async () => {
    const result = await alertStore.patch('alice', { guid: 'a1', sensorType: 'bro' }, [
      { op: 'add', path: '/alert_status', value: 'OPEN' },
      { op: 'add', path: '/triage_note', value: 'looks bad' },
      { op: 'replace', path: '/threat.triage.score', value: 42.5 },
      { op: 'remove', path: '/original_string' },
      { op: 'add', path: '/labels', value: ['x', 'y'] },
    ]);
    const expected = {
      guid: 'a1', 'source.type': 'bro', timestamp: 1000, ip_src_addr: '10.0.0.1', is_alert: true,
      'threat.triage.score': 42.5, alert_status: 'OPEN', triage_note: 'looks bad', labels: ['x', 'y'],
    };
    expect(result).toEqual({ guid: 'a1', sensorType: 'bro', timestamp: T0, document: expected });
    expect(await store.findOne({ guid: 'a1', sensorType: 'bro' })).toEqual(expected);
    const found = await store.search({ indices: ['bro'], query: 'alert_status:OPEN AND triage_note:"looks bad"' });
    expect(found.results).toEqual([{ id: 'a1', index: 'bro_index', source: expected, score: 1 }]);
    expect((await store.search({ indices: ['bro'], query: 'threat.triage.score:42.5' })).total).toBe(1);
    expect(store.fields('bro').find((f) => f.field === 'labels')).toEqual({ field: 'labels', column: 'labels', type: 'JSON' });
    // The other documents are untouched.
    expect(await store.findOne({ guid: 'a2', sensorType: 'bro' })).toEqual(alerts()[1]);
  });

  it('records every changed field in the audit index: who, when, what, from and to', async () => {
    await alertStore.patch('alice', { guid: 'a1', sensorType: 'bro' }, [
      { op: 'add', path: '/alert_status', value: 'OPEN' },
      { op: 'replace', path: '/threat.triage.score', value: 11 },
      { op: 'remove', path: '/original_string' },
    ]);
    await alertStore.setStatus('bob', { guid: 'a1', sensorType: 'bro' }, 'ESCALATE');
    const records = await audit();
    const changeIds = [...new Set(records.map((r) => r['change_id']))];
    expect(changeIds).toHaveLength(2);
    const strip = (r: Message) => {
      const { guid, change_id, ...rest } = r;
      expect(typeof guid).toBe('string');
      expect(typeof change_id).toBe('string');
      return rest;
    };
    const base = { 'source.type': 'audit', alert_guid: 'a1', alert_sensor: 'bro' };
    expect(records.map(strip)).toEqual([
      { ...base, timestamp: T0, user: 'alice', request: 'patch', field: 'alert_status', new_value: 'OPEN' },
      { ...base, timestamp: T0, user: 'alice', request: 'patch', field: 'original_string', old_value: 'one' },
      { ...base, timestamp: T0, user: 'alice', request: 'patch', field: 'threat.triage.score', old_value: 10, new_value: 11 },
      { ...base, timestamp: T0 + 1, user: 'bob', request: 'status', field: 'alert_status', old_value: 'OPEN', new_value: 'ESCALATE' },
    ]);
    // Searchable like any index, by who and by value.
    const hits = await store.search({ indices: ['audit'], query: 'user:bob AND new_value:ESCALATE AND field:alert_status' });
    expect(hits.total).toBe(1);
    expect(hits.results[0]!.index).toBe('audit_index');
    // The history of the alert, oldest first.
    const history = await alertStore.history('a1');
    expect(history.guid).toBe('a1');
    expect(history.total).toBe(4);
    expect(history.changes).toEqual(records);
    expect((await alertStore.history('a1', { from: 3, size: 5 })).changes).toEqual([records[3]]);
  });

  it('answers NOT_FOUND for an unknown guid or sensor and INPUT_INVALID for bad patches, changing nothing', async () => {
    await expectError(alertStore.patch('alice', { guid: 'nope', sensorType: 'bro' }, [{ op: 'add', path: '/x', value: 1 }]), 'NOT_FOUND', "no document with guid 'nope' in sensor 'bro'");
    await expectError(alertStore.patch('alice', { guid: 'a1', sensorType: 'nosuch' }, [{ op: 'add', path: '/x', value: 1 }]), 'NOT_FOUND');
    await expectError(alertStore.patch('alice', { guid: 'a1', sensorType: 'bro' }, [
      { op: 'add', path: '/alert_status', value: 'OPEN' }, { op: 'remove', path: '/missing' },
    ]), 'INPUT_INVALID', 'patch[1] (remove "/missing"): the target does not exist');
    await expectError(alertStore.patch('alice', { guid: 'a1', sensorType: 'bro' }, []), 'INPUT_INVALID', /non-empty list/);
    await expectError(alertStore.patch('alice', { guid: 'a1', sensorType: 'bro' }, [{ op: 'replace', path: '/guid', value: 'other' }]), 'INPUT_INVALID', /guid cannot be changed/);
    await expectError(alertStore.patch('alice', { guid: 'a1', sensorType: 'bro' }, [{ op: 'replace', path: '/source.type', value: 'snort' }]), 'INPUT_INVALID', /source.type cannot be changed/);
    await expectError(alertStore.patch('alice', { guid: 'a1', sensorType: 'bro' }, [{ op: 'add', path: '/alert_status', value: 'MAYBE' }]), 'INPUT_INVALID',
      'alert_status must be one of NEW, OPEN, ESCALATE, DISMISS, RESOLVE, got "MAYBE"');
    await expectError(alertStore.patch('alice', { guid: 'a1', sensorType: 'bro' }, [{ op: 'add', path: '/metaalerts', value: ['m'] }]), 'INPUT_INVALID', /meta-alert endpoints/);
    await expectError(alertStore.setStatus('alice', { guid: 'a1', sensorType: 'bro' }, 'open'), 'INPUT_INVALID');
    await expectError(alertStore.history('nope'), 'NOT_FOUND', "no document and no recorded change with guid 'nope'");
    expect(await store.findOne({ guid: 'a1', sensorType: 'bro' })).toEqual(alerts()[0]);
    expect(await store.indices()).toEqual(['bro', 'snort']);
    // An existing alert without changes has an empty history.
    expect(await alertStore.history('a1')).toEqual({ guid: 'a1', total: 0, changes: [] });
    // The audit trail cannot be edited through the update API.
    await alertStore.setStatus('alice', { guid: 'a3', sensorType: 'bro' }, 'OPEN');
    const record = (await audit())[0]!;
    await expectError(alertStore.patch('mallory', { guid: String(record['guid']), sensorType: 'audit' }, [{ op: 'replace', path: '/user', value: 'bob' }]), 'FORBIDDEN', 'audit records cannot be changed');
    await expectError(alertStore.addComment('mallory', { guid: String(record['guid']), sensorType: 'AUDIT' }, { comment: 'x', username: 'mallory', timestamp: 1 }), 'FORBIDDEN');
    expect((await audit())[0]).toEqual(record);
  });

  it('replaces a document, keeping its guid and source.type; removed fields are gone and audited', async () => {
    const result = await alertStore.replace('alice', { guid: 'a2', sensorType: 'bro' }, {
      guid: 'ignored', 'source.type': 'ignored', timestamp: 2000, ip_src_addr: '10.9.9.9', alert_status: 'DISMISS',
    });
    const expected = { guid: 'a2', 'source.type': 'bro', timestamp: 2000, ip_src_addr: '10.9.9.9', alert_status: 'DISMISS' };
    expect(result.document).toEqual(expected);
    expect(await store.findOne({ guid: 'a2', sensorType: 'bro' })).toEqual(expected);
    const fields = (await audit()).map((r) => [r['request'], r['field'], r['old_value'], r['new_value']]);
    expect(fields).toEqual([
      ['replace', 'alert_status', undefined, 'DISMISS'],
      ['replace', 'ip_src_addr', '10.0.0.2', '10.9.9.9'],
      ['replace', 'is_alert', true, undefined],
      ['replace', 'original_string', 'two', undefined],
      ['replace', 'threat.triage.score', 30, undefined],
    ]);
  });

  it("adds and removes comments; removing someone else's needs the right", async () => {
    const ref = { guid: 'a1', sensorType: 'bro' };
    const first = { comment: 'checked the host', username: 'alice', timestamp: 111 };
    const second = { comment: 'escalating', username: 'bob', timestamp: 222 };
    await alertStore.addComment('alice', ref, first);
    const added = await alertStore.addComment('bob', ref, second);
    expect(added.document['comments']).toEqual([first, second]);
    expect((await store.findOne(ref))!['comments']).toEqual([first, second]);
    await expectError(alertStore.removeComment('alice', ref, second, false), 'FORBIDDEN', "only 'bob' or an admin may remove this comment");
    await expectError(alertStore.removeComment('alice', ref, { ...first, timestamp: 999 }, false), 'NOT_FOUND', /no comment by 'alice' at 999/);
    await expectError(alertStore.addComment('alice', ref, { comment: ' ', username: 'alice', timestamp: 1 }), 'INPUT_INVALID', /comment must be non-empty/);
    expect((await alertStore.removeComment('alice', ref, first, false)).document['comments']).toEqual([second]);
    const last = await alertStore.removeComment('admin', ref, second, true);
    expect(last.document['comments']).toBeUndefined();
    expect((await store.findOne(ref))!['comments']).toBeUndefined();
    expect((await audit('field:comments')).map((r) => [r['request'], r['user']])).toEqual([
      ['comment_add', 'alice'], ['comment_add', 'bob'], ['comment_remove', 'alice'], ['comment_remove', 'admin'],
    ]);
  });

  it('assigns and unassigns', async () => {
    const ref = { guid: 'a3', sensorType: 'bro' };
    expect((await alertStore.assign('alice', ref, 'bob')).document['alert_assignee']).toBe('bob');
    expect((await store.search({ indices: ['bro'], query: 'alert_assignee:bob' })).total).toBe(1);
    expect((await alertStore.assign('alice', ref, null)).document['alert_assignee']).toBeUndefined();
    expect((await store.findOne(ref))!['alert_assignee']).toBeUndefined();
    expect((await audit()).map((r) => [r['request'], r['old_value'], r['new_value']])).toEqual([['assign', undefined, 'bob'], ['assign', 'bob', undefined]]);
  });

  it('stores hostile field names and values as data, and widens a column for a value of another type', async () => {
    const hostile = `x"; DROP TABLE bro_index; --`;
    const control = 'tab\there';
    await alertStore.patch('alice', { guid: 'a1', sensorType: 'bro' }, [
      { op: 'add', path: `/${hostile}`, value: "'); DELETE FROM bro_index; --" },
      { op: 'add', path: `/${control}`, value: 1 },
      { op: 'add', path: '/IP_SRC_ADDR', value: 'case twin' },
      { op: 'replace', path: '/timestamp', value: 'not a number' },
    ]);
    const doc = (await store.findOne({ guid: 'a1', sensorType: 'bro' }))!;
    expect(doc[hostile]).toBe("'); DELETE FROM bro_index; --");
    expect(doc[control]).toBe(1);
    expect(doc['IP_SRC_ADDR']).toBe('case twin');
    expect(doc['ip_src_addr']).toBe('10.0.0.1');
    expect(doc['timestamp']).toBe('not a number');
    // The other rows keep their values, as text now that the column is VARCHAR.
    expect((await store.findOne({ guid: 'a2', sensorType: 'bro' }))!['timestamp']).toBe('2000');
    expect((await store.search({ indices: ['bro'], query: '*', size: 0 })).total).toBe(3);
    expect((await audit()).map((r) => r['field']).sort()).toEqual(['IP_SRC_ADDR', control, 'timestamp', hostile].sort());
  });

  it('keeps an analyst update when the original message is delivered again (at-least-once ingest)', async () => {
    await alertStore.patch('alice', { guid: 'a1', sensorType: 'bro' }, [
      { op: 'add', path: '/alert_status', value: 'RESOLVE' }, { op: 'replace', path: '/ip_src_addr', value: '10.1.1.1' },
    ]);
    await store.write('bro', alerts());
    await store.writeJson('bro', alerts().map((m) => Buffer.from(JSON.stringify(m))));
    const doc = await store.findOne({ guid: 'a1', sensorType: 'bro' });
    expect(doc!['alert_status']).toBe('RESOLVE');
    expect(doc!['ip_src_addr']).toBe('10.1.1.1');
    expect((await store.search({ indices: ['bro'], query: '*' })).total).toBe(3);
  });

  it('serializes updates with concurrent ingest batches: nothing lost, every update applied', async () => {
    const batches = Array.from({ length: 20 }, (_, b) =>
      Array.from({ length: 50 }, (_, i) => ({ guid: `n${b}-${i}`, 'source.type': 'bro', timestamp: 10_000 + b * 100 + i, new_field: b })));
    const work: Array<Promise<unknown>> = [];
    batches.forEach((batch, b) => {
      work.push(store.write('bro', batch));
      work.push(alertStore.addComment('alice', { guid: 'a1', sensorType: 'bro' }, { comment: `c${b}`, username: 'alice', timestamp: b }));
    });
    await Promise.all(work);
    expect((await store.search({ indices: ['bro'], query: '*', size: 0 })).total).toBe(3 + 20 * 50);
    const comments = (await store.findOne({ guid: 'a1', sensorType: 'bro' }))!['comments'] as Message[];
    expect(comments.map((c) => c['comment'])).toEqual(batches.map((_, b) => `c${b}`));
    expect((await audit()).length).toBe(20);
  });

  it('keeps updates across a restart (file store)', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'metron-alerts-'));
    try {
      const path = join(dir, 'index.duckdb');
      let fileStore = await openDuckDbSearchStore({ path });
      await fileStore.write('bro', alerts());
      await openAlertStore(fileStore).setStatus('alice', { guid: 'a2', sensorType: 'bro' }, 'OPEN');
      await fileStore.close();
      fileStore = await openDuckDbSearchStore({ path });
      expect((await fileStore.findOne({ guid: 'a2', sensorType: 'bro' }))!['alert_status']).toBe('OPEN');
      expect((await openAlertStore(fileStore).history('a2')).changes.map((c) => [c.user, c.field, c['new_value']])).toEqual([['alice', 'alert_status', 'OPEN']]);
      await fileStore.close();
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});

describe('meta-alerts', () => {
  const ids = async (query: string, indices?: string[]) =>
    (await alertStore.search({ query, size: 100, sort: [{ field: 'guid', sortOrder: 'asc' }], ...(indices && { indices }) })).results.map((r) => r.id);

  it('creates a meta-alert: children copied and linked, scores aggregated (sum by default)', async () => {
    const { created, guid } = await alertStore.createMetaAlert('alice', {
      alerts: [{ guid: 'a1', sensorType: 'bro' }, { guid: 'a2', sensorType: 'bro' }, { guid: 's1', sensorType: 'snort' }],
      groups: ['ip_src_addr'],
    });
    expect(created).toBe(true);
    const meta = await store.findOne({ guid, sensorType: 'metaalert' });
    const copy = (m: Message) => m;
    expect(meta).toEqual({
      guid, 'source.type': 'metaalert', timestamp: T0, groups: ['ip_src_addr'], status: 'active',
      metron_alert: [copy(alerts()[0]!), copy(alerts()[1]!), copy(snortAlert())],
      max: 30, min: 5, average: 15, count: 3, sum: 45, median: 10, 'threat.triage.score': 45,
    });
    expect((await store.findOne({ guid: 'a1', sensorType: 'bro' }))!['metaalerts']).toEqual([guid]);
    expect((await store.findOne({ guid: 's1', sensorType: 'snort' }))!['metaalerts']).toEqual([guid]);
    expect((await store.findOne({ guid: 'a3', sensorType: 'bro' }))!['metaalerts']).toBeUndefined();
    // Audited: the meta-alert's fields and each child's link.
    const records = await audit();
    expect(records.every((r) => r['request'] === 'metaalert_create' && r['user'] === 'alice')).toBe(true);
    expect(records.find((r) => r['alert_guid'] === guid && r['field'] === 'metron_alert')!['new_value']).toEqual(['a1', 'a2', 's1']);
    expect(records.filter((r) => r['field'] === 'metaalerts').map((r) => [r['alert_guid'], r['new_value']]))
      .toEqual([['a1', [guid]], ['a2', [guid]], ['s1', [guid]]]);
  });

  it('takes the score aggregation from the options (Metron threat sort)', async () => {
    const maxStore = openAlertStore(store, { scoreAggregation: 'max' });
    const { guid } = await maxStore.createMetaAlert('alice', { alerts: [{ guid: 'a1', sensorType: 'bro' }, { guid: 'a2', sensorType: 'bro' }], groups: [] });
    expect((await store.findOne({ guid, sensorType: 'metaalert' }))!['threat.triage.score']).toBe(30);
    expect(() => openAlertStore(store, { scoreAggregation: 'mode' as 'max' })).toThrow(/must be one of max, min, average, count, sum, median/);
  });

  it('is found by search beside alerts, its children not listed twice; matches through its children', async () => {
    const { guid } = await alertStore.createMetaAlert('alice', { alerts: [{ guid: 'a1', sensorType: 'bro' }, { guid: 's1', sensorType: 'snort' }], groups: ['g'] });
    expect(await ids('*')).toEqual(['a2', 'a3', guid].sort());
    expect((await alertStore.search({ query: '*', size: 0 })).total).toBe(3);
    // A query matching a child finds the meta-alert instead.
    expect(await ids('sig_id:7')).toEqual([guid]);
    expect(await ids('ip_src_addr:10.0.0.1', ['metaalert'])).toEqual([guid]);
    expect(await ids('ip_src_addr:10.0.0.2')).toEqual(['a2']);
    // Facets count the meta-alert, not its children.
    const facets = await alertStore.search({ query: '*', size: 0, facetFields: ['source.type'] });
    expect(facets.facetCounts).toEqual({ 'source.type': { bro: 2, metaalert: 1 } });
    // The audit index is searched only when named.
    expect((await alertStore.search({ query: '*', indices: ['audit'], size: 0 })).total).toBeGreaterThan(0);
    // The plain store still lists everything (findOne and raw search are not filtered).
    expect((await store.search({ query: '*', indices: ['bro', 'snort'], size: 0 })).total).toBe(4);

    const byAlert = await alertStore.searchByAlert('s1');
    expect(byAlert.total).toBe(1);
    expect(byAlert.results[0]!.id).toBe(guid);
    expect(byAlert.results[0]!.index).toBe('metaalert_index');
    expect(byAlert.results[0]!.source['status']).toBe('active');
    expect(await alertStore.searchByAlert('a3')).toEqual({ total: 0, results: [] });
  });

  it('adds and removes alerts (false when nothing changes), re-scoring each time', async () => {
    const { guid } = await alertStore.createMetaAlert('alice', { alerts: [{ guid: 'a1', sensorType: 'bro' }], groups: [] });
    const score = async () => (await store.findOne({ guid, sensorType: 'metaalert' }))!['threat.triage.score'];
    expect(await score()).toBe(10);
    expect(await alertStore.addAlertsToMetaAlert('bob', guid, [{ guid: 'a2', sensorType: 'bro' }, { guid: 'a1', sensorType: 'bro' }])).toBe(true);
    expect(await score()).toBe(40);
    expect(await alertStore.addAlertsToMetaAlert('bob', guid, [{ guid: 'a2', sensorType: 'bro' }])).toBe(false);
    expect((await store.findOne({ guid: 'a2', sensorType: 'bro' }))!['metaalerts']).toEqual([guid]);
    expect(await alertStore.removeAlertsFromMetaAlert('bob', guid, [{ guid: 'a1', sensorType: 'bro' }])).toBe(true);
    expect(await alertStore.removeAlertsFromMetaAlert('bob', guid, [{ guid: 'a3', sensorType: 'bro' }])).toBe(false);
    expect(await score()).toBe(30);
    expect((await store.findOne({ guid: 'a1', sensorType: 'bro' }))!['metaalerts']).toBeUndefined();
    expect(await ids('*')).toEqual(['a1', 'a3', 's1', guid].sort());
    const membership = (await audit('field:metron_alert')).map((r) => [r['request'], r['old_value'], r['new_value']]);
    expect(membership).toEqual([
      ['metaalert_create', undefined, ['a1']],
      ['metaalert_add_alert', ['a1'], ['a1', 'a2']],
      ['metaalert_remove_alert', ['a1', 'a2'], ['a2']],
    ]);
  });

  it('inactive meta-alerts hide from search and release their children; active again takes them back', async () => {
    const { guid } = await alertStore.createMetaAlert('alice', { alerts: [{ guid: 'a1', sensorType: 'bro' }, { guid: 'a2', sensorType: 'bro' }], groups: [] });
    expect(await alertStore.updateMetaAlertStatus('alice', guid, 'INACTIVE')).toBe(true);
    expect(await alertStore.updateMetaAlertStatus('alice', guid, 'inactive')).toBe(false);
    expect(await ids('*')).toEqual(['a1', 'a2', 'a3', 's1']);
    expect(await alertStore.searchByAlert('a1')).toEqual({ total: 0, results: [] });
    await expectError(alertStore.addAlertsToMetaAlert('bob', guid, [{ guid: 'a3', sensorType: 'bro' }]), 'INPUT_INVALID', /is inactive/);
    expect(await alertStore.updateMetaAlertStatus('alice', guid, 'ACTIVE')).toBe(true);
    expect(await ids('*')).toEqual(['a3', 's1', guid].sort());
    expect((await store.findOne({ guid: 'a2', sensorType: 'bro' }))!['metaalerts']).toEqual([guid]);
    await expectError(alertStore.updateMetaAlertStatus('alice', guid, 'CLOSED'), 'INPUT_INVALID', 'meta-alert status must be ACTIVE or INACTIVE, got "CLOSED"');
  });

  it('finds children whose copy does not name their index: an index named apart from its sensor, a document without source.type', async () => {
    await store.write('custom', [{ guid: 'c1', 'source.type': 'bro', timestamp: 4000, is_alert: true, 'threat.triage.score': 7 }]);
    await store.write('bro', [{ guid: 'n1', timestamp: 5000, is_alert: true, 'threat.triage.score': 3 }]);
    const refs = [{ guid: 'c1', sensorType: 'custom' }, { guid: 'n1', sensorType: 'bro' }];
    const { guid } = await alertStore.createMetaAlert('alice', { alerts: refs, groups: [] });
    const membership = async () => Promise.all(refs.map(async (ref) => (await store.findOne(ref))!['metaalerts'] ?? null));
    expect(await membership()).toEqual([[guid], [guid]]);

    expect(await alertStore.updateMetaAlertStatus('alice', guid, 'INACTIVE')).toBe(true);
    expect(await membership()).toEqual([null, null]);
    expect((await ids('*')).filter((id) => id === 'c1' || id === 'n1')).toEqual(['c1', 'n1']);
    expect(await alertStore.updateMetaAlertStatus('alice', guid, 'ACTIVE')).toBe(true);
    expect(await membership()).toEqual([[guid], [guid]]);

    await alertStore.patch('bob', { guid, sensorType: 'metaalert' }, [{ op: 'add', path: '/alert_status', value: 'ESCALATE' }]);
    for (const ref of refs) expect((await store.findOne(ref))!['alert_status']).toBe('ESCALATE');
  });

  it('applies a status or assignee change on a meta-alert to its children; a child change refreshes the meta-alert', async () => {
    const { guid } = await alertStore.createMetaAlert('alice', { alerts: [{ guid: 'a1', sensorType: 'bro' }, { guid: 's1', sensorType: 'snort' }], groups: [] });
    // As the alerts UI does it: a patch on the meta-alert.
    await alertStore.patch('bob', { guid, sensorType: 'metaalert' }, [{ op: 'add', path: '/alert_status', value: 'ESCALATE' }]);
    await alertStore.assign('bob', { guid, sensorType: 'metaalert' }, 'carol');
    for (const ref of [{ guid: 'a1', sensorType: 'bro' }, { guid: 's1', sensorType: 'snort' }]) {
      const child = (await store.findOne(ref))!;
      expect([child['alert_status'], child['alert_assignee']]).toEqual(['ESCALATE', 'carol']);
    }
    let meta = (await store.findOne({ guid, sensorType: 'metaalert' }))!;
    expect((meta['metron_alert'] as Message[]).map((c) => [c['guid'], c['alert_status'], c['alert_assignee']]))
      .toEqual([['a1', 'ESCALATE', 'carol'], ['s1', 'ESCALATE', 'carol']]);
    expect((await audit('request:status OR (request:patch AND field:alert_status)')).map((r) => r['alert_guid']).sort()).toEqual(['a1', guid, 's1'].sort());

    // Patching a child updates its copy and the score.
    await alertStore.patch('bob', { guid: 's1', sensorType: 'snort' }, [{ op: 'replace', path: '/threat.triage.score', value: 95 }]);
    meta = (await store.findOne({ guid, sensorType: 'metaalert' }))!;
    expect((meta['metron_alert'] as Message[])[1]!['threat.triage.score']).toBe(95);
    expect([meta['threat.triage.score'], meta['max'], meta['count']]).toEqual([105, 95, 2]);
  });

  it('refuses what Metron refuses, with NOT_FOUND for unknown guids', async () => {
    const { guid } = await alertStore.createMetaAlert('alice', { alerts: [{ guid: 'a1', sensorType: 'bro' }], groups: [] });
    await expectError(alertStore.patch('bob', { guid, sensorType: 'metaalert' }, [{ op: 'replace', path: '/status', value: 'inactive' }]), 'INPUT_INVALID', /'status' is changed through the meta-alert endpoints/);
    await expectError(alertStore.patch('bob', { guid, sensorType: 'metaalert' }, [{ op: 'remove', path: '/metron_alert/0' }]), 'INPUT_INVALID', /'metron_alert'/);
    await expectError(alertStore.replace('bob', { guid, sensorType: 'metaalert' }, { guid }), 'INPUT_INVALID', /cannot be replaced/);
    await expectError(alertStore.createMetaAlert('bob', { alerts: [], groups: [] }), 'INPUT_INVALID', 'a meta-alert needs at least one alert');
    await expectError(alertStore.createMetaAlert('bob', { alerts: [{ guid, sensorType: 'metaalert' }], groups: [] }), 'INPUT_INVALID', /do not nest/);
    await expectError(alertStore.createMetaAlert('bob', { alerts: [{ guid: 'a2', sensorType: 'bro' }, { guid: 'zz', sensorType: 'bro' }], groups: [] }), 'NOT_FOUND', "no document with guid 'zz' in sensor 'bro'");
    await expectError(alertStore.addAlertsToMetaAlert('bob', 'no-meta', [{ guid: 'a2', sensorType: 'bro' }]), 'NOT_FOUND', "no meta-alert with guid 'no-meta'");
    await expectError(alertStore.updateMetaAlertStatus('bob', 'no-meta', 'ACTIVE'), 'NOT_FOUND');
    // Nothing of the failed create was kept.
    expect((await store.findOne({ guid: 'a2', sensorType: 'bro' }))!['metaalerts']).toBeUndefined();
    expect((await store.search({ indices: ['metaalert'], query: '*', size: 0 })).total).toBe(1);
  });
});

describe('search without meta-alerts', () => {
  let plain: DuckDbSearchStore;
  beforeAll(async () => {
    plain = await openDuckDbSearchStore({ path: ':memory:' });
    await plain.write('bro', alerts());
  });
  afterAll(async () => {
    await plain.close();
  });

  it('is the plain search', async () => {
    const request = { query: 'is_alert:true', facetFields: ['ip_src_addr'], sort: [{ field: 'timestamp', sortOrder: 'asc' as const }] };
    expect(await openAlertStore(plain).search(request)).toEqual(await plain.search(request));
  });
});

describe('meta-alert settings from the global config', () => {
  it('reads Metron\'s threat.triage.score.field and metaalert.threat.sort, refusing bad values with their path', async () => {
    const { metaAlertSettings } = await import('./config.js');
    expect(metaAlertSettings({}, 'global.json')).toEqual({});
    expect(metaAlertSettings({ 'threat.triage.score.field': 'score', 'metaalert.threat.sort': 'max' }, 'global.json')).toEqual({ scoreField: 'score', scoreAggregation: 'max' });
    expect(() => metaAlertSettings({ 'metaalert.threat.sort': 'mode' }, '/c/global.json'))
      .toThrow("/c/global.json: $['metaalert.threat.sort']: expected one of max, min, average, count, sum, median, got \"mode\"");
    expect(() => metaAlertSettings({ 'threat.triage.score.field': 3 }, 'g.json')).toThrow("g.json: $['threat.triage.score.field']: expected a field name, got 3");
  });

  it('aggregates the configured score field', async () => {
    await store.write('bro', [{ guid: 'c1', 'source.type': 'bro', score: 4 }, { guid: 'c2', 'source.type': 'bro', score: 6 }]);
    const custom = openAlertStore(store, { scoreField: 'score', scoreAggregation: 'average' });
    const { guid } = await custom.createMetaAlert('alice', { alerts: [{ guid: 'c1', sensorType: 'bro' }, { guid: 'c2', sensorType: 'bro' }], groups: [] });
    const meta = (await store.findOne({ guid, sensorType: 'metaalert' }))!;
    expect([meta['score'], meta['average'], meta['sum'], meta['threat.triage.score']]).toEqual([5, 5, 10, undefined]);
  });
});

describe('group with meta-alerts', () => {
  it('leaves out children of active meta-alerts and the meta-alerts themselves', async () => {
    const request = { query: '*', scoreField: 'threat.triage.score', groups: [{ field: 'source.type' }] };
    expect(await alertStore.group(request)).toEqual(await store.group({ ...request, indices: ['bro', 'snort'] }));
    const { guid } = await alertStore.createMetaAlert('alice', { alerts: [{ guid: 'a1', sensorType: 'bro' }, { guid: 's1', sensorType: 'snort' }], groups: [] });
    expect(await alertStore.group(request)).toEqual({
      groupedBy: 'source.type',
      groupResults: [{ key: 'bro', total: 2, score: 30 }],
    });
    // Once inactive, its children count again.
    await alertStore.updateMetaAlertStatus('alice', guid, 'INACTIVE');
    expect((await alertStore.group(request)).groupResults.map((g) => [g.key, g.total]).sort()).toEqual([['bro', 3], ['snort', 1]]);
  });
});

describe('histogram with meta-alerts', () => {
  it('counts what search lists: children of active meta-alerts through their meta-alert, released ones again once inactive', async () => {
    const request = { query: '*', interval: 1000, field: 'timestamp' };
    const before = await alertStore.histogram(request);
    expect(before.buckets).toEqual([{ key: 1000, count: 2 }, { key: 2000, count: 1 }, { key: 3000, count: 1 }]);

    const { guid } = await alertStore.createMetaAlert('alice', { alerts: [{ guid: 'a1', sensorType: 'bro' }, { guid: 'a2', sensorType: 'bro' }], groups: [] });
    const grouped = await alertStore.histogram({ ...request, interval: 1e12 });
    const listed = await alertStore.search({ query: '*', size: 100 });
    // a3 and s1, and the meta-alert (stamped T0) instead of a1 and a2.
    expect(listed.results.map((r) => r.id).sort()).toEqual(['a3', guid, 's1'].sort());
    expect(grouped.total).toBe(listed.total);
    expect(grouped.buckets).toEqual([{ key: 0, count: 2 }, { key: 1e12, count: 1 }]);
    expect((await alertStore.histogram({ ...request, indices: ['bro'] })).buckets).toEqual([{ key: 3000, count: 1 }]);
    // Matched through a child's field, as search matches it.
    const byChild = await alertStore.histogram({ ...request, query: 'ip_src_addr:10.0.0.2', interval: 1e12 });
    expect(byChild.buckets).toEqual([{ key: 1e12, count: 1 }]);
    expect(byChild.total).toBe((await alertStore.search({ query: 'ip_src_addr:10.0.0.2' })).total);

    await alertStore.updateMetaAlertStatus('alice', guid, 'INACTIVE');
    expect((await alertStore.histogram(request)).buckets).toEqual(before.buckets);
  });
});
