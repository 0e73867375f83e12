import { describe, expect, it } from 'vitest';
import { readdirSync } from 'node:fs';
import { createSensorParser, type ParserRunnerConfig } from './index.js';
import { compareWithExpected, conformancePath, readJson, readLines, testGuid } from './test-support/conformance.js';
import { checkSchema, type MiniSchema } from './test-support/json-schema-check.js';

/** Runs every raw line of a conformance sensor folder and compares with expected.jsonl in order. */
function runSensor(sensor: string): { problems: string[]; count: number } {
  const config = readJson(conformancePath('parsers', sensor, 'parser_config.json')) as ParserRunnerConfig;
  const parser = createSensorParser(sensor, config);
  const raws = readLines(conformancePath('parsers', sensor, 'raw.txt'));
  const expected = readLines(conformancePath('parsers', sensor, 'expected.jsonl')).map((l) => JSON.parse(l) as Record<string, unknown>);
  const problems: string[] = [];
  const actual: Record<string, unknown>[] = [];
  raws.forEach((line, i) => {
    const result = parser.parse(Buffer.from(line, 'utf8'), { guid: testGuid(i) });
    for (const e of result.errors) problems.push(`line ${i + 1}: ${e.errorType} ${e.reason}`);
    actual.push(...result.messages);
  });
  if (actual.length !== expected.length) problems.push(`${actual.length} messages, expected ${expected.length}`);
  expected.forEach((exp, i) => {
    const act = actual[i];
    if (act === undefined) return;
    for (const p of compareWithExpected(act, exp)) problems.push(`message ${i + 1}: ${p}`);
  });
  return { problems, count: actual.length };
}

describe('Metron conformance: parsed output equals Metron integration-test expectations', () => {
  it.each([
    ['bro', 31],
    ['asa', 128],
    ['jsonMap', 2],
    ['jsonMapQuery', 10],
    ['snort', 3],
    ['syslog5424', 3],
    ['squid', 2],
    ['yaf', 10],
  ])('%s', (sensor, count) => {
    const { problems, count: actual } = runSensor(sensor);
    expect(problems).toEqual([]);
    expect(actual).toBe(count);
  });
});

// Metron's raw ASA sample (test resources logData/AsaOutput.txt, the integration data's first
// lines): every line parses, with the header fields and, where a CISCOFW pattern applies, the flow.
describe('Metron ASA sample: _raw_only/AsaOutput.txt', () => {
  it('parses every line without errors', () => {
    const config = readJson(conformancePath('configs', 'parsers', 'asa.json')) as ParserRunnerConfig;
    const parser = createSensorParser('asa', config);
    const lines = readLines(conformancePath('parsers', '_raw_only', 'AsaOutput.txt'));
    expect(lines).toHaveLength(100);
    const messages = lines.flatMap((line, i) => {
      const result = parser.parse(Buffer.from(line, 'utf8'), { guid: testGuid(i) });
      expect(result.errors).toEqual([]);
      return result.messages;
    });
    expect(messages).toHaveLength(100);
    for (const m of messages) expect(m).toMatchObject({ 'source.type': 'asa', ciscotag: expect.stringMatching(/^ASA-\d-\d{6}$/), syslog_facility: expect.stringMatching(/^local\d$/) });
    // the Teardown/Built connection lines carry the flow; local-host lines (609001/609002) do not
    expect(messages.filter((m) => m['ip_src_addr'] !== undefined)).toHaveLength(94);
  });
});

describe('Metron JSONMap sensor configs', () => {
  const files = ['parsers', 'parsers_common'].flatMap((dir) =>
    readdirSync(conformancePath('configs', dir))
      .filter((f) => f.startsWith('jsonMap') && f.endsWith('.json'))
      .map((f) => [`${dir}/${f}`] as const),
  );

  it('finds the configs', () => {
    expect(files.length).toBeGreaterThanOrEqual(6);
  });

  it.each(files)('%s loads', (file) => {
    const config = readJson(conformancePath('configs', file)) as ParserRunnerConfig & { sensorTopic: string };
    const parser = createSensorParser(config.sensorTopic, config, { file });
    expect(parser.definition.id).toBe('json_map');
  });

  // Metron's integration sample for jsonMapWrappedQuery: sample/data/jsonMapWrappedQuery/{raw,parsed}.
  it('jsonMapWrappedQuery splits a "{..},{..}," feed line into one message per object', () => {
    const config = readJson(conformancePath('configs', 'parsers', 'jsonMapWrappedQuery.json')) as ParserRunnerConfig;
    const parser = createSensorParser('jsonMapWrappedQuery', config);
    const raw = [
      '{ "string" : "foo", "number" : 1, "ignored" : [ "blah" ] },{ "number" : 4 },',
      '{ "string" : "bar", "number" : 2, "ignored" : [ "blah" ] },{ "number" : 5 },',
      '{ "string" : "baz", "number" : 3, "ignored" : [ "blah" ] },{ "number" : 6 }',
    ];
    const expected = [
      { string: 'foo', number: 1, ignored: ['blah'], original_string: raw[0] },
      { number: 4, original_string: raw[0] },
      { string: 'bar', number: 2, ignored: ['blah'], original_string: raw[1] },
      { number: 5, original_string: raw[1] },
      { string: 'baz', number: 3, ignored: ['blah'], original_string: raw[2] },
      { number: 6, original_string: raw[2] },
    ].map((m) => ({ ...m, timestamp: 1000000000000, 'source.type': 'jsonMapWrappedQuery', guid: 'this-is-random-uuid-will-be-36-chars' }));
    const actual = raw.flatMap((line, i) => {
      const r = parser.parse(Buffer.from(line), { guid: testGuid(i) });
      expect(r.errors).toEqual([]);
      return r.messages;
    });
    expect(actual).toHaveLength(6);
    expected.forEach((exp, i) => expect(compareWithExpected(actual[i]!, exp)).toEqual([]));
  });
});

