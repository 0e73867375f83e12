/**
 * The sensor enrichment engine on realistic messages (Metron's parsed yaf, snort and bro samples),
 * with real engines: the GeoLite2 City database, enrichment and threat-intel tables in LMDB
 * (@metron/storage's EnrichmentTables), Stellar with ENRICHMENT_GET/EXISTS over those tables.
 * Expected outputs follow Metron's EnrichmentIntegrationTest and the adapters' code.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Message } from '@metron/core';
import { defaultRegistry } from '@metron/stellar';
import type { EnrichmentKey, EnrichmentService, FunctionRegistry, StellarValue } from '@metron/stellar';
import { EnrichmentTables, openLmdbStore } from '@metron/storage';
import type { KeyValueStore } from '@metron/storage';
import { GeoDatabase } from '../geo/geo-database.js';
import { conformancePath, expectedMessages, readJson } from '../test-support/conformance.js';
import { geoLite2CityPath } from '../test-support/fixtures.js';
import { jacksonValue } from './java-values.js';
import { parseKnownHosts } from './known-hosts.js';
import { compileSensorEnrichment, type SensorEnricher } from './sensor-enricher.js';
import type { SensorEnrichmentDeps } from './types.js';

/** The known hosts of Metron's EnrichmentIntegrationTest. */
const KNOWN_HOSTS = parseKnownHosts(
  '[{"ip":"10.1.128.236", "local":"YES", "type":"webserver", "asset_value" : "important"},' +
    '{"ip":"10.1.128.237", "local":"UNKNOWN", "type":"unknown", "asset_value" : "important"},' +
    '{"ip":"10.60.10.254", "local":"YES", "type":"printer", "asset_value" : "important"},' +
    '{"ip":"10.0.2.15", "local":"YES", "type":"printer", "asset_value" : "important"}]',
);

/** ENRICHMENT_GET / ENRICHMENT_EXISTS over the tables (the pipeline installs its own equivalent). */
function tablesService(tables: EnrichmentTables): EnrichmentService {
  return {
    get(key: EnrichmentKey) {
      const text = tables.getText(key.table, key.columnFamily, key.type, key.indicator);
      return text === undefined ? null : (jacksonValue(JSON.parse(text)) as Map<string, StellarValue>);
    },
    exists: (key) => tables.exists(key.table, key.columnFamily, key.type, key.indicator),
  };
}

let dir: string;
let store: KeyValueStore;
let tables: EnrichmentTables;
let geo: GeoDatabase;
let functions: FunctionRegistry;
let deps: SensorEnrichmentDeps;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'metron-enricher-'));
  store = openLmdbStore({ path: join(dir, 'kv') });
  tables = new EnrichmentTables(store);
  // Metron's integration test tables: "threat_intel" and "enrichments", column family "cf"
  await tables.load('threat_intel', 'cf', [{ type: 'malicious_ip', indicator: '10.0.2.3', value: {} }]);
  await tables.load('enrichments', 'cf', [{ type: 'playful_classification', indicator: '10.0.2.3', value: { orientation: 'north' } }]);
  // the default tables of the enrichment topology ("enrichment" / "threatintel", column family "t")
  await tables.load('enrichment', 't', [
    { type: 'asset', indicator: '10.0.2.15', value: { owner: 'printer team', criticality: 3, tags: ['printer', 'lab'] } },
    { type: 'broken', indicator: '10.0.2.15', value: '{not json' },
  ]);
  await tables.load('enrichment', 'assets_cf', [{ type: 'owner', indicator: '10.0.2.15', value: { name: 'Ada' } }]);
  await tables.load('threatintel', 't', [
    { type: 'malicious_ip', indicator: '96.44.142.5', value: { source: 'abuse feed' } },
    { type: 'malicious_host', indicator: 'www.cisco.com', value: {} },
    { type: 'blacklist', indicator: '66.33.212.43', value: {} },
  ]);
  geo = await GeoDatabase.open(geoLite2CityPath());
  functions = defaultRegistry();
  functions.installService('enrichment', tablesService(tables));
  deps = { functions, geo, tables, knownHosts: KNOWN_HOSTS, now: () => 1_500_000_000_000 };
});

afterAll(async () => {
  await store.close();
  rmSync(dir, { recursive: true, force: true });
});

const compileFor = (config: unknown, extra: Partial<SensorEnrichmentDeps> = {}, sensor = 'test'): SensorEnricher =>
  compileSensorEnrichment(sensor, config, { ...deps, ...extra }, `enrichments/${sensor}.json`);

const yaf = (i: number, sourceType = 'test'): Message => ({ ...(expectedMessages('yaf')[i] as Message), 'source.type': sourceType });

