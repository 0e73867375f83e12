import { describe, expect, it } from 'vitest';
import { seededRandom } from '@metron/core';
import { JavaDouble, unwrapJavaValues } from './java-compat.js';
import { holdsIntegralDouble, mayHoldIntegralDouble, parseJsonKeepingDoubles, scanJsonNumbers } from './json-java-reader.js';

const VALID = [
  '{}',
  '[]',
  ' {"a" : [1, -2, 3.5, 1e3, -0, 0.0, 1E-2, 12345678901234567890], "b": {"c": null, "d": true, "e": false}} ',
  '"esc \\" \\\\ \\/ \\b \\f \\n \\r \\t \\u00e9 \\ud83d\\ude00"',
  '{"a": 1, "a": 2}',
  '{"__proto__": {"x": 1}}',
  '[[[[]]], {"": ""}]',
  '"é 😀"',
  '-1.5e+10',
];
const INVALID = ['', '{', '{"a"}', '{"a":1,}', '[1,]', '01', '1.', '.5', '-', '1e', '"\u0001"', '"\\x"', '"\\u12"', 'tru', '{} x', "{'a':1}", 'NaN', '"abc'];

describe('parseJsonKeepingDoubles', () => {
  it('agrees with JSON.parse once doubles are unwrapped', () => {
    for (const text of VALID) expect(unwrapJavaValues(parseJsonKeepingDoubles(text)), text).toEqual(JSON.parse(text));
  });

  it('refuses what JSON.parse refuses', () => {
    for (const text of INVALID) {
      expect(() => JSON.parse(text), text).toThrow();
      expect(() => parseJsonKeepingDoubles(text), text).toThrow(SyntaxError);
    }
  });

  it('marks integral numbers written as doubles', () => {
    expect(parseJsonKeepingDoubles('[3600.0, 1e3, 3600, 0.5, -0.0]')).toEqual([new JavaDouble(3600), new JavaDouble(1000), 3600, 0.5, new JavaDouble(-0)]);
  });

  it('keeps __proto__ as a field', () => {
    const obj = parseJsonKeepingDoubles('{"__proto__": {"x": 1}}') as Record<string, unknown>;
    expect(Object.getPrototypeOf(obj)).toBe(Object.prototype);
    expect(Object.hasOwn(obj, '__proto__')).toBe(true);
  });

  it('limits nesting', () => {
    expect(() => parseJsonKeepingDoubles('['.repeat(10_000))).toThrow(/nesting/);
  });

  it('the pre-check flags every integral double', () => {
    for (const text of ['{"a":3600.0}', '{"a":1e3}', '{"a":1.5E2}', '{"a":[0.00]}', '{"a":1.00000000000000001}', '{"a":5.9999999999999999}', '{"a":0.00000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000001}']) expect(mayHoldIntegralDouble(text), text).toBe(true);
    for (const text of ['{"ts":1440447880.931272,"id.orig_p":52178,"duration":1.001459,"x":"10.0.0.1"}', '{"a":12345678901234567890}', '{"a":"x.0"}', '{"service":"dns","a":0.5}', '{"uid":"C3e5Xb9E7q","fuid":"F1e2"}', '{"user_agent":"Mozilla/5.0 (X11) Chrome/125.0.0.0 Safari/537.36","v":"1.00000000000000001"}']) {
      expect(mayHoldIntegralDouble(text), text).toBe(false);
    }
    // Fuzz: every number the reader marks as JavaDouble must have been flagged.
    let seed = 3;
    const rnd = () => ((seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) / 2 ** 32);
    const pieces = ['0', '1', '9', '.', 'e', '-', '+', '5'];
    let doubles = 0;
    for (let i = 0; i < 20000; i++) {
      let num = String(Math.floor(rnd() * 1000));
      const n = Math.floor(rnd() * 20);
      for (let k = 0; k < n; k++) num += pieces[Math.floor(rnd() * pieces.length)];
      // numbers inside containers (a bare top-level number is not flagged, as documented)
      const text = [`[${num}]`, `{"a":${num}}`, `[1,${num}]`, `[ -${num}]`][i % 4]!;
      let parsed: unknown;
      try {
        parsed = parseJsonKeepingDoubles(text);
      } catch {
        continue;
      }
      const value = [(p: unknown) => (p as unknown[])[0], (p: unknown) => (p as Record<string, unknown>)['a'], (p: unknown) => (p as unknown[])[1], (p: unknown) => (p as unknown[])[0]][i % 4]!(parsed);
      if (value instanceof JavaDouble) {
        doubles++;
        expect(mayHoldIntegralDouble(text), text).toBe(true);
      }
    }
    expect(doubles).toBeGreaterThan(200);
  });

  it('holdsIntegralDouble answers exactly what the reader marks, on random JSON (seeded)', () => {
    const rnd = seededRandom(20240615);
    const pick = <T>(items: readonly T[]): T => items[Math.floor(rnd() * items.length)]!;
    // integral doubles, near misses, Longs beyond 2^53, and text that only looks like numbers
    const numbers = ['0', '-0', '7', '3600', '3600.0', '-0.0', '0.00', '1e3', '1E3', '1e+3', '2.5e-3', '1.5e1', '1.5E2', '15e-1', '1.0e0', '0.5', '1.50', '-12.000',
      '123456789012345678.5', '1.00000000000000001', '5.9999999999999999', '0.99999999999999999', '1440447880.931272', '9007199254740993', '12345678901234567890', '1e400', '-1e-400', '8589934591.999999'];
    const strings = ['"a"', '"3600.0"', '"x:1.0,y"', '"\\"3600.0\\""', '"\\\\"', '"\\u0031.0"', '"2001:db8:8e28::1"', '"Mozilla/5.0 (X11)"', '"a\\\\"', '""', '"é😀 1e3"', '"[1.0]"'];
    const value = (depth: number): string => {
      const r = rnd();
      if (r < 0.4) return pick(numbers);
      if (r < 0.65) return pick(strings);
      if (r < 0.75) return pick(['true', 'false', 'null']);
      const ws = () => pick(['', '', ' ', '\n\t']);
      const n = depth > 3 ? 0 : Math.floor(rnd() * 5);
      // object keys distinct: a later duplicate hides the earlier value from the reader's result
      const keys = [...new Set(Array.from({ length: n }, () => pick(strings)))];
      const items = r < 0.87 ? Array.from({ length: n }, () => value(depth + 1)) : keys.map((key) => `${key}${ws()}:${ws()}${value(depth + 1)}`);
      return r < 0.87 ? `[${ws()}${items.join(`${ws()},${ws()}`)}${ws()}]` : `{${ws()}${items.join(',')}${ws()}}`;
    };
    const markedDouble = (v: unknown): boolean =>
      v instanceof JavaDouble || (typeof v === 'object' && v !== null && Object.values(v).some(markedDouble));
    let holding = 0;
    for (let i = 0; i < 20_000; i++) {
      const text = value(0);
      const expected = markedDouble(parseJsonKeepingDoubles(text));
      expect(holdsIntegralDouble(text), text).toBe(expected);
      if (expected) {
        holding++;
        // the old pre-check, kept for choosing error messages, never misses one inside a container
        if (!/^-?\d/.test(text)) expect(mayHoldIntegralDouble(text), text).toBe(true);
      }
    }
    expect(holding).toBeGreaterThan(2000);
    expect(20_000 - holding).toBeGreaterThan(2000);
    // with a duplicate key the pass still sees the hidden 1.0: the reader then reads a record it
    // did not need to, with the same result
    expect(holdsIntegralDouble('{"a":1.0,"a":2}')).toBe(true);
    expect(markedDouble(parseJsonKeepingDoubles('{"a":1.0,"a":2}'))).toBe(false);
  });

  it('scanJsonNumbers notes where the members of one depth write their numbers', () => {
    const spans: number[] = [];
    const text = '{"conn": {"ts":1.5, "uid":"C:1", "n" : -42,"a":[1,2],"o":{"x":3},"t":true,"z":0}, "other": 7}';
    expect(scanJsonNumbers(text, 2, spans)).toBe(7);
    const written = (m: number) => (spans[2 * m]! < 0 ? undefined : text.slice(spans[2 * m], spans[2 * m + 1]));
    expect([0, 1, 2, 3, 4, 5, 6].map(written)).toEqual(['1.5', undefined, '-42', undefined, undefined, undefined, '0']);
    // members of the top-level object; a hit ends the pass
    expect(scanJsonNumbers(text, 1, spans)).toBe(2);
    expect(text.slice(spans[2], spans[3])).toBe('7');
    expect(scanJsonNumbers('{"a":1,"b":[2.0]}', 1, spans)).toBe(-1);
    expect(scanJsonNumbers('{"a":"1.0","b":2}', -1, spans)).toBe(0);
  });
});
