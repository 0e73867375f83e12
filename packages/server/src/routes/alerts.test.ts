import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { FastifyInstance, InjectOptions } from 'fastify';
import type { Message } from '@metron/core';
import { openAlertStore, openDuckDbSearchStore, type DuckDbSearchStore } from '@metron/storage';
import { createServer } from '../app.js';
import type { UserStore } from '../auth/user-store.js';
import { basic, fakeDeps, tempUserStore } from '../testing.js';

const ADMIN = basic('admin', 'admin-password');
const ANALYST = basic('analyst', 'analyst-password');
const BOB = basic('bob', 'bob-password-1');
const AUDITOR = basic('auditor', 'auditor-password');

const seed = (): Message[] => [
  { guid: 'a1', 'source.type': 'bro', timestamp: 1000, ip_src_addr: '10.0.0.1', 'threat.triage.score': 10 },
  { guid: 'a2', 'source.type': 'bro', timestamp: 2000, ip_src_addr: '10.0.0.2', 'threat.triage.score': 20 },
  { guid: 'a3', 'source.type': 'bro', timestamp: 3000, ip_src_addr: '10.0.0.3' },
];

let users: UserStore;
let cleanup: () => Promise<void>;
let store: DuckDbSearchStore;
let app: FastifyInstance;

beforeAll(async () => {
  const t = await tempUserStore();
  users = t.users;
  cleanup = t.cleanup;
  await users.createUser('analyst', 'analyst-password', ['user']);
  await users.createUser('bob', 'bob-password-1', ['user']);
  await users.createUser('auditor', 'auditor-password', ['admin']);
});
afterAll(async () => {
  await cleanup();
});

beforeEach(async () => {
  await app?.close();
  await store?.close();
  store = await openDuckDbSearchStore({ path: ':memory:' });
  await store.write('bro', seed());
  app = await createServer(fakeDeps(users, { searchStore: store, alerts: openAlertStore(store) }));
  return async () => {
    await app.close();
    await store.close();
  };
});

async function call(method: InjectOptions['method'], url: string, body?: unknown, authorization = ANALYST) {
  const res = await app.inject({ method, url, headers: { authorization }, ...(body !== undefined && { payload: body as InjectOptions['payload'] }) });
  return { status: res.statusCode, body: res.body === '' ? undefined : res.json() };
}

const ERROR = (status: number, code: string, message: string | RegExp) => ({ status, code, message: typeof message === 'string' ? message : expect.stringMatching(message) });

const WRITE_ROUTES: Array<[InjectOptions['method'], string, unknown]> = [
  ['PATCH', '/api/v1/update/patch', { guid: 'a1', sensorType: 'bro', patch: [{ op: 'add', path: '/x', value: 1 }] }],
  ['POST', '/api/v1/update/replace', { guid: 'a1', sensorType: 'bro', replacement: { x: 1 } }],
  ['POST', '/api/v1/update/add/comment', { guid: 'a1', sensorType: 'bro', comment: 'c' }],
  ['POST', '/api/v1/update/remove/comment', { guid: 'a1', sensorType: 'bro', comment: 'c', username: 'u', timestamp: 1 }],
  ['POST', '/api/v1/update/status', { guid: 'a1', sensorType: 'bro', status: 'OPEN' }],
  ['POST', '/api/v1/update/assign', { guid: 'a1', sensorType: 'bro', assignee: null }],
  ['POST', '/api/v1/metaalert/create', { alerts: [{ guid: 'a1', sensorType: 'bro' }], groups: [] }],
  ['POST', '/api/v1/metaalert/add/alert', { metaAlertGuid: 'm', alerts: [{ guid: 'a1', sensorType: 'bro' }] }],
  ['POST', '/api/v1/metaalert/remove/alert', { metaAlertGuid: 'm', alerts: [{ guid: 'a1', sensorType: 'bro' }] }],
  ['POST', '/api/v1/metaalert/update/status/m/ACTIVE', undefined],
];

