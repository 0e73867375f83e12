import { describe, expect, it } from 'vitest';
import { seededRandom } from '@metron/core';
import { createSensorParser } from '../sensor-parser.js';
import { conformancePath, readLines } from '../test-support/conformance.js';
import { BroParser } from './bro-parser.js';
import { FlatRecordReader } from './flat-record.js';

const parser = new BroParser();
const parse = (text: string) => parser.parse(text);
const messageOf = (text: string) => {
  const outcome = parse(text);
  if (!outcome.ok) throw new Error(outcome.reason);
  expect(outcome.messages).toHaveLength(1);
  return outcome.messages[0]!;
};

describe('Bro parser', () => {
  it('maps the wrapper, the 5-tuple and ts like Metron', () => {
    const m = messageOf('{"conn": {"ts":1440447880.931272,"uid":"C1","id.orig_h":"10.0.0.1","id.orig_p":52178,"id.resp_h":"10.0.0.2","id.resp_p":1812,"proto":"udp","duration":0.5,"tunnel_parents":[]}}');
    expect(m).toEqual({
      uid: 'C1',
      proto: 'udp',
      duration: 0.5,
      tunnel_parents: [],
      ip_src_addr: '10.0.0.1',
      ip_src_port: 52178,
      ip_dst_addr: '10.0.0.2',
      ip_dst_port: 1812,
      timestamp: 1440447880931,
      bro_timestamp: '1440447880.931272',
      protocol: 'conn',
      original_string: expect.stringMatching(/^CONN \| /),
    });
    const original = m['original_string'] as string;
    for (const part of ['ts:1440447880.931272', 'id.orig_h:10.0.0.1', 'duration:0.5', 'tunnel_parents:[]', 'proto:udp']) expect(original).toContain(` ${part}`);
  });

  it('prints integral doubles as Java does and keeps them as numbers in the message', () => {
    const m = messageOf('{"notice": {"ts":1216706377.0,"suppress_for":3600.0,"TTLs":[3600.0,14.5],"n":3}}');
    expect(m['suppress_for']).toBe(3600);
    expect(m['TTLs']).toEqual([3600, 14.5]);
    expect(m['bro_timestamp']).toBe('1216706377.0');
    expect(m['timestamp']).toBe(1216706377000);
    expect(m['original_string']).toContain('suppress_for:3600.0');
    expect(m['original_string']).toContain('TTLs:[3600.0,14.5]');
    expect(m['original_string']).toContain(' n:3');
  });

  it('source_ip / dest_ip win over id.orig_h / id.resp_h, which then stay', () => {
    const m = messageOf('{"x": {"ts":1,"source_ip":"1.1.1.1","id.orig_h":"2.2.2.2","dest_port":80,"id.resp_p":81}}');
    expect(m).toMatchObject({ ip_src_addr: '1.1.1.1', 'id.orig_h': '2.2.2.2', ip_dst_port: 80, 'id.resp_p': 81 });
    expect(m).not.toHaveProperty('source_ip');
  });

  it('takes tx_hosts / rx_hosts firsts when there are no address fields (files log)', () => {
    const m = messageOf('{"files": {"ts":1,"tx_hosts":["1.1.1.1","3.3.3.3"],"rx_hosts":[]}}');
    expect(m['ip_src_addr']).toBe('1.1.1.1');
    expect(m).not.toHaveProperty('ip_dst_addr');
    expect(m).not.toHaveProperty('tx_hosts');
    expect(m).not.toHaveProperty('rx_hosts'); // Metron removes it even when empty
  });

  it('reads a flat record with a "type" field', () => {
    const m = messageOf('{"type":"dns","ts":1.5,"id.orig_h":"1.1.1.1","query":"a.b"}');
    expect(m).toMatchObject({ type: 'dns', protocol: 'dns', query: 'a.b', ip_src_addr: '1.1.1.1', timestamp: 1500, bro_timestamp: '1.5' });
    expect(m['original_string']).toMatch(/^DNS \| /);
  });

  it('cleans top-level keys to [._a-zA-Z0-9] but keeps payload keys', () => {
    const m = messageOf('{"ht-tp!": {"ts":1,"we ird-key":"v"}}');
    expect(m['protocol']).toBe('http');
    expect(m['we ird-key']).toBe('v');
  });

  it('a record without ts has no timestamp (the sensor parser marks it invalid)', () => {
    expect(messageOf('{"stats": {"peer":"bro"}}')).not.toHaveProperty('timestamp');
    const sensor = createSensorParser('bro', { parserClassName: 'org.apache.metron.parsers.bro.BasicBroParser' });
    const r = sensor.parse(Buffer.from('{"stats": {"peer":"bro"}}'), { guid: () => 'g' });
    expect(r.messages).toEqual([]);
    expect(r.errors).toMatchObject([{ errorType: 'PARSER_INVALID', reason: 'message has no timestamp' }]);
  });

  it('reads ts given as a numeric string or ISO 8601 text', () => {
    expect(messageOf('{"x": {"ts":"1440447880.5"}}')).toMatchObject({ timestamp: 1440447880500, bro_timestamp: '1440447880.5' });
    expect(messageOf('{"x": {"ts":"2015-08-24T20:24:40.931272Z"}}')).toMatchObject({ timestamp: 1440447880931, bro_timestamp: '2015-08-24T20:24:40.931272Z' });
  });

  it('rejects what Metron rejects, with a reason', () => {
    expect(parse('{"x": {"ts":"yesterday"}}')).toEqual({ ok: false, reason: 'Bro ts "yesterday" is not epoch seconds' });
    expect(parse('{"x": {"ts":null}}')).toMatchObject({ ok: false });
    expect(parse('{}')).toEqual({ ok: false, reason: 'Bro record is an empty object' });
    expect(parse('{"http": "GET /"}')).toEqual({ ok: false, reason: 'Bro record\'s "http" is not a JSON object' });
    expect(parse('[1]')).toEqual({ ok: false, reason: 'Bro record is not a JSON object' });
    expect(parse('{"http": {')).toMatchObject({ ok: false, reason: expect.stringMatching(/^invalid JSON/) });
    expect(parse('{"http": {"a": 1.0,}}')).toMatchObject({ ok: false, reason: 'invalid JSON: expected a string key at position 19' });
  });

  it('prints a null field as "null" (Metron fails the record)', () => {
    expect(messageOf('{"x": {"ts":1,"a":null}}')['original_string']).toContain(' a:null');
  });

  it('the fast path (JSON.parse, integral doubles found in the text, numbers printed as written) equals the Java-faithful reader on random records (seeded)', () => {
    const rnd = seededRandom(4242);
    const pick = <T>(items: readonly T[]): T => items[Math.floor(rnd() * items.length)]!;
    const keys = ['uid', 'id.orig_h', 'id.orig_p', 'id.resp_h', 'id.resp_p', 'source_ip', 'dest_port', 'duration', 'TTLs', 'answers', 'tx_hosts', 'rx_hosts', 'x', 'e1', '7', '12', 'a b', 'type', '__proto__', 'timestamp', 'protocol', 'k\\"q', 'é'];
    const numbers = ['0', '-0', '7', '80', '-42', '3600', '3600.0', '-0.0', '1e3', '1.5E2', '2.5e-3', '15e-1', '0.5', '1.50', '1.000001', '0.0000001', '123.1', '-3.25', '1440447880.931272', '1440447880.5',
      '8589934591.999999', '8589934592.5', '123456789012345678.5', '9007199254740993', '12345678901234567890', '5.9999999999999999'];
    const strings = ['"a"', '"10.0.0.1"', '"3600.0"', '"x:1.0,y"', '"a\\"b"', '"\\\\"', '"\\u0041"', '"a\\/b"', '"2001:db8:8e28::1"', '""', '"é😀"', '"}}"'];
    const value = (depth: number): string => {
      const r = rnd();
      if (r < 0.45) return pick(numbers);
      if (r < 0.75) return pick(strings);
      if (r < 0.85 || depth > 1) return pick(['true', 'false', 'null']);
      const items = Array.from({ length: Math.floor(rnd() * 3) }, () => value(depth + 1));
      return r < 0.95 ? `[${items.join(',')}]` : `{${items.map((item, i) => `"n${i}":${item}`).join(',')}}`;
    };
    const record = (): string => {
      const ws = rnd() < 0.2 ? ' ' : '';
      const members = [`"ts":${pick(['1440447880.931272', '1440447880', '1440447880.0', '"1440447880.5"', '1.5e9'])}`];
      for (let n = Math.floor(rnd() * 8); n > 0; n--) members.push(`${JSON.stringify(pick(keys)).replace('\\\\', '\\')}${ws}:${ws}${value(0)}`);
      if (rnd() < 0.1) members.push(members[1 + Math.floor(rnd() * (members.length - 1))] ?? '"x":1'); // a duplicate
      const payload = `{${ws}${members.sort(() => rnd() - 0.5).join(`,${ws}`)}${ws}}`;
      const r = rnd();
      if (r < 0.7) return `{${JSON.stringify(pick(['conn', 'dns', 'http', 'ssl']))}:${ws}${payload}}`;
      if (r < 0.8) return `{"ht-tp":${payload}}`;
      if (r < 0.9) return `{"type":"dns",${payload.slice(1)}`;
      return `{"conn":${payload},"dns":{"x":1.0}}`;
    };
    const fast = new BroParser();
    const reference = new BroParser({ javaReaderOnly: true });
    const shape = (outcome: ReturnType<BroParser['parse']>) =>
      outcome.ok ? outcome.messages.map((m) => JSON.stringify(Object.entries(m), (_k, v: unknown) => (Object.is(v, -0) ? '-0' : v))) : 'failed';
    let messages = 0;
    for (let i = 0; i < 6000; i++) {
      const text = record();
      const expected = shape(reference.parse(text));
      expect(shape(fast.parse(text)), text).toEqual(expected);
      if (expected !== 'failed') messages++;
    }
    expect(messages).toBeGreaterThan(3000);
  });

  it('prints numbers as Metron does whether they are taken from the text or printed from their value', () => {
    const m = messageOf('{"conn":{"ts":1440447880.9,"a":-0,"b":1.50,"c":0.0000001,"d":8589934592.5,"e":9007199254740993,"f":2.5e-3,"g":15e-1,"h":123.000001,"i":-7,"j":[1.0,2]}}');
    const original = m['original_string'] as string;
    for (const part of ['ts:1440447880.9', 'a:0', 'b:1.5', 'c:0.0', 'd:8589934592.5', 'e:9007199254740992', 'f:0.0025', 'g:1.5', 'h:123.000001', 'i:-7', 'j:[1.0,2]']) {
      expect(original).toContain(` ${part}`);
    }
    expect(m['bro_timestamp']).toBe('1440447880.9');
  });

  it('keeps one plan per key set and still reads records whose key sets keep changing', () => {
    const local = new BroParser();
    for (let i = 0; i < 300; i++) {
      const record = `{"conn":{"ts":1.5,"k${i}":${i},"id.orig_h":"10.0.0.${i % 250}"}}`;
      const outcome = local.parse(record);
      expect(outcome.ok && outcome.messages[0]).toMatchObject({ [`k${i}`]: i, ip_src_addr: `10.0.0.${i % 250}`, timestamp: 1500, original_string: expect.stringContaining(` k${i}:${i}`) });
    }
    // a type seen with several key sets, alternating
    for (let i = 0; i < 50; i++) {
      expect(local.parse(i % 2 ? '{"dns":{"ts":2,"q":"a"}}' : '{"dns":{"ts":2,"q":"a","n":3}}')).toMatchObject({ ok: true, messages: [i % 2 ? { q: 'a' } : { q: 'a', n: 3 }] });
    }
  });

  it('the one-pass reader (flat-record.ts) gives the messages JSON.parse and the Java-faithful reader give, on random records and the conformance sample (seeded)', () => {
    const shape = (outcome: ReturnType<BroParser['parse']>) =>
      outcome.ok ? outcome.messages.map((m) => JSON.stringify(Object.entries(m), (_k, v: unknown) => (Object.is(v, -0) ? '-0' : v))) : outcome.reason;
    const onePass = new BroParser();
    const general = new BroParser({ flatReading: false });
    const reference = new BroParser({ javaReaderOnly: true });
    const flatShaped = (text: string): boolean => new FlatRecordReader().read(text);
    // Each record twice: the one-pass reader needs a plan of its key set, made the first time.
    const check = (text: string): void => {
      const expected = shape(general.parse(text));
      expect(shape(onePass.parse(text)), text).toEqual(expected);
      expect(shape(onePass.parse(text)), text).toEqual(expected);
      if (expected.length > 0 && typeof expected !== 'string') expect(shape(reference.parse(text)), text).toEqual(expected);
    };

    let read = 0;
    for (const line of readLines(conformancePath('parsers', 'bro', 'raw.txt'))) {
      check(line);
      if (flatShaped(line)) read++;
    }
    expect(read).toBeGreaterThan(20);

    // A few key sets per type (so plans repeat; some alike in length or keys), random values of every
    // kind the reader answers or declines.
    const rnd = seededRandom(2718);
    const pick = <T>(items: readonly T[]): T => items[Math.floor(rnd() * items.length)]!;
    const keySets = [
      ['ts', 'uid', 'id.orig_h', 'id.orig_p', 'id.resp_h', 'id.resp_p', 'proto', 'duration', 'tunnel_parents'],
      ['ts', 'source_ip', 'id.orig_h', 'dest_port', 'id.resp_p', 'answers', 'TTLs'],
      ['ts', 'tx_hosts', 'rx_hosts', 'fuid', 'seen_bytes'],
      ['timestamp', 'uid', 'dest_ip', 'n'],
      ['ts', 'uid', 'id.orig_h', 'n'], // as many keys as the one above
      ['uid', 'peer'],
      ['peer', 'uid'], // the same keys in another order
      ['ts', 'uie', 'id.orig_h', 'n'],
      ['7', 'ts', '__proto__', 'protocol', 'original_string', 'é k'],
      ['ts', 'a', 'b', 'c', 'd', 'e', 'f', 'g', 'h', 'i', 'j', 'k', 'l', 'm', 'n', 'o', 'p', 'q', 'r', 's', 't'],
    ];
    const tsValues = ['1440447880.931272', '1440447880', '1440447880.5', '1216706377.0', '"1440447880.5"', '"2015-08-24T20:24:40Z"', '-1.25', '0.000001', '8589934592.5', '"x"', 'null', '1.5e9'];
    const values = ['0', '-0', '7', '-42', '3600', '3600.0', '0.5', '1.50', '-3.25', '123.000001', '0.0000001', '9007199254740993', '12345678901234567890', '1718452800.123456', '1.5E2',
      '"a"', '"10.0.0.1"', '""', '"é😀"', '"a\\"b"', '"x:1.0,y"', 'true', 'false', 'null', '[]', '["1.1.1.1","2.2.2.2"]', '[1,2.5,3600.0]', '[null]', '{"a":1}', '[[1]]'];
    const ws = (): string => (rnd() < 0.1 ? ' ' : '');
    let answered = 0;
    for (let i = 0; i < 3000; i++) {
      const keys = pick(keySets);
      const members = keys.map((key) => `${JSON.stringify(key)}:${ws()}${key === 'ts' || key === 'timestamp' ? pick(tsValues) : pick(values)}`);
      const text = `{"${pick(['conn', 'dns', 'files'])}":${ws()}{${members.join(',')}}}`;
      check(text);
      if (flatShaped(text)) answered++;
    }
    expect(answered).toBeGreaterThan(500);
  });
});
