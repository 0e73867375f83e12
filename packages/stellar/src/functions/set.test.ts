import { describe, expect, it } from 'vitest';
import { int, type StellarValue } from '../values.js';
import { functions } from './set.js';
import { callFunction, typed } from './test-support/call-function.js';

const call = (name: string, ...args: StellarValue[]) => callFunction(functions, name, ...args);
const ints = (...xs: number[]) => xs.map(int);
const setOf = (v: StellarValue) => [...(v as Set<StellarValue>)].map((x) => typed(x).value);
const counts = (v: StellarValue) => [...(v as Map<StellarValue, StellarValue>)].map(([k, n]) => [typed(k).value, typed(n)]);

describe('set functions', () => {
  it('SET_INIT de-duplicates Java-equal values', () => {
    expect(setOf(call('SET_INIT', ints(1, 2, 3, 2)))).toEqual([1, 2, 3]);
    expect(setOf(call('SET_INIT', ['one', 'two', 'three']))).toEqual(['one', 'two', 'three']);
    expect(setOf(call('SET_INIT'))).toEqual([]);
    expect(() => call('SET_INIT', new Map<StellarValue, StellarValue>([['foo', int(2)]]))).toThrow();
  });

  it('SET_ADD, SET_REMOVE, SET_MERGE', () => {
    expect(setOf(call('SET_ADD', null, int(1)))).toEqual([1]);
    expect(setOf(call('SET_ADD', call('SET_INIT', ints(1, 2, 3)), int(4)))).toEqual([1, 2, 3, 4]);
    expect(setOf(call('SET_ADD', call('SET_INIT', ['one', 'two', 'three']), 'four'))).toEqual(['one', 'two', 'three', 'four']);
    expect(setOf(call('SET_REMOVE', call('SET_INIT', ints(1)), int(1)))).toEqual([]);
    expect(setOf(call('SET_REMOVE', call('SET_INIT', ['one', 'two', 'three']), 'three'))).toEqual(['one', 'two']);
    expect(setOf(call('SET_MERGE', [call('SET_INIT', ints(1, 2)), call('SET_INIT', ints(3)), null, call('SET_INIT')]))).toEqual([1, 2, 3]);
    expect(setOf(call('SET_MERGE', [call('SET_INIT', ['one', 'two']), call('SET_INIT', ['three'])]))).toEqual(['one', 'two', 'three']);
  });

  it('SET_ADD does not change its argument', () => {
    const s = call('SET_INIT', ints(1));
    call('SET_ADD', s, int(2));
    expect(setOf(s)).toEqual([1]);
  });

  it('MULTISET_INIT and MULTISET_ADD count with int counts', () => {
    expect(counts(call('MULTISET_INIT', ints(1, 2, 3, 2)))).toEqual([
      [1, { type: 'int', value: 1 }],
      [2, { type: 'int', value: 2 }],
      [3, { type: 'int', value: 1 }],
    ]);
    expect(counts(call('MULTISET_ADD', call('MULTISET_INIT', ints(1, 2, 3, 4, 4)), int(4)))).toEqual([
      [1, { type: 'int', value: 1 }],
      [2, { type: 'int', value: 1 }],
      [3, { type: 'int', value: 1 }],
      [4, { type: 'int', value: 3 }],
    ]);
    expect(counts(call('MULTISET_ADD', call('MULTISET_INIT', ['one', 'two', 'three', 'four', 'four']), 'four')).at(-1)).toEqual(['four', { type: 'int', value: 3 }]);
  });

  it('MULTISET_REMOVE, MULTISET_MERGE, MULTISET_TO_SET', () => {
    expect(counts(call('MULTISET_REMOVE', call('MULTISET_INIT', ints(1)), int(1)))).toEqual([]);
    expect(counts(call('MULTISET_REMOVE', null, int(1)))).toEqual([]);
    expect(counts(call('MULTISET_REMOVE', call('MULTISET_INIT', ints(1, 2, 3, 2)), int(2)))).toEqual([
      [1, { type: 'int', value: 1 }],
      [2, { type: 'int', value: 1 }],
      [3, { type: 'int', value: 1 }],
    ]);
    expect(counts(call('MULTISET_MERGE', [call('MULTISET_INIT', ints(1, 2)), call('MULTISET_INIT', ints(2, 3)), null, call('MULTISET_INIT')]))).toEqual([
      [1, { type: 'int', value: 1 }],
      [2, { type: 'int', value: 2 }],
      [3, { type: 'int', value: 1 }],
    ]);
    expect(() => call('MULTISET_MERGE', new Map<StellarValue, StellarValue>([['bar', 'foo']]))).toThrow();
    expect(setOf(call('MULTISET_TO_SET', call('MULTISET_ADD', call('MULTISET_INIT'), int(1))))).toEqual([1]);
    expect(setOf(call('MULTISET_TO_SET', call('MULTISET_ADD', null, int(1))))).toEqual([1]);
  });
});