describe('geo adapter', () => {
  const config = { enrichment: { fieldMap: { geo: ['ip_dst_addr', 'ip_src_addr'] } } };

  it('writes every geo field of a public address, nothing for a private one', () => {
    const message: Message = { ip_src_addr: '216.160.83.56', ip_dst_addr: '10.0.2.15', 'source.type': 'bro', timestamp: 1 };
    const { message: out, errors } = compileFor(config).enrich(message);
    expect(errors).toEqual([]);
    expect(out).toBe(message); // enriched in place
    expect(out).toEqual({
      ip_src_addr: '216.160.83.56',
      ip_dst_addr: '10.0.2.15',
      'source.type': 'bro',
      timestamp: 1,
      'enrichments.geo.ip_src_addr.locID': '5807337',
      'enrichments.geo.ip_src_addr.country': 'US',
      'enrichments.geo.ip_src_addr.city': 'Poulsbo',
      'enrichments.geo.ip_src_addr.postalCode': '98370',
      'enrichments.geo.ip_src_addr.dmaCode': '819',
      'enrichments.geo.ip_src_addr.latitude': '47.7438',
      'enrichments.geo.ip_src_addr.longitude': '-122.6265',
      'enrichments.geo.ip_src_addr.location_point': '47.7438,-122.6265',
    });
  });

  it('drops the fields the database has no value for (Metron\'s join drops empty values)', () => {
    const { message } = compileFor(config).enrich({ ip_dst_addr: '93.188.160.43', 'source.type': 'bro' });
    expect(message).toEqual({
      ip_dst_addr: '93.188.160.43',
      'source.type': 'bro',
      'enrichments.geo.ip_dst_addr.country': 'US',
      'enrichments.geo.ip_dst_addr.latitude': '37.751',
      'enrichments.geo.ip_dst_addr.longitude': '-97.822',
      'enrichments.geo.ip_dst_addr.location_point': '37.751,-97.822',
    });
  });

  it('goes through the database cache', () => {
    const before = geo.stats();
    const enricher = compileFor(config);
    for (let i = 0; i < 5; i++) enricher.enrich({ ip_src_addr: '72.163.4.161' });
    const after = geo.stats();
    expect(after.lookups - before.lookups).toBe(5);
    expect(after.cacheHits - before.cacheHits).toBeGreaterThanOrEqual(4);
  });
});

describe('host adapter (known hosts list)', () => {
  it('writes known_info.<key> for a known address, nothing for others', () => {
    const { message } = compileFor({ enrichment: { fieldMap: { host: ['ip_src_addr', 'ip_dst_addr'] } } }).enrich({ ip_src_addr: '10.0.2.15', ip_dst_addr: '10.0.2.3' });
    expect(message).toEqual({
      ip_src_addr: '10.0.2.15',
      ip_dst_addr: '10.0.2.3',
      'enrichments.host.ip_src_addr.known_info.local': 'YES',
      'enrichments.host.ip_src_addr.known_info.type': 'printer',
      'enrichments.host.ip_src_addr.known_info.asset_value': 'important',
    });
  });

  it('refuses a known-hosts list without ips', () => {
    expect(() => parseKnownHosts('[{"local":"YES"}]', 'enrichment_host_known_hosts')).toThrow('enrichment_host_known_hosts: $[0].ip: each known host needs its "ip" (a string)');
    expect(() => parseKnownHosts('{"ip":"1.2.3.4"}')).toThrow('must be a JSON list');
  });
});

describe('hbaseEnrichment adapter', () => {
  it('writes each key of each type row: enrichments.hbaseEnrichment.<field>.<type>.<key>', () => {
    const config = {
      enrichment: {
        fieldMap: { hbaseEnrichment: ['ip_src_addr', 'ip_dst_addr'] },
        fieldToTypeMap: { ip_src_addr: ['asset', 'owner', 'missing_type'], ip_dst_addr: ['asset'] },
        config: { typeToColumnFamily: { owner: 'assets_cf' } },
      },
    };
    const { message, errors } = compileFor(config).enrich({ ip_src_addr: '10.0.2.15', ip_dst_addr: '10.0.2.3' });
    expect(errors).toEqual([]);
    expect(message).toEqual({
      ip_src_addr: '10.0.2.15',
      ip_dst_addr: '10.0.2.3',
      'enrichments.hbaseEnrichment.ip_src_addr.asset.owner': 'printer team',
      'enrichments.hbaseEnrichment.ip_src_addr.asset.criticality': 3,
      'enrichments.hbaseEnrichment.ip_src_addr.asset.tags': ['printer', 'lab'],
      'enrichments.hbaseEnrichment.ip_src_addr.owner.name': 'Ada',
    });
  });

  it('a row that is not JSON is reported, the rest of the message goes on', () => {
    const config = { enrichment: { fieldMap: { hbaseEnrichment: ['ip_src_addr'] }, fieldToTypeMap: { ip_src_addr: ['broken', 'asset'] } } };
    const { message, errors } = compileFor(config).enrich({ ip_src_addr: '10.0.2.15', 'source.type': 'yaf' });
    expect(message?.['enrichments.hbaseEnrichment.ip_src_addr.asset.owner']).toBe('printer team');
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatchObject({
      errorType: 'enrichment_error',
      adapter: 'hbaseEnrichment',
      jsonPath: '$.enrichment.fieldMap.hbaseEnrichment',
      fatal: false,
      rawMessage: { 'enrichments.hbaseEnrichment.ip_src_addr': '10.0.2.15', 'source.type': 'yaf' },
    });
    expect(errors[0]?.message).toMatch(/^ENRICHMENT error with hbaseEnrichment failed: the broken row of '10.0.2.15' in table enrichment:t is not JSON/);
  });
});

