/**
 * Metron's own config samples (../shared/conformance/metron/configs, copied from apache/metron)
 * must load unchanged, each with its kind.
 */
import { readFileSync, readdirSync, existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  checkConfig,
  type ConfigKind,
} from './index.js';

const CONFORMANCE_DIR =
  process.env['METRON_CONFORMANCE_DIR'] ?? fileURLToPath(new URL('../../../../../shared/conformance/metron/', import.meta.url));
const CONFIGS = join(CONFORMANCE_DIR, 'configs');

const read = (rel: string) => readFileSync(join(CONFIGS, rel), 'utf8');
const jsonFiles = (folder: string) =>
  readdirSync(join(CONFIGS, folder))
    .filter((f) => f.endsWith('.json'))
    .sort()
    .map((f) => `${folder}/${f}`);

function load<K extends ConfigKind>(kind: K, rel: string) {
  const checked = checkConfig(kind, read(rel), rel);
  if (!checked.ok) throw new Error(checked.errors.map((e) => e.message).join('\n'));
  return checked.config;
}

/**
 * Samples Metron itself would refuse. This one is a pre-0.4 enrichment config that still
 * carries the indexing settings (`index`, `batchSize`); Metron's SensorEnrichmentConfig no longer
 * has those properties and Jackson fails on unknown properties.
 */
const REFUSED: Record<string, { jsonPath: string; reason: string }[]> = {
  'enrichments/bro.metron-common-test.json': [
    {
      jsonPath: '$.index',
      reason:
        `unknown key "index": index and batch settings belong in the sensor's indexing config (indexing/<sensor>.json), not in its enrichment config`,
    },
    {
      jsonPath: '$.batchSize',
      reason:
        `unknown key "batchSize": index and batch settings belong in the sensor's indexing config (indexing/<sensor>.json), not in its enrichment config`,
    },
  ],
};

const FOLDER_KINDS: [string, ConfigKind][] = [
  ['global', 'global'],
  ['parsers', 'parser'],
  ['parsers_common', 'parser'],
  ['enrichments', 'enrichment'],
  ['indexing', 'indexing'],
  ['profiler', 'profiler'],
];

