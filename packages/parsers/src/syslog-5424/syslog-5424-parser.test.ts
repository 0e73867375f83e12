import { describe, expect, it } from 'vitest';
import { ConfigError } from '@metron/core';
import { createSensorParser } from '../sensor-parser.js';
import { readSyslog5424Config } from './config.js';
import { Syslog5424Parser } from './syslog-5424-parser.js';

const NOW = Date.UTC(2024, 5, 1);
const parserWith = (config: Record<string, unknown> = {}) => new Syslog5424Parser(readSyslog5424Config(config, 'parsers/syslog5424.json'));
const parse = (text: string, config: Record<string, unknown> = {}) => parserWith(config).parse(text, { now: NOW });
const messageOf = (text: string, config: Record<string, unknown> = {}) => {
  const outcome = parse(text, config);
  if (!outcome.ok) throw new Error(outcome.reason);
  expect(outcome.messages).toHaveLength(1);
  return outcome.messages[0]!;
};

// RFC 5424 section 6.5 examples
const RFC_EXAMPLE_1 = '<34>1 2003-10-11T22:14:15.003Z mymachine.example.com su - ID47 - \uFEFF\'su root\' failed for lonvick on /dev/pts/8';
const RFC_EXAMPLE_4 =
  '<165>1 2003-10-11T22:14:15.003Z mymachine.example.com evntslog - ID47 [exampleSDID@32473 iut="3" eventSource="Application" eventID="1011"][examplePriority@32473 class="high"]';

