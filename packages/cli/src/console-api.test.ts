/**
 * The console's REST routes against `metron start` (startEmbedded): the real pipeline, local log,
 * DuckDB index and config directory. Saving a triage rule applies it live: new events are scored by it.
 */
import { cp, mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BUILTIN_CONFIG_DIR, editableConfigDir, startEmbedded, type EmbeddedHandle } from './start.js';

const ADMIN = `Basic ${Buffer.from('admin:admin-password').toString('base64')}`;
const quiet = { info() {}, warn() {}, error() {} };

let dir: string;
let configDir: string;
let handle: EmbeddedHandle;

async function api(method: string, path: string, body?: unknown, auth = ADMIN): Promise<{ status: number; json: any }> {
  const res = await fetch(`${handle.url}${path}`, {
    method,
    headers: { authorization: auth, ...(body !== undefined ? { 'content-type': 'application/json' } : {}) },
    ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
  });
  const text = await res.text();
  return { status: res.status, json: text === '' ? null : JSON.parse(text) };
}

/** A Bro DNS record as Metron's Bro parser reads it. */
function broDns(n: number, src: string, query: string): string {
  return JSON.stringify({ dns: { ts: 1_700_000_000 + n, uid: `C${n}`, 'id.orig_h': src, 'id.orig_p': 40000 + n, 'id.resp_h': '10.0.0.53', 'id.resp_p': 53, proto: 'udp', query, qtype_name: 'A', rcode_name: 'NOERROR' } });
}

async function ingestBro(lines: string[]): Promise<void> {
  await handle.pipeline.ingest('bro', lines.map((l) => Buffer.from(l)));
  await handle.pipeline.waitIdle();
}

async function findBro(uid: string): Promise<Record<string, unknown> | undefined> {
  const res = await api('POST', '/api/v1/search/search', { indices: ['bro'], query: `uid:${uid}`, size: 1 });
  return res.json.results[0]?.source;
}

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'metron-console-api-'));
  configDir = join(dir, 'config');
  await cp(BUILTIN_CONFIG_DIR, configDir, { recursive: true });
  await rm(join(configDir, 'sources.json'));
  handle = await startEmbedded({ configDir, dataDir: join(dir, 'data'), port: 0, host: '127.0.0.1', adminPassword: 'admin-password', fsync: 'never', log: quiet });
}, 60_000);

afterAll(async () => {
  await handle?.stop();
  await rm(dir, { recursive: true, force: true });
});

