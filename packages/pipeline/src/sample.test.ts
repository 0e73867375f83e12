import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { ConfigError } from '@metron/core';
import { runSample, withoutLearning } from './sample.js';

const JSON_MAP = { parserClassName: 'org.apache.metron.parsers.json.JSONMapParser', parserConfig: {} };
const ENRICHMENT = {
  enrichment: { fieldMap: { stellar: { config: { host_upper: 'TO_UPPER(host)' } } } },
  threatIntel: {
    fieldMap: { stellar: { config: { is_alert: "level == 'high'" } } },
    triageConfig: { riskLevelRules: [{ name: 'high level', rule: "level == 'high'", score: 60, reason: "FORMAT('host %s', host)" }], aggregator: 'MAX' },
  },
};

let dir: string;
afterEach(async () => {
  if (dir) await rm(dir, { recursive: true, force: true });
});

describe('runSample', () => {
  it('parses, enriches and triages each line as the pipeline does, reporting failures by line', async () => {
    dir = await mkdtemp(join(tmpdir(), 'metron-sample-'));
    const sensors = { app: { parser: { ...JSON_MAP, filterClassName: 'STELLAR', parserConfig: { 'filter.query': "level != 'drop'" } }, enrichment: ENRICHMENT } };
    const lines = ['{"host":"a","level":"high","timestamp":1000}', 'not json', '{"host":"b","level":"low","timestamp":2000}', '{"host":"c","level":"drop"}'];
    const results = await runSample({ sensors, global: {}, kvPath: join(dir, 'kv') }, 'app', lines);
    expect(results.map((r) => r.line)).toEqual([1, 2, 3, 4]);
    const [high, bad, low, dropped] = results;
    expect(high?.errors).toEqual([]);
    expect(high?.messages).toHaveLength(1);
    expect(high?.messages[0]).toMatchObject({
      host: 'a',
      host_upper: 'A',
      'source.type': 'app',
      original_string: lines[0],
      is_alert: 'true',
      'threat.triage.score': 60,
      'threat.triage.rules.0.name': 'high level',
      'threat.triage.rules.0.reason': 'host a',
    });
    expect(typeof high?.messages[0]?.['guid']).toBe('string');
    expect(bad?.messages).toEqual([]);
    expect(bad?.errors[0]).toMatchObject({ stage: 'parse', sensor: 'app' });
    expect(bad?.errors[0]?.reason.length).toBeGreaterThan(5);
    expect(low?.messages[0]?.['threat.triage.score']).toBeUndefined();
    expect(low?.messages[0]?.['host_upper']).toBe('B');
    expect(dropped).toMatchObject({ messages: [], errors: [], dropped: true });
  });

  it('refuses a bad enrichment config with its file and path, and an unknown sensor', async () => {
    dir = await mkdtemp(join(tmpdir(), 'metron-sample-'));
    const broken = { ...ENRICHMENT, threatIntel: { ...ENRICHMENT.threatIntel, triageConfig: { riskLevelRules: [{ name: 'x', rule: 'level ==', score: 1 }] } } };
    const run = runSample({ sensors: { app: { parser: JSON_MAP, enrichment: broken } }, global: {}, kvPath: join(dir, 'kv') }, 'app', ['{}']);
    await expect(run).rejects.toBeInstanceOf(ConfigError);
    await expect(run).rejects.toThrow(/enrichments\/app\.json/);
    await expect(runSample({ sensors: {}, global: {} }, 'nope', ['{}'])).rejects.toThrow(/no parser config for sensor 'nope'/);
  });

  it('leaves identity learning out of the enrichment configs it runs (a sample writes nothing), keeping the rest', () => {
    const learning = { enrichment: { fieldMap: { identity: ['ip_src_addr'] }, config: { identity: { maxAge: '12h', learn: { ip: 'ip_src_addr', user: 'user' } } } } };
    expect(withoutLearning(learning)).toEqual({ enrichment: { fieldMap: { identity: ['ip_src_addr'] }, config: { identity: { maxAge: '12h' } } } });
    expect(learning.enrichment.config.identity.learn).toBeDefined();
    expect(withoutLearning(ENRICHMENT)).toBe(ENRICHMENT);
  });

  it('runs a sensor whose enrichment learns identities, without learning', async () => {
    dir = await mkdtemp(join(tmpdir(), 'metron-sample-'));
    const learning = { enrichment: { fieldMap: { identity: ['ip_src_addr'] }, config: { identity: { learn: { ip: 'ip_src_addr', user: 'user', filter: "action == 'login'" } } } } };
    const setup = { sensors: { auth: { parser: JSON_MAP, enrichment: learning } }, global: {}, kvPath: join(dir, 'kv') };
    const login = await runSample(setup, 'auth', ['{"ip_src_addr":"10.9.9.9","user":"mallory","action":"login","timestamp":1000}']);
    expect(login[0]?.errors).toEqual([]);
    expect(login[0]?.messages).toHaveLength(1);
    const later = await runSample(setup, 'auth', ['{"ip_src_addr":"10.9.9.9","action":"read","timestamp":2000}']);
    expect(later[0]?.messages[0]?.['enrichments.identity.ip_src_addr.user']).toBeUndefined();
  });
});
