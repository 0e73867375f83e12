import { describe, expect, it } from 'vitest';
import { int, type StellarValue } from '../values.js';
import { functions } from './data-structure.js';
import { callFunction, typed } from './test-support/call-function.js';

const call = (name: string, ...args: StellarValue[]) => callFunction(functions, name, ...args);

describe('data structure functions', () => {
  it('bloom filters remember what was added', () => {
    const map = new Map<StellarValue, StellarValue>([['key1', 'value1'], ['key2', 'value2']]);
    const bloom = call('BLOOM_ADD', call('BLOOM_INIT'), 'casey', 1.0, int(1), map);
    expect(call('BLOOM_EXISTS', bloom, 1.0)).toBe(true);
    expect(call('BLOOM_EXISTS', bloom, 'casey')).toBe(true);
    expect(call('BLOOM_EXISTS', bloom, int(1))).toBe(true);
    expect(call('BLOOM_EXISTS', bloom, new Map<StellarValue, StellarValue>([['key2', 'value2'], ['key1', 'value1']]))).toBe(true);
    expect(call('BLOOM_EXISTS', bloom, 'nope')).toBe(false);
    expect(call('BLOOM_EXISTS', bloom, null)).toBe(false);
    expect(call('BLOOM_EXISTS')).toBe(false);
    expect(() => call('BLOOM_ADD', null, 'x')).toThrow();
  });

  it('BLOOM_MERGE unions filters of the same size', () => {
    const a = call('BLOOM_ADD', call('BLOOM_INIT', int(1000), 0.01), 'a');
    const b = call('BLOOM_ADD', call('BLOOM_INIT', int(1000), 0.01), 'b');
    const merged = call('BLOOM_MERGE', [a, b]);
    expect(call('BLOOM_EXISTS', merged, 'a')).toBe(true);
    expect(call('BLOOM_EXISTS', merged, 'b')).toBe(true);
    expect(call('BLOOM_EXISTS', a, 'b')).toBe(false);
    expect(call('BLOOM_MERGE', [])).toBeNull();
    expect(call('BLOOM_MERGE', 'x')).toBeNull();
  });

  it('LENGTH returns an int for strings, collections and maps', () => {
    expect(typed(call('LENGTH', [int(1), int(2), int(3), int(4), int(5)]))).toEqual({ type: 'int', value: 5 });
    expect(typed(call('LENGTH', ''))).toEqual({ type: 'int', value: 0 });
    expect(typed(call('LENGTH', []))).toEqual({ type: 'int', value: 0 });
    expect(typed(call('LENGTH', new Map<StellarValue, StellarValue>([['field1', 'val1'], ['field2', 'val2']])))).toEqual({ type: 'int', value: 2 });
    expect(typed(call('LENGTH', null))).toEqual({ type: 'int', value: 0 });
    expect(typed(call('LENGTH'))).toEqual({ type: 'int', value: 0 });
  });

  it('IS_EMPTY', () => {
    expect(call('IS_EMPTY')).toBe(true);
    expect(call('IS_EMPTY', null)).toBe(true);
    expect(call('IS_EMPTY', '')).toBe(true);
    expect(call('IS_EMPTY', [])).toBe(true);
    expect(call('IS_EMPTY', 'x')).toBe(false);
    expect(call('IS_EMPTY', ['x'])).toBe(false);
    expect(call('IS_EMPTY', new Set())).toBe(true);
  });

  it('LIST_ADD appends without changing its argument', () => {
    const list: StellarValue[] = ['foo'];
    const r = call('LIST_ADD', list, int(1)) as StellarValue[];
    expect(r.map((x) => typed(x))).toEqual([{ type: 'string', value: 'foo' }, { type: 'int', value: 1 }]);
    expect(list).toEqual(['foo']);
    expect(call('LIST_ADD')).toBeNull();
    expect(call('LIST_ADD', 'x', int(1))).toBe('x');
    expect(call('LIST_ADD', ['x'])).toEqual(['x']);
  });
});
