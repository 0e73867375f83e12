import { describe, expect, it } from 'vitest';
import { JInt, float, int, long, type StellarValue } from '../values.js';
import { functions } from './string.js';
import { callFunction, typed } from './test-support/call-function.js';

const call = (name: string, ...args: StellarValue[]) => callFunction(functions, name, ...args);

describe('string functions', () => {
  it('TO_UPPER / TO_LOWER / TO_STRING / TRIM render values as Java does', () => {
    expect(call('TO_UPPER', 'casey')).toBe('CASEY');
    expect(call('TO_LOWER', 'CaSey')).toBe('casey');
    expect(call('TO_UPPER', null)).toBeNull();
    expect(call('TO_STRING', 1.0)).toBe('1.0');
    expect(call('TO_STRING', int(5))).toBe('5');
    expect(call('TO_STRING', float(2.7))).toBe('2.7');
    expect(call('TO_STRING', [int(1), 'a'])).toBe('[1, a]');
    expect(call('TO_STRING', new Map<StellarValue, StellarValue>([['a', int(1)]]))).toBe('{a=1}');
    expect(call('TRIM', '  metron \t')).toBe('metron');
  });

  it('STARTS_WITH / ENDS_WITH are false for null and fail for non-strings', () => {
    expect(call('STARTS_WITH', 'casey', 'case')).toBe(true);
    expect(call('ENDS_WITH', 'casey', 'sey')).toBe(true);
    expect(call('STARTS_WITH', null, 'case')).toBe(false);
    expect(() => call('STARTS_WITH', int(1), 'case')).toThrow();
    expect(() => call('ENDS_WITH', 'x')).toThrow();
  });

  it('SPLIT, JOIN, GET, GET_FIRST, GET_LAST', () => {
    expect(call('SPLIT', 'www.google', '.')).toEqual(['www', 'google']);
    expect(call('SPLIT', null, '.')).toEqual([]);
    expect(call('JOIN', new Set<StellarValue>([int(1), int(2), 'buckle', 'my', 'shoe', int(3)]), ',')).toBe('1,2,buckle,my,shoe,3');
    expect(call('JOIN', ['a', null, 1.5], '-')).toBe('a-1.5');
    expect(call('GET', ['www', 'google'], int(0))).toBe('www');
    expect(call('GET', ['www', 'google'], int(1))).toBe('google');
    expect(call('GET', ['www'], int(3))).toBeNull();
    expect(call('GET_FIRST', ['www', 'google'])).toBe('www');
    expect(call('GET_LAST', ['www', 'google'])).toBe('google');
    expect(call('GET_FIRST', [])).toBeNull();
    expect(call('GET_LAST', [])).toBeNull();
  });

  it('FILL_LEFT / FILL_RIGHT pad to the length and reject bad arguments', () => {
    expect(call('FILL_RIGHT', '1234567890', 'X', int(3))).toBe('1234567890');
    expect(call('FILL_RIGHT', '123', 'X', int(6))).toBe('123XXX');
    expect(call('FILL_LEFT', '123', 'XY', int(5))).toBe('XX123');
    expect(call('FILL_LEFT', '123', 'X', '5')).toBe('XX123');
    expect(call('FILL_LEFT', null, 'X', int(5))).toBeNull();
    expect(() => call('FILL_RIGHT', '123', null, null)).toThrow();
    expect(() => call('FILL_RIGHT', '123', 'X', null)).toThrow();
    expect(() => call('FILL_RIGHT', '123', 'X', 'z')).toThrow();
    expect(() => call('FILL_RIGHT', '123', null)).toThrow();
    expect(() => call('FILL_RIGHT', '123', '', int(3))).toThrow();
  });

  it('STRING_ENTROPY is a double in bits', () => {
    expect(typed(call('STRING_ENTROPY', ''))).toEqual({ type: 'double', value: 0 });
    expect(typed(call('STRING_ENTROPY', 'aaaaaaaaaabbbbbccccc'))).toEqual({ type: 'double', value: 1.5 });
  });

  it('FORMAT follows java.util.Formatter', () => {
    expect(call('FORMAT', '%d > %d', int(234), int(3))).toBe('234 > 3');
    expect(call('FORMAT', '%s is %.2f%%', 'load', 12.345)).toBe('load is 12.35%');
    expect(call('FORMAT', '%.2f', 1.005)).toBe('1.01');
    expect(call('FORMAT', '%05d|%-4s|%x|%X', int(42), 'ab', int(255), long(-1))).toBe('00042|ab  |ff|FFFFFFFFFFFFFFFF');
    expect(call('FORMAT', '%,d %+d %e', long(1234567), int(5), 12345.678)).toBe('1,234,567 +5 1.234568e+04');
    expect(call('FORMAT', '%2$s %1$s %b %c', 'a', 'b')).toBe('b a true b');
    expect(call('FORMAT', '%b %s', null, null)).toBe('false null');
    expect(() => call('FORMAT')).toThrow();
    expect(() => call('FORMAT', 'missing arg: %d')).toThrow();
    expect(() => call('FORMAT', '%d', 1.5)).toThrow();
  });

  it('SUBSTRING', () => {
    expect(call('SUBSTRING', 'apache metron', int(7))).toBe('metron');
    expect(call('SUBSTRING', 'apache metron', int(7), int(9))).toBe('me');
    expect(call('SUBSTRING', null, null, int(9))).toBeNull();
    expect(call('SUBSTRING', null, null, null)).toBeNull();
    expect(call('SUBSTRING', '', int(3))).toBe('');
    expect(() => call('SUBSTRING')).toThrow();
    expect(() => call('SUBSTRING', 'apache metron', '7')).toThrow();
    expect(() => call('SUBSTRING', 'abc', int(5))).toThrow();
  });

  it('CHOMP and CHOP', () => {
    expect(call('CHOMP', 'abc\r\n')).toBe('abc');
    expect(call('CHOMP', '\n')).toBe('');
    expect(call('CHOMP', null)).toBeNull();
    expect(() => call('CHOMP')).toThrow();
    expect(call('CHOP', 'abc')).toBe('ab');
    expect(call('CHOP', null)).toBeNull();
    expect(call('CHOP', 'abc\r\n')).toBe('abc');
    expect(call('CHOP', '')).toBe('');
    expect(() => call('CHOP', int(123))).toThrow();
  });

  it('PREPEND_IF_MISSING and APPEND_IF_MISSING', () => {
    expect(call('PREPEND_IF_MISSING', 'abc', 'xyz')).toBe('xyzabc');
    expect(call('PREPEND_IF_MISSING', 'xyzabc', 'xyz')).toBe('xyzabc');
    expect(call('PREPEND_IF_MISSING', null, null, null)).toBeNull();
    expect(call('PREPEND_IF_MISSING', '', 'xyz', null)).toBe('xyz');
    expect(call('PREPEND_IF_MISSING', 'mnoabc', 'xyz', 'mno')).toBe('mnoabc');
    expect(() => call('PREPEND_IF_MISSING')).toThrow();
    expect(() => call('PREPEND_IF_MISSING', 'abc')).toThrow();
    expect(() => call('PREPEND_IF_MISSING', int(123), 'abc')).toThrow();
    expect(call('APPEND_IF_MISSING', 'apache', 'metron')).toBe('apachemetron');
    expect(call('APPEND_IF_MISSING', 'abcXYZ', 'xyz', 'mno')).toBe('abcXYZxyz');
    expect(call('APPEND_IF_MISSING', null, null, null)).toBeNull();
    expect(() => call('APPEND_IF_MISSING', 'abc', 'def', 'ghi', 'jkl')).toThrow();
  });

  it('COUNT_MATCHES returns an int', () => {
    expect(typed(call('COUNT_MATCHES', null, '*'))).toEqual({ type: 'int', value: 0 });
    expect(typed(call('COUNT_MATCHES', 'anand', 'an'))).toEqual({ type: 'int', value: 2 });
    expect(() => call('COUNT_MATCHES')).toThrow();
    expect(() => call('COUNT_MATCHES', int(123), int(456))).toThrow();
  });

  it('TO_JSON_OBJECT / TO_JSON_MAP / TO_JSON_LIST parse JSON with Jackson number types', () => {
    const m = call('TO_JSON_MAP', '{"a": 1, "b": 2.5, "c": [true, null, "x"], "d": 12345678901}') as Map<StellarValue, StellarValue>;
    expect(typed(m.get('a') ?? null)).toEqual({ type: 'int', value: 1 });
    expect(typed(m.get('b') ?? null)).toEqual({ type: 'double', value: 2.5 });
    expect(m.get('c')).toEqual([true, null, 'x']);
    expect(typed(m.get('d') ?? null)).toEqual({ type: 'long', value: 12345678901 });
    expect(call('TO_JSON_LIST', '[1, "a"]')).toEqual([new JInt(1), 'a']);
    expect(call('TO_JSON_OBJECT', '["a"]')).toEqual(['a']);
    expect(call('TO_JSON_OBJECT', null)).toBeNull();
    expect(call('TO_JSON_OBJECT', '')).toBe('');
    expect(() => call('TO_JSON_OBJECT')).toThrow();
    expect(() => call('TO_JSON_OBJECT', '123, 456')).toThrow();
    expect(() => call('TO_JSON_MAP', '123, 456')).toThrow();
    expect(() => call('TO_JSON_MAP', '{"foo" : 2')).toThrow();
    expect(() => call('TO_JSON_LIST')).toThrow();
    expect(() => call('TO_JSON_LIST', '123, 456')).toThrow();
    expect(() => call('TO_JSON_LIST', '{"foo" : 2')).toThrow();
  });
});