describe('hbaseThreatIntel adapter and is_alert', () => {
  const config = {
    threatIntel: {
      fieldMap: { hbaseThreatIntel: ['ip_src_addr', 'ip_dst_addr', 'host'] },
      fieldToTypeMap: { ip_src_addr: ['malicious_ip'], ip_dst_addr: ['malicious_ip'], host: ['malicious_host'] },
    },
  };

  it('marks each indicator found with "alert" and the message as an alert', () => {
    const { message } = compileFor(config).enrich({ ip_src_addr: '96.44.142.5', ip_dst_addr: '10.0.2.15', host: 'www.cisco.com' });
    expect(message).toEqual({
      ip_src_addr: '96.44.142.5',
      ip_dst_addr: '10.0.2.15',
      host: 'www.cisco.com',
      'threatintels.hbaseThreatIntel.ip_src_addr.malicious_ip': 'alert',
      'threatintels.hbaseThreatIntel.host.malicious_host': 'alert',
      is_alert: 'true',
    });
  });

  it('no hit, no is_alert', () => {
    const { message } = compileFor(config).enrich({ ip_src_addr: '8.8.8.8', ip_dst_addr: '10.0.2.15' });
    expect(message).toEqual({ ip_src_addr: '8.8.8.8', ip_dst_addr: '10.0.2.15' });
  });

  it('an is_alert already set decides: true-ish values alert, false-ish ones are removed, others stop the message', () => {
    const enricher = compileFor(config);
    expect(enricher.enrich({ ip_src_addr: '8.8.8.8', is_alert: true }).message).toEqual({ ip_src_addr: '8.8.8.8', is_alert: 'true' });
    expect(enricher.enrich({ ip_src_addr: '8.8.8.8', is_alert: 'yes' }).message).toEqual({ ip_src_addr: '8.8.8.8', is_alert: 'true' });
    expect(enricher.enrich({ ip_src_addr: '8.8.8.8', is_alert: 1 }).message).toEqual({ ip_src_addr: '8.8.8.8', is_alert: 'true' });
    // a false is_alert wins over threat intel hits (Metron only looks at the hits without is_alert)
    expect(enricher.enrich({ ip_src_addr: '96.44.142.5', is_alert: 'false' }).message).toEqual({
      ip_src_addr: '96.44.142.5',
      'threatintels.hbaseThreatIntel.ip_src_addr.malicious_ip': 'alert',
    });
    const bad = enricher.enrich({ ip_src_addr: '8.8.8.8', is_alert: 'maybe' });
    expect(bad.message).toBeNull();
    expect(bad.errors).toEqual([
      {
        errorType: 'threat_intel_error',
        message: 'THREAT_INTEL error: is_alert is "maybe", which is not a boolean (true/false, yes/no, y/n, on/off, 1/0)',
        adapter: 'is_alert',
        jsonPath: '$',
        rawMessage: { ip_src_addr: '8.8.8.8', is_alert: 'maybe' },
        fatal: true,
      },
    ]);
  });

  it('any field starting with "threatintels" (not ending in ".ts") makes an alert', () => {
    const enricher = compileFor({});
    expect(enricher.enrich({ 'threatintels.feed.ip_src_addr.bad': 'alert' }).message?.['is_alert']).toBe('true');
    expect(enricher.enrich({ 'threatintels.splitter.begin.ts': '1' }).message?.['is_alert']).toBeUndefined();
  });
});

