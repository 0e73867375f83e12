/**
 * The console's routes on their own: config routes on a config directory (here without a running
 * pipeline, as on a server that only distributes configs), Stellar routes, and the dashboard on a
 * real DuckDB store. The live apply on a running pipeline is tested in packages/cli (console-api.test.ts).
 */
import { mkdir, mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { loadConfigDir } from '@metron/core/node';
import { openAlertStore, openDuckDbSearchStore, type DuckDbSearchStore } from '@metron/storage';
import { createServer, registeredRoutes } from '../app.js';
import { PUBLIC_ROUTES } from '../auth/authenticate.js';
import type { UserStore } from '../auth/user-store.js';
import { basic, fakeDeps, tempUserStore } from '../testing.js';
import { ConfigStore } from './config-store.js';

const ADMIN = basic('admin', 'admin-password');
const ANALYST = basic('analyst', 'analyst-password');

let app: FastifyInstance;
let users: UserStore;
let cleanupUsers: () => Promise<void>;
let dir: string;
let store: DuckDbSearchStore;

beforeEach(async () => {
  const t = await tempUserStore();
  users = t.users;
  cleanupUsers = t.cleanup;
  await users.createUser('analyst', 'analyst-password', ['user']);
  dir = await mkdtemp(join(tmpdir(), 'metron-configs-'));
  await mkdir(join(dir, 'parsers'));
  await writeFile(join(dir, 'parsers', 'json.json'), '{"parserClassName": "JSONMap"}\n');
  await writeFile(join(dir, 'global.json'), '{"es.date.format": "yyyy.MM.dd.HH"}\n');
  store = await openDuckDbSearchStore({ path: ':memory:' });
  const configs = new ConfigStore({ dir, initial: await loadConfigDir(dir) });
  app = await createServer(fakeDeps(users, { searchStore: store, configs, pipelineHealth: () => ({ status: 'OK', sensors: [], stages: [] }) }));
});

afterEach(async () => {
  await app.close();
  await store.close();
  await cleanupUsers();
  await rm(dir, { recursive: true, force: true });
});

async function call(method: 'GET' | 'POST' | 'DELETE', url: string, payload?: unknown, authorization = ADMIN) {
  const res = await app.inject({ method, url, headers: { authorization }, ...(payload !== undefined ? { payload: payload as object } : {}) });
  return { status: res.statusCode, json: res.body === '' ? null : res.json() };
}

describe('config routes', () => {
  it('reads, creates, updates and deletes sensor configs in the config dir, atomically', async () => {
    expect(await call('GET', '/api/v1/sensor/parser/config')).toEqual({ status: 200, json: { json: { parserClassName: 'JSONMap' } } });
    expect(await call('GET', '/api/v1/global/config')).toEqual({ status: 200, json: { 'es.date.format': 'yyyy.MM.dd.HH' } });
    const indexing = { elasticsearch: { index: 'json', batchSize: 5, enabled: true } };
    expect(await call('POST', '/api/v1/sensor/indexing/config/json', indexing)).toEqual({ status: 201, json: indexing });
    expect(JSON.parse(await readFile(join(dir, 'indexing', 'json.json'), 'utf8'))).toEqual(indexing);
    expect((await call('POST', '/api/v1/sensor/indexing/config/json', { ...indexing, hdfs: { enabled: false } })).status).toBe(200);
    expect((await call('GET', '/api/v1/sensor/indexing/config/json')).json).toEqual({ ...indexing, hdfs: { enabled: false } });
    // no temp files left beside it
    expect(await readdir(join(dir, 'indexing'))).toEqual(['json.json']);
    expect(await call('DELETE', '/api/v1/sensor/indexing/config/json')).toEqual({ status: 200, json: { deleted: true } });
    expect((await call('GET', '/api/v1/sensor/indexing/config/json')).status).toBe(404);
    expect((await call('POST', '/api/v1/global/config', { 'es.date.format': 'yyyy.MM.dd' })).status).toBe(200);
    expect(JSON.parse(await readFile(join(dir, 'global.json'), 'utf8'))).toEqual({ 'es.date.format': 'yyyy.MM.dd' });
  });

  it('needs the admin role to save or delete, and refuses bad names and bad configs with path and reason', async () => {
    expect((await call('GET', '/api/v1/sensor/parser/config/json', undefined, ANALYST)).status).toBe(200);
    const forbidden = await call('POST', '/api/v1/sensor/parser/config/json', { parserClassName: 'JSONMap' }, ANALYST);
    expect(forbidden.status).toBe(403);
    expect((await call('DELETE', '/api/v1/sensor/parser/config/json', undefined, ANALYST)).status).toBe(403);
    expect((await call('POST', '/api/v1/global/config', {}, ANALYST)).status).toBe(403);

    const badName = await call('POST', '/api/v1/sensor/parser/config/..%2Fescape', { parserClassName: 'JSONMap' });
    expect(badName.status).toBe(400);
    expect(badName.json.message).toMatch(/invalid sensor name/);
    const reserved = await call('POST', '/api/v1/sensor/parser/config/MetaAlert', { parserClassName: 'JSONMap' });
    expect(reserved.status).toBe(400);
    expect(reserved.json.message).toMatch(/reserved for the meta-alert index/);
    const internal = await call('POST', '/api/v1/sensor/parser/config/enrichments', { parserClassName: 'JSONMap' });
    expect(internal.status).toBe(400);
    expect(internal.json.message).toMatch(/^parsers\/enrichments\.json: \$: topic "enrichments" is the pipeline's own/);
    const internalTopic = await call('POST', '/api/v1/sensor/parser/config/other', { parserClassName: 'JSONMap', sensorTopic: 'indexing' });
    expect(internalTopic.json.message).toMatch(/^parsers\/other\.json: \$\.sensorTopic: /);
    expect(await readdir(join(dir, 'parsers'))).toEqual(['json.json']);
    const bad = await call('POST', '/api/v1/sensor/parser/config/json', { parserClassName: 'JSONMap', parserConfig: 'oops' });
    expect(bad.status).toBe(400);
    expect(bad.json).toMatchObject({ code: 'CONFIG_INVALID' });
    expect(bad.json.message).toMatch(/^parsers\/json\.json: \$\.parserConfig: /);
    expect(JSON.parse(await readFile(join(dir, 'parsers', 'json.json'), 'utf8'))).toEqual({ parserClassName: 'JSONMap' });
    const notObject = await call('POST', '/api/v1/sensor/enrichment/config/json', [1, 2]);
    expect(notObject.status).toBe(400);
    expect((await call('GET', '/api/v1/sensor/enrichment/config/nope')).status).toBe(404);
    // no pipeline behind this server: samples cannot be run
    const sample = await call('POST', '/api/v1/sensor/sample', { sensorType: 'json', sampleData: ['{}'] });
    expect(sample.status).toBe(404);
    expect(sample.json.message).toMatch(/no pipeline/);
  });
});

describe('stellar routes', () => {
  it("validates rules in Metron's shape and with the error's position and caret", async () => {
    const rules = ["TO_UPPER(name) == 'X'", "ip_src_addr in ['a'", 'NO_SUCH_FN(x)'];
    expect((await call('POST', '/api/v1/stellar/validate/rules', rules, ANALYST)).json).toEqual({ [rules[0]!]: true, [rules[1]!]: false, [rules[2]!]: false });
    const details = (await call('POST', '/api/v1/stellar/validate', rules, ANALYST)).json;
    expect(details[0]).toEqual({ rule: rules[0], valid: true });
    expect(details[1]).toMatchObject({ rule: rules[1], valid: false, error: { line: 1 } });
    expect(details[1].error.position).toBeGreaterThan(10);
    expect(details[1].error.caret).toContain('^');
    expect(details[2].error.message).toMatch(/NO_SUCH_FN/);
    expect(details[2].error.position).toBe(0);
  });

  it('lists functions with params and returns, the simple ones, and the field transformations', async () => {
    const fns = (await call('GET', '/api/v1/stellar/list/functions', undefined, ANALYST)).json as Array<{ name: string; params: string[]; returns: string; description: string }>;
    const upper = fns.find((f) => f.name === 'TO_UPPER');
    expect(upper).toBeDefined();
    expect(upper?.params.length).toBe(1);
    expect(upper?.returns.length).toBeGreaterThan(0);
    expect(upper?.description.length).toBeGreaterThan(0);
    expect(fns.length).toBeGreaterThan(100);
    const simple = (await call('GET', '/api/v1/stellar/list/simple/functions', undefined, ANALYST)).json as Array<{ params: string[] }>;
    expect(simple.every((f) => f.params.length === 1)).toBe(true);
    expect((await call('GET', '/api/v1/stellar/list', undefined, ANALYST)).json).toEqual(expect.arrayContaining(['STELLAR', 'REMOVE', 'RENAME']));
  });

  it("applies a parser config's field transformations to a sample, and refuses a bad expression", async () => {
    const sensorParserConfig = { fieldTransformations: [{ transformation: 'STELLAR', output: ['full'], config: { full: "JOIN([first, last], ' ')" } }, { transformation: 'REMOVE', input: ['last'] }] };
    const res = await call('POST', '/api/v1/stellar/apply/transformations', { sampleData: { first: 'Ada', last: 'Lovelace' }, sensorParserConfig }, ANALYST);
    expect(res).toEqual({ status: 200, json: { first: 'Ada', full: 'Ada Lovelace' } });
    const bad = await call('POST', '/api/v1/stellar/apply/transformations', { sampleData: {}, sensorParserConfig: { fieldTransformations: [{ transformation: 'STELLAR', output: ['x'], config: { x: 'TO_UPPER(' } }] } }, ANALYST);
    expect(bad.status).toBe(400);
    expect(bad.json.message).toMatch(/fieldTransformations\[0\]/);
  });
});

describe('dashboard route', () => {
  it('aggregates events and alerts over time per sensor, top talkers, top rules and geo points', async () => {
    const t = 1_700_000_000_000;
    const msg = (i: number, extra: Record<string, unknown>) => ({ guid: `g${i}`, timestamp: t + i * 60_000, ip_src_addr: i % 3 === 0 ? '10.0.0.9' : '10.0.0.1', ip_dst_addr: '192.0.2.5', ...extra });
    await store.write('bro', [
      msg(0, { is_alert: 'true', 'threat.triage.score': 50, 'threat.triage.rules.0.name': 'r1', 'enrichments.geo.ip_dst_addr.location_point': '48.85,2.35' }),
      msg(1, { is_alert: 'true', 'threat.triage.score': 80, 'threat.triage.rules.0.name': 'r2', 'threat.triage.rules.1.name': 'r1', 'enrichments.geo.ip_dst_addr.location_point': '48.85,2.35' }),
      msg(2, { 'enrichments.geo.ip_src_addr.location_point': '-33.86,151.2' }),
      msg(3, {}),
    ]);
    await store.write('snort', [msg(4, { is_alert: 'true', 'threat.triage.rules.0.name': 'r2' }), msg(70, {})]);
    await store.write('error', [{ guid: 'e1', timestamp: t, message: 'x' }]);

    const res = await call('POST', '/api/v1/dashboard', { from: t, to: t + 3_600_000, interval: '10m' }, ANALYST);
    expect(res.status).toBe(200);
    const d = res.json;
    expect(d.sensors).toEqual(['bro', 'snort']);
    expect(d.interval).toBe(600_000);
    expect(d.eventsOverTime.bro).toEqual([{ key: t - (t % 600_000), count: expect.any(Number) }, ...d.eventsOverTime.bro.slice(1)]);
    expect(d.eventsOverTime.bro.reduce((n: number, b: { count: number }) => n + b.count, 0)).toBe(4);
    // snort's second event is outside the range
    expect(d.eventsOverTime.snort.reduce((n: number, b: { count: number }) => n + b.count, 0)).toBe(1);
    expect(d.totals).toEqual({ events: 5, alerts: 3 });
    expect(d.topSources).toEqual([{ value: '10.0.0.1', count: 3 }, { value: '10.0.0.9', count: 2 }]);
    expect(d.topDestinations).toEqual([{ value: '192.0.2.5', count: 5 }]);
    expect(d.topRules).toEqual([{ value: 'r1', count: 2 }, { value: 'r2', count: 2 }]);
    expect(d.geo).toEqual([{ lat: 48.85, lon: 2.35, count: 2, field: 'ip_dst_addr' }, { lat: -33.86, lon: 151.2, count: 1, field: 'ip_src_addr' }]);

    const narrowed = await call('POST', '/api/v1/dashboard', { from: t, to: t + 3_600_000, query: 'ip_src_addr:10.0.0.9', sensors: ['bro'] }, ANALYST);
    expect(narrowed.json.totals).toEqual({ events: 2, alerts: 1 });
    const bad = await call('POST', '/api/v1/dashboard', { from: 10, to: 5 }, ANALYST);
    expect(bad.status).toBe(400);
    const badQuery = await call('POST', '/api/v1/dashboard', { query: 'a:(((' }, ANALYST);
    expect(badQuery.status).toBe(400);
  });
});

describe('dashboard route with meta-alerts', () => {
  it('counts what search lists: an active meta-alert once instead of its alerts, which are not counted on their own', async () => {
    const t = 1_700_000_000_000;
    const alerts = openAlertStore(store);
    const withAlerts = await createServer(fakeDeps(users, { searchStore: store, alerts }));
    try {
      const msg = (i: number, extra: Record<string, unknown>) => ({ guid: `g${i}`, 'source.type': 'bro', timestamp: t + i * 60_000, ip_src_addr: `10.0.0.${i}`, ...extra });
      await store.write('bro', [msg(0, { is_alert: 'true' }), msg(1, { is_alert: 'true' }), msg(2, { is_alert: 'true' }), msg(3, {})]);
      const body = { from: t, to: t + 3_600_000, interval: '1h' };
      const post = async (payload: object) => (await withAlerts.inject({ method: 'POST', url: '/api/v1/dashboard', headers: { authorization: ANALYST }, payload })).json() as {
        totals: { events: number; alerts: number }; topSources: Array<{ value: string; count: number }>;
      };
      const search = async (indices?: string[]) => (await withAlerts.inject({
        method: 'POST', url: '/api/v1/search/search', headers: { authorization: ANALYST },
        payload: { query: `timestamp:[${t} TO ${t + 3_600_000}] AND is_alert:true`, size: 0, ...(indices && { indices }) },
      })).json() as { total: number };
      expect((await post(body)).totals).toEqual({ events: 4, alerts: 3 });

      const { guid } = await alerts.createMetaAlert('alice', { alerts: [{ guid: 'g0', sensorType: 'bro' }, { guid: 'g1', sensorType: 'bro' }], groups: [] });
      const d = await post(body);
      // g0 and g1 are listed through the meta-alert: one alert, as search counts them
      expect(d.totals).toEqual({ events: 2, alerts: 2 });
      expect(d.totals.alerts).toBe((await search()).total);
      expect(d.topSources.map((s) => s.value).sort()).toEqual(['10.0.0.2', '10.0.0.3']);
      // with sensors named, only those indices: the held alerts are not counted on their own
      expect((await post({ ...body, sensors: ['bro'] })).totals).toEqual({ events: 2, alerts: 1 });
      expect((await search(['bro'])).total).toBe(1);

      await alerts.updateMetaAlertStatus('alice', guid, 'INACTIVE');
      expect((await post(body)).totals).toEqual({ events: 4, alerts: 3 });
    } finally {
      await withAlerts.close();
    }
  });
});

describe('sample routes', () => {
  it('needs the admin role to test unsaved configs', async () => {
    const withConfig = await call('POST', '/api/v1/sensor/sample', { sensorType: 'json', sampleData: '{}', sensorParserConfig: { parserClassName: 'JSONMap' } }, ANALYST);
    expect(withConfig.status).toBe(403);
    const parse = await call('POST', '/api/v1/sensor/parser/config/parseMessage', { sensorParserConfig: { parserClassName: 'JSONMap' }, sampleData: '{}' }, ANALYST);
    expect(parse.status).toBe(403);
    const tooMany = await call('POST', '/api/v1/sensor/sample', { sensorType: 'json', sampleData: Array.from({ length: 1001 }, () => '{}') });
    expect(tooMany.status).toBe(400);
    expect((await call('POST', '/api/v1/sensor/sample', { sensorType: 'json', sampleData: '\n\n' })).json.message).toMatch(/holds no record/);
  });
});

describe('the console routes need a user', () => {
  it('answers 401 without credentials on each of them', async () => {
    await app.ready();
    const mine = registeredRoutes(app).filter((r) => /^\/api\/v1\/(sensor|global|stellar|pipeline|dashboard)/.test(r.url) && !PUBLIC_ROUTES.has(`${r.method} ${r.url}`));
    expect(mine.length).toBeGreaterThan(25);
    for (const route of mine) {
      const res = await app.inject({ method: route.method as 'GET', url: route.url.replace(/:[A-Za-z]+/g, 'x') });
      expect(res.statusCode, `${route.method} ${route.url}`).toBe(401);
    }
    expect((await call('GET', '/api/v1/pipeline/health', undefined, ANALYST)).json).toEqual({ status: 'OK', sensors: [], stages: [] });
  });
});

describe('sample concurrency', () => {
  it('runs at most two samples at once and answers 429 to a third', async () => {
    const release: Array<() => void> = [];
    const configs = new ConfigStore({
      dir,
      initial: await loadConfigDir(dir),
      sample: (_configs, _sensor, lines) => new Promise((resolve) => release.push(() => resolve(lines.map((raw, i) => ({ line: i + 1, raw, messages: [], errors: [] }))))),
    });
    const server = await createServer(fakeDeps(users, { searchStore: store, configs }));
    try {
      const body = { sensorType: 'json', sampleData: '{}' };
      const first = server.inject({ method: 'POST', url: '/api/v1/sensor/sample', headers: { authorization: ANALYST }, payload: body });
      const second = server.inject({ method: 'POST', url: '/api/v1/sensor/sample', headers: { authorization: ANALYST }, payload: body });
      while (release.length < 2) await new Promise((r) => setTimeout(r, 10));
      const third = await server.inject({ method: 'POST', url: '/api/v1/sensor/sample', headers: { authorization: ANALYST }, payload: body });
      expect(third.statusCode).toBe(429);
      expect(third.headers['retry-after']).toBe('1');
      for (const r of release) r();
      expect((await first).json()).toEqual({ sensorType: 'json', results: [{ line: 1, raw: '{}', messages: [], errors: [] }] });
      expect((await second).statusCode).toBe(200);
      release.length = 0;
      const after = server.inject({ method: 'POST', url: '/api/v1/sensor/sample', headers: { authorization: ANALYST }, payload: body });
      while (release.length < 1) await new Promise((r) => setTimeout(r, 10));
      release[0]!();
      expect((await after).statusCode).toBe(200);
    } finally {
      await server.close();
    }
  });
});
