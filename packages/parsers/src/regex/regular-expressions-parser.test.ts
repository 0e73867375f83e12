import { describe, expect, it } from 'vitest';
import { ConfigError } from '@metron/core';
import { findParserDefinition } from '../registry.js';
import { mutate, seededRandom } from '../test-support/mutate.js';
import { camelToUnderscore } from './regular-expressions-parser.js';

const NOW = Date.UTC(2024, 5, 15, 12, 0, 0);
const build = (config: Record<string, unknown>) => findParserDefinition('RegularExpressions')!.build(config, 'parsers/regex.json');

// The example configuration of Metron's RegularExpressionsParser README / javadoc.
const README_CONFIG = {
  recordTypeRegex: '(?<process>(?<=\\s)\\b(kernel|syslog)\\b(?=\\[|:))',
  messageHeaderRegex: '(?<syslogpriority>(?<=^<)\\d{1,4}(?=>)).*?(?<timestamp>(?<=>)[A-Za-z]{3}\\s{1,2}\\d{1,2}\\s\\d{1,2}:\\d{1,2}:\\d{1,2}(?=\\s)).*?(?<syslogHost>(?<=\\s).*?(?=\\s))',
  fields: [
    { recordType: 'kernel', regex: '.*(?<eventInfo>(?<=\\]|\\w\\:).*?(?=$))' },
    {
      recordType: 'syslog',
      regex: '.*(?<processid>(?<=PID\\s=\\s).*?(?=\\sLine)).*(?<filePath>(?<=64\\s)/([A-Za-z0-9_-]+/)+(?=\\w))(?<fileName>.*?(?=")).*(?<eventInfo>(?<=").*?(?=$))',
    },
  ],
  convertCamelCaseToUnderScore: true,
};

describe('RegularExpressions parser', () => {
  it('is registered under Metron class name', () => {
    expect(findParserDefinition('org.apache.metron.parsers.regex.RegularExpressionsParser')?.id).toBe('regular_expressions');
  });

  // Greedy `.*` before each lookbehind takes the last position that fits, as in Java.
  it('reads a kernel record with the README config', () => {
    const line = '<180>Jul 23 10:29:10 hostname kernel: [ 2003.1234] eth0: link up ';
    const outcome = build(README_CONFIG).parse(line, { now: NOW });
    expect(outcome).toEqual({
      ok: true,
      messages: [{ syslogpriority: '180', syslog_host: 'hostname', process: 'kernel', event_info: 'link up', original_string: line.trim(), timestamp: NOW }],
    });
  });

  it('reads a syslog record with the README config', () => {
    const line = '<30>Jul 23 10:29:10 hostname syslog: PID = 3185 Line 64 /var/log/app/"error.log" disk full';
    const outcome = build(README_CONFIG).parse(line, { now: NOW });
    expect(outcome.ok && outcome.messages[0]).toMatchObject({ process: 'syslog', processid: '3185', file_path: '/var/log/', file_name: 'app/', event_info: 'disk full' });
  });

  it('keeps only the header and type fields when no field regex matches', () => {
    const outcome = build({ ...README_CONFIG, convertCamelCaseToUnderScore: false }).parse('<5>Jul 23 10:29:10 h other: x', { now: NOW });
    expect(outcome.ok && outcome.messages[0]).toEqual({ syslogpriority: '5', syslogHost: 'h', original_string: '<5>Jul 23 10:29:10 h other: x', timestamp: NOW });
  });

  it('converts camel case as Guava does', () => {
    expect(camelToUnderscore('ipSrcAddr')).toBe('ip_src_addr');
    expect(camelToUnderscore('IPAddr')).toBe('i_p_addr');
  });

  it('accepts (?i) and lists of regexes', () => {
    const parser = build({ recordTypeRegex: '(?i)ERROR|WARN', fields: [{ recordType: 'error', regex: ['nomatch(?<x>.)', '(?i)error (?<code>\\d+)'] }] });
    expect(parser.parse('Error 42', { now: NOW })).toMatchObject({ ok: true, messages: [{ code: '42' }] });
  });

  it('rejects a bad config with its path', () => {
    expect(() => build({ fields: [] })).toThrow(ConfigError);
    expect(() => build({ recordTypeRegex: 'a' })).toThrow(/fields/);
    expect(() => build({ recordTypeRegex: 'a', fields: [{ recordType: 'a', regex: 'x++(' }] })).toThrow(/fields\[0\]\.regex/);
  });

  it('an empty message is an error', () => {
    const outcome = build(README_CONFIG).parse('   ', { now: NOW });
    expect(outcome.ok).toBe(false);
  });

  it('300 mutations never throw', () => {
    const parser = build(README_CONFIG);
    const lines = ['<180>Jul 23 10:29:10 hostname kernel: [ 2003.1234] eth0: link up', '<30>Jul 23 10:29:10 hostname syslog: PID = 3185 Line 64 /var/log/app/"error.log" disk full'];
    const random = seededRandom(0x4e6);
    let ok = 0;
    for (let i = 0; i < 300; i++) {
      const outcome = parser.parse(mutate(lines[i % 2]!, random), { now: NOW });
      if (outcome.ok) {
        ok++;
        for (const m of outcome.messages) expect(Number.isInteger(m['timestamp'])).toBe(true);
      } else expect(outcome.reason.length).toBeGreaterThan(0);
    }
    expect(ok).toBeGreaterThan(0);
  });
});
