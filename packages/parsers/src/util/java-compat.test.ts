import { describe, expect, it } from 'vitest';
import { seededRandom } from '@metron/core';
import { readFileSync } from 'node:fs';
import {
  javaDecimalFormat6,
  javaDoubleToString,
  JavaDouble,
  javaHashMapOrder,
  javaStringHash,
  javaValueToString,
  jsonSimpleEscape,
  jsonSimpleToString,
  microsDecimal,
  safeIntegerToString,
  unwrapJavaValues,
} from './java-compat.js';

interface Vectors {
  hashMapOrder: { keys: string[]; order: string[] }[];
  doubles: { input: string; toString: string; decimalFormat: string }[];
}
const vectors = JSON.parse(readFileSync(new URL('./fixtures/java-vectors.json', import.meta.url), 'utf8')) as Vectors;

describe('Java compatibility (vectors generated with OpenJDK 17)', () => {
  it('String.hashCode', () => {
    expect(javaStringHash('')).toBe(0);
    expect(javaStringHash('Aa')).toBe(2112);
    expect(javaStringHash('BB')).toBe(2112);
    expect(javaStringHash('hello world')).toBe(1794106052);
  });

  it('HashMap iteration order, including resizes and collision-triggered resizes', () => {
    for (const { keys, order } of vectors.hashMapOrder) expect(javaHashMapOrder(keys)).toEqual(order);
    // again, now from the cache, also for key lists that share count, first and last key
    for (const { keys, order } of vectors.hashMapOrder) expect(javaHashMapOrder(keys)).toEqual(order);
    const sameEnds = (middle: string[]) => ['first', ...middle, 'last'];
    const expected = new Map<string, readonly string[]>();
    for (let i = 0; i < 40; i++) expected.set(String(i), [...javaHashMapOrder(sameEnds([`m${i}`, `n${i * 7}`]))]);
    for (let i = 39; i >= 0; i--) {
      const order = javaHashMapOrder(sameEnds([`m${i}`, `n${i * 7}`]));
      expect(order).toEqual(expected.get(String(i)));
      expect([...order].sort()).toEqual(sameEnds([`m${i}`, `n${i * 7}`]).sort());
    }
  });

  it('Double.toString and DecimalFormat("0.0#####")', () => {
    for (const d of vectors.doubles) {
      const x = Number(d.input);
      expect(javaDoubleToString(x), d.input).toBe(d.toString);
      expect(javaDecimalFormat6(x), d.input).toBe(d.decimalFormat);
    }
  });

  it('json-simple serialization', () => {
    expect(jsonSimpleEscape('text/html "q" \\ \t \u0001 \u2028 é')).toBe('text\\/html \\"q\\" \\\\ \\t \\u0001 \\u2028 é');
    expect(jsonSimpleToString(['a/b', 1, 2.5, new JavaDouble(3600), null, true, { k: 'v' }])).toBe('["a\\/b",1,2.5,3600.0,null,true,{"k":"v"}]');
  });

  it('top-level values as Bro original_string prints them', () => {
    expect(javaValueToString('a/b')).toBe('a/b');
    expect(javaValueToString(58808)).toBe('58808');
    expect(javaValueToString(1402307733.473)).toBe('1402307733.473');
    expect(javaValueToString(new JavaDouble(0))).toBe('0.0');
    expect(javaValueToString([])).toBe('[]');
    expect(javaValueToString(false)).toBe('false');
  });

  it('unwrapJavaValues copies only what holds a JavaDouble', () => {
    const plain = { a: [1, 2], b: { c: 'x' } };
    expect(unwrapJavaValues(plain)).toBe(plain);
    expect(unwrapJavaValues({ a: [new JavaDouble(1)], b: plain })).toEqual({ a: [1], b: plain });
  });

  it('prints up to 6 fraction digits without the shortest-digits search only where String() prints the same (seeded)', () => {
    const rnd = seededRandom(7);
    let fast = 0;
    for (let i = 0; i < 40_000; i++) {
      // epoch seconds and durations with 0 to 8 decimals, and arbitrary doubles
      const decimals = Math.floor(rnd() * 9);
      const magnitude = [1, 1e3, 1e6, 2e9, 8.5e9, 1e12][i % 6]!;
      const x = i % 5 === 4 ? rnd() * magnitude : Math.round(rnd() * magnitude * 10 ** decimals) / 10 ** decimals;
      const printed = microsDecimal(x);
      const string = String(x);
      if (printed !== undefined) {
        fast++;
        expect(printed, string).toBe(string);
      } else if (x < 2 ** 33 && !Number.isInteger(x)) {
        // not taken: String() has more than 6 fraction digits (or x·10^6 rounded to a neighbour)
        expect(/^\d+\.\d{1,6}$/.test(string) && Math.round(x * 1e6) / 1e6 === x, string).toBe(false);
      }
      expect(javaDecimalFormat6(x)).toBe(javaDecimalFormat6(-x).slice(1));
    }
    expect(fast).toBeGreaterThan(15_000);
    for (const x of [0.5, 1.000001, 0.000001, 1718452809.612345, 8589934591.999999, 123.1]) expect(microsDecimal(x)).toBe(String(x));
    for (const x of [0, 1, 0.0000001, 2 ** 33 + 0.5, 1.0000001, Number.NaN]) expect(microsDecimal(x)).toBeUndefined();
  });

  it('prints safe integers as String() does', () => {
    const rnd = seededRandom(11);
    for (let i = 0; i < 20_000; i++) {
      const x = Math.floor((rnd() - 0.5) * 2 * [10, 2 ** 31, 1e12, Number.MAX_SAFE_INTEGER][i % 4]!);
      expect(safeIntegerToString(x)).toBe(String(x));
    }
    for (const x of [0, -0, 999_999_999, 1_000_000_000, -1_000_000_000, 1_000_000_007, Number.MAX_SAFE_INTEGER, Number.MIN_SAFE_INTEGER, 2 ** 31, -(2 ** 31) - 1]) {
      expect(safeIntegerToString(x)).toBe(String(x));
    }
    expect(jsonSimpleToString([])).toBe('[]');
    expect(jsonSimpleToString([[], [1]])).toBe('[[],[1]]');
  });
});
