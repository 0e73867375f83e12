import { describe, expect, it } from 'vitest';
import { int, long, type StellarValue } from '../values.js';
import { functions } from './map.js';
import { callFunction, typed } from './test-support/call-function.js';

const call = (name: string, ...args: StellarValue[]) => callFunction(functions, name, ...args);
const map = (entries: [StellarValue, StellarValue][]) => new Map<StellarValue, StellarValue>(entries);

describe('map functions', () => {
  it('MAP_GET returns the value, the default, or null', () => {
    expect(call('MAP_GET', 'bar', map([['foo', int(1)], ['bar', 'bar']]))).toBe('bar');
    expect(call('MAP_GET', 'blah', map([['blah', true]]))).toBe(true);
    expect(call('MAP_GET', 'BLAH', map([['BLAH', null]]))).toBeNull();
    expect(call('MAP_GET', 'nyc', map([['la', 'PST']]), 'UTC')).toBe('UTC');
    expect(call('MAP_GET', 'nyc', map([['nyc', 'EST']]), 'UTC')).toBe('EST');
    expect(call('MAP_GET', null, map([]), 'd')).toBe('d');
    expect(call('MAP_GET', int(1), map([[int(1), 'one']]))).toBe('one');
    expect(call('MAP_GET', long(1), map([[int(1), 'one']]))).toBeNull();
    expect(() => call('MAP_GET', 'a', ['a'])).toThrow();
  });

  it('MAP_EXISTS is false for missing arguments', () => {
    expect(call('MAP_EXISTS')).toBe(false);
    expect(call('MAP_EXISTS', 'a', map([['a', int(1)]]))).toBe(true);
    expect(call('MAP_EXISTS', 'b', map([['a', int(1)]]))).toBe(false);
    expect(call('MAP_EXISTS', 'a', 'not a map')).toBe(false);
  });

  it('MAP_PUT creates a map for null and rejects non-maps', () => {
    const r = call('MAP_PUT', 'foo', 'bar', null) as Map<StellarValue, StellarValue>;
    expect(r.size).toBe(1);
    expect(r.get('foo')).toBe('bar');
    const original = map([['a', int(1)]]);
    const updated = call('MAP_PUT', 'a', int(2), original) as Map<StellarValue, StellarValue>;
    expect(typed(updated.get('a') ?? null)).toEqual({ type: 'int', value: 2 });
    expect(typed(original.get('a') ?? null)).toEqual({ type: 'int', value: 1 });
    expect(() => call('MAP_PUT', 'foo', 'bar', ['baz'])).toThrow();
  });

  it('MAP_MERGE lets later maps win', () => {
    expect((call('MAP_MERGE', [map([]), null]) as Map<StellarValue, StellarValue>).size).toBe(0);
    const r = call('MAP_MERGE', [
      map([['a', '1'], ['b', int(2)], ['c', '3']]),
      map([['c', '3b'], ['d', '4']]),
      map([['d', '4b'], ['e', int(5)], ['f', '6']]),
    ]) as Map<StellarValue, StellarValue>;
    expect(r.size).toBe(6);
    expect([...r.keys()]).toEqual(['a', 'b', 'c', 'd', 'e', 'f']);
    expect(r.get('c')).toBe('3b');
    expect(r.get('d')).toBe('4b');
    expect(typed(r.get('e') ?? null)).toEqual({ type: 'int', value: 5 });
    expect(call('MAP_MERGE')).toBeNull();
  });
});
