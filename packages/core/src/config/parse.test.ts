import { describe, expect, it } from 'vitest';
import { ConfigError } from '../errors.js';
import {
  checkConfig,
  ConfigErrorList,
  describeConfigError,
  formatJsonPath,
  locateJsonSyntaxError,
  parseConfig,
  type ConfigKind,
} from './index.js';

/** The single ConfigError thrown for `text`, as plain fields. */
function refusal(kind: ConfigKind, text: string, file = 'parsers/bro.json') {
  try {
    parseConfig(kind, text, file);
  } catch (err) {
    expect(err).toBeInstanceOf(ConfigError);
    expect(err).not.toBeInstanceOf(ConfigErrorList);
    const e = err as ConfigError;
    expect(e.code).toBe('CONFIG_INVALID');
    return { file: e.file, jsonPath: e.jsonPath, reason: e.reason };
  }
  throw new Error('expected the config to be refused');
}

/** Every problem found in `text`, as "jsonPath: reason". */
function problems(kind: ConfigKind, value: unknown): string[] {
  const checked = checkConfig(kind, JSON.stringify(value), 'x.json');
  return checked.ok ? [] : checked.errors.map((e) => `${e.jsonPath}: ${e.reason}`);
}

const parser = (extra: Record<string, unknown> = {}) => ({ parserClassName: 'org.apache.metron.parsers.GrokParser', ...extra });

describe('invalid JSON', () => {
  it('names the line and column', () => {
    const text = '{\n  "parserClassName": "x",\n  "sensorTopic": "bro"\n  "parserConfig": {}\n}';
    expect(refusal('parser', text)).toEqual({
      file: 'parsers/bro.json',
      jsonPath: '$',
      reason: `invalid JSON at 4:3: expected ',' or '}' after a value, got '"'`,
    });
  });

  it('explains the usual mistakes', () => {
    expect(refusal('parser', '{"a": 1,}').reason).toBe("invalid JSON at 1:9: trailing comma before '}' is not allowed in JSON");
    expect(refusal('parser', "{'a': 1}").reason).toBe('invalid JSON at 1:2: single quotes are not JSON: use double quotes');
    expect(refusal('parser', '{"a": [1, 2}').reason).toBe("invalid JSON at 1:12: expected ',' or ']' after a value, got '}'");
    expect(refusal('parser', '{"a": tru}').reason).toBe("invalid JSON at 1:7: unexpected 'tru' (strings need double quotes)");
    expect(refusal('parser', '  \n').reason).toBe('invalid JSON at 2:1: the file is empty');
    expect(refusal('parser', '{"a": 1} x').reason).toBe("invalid JSON at 1:10: unexpected 'x' after the end of the JSON value");
    expect(refusal('parser', '{"a": "x\ny"}').reason).toBe('invalid JSON at 1:9: control character in a string (escape it, e.g. \\n)');
    expect(refusal('parser', '{"a": 1 // note\n}').reason).toBe("invalid JSON at 1:9: expected ',' or '}' after a value, got '/'");
    expect(refusal('parser', '{"a": 01}').reason).toBe('invalid JSON at 1:7: invalid number');
    expect(refusal('parser', '{"a": "x').reason).toBe('invalid JSON at 1:7: unterminated string');
  });

  it('agrees with JSON.parse on what is valid', () => {
    for (const text of ['{}', '[]', '"s"', '-0.5e+3', '{"a":[true,false,null,{"b":"\\u00e9\\n"}]}', ' 1 ']) {
      expect(locateJsonSyntaxError(text)).toBeUndefined();
    }
  });

  it('accepts a byte order mark', () => {
    expect(parseConfig('parser', '\uFEFF{"parserClassName": "p"}', 'f')).toEqual({ parserClassName: 'p' });
  });
});

