import { describe, expect, it } from 'vitest';
import { int, type StellarValue } from '../values.js';
import { functions } from './bin.js';
import { callFunction, typed } from './test-support/call-function.js';

const call = (name: string, ...args: StellarValue[]) => callFunction(functions, name, ...args);
const bounds = [int(10), int(20), int(30)];

describe('BIN', () => {
  it.each([
    [0, 0], [9, 0], [10, 0], [11, 1], [19, 1], [29, 2], [30, 2], [31, 3],
  ])('BIN(%d, [10, 20, 30]) is the int %d', (value, bin) => {
    expect(typed(call('BIN', int(value), bounds))).toEqual({ type: 'int', value: bin });
  });

  it('returns -1 without a value or bounds and fails on decreasing bounds', () => {
    expect(typed(call('BIN', null, bounds))).toEqual({ type: 'int', value: -1 });
    expect(typed(call('BIN', int(1)))).toEqual({ type: 'int', value: -1 });
    expect(typed(call('BIN', int(1), []))).toEqual({ type: 'int', value: -1 });
    expect(() => call('BIN', int(35), [int(30), int(20)])).toThrow();
  });
});
