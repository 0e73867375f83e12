import { describe, expect, it } from 'vitest';
import { seededRandom } from '@metron/core';
import { FlatRecordReader } from './flat-record.js';

/**
 * What FlatRecordReader read from `text` (guided by `guide`), or undefined when it declined: the log
 * type, and the members as [key, value, number text] in text order (number text: the span it
 * gave, else null).
 */
function readFlat(text: string, guide?: readonly string[]): { type: string; members: [string, unknown, string | null][]; followedGuide: boolean } | undefined {
  const record = new FlatRecordReader();
  const membersAt = record.readHead(text);
  if (membersAt < 0 || !record.readMembers(text, membersAt, guide)) return undefined;
  const members: [string, unknown, string | null][] = [];
  for (let m = 0; m < record.count; m++) {
    const start = record.numberSpans[2 * m]!;
    members.push([text.slice(record.keyStart[m], record.keyEnd[m]), record.values[m], start < 0 ? null : text.slice(start, record.numberSpans[2 * m + 1])]);
  }
  return { type: text.slice(record.typeStart, record.typeEnd), members, followedGuide: record.followedGuide };
}

/** JSON.stringify keeping -0 apart from 0 (toEqual alone would not tell them apart inside arrays). */
const exact = (value: unknown): string => JSON.stringify(value, (_k, v: unknown) => (Object.is(v, -0) ? '-0' : v));

/**
 * Checks a record FlatRecordReader answered against JSON.parse: the text is JSON, with one top-level
 * key (the type) holding an object whose keys are the ones read (a duplicate is read as written:
 * its last value is the one JSON.parse keeps), with the same values; a number's span reads back as
 * its value.
 */
function expectSameAsJsonParse(text: string, read: NonNullable<ReturnType<typeof readFlat>>): void {
  const root = JSON.parse(text) as Record<string, unknown>;
  expect(Object.keys(root), text).toEqual([read.type]);
  const payload = root[read.type] as Record<string, unknown>;
  const last = new Map(read.members.map(([key, value]) => [key, value]));
  expect(Object.keys(payload).sort(), text).toEqual([...last.keys()].sort());
  for (const [key, value] of last) expect(exact(value), text).toBe(exact(payload[key]));
  for (const [, value, numberText] of read.members) {
    if (typeof value === 'number') expect(Object.is(Number(numberText), value), text).toBe(true);
    else expect(numberText).toBeNull();
  }
}

