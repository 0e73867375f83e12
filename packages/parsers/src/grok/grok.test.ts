import { describe, expect, it } from 'vitest';
import { ConfigError } from '@metron/core';
import { compileGrok, GrokError, parsePatternFile } from './grok.js';
import { grokParserDefinition } from './index.js';
import { mutate, seededRandom } from '../test-support/mutate.js';
import { conformancePath, readLines } from '../test-support/conformance.js';

describe('compileGrok', () => {
  it('captures named fields with types and drops UNWANTED', () => {
    const g = compileGrok('%{IP:src}:%{INT:port:int} %{NUMBER:ratio:float} %{WORD:UNWANTED} %{GREEDYDATA:rest}');
    expect(g.match('10.0.0.1:443 0.5 junk the rest')).toEqual({ src: '10.0.0.1', port: 443, ratio: 0.5, rest: 'the rest' });
  });

  it('matches the standard library names', () => {
    const cases: [string, string][] = [
      ['IPV6', '2001:db8::1'],
      ['HOSTNAME', 'www.example.com'],
      ['HOSTPORT', 'example.com:8080'],
      ['URI', 'http://user@example.com:8080/a/b?c=d'],
      ['URIPATHPARAM', '/a/b?c=d'],
      ['TIMESTAMP_ISO8601', '2016-01-28T15:29:48.512Z'],
      ['SYSLOGTIMESTAMP', 'Jan  5 08:52:35'],
      ['HTTPDATE', '10/Oct/2000:13:55:36 -0700'],
      ['DATESTAMP', '10/11/2000 13:55:36'],
      ['EMAILADDRESS', 'a.b@example.com'],
      ['MAC', '00:1a:2b:3c:4d:5e'],
      ['UUID', '123e4567-e89b-12d3-a456-426614174000'],
      ['QUOTEDSTRING', '"a \\"quoted\\" string"'],
      ['LOGLEVEL', 'WARNING'],
    ];
    for (const [name, text] of cases) expect(compileGrok(`^%{${name}:v}$`).match(text), name).toMatchObject({ v: text });
  });

  it('uses extra patterns and reports unknown ones', () => {
    const extra = parsePatternFile('# comment\nMYNUM [0-9]+\nMY %{MYNUM:n}-%{WORD:w}\n');
    expect(compileGrok('%{MY}', extra).match('x 12-ab')).toEqual({ n: 12, w: 'ab' });
    expect(() => compileGrok('%{NOPE}')).toThrow(GrokError);
    expect(() => compileGrok('%{A}', { A: '%{A}' })).toThrow(GrokError);
  });

  it('returns undefined on no match', () => {
    expect(compileGrok('^%{INT:n}$').match('abc')).toBeUndefined();
  });
});

describe('GrokParser', () => {
  const build = (config: Record<string, unknown>) => grokParserDefinition.build(config, 'parsers/t.json');

  it('reads an inline grokPattern with timeFields in a time zone', () => {
    const parser = build({ grokPattern: 'T %{TIMESTAMP_ISO8601:ts} %{WORD:w}', patternLabel: 'T', timestampField: 'ts', timeFields: ['ts'], dateFormat: 'yyyy-MM-dd HH:mm:ss', timeZone: 'UTC' });
    const r = parser.parse('2020-01-01 00:00:01 hello', { now: 0 });
    expect(r).toEqual({ ok: true, messages: [{ ts: 1577836801000, timestamp: 1577836801000, w: 'hello', original_string: '2020-01-01 00:00:01 hello' }] });
    expect(parser.parse('nothing here', { now: 0 }).ok).toBe(false);
  });

  it('splits multiLine records into one message per line', () => {
    const parser = build({ grokPattern: 'L %{INT:n}', patternLabel: 'L', timestampField: 'n', multiLine: 'true' });
    const r = parser.parse('1\nx\n2', { now: 0 });
    expect(r.ok && r.messages.map((m) => m['timestamp'])).toEqual([1, 2]);
  });

  it('fails fast on bad config', () => {
    expect(() => build({})).toThrow(ConfigError);
    expect(() => build({ grokPath: '/patterns/yaf' })).toThrow(/patternLabel/);
    expect(() => build({ grokPath: '/patterns/nope', patternLabel: 'X' })).toThrow(/grokPath/);
    expect(() => build({ grokPath: '/patterns/yaf', patternLabel: 'YAF_DELIMITED', timeZone: 'Nowhere/Nope' })).toThrow(/timeZone/);
    expect(() => build({ grokPattern: 'X %{NOPE}', patternLabel: 'X' })).toThrow(ConfigError);
  });

  it.each([
    ['yaf', { grokPath: '/patterns/yaf', patternLabel: 'YAF_DELIMITED', timestampField: 'start_time', timeFields: ['start_time', 'end_time'], dateFormat: 'yyyy-MM-dd HH:mm:ss.S' }],
    ['squid', { grokPath: '/patterns/squid', patternLabel: 'SQUID_DELIMITED', timestampField: 'timestamp' }],
  ])('300 mutations of %s lines never throw', (sensor, config) => {
    const parser = build(config);
    const lines = readLines(conformancePath('parsers', sensor, 'raw.txt'));
    const random = seededRandom(0x6e0c + sensor.length);
    let ok = 0;
    for (let i = 0; i < 300; i++) {
      const text = mutate(lines[i % lines.length]!, random);
      const outcome = parser.parse(text, { now: 0 });
      if (outcome.ok) {
        ok++;
        for (const m of outcome.messages) expect(Number.isInteger(m['timestamp'])).toBe(true);
      } else expect(outcome.reason.length).toBeGreaterThan(0);
    }
    expect(ok).toBeGreaterThan(0);
    expect(ok).toBeLessThan(300);
  });
});
