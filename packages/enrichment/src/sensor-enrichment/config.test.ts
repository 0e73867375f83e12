/**
 * Sensor enrichment configs: Metron's own samples compile (the pre-0.4 fragment is refused with a
 * reason), bad configs are refused at compile with the file, JSON path and reason, and Metron's
 * bean defaults and rules (score expressions, duplicate rules) apply.
 */
import { readdirSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ConfigError, ConfigErrorList } from '@metron/core';
import { defaultRegistry } from '@metron/stellar';
import type { EnrichmentKey, EnrichmentService } from '@metron/stellar';
import { GeoDatabase } from '../geo/geo-database.js';
import { geoLite2CityPath } from '../test-support/fixtures.js';
import { conformancePath, readJson } from '../test-support/conformance.js';
import { normalizeSensorEnrichmentConfig, sensorEnrichmentConfigJson } from './config.js';
import { parseKnownHosts } from './known-hosts.js';
import { compileSensorEnrichment } from './sensor-enricher.js';
import type { EnrichmentTableReader, SensorEnrichmentDeps } from './types.js';

const noTables: EnrichmentTableReader = { getText: () => undefined, exists: () => false };
const functions = defaultRegistry();
const noRows: EnrichmentService = { get: (_key: EnrichmentKey) => null, exists: () => false };
functions.installService('enrichment', noRows);
const deps: SensorEnrichmentDeps = {
  functions,
  geo: GeoDatabase.openSync(geoLite2CityPath()),
  tables: noTables,
  knownHosts: parseKnownHosts('[{"ip":"10.0.2.15","local":"YES","type":"printer","asset_value":"important"}]'),
};

/** The error(s) a config is refused with, as {jsonPath, reason}. */
function refusal(config: unknown, d: SensorEnrichmentDeps = deps): { jsonPath: string; reason: string }[] {
  try {
    compileSensorEnrichment('test', config, d, 'enrichments/test.json');
  } catch (err) {
    if (err instanceof ConfigErrorList) return err.errors.map((e) => ({ jsonPath: e.jsonPath, reason: e.reason }));
    if (err instanceof ConfigError) {
      expect(err.file).toBe('enrichments/test.json');
      return [{ jsonPath: err.jsonPath, reason: err.reason }];
    }
    throw err;
  }
  throw new Error('the config was accepted');
}

describe("Metron's sample enrichment configs", () => {
  const dir = conformancePath('configs', 'enrichments');
  const files = readdirSync(dir).filter((f) => f.endsWith('.json')).sort();

  it('are all there', () => {
    expect(files).toEqual(['asa.json', 'bro.json', 'bro.metron-common-test.json', 'snort.json', 'test.integration-test.json', 'websphere.json', 'yaf.json']);
  });

  for (const file of files.filter((f) => f !== 'bro.metron-common-test.json')) {
    it(`${file} compiles`, () => {
      const enricher = compileSensorEnrichment(file.replace(/\..*$/, ''), readJson(`${dir}/${file}`), deps, `enrichments/${file}`);
      expect(enricher.warnings).toEqual([]);
    });
  }

  it('the pre-0.4 fragment with indexing settings is refused, naming both keys', () => {
    expect(refusal(readJson(`${dir}/bro.metron-common-test.json`))).toEqual([
      { jsonPath: '$.index', reason: `unknown key "index": index and batch settings belong in the sensor's indexing config (indexing/<sensor>.json), not in its enrichment config` },
      { jsonPath: '$.batchSize', reason: `unknown key "batchSize": index and batch settings belong in the sensor's indexing config (indexing/<sensor>.json), not in its enrichment config` },
    ]);
  });

  const fromDocs = [
    'metron-platform__metron-enrichment__metron-enrichment-common__README__01.json',
    'metron-platform__metron-enrichment__metron-enrichment-storm__README__01.json',
    'use-cases__forensic_clustering__README__03.json',
    'use-cases__geographic_login_outliers__README__03.json',
    'use-cases__typosquat_detection__README__03.json',
  ];
  for (const file of fromDocs) {
    it(`the docs' ${file} compiles`, () => {
      expect(() => compileSensorEnrichment('docs', readJson(conformancePath('configs', 'from_docs', file)), deps, file)).not.toThrow();
    });
  }

  it('a function whose module is not installed is a warning naming the expression, not a refusal', () => {
    const file = 'use-cases__geographic_login_outliers__README__03.json';
    const enricher = compileSensorEnrichment('auth', readJson(conformancePath('configs', 'from_docs', file)), deps, file);
    const missing = (path: string, fn: string) => `${path}: ${fn} needs the profiler module, which is not installed: the expression fails on every message until it is`;
    expect(enricher.warnings.map((w) => `${w.jsonPath}: ${w.reason}`)).toEqual([
      missing('$.enrichment.fieldMap.stellar.config[0]', 'PROFILE_FIXED'),
      missing('$.enrichment.fieldMap.stellar.config[0]', 'PROFILE_GET'),
      missing('$.threatIntel.fieldMap.stellar.config[0]', 'PROFILE_FIXED'),
      missing('$.threatIntel.fieldMap.stellar.config[0]', 'PROFILE_GET'),
    ]);
  });
});