describe('Metron sample configs', () => {
  for (const [folder, kind] of FOLDER_KINDS) {
    describe(folder, () => {
      for (const rel of jsonFiles(folder)) {
        const refused = REFUSED[rel];
        if (refused) {
          it(`${rel} is refused with a reason`, () => {
            const checked = checkConfig(kind, read(rel), rel);
            expect(checked.ok).toBe(false);
            if (checked.ok) return;
            expect(checked.errors.map((e) => ({ file: e.file, jsonPath: e.jsonPath, reason: e.reason }))).toEqual(
              refused.map((r) => ({ file: rel, ...r })),
            );
          });
        } else {
          it(`${rel} loads as a ${kind} config`, () => {
            expect(() => load(kind, rel)).not.toThrow();
          });
        }
      }
    });
  }

  it('the folder of each kind holds no file of another kind', () => {
    // Cross-check: a parser config is not a valid enrichment config and so on, so the kinds are told apart.
    for (const rel of jsonFiles('parsers')) expect(checkConfig('enrichment', read(rel), rel).ok).toBe(false);
    for (const rel of jsonFiles('enrichments')) expect(checkConfig('parser', read(rel), rel).ok).toBe(false);
    for (const rel of jsonFiles('indexing')) expect(checkConfig('parser', read(rel), rel).ok).toBe(false);
  });

  it('keeps the parsed values exactly', () => {
    expect(load('global', 'global/global.default.json')).toEqual({
      'es.clustername': 'metron',
      'es.ip': 'node1:9300',
      'es.date.format': 'yyyy.MM.dd.HH',
      'parser.error.topic': 'indexing',
      'update.hbase.table': 'metron_update',
      'update.hbase.cf': 't',
      'es.client.settings': {},
    });
    const integration = load('global', 'global/global.integration-test.json');
    expect(integration['es.port']).toBe(9200);
    expect(integration['solr.numShards']).toBe(1);
    expect(integration.fieldValidations).toEqual([{ input: ['ip_src_addr', 'ip_dst_addr'], validation: 'IP' }]);
    expect(integration['profiler.client.period.duration']).toBe('15');
    expect(integration['hbase.provider.impl']).toBe('org.apache.metron.hbase.HTableProvider');
    expect(load('global', 'global/global.docker.json')['es.port']).toBe('9300');

    expect(load('parser', 'parsers/squid.json')).toEqual({
      parserClassName: 'org.apache.metron.parsers.GrokParser',
      sensorTopic: 'squid',
      parserConfig: { grokPath: '/patterns/squid', patternLabel: 'SQUID_DELIMITED', timestampField: 'timestamp' },
      fieldTransformations: [
        {
          transformation: 'STELLAR',
          output: ['full_hostname', 'domain_without_subdomains'],
          config: {
            full_hostname: 'URL_TO_HOST(url)',
            domain_without_subdomains: 'DOMAIN_REMOVE_SUBDOMAINS(full_hostname)',
          },
        },
      ],
    });
    expect(load('parser', 'parsers/yaf.json').fieldTransformations).toEqual([{ input: 'protocol', transformation: 'IP_PROTOCOL' }]);
    expect(load('parser', 'parsers_common/jsonMapQuery.json').parserConfig).toEqual({ jsonpQuery: '$.foo', batchSize: 5 });

    const snort = load('enrichment', 'enrichments/snort.json');
    expect(snort.enrichment?.fieldMap).toEqual({ geo: ['ip_dst_addr', 'ip_src_addr'], host: ['host'] });
    expect(snort.threatIntel?.triageConfig).toEqual({
      riskLevelRules: [{ rule: "not(IN_SUBNET(ip_dst_addr, '192.168.0.0/24'))", score: 10 }],
      aggregator: 'MAX',
    });
    const test = load('enrichment', 'enrichments/test.integration-test.json');
    expect(test.enrichment?.fieldMap?.['stellar']).toEqual({
      config: {
        numeric: {
          map: "{ 'blah' : 1}",
          one: "MAP_GET('blah', map)",
          foo: '1 + 1',
          alt_src_type: "MAP_GET('source.type', _)",
        },
        ALL_CAPS: 'TO_UPPER(source.type)',
        src_enrichment: { src_classification: "ENRICHMENT_GET('playful_classification', ip_src_addr, 'enrichments', 'cf')" },
        dst_enrichment: { dst_classification: "ENRICHMENT_GET('playful_classification', ip_dst_addr, 'enrichments', 'cf')" },
        error_test: { error_test: '1/0' },
      },
    });
    expect(test.threatIntel?.triageConfig?.riskLevelRules?.[0]).toEqual({
      name: 'The name of the triage rule',
      comment: 'A description of the triage rule',
      rule: "ip_src_addr == '10.0.2.3' or ip_dst_addr == '10.0.2.3'",
      score: 10,
      reason: "'Reason field'",
    });

    expect(load('indexing', 'indexing/test.integration-test.json')).toEqual({
      hdfs: { index: 'yaf', batchSize: 5, enabled: true },
      elasticsearch: { index: 'yaf', batchSize: 25, batchTimeout: 7, enabled: true },
      solr: { index: 'yaf', batchSize: 5, enabled: true },
    });

    const triage = load('profiler', 'profiler/profiler.triage-result.json');
    expect(triage.profiles[0]?.result).toEqual({
      profile: 'stats',
      triage: { min: 'STATS_MIN(stats)', max: 'STATS_MAX(stats)', mean: 'STATS_MEAN(stats)' },
    });
    expect(load('profiler', 'profiler/profiler.metron-common-test.json').profiles[0]?.init).toEqual({ count: 0 });
  });
});

/**
 * JSON blocks of Metron's docs: every one is a whole config. Those of a kind loaded from a
 * config directory go through that kind's schema; the flatfile loader's extractor configs
 * (`extractor` + `config`) are another format, read by the loader tool, not from a config dir.
 */