describe('stellar adapter', () => {
  it('groups run apart; plain assignments form the default group; maps unfold one level', () => {
    const config = {
      enrichment: {
        fieldMap: {
          stellar: {
            config: {
              numeric: { map: "{ 'blah' : 1}", one: "MAP_GET('blah', map)", foo: '1 + 1' },
              other: ['seen := foo', 'x := 2'],
              ALL_CAPS: 'TO_UPPER(source.type)',
            },
          },
        },
      },
    };
    const { message, errors } = compileFor(config).enrich({ 'source.type': 'squid' });
    expect(errors).toEqual([]);
    // `seen` is null: group "other" does not see group "numeric"'s foo
    expect(message).toEqual({ 'source.type': 'squid', 'map.blah': 1, one: 1, foo: 2, x: 2, ALL_CAPS: 'SQUID' });
  });

  it("the docs' list form: temporaries set to null are dropped", () => {
    const config = readJson(conformancePath('configs', 'from_docs', 'use-cases__forensic_clustering__README__03.json'));
    const message: Message = { message: 'Failed password for root', input: 'ssh', isError: true, src_ip: '66.33.212.43', 'source.type': 'cowrie' };
    const { message: out, errors } = compileFor(config, { threatIntelTable: { table: 'threatintel', columnFamily: 't' } }, 'cowrie').enrich(message);
    expect(errors).toEqual([]);
    expect(Object.keys(out ?? {}).sort()).toEqual(
      [
        'message',
        'input',
        'isError',
        'src_ip',
        'source.type',
        'similarity_bin',
        'tlsh',
        'blacklisted',
        'is_alert',
        'threat.triage.score',
        'threat.triage.rules.0.name',
        'threat.triage.rules.0.comment',
        'threat.triage.rules.0.score',
        'threat.triage.rules.0.reason',
      ].sort(),
    );
    expect(typeof out?.['tlsh']).toBe('string');
    expect(out).toMatchObject({
      blacklisted: true,
      is_alert: 'true',
      'threat.triage.score': 10,
      'threat.triage.rules.0.name': 'Blacklisted Host',
      'threat.triage.rules.0.comment': 'Determine if a host is blacklisted',
      'threat.triage.rules.0.score': 10,
      'threat.triage.rules.0.reason': 'IP 66.33.212.43 is blacklisted',
    });
    // not blacklisted: is_alert := is_alert || false is false, so is_alert is removed
    const clean = compileFor(config, {}, 'cowrie').enrich({ message: 'ok', src_ip: '8.8.8.8', 'source.type': 'cowrie' }).message;
    expect(clean?.['blacklisted']).toBe(false);
    expect(clean).not.toHaveProperty('is_alert');
    expect(clean).not.toHaveProperty('threat.triage.score');
  });

  it('null drops the assignment but keeps a field the message had; "" removes it (Metron\'s join)', () => {
    const config = { enrichment: { fieldMap: { stellar: { config: ['tmp := 5', 'total := tmp + 1', 'tmp := null', 'user := null', "host := ''"] } } } };
    const { message } = compileFor(config).enrich({ user: 'alice', host: 'h1', tmp: 'old' });
    expect(message).toEqual({ user: 'alice', tmp: 'old', total: 6 });
  });

  it("a variable set to null no longer reads the message's value, but still the config's", () => {
    const config = {
      enrichment: { fieldMap: { stellar: { config: ['user := null', 'who := user', 'limit := null', 'lim := limit'] } }, config: { limit: 7 } },
    };
    const { message } = compileFor(config).enrich({ user: 'alice', limit: 3 });
    expect(message).toEqual({ user: 'alice', limit: 3, lim: 7 });
  });

  it('reads enrichment.config and the sensor configuration after the message; `_` is every variable', () => {
    const config = {
      enrichment: {
        fieldMap: { stellar: { config: { a: 'threshold', b: 'owner', c: "MAP_GET('owner', _)", d: "MAP_GET('ip_src_addr', _)" } } },
        config: { threshold: 5 },
      },
      configuration: { owner: 'soc', threshold: 9 },
    };
    expect(compileFor(config).enrich({ ip_src_addr: '1.2.3.4' }).message).toEqual({ ip_src_addr: '1.2.3.4', a: 5, b: 'soc', c: 'soc', d: '1.2.3.4' });
  });

  it('a failing group gives none of its outputs and one error; other groups and adapters go on', () => {
    const config = {
      enrichment: {
        fieldMap: {
          host: ['ip_src_addr'],
          stellar: { config: { ok: { fine: "'yes'" }, error_test: { first: '1', error_test: '1/0' }, last: 'TO_UPPER(source.type)' } },
        },
      },
    };
    const { message, errors } = compileFor(config).enrich({ ip_src_addr: '10.0.2.15', 'source.type': 'test' });
    expect(message).toEqual({
      ip_src_addr: '10.0.2.15',
      'source.type': 'test',
      'enrichments.host.ip_src_addr.known_info.local': 'YES',
      'enrichments.host.ip_src_addr.known_info.type': 'printer',
      'enrichments.host.ip_src_addr.known_info.asset_value': 'important',
      fine: 'yes',
      last: 'TEST',
    });
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatchObject({
      errorType: 'enrichment_error',
      adapter: 'stellar',
      jsonPath: '$.enrichment.fieldMap.stellar.config.error_test.error_test',
      fatal: false,
      rawMessage: { error_test: {}, 'source.type': 'test' },
    });
    expect(errors[0]?.message).toMatch(/^ENRICHMENT error with stellar failed: error_test: .*\/ by zero/);
  });

  it('the step limit stops a runaway expression as an error of its group', () => {
    const config = { enrichment: { fieldMap: { stellar: { config: { ok: { a: "TO_UPPER('x')" }, slow: { b: "TO_UPPER(TO_LOWER(TO_UPPER(TO_LOWER('x'))))" } } } } } };
    const { message, errors } = compileFor(config, { limits: { maxSteps: 3 } }).enrich({ 'source.type': 'x' });
    expect(message).toEqual({ 'source.type': 'x', a: 'X' });
    expect(errors.map((e) => e.jsonPath)).toEqual(['$.enrichment.fieldMap.stellar.config.slow.b']);
  });
});

