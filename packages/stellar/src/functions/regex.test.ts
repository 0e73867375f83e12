import { describe, expect, it } from 'vitest';
import { int, type StellarValue } from '../values.js';
import { functions, toJsRegExp } from './regex.js';
import { callFunction } from './test-support/call-function.js';

const call = (name: string, ...args: StellarValue[]) => callFunction(functions, name, ...args);
const numberPattern = '\\d(\\d)(\\d).*';
const letterPattern = '[a-zA-Z]+';

describe('regex functions', () => {
  it('REGEXP_MATCH matches the whole string, OR-ing a list of patterns', () => {
    expect(call('REGEXP_MATCH', '12345', numberPattern)).toBe(true);
    expect(call('REGEXP_MATCH', 'abcde', numberPattern)).toBe(false);
    expect(call('REGEXP_MATCH', 'abcde', [numberPattern, letterPattern])).toBe(true);
    expect(call('REGEXP_MATCH', 'abcde', [numberPattern])).toBe(false);
    expect(call('REGEXP_MATCH', 'abcde', [numberPattern, numberPattern])).toBe(false);
    expect(call('REGEXP_MATCH', null, [numberPattern])).toBe(false);
    expect(call('REGEXP_MATCH', 'abc1', '[a-z]+')).toBe(false);
    expect(() => call('REGEXP_MATCH', 'x')).toThrow();
  });

  it('REGEXP_GROUP_VAL', () => {
    expect(call('REGEXP_GROUP_VAL', '12345', numberPattern, int(1))).toBe('2');
    expect(call('REGEXP_GROUP_VAL', '12345', numberPattern, int(2))).toBe('3');
    expect(call('REGEXP_GROUP_VAL', '12345', numberPattern, int(0))).toBe('12345');
    expect(call('REGEXP_GROUP_VAL', '', numberPattern, int(2))).toBeNull();
    expect(call('REGEXP_GROUP_VAL', '12345', '\\d\\d\\d.*', int(1))).toBeNull();
    expect(call('REGEXP_GROUP_VAL', '12345', numberPattern, int(3))).toBeNull();
    expect(call('REGEXP_GROUP_VAL', 'abcde', numberPattern, int(1))).toBeNull();
  });

  it('REGEXP_REPLACE uses Java replacement syntax and ignores empty patterns or values', () => {
    expect(call('REGEXP_REPLACE', '12345', '', 'abcde')).toBe('12345');
    expect(call('REGEXP_REPLACE', '12345', numberPattern, '')).toBe('12345');
    expect(call('REGEXP_REPLACE', '12345', numberPattern, 'abcde')).toBe('abcde');
    expect(call('REGEXP_REPLACE', 'abcde', numberPattern, '12345')).toBe('abcde');
    expect(call('REGEXP_REPLACE', 'a1b22c', '(\\d+)', '<$1>')).toBe('a<1>b<22>c');
    expect(call('REGEXP_REPLACE', 'a1b', '\\d', '\\$')).toBe('a$b');
    expect(call('REGEXP_REPLACE', 'john smith', '(?<first>\\w+) (?<last>\\w+)', '${last}, ${first}')).toBe('smith, john');
    expect(call('REGEXP_REPLACE', null, 'a', 'b')).toBeNull();
    expect(() => call('REGEXP_REPLACE', 'a', 'a', '$')).toThrow();
  });

  it('translates Java-only syntax', () => {
    expect(toJsRegExp('(?i)abc')).toEqual({ source: 'abc', flags: 'i' });
    expect(toJsRegExp('\\Qa.b\\E')).toEqual({ source: 'a\\.b', flags: '' });
    expect(toJsRegExp('a++b*+')).toEqual({ source: 'a+b*', flags: '' });
    expect(toJsRegExp('(?>ab)')).toEqual({ source: '(?:ab)', flags: '' });
    expect(call('REGEXP_MATCH', 'ABC', '(?i)abc')).toBe(true);
    expect(call('REGEXP_MATCH', 'abc9', '\\p{Alpha}+\\p{Digit}')).toBe(true);
    expect(call('REGEXP_MATCH', 'a+b', '\\Qa+b\\E')).toBe(true);
    expect(() => call('REGEXP_MATCH', 'a', '(')).toThrow();
  });
});
