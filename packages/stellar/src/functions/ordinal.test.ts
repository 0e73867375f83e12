import { describe, expect, it } from 'vitest';
import { int, long, type StellarValue } from '../values.js';
import { functions } from './ordinal.js';
import { functions as statsFunctions } from './stats.js';
import { callFunction, typed } from './test-support/call-function.js';

const call = (name: string, ...args: StellarValue[]) => callFunction(functions, name, ...args);

describe('ordinal functions', () => {
  it('MAX and MIN keep the winning value and its type', () => {
    expect(typed(call('MAX', [long(12), 56.0, 56.3]))).toEqual({ type: 'double', value: 56.3 });
    expect(typed(call('MIN', [long(12), 56.0, long(457)]))).toEqual({ type: 'long', value: 12 });
    expect(typed(call('MAX', [long(14), 15.3, long(15)]))).toEqual({ type: 'double', value: 15.3 });
    expect(typed(call('MAX', [int(10), long(15), 15.3]))).toEqual({ type: 'double', value: 15.3 });
    expect(call('MAX', ['abc', 'def'])).toBe('def');
    expect(call('MIN', ['abc', 'def'])).toBe('abc');
  });

  it('ignores nulls, returns null for empty or incomparable lists, and fails without a list', () => {
    expect(call('MAX', [null, null])).toBeNull();
    expect(call('MAX', [])).toBeNull();
    expect(call('MAX', ['23', int(25)])).toBeNull();
    expect(() => call('MAX', null)).toThrow();
    expect(() => call('MAX')).toThrow();
    expect(() => call('MAX', [[int(1)]])).toThrow();
  });

  it('reads the maximum and minimum of a statistics object', () => {
    const stats = callFunction(statsFunctions, 'STATS_ADD', null, 1.5, 9.5, 4.0);
    expect(typed(call('MAX', stats))).toEqual({ type: 'double', value: 9.5 });
    expect(typed(call('MIN', stats))).toEqual({ type: 'double', value: 1.5 });
  });
});