describe('config errors are refused at compile with the JSON path', () => {
  it('a Stellar syntax error in an enrichment group', () => {
    const [error] = refusal({ enrichment: { fieldMap: { stellar: { config: { grp: { a: 'TO_UPPER(' } } } } } });
    expect(error?.jsonPath).toBe('$.enrichment.fieldMap.stellar.config.grp.a');
    expect(error?.reason).toMatch(/^invalid Stellar expression: /);
  });

  it('an unknown Stellar function in a list assignment', () => {
    const [error] = refusal({ enrichment: { fieldMap: { stellar: { config: ['a := 1', 'b := NOPE(a)'] } } } });
    expect(error?.jsonPath).toBe('$.enrichment.fieldMap.stellar.config[1]');
    expect(error?.reason).toContain('NOPE');
  });

  it('a list entry that is not an assignment', () => {
    expect(refusal({ threatIntel: { fieldMap: { stellar: { config: ['TO_UPPER(x)'] } } } })).toEqual([
      { jsonPath: '$.threatIntel.fieldMap.stellar.config[0]', reason: 'must be a "field := expression" Stellar assignment, got "TO_UPPER(x)"' },
    ]);
    expect(refusal({ threatIntel: { fieldMap: { stellar: { config: [' := 1'] } } } })).toEqual([
      { jsonPath: '$.threatIntel.fieldMap.stellar.config[0]', reason: 'the assignment names no field before ":="' },
    ]);
  });

  it('unknown adapters, and adapters of the other stage', () => {
    expect(refusal({ enrichment: { fieldMap: { geoip: ['ip_src_addr'] } } })).toEqual([
      { jsonPath: '$.enrichment.fieldMap.geoip', reason: 'unknown enrichment adapter "geoip"; the adapters are geo, host, hbaseEnrichment, stellar, asset, identity' },
    ]);
    expect(refusal({ threatIntel: { fieldMap: { geo: ['ip_src_addr'] } } })).toEqual([
      {
        jsonPath: '$.threatIntel.fieldMap.geo',
        reason: 'unknown threat intel adapter "geo"; the adapters are hbaseThreatIntel, stellar ("geo" is an enrichment adapter: it belongs in "enrichment.fieldMap")',
      },
    ]);
  });

  it('stellar without config, with another type, or as a list', () => {
    expect(refusal({ enrichment: { fieldMap: { stellar: {} } } })).toEqual([{ jsonPath: '$.enrichment.fieldMap.stellar.config', reason: 'stellar needs "config": its Stellar assignments' }]);
    expect(refusal({ enrichment: { fieldMap: { stellar: { type: 'LIST', config: {} } } } })).toEqual([
      { jsonPath: '$.enrichment.fieldMap.stellar.type', reason: `the stellar adapter's type must be "STELLAR", got "LIST"` },
    ]);
    expect(refusal({ enrichment: { fieldMap: { stellar: ['a'] } } })).toEqual([
      { jsonPath: '$.enrichment.fieldMap.stellar', reason: 'stellar takes an object {"config": ...} holding its Stellar assignments' },
    ]);
  });

  it('triage rules: bad predicate, bad score expression, bad reason, missing score, unknown aggregator', () => {
    const rules = (rule: Record<string, unknown>, extra: Record<string, unknown> = {}) => ({ threatIntel: { triageConfig: { riskLevelRules: [{ rule: 'true', score: 1 }, rule], ...extra } } });
    expect(refusal(rules({ rule: 'x ==', score: 5 }))[0]?.jsonPath).toBe('$.threatIntel.triageConfig.riskLevelRules[1].rule');
    expect(refusal(rules({ rule: 'y', score: 'priority *' }))[0]?.jsonPath).toBe('$.threatIntel.triageConfig.riskLevelRules[1].score');
    expect(refusal(rules({ rule: 'y', score: 1, reason: "FORMAT('%s'" }))[0]?.jsonPath).toBe('$.threatIntel.triageConfig.riskLevelRules[1].reason');
    expect(refusal(rules({ rule: 'y' }))).toEqual([{ jsonPath: '$.threatIntel.triageConfig.riskLevelRules[1].score', reason: 'missing required key "score"' }]);
    expect(refusal(rules({ rule: 'y', score: 1 }, { aggregator: 'MEDIAN' }))).toEqual([
      { jsonPath: '$.threatIntel.triageConfig.aggregator', reason: 'expected one of "MAX", "MIN", "SUM", "MEAN", "POSITIVE_MEAN"; got "MEDIAN"' },
    ]);
  });

  it('a fragment (fieldMap at the top) is refused with a hint', () => {
    expect(refusal({ fieldMap: { geo: ['ip_src_addr'] } })).toEqual([
      { jsonPath: '$.fieldMap', reason: 'unknown key "fieldMap": it belongs inside "enrichment" or "threatIntel" (this looks like a fragment, not a whole sensor enrichment config)' },
    ]);
    expect(refusal(['geo'])).toEqual([{ jsonPath: '$', reason: 'a sensor enrichment config must be a JSON object with "enrichment" and/or "threatIntel"' }]);
  });

  it('typeToColumnFamily must be a map', () => {
    expect(refusal({ enrichment: { fieldMap: { hbaseEnrichment: ['ip_src_addr'] }, config: { typeToColumnFamily: 'cf' } } })).toEqual([
      { jsonPath: '$.enrichment.config.typeToColumnFamily', reason: 'must map enrichment types to column families, e.g. {"malicious_ip": "cf"}' },
    ]);
  });

  it('an adapter whose dependency was not given', () => {
    expect(refusal({ enrichment: { fieldMap: { geo: ['ip_src_addr'] } } }, { ...deps, geo: undefined })).toEqual([
      { jsonPath: '$.enrichment.fieldMap.geo', reason: 'the geo adapter needs a GeoIP database, and none was given to the enrichment engine' },
    ]);
    expect(refusal({ threatIntel: { fieldMap: { hbaseThreatIntel: ['ip_src_addr'] } } }, { ...deps, tables: undefined })).toEqual([
      { jsonPath: '$.threatIntel.fieldMap.hbaseThreatIntel', reason: 'the hbaseThreatIntel adapter needs the enrichment tables, and none were given to the enrichment engine' },
    ]);
    const enricher = compileSensorEnrichment('bro', { enrichment: { fieldMap: { host: ['host'] } } }, { ...deps, knownHosts: undefined }, 'enrichments/bro.json');
    expect(enricher.warnings.map((w) => `${w.jsonPath}: ${w.reason}`)).toEqual(['$.enrichment.fieldMap.host: the host adapter has no known hosts: it adds nothing']);
  });

  it('Stellar limits are applied at compile', () => {
    const deep = `${'('.repeat(30)}1${')'.repeat(30)}`;
    const [error] = refusal({ enrichment: { fieldMap: { stellar: { config: { a: deep } } } } }, { ...deps, limits: { maxDepth: 10 } });
    expect(error?.jsonPath).toBe('$.enrichment.fieldMap.stellar.config.a');
  });
});

