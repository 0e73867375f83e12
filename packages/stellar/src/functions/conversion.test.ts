import { describe, expect, it } from 'vitest';
import { float, int, long, type StellarValue } from '../values.js';
import { functions } from './conversion.js';
import { callFunction, typed } from './test-support/call-function.js';

const call = (name: string, ...args: StellarValue[]) => callFunction(functions, name, ...args);

describe('conversion functions', () => {
  it('TO_INTEGER truncates numbers and parses integer strings', () => {
    expect(typed(call('TO_INTEGER', 3.5))).toEqual({ type: 'int', value: 3 });
    expect(typed(call('TO_INTEGER', 10.5))).toEqual({ type: 'int', value: 10 });
    expect(typed(call('TO_INTEGER', long(5)))).toEqual({ type: 'int', value: 5 });
    expect(typed(call('TO_INTEGER', ' 42 '))).toEqual({ type: 'int', value: 42 });
    expect(call('TO_INTEGER', '3.5')).toBeNull();
    expect(call('TO_INTEGER', long(2n ** 40n))).toBeNull();
    expect(call('TO_INTEGER', null)).toBeNull();
  });

  it('TO_LONG', () => {
    expect(call('TO_LONG', 'not a number')).toBeNull();
    expect(typed(call('TO_LONG', '00232321'))).toEqual({ type: 'long', value: 232321 });
    expect(typed(call('TO_LONG', '9223372036854775807'))).toEqual({ type: 'long', value: '9223372036854775807' });
    expect(call('TO_LONG', '9223372036854775808')).toBeNull();
    expect(typed(call('TO_LONG', int(7)))).toEqual({ type: 'long', value: 7 });
  });

  it('TO_FLOAT rounds to float32 and TO_DOUBLE parses decimals', () => {
    expect(typed(call('TO_FLOAT', 12.2))).toEqual({ type: 'float', value: Math.fround(12.2) });
    expect(typed(call('TO_FLOAT', int(1)))).toEqual({ type: 'float', value: 1 });
    expect(typed(call('TO_DOUBLE', '8.5'))).toEqual({ type: 'double', value: 8.5 });
    expect(typed(call('TO_DOUBLE', '1e3'))).toEqual({ type: 'double', value: 1000 });
    expect(typed(call('TO_DOUBLE', float(1.5)))).toEqual({ type: 'double', value: 1.5 });
    expect(call('TO_DOUBLE', 'abc')).toBeNull();
    expect(call('TO_DOUBLE', [])).toBeNull();
  });
});