describe('sensor config routes on the running pipeline', () => {
  it('saves a triage rule into the config dir and scores new events with it, without a restart', async () => {
    await ingestBro([broDns(1, '203.0.113.66', 'a.example')]);
    expect(await findBro('C1')).toMatchObject({ is_alert: 'true', 'threat.triage.score': 70, 'threat.triage.rules.0.name': 'Known-bad address' });

    const current = await api('GET', '/api/v1/sensor/enrichment/config/bro');
    expect(current.status).toBe(200);
    expect(current.json).toEqual(JSON.parse(await readFile(join(configDir, 'enrichments', 'bro.json'), 'utf8')));
    const edited = structuredClone(current.json);
    edited.threatIntel.triageConfig.riskLevelRules.push({ name: 'Console rule', rule: "ENDS_WITH(query, '.example')", score: 95, reason: "FORMAT('query %s', query)" });
    const saved = await api('POST', '/api/v1/sensor/enrichment/config/bro', edited);
    expect(saved.status).toBe(200);
    expect(saved.json).toEqual(edited);
    expect(JSON.parse(await readFile(join(configDir, 'enrichments', 'bro.json'), 'utf8'))).toEqual(edited);

    await ingestBro([broDns(2, '203.0.113.66', 'b.example')]);
    const scored = await findBro('C2');
    expect(scored).toMatchObject({ 'threat.triage.score': 95 });
    const ruleNames = Object.entries(scored ?? {}).filter(([k]) => /^threat\.triage\.rules\.\d+\.name$/.test(k)).map(([, v]) => v);
    expect(ruleNames).toEqual(expect.arrayContaining(['Known-bad address', 'Console rule']));
    expect(Object.values(scored ?? {})).toContain('query b.example');
    // the event scored before the save keeps its score
    expect((await findBro('C1'))?.['threat.triage.score']).toBe(70);
  });

  it('refuses a rule that does not compile or a config the schema refuses, naming file and path, and changes nothing', async () => {
    const before = await readFile(join(configDir, 'enrichments', 'bro.json'), 'utf8');
    const bad = JSON.parse(before);
    bad.threatIntel.triageConfig.riskLevelRules[0].rule = "ip_src_addr == ('x'";
    const res = await api('POST', '/api/v1/sensor/enrichment/config/bro', bad);
    expect(res.status).toBe(400);
    expect(res.json.code).toBe('CONFIG_INVALID');
    expect(res.json.message).toMatch(/enrichments\/bro\.json/);
    expect(res.json.message).toMatch(/riskLevelRules\[0\]/);

    const shape = await api('POST', '/api/v1/sensor/enrichment/config/bro', { threatIntel: { triageConfig: { riskLevelRules: 'nope' } } });
    expect(shape.status).toBe(400);
    expect(shape.json.message).toMatch(/^enrichments\/bro\.json: \$\.threatIntel\.triageConfig\.riskLevelRules/);
    expect(await readFile(join(configDir, 'enrichments', 'bro.json'), 'utf8')).toBe(before);

    await ingestBro([broDns(3, '203.0.113.66', 'c.example')]);
    expect((await findBro('C3'))?.['threat.triage.score']).toBe(95);
  });

  it('adds a sensor live from a new parser config, lists it, and removes it', async () => {
    const created = await api('POST', '/api/v1/sensor/parser/config/app', { parserClassName: 'JSONMap', parserConfig: {} });
    expect(created.status).toBe(201);
    expect((await api('GET', '/api/v1/sensor/parser/config')).json).toHaveProperty('app');
    const res = await fetch(`${handle.url}/api/v1/ingest/app`, { method: 'POST', headers: { authorization: ADMIN, 'content-type': 'text/plain' }, body: '{"n":1,"msg":"hello"}\n' });
    expect(res.status).toBe(202);
    await handle.pipeline.waitIdle();
    const hits = await api('POST', '/api/v1/search/search', { indices: ['app'], query: '*', size: 5 });
    expect(hits.json.total).toBe(1);
    expect(hits.json.results[0].source).toMatchObject({ msg: 'hello', 'source.type': 'app' });

    expect((await api('DELETE', '/api/v1/sensor/parser/config/app')).status).toBe(200);
    expect((await api('GET', '/api/v1/sensor/parser/config/app')).status).toBe(404);
    expect((await api('DELETE', '/api/v1/sensor/parser/config/app')).status).toBe(404);
    const gone = await fetch(`${handle.url}/api/v1/ingest/app`, { method: 'POST', headers: { authorization: ADMIN, 'content-type': 'text/plain' }, body: '{"n":2}\n' });
    expect(gone.status).toBe(404);
  });

  it('tests raw lines with the saved configs and with unsaved ones, through parse, enrichment and triage', async () => {
    const saved = await api('POST', '/api/v1/sensor/sample', { sensorType: 'bro', sampleData: `${broDns(9, '203.0.113.66', 'x.example')}\nnot bro at all\n` });
    expect(saved.status).toBe(200);
    const [good, bad] = saved.json.results;
    expect(good.line).toBe(1);
    expect(good.errors).toEqual([]);
    expect(good.messages[0]).toMatchObject({ 'source.type': 'bro', ip_src_addr: '203.0.113.66', query: 'x.example', 'threat.triage.score': 95 });
    expect(bad.line).toBe(2);
    expect(bad.messages).toEqual([]);
    expect(bad.errors[0]).toMatchObject({ stage: 'parse', sensor: 'bro' });

    const enrichment = (await api('GET', '/api/v1/sensor/enrichment/config/bro')).json;
    enrichment.threatIntel.triageConfig.riskLevelRules = [{ name: 'Unsaved', rule: 'true', score: 12 }];
    const unsaved = await api('POST', '/api/v1/sensor/sample', { sensorType: 'bro', sampleData: [broDns(10, '203.0.113.66', 'y.example')], sensorEnrichmentConfig: enrichment });
    expect(unsaved.json.results[0].messages[0]).toMatchObject({ 'threat.triage.score': 12, 'threat.triage.rules.0.name': 'Unsaved' });
    // nothing was written or indexed
    expect((await api('GET', '/api/v1/sensor/enrichment/config/bro')).json.threatIntel.triageConfig.riskLevelRules).toHaveLength(4);
    expect(await findBro('C10')).toBeUndefined();

    const parsed = await api('POST', '/api/v1/sensor/parser/config/parseMessage', { sensorParserConfig: { parserClassName: 'bro' }, sampleData: broDns(11, '10.1.1.1', 'z.example') });
    expect(parsed.status).toBe(200);
    expect(parsed.json).toMatchObject({ ip_src_addr: '10.1.1.1', query: 'z.example' });
    expect(parsed.json['threat.triage.score']).toBeUndefined();
    const unparsable = await api('POST', '/api/v1/sensor/parser/config/parseMessage', { sensorParserConfig: { parserClassName: 'bro' }, sampleData: 'nope' });
    expect(unparsable.status).toBe(400);
  });

  it('reports pipeline health per sensor and stage, and the dashboard aggregates', async () => {
    const health = await api('GET', '/api/v1/pipeline/health');
    expect(health.status).toBe(200);
    const bro = health.json.sensors.find((s: { sensor: string }) => s.sensor === 'bro');
    expect(bro.totals.received).toBe(3);
    expect(bro.totals.indexed).toBe(3);
    expect(bro.errorSearch).toEqual({ indices: ['error'], query: 'failed_sensor_type:"bro"' });
    expect(['ok', 'warming_up']).toContain(bro.state);
    expect(health.json.stages.find((s: { stage: string; sensor: string }) => s.stage === 'parse' && s.sensor === 'bro')).toMatchObject({ lag: 0, end: 3, committed: 3 });

    const details = await api('GET', '/api/v1/health/details');
    expect(details.json).toMatchObject({ status: 'UP', pipeline: { sensors: expect.arrayContaining([expect.objectContaining({ sensor: 'bro' })]) } });
    const prometheus = await (await fetch(`${handle.url}/metrics`, { headers: { authorization: ADMIN } })).text();
    expect(prometheus).toContain(`metron_sensor_health{sensor="bro",state="${bro.state}"} 1\n`);
    expect(prometheus).toContain('metron_sensor_recent_rate{sensor="bro"} ');

    const dash = await api('POST', '/api/v1/dashboard', { from: 1_699_000_000_000, to: 1_701_000_000_000 });
    expect(dash.status).toBe(200);
    expect(dash.json.totals).toEqual({ events: 3, alerts: 3 });
    expect(dash.json.eventsOverTime.bro.reduce((n: number, b: { count: number }) => n + b.count, 0)).toBe(3);
    expect(dash.json.topSources).toEqual([{ value: '203.0.113.66', count: 3 }]);
    expect(dash.json.topRules).toEqual(expect.arrayContaining([{ value: 'Known-bad address', count: 3 }, { value: 'Console rule', count: 2 }]));
  });
});

describe('editableConfigDir', () => {
  it('copies the built-in demo configs into the data dir once and uses the copy', async () => {
    const data = await mkdtemp(join(tmpdir(), 'metron-editable-'));
    try {
      const used = await editableConfigDir(BUILTIN_CONFIG_DIR, data);
      expect(used).toBe(join(data, 'config'));
      expect(await readFile(join(used, 'parsers', 'bro.json'), 'utf8')).toBe(await readFile(join(BUILTIN_CONFIG_DIR, 'parsers', 'bro.json'), 'utf8'));
      expect(await editableConfigDir('/some/dir', data)).toBe('/some/dir');
    } finally {
      await rm(data, { recursive: true, force: true });
    }
  });
});