describe('schema failures', () => {
  it('a missing parserClassName', () => {
    expect(refusal('parser', '{"sensorTopic": "bro", "parserConfig": {}}')).toEqual({
      file: 'parsers/bro.json',
      jsonPath: '$.parserClassName',
      reason: 'missing required key "parserClassName"',
    });
  });

  it('a wrong type at a nested path', () => {
    const text = JSON.stringify(parser({ fieldTransformations: [{ transformation: 'STELLAR', output: ['a', 7], config: {} }] }));
    expect(refusal('parser', text)).toEqual({
      file: 'parsers/bro.json',
      jsonPath: '$.fieldTransformations[0].output[1]',
      reason: 'expected a string, got number',
    });
    expect(problems('enrichment', { threatIntel: { triageConfig: { riskLevelRules: [{ rule: 'true', score: true }] } } })).toEqual([
      '$.threatIntel.triageConfig.riskLevelRules[0].score: expected a number or a Stellar expression (text), got boolean',
    ]);
    expect(problems('enrichment', { enrichment: { fieldMap: { geo: ['ip_src_addr', 3] } } })).toEqual([
      '$.enrichment.fieldMap.geo[1]: expected a string, got number',
    ]);
    expect(problems('parser', parser({ parserConfig: 'grok' }))).toEqual(['$.parserConfig: expected an object, got string']);
  });

  it('a negative indexing batchSize', () => {
    const text = '{"elasticsearch": {"index": "bro", "batchSize": -5, "enabled": true}}';
    expect(refusal('indexing', text, 'indexing/bro.json')).toEqual({
      file: 'indexing/bro.json',
      jsonPath: '$.elasticsearch.batchSize',
      reason: 'must be at least 1, got -5',
    });
  });

  it('keys with dots are quoted in the path', () => {
    expect(problems('global', { 'parser.error.topic': 5, fieldValidations: [{ input: 'ip', validation: 7 }] })).toEqual([
      "$['parser.error.topic']: expected a string, got number",
      '$.fieldValidations[0].validation: expected a string, got number',
    ]);
    expect(formatJsonPath(['a', 0, 'b c', "it's"])).toBe("$.a[0]['b c']['it\\'s']");
  });

  it('unknown keys, with a suggestion', () => {
    expect(problems('parser', parser({ parserconfig: {}, sensorTopicc: 'x', zzz: 1 }))).toEqual([
      '$.parserconfig: unknown key "parserconfig" (did you mean "parserConfig"?)',
      '$.sensorTopicc: unknown key "sensorTopicc" (did you mean "sensorTopic"?)',
      '$.zzz: unknown key "zzz"',
    ]);
    expect(problems('parser', parser({ grokPath: '/patterns/x' }))).toEqual([
      '$.grokPath: unknown key "grokPath": parser specific settings belong inside "parserConfig"',
    ]);
  });

  it('enumerations, integers, empty strings, unions', () => {
    expect(problems('parser', parser({ rawMessageStrategy: 'ENVELOP', numWorkers: 1.5, sensorTopic: '' }))).toEqual([
      '$.sensorTopic: must not be empty',
      '$.rawMessageStrategy: expected one of "DEFAULT", "ENVELOPE"; got "ENVELOP"',
      '$.numWorkers: expected an integer, got 1.5',
    ]);
    expect(problems('parser', parser({ fieldTransformations: [{ transformation: 'REMOVE', input: 5 }] }))).toEqual([
      '$.fieldTransformations[0].input: expected a field name or a list of field names, got number',
    ]);
    expect(problems('enrichment', { threatIntel: { triageConfig: { aggregator: 'AVG' } } })).toEqual([
      '$.threatIntel.triageConfig.aggregator: expected one of "MAX", "MIN", "SUM", "MEAN", "POSITIVE_MEAN"; got "AVG"',
    ]);
  });

  it('the old map form of riskLevelRules and object fieldMap values without a type', () => {
    expect(problems('enrichment', { threatIntel: { triageConfig: { riskLevelRules: { 'exists(x)': 10 } } } })).toEqual([
      '$.threatIntel.triageConfig.riskLevelRules: expected a list of rules, each {"rule": ..., "score": ...}, got object',
    ]);
    expect(problems('enrichment', { enrichment: { fieldMap: { geo: { config: {} } } } })).toEqual([
      '$.enrichment.fieldMap.geo: an object value needs "type" (e.g. "STELLAR") unless the enrichment is named "stellar"; for "geo" give a list of field names',
    ]);
    expect(problems('enrichment', { enrichment: { fieldMap: { stellar: { config: { a: 1 } } } } })).toEqual([
      '$.enrichment.fieldMap.stellar.config.a: expected a Stellar expression, a list of "field := expression" statements or a group of field → expression, got number',
    ]);
  });

  it('a top level that is not an object', () => {
    expect(refusal('parser', '[]')).toEqual({ file: 'parsers/bro.json', jsonPath: '$', reason: 'expected an object, got array' });
    expect(refusal('global', 'null').reason).toBe('expected an object, got null');
  });
});