describe('the join drops null and empty fields, when a stage has work', () => {
  it('drops "" and null fields of the message', () => {
    const enricher = compileFor({ enrichment: { fieldMap: { geo: ['ip_src_addr'] } } });
    expect(enricher.enrich({ ip_src_addr: '10.0.2.15', icmpid: '', tcplen: null, n: 0 }).message).toEqual({ ip_src_addr: '10.0.2.15', n: 0 });
  });

  it('leaves the message alone when no adapter has a field to work on', () => {
    const enricher = compileFor({ enrichment: { fieldMap: { geo: ['ip_src_addr'] } } });
    expect(enricher.enrich({ other: '', x: 1 }).message).toEqual({ other: '', x: 1 });
  });
});

describe('threat triage output', () => {
  const triage = (rules: unknown[], extra: Record<string, unknown> = {}) => ({ threatIntel: { triageConfig: { riskLevelRules: rules, ...extra } } });

  it('writes the score and each fired rule, numbered by firing order; unset name/comment/reason are null', () => {
    const enricher = compileFor(
      triage(
        [
          { name: 'never', rule: 'false', score: 100 },
          { name: 'internal', comment: 'dst is internal', rule: "IN_SUBNET(ip_dst_addr, '10.0.0.0/8')", score: 10, reason: "FORMAT('%s is internal', ip_dst_addr)" },
          { rule: 'ip_dst_port == 53', score: 'ip_dst_port / 10.0' },
        ],
        { aggregator: 'SUM' },
      ),
    );
    const { message } = enricher.enrich({ ip_dst_addr: '10.0.2.3', ip_dst_port: 53, is_alert: 'true' });
    expect(message).toEqual({
      ip_dst_addr: '10.0.2.3',
      ip_dst_port: 53,
      is_alert: 'true',
      'threat.triage.score': 15.3,
      'threat.triage.rules.0.name': 'internal',
      'threat.triage.rules.0.comment': 'dst is internal',
      'threat.triage.rules.0.score': 10,
      'threat.triage.rules.0.reason': '10.0.2.3 is internal',
      'threat.triage.rules.1.name': null,
      'threat.triage.rules.1.comment': null,
      'threat.triage.rules.1.score': 5.3,
      'threat.triage.rules.1.reason': null,
    });
  });

  it('only alerts are scored, and only when a rule fires', () => {
    const enricher = compileFor(triage([{ rule: 'true', score: 10 }]));
    expect(enricher.enrich({ a: 1 }).message).toEqual({ a: 1 });
    const none = compileFor(triage([{ rule: 'false', score: 10 }]));
    expect(none.enrich({ a: 1, is_alert: true }).message).toEqual({ a: 1, is_alert: 'true' });
  });

  it('rules see the sensor configuration and threatIntel.config', () => {
    const config = {
      threatIntel: { config: { whitelist: ['abnormal'] }, triageConfig: { riskLevelRules: [{ name: 'rule 4', rule: 'user.type in whitelist', score: -1, reason: 'user.type' }, { rule: 'x == limit', score: 2 }] } },
      configuration: { limit: 4 },
    };
    const { message } = compileFor(config).enrich({ 'user.type': 'abnormal', x: 4, is_alert: 'true' });
    // a negative score trumps: the aggregate is -Infinity, written as Stellar's JSON writes it
    expect(message).toMatchObject({ 'threat.triage.score': '-Infinity', 'threat.triage.rules.0.score': -1, 'threat.triage.rules.0.reason': 'abnormal', 'threat.triage.rules.1.score': 2 });
  });

  it('a failing rule stops the message (fatal), naming the rule', () => {
    const enricher = compileFor(triage([{ name: 'bad', rule: 'x', score: 2 }, { rule: 'true', score: 1 }]));
    const ok = enricher.enrich({ x: true, is_alert: 'true' });
    expect(ok.message?.['threat.triage.score']).toBe(2);
    const failed = enricher.enrich({ x: ['a'], is_alert: 'true' });
    expect(failed.message).toBeNull();
    expect(failed.errors).toHaveLength(1);
    expect(failed.errors[0]).toMatchObject({ errorType: 'threat_intel_error', adapter: 'threat_triage', jsonPath: '$.threatIntel.triageConfig.riskLevelRules[0].rule', fatal: true });
    expect(failed.errors[0]?.message).toMatch(/^THREAT_INTEL error: threat triage rule 0 \("bad"\) failed in its rule: /);
    expect(failed.errors[0]?.rawMessage).toMatchObject({ x: ['a'], is_alert: 'true' });
  });

  it('a score expression that gives no number stops the message', () => {
    const enricher = compileFor(triage([{ rule: 'true', score: 'label' }]));
    const { message, errors } = enricher.enrich({ label: 'high', is_alert: 'true' });
    expect(message).toBeNull();
    expect(errors[0]?.message).toBe("THREAT_INTEL error: threat triage rule 0 failed in its score: the score expression gave 'high', which is not a number");
    expect(errors[0]?.jsonPath).toBe('$.threatIntel.triageConfig.riskLevelRules[0].score');
  });
});