describe('authorization', () => {
  it('answers 401 without credentials on every update, history and meta-alert route', async () => {
    const all: Array<[InjectOptions['method'], string]> = [
      ...WRITE_ROUTES.map(([m, u]) => [m, u] as [InjectOptions['method'], string]),
      ['GET', '/api/v1/update/history/a1'], ['POST', '/api/v1/metaalert/searchByAlert'], ['POST', '/api/v1/metaalert/search'],
    ];
    for (const [method, url] of all) {
      const res = await app.inject({ method, url });
      expect(res.statusCode, `${method} ${url}`).toBe(401);
      expect(res.json()).toEqual(ERROR(401, 'UNAUTHORIZED', 'authentication required'));
    }
  });

  it("answers 403 to a caller without the 'user' role on every change, and changes nothing", async () => {
    for (const [method, url, body] of WRITE_ROUTES) {
      const res = await call(method, url, body, AUDITOR);
      expect(res, `${method} ${url}`).toEqual({ status: 403, body: ERROR(403, 'FORBIDDEN', "this action needs the 'user' role") });
    }
    expect(await store.findOne({ guid: 'a1', sensorType: 'bro' })).toEqual(seed()[0]);
    // Reading the history needs no role beyond being logged in.
    expect((await call('GET', '/api/v1/update/history/a1', undefined, AUDITOR)).status).toBe(200);
  });
});

