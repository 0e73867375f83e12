import { mkdtemp, mkdir, rm, writeFile, copyFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConfigError, MetronError } from '../errors.js';
import {
  ConfigErrorList,
  ConfigSetSchema,
  describeConfigError,
  indexingWriterSettings,
  parserMetadataFlags,
  parserTopics,
  sensorIndexingSettings,
  sensorNames,
  triageSettings,
} from './index.js';
import { loadConfigDir, loadConfigFile } from './loader.js';

const SAMPLES = join(
  process.env['METRON_CONFORMANCE_DIR'] ?? fileURLToPath(new URL('../../../../../shared/conformance/metron/', import.meta.url)),
  'configs',
);

let root: string;
beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'metron-config-'));
});
afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

let dirCount = 0;
/** A fresh config directory holding `files` (relative path → content). */
async function configDir(files: Record<string, string>): Promise<string> {
  const dir = join(root, `dir-${dirCount++}`);
  await mkdir(dir);
  for (const [rel, content] of Object.entries(files)) {
    await mkdir(join(dir, rel, '..'), { recursive: true });
    await writeFile(join(dir, rel), content);
  }
  return dir;
}

async function rejection(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (err) {
    return err;
  }
  throw new Error('expected a rejection');
}

describe('loadConfigDir', () => {
  it("loads Metron's shipped configs laid out as in ZooKeeper", async () => {
    const dir = await configDir({});
    await copyFile(join(SAMPLES, 'global/global.default.json'), join(dir, 'global.json'));
    await copyFile(join(SAMPLES, 'profiler/profiler.metron-common-test.json'), join(dir, 'profiler.json'));
    for (const sub of ['parsers', 'enrichments', 'indexing']) await mkdir(join(dir, sub));
    for (const sensor of ['bro', 'snort', 'yaf', 'squid', 'asa', 'websphere']) {
      await copyFile(join(SAMPLES, 'parsers', `${sensor}.json`), join(dir, 'parsers', `${sensor}.json`));
    }
    for (const sensor of ['bro', 'snort', 'yaf', 'asa', 'websphere']) {
      await copyFile(join(SAMPLES, 'enrichments', `${sensor}.json`), join(dir, 'enrichments', `${sensor}.json`));
      await copyFile(join(SAMPLES, 'indexing', `${sensor}.json`), join(dir, 'indexing', `${sensor}.json`));
    }
    await copyFile(join(SAMPLES, 'indexing/error.json'), join(dir, 'indexing', 'error.json'));
    await writeFile(join(dir, 'parsers', 'README.md'), 'not a config');
    await writeFile(join(dir, 'parsers', '.bro.json.swp'), 'editor swap file');

    const set = await loadConfigDir(dir);
    expect(sensorNames(set)).toEqual(['asa', 'bro', 'error', 'snort', 'squid', 'websphere', 'yaf']);
    expect(Object.keys(set.parsers).sort()).toEqual(['asa', 'bro', 'snort', 'squid', 'websphere', 'yaf']);
    expect(set.global['parser.error.topic']).toBe('indexing');
    expect(set.parsers['yaf']?.parserConfig?.['patternLabel']).toBe('YAF_DELIMITED');
    expect(set.enrichments['snort']?.threatIntel?.triageConfig?.aggregator).toBe('MAX');
    expect(set.indexing['error']?.['elasticsearch']).toEqual({ index: 'error', batchSize: 5, enabled: true });
    expect(set.profiler?.timestampField).toBe('timestamp');
    // A ConfigSet is itself valid against its schema (it is what gets distributed to workers).
    expect(ConfigSetSchema.safeParse(set).success).toBe(true);
  });

  it('an empty directory is an empty config set', async () => {
    expect(await loadConfigDir(await configDir({}))).toEqual({ global: {}, parsers: {}, enrichments: {}, indexing: {} });
  });

  it('names every failing file when some are bad', async () => {
    const dir = await configDir({
      'global.json': '{"es.date.format": "yyyy.MM.dd.HH"}',
      'parsers/bro.json': '{"parserClassName": "org.apache.metron.parsers.bro.BasicBroParser", "sensorTopic": "bro"}',
      'parsers/snort.json': '{"sensorTopic": "snort"}',
      'enrichments/bro.json': '{"enrichment": {"fieldMap": {"geo": ["ip_dst_addr"]}}}',
      'indexing/bro.json': '{"elasticsearch": {"index": "bro", "batchSize": 5}}',
      'indexing/yaf.json': '{"elasticsearch": {"index": "yaf", "batchSize": 0}, "hdfs": {"enabled": "maybe"}}',
      'profiler.json': '{"profiles": [}',
    });
    const err = await rejection(loadConfigDir(dir));
    expect(err).toBeInstanceOf(ConfigErrorList);
    expect(err).toBeInstanceOf(ConfigError);
    const list = err as ConfigErrorList;
    expect(list.code).toBe('CONFIG_INVALID');
    expect(list.files).toEqual([join(dir, 'indexing/yaf.json'), join(dir, 'parsers/snort.json'), join(dir, 'profiler.json')]);
    expect(list.errors.map((e) => ({ file: e.file, jsonPath: e.jsonPath, reason: e.reason }))).toEqual([
      { file: join(dir, 'indexing/yaf.json'), jsonPath: '$.elasticsearch.batchSize', reason: 'must be at least 1, got 0' },
      { file: join(dir, 'indexing/yaf.json'), jsonPath: '$.hdfs.enabled', reason: 'expected a boolean (true or false), got string' },
      { file: join(dir, 'parsers/snort.json'), jsonPath: '$.parserClassName', reason: 'missing required key "parserClassName"' },
      { file: join(dir, 'profiler.json'), jsonPath: '$', reason: "invalid JSON at 1:15: unexpected '}': a value is missing" },
    ]);
    expect(describeConfigError(list)).toBe(
      [
        '3 config files are invalid (4 problems):',
        '  indexing/yaf.json',
        '    $.elasticsearch.batchSize: must be at least 1, got 0',
        '    $.hdfs.enabled: expected a boolean (true or false), got string',
        '  parsers/snort.json',
        '    $.parserClassName: missing required key "parserClassName"',
        '  profiler.json',
        "    $: invalid JSON at 1:15: unexpected '}': a value is missing",
      ].join('\n'),
    );
  });

  it('refuses sensor names that cannot be topics, and a file where a directory belongs', async () => {
    const dir = await configDir({ 'parsers/my sensor.json': '{"parserClassName": "p"}', enrichments: 'oops' });
    const list = (await rejection(loadConfigDir(dir))) as ConfigErrorList;
    expect(list.errors.map((e) => [e.file, e.jsonPath, e.reason])).toEqual([
      [join(dir, 'enrichments'), '$', 'expected a directory, found a file'],
      [
        join(dir, 'parsers/my sensor.json'),
        '$',
        `invalid sensor name "my sensor": use letters, digits, '.', '_' and '-' (it becomes a topic and index name)`,
      ],
    ]);
  });

  it('refuses the reserved index names as sensor names and as a writer index, with path and reason', async () => {
    const parser = JSON.stringify({ parserClassName: 'org.apache.metron.parsers.bro.BasicBroParser' });
    const dir = await configDir({
      'parsers/metaalert.json': parser,
      'enrichments/Audit.json': '{}',
      'indexing/bro.json': '{"elasticsearch": {"index": "metaalert"}, "hdfs": {"index": "bro"}}',
      'parsers/bro.json': parser,
    });
    const err = await rejection(loadConfigDir(dir));
    expect(err).toBeInstanceOf(ConfigErrorList);
    expect((err as ConfigErrorList).errors.map((e) => [e.file, e.jsonPath, e.reason])).toEqual([
      [join(dir, 'enrichments/Audit.json'), '$',
        'invalid sensor name: "Audit" is reserved for the audit trail of alert changes; choose another name (the sensor name becomes its index name)'],
      [join(dir, 'indexing/bro.json'), '$.elasticsearch.index', '"metaalert" is reserved for the meta-alert index; choose another name'],
      [join(dir, 'parsers/metaalert.json'), '$',
        'invalid sensor name: "metaalert" is reserved for the meta-alert index; choose another name (the sensor name becomes its index name)'],
    ]);
  });

  it('a missing directory is CONFIG_NOT_FOUND', async () => {
    const err = await rejection(loadConfigDir(join(root, 'nope')));
    expect(err).toBeInstanceOf(MetronError);
    expect((err as MetronError).code).toBe('CONFIG_NOT_FOUND');
  });
});