describe('Syslog 5424 parser', () => {
  it('reads the header, BOM-prefixed message and fraction-of-second timestamp', () => {
    expect(messageOf(RFC_EXAMPLE_1)).toEqual({
      'syslog.header.pri': '34',
      'syslog.header.facility': '4',
      'syslog.header.severity': '2',
      'syslog.header.version': '1',
      'syslog.header.timestamp': '2003-10-11T22:14:15.003Z',
      'syslog.header.hostName': 'mymachine.example.com',
      'syslog.header.appName': 'su',
      'syslog.header.msgId': 'ID47',
      'syslog.message': "'su root' failed for lonvick on /dev/pts/8",
      timestamp: Date.UTC(2003, 9, 11, 22, 14, 15, 3),
      original_string: RFC_EXAMPLE_1,
    });
  });

  it('flattens structured data without a message; offsets count', () => {
    const m = messageOf(RFC_EXAMPLE_4.replace('.003Z', '-07:00'));
    expect(m).toMatchObject({
      'syslog.structuredData.exampleSDID@32473.iut': '3',
      'syslog.structuredData.exampleSDID@32473.eventSource': 'Application',
      'syslog.structuredData.exampleSDID@32473.eventID': '1011',
      'syslog.structuredData.examplePriority@32473.class': 'high',
      timestamp: Date.UTC(2003, 9, 12, 5, 14, 15),
    });
    expect(m).not.toHaveProperty('syslog.message');
  });

  it('applies nilPolicy to nil header fields (OMIT by default, as Metron)', () => {
    const line = '<14>1 - - - - - - hello';
    expect(messageOf(line)).toEqual({
      'syslog.header.pri': '14',
      'syslog.header.facility': '1',
      'syslog.header.severity': '6',
      'syslog.header.version': '1',
      'syslog.message': 'hello',
      timestamp: NOW,
      original_string: line,
    });
    const dash = messageOf(line, { nilPolicy: 'DASH' });
    for (const k of ['timestamp', 'hostName', 'appName', 'procId', 'msgId']) expect(dash[`syslog.header.${k}`]).toBe('-');
    const nul = messageOf(line, { nilPolicy: 'NULL' });
    for (const k of ['timestamp', 'hostName', 'appName', 'procId', 'msgId']) expect(nul[`syslog.header.${k}`]).toBeNull();
  });

  it('accepts a missing PRI or VERSION (Metron allows both deviations)', () => {
    expect(messageOf('2014-06-20T09:14:07Z host app 1 - - msg')).toMatchObject({ 'syslog.header.hostName': 'host', 'syslog.header.procId': '1' });
    expect(messageOf('2014-06-20T09:14:07Z host app 1 - - msg')).not.toHaveProperty('syslog.header.pri');
    const noVersion = messageOf('<14>2014-06-20T09:14:07Z host app - - - msg');
    expect(noVersion).not.toHaveProperty('syslog.header.version');
    expect(noVersion['syslog.header.pri']).toBe('14');
  });

  it('keeps SD value escapes as written, and reads ] inside quotes', () => {
    const m = messageOf('<14>1 2014-06-20T09:14:07Z h a p m [x@1 q="say \\"hi\\"" b="a]b" e=""] tail');
    expect(m['syslog.structuredData.x@1.q']).toBe('say \\"hi\\"');
    expect(m['syslog.structuredData.x@1.b']).toBe('a]b');
    expect(m['syslog.structuredData.x@1.e']).toBe('');
    expect(m['syslog.message']).toBe('tail');
  });

  it('gives one message per line, each with the whole record as original_string', () => {
    const text = '<14>1 2014-06-20T09:14:07Z h a p m - one\n<14>1 2014-06-20T09:14:08Z h a p m - two\n';
    const outcome = parse(text);
    expect(outcome.ok && outcome.messages.map((m) => [m['syslog.message'], m['original_string']])).toEqual([
      ['one', text],
      ['two', text],
    ]);
    expect(parse('<14>1 2014-06-20T09:14:07Z h a p m - one\nnot syslog')).toMatchObject({ ok: false, reason: expect.stringMatching(/^line 2: /) });
  });

  it('refuses what is not RFC 5424, with a reason', () => {
    expect(parse('<14>1 2014-06-20 09:14:07 h a p m - x')).toMatchObject({ ok: false, reason: expect.stringContaining('not RFC 3339') });
    expect(parse('<14>1 2014-13-20T09:14:07Z h a p m - x')).toMatchObject({ ok: false, reason: expect.stringContaining('month 13 out of range') });
    expect(parse('<14>1 2014-06-20T09:14:07Z h a p m')).toEqual({ ok: false, reason: 'missing STRUCTURED-DATA after position 34' });
    expect(parse('<14>1 2014-06-20T09:14:07Z h a p m [x@1 a=b]')).toMatchObject({ ok: false, reason: expect.stringContaining('expected ="..."') });
    expect(parse('<14>1 2014-06-20T09:14:07Z h a p m [x@1 a="b]')).toMatchObject({ ok: false, reason: expect.stringContaining('unterminated') });
    expect(parse('<14>1 2014-06-20T09:14:07Z h a p m x')).toMatchObject({ ok: false, reason: expect.stringContaining('neither "-" nor "[...]"') });
    expect(parse('<1234>1 2014-06-20T09:14:07Z h a p m - x')).toMatchObject({ ok: false, reason: expect.stringContaining('PRI') });
    expect(parse('Jun 20 09:14:07 host sshd: x')).toMatchObject({ ok: false });
  });

  it('refuses an unknown nilPolicy at build time', () => {
    expect(() => parserWith({ nilPolicy: 'BLANK' })).toThrow(ConfigError);
  });

  it('runs in a sensor with Metron configs', () => {
    const sensor = createSensorParser('syslog5424', { parserClassName: 'org.apache.metron.parsers.syslog.Syslog5424Parser', parserConfig: { nilPolicy: 'DASH' } });
    const r = sensor.parse(Buffer.from(RFC_EXAMPLE_4), { guid: () => 'g', now: NOW });
    expect(r.errors).toEqual([]);
    expect(r.messages[0]).toMatchObject({ 'source.type': 'syslog5424', 'syslog.header.procId': '-', timestamp: Date.UTC(2003, 9, 11, 22, 14, 15, 3) });
  });
});
