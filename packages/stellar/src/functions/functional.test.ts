import { describe, expect, it } from 'vitest';
import { JInt, int, toDouble, type JavaNumber, type StellarLambda, type StellarValue } from '../values.js';
import { functions } from './functional.js';
import { callFunction, typed } from './test-support/call-function.js';

const call = (name: string, ...args: StellarValue[]) => callFunction(functions, name, ...args);
const lambda = (params: string[], body: (args: StellarValue[]) => StellarValue): StellarLambda => ({ kind: 'lambda', params, call: body });
const ints = (...xs: number[]) => xs.map(int);
/** Stand-in for Stellar's int arithmetic in the REDUCE tests. */
const add = lambda(['x', 'y'], ([x, y]) => int(toDouble(x as JavaNumber) + toDouble(y as JavaNumber)));

describe('functional functions', () => {
  it('MAP applies the lambda to each item', () => {
    expect(call('MAP', ['foo', 'bar'], lambda(['x'], ([x]) => (x as string).toUpperCase()))).toEqual(['FOO', 'BAR']);
    expect(call('MAP', ['foo', 'bar'], lambda(['item'], ([x]) => x === 'foo'))).toEqual([true, false]);
    expect(call('MAP', null, lambda(['x'], () => 1))).toBeNull();
    expect(() => call('MAP', ['a'], 'not a lambda')).toThrow();
  });

  it('FILTER keeps items where the lambda is true', () => {
    expect(call('FILTER', ['foo', 'bar'], lambda(['item'], ([x]) => x === 'foo'))).toEqual(['foo']);
    expect(call('FILTER', ['foo', null], lambda(['item'], ([x]) => x === null))).toEqual([null]);
    expect(call('FILTER', ['foo', null], lambda(['item'], ([x]) => x !== null))).toEqual(['foo']);
    expect(call('FILTER', ['foo', 'bar'], lambda([], () => false))).toEqual([]);
    expect(call('FILTER', ['foo', 'bar'], lambda([], () => true))).toEqual(['foo', 'bar']);
    expect(call('FILTER', ['foo'], lambda([], () => 'true'))).toEqual([]);
  });

  it('REDUCE folds from the initial value', () => {
    expect(typed(call('REDUCE', ints(1, 2, 3), add, int(0)))).toEqual({ type: 'int', value: 6 });
    expect(typed(call('REDUCE', ints(1, 2, 3, 4), add, int(0)))).toEqual({ type: 'int', value: 10 });
    expect(typed(call('REDUCE', ints(1), add, int(0)))).toEqual({ type: 'int', value: 1 });
    expect(call('REDUCE', ints(1), add)).toBeNull();
    expect(call('REDUCE', null, add, int(0))).toBeNull();
    expect(call('REDUCE', ints(1), add, null)).toBeNull();
  });

  it('ZIP and ZIP_LONGEST', () => {
    expect(call('ZIP_LONGEST')).toEqual([]);
    expect(call('ZIP_LONGEST', null, null)).toEqual([]);
    expect(call('ZIP_LONGEST', [], null)).toEqual([]);
    expect(call('ZIP_LONGEST', null, [])).toEqual([]);
    const longest = call('ZIP_LONGEST', ints(1, 2, 3), ints(4, 5, 6, 7)) as StellarValue[][];
    expect(longest).toHaveLength(4);
    expect(longest[3]).toEqual([null, new JInt(7)]);
    expect(call('ZIP', [], null)).toEqual([]);
    const zipped = call('ZIP', ints(1, 2, 3), ints(4, 5, 6)) as StellarValue[][];
    expect(zipped).toEqual([ints(1, 4), ints(2, 5), ints(3, 6)]);
    expect(call('ZIP', ints(1, 2), ints(3, 4, 5))).toEqual([ints(1, 3), ints(2, 4)]);
    // REDUCE(ZIP_LONGEST([1,2,3],[4,5,6,7]), (s, x) -> s + first*last, 0) == 32 with nulls as 0
    const dot = lambda(['s', 'x'], ([s, x]) => {
      const [a, b] = (x as StellarValue[]).map((v) => (v === null ? 0 : toDouble(v as JavaNumber)));
      return int(toDouble(s as JavaNumber) + (a ?? 0) * (b ?? 0));
    });
    expect(typed(call('REDUCE', longest, dot, int(0)))).toEqual({ type: 'int', value: 32 });
  });
});
