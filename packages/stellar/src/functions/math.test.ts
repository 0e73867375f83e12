import { describe, expect, it } from 'vitest';
import { float, int, long, type StellarValue } from '../values.js';
import { functions } from './math.js';
import { callFunction, typed } from './test-support/call-function.js';

const call = (name: string, ...args: StellarValue[]) => callFunction(functions, name, ...args);

describe('math functions', () => {
  it.each([
    ['ABS', 10.5, 10.5],
    ['ABS', -10.5, 10.5],
    ['SQRT', 0.0, 0.0],
    ['SQRT', 25.0, 5.0],
    ['CEILING', 0.0, 0.0],
    ['CEILING', 10.5, 11.0],
    ['CEILING', -10.5, -10.0],
    ['FLOOR', 10.5, 10.0],
    ['FLOOR', -10.5, -11.0],
    ['SIN', 0.0, 0.0],
    ['SIN', 0.5235987755982988, 0.5],
    ['SIN', 0.7853981633974483, 0.7071067811865476],
    ['SIN', 1.0471975511965976, 0.8660254037844386],
    ['SIN', 1.5707963267948966, 1.0],
    ['COS', 0.0, 1.0],
    ['COS', 0.5235987755982988, 0.8660254037844386],
    ['COS', 0.7853981633974483, 0.7071067811865476],
    ['COS', 1.5707963267948966, 0.0],
    ['TAN', 0.0, 0.0],
    ['TAN', 0.5235987755982988, 0.5773502691896257],
    ['TAN', 1.0471975511965976, 1.7320508075688772],
    ['EXP', 0.0, 1.0],
    ['EXP', 0.5, 1.6487212707001282],
    ['EXP', -0.5, 0.6065306597126334],
    ['EXP', 2.0, 7.3890560989306495],
    ['LOG10', 1000.0, 3.0],
    ['LOG2', 8.0, 3.0],
    ['LN', Math.E, 1.0],
  ] as const)('%s(%d) is the double %d', (name, input, expected) => {
    const r = call(name, input);
    expect(typeof r).toBe('number');
    expect(r as number).toBeCloseTo(expected, 10);
  });

  it('works on every numeric type and returns a double', () => {
    expect(typed(call('ABS', int(-3)))).toEqual({ type: 'double', value: 3 });
    expect(typed(call('ABS', long(-3)))).toEqual({ type: 'double', value: 3 });
    expect(typed(call('ABS', float(-2.5)))).toEqual({ type: 'double', value: 2.5 });
  });

  it('ROUND returns a long, half up', () => {
    expect(typed(call('ROUND', 0.0))).toEqual({ type: 'long', value: 0 });
    expect(typed(call('ROUND', 0.5))).toEqual({ type: 'long', value: 1 });
    expect(typed(call('ROUND', -2.5))).toEqual({ type: 'long', value: -2 });
    expect(Number.isNaN(call('ROUND', NaN))).toBe(true);
  });

  it('gives NaN for a null or missing argument and fails for a non-number', () => {
    expect(Number.isNaN(call('SQRT', null))).toBe(true);
    expect(Number.isNaN(call('SQRT'))).toBe(true);
    expect(() => call('SQRT', 'x')).toThrow();
  });

  it('IS_NAN', () => {
    expect(call('IS_NAN', 1.0)).toBe(false);
    expect(call('IS_NAN', NaN)).toBe(true);
    expect(call('IS_NAN', int(1))).toBe(false);
    expect(() => call('IS_NAN', 'casey')).toThrow();
    expect(() => call('IS_NAN')).toThrow();
  });
});
