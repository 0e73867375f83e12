import { describe, expect, it } from 'vitest';
import { compileJavaDatePattern, DatePatternError } from './java-date-format.js';
import { splitOpenCsvLine } from './opencsv.js';
import { resolveTimeZone, UTC } from './time-zone.js';

describe('resolveTimeZone', () => {
  it('reads fixed offsets and region ids, refuses unknown names', () => {
    expect(resolveTimeZone('UTC')!.offsetAt(0)).toBe(0);
    expect(resolveTimeZone('UTC-05:00')!.offsetAt(0)).toBe(-5 * 3600_000);
    expect(resolveTimeZone('+0530')!.offsetAt(0)).toBe(5.5 * 3600_000);
    expect(resolveTimeZone('America/Chicago')!.offsetAt(Date.UTC(2016, 0, 27))).toBe(-6 * 3600_000);
    expect(resolveTimeZone('Mars/Olympus')).toBeUndefined();
    expect(resolveTimeZone('+25:00')).toBeUndefined();
  });

  it('maps wall time to instants as ZonedDateTime.ofLocal (overlap: earlier offset; gap: later)', () => {
    const ny = resolveTimeZone('America/New_York')!;
    // 2024-11-03 01:30 happens twice; Java takes the first (EDT, -4)
    expect(ny.wallToEpoch(Date.UTC(2024, 10, 3, 1, 30))).toBe(Date.UTC(2024, 10, 3, 5, 30));
    // 2024-03-10 02:30 does not exist; Java moves it to 03:30 EDT
    expect(ny.wallToEpoch(Date.UTC(2024, 2, 10, 2, 30))).toBe(Date.UTC(2024, 2, 10, 7, 30));
    expect(ny.wallToEpoch(Date.UTC(2024, 6, 1, 12))).toBe(Date.UTC(2024, 6, 1, 16));
  });
});

describe('compileJavaDatePattern', () => {
  it('reads Snort\'s default pattern, SSSSSS as a fraction', () => {
    expect(compileJavaDatePattern('MM/dd/yy-HH:mm:ss.SSSSSS').parse('02/22/16-15:56:48.612494', UTC)).toBe(Date.UTC(2016, 1, 22, 15, 56, 48, 612));
  });

  it('reads names, 12-hour clocks, quoted literals, pads and offsets', () => {
    expect(compileJavaDatePattern("EEE, dd MMM yyyy hh:mm:ss a").parse('Wed, 27 Jan 2016 04:01:04 PM', UTC)).toBe(Date.UTC(2016, 0, 27, 16, 1, 4));
    expect(compileJavaDatePattern("yyyy-MM-dd'T'HH:mm:ssXXX").parse('2016-01-27T16:01:04-06:00', UTC)).toBe(Date.UTC(2016, 0, 27, 22, 1, 4));
    expect(compileJavaDatePattern('MMM ppd yyyy HH:mm:ss').parse('Jan  7 2016 16:01:04', UTC)).toBe(Date.UTC(2016, 0, 7, 16, 1, 4));
  });

  it('resolves SMART: a day past the month end is the last day; other fields must be in range', () => {
    const p = compileJavaDatePattern('yyyy-MM-dd HH:mm:ss');
    expect(p.parse('2015-02-30 00:00:00', UTC)).toBe(Date.UTC(2015, 1, 28));
    expect(p.parse('2015-02-32 00:00:00', UTC)).toBe('day 32 out of range');
    expect(p.parse('2015-02-10 00:60:00', UTC)).toBe('minute 60 out of range');
    expect(p.parse('2015-02-10 00:00:00 extra', UTC)).toBe('unexpected text at position 19');
  });

  it('refuses patterns it cannot read', () => {
    expect(() => compileJavaDatePattern('HH:mm')).toThrow(DatePatternError);
    expect(() => compileJavaDatePattern("yyyy-MM-dd 'T")).toThrow(/unterminated quote/);
    expect(() => compileJavaDatePattern('yyyy-MM-dd [HH]')).toThrow(/unsupported/);
  });
});

describe('splitOpenCsvLine', () => {
  it('splits as opencsv', () => {
    expect(splitOpenCsvLine('a,"b,c",,"d""e"', ',')).toEqual({ ok: true, tokens: ['a', 'b,c', '', 'd"e'] });
    expect(splitOpenCsvLine('a,"b\\"c",d', ',')).toEqual({ ok: true, tokens: ['a', 'b"c', 'd'] });
    expect(splitOpenCsvLine('a,"b', ',')).toMatchObject({ ok: false });
    expect(splitOpenCsvLine('a|b', '|')).toEqual({ ok: true, tokens: ['a', 'b'] });
  });
});