describe('normalized config (Metron bean defaults)', () => {
  it('fills in defaults and keeps score expressions as text', () => {
    const config = normalizeSensorEnrichmentConfig(
      { threatIntel: { triageConfig: { riskLevelRules: [{ rule: 'true', score: 10 }, { rule: 'x > 1', score: 'priority * 10.1' }, { rule: 'y', score: '2.5' }] } } },
      'f.json',
    );
    expect(config.enrichment).toEqual({ fieldMap: {}, fieldToTypeMap: {}, config: {} });
    expect(config.configuration).toEqual({});
    expect(config.threatIntel.triageConfig.aggregator).toBe('MAX');
    expect(config.threatIntel.triageConfig.aggregationConfig).toEqual({});
    expect(config.threatIntel.triageConfig.riskLevelRules.map((r) => r.score)).toEqual(['10', 'priority * 10.1', '2.5']);
  });

  it('drops rules repeating an earlier rule text, as ThreatTriageConfig.setRiskLevelRules', () => {
    const config = normalizeSensorEnrichmentConfig(
      { threatIntel: { triageConfig: { riskLevelRules: [{ name: 'a', rule: 'x == 1', score: 1 }, { name: 'b', rule: 'x == 1', score: 2 }, { name: 'c', rule: 'x == 2', score: 3 }] } } },
      'f.json',
    );
    expect(config.threatIntel.triageConfig.riskLevelRules.map((r) => [r.name, r.jsonPath])).toEqual([
      ['a', '$.threatIntel.triageConfig.riskLevelRules[0]'],
      ['c', '$.threatIntel.triageConfig.riskLevelRules[2]'],
    ]);
  });

  it("serializes as Metron's JSONUtils does (Jackson's pretty layout, rules with score text)", () => {
    const config = normalizeSensorEnrichmentConfig({ threatIntel: { triageConfig: { riskLevelRules: [{ rule: '1 < 2', score: 10, reason: '2 + 2' }] } } }, 'f.json');
    expect(sensorEnrichmentConfigJson(config)).toBe(
      [
        '{',
        '  "enrichment" : {',
        '    "fieldMap" : { },',
        '    "fieldToTypeMap" : { },',
        '    "config" : { }',
        '  },',
        '  "threatIntel" : {',
        '    "fieldMap" : { },',
        '    "fieldToTypeMap" : { },',
        '    "config" : { },',
        '    "triageConfig" : {',
        '      "riskLevelRules" : [ {',
        '        "rule" : "1 < 2",',
        '        "score" : "10",',
        '        "reason" : "2 + 2"',
        '      } ],',
        '      "aggregator" : "MAX",',
        '      "aggregationConfig" : { }',
        '    }',
        '  },',
        '  "configuration" : { }',
        '}',
      ].join('\n'),
    );
  });
});