describe("Metron's integration test (test.json, yaf samples as sensor 'test')", () => {
  let enricher: SensorEnricher;
  beforeAll(() => {
    enricher = compileFor(readJson(conformancePath('configs', 'enrichments', 'test.integration-test.json')), {
      enrichmentTable: { table: 'enrichments', columnFamily: 'cf' },
      threatIntelTable: { table: 'threat_intel', columnFamily: 'cf' },
    });
  });

  it('enriches a message whose destination is the malicious 10.0.2.3, field by field', () => {
    const input = yaf(1);
    const { message, errors } = enricher.enrich(input);
    expect(message).toEqual({
      ...yaf(1),
      'enrichments.host.ip_src_addr.known_info.local': 'YES',
      'enrichments.host.ip_src_addr.known_info.type': 'printer',
      'enrichments.host.ip_src_addr.known_info.asset_value': 'important',
      'enrichments.hbaseEnrichment.ip_dst_addr.playful_classification.orientation': 'north',
      'map.blah': 1,
      one: 1,
      foo: 2,
      alt_src_type: 'test',
      'dst_classification.orientation': 'north',
      ALL_CAPS: 'TEST',
      'threatintels.hbaseThreatIntel.ip_dst_addr.malicious_ip': 'alert',
      bar: 'TEST',
      is_src_malicious: false,
      is_alert: 'true',
      'threat.triage.score': 10,
      'threat.triage.rules.0.name': 'The name of the triage rule',
      'threat.triage.rules.0.comment': 'A description of the triage rule',
      'threat.triage.rules.0.score': 10,
      'threat.triage.rules.0.reason': 'Reason field',
    });
    expect(errors).toHaveLength(1);
  });

  it('enriches a message from a public address with geo and no alert', () => {
    const { message } = enricher.enrich(yaf(0));
    expect(message).toEqual({
      ...yaf(0),
      'enrichments.geo.ip_src_addr.locID': '4393217',
      'enrichments.geo.ip_src_addr.country': 'US',
      'enrichments.geo.ip_src_addr.city': 'Kansas City',
      'enrichments.geo.ip_src_addr.postalCode': '64113',
      'enrichments.geo.ip_src_addr.dmaCode': '616',
      'enrichments.geo.ip_src_addr.latitude': '39.0133',
      'enrichments.geo.ip_src_addr.longitude': '-94.5916',
      'enrichments.geo.ip_src_addr.location_point': '39.0133,-94.5916',
      'enrichments.host.ip_dst_addr.known_info.local': 'YES',
      'enrichments.host.ip_dst_addr.known_info.type': 'printer',
      'enrichments.host.ip_dst_addr.known_info.asset_value': 'important',
      'map.blah': 1,
      one: 1,
      foo: 2,
      alt_src_type: 'test',
      ALL_CAPS: 'TEST',
      bar: 'TEST',
      is_src_malicious: false,
    });
  });

  it("passes every check of Metron's test on every sample (and one without a destination), with one error each", () => {
    const inputs: Message[] = expectedMessages('yaf').map((m) => ({ ...(m as Message), 'source.type': 'test' }));
    const sansDestination: Message = { ...inputs[inputs.length - 1]! };
    delete sansDestination['ip_dst_addr'];
    inputs.push(sansDestination);
    const { messages, errors } = enricher.enrichBatch(inputs);
    expect(messages).toHaveLength(inputs.length);
    // one "/ by zero" error per message, as Metron's validateErrors
    expect(errors.map((e) => e.index)).toEqual(inputs.map((_, i) => i));
    for (const error of errors) {
      expect(error.message).toContain('/ by zero');
      expect(error.errorType).toBe('enrichment_error');
      expect(JSON.stringify(error.rawMessage)).toBe('{"error_test":{},"source.type":"test"}');
    }
    for (const doc of messages) {
      for (const [key, value] of Object.entries(doc)) {
        expect(value, key).not.toBeNull();
        expect(String(value), key).not.toBe('');
        if (key.startsWith('threatintels.')) expect(key.split('.')[1]).toBe('hbaseThreatIntel');
        if (key.startsWith('enrichments.')) expect(['geo', 'host', 'hbaseEnrichment']).toContain(key.split('.')[1]);
      }
      expect(doc).toMatchObject({ ALL_CAPS: 'TEST', 'map.blah': 1, one: 1, foo: 2, alt_src_type: 'test', bar: 'TEST' });
      expect(doc).not.toHaveProperty('map');
      const malicious = doc['ip_src_addr'] === '10.0.2.3' || doc['ip_dst_addr'] === '10.0.2.3';
      if (malicious) {
        expect(doc['is_alert']).toBe('true');
        expect(doc['threat.triage.score']).toBe(10);
        for (const part of ['name', 'comment', 'reason', 'score']) expect(doc).toHaveProperty([`threat.triage.rules.0.${part}`]);
        const side = doc['ip_src_addr'] === '10.0.2.3' ? 'ip_src_addr' : 'ip_dst_addr';
        expect(doc[`threatintels.hbaseThreatIntel.${side}.malicious_ip`]).toBe('alert');
        expect(doc[`enrichments.hbaseEnrichment.${side}.playful_classification.orientation`]).toBe('north');
        expect(doc[side === 'ip_src_addr' ? 'src_classification.orientation' : 'dst_classification.orientation']).toBe('north');
        expect(doc['is_src_malicious']).toBe(side === 'ip_src_addr');
      } else {
        expect(doc).not.toHaveProperty('is_alert');
        expect(Object.keys(doc).some((k) => k.startsWith('threatintels.'))).toBe(false);
        expect(doc['is_src_malicious']).toBe(false);
      }
      for (const side of ['ip_src_addr', 'ip_dst_addr']) {
        if (doc[side] === '10.0.2.15') {
          expect(doc).toMatchObject({ [`enrichments.host.${side}.known_info.local`]: 'YES', [`enrichments.host.${side}.known_info.type`]: 'printer' });
        }
      }
    }
    expect(messages.filter((m) => m['is_alert'] === 'true')).toHaveLength(4);
  });
});