describe('update endpoints', () => {
  it('PATCH /update/patch applies the patch and answers the Document; search and findOne see it', async () => {
    const before = Date.now();
    const res = await call('PATCH', '/api/v1/update/patch', {
      guid: 'a1', sensorType: 'bro', index: 'bro_index',
      patch: [{ op: 'add', path: '/alert_status', value: 'OPEN' }, { op: 'add', path: '/project', value: 'metron' }, { op: 'remove', path: '/threat.triage.score' }],
    });
    const document = { guid: 'a1', 'source.type': 'bro', timestamp: 1000, ip_src_addr: '10.0.0.1', alert_status: 'OPEN', project: 'metron' };
    expect(res.status).toBe(200);
    expect(Object.keys(res.body).sort()).toEqual(['document', 'guid', 'sensorType', 'timestamp']);
    expect(res.body.guid).toBe('a1');
    expect(res.body.sensorType).toBe('bro');
    expect(res.body.timestamp).toBeGreaterThanOrEqual(before);
    expect(res.body.timestamp).toBeLessThanOrEqual(Date.now());
    expect(res.body.document).toEqual(document);
    expect(await call('POST', '/api/v1/search/findOne', { guid: 'a1', sensorType: 'bro' })).toEqual({ status: 200, body: document });
    const search = await call('POST', '/api/v1/search/search', { indices: ['bro'], query: 'alert_status:OPEN AND project:metron' });
    expect(search).toEqual({ status: 200, body: { total: 1, results: [{ id: 'a1', index: 'bro_index', source: document, score: 1 }] } });
  });

  it('takes requests shaped as the Metron alerts UI sends them (source, index null) and serializes concurrent changes', async () => {
    const ui = await call('PATCH', '/api/v1/update/patch', {
      guid: 'a2', sensorType: 'bro', index: null, source: { guid: 'a2', stale: true }, patch: [{ op: 'add', path: '/alert_status', value: 'OPEN' }],
    });
    expect(ui.status).toBe(200);
    expect(ui.body.document).toEqual({ ...seed()[1], alert_status: 'OPEN' });
    const comments = await Promise.all(Array.from({ length: 10 }, (_, i) =>
      call('POST', '/api/v1/update/add/comment', { guid: 'a2', sensorType: 'bro', comment: `c${i}`, timestamp: i, index: null }, i % 2 === 0 ? ANALYST : BOB)));
    expect(comments.map((c) => c.status)).toEqual(Array(10).fill(200));
    const stored = (await store.findOne({ guid: 'a2', sensorType: 'bro' }))!['comments'] as Message[];
    expect(stored.map((c) => c['comment']).sort()).toEqual(Array.from({ length: 10 }, (_, i) => `c${i}`).sort());
    expect(stored.every((c, _, all) => all.filter((o) => o['comment'] === c['comment']).length === 1)).toBe(true);
  });

  it('answers 404 for an unknown guid and 400 with a message for bad requests', async () => {
    const patch = (body: object) => call('PATCH', '/api/v1/update/patch', body);
    expect(await patch({ guid: 'zz', sensorType: 'bro', patch: [{ op: 'add', path: '/x', value: 1 }] }))
      .toEqual({ status: 404, body: ERROR(404, 'NOT_FOUND', "no document with guid 'zz' in sensor 'bro'") });
    expect(await patch({ guid: 'a1', sensorType: 'bro', patch: [{ op: 'merge', path: '/x', value: 1 }] }))
      .toEqual({ status: 400, body: ERROR(400, 'INPUT_INVALID', 'body.patch[0].op: must be one of "add", "remove", "replace", "move", "copy", "test"') });
    expect(await patch({ guid: 'a1', sensorType: 'bro', patch: [] }))
      .toEqual({ status: 400, body: ERROR(400, 'INPUT_INVALID', 'body.patch: must NOT have fewer than 1 items') });
    expect(await patch({ guid: 'a1', sensorType: 'bro', patch: [{ op: 'add', path: '/x', value: 1 }], extra: 1 }))
      .toEqual({ status: 400, body: ERROR(400, 'INPUT_INVALID', "body: unknown key 'extra'") });
    expect(await patch({ guid: 'a1', sensorType: 'bro', patch: [{ op: 'test', path: '/ip_src_addr', value: '1.2.3.4' }] }))
      .toEqual({ status: 400, body: ERROR(400, 'INPUT_INVALID', 'patch[0] (test "/ip_src_addr"): test failed: the value is "10.0.0.1", expected "1.2.3.4"') });
    expect(await patch({ guid: 'a1', sensorType: 'bro', patch: [{ op: 'add', path: 'x', value: 1 }] }))
      .toEqual({ status: 400, body: ERROR(400, 'INPUT_INVALID', `patch[0] (add "x"): 'x' is not a JSON pointer (must start with '/')`) });
    expect(await patch({ guid: 'a1', sensorType: 'bro', patch: [{ op: 'add', path: '/alert_status', value: 'CLOSED' }] }))
      .toEqual({ status: 400, body: ERROR(400, 'INPUT_INVALID', 'alert_status must be one of NEW, OPEN, ESCALATE, DISMISS, RESOLVE, got "CLOSED"') });
    expect(await call('POST', '/api/v1/update/status', { guid: 'a1', sensorType: 'bro', status: 'CLOSED' }))
      .toEqual({ status: 400, body: ERROR(400, 'INPUT_INVALID', 'body.status: must be one of "NEW", "OPEN", "ESCALATE", "DISMISS", "RESOLVE"') });
    expect(await call('POST', '/api/v1/update/replace', { guid: 'a1', sensorType: 'bro', replacement: [1] }))
      .toEqual({ status: 400, body: ERROR(400, 'INPUT_INVALID', 'body.replacement: must be object') });
    expect(await call('POST', '/api/v1/update/assign', { guid: 'a1', sensorType: 'bro', assignee: 'ghost' }))
      .toEqual({ status: 400, body: ERROR(400, 'INPUT_INVALID', "assignee 'ghost' is not a user") });
    expect(await call('GET', '/api/v1/update/history/zz')).toEqual({ status: 404, body: ERROR(404, 'NOT_FOUND', "no document and no recorded change with guid 'zz'") });
    expect((await call('GET', '/api/v1/update/history/a1?size=5000')).status).toBe(400);
    expect(await store.findOne({ guid: 'a1', sensorType: 'bro' })).toEqual(seed()[0]);
  });

  it('replace, status and assign answer the changed Document', async () => {
    const replaced = await call('POST', '/api/v1/update/replace', { guid: 'a2', sensorType: 'bro', replacement: { timestamp: 2000, note: 'n' } });
    expect(replaced.body.document).toEqual({ guid: 'a2', 'source.type': 'bro', timestamp: 2000, note: 'n' });
    const status = await call('POST', '/api/v1/update/status', { guid: 'a2', sensorType: 'bro', status: 'ESCALATE' });
    expect(status.body.document).toEqual({ guid: 'a2', 'source.type': 'bro', timestamp: 2000, note: 'n', alert_status: 'ESCALATE' });
    const assigned = await call('POST', '/api/v1/update/assign', { guid: 'a2', sensorType: 'bro', assignee: 'bob' });
    expect(assigned.body.document['alert_assignee']).toBe('bob');
    const unassigned = await call('POST', '/api/v1/update/assign', { guid: 'a2', sensorType: 'bro', assignee: null });
    expect(unassigned.body.document).toEqual({ guid: 'a2', 'source.type': 'bro', timestamp: 2000, note: 'n', alert_status: 'ESCALATE' });
  });

  it('comments are written as the caller; removing another user\'s needs admin', async () => {
    const add = await call('POST', '/api/v1/update/add/comment', { guid: 'a1', sensorType: 'bro', comment: 'seen before', username: 'analyst', timestamp: 5 });
    expect(add.status).toBe(200);
    expect(add.body.document['comments']).toEqual([{ comment: 'seen before', username: 'analyst', timestamp: 5 }]);
    const noTimestamp = await call('POST', '/api/v1/update/add/comment', { guid: 'a1', sensorType: 'bro', comment: 'second' }, BOB);
    const second = noTimestamp.body.document['comments'][1];
    expect(second.username).toBe('bob');
    expect(second.timestamp).toBeGreaterThan(1_600_000_000_000);
    expect(await call('POST', '/api/v1/update/add/comment', { guid: 'a1', sensorType: 'bro', comment: 'x', username: 'bob' }))
      .toEqual({ status: 403, body: ERROR(403, 'FORBIDDEN', "comments are written as the logged-in user 'analyst', not 'bob'") });
    const removeBobs = { guid: 'a1', sensorType: 'bro', ...second };
    expect(await call('POST', '/api/v1/update/remove/comment', removeBobs))
      .toEqual({ status: 403, body: ERROR(403, 'FORBIDDEN', "only 'bob' or an admin may remove this comment") });
    expect(await call('POST', '/api/v1/update/remove/comment', { ...removeBobs, timestamp: 1 }))
      .toEqual({ status: 404, body: ERROR(404, 'NOT_FOUND', "no comment by 'bob' at 1 with that text on 'a1'") });
    const removed = await call('POST', '/api/v1/update/remove/comment', removeBobs, ADMIN);
    expect(removed.body.document['comments']).toEqual([{ comment: 'seen before', username: 'analyst', timestamp: 5 }]);
  });

  it('history and the audit index record who changed what, from what to what', async () => {
    await call('POST', '/api/v1/update/status', { guid: 'a3', sensorType: 'bro', status: 'OPEN' });
    await call('POST', '/api/v1/update/status', { guid: 'a3', sensorType: 'bro', status: 'RESOLVE' }, BOB);
    const history = await call('GET', '/api/v1/update/history/a3');
    expect(history.status).toBe(200);
    expect(history.body.guid).toBe('a3');
    expect(history.body.total).toBe(2);
    const [first, second] = history.body.changes;
    expect(Object.keys(first).sort()).toEqual(['alert_guid', 'alert_sensor', 'change_id', 'field', 'guid', 'new_value', 'request', 'source.type', 'timestamp', 'user']);
    expect(first).toMatchObject({ 'source.type': 'audit', user: 'analyst', request: 'status', alert_guid: 'a3', alert_sensor: 'bro', field: 'alert_status', new_value: 'OPEN' });
    expect(second).toMatchObject({ user: 'bob', request: 'status', field: 'alert_status', old_value: 'OPEN', new_value: 'RESOLVE' });
    expect(second.timestamp).toBeGreaterThanOrEqual(first.timestamp);
    const audit = await call('POST', '/api/v1/search/search', { indices: ['audit'], query: 'user:bob AND alert_guid:a3' });
    expect(audit.body.total).toBe(1);
    expect(audit.body.results[0]).toEqual({ id: second.guid, index: 'audit_index', source: second, score: 1 });
    // Not mixed into searches that do not name it.
    expect((await call('POST', '/api/v1/search/search', { query: 'user:bob' })).body.total).toBe(0);
  });
});

