import { describe, expect, it } from 'vitest';
import { MetronError } from '@metron/core';
import { parseDateValue, resolveDates } from './dates.js';
import { parseQuery } from './parser.js';

const NOW = Date.UTC(2023, 10, 15, 12, 30);

describe('parseDateValue', () => {
  it('reads epoch ms, ISO 8601 (UTC unless zoned) and date math', () => {
    expect(parseDateValue('1700000000000', NOW)).toBe(1_700_000_000_000);
    expect(parseDateValue('2023-11-14', NOW)).toBe(Date.UTC(2023, 10, 14));
    expect(parseDateValue('2023-11-14T22:13:20Z', NOW)).toBe(Date.UTC(2023, 10, 14, 22, 13, 20));
    expect(parseDateValue('2023-11-14 22:13', NOW)).toBe(Date.UTC(2023, 10, 14, 22, 13));
    expect(parseDateValue('2023-11-14T22:13:20.5+01:30', NOW)).toBe(Date.UTC(2023, 10, 14, 20, 43, 20, 500));
    expect(parseDateValue('now', NOW)).toBe(NOW);
    expect(parseDateValue('now-24h', NOW)).toBe(NOW - 86_400_000);
    expect(parseDateValue('now-7d+1h-30m', NOW)).toBe(NOW - 7 * 86_400_000 + 1_800_000);
    expect(parseDateValue('now-1M', NOW)).toBe(Date.UTC(2023, 9, 15, 12, 30));
    expect(parseDateValue('now+1y', NOW)).toBe(Date.UTC(2024, 10, 15, 12, 30));
  });

  it('refuses what is not a date with QUERY_INVALID and the accepted forms', () => {
    for (const bad of ['yesterday', '2023-02-30', '2023-11-14T25:00', 'now-1x', 'now/d', '11/14/2023', '']) {
      let error: unknown;
      try {
        parseDateValue(bad, NOW);
      } catch (err) {
        error = err;
      }
      expect(error, bad).toBeInstanceOf(MetronError);
      expect((error as MetronError).code).toBe('QUERY_INVALID');
      expect((error as MetronError).message).toContain('epoch milliseconds, ISO 8601');
    }
  });

  it('resolves dates on timestamp only, leaving other fields as typed', () => {
    expect(resolveDates(parseQuery('timestamp:[now-1h TO *] AND NOT timestamp:"2023-11-15" AND day:2023-11-15'), NOW)).toEqual({
      kind: 'and',
      children: [
        { kind: 'range', field: 'timestamp', lower: { value: String(NOW - 3_600_000), inclusive: true }, upper: null },
        { kind: 'not', child: { kind: 'term', field: 'timestamp', value: String(Date.UTC(2023, 10, 15)), phrase: true } },
        { kind: 'term', field: 'day', value: '2023-11-15', phrase: false },
      ],
    });
  });
});