describe("Metron's sample configs on the parsers' sample output", () => {
  it('snort: every message is an alert scored 10 by the not-192.168.0.0/24 rule; empty fields dropped', () => {
    const enricher = compileFor(readJson(conformancePath('configs', 'enrichments', 'snort.json')), {}, 'snort');
    const inputs = expectedMessages('snort') as Message[];
    const { messages, errors } = enricher.enrichBatch(inputs.map((m) => ({ ...m })));
    expect(errors).toEqual([]);
    expect(messages).toHaveLength(inputs.length);
    messages.forEach((doc, i) => {
      const input = inputs[i]!;
      const expected: Message = {};
      for (const [k, v] of Object.entries(input)) if (v !== '') expected[k] = v;
      for (const side of ['ip_dst_addr', 'ip_src_addr']) {
        const record = geo.lookup(String(input[side]));
        if (record !== null) for (const [k, v] of Object.entries(record)) if (v !== '') expected[`enrichments.geo.${side}.${k}`] = v;
      }
      if (input['ip_src_addr'] === '96.44.142.5') expected['threatintels.hbaseThreatIntel.ip_src_addr.malicious_ip'] = 'alert';
      Object.assign(expected, {
        is_alert: 'true',
        'threat.triage.score': 10,
        'threat.triage.rules.0.name': null,
        'threat.triage.rules.0.comment': null,
        'threat.triage.rules.0.score': 10,
        'threat.triage.rules.0.reason': null,
      });
      expect(doc).toEqual(expected);
    });
    // the sample from 96.44.142.5 gets its geo fields
    expect(messages.find((m) => m['ip_src_addr'] === '96.44.142.5')).toMatchObject({ 'enrichments.geo.ip_src_addr.city': 'Dallas', 'enrichments.geo.ip_src_addr.dmaCode': '623' });
  });

  it('bro: geo both ways, host by name, threat intel by ip', () => {
    const enricher = compileFor(readJson(conformancePath('configs', 'enrichments', 'bro.json')), {}, 'bro');
    const input = expectedMessages('bro')[0] as Message;
    const { message } = enricher.enrich({ ...input });
    expect(message).toEqual({
      ...input,
      'enrichments.geo.ip_dst_addr.locID': '4722625',
      'enrichments.geo.ip_dst_addr.country': 'US',
      'enrichments.geo.ip_dst_addr.city': 'Richardson',
      'enrichments.geo.ip_dst_addr.postalCode': '75081',
      'enrichments.geo.ip_dst_addr.dmaCode': '623',
      'enrichments.geo.ip_dst_addr.latitude': '32.9473',
      'enrichments.geo.ip_dst_addr.longitude': '-96.7028',
      'enrichments.geo.ip_dst_addr.location_point': '32.9473,-96.7028',
      'enrichments.geo.ip_src_addr.locID': '5368361',
      'enrichments.geo.ip_src_addr.country': 'US',
      'enrichments.geo.ip_src_addr.city': 'Los Angeles',
      'enrichments.geo.ip_src_addr.postalCode': '90045',
      'enrichments.geo.ip_src_addr.dmaCode': '803',
      'enrichments.geo.ip_src_addr.latitude': '33.956',
      'enrichments.geo.ip_src_addr.longitude': '-118.3887',
      'enrichments.geo.ip_src_addr.location_point': '33.956,-118.3887',
    });
  });
});