describe('FlatRecordReader', () => {
  it('reads the common Bro record shape as JSON.parse does, with whitespace or without', () => {
    for (const text of [
      '{"conn":{"ts":1440447880.931272,"uid":"C1","id.orig_h":"10.0.0.1","id.orig_p":52178,"proto":"udp","duration":0.5,"local_orig":true,"x":null,"tunnel_parents":[],"a":false}}',
      '{"dns": {"ts":1402308259.609,"answers":["1.2.3.4","5.6.7.8"],"TTLs":[64535,2514.5],"rejected":false,"n":-0,"m":-12.25}}',
      ' { "http" : { "ts" : 1.5 , "tags" : [ ] , "l" : [ 1 , "a" , null ] } } \n',
      '{"stats":{}}',
      '{"x":{"big":12345678901234567890,"f":1718452800.123456,"g":9007199254.740993,"h":0.123456789012345,"é":"😀 \u2028"}}',
    ]) {
      const read = readFlat(text);
      expect(read, text).toBeDefined();
      expectSameAsJsonParse(text, read!);
    }
    expect(readFlat('{"conn":{"a":1.5,"b":-7}}')!.members).toEqual([['a', 1.5, '1.5'], ['b', -7, '-7']]);
  });

  it('declines what it does not read exactly, and what is not JSON', () => {
    for (const text of [
      '{"conn":{"a":"x\\"y"}}', // an escape
      '{"co\\u006en":{"a":1}}',
      '{"conn":{"a\\n":1}}',
      '{"conn":{"a":{"b":1}}}', // a nested object
      '{"conn":{"a":[[1]]}}',
      '{"conn":{"a":3600.0}}', // an integral Double for Java
      '{"conn":{"a":[1.00]}}',
      '{"conn":{"a":1e3}}', // an exponent
      '{"conn":{"a":1.5E-2}}',
      '{"conn":{"a":1.0000000000000001}}', // 17 digits with a fraction
      '{"type":{"a":1}}', // the flat form
      '{"ht-tp":{"a":1}}', // a type JSONCleaner changes
      '{"":{"a":1}}',
      '{"conn":"x"}',
      '{"conn":{"a":1},"dns":{}}', // two types
      '[{"conn":{}}]',
      // not JSON
      '{"conn":{"a":01}}',
      '{"conn":{"a":-}}',
      '{"conn":{"a":1.}}',
      '{"conn":{"a":.5}}',
      '{"conn":{"a":+1}}',
      '{"conn":{"a":1,}}',
      '{"conn":{,}}',
      '{"conn":{"a":tru}}',
      '{"conn":{"a":nul}}',
      '{"conn":{"a":"\t"}}',
      '{"conn":{"a":[1,]}}',
      '{"conn":{"a":[1 2]}}',
      '{"conn":{"a" 1}}',
      '{"conn":{"a":1}',
      '{"conn":{"a":1}} x',
      '{"conn":{"a":"1}}',
      '{"conn":{"a":1}}}',
      '{"conn":{"a":1 "b":2}}',
    ]) {
      expect(readFlat(text), text).toBeUndefined();
    }
  });

  it('reads numbers to the same double as JSON.parse (random decimals, seeded)', () => {
    const rnd = seededRandom(777);
    const digits = (n: number): string => Array.from({ length: n }, () => String(Math.floor(rnd() * 10))).join('');
    let read = 0;
    for (let i = 0; i < 20000; i++) {
      const intPart = rnd() < 0.2 ? '0' : String(1 + Math.floor(rnd() * 9)) + digits(Math.floor(rnd() * 16));
      const fraction = rnd() < 0.3 ? '' : `.${digits(1 + Math.floor(rnd() * 16))}`;
      const number = `${rnd() < 0.3 ? '-' : ''}${intPart}${fraction}`;
      const text = `{"x":{"n":${number},"l":[${number}]}}`;
      const flat = readFlat(text);
      if (flat === undefined) continue;
      read++;
      expect(Object.is(flat.members[0]![1], JSON.parse(number)), number).toBe(true);
      expect(Object.is((flat.members[1]![1] as number[])[0], JSON.parse(number)), number).toBe(true);
    }
    expect(read).toBeGreaterThan(10000);
  });

  it('answers only for JSON, and then as JSON.parse does, guided or not, on random and mutated records (seeded)', () => {
    const rnd = seededRandom(99);
    const pick = <T>(items: readonly T[]): T => items[Math.floor(rnd() * items.length)]!;
    const keys = ['ts', 'uid', 'id.orig_h', 'id.orig_p', 'a b', 'é', '7', '12', '__proto__', 'type', 'x', 'k"q', 'k\\q', ''];
    const tokens = ['0', '-0', '7', '-42', '3600', '3600.0', '1e3', '0.5', '1.50', '-3.25', '1440447880.931272', '12345678901234567890', '00', '1.', '-',
      '"a"', '"10.0.0.1"', '""', '"é😀"', '"a\\"b"', '"\\u0041"', 'true', 'false', 'null', 'tru', '[]', '[1,"a",null]', '[[1]]', '{}', '{"a":1}', '[1,]'];
    const ws = (): string => (rnd() < 0.15 ? pick([' ', '\n', '\t', '  ']) : '');
    const plain = (key: string): boolean => [...key].every((ch) => ch >= ' ' && ch !== '"' && ch !== '\\');
    const record = (recordKeys: readonly string[]): string => {
      const members = recordKeys.map((key) => `${ws()}${JSON.stringify(key)}${ws()}:${ws()}${pick(tokens)}${ws()}`);
      return `${ws()}{${ws()}${JSON.stringify(pick(['conn', 'dns', 'http', 'x.y_1', 'type', 'ht-tp']))}${ws()}:${ws()}{${members.join(',')}}${ws()}}${ws()}`;
    };
    const mutate = (text: string): string => {
      const at = Math.floor(rnd() * (text.length + 1));
      const c = pick(['"', ',', ':', '{', '}', '[', ']', '0', '.', 'e', '-', ' ', '\\', 'x', '\u0001']);
      switch (Math.floor(rnd() * 3)) {
        case 0: return text.slice(0, at) + c + text.slice(at);
        case 1: return text.slice(0, at) + text.slice(at + 1);
        default: return text.slice(0, at) + c + text.slice(at + 1);
      }
    };
    let answered = 0;
    let declinedJson = 0;
    let followed = 0;
    let previousKeys: string[] = [];
    for (let i = 0; i < 20000; i++) {
      // often the key list of the record before, which then guides the reading (as a plan would)
      const recordKeys = rnd() < 0.5 ? previousKeys : Array.from({ length: Math.floor(rnd() * 7) }, () => pick(keys));
      const guide = rnd() < 0.7 && previousKeys.every(plain) ? previousKeys : undefined;
      previousKeys = recordKeys;
      let text = record(recordKeys);
      if (rnd() < 0.4) text = mutate(text);
      const read = readFlat(text, guide);
      const unguided = readFlat(text);
      expect(read && { ...read, followedGuide: false }, text).toEqual(unguided);
      let json = true;
      try {
        JSON.parse(text);
      } catch {
        json = false;
      }
      if (read === undefined) {
        if (json) declinedJson++;
        continue;
      }
      answered++;
      expect(json, text).toBe(true);
      expectSameAsJsonParse(text, read);
      const keysRead = read.members.map(([key]) => key);
      expect(read.followedGuide, text).toBe(guide !== undefined && JSON.stringify(keysRead) === JSON.stringify(guide));
      if (read.followedGuide) followed++;
    }
    // the test means something only if both sides are well represented
    expect(answered).toBeGreaterThan(2000);
    expect(declinedJson).toBeGreaterThan(2000);
    expect(followed).toBeGreaterThan(500);
  });
});
