import { describe, expect, it } from 'vitest';
import { JAVA_DOT, JAVA_END, JAVA_SPACE, javaSplit, parseLenientDate, type DateStep } from './java-text.js';

const YMD_HMS: DateStep[] = [
  { field: 'year' },
  { literal: '-' },
  { field: 'month' },
  { literal: '-' },
  { field: 'day' },
  { literal: ' ' },
  { field: 'hour' },
  { literal: ':' },
  { field: 'minute' },
  { literal: ':' },
  { field: 'second' },
];

describe('javaSplit (String.split with limit 0)', () => {
  it('keeps a leading empty piece, drops trailing ones, returns an unmatched input whole', () => {
    expect(javaSplit(':a::b::', ':')).toEqual(['', 'a', '', 'b']);
    expect(javaSplit('abc', ':')).toEqual(['abc']);
    expect(javaSplit('', ':')).toEqual(['']);
    expect(javaSplit(':', ':')).toEqual([]);
    expect(javaSplit(' a \t b ', new RegExp(`${JAVA_SPACE}+`, 'g'))).toEqual(['', 'a', 'b']);
    // Java's \s is ASCII only: a no-break space is not a separator
    expect(javaSplit('a\u00a0b c', new RegExp(`${JAVA_SPACE}+`, 'g'))).toEqual(['a\u00a0b', 'c']);
  });

  it('skips a zero-width match at the start only', () => {
    expect(javaSplit('ab', /(?=b)/g)).toEqual(['a', 'b']);
    expect(javaSplit('ab', /(?=a)/g)).toEqual(['ab']);
  });
});

describe('Java regex classes', () => {
  it('`.` stops at U+0085 and `$` allows one final line terminator', () => {
    expect(new RegExp(`^${JAVA_DOT}+$`).test('a\u0085b')).toBe(false);
    expect(new RegExp(`x${JAVA_END}`).test('x\r\n')).toBe(true);
    expect(new RegExp(`x${JAVA_END}`).test('x\n\n')).toBe(false);
  });
});

describe('parseLenientDate (SimpleDateFormat.parse, lenient, UTC)', () => {
  it('reads fields, skips spaces before numbers, ignores trailing text', () => {
    expect(parseLenientDate('2014-07-17 15:58:30', YMD_HMS)).toBe(Date.UTC(2014, 6, 17, 15, 58, 30));
    expect(parseLenientDate('2014-07-17  15:58:30.123 UTC', YMD_HMS)).toBe(Date.UTC(2014, 6, 17, 15, 58, 30));
  });

  it('rolls over fields out of range and accepts signs, as a lenient Calendar', () => {
    expect(parseLenientDate('2014-13-01 00:00:00', YMD_HMS)).toBe(Date.UTC(2015, 0, 1));
    expect(parseLenientDate('2016-02-30 24:00:61', YMD_HMS)).toBe(Date.UTC(2016, 2, 2, 0, 1, 1));
    expect(parseLenientDate('2014-01--1 00:00:00', YMD_HMS)).toBe(Date.UTC(2013, 11, 30));
    // a four-digit pattern year is read as written: 0014 is the year 14, not 1914
    expect(parseLenientDate('0014-01-01 00:00:00', YMD_HMS)).toBe(new Date('0014-01-01T00:00:00Z').getTime());
  });

  it('wraps numbers as Java int conversion does and refuses what does not fit a date', () => {
    // 4294967297 is a long whose int value is 1
    expect(parseLenientDate('2014-01-4294967297 00:00:00', YMD_HMS)).toBe(Date.UTC(2014, 0, 1));
    expect(parseLenientDate('2147483647-01-01 00:00:00', YMD_HMS)).toBe('date "2147483647-01-01 00:00:00" is out of range');
    expect(parseLenientDate('2014/07/17 15:58:30', YMD_HMS)).toBe('expected "-" at 4 in "2014/07/17 15:58:30"');
    expect(parseLenientDate('2014-07-', YMD_HMS)).toBe('expected a number at 8 in "2014-07-"');
  });
});
