import { describe, expect, it } from 'vitest';
import { JavaDouble, unwrapJavaValues } from './java-compat.js';
import { mayHoldIntegralDouble, parseJsonKeepingDoubles } from './json-java-reader.js';

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
});