describe('fragments are refused with what to do', () => {
  it('the inside of an enrichment config', () => {
    expect(problems('enrichment', { fieldMap: { geo: ['ip_src_addr'] } })).toEqual([
      '$.fieldMap: unknown key "fieldMap": it belongs inside "enrichment" or "threatIntel" (this looks like a fragment, not a whole sensor enrichment config)',
    ]);
    expect(problems('enrichment', { enrichment: { triageConfig: {} } })).toEqual([
      '$.enrichment.triageConfig: unknown key "triageConfig": it belongs inside "threatIntel"',
    ]);
  });

  it("one writer's settings without the writer name", () => {
    expect(problems('indexing', { index: 'bro', batchSize: 5 })).toEqual([
      '$.index: expected an object, got string: "index" is a writer setting; an indexing config maps writer names to settings, e.g. {"elasticsearch": {"index": "bro", "batchSize": 5}}',
      '$.batchSize: expected an object, got number: "batchSize" is a writer setting; an indexing config maps writer names to settings, e.g. {"elasticsearch": {"index": "bro", "batchSize": 5}}',
    ]);
  });

  it('a single profile, or a single field transformation', () => {
    expect(problems('profiler', { profile: 'p', foreach: 'ip_src_addr', result: 'count' })).toEqual([
      '$.profiles: missing required key "profiles"',
      '$.profile: unknown key "profile": this looks like a single profile: wrap it as {"profiles": [ ... ]}',
      '$.foreach: unknown key "foreach": this looks like a single profile: wrap it as {"profiles": [ ... ]}',
      '$.result: unknown key "result": this looks like a single profile: wrap it as {"profiles": [ ... ]}',
    ]);
    expect(problems('parser', parser({ transformation: 'STELLAR' }))).toEqual([
      '$.transformation: unknown key "transformation": this looks like one field transformation: it belongs in the "fieldTransformations" list',
    ]);
  });
});

