import { describe, expect, it } from 'vitest';
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
});