describe('batches', () => {
  it('keeps order, drops fatally failed messages and indexes every error', () => {
    const enricher = compileFor({
      enrichment: { fieldMap: { stellar: { config: { g: { r: '10 / d' } } } } },
      threatIntel: { triageConfig: { riskLevelRules: [{ rule: 's', score: 1 }] } },
    });
    const batch: Message[] = [
      { d: 2, s: true, is_alert: 'true' },
      { d: 0, s: true, is_alert: 'true' },
      { d: 5, s: 'ab', is_alert: 'true' },
      { d: 1, s: 'a' },
    ];
    const { messages, errors } = enricher.enrichBatch(batch);
    expect(messages).toEqual([
      { d: 2, s: true, is_alert: 'true', r: 5, 'threat.triage.score': 1, 'threat.triage.rules.0.name': null, 'threat.triage.rules.0.comment': null, 'threat.triage.rules.0.score': 1, 'threat.triage.rules.0.reason': null },
      { d: 0, s: true, is_alert: 'true', 'threat.triage.score': 1, 'threat.triage.rules.0.name': null, 'threat.triage.rules.0.comment': null, 'threat.triage.rules.0.score': 1, 'threat.triage.rules.0.reason': null },
      { d: 1, s: 'a', r: 10 },
    ]);
    expect(errors.map((e) => [e.index, e.adapter, e.fatal])).toEqual([
      [1, 'stellar', false],
      [2, 'threat_triage', true],
    ]);
    expect(messages[2]).toBe(batch[3]);
  });
});

describe("the examples of Metron's enrichment docs", () => {
  it('metron-enrichment-storm README: foo == 2, ALL_CAPS == SQUID, bar == SQUID', () => {
    const config = readJson(conformancePath('configs', 'from_docs', 'metron-platform__metron-enrichment__metron-enrichment-storm__README__01.json'));
    const squid: Message = { full_hostname: 'www.yahoo.com', action: 'TCP_MISS', code: 200, ip_src_addr: '127.0.0.1', 'source.type': 'squid', timestamp: 1467011157401 };
    expect(compileFor(config, {}, 'squid').enrich({ ...squid }).message).toEqual({ ...squid, foo: 2, ALL_CAPS: 'SQUID', bar: 'SQUID' });
  });

  it('metron-enrichment-common README: the yaf example config, a message that trips the rule scores 10', () => {
    const config = readJson(conformancePath('configs', 'from_docs', 'metron-platform__metron-enrichment__metron-enrichment-common__README__01.json'));
    const enricher = compileFor(config, { threatIntelTable: { table: 'threat_intel', columnFamily: 'cf' }, enrichmentTable: { table: 'enrichments', columnFamily: 'cf' } }, 'yaf');
    const { message } = enricher.enrich(yaf(2, 'yaf'));
    expect(message).toMatchObject({
      'enrichments.host.ip_dst_addr.known_info.type': 'printer',
      'enrichments.hbaseEnrichment.ip_src_addr.playful_classification.orientation': 'north',
      'threatintels.hbaseThreatIntel.ip_src_addr.malicious_ip': 'alert',
      is_alert: 'true',
      'threat.triage.score': 10,
      'threat.triage.rules.0.score': 10,
    });
  });

  it('metron-enrichment-common README: hostname to lower case, as a map and as a list; a map assignment unfolds', () => {
    const asMap = { enrichment: { fieldMap: { stellar: { config: { hostname: 'TO_LOWER(hostname)' } } } } };
    const asList = { enrichment: { fieldMap: { stellar: { config: ['hostname := TO_LOWER(hostname)'] } } } };
    expect(compileFor(asMap).enrich({ hostname: 'WWW.Example.COM' }).message).toEqual({ hostname: 'www.example.com' });
    expect(compileFor(asList).enrich({ hostname: 'WWW.Example.COM' }).message).toEqual({ hostname: 'www.example.com' });
    const unfold = { enrichment: { fieldMap: { stellar: { config: ["foo := { 'grok' : 1, 'bar' : 'baz'}"] } } } };
    expect(compileFor(unfold).enrich({}).message).toEqual({ 'foo.grok': 1, 'foo.bar': 'baz' });
  });

  it('metron-enrichment-common README: groups with temporaries (login_profile) leave only their results', () => {
    const config = {
      enrichment: {
        fieldMap: {
          stellar: {
            config: {
              malicious_domain_enrichment: { is_bad_domain: "ENRICHMENT_EXISTS('malicious_ip', ip_dst_addr, 'threatintel', 't')" },
              login_profile: ['stats := STATS_ADD(STATS_INIT(), 1, 2, 3, 4)', 'auth_attempts_median := STATS_PERCENTILE(stats, 50)', 'auth_attempts_sd := STATS_SD(stats)', 'stats := null'],
            },
          },
        },
      },
    };
    const { message, errors } = compileFor(config).enrich({ ip_dst_addr: '96.44.142.5' });
    expect(errors).toEqual([]);
    expect(message).toMatchObject({ ip_dst_addr: '96.44.142.5', is_bad_domain: true });
    expect(message).not.toHaveProperty('stats');
    expect(typeof message?.['auth_attempts_median']).toBe('number');
    expect(message?.['auth_attempts_sd']).toBeCloseTo(1.2909944, 6);
  });
});
