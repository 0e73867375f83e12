import { describe, expect, it } from 'vitest';
import { int, long, type StellarValue } from '../values.js';
import { functions } from './date.js';
import { callFunction, stubContext, typed } from './test-support/call-function.js';

const call = (name: string, ...args: StellarValue[]) => callFunction(functions, name, ...args);
/** 2016-08-25T13:27:10.748Z, a Thursday. */
const T = long(1472131630748);

describe('calendar functions', () => {
  it('extract calendar fields in UTC as ints', () => {
    expect(typed(call('DAY_OF_YEAR', T))).toEqual({ type: 'int', value: 238 });
    expect(typed(call('DAY_OF_WEEK', T))).toEqual({ type: 'int', value: 5 });
    expect(typed(call('DAY_OF_MONTH', T))).toEqual({ type: 'int', value: 25 });
    expect(typed(call('WEEK_OF_MONTH', T))).toEqual({ type: 'int', value: 4 });
    expect(typed(call('WEEK_OF_YEAR', T))).toEqual({ type: 'int', value: 35 });
    expect(typed(call('MONTH', T))).toEqual({ type: 'int', value: 7 });
    expect(typed(call('YEAR', T))).toEqual({ type: 'int', value: 2016 });
  });

  it('uses US week rules at year boundaries', () => {
    expect(call('WEEK_OF_YEAR', long(1483142400000))).toEqual(int(53)); // Sat 2016-12-31
    expect(call('WEEK_OF_YEAR', long(1577750400000))).toEqual(int(1)); // Tue 2019-12-31
    expect(call('WEEK_OF_YEAR', long(1483228800000))).toEqual(int(1)); // Sun 2017-01-01
  });

  it('treats 10-digit values as seconds, defaults to now and gives null for unconvertible input', () => {
    expect(call('DAY_OF_YEAR', long(1472131630))).toEqual(int(238));
    expect(call('DAY_OF_YEAR', '1472131630748')).toEqual(int(238));
    const dayOfYear = functions.find((f) => f.name === 'DAY_OF_YEAR')!;
    expect(dayOfYear.call([], stubContext({}, 1472131630748))).toEqual(int(238));
    expect(call('DAY_OF_YEAR', null)).toBeNull();
    expect(call('MONTH', 'not a time')).toBeNull();
  });

  it('NOW is the context time as a long', () => {
    const now = functions.find((f) => f.name === 'NOW')!;
    expect(typed(now.call([], stubContext({}, 1234)))).toEqual({ type: 'long', value: 1234 });
  });
});

describe('TO_EPOCH_TIMESTAMP', () => {
  it('parses SimpleDateFormat patterns in a time zone', () => {
    expect(typed(call('TO_EPOCH_TIMESTAMP', '2016-01-05 17:02:30', 'yyyy-MM-dd HH:mm:ss', 'UTC'))).toEqual({ type: 'long', value: 1452013350000 });
    expect(call('TO_EPOCH_TIMESTAMP', '2016-01-05 17:02:30', 'yyyy-MM-dd HH:mm:ss')).toEqual(long(1452013350000));
    expect(call('TO_EPOCH_TIMESTAMP', '2016-01-05 17:02:30', 'yyyy-MM-dd HH:mm:ss', 'America/Los_Angeles')).toEqual(long(1452042150000));
    expect(call('TO_EPOCH_TIMESTAMP', '2016-01-05 17:02:30', 'yyyy-MM-dd HH:mm:ss', 'PST')).toEqual(long(1452042150000));
    expect(call('TO_EPOCH_TIMESTAMP', '2016-07-05 17:02:30', 'yyyy-MM-dd HH:mm:ss', 'America/New_York')).toEqual(long(1467752550000));
    expect(call('TO_EPOCH_TIMESTAMP', '2016-07-05 17:02:30', 'yyyy-MM-dd HH:mm:ss', 'EST')).toEqual(long(1467756150000));
    expect(call('TO_EPOCH_TIMESTAMP', '2016-01-05T17:02:30.123-0500', "yyyy-MM-dd'T'HH:mm:ss.SSSZ")).toEqual(long(1452031350123));
    expect(call('TO_EPOCH_TIMESTAMP', 'Jan 05 2016 05:02:30 PM', 'MMM dd yyyy hh:mm:ss a', 'UTC')).toEqual(long(1452013350000));
    expect(call('TO_EPOCH_TIMESTAMP', '20160105', 'yyyyMMdd')).toEqual(long(1451952000000));
  });

  it('rolls over out-of-range fields leniently and gives null on mismatch', () => {
    expect(call('TO_EPOCH_TIMESTAMP', '2016-13-01', 'yyyy-MM-dd')).toEqual(long(1483228800000));
    expect(call('TO_EPOCH_TIMESTAMP', 'garbage', 'yyyy-MM-dd')).toBeNull();
    expect(call('TO_EPOCH_TIMESTAMP', null, 'yyyy-MM-dd')).toBeNull();
  });
});

describe('DATE_FORMAT', () => {
  it('formats with SimpleDateFormat patterns and time zones', () => {
    expect(call('DATE_FORMAT', 'yyyy-MM-dd HH:mm:ss.SSS', T)).toBe('2016-08-25 13:27:10.748');
    expect(call('DATE_FORMAT', 'EEEE, MMMM d, yy h:mm a', T, 'UTC')).toBe('Thursday, August 25, 16 1:27 PM');
    expect(call('DATE_FORMAT', 'yyyy-MM-dd HH:mm:ss z Z XXX', T, 'EST')).toBe('2016-08-25 08:27:10 EST -0500 -05:00');
    expect(call('DATE_FORMAT', 'HH:mm zzzz', T, 'America/New_York')).toBe('09:27 Eastern Daylight Time');
    expect(call('DATE_FORMAT', "yyyyMMdd'T'HH 'o''clock'", T, 'UTC')).toBe("20160825T13 o'clock");
    expect(call('DATE_FORMAT', 'D w W E u', T)).toBe('238 35 4 Thu 4');
    expect(call('DATE_FORMAT', 'HH', 'Asia/Tokyo')).toMatch(/^\d\d$/);
  });

  it('fails on an illegal pattern', () => {
    expect(() => call('DATE_FORMAT', 'INVALID DATE FORMAT', T, 'EST')).toThrow(/Illegal pattern character/);
    expect(call('DATE_FORMAT', null, T)).toBeNull();
  });
});