describe('values Metron coerced', () => {
  it('integer and boolean text become numbers and booleans', () => {
    expect(parseConfig('indexing', '{"hdfs": {"batchSize": "5", "enabled": "false", "batchTimeout": " 3 "}}', 'f')).toEqual({
      hdfs: { batchSize: 5, enabled: false, batchTimeout: 3 },
    });
    expect(parseConfig('parser', '{"parserClassName": "p", "readMetadata": "TRUE", "numAckers": "0"}', 'f')).toEqual({
      parserClassName: 'p',
      readMetadata: true,
      numAckers: 0,
    });
    expect(problems('indexing', { hdfs: { batchSize: 'five', enabled: 'yes' } })).toEqual([
      '$.hdfs.batchSize: expected a number, got string',
      '$.hdfs.enabled: expected a boolean (true or false), got string',
    ]);
  });

  it('a triage score is a number (numeric text too) or a Stellar expression', () => {
    const rules = (...scores: unknown[]) => ({ threatIntel: { triageConfig: { riskLevelRules: scores.map((score, i) => ({ rule: `r${i}`, score })) } } });
    const parsed = parseConfig('enrichment', JSON.stringify(rules(10, ' 2.5 ', "severity * 10 + IS_EMPTY(x) ? 0 : 1")), 'f');
    expect(parsed.threatIntel?.triageConfig?.riskLevelRules?.map((r) => r.score)).toEqual([10, 2.5, 'severity * 10 + IS_EMPTY(x) ? 0 : 1']);
    expect(problems('enrichment', rules('  ', null))).toEqual([
      '$.threatIntel.triageConfig.riskLevelRules[0].score: must not be empty',
      '$.threatIntel.triageConfig.riskLevelRules[1].score: expected a number or a Stellar expression (text), got null',
    ]);
  });

  it('the global config checks the table backend and known hosts keys', () => {
    expect(problems('global', { 'kv.backend': 'redis', 'kv.redis.url': 'redis://127.0.0.1:6379', 'kv.redis.cache.ttl.ms': '0', 'enrichment.host.known_hosts': [{ ip: '10.0.0.1', type: 'printer' }] })).toEqual([]);
    expect(problems('global', { 'kv.backend': 'hbase', 'kv.redis.url': 'http://user:secret@host', 'enrichment.host.known_hosts': 5 })).toEqual([
      `$['enrichment.host.known_hosts']: expected a list of {"ip": ..., <details>} objects, or its JSON text, got number`,
      `$['kv.backend']: expected one of "lmdb", "redis"; got "hbase"`,
      "$['kv.redis.url']: must be a redis:// or rediss:// URL",
    ]);
  });

  it('the global config keeps unknown keys, the indexing config unknown settings', () => {
    expect(parseConfig('global', '{"my.key": {"a": [1]}, "es.port": "9300"}', 'f')).toEqual({ 'my.key': { a: [1] }, 'es.port': '9300' });
    expect(parseConfig('indexing', '{"duckdb": {"index": "bro", "partitionBy": "day"}}', 'f')).toEqual({
      duckdb: { index: 'bro', partitionBy: 'day' },
    });
  });
});

describe('several problems in one file', () => {
  it('are all reported, in a ConfigErrorList that is also a ConfigError', () => {
    let thrown: unknown;
    try {
      parseConfig('parser', JSON.stringify({ sensorTopic: 3, parserConfig: [] }), 'parsers/bro.json');
    } catch (err) {
      thrown = err;
    }
    expect(thrown).toBeInstanceOf(ConfigErrorList);
    expect(thrown).toBeInstanceOf(ConfigError);
    const list = thrown as ConfigErrorList;
    expect(list.errors.map((e) => [e.file, e.jsonPath, e.reason])).toEqual([
      ['parsers/bro.json', '$.parserClassName', 'missing required key "parserClassName"'],
      ['parsers/bro.json', '$.sensorTopic', 'expected a string, got number'],
      ['parsers/bro.json', '$.parserConfig', 'expected an object, got array'],
    ]);
    expect([list.file, list.jsonPath, list.reason]).toEqual(['parsers/bro.json', '$.parserClassName', 'missing required key "parserClassName"']);
    expect(list.details['errors']).toHaveLength(3);
    expect(describeConfigError(list)).toBe(
      [
        '1 config file is invalid (3 problems):',
        '  parsers/bro.json',
        '    $.parserClassName: missing required key "parserClassName"',
        '    $.sensorTopic: expected a string, got number',
        '    $.parserConfig: expected an object, got array',
      ].join('\n'),
    );
  });

  it('are capped per file', () => {
    const transformations = Array.from({ length: 30 }, () => ({ transformation: 1 }));
    const errors = problems('parser', parser({ fieldTransformations: transformations }));
    expect(errors).toHaveLength(21);
    expect(errors[20]).toBe('$: 10 more problems not shown');
  });
});

describe('describeConfigError', () => {
  it('describes single errors and others', () => {
    expect(describeConfigError(new ConfigError('a.json', '$.x', 'bad'))).toBe('a.json: $.x: bad');
    expect(describeConfigError(new Error('boom'))).toBe('boom');
    expect(describeConfigError('text')).toBe('text');
  });
});
