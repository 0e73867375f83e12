/**
 * Property check: seeded random mutations of valid lines never make a parser throw; every outcome
 * is messages (each with an integer timestamp) or an error with a reason.
 */
import { describe, expect, it } from 'vitest';
import { findParserDefinition } from './registry.js';
import { mutate, seededRandom } from './test-support/mutate.js';
import { conformancePath, readJson, readLines } from './test-support/conformance.js';
import { createSensorParser } from './sensor-parser.js';

const MUTATIONS = 500;

const schemaSample = (file: string): string[] => readLines(conformancePath('parsers', '_schema_validated', file));
const yafConfig = readJson(conformancePath('parsers', 'yaf', 'parser_config.json')) as { parserConfig: Record<string, unknown> };
const squidConfig = readJson(conformancePath('parsers', 'squid', 'parser_config.json')) as { parserConfig: Record<string, unknown> };

const cases: [string, Record<string, unknown>, string[]][] = [
  ['JSONMap', {}, readLines(conformancePath('parsers', 'jsonMap', 'raw.txt'))],
  ['JSONMap', { jsonpQuery: '$.foo', wrapInEntityArray: false }, readLines(conformancePath('parsers', 'jsonMapQuery', 'raw.txt'))],
  ['Bro', {}, readLines(conformancePath('parsers', 'bro', 'raw.txt'))],
  ['Grok', yafConfig.parserConfig, readLines(conformancePath('parsers', 'yaf', 'raw.txt'))],
  ['Grok', squidConfig.parserConfig, readLines(conformancePath('parsers', 'squid', 'raw.txt'))],
  ['CEF', {}, [...readLines(conformancePath('parsers', 'cef_cyberark', 'raw.txt')), ...schemaSample('cef_palo.raw.txt'), ...schemaSample('cef_waf.raw.txt')]],
  ['LEEF', {}, schemaSample('leef_sample.raw.txt')],
  [
    'CSV',
    { columns: { action: 0, ip_src_addr: 1, ip_dst_addr: 2, bytes: 3, timestamp: 4 } },
    ['allow,10.0.0.1,203.0.113.9,1200,1718000000000', 'deny,"10.0.0.2",198.51.100.7,"0",1718000000500', 'allow,10.0.0.3,192.0.2.44,88,1718000001000'],
  ],
  [
    'RegularExpressions',
    {
      convertCamelCaseToUnderScore: true,
      recordTypeRegex: '(?<process>(?<=\\s)\\b(sshd|kernel)\\b(?=\\[|:))',
      messageHeaderRegex: '(?<syslogpriority>(?<=^<)\\d{1,4}(?=>)).*?(?<timestamp>(?<=>)[A-Za-z]{3}\\s{1,2}\\d{1,2}\\s\\d{1,2}:\\d{1,2}:\\d{1,2}(?=\\s)).*?(?<deviceName>(?<=\\s).*?(?=\\s))',
      fields: [
        { recordType: 'sshd', regex: '.*ip_src_addr=(?<ipSrcAddr>[0-9.]+).*' },
        { recordType: 'kernel', regex: '.*SRC=(?<ipSrcAddr>[0-9.]+).*' },
      ],
    },
    [
      '<38>Jun 14 22:03:11 bastion-1 sshd[24817]: Accepted publickey for deploy ip_src_addr=203.0.113.7 port 52144 ssh2',
      '<4>Mar 31 02:30:01 fw01 kernel: [1234567.890123] IN=eth0 OUT= SRC=198.51.100.9 DST=10.0.0.2',
    ],
  ],
  ['Snort', {}, readLines(conformancePath('parsers', 'snort', 'raw.txt'))],
  ['Syslog5424', { nilPolicy: 'DASH' }, readLines(conformancePath('parsers', 'syslog5424', 'raw.txt'))],
  [
    'Syslog3164',
    { splitTag: true, deviceTimeZone: 'Europe/Paris' },
    [
      '<38>Jun 14 22:03:11 bastion-1 sshd[24817]: Accepted publickey for deploy from 203.0.113.7 port 52144 ssh2',
      '<4>Mar 31 02:30:01 fw01 kernel: [1234567.890123] IN=eth0 OUT= SRC=198.51.100.9',
      '<181>2018-09-14T00:54:09+00:00 ise-1 CISE_RADIUS_Accounting 0018032501 1 0',
    ],
  ],
];

describe.each(cases)('%s parser under random mutations', (name, config, lines) => {
  it(`${MUTATIONS} mutations never throw`, () => {
    const parser = findParserDefinition(name)!.build(config, `parsers/${name}.json`);
    const random = seededRandom(0x5eed + name.length);
    let ok = 0;
    for (let i = 0; i < MUTATIONS; i++) {
      const text = mutate(lines[i % lines.length]!, random);
      let outcome;
      try {
        outcome = parser.parse(text, { now: Date.UTC(2024, 5, 15) });
      } catch (err) {
        throw new Error(`threw on ${JSON.stringify(text)}: ${String(err)}`);
      }
      if (outcome.ok) {
        ok++;
        // a message without a timestamp is the sensor parser's to refuse (validation), not a crash
        for (const m of outcome.messages) if (m['timestamp'] !== undefined) expect(Number.isInteger(m['timestamp']), JSON.stringify(text)).toBe(true);
      } else {
        expect(outcome.reason.length).toBeGreaterThan(0);
      }
    }
    // the mutations should exercise both outcomes
    expect(ok).toBeGreaterThan(0);
    expect(ok).toBeLessThan(MUTATIONS);
  });
});

describe.each(cases)('%s sensor parser on random bytes and mutated lines', (name, config, lines) => {
  it('every record ends as messages or as errors holding its exact raw bytes', () => {
    const sensor = createSensorParser('fuzz', { parserClassName: name, parserConfig: config });
    const random = seededRandom(0xb17e5 + name.length);
    for (let i = 0; i < 300; i++) {
      let raw: Buffer;
      if (i % 3 === 0) {
        // random bytes, invalid UTF-8 included
        raw = Buffer.alloc(1 + Math.floor(random() * 200));
        for (let j = 0; j < raw.length; j++) raw[j] = Math.floor(random() * 256);
      } else {
        raw = Buffer.from(mutate(lines[i % lines.length]!, random), 'utf8');
      }
      let result;
      try {
        result = sensor.parse(raw, { guid: (n) => `g-${i}-${n}`, now: Date.UTC(2024, 5, 15) });
      } catch (err) {
        throw new Error(`threw on ${raw.toString('base64')}: ${String(err)}`);
      }
      // no filter is configured, so nothing may vanish
      expect(result.messages.length + result.errors.length, raw.toString('base64')).toBeGreaterThan(0);
      for (const e of result.errors) {
        expect(e.reason.length).toBeGreaterThan(0);
        expect(Buffer.compare(e.raw, raw), 'error keeps the raw bytes').toBe(0);
      }
      for (const m of result.messages) {
        expect(typeof m['original_string']).toBe('string');
        expect(Number.isInteger(m['timestamp'])).toBe(true);
        expect(m['source.type']).toBe('fuzz');
      }
    }
  });
});