describe('loadConfigFile', () => {
  it('reads one file of a kind', async () => {
    const dir = await configDir({ 'x.json': '{"hdfs": {"index": "x"}}' });
    expect(await loadConfigFile('indexing', join(dir, 'x.json'))).toEqual({ hdfs: { index: 'x' } });
  });

  it('refuses a bad file with a ConfigError, a missing one with CONFIG_NOT_FOUND', async () => {
    const dir = await configDir({ 'bad.json': '{"profiles": "none"}' });
    const err = (await rejection(loadConfigFile('profiler', join(dir, 'bad.json')))) as ConfigError;
    expect([err.name, err.file, err.jsonPath, err.reason]).toEqual(['ConfigError', join(dir, 'bad.json'), '$.profiles', 'expected an array, got string']);
    const missing = (await rejection(loadConfigFile('global', join(dir, 'global.json')))) as MetronError;
    expect(missing.code).toBe('CONFIG_NOT_FOUND');
  });
});

describe('defaults', () => {
  it("a sensor's topics: its own, else the global error topic, else Metron's", () => {
    expect(parserTopics('bro', { parserClassName: 'p' })).toEqual({ sensorTopic: 'bro', outputTopic: 'enrichments', errorTopic: 'indexing' });
    expect(parserTopics('bro', { parserClassName: 'p' }, { 'parser.error.topic': 'errors' }).errorTopic).toBe('errors');
    expect(parserTopics('bro', { parserClassName: 'p', sensorTopic: 'raw_bro', outputTopic: 'out', errorTopic: 'err' }, { 'parser.error.topic': 'x' })).toEqual({
      sensorTopic: 'raw_bro',
      outputTopic: 'out',
      errorTopic: 'err',
    });
  });

  it('metadata flags follow the raw message strategy unless set', () => {
    expect(parserMetadataFlags({ parserClassName: 'p' })).toEqual({ rawMessageStrategy: 'DEFAULT', readMetadata: false, mergeMetadata: false });
    expect(parserMetadataFlags({ parserClassName: 'p', rawMessageStrategy: 'ENVELOPE', mergeMetadata: false })).toEqual({
      rawMessageStrategy: 'ENVELOPE',
      readMetadata: true,
      mergeMetadata: false,
    });
  });

  it('indexing: index = sensor name, batchSize 1, batchTimeout 0, enabled', () => {
    expect(indexingWriterSettings('bro', 'elasticsearch', undefined)).toEqual({
      index: 'bro',
      batchSize: 1,
      batchTimeout: 0,
      enabled: true,
      isDefault: true,
    });
    expect(indexingWriterSettings('bro', 'hdfs', { hdfs: { batchSize: 5, enabled: false, outputPathFunction: 'x' } })).toEqual({
      index: 'bro',
      batchSize: 5,
      batchTimeout: 0,
      enabled: false,
      outputPathFunction: 'x',
      isDefault: false,
    });
    const set = { global: {}, parsers: {}, enrichments: {}, indexing: { yaf: { solr: { index: 'yaf_idx' } } } };
    expect(sensorIndexingSettings(set, 'yaf', 'solr').index).toBe('yaf_idx');
    expect(sensorIndexingSettings(set, 'toString', 'solr').index).toBe('toString');
  });

  it('triage: MAX and no rules by default, repeated rules dropped', () => {
    expect(triageSettings(undefined)).toEqual({ riskLevelRules: [], aggregator: 'MAX', aggregationConfig: {} });
    const rules = [
      { rule: 'a', score: 1 },
      { rule: 'b', score: 2 },
      { rule: 'a', score: 3 },
    ];
    expect(triageSettings({ threatIntel: { triageConfig: { riskLevelRules: rules, aggregator: 'SUM' } } })).toEqual({
      riskLevelRules: [rules[0], rules[1]],
      aggregator: 'SUM',
      aggregationConfig: {},
    });
  });
});