const FROM_DOCS: Record<string, ConfigKind | 'extractor'> = {
  'Upgrading__01.json': 'indexing',
  'metron-analytics__metron-maas-service__README__01.json': 'parser',
  'metron-analytics__metron-maas-service__README__02.json': 'enrichment',
  'metron-analytics__metron-maas-service__README__03.json': 'indexing',
  'metron-analytics__metron-profiler-client__README__01.json': 'profiler',
  'metron-analytics__metron-profiler-common__README__01.json': 'profiler',
  'metron-analytics__metron-profiler-common__README__02.json': 'profiler',
  'metron-analytics__metron-profiler-common__README__03.json': 'profiler',
  'metron-analytics__metron-profiler-common__README__04.json': 'profiler',
  'metron-analytics__metron-profiler-storm__README__01.json': 'profiler',
  'metron-analytics__metron-statistics__README__01.json': 'parser',
  'metron-analytics__metron-statistics__README__02.json': 'indexing',
  'metron-platform__metron-common__README__01.json': 'global',
  'metron-platform__metron-common__README__02.json': 'global',
  'metron-platform__metron-data-management__README__01.json': 'extractor',
  'metron-platform__metron-data-management__README__02.json': 'extractor',
  'metron-platform__metron-data-management__README__03.json': 'extractor',
  'metron-platform__metron-data-management__README__04.json': 'extractor',
  'metron-platform__metron-enrichment__metron-enrichment-common__README__01.json': 'enrichment',
  'metron-platform__metron-enrichment__metron-enrichment-storm__README__01.json': 'enrichment',
  'metron-platform__metron-indexing__metron-indexing-common__README__01.json': 'indexing',
  'metron-platform__metron-indexing__metron-indexing-common__README__02.json': 'indexing',
  'metron-platform__metron-indexing__metron-indexing-common__README__03.json': 'indexing',
  'metron-platform__metron-parsing__README__01.json': 'parser',
  'metron-platform__metron-parsing__metron-parsers-common__3rdPartyParser__01.json': 'parser',
  'use-cases__forensic_clustering__README__01.json': 'parser',
  'use-cases__forensic_clustering__README__02.json': 'extractor',
  'use-cases__forensic_clustering__README__03.json': 'enrichment',
  'use-cases__geographic_login_outliers__README__01.json': 'parser',
  'use-cases__geographic_login_outliers__README__02.json': 'profiler',
  'use-cases__geographic_login_outliers__README__03.json': 'enrichment',
  'use-cases__parser_chaining__README__01.json': 'parser',
  'use-cases__parser_chaining__README__02.json': 'parser',
  'use-cases__parser_chaining__README__03.json': 'parser',
  'use-cases__typosquat_detection__README__01.json': 'extractor',
  'use-cases__typosquat_detection__README__02.json': 'extractor',
  'use-cases__typosquat_detection__README__03.json': 'enrichment',
};

describe('config examples from Metron docs', () => {
  it('every file is classified', () => {
    expect(jsonFiles('from_docs').map((rel) => rel.slice('from_docs/'.length))).toEqual(Object.keys(FROM_DOCS).sort());
  });
  for (const [name, kind] of Object.entries(FROM_DOCS)) {
    if (kind === 'extractor') {
      it(`${name} is an extractor config, not any config-dir kind`, () => {
        for (const k of ['global', 'parser', 'enrichment', 'indexing', 'profiler'] as const) {
          // The global config is an open map, so anything object-shaped passes it; all others refuse.
          if (k !== 'global') expect(checkConfig(k, read(`from_docs/${name}`), name).ok).toBe(false);
        }
      });
    } else {
      it(`${name} loads as a ${kind} config`, () => {
        expect(() => load(kind, `from_docs/${name}`)).not.toThrow();
      });
    }
  }

  it('keeps Stellar statement lists and parser chaining settings', () => {
    const typosquat = load('enrichment', 'from_docs/use-cases__typosquat_detection__README__03.json');
    expect(typosquat.threatIntel?.fieldMap?.['stellar']).toEqual({ config: ['is_alert := is_alert || is_potential_typosquat'] });
    const chained = load('parser', 'from_docs/use-cases__parser_chaining__README__02.json');
    expect(chained.rawMessageStrategy).toBe('ENVELOPE');
    expect(chained.rawMessageStrategyConfig).toEqual({ messageField: 'data', metadataPrefix: '' });
    expect(load('indexing', 'from_docs/metron-platform__metron-indexing__metron-indexing-common__README__01.json')).toEqual({
      elasticsearch: { enabled: true, index: 'bro', setDocumentId: true },
    });
  });
});

describe('parser configs of the parser conformance suites', () => {
  const parsersDir = join(CONFORMANCE_DIR, 'parsers');
  const sensors = readdirSync(parsersDir).filter((s) => existsSync(join(parsersDir, s, 'parser_config.json')));
  it('there are some', () => expect(sensors.length).toBeGreaterThan(0));
  for (const sensor of sensors) {
    it(`${sensor}/parser_config.json loads`, () => {
      const file = join(parsersDir, sensor, 'parser_config.json');
      const checked = checkConfig('parser', readFileSync(file, 'utf8'), file);
      expect(checked.ok ? [] : checked.errors.map((e) => e.message)).toEqual([]);
    });
  }
});
