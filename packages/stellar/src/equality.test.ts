import { describe, expect, it } from 'vitest';
import { javaEquals, mapHas, stellarEquals } from './equality.js';
import { float, int, long } from './values.js';

describe('equality', () => {
  it('== promotes numbers, compares other values with Java equals', () => {
    expect(stellarEquals(int(1), 1.0)).toBe(true);
    expect(stellarEquals(int(1), float(1.00000001))).toBe(true);
    expect(stellarEquals(int(1), 1.00000001)).toBe(false);
    expect(stellarEquals(int(1), '1')).toBe(false);
    expect(stellarEquals(null, null)).toBe(true);
    expect(stellarEquals(null, false)).toBe(false);
    expect(stellarEquals(Number.NaN, Number.NaN)).toBe(false);
    expect(stellarEquals(['a', int(1)], ['a', int(1)])).toBe(true);
  });

  it('Java equals keeps boxed types apart', () => {
    expect(javaEquals(int(1), long(1))).toBe(false);
    expect(javaEquals(long(1), long(1))).toBe(true);
    expect(javaEquals([int(1)], [long(1)])).toBe(false);
    expect(javaEquals(new Map([['a', int(1)]]), new Map([['a', int(1)]]))).toBe(true);
  });

  it('map keys match by Java equality', () => {
    const m = new Map([[int(5), 'x']]);
    expect(mapHas(m, int(5))).toBe(true);
    expect(mapHas(m, long(5))).toBe(false);
  });
});