describe('meta-alert endpoints', () => {
  const create = async () => {
    const res = await call('POST', '/api/v1/metaalert/create', { alerts: [{ guid: 'a1', sensorType: 'bro' }, { guid: 'a2', sensorType: 'bro', index: 'bro_index' }], groups: ['ip_src_addr'] });
    expect(res.status).toBe(200);
    expect(Object.keys(res.body).sort()).toEqual(['created', 'guid']);
    expect(res.body.created).toBe(true);
    expect(res.body.guid).toMatch(/^[0-9a-f-]{36}$/);
    return res.body.guid as string;
  };
  const searchIds = async (body: object, url = '/api/v1/search/search') =>
    (await call('POST', url, { query: '*', sort: [{ field: 'guid', sortOrder: 'asc' }], ...body })).body.results.map((r: { id: string }) => r.id);

  it('creates a meta-alert that search lists instead of its alerts, with the summed score', async () => {
    const guid = await create();
    expect(await searchIds({})).toEqual(['a3', guid].sort());
    const meta = await call('POST', '/api/v1/search/findOne', { guid, sensorType: 'metaalert' });
    expect(meta.body).toMatchObject({ guid, 'source.type': 'metaalert', status: 'active', groups: ['ip_src_addr'], 'threat.triage.score': 30, count: 2, sum: 30, max: 20, min: 10, average: 15, median: 15 });
    expect(meta.body.metron_alert).toEqual([seed()[0], seed()[1]]);
    expect(await searchIds({ query: 'ip_src_addr:10.0.0.2' }, '/api/v1/metaalert/search')).toEqual([guid]);
    const byAlert = await app.inject({ method: 'POST', url: '/api/v1/metaalert/searchByAlert', headers: { authorization: ANALYST, 'content-type': 'text/plain' }, payload: 'a2' });
    expect(byAlert.json().results.map((r: { id: string }) => r.id)).toEqual([guid]);
    expect((await call('POST', '/api/v1/metaalert/searchByAlert', { guid: 'a2' })).body.total).toBe(1);
    expect(await call('POST', '/api/v1/metaalert/searchByAlert', { guid: 'a3' })).toEqual({ status: 200, body: { total: 0, results: [] } });
  });

  it('/search/group leaves out the meta-alert and its alerts', async () => {
    await create();
    const group = await call('POST', '/api/v1/search/group', { query: '*', scoreField: 'threat.triage.score', groups: [{ field: 'ip_src_addr' }] });
    expect(group).toEqual({ status: 200, body: { groupedBy: 'ip_src_addr', groupResults: [{ key: '10.0.0.3', total: 1, score: 0 }] } });
  });

  it('/search/histogram counts what search lists: the meta-alert instead of its alerts', async () => {
    await create();
    const histogram = await call('POST', '/api/v1/search/histogram', { query: '*', indices: ['bro'], interval: 1000 });
    expect(histogram).toEqual({ status: 200, body: { field: 'timestamp', interval: 1000, total: 1, buckets: [{ key: 3000, count: 1 }] } });
    const all = await call('POST', '/api/v1/search/histogram', { query: '*', interval: '1d' });
    expect(all.body.total).toBe(2);
  });

  it('adds and removes alerts and sets status, answering true or false', async () => {
    const guid = await create();
    const a3 = [{ guid: 'a3', sensorType: 'bro' }];
    expect(await call('POST', '/api/v1/metaalert/add/alert', { metaAlertGuid: guid, alerts: a3 })).toEqual({ status: 200, body: true });
    expect(await call('POST', '/api/v1/metaalert/add/alert', { metaAlertGuid: guid, alerts: a3 })).toEqual({ status: 200, body: false });
    expect(await call('POST', '/api/v1/metaalert/remove/alert', { metaAlertGuid: guid, alerts: [{ guid: 'a1', sensorType: 'bro' }] })).toEqual({ status: 200, body: true });
    expect(await searchIds({})).toEqual(['a1', guid].sort());
    expect(await call('POST', `/api/v1/metaalert/update/status/${guid}/INACTIVE`)).toEqual({ status: 200, body: true });
    expect(await call('POST', `/api/v1/metaalert/update/status/${guid}/INACTIVE`)).toEqual({ status: 200, body: false });
    expect(await searchIds({})).toEqual(['a1', 'a2', 'a3']);
    // A status on the meta-alert reaches its alerts.
    expect(await call('POST', `/api/v1/metaalert/update/status/${guid}/ACTIVE`)).toEqual({ status: 200, body: true });
    await call('PATCH', '/api/v1/update/patch', { guid, sensorType: 'metaalert', patch: [{ op: 'add', path: '/alert_status', value: 'DISMISS' }] });
    expect((await store.findOne({ guid: 'a3', sensorType: 'bro' }))!['alert_status']).toBe('DISMISS');
    expect((await store.findOne({ guid: 'a1', sensorType: 'bro' }))!['alert_status']).toBeUndefined();
  });

  it('refuses bad meta-alert requests with 4xx and a message', async () => {
    const guid = await create();
    expect(await call('POST', '/api/v1/metaalert/create', { alerts: [], groups: [] }))
      .toEqual({ status: 400, body: ERROR(400, 'INPUT_INVALID', 'body.alerts: must NOT have fewer than 1 items') });
    expect(await call('POST', '/api/v1/metaalert/create', { alerts: [{ guid: 'zz', sensorType: 'bro' }] }))
      .toEqual({ status: 404, body: ERROR(404, 'NOT_FOUND', "no document with guid 'zz' in sensor 'bro'") });
    expect(await call('POST', '/api/v1/metaalert/add/alert', { metaAlertGuid: 'nope', alerts: [{ guid: 'a3', sensorType: 'bro' }] }))
      .toEqual({ status: 404, body: ERROR(404, 'NOT_FOUND', "no meta-alert with guid 'nope'") });
    expect(await call('POST', `/api/v1/metaalert/update/status/${guid}/DONE`))
      .toEqual({ status: 400, body: ERROR(400, 'INPUT_INVALID', 'meta-alert status must be ACTIVE or INACTIVE, got "DONE"') });
    expect(await call('PATCH', '/api/v1/update/patch', { guid, sensorType: 'metaalert', patch: [{ op: 'replace', path: '/status', value: 'inactive' }] }))
      .toEqual({ status: 400, body: ERROR(400, 'INPUT_INVALID', /^patch\[0\]: 'status' is changed through the meta-alert endpoints/) });
    expect((await call('POST', '/api/v1/metaalert/searchByAlert', { id: 'a1' })).status).toBe(400);
  });
});
