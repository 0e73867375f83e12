import { describe, expect, it } from 'vitest';
import { parseRfc3339 } from './syslog.js';

describe('parseRfc3339', () => {
  it('reads fractions of any width up to nine digits, before Z or an offset', () => {
    expect(parseRfc3339('2016-08-05T01:01:34.5-04:00')).toBe(Date.UTC(2016, 7, 5, 5, 1, 34, 500));
    expect(parseRfc3339('2016-08-05T01:01:34.25Z')).toBe(Date.UTC(2016, 7, 5, 1, 1, 34, 250));
    expect(parseRfc3339('2016-08-05T01:01:34.123456789+02:00')).toBe(Date.UTC(2016, 7, 4, 23, 1, 34, 123));
    expect(parseRfc3339('2016-08-05T01:01:34Z')).toBe(Date.UTC(2016, 7, 5, 1, 1, 34));
  });

  it('explains what it refuses', () => {
    expect(parseRfc3339('2016-08-05T01:01:34.Z')).toMatch(/is not RFC 3339/);
    expect(parseRfc3339('2016-08-05 01:01:34Z')).toMatch(/is not RFC 3339/);
  });
});
