import { describe, expect, it } from 'vitest';
import { ArithmeticError, arithmetic, compareNumbers, remainder } from './numeric.js';
import { JFloat, JInt, JLong, float, int, long } from './values.js';

describe('numeric (Java promotion)', () => {
  it('promotes int < long < float < double', () => {
    expect(arithmetic('+', int(1), int(2))).toEqual(int(3));
    expect(arithmetic('+', long(1), int(2))).toEqual(long(3));
    expect(arithmetic('+', float(1.2), int(7))).toBeInstanceOf(JFloat);
    expect(arithmetic('+', float(1.2), 3.7)).toBe(Math.fround(1.2) + 3.7);
  });

  it('wraps int and long overflow', () => {
    expect(arithmetic('+', int(2147483647), int(1))).toEqual(int(-2147483648));
    expect(arithmetic('*', int(65536), int(65536))).toEqual(int(0));
    expect((arithmetic('+', long(9223372036854775807n), long(1)) as JLong).value).toBe(-9223372036854775808n);
    expect(arithmetic('/', int(-2147483648), int(-1))).toEqual(int(-2147483648));
  });

  it('divides integers toward zero and fails on zero; floating division gives NaN/Infinity', () => {
    expect(arithmetic('/', int(7), int(-2))).toEqual(int(-3));
    expect(arithmetic('/', long(-7), long(2))).toEqual(long(-3));
    expect(() => arithmetic('/', int(1), int(0))).toThrow(ArithmeticError);
    expect(() => arithmetic('/', long(0), long(0))).toThrow(ArithmeticError);
    expect((arithmetic('/', float(0), float(0)) as JFloat).value).toBeNaN();
    expect(arithmetic('/', 1, int(0))).toBe(Infinity);
  });

  it('rounds float results to float32', () => {
    expect((arithmetic('-', float(0), float(0.1)) as JFloat).value).toBe(-0.10000000149011612);
  });

  it('remainder follows Java %', () => {
    expect(remainder(int(-7), int(2))).toEqual(int(-1));
    expect(remainder(-7.5, int(2))).toBe(-1.5);
    expect(() => remainder(long(1), int(0))).toThrow(ArithmeticError);
  });

  it('compares after promotion; NaN compares to nothing', () => {
    expect(compareNumbers(int(1), float(1.00000001))).toBe(0);
    expect(compareNumbers(int(1), 1.00000001)).toBeLessThan(0);
    expect(compareNumbers(long(9007199254740993n), long(9007199254740992n))).toBeGreaterThan(0);
    expect(compareNumbers(Number.NaN, int(5))).toBeNaN();
    expect(new JInt(3).value).toBe(3);
  });
});