// cef_cyberark/expected.json is not the output of Metron's CEFParser (it has `header`,
// `device_vendor`, string `severity`, and no `DeviceVendor`); its own expected.schema.json
// describes CEFParser's output, so the line is checked against that schema.
describe('Metron CEF conformance: cef_cyberark', () => {
  it('parses to a message valid against expected.schema.json', () => {
    const config: ParserRunnerConfig = { parserClassName: 'org.apache.metron.parsers.cef.CEFParser' } as ParserRunnerConfig;
    const parser = createSensorParser('cyberark', config);
    const [line] = readLines(conformancePath('parsers', 'cef_cyberark', 'raw.txt'));
    const result = parser.parse(Buffer.from(line!, 'utf8'), { guid: testGuid(0) });
    expect(result.errors).toEqual([]);
    expect(result.messages).toHaveLength(1);
    const message = result.messages[0]!;
    const schema = readJson(conformancePath('parsers', 'cef_cyberark', 'expected.schema.json')) as MiniSchema;
    expect(checkSchema(message, schema)).toEqual([]);
    const expected = readJson(conformancePath('parsers', 'cef_cyberark', 'expected.json')) as Record<string, unknown>;
    // the fields both agree on
    for (const key of ['deviceAction', 'original_string', 'source.type']) expect(message[key]).toEqual(expected[key]);
    expect(String(message['timestamp']).length).toBe(String(expected['timestamp']).length);
  });

  // Metron's CEFParserTest hands cyberark.json to runTest but never compares it; what CEFParser
  // really emits follows from its extension scan: a value is cut at the last space before the
  // next unescaped '=', so an empty value (`dhost= duser=`) leaves the key pending and the next
  // quoted label lands on it; `xLabel` keys rename `x` afterwards; act becomes deviceAction.
  it('gives exactly the map Metron\'s CEFParser gives (every field)', () => {
    const config: ParserRunnerConfig = { parserClassName: 'CEF' } as ParserRunnerConfig;
    const parser = createSensorParser('cyberark', config);
    const [line] = readLines(conformancePath('parsers', 'cef_cyberark', 'raw.txt'));
    const message = parser.parse(Buffer.from(line!, 'utf8'), { guid: testGuid(0) }).messages[0]!;
    const year = new Date().getUTCFullYear();
    let timestamp = Date.UTC(year, 2, 21, 14, 5, 2);
    if (timestamp > Date.now() + 4 * 86_400_000) timestamp = Date.UTC(year - 1, 2, 21, 14, 5, 2);
    expect(message).toEqual({
      DeviceVendor: 'Cyber-Ark',
      DeviceProduct: 'Vault',
      DeviceVersion: '7.20.0091',
      DeviceEvent: '295',
      Name: 'Retrieve password',
      Severity: 5,
      deviceAction: 'Retrieve password',
      suser: 'spilgrim',
      fname: 'Root\\ABC phobos3 - COMP',
      dvc: '120.99.70.3',
      shost: '10.44.134.78',
      dhost: '"Affected User Name"',
      cs1: '"Safe Name"',
      cs2: 'Security Vulnerability Mgmt',
      '"Device Type"': '"Database"',
      cs4: '"Other info"',
      cs5: '101.198.70.93',
      '"Request Id"': '"Ticket Id"',
      cn2: 'Needed to verify config files being pulled',
      msg: 'Needed to verify config files being pulled',
      original_string: line,
      timestamp,
      'source.type': 'cyberark',
      guid: testGuid(0)(0),
    });
  });
});
