import { describe, expect, it } from 'vitest';
import { JInt, int, long } from '../values.js';
import type { StellarValue } from '../values.js';
import { StellarFunctionError } from './types.js';
import { caller, fakeContext } from './test-support/service-fakes.js';
import { functions, OnlineStatistics, TDigest, WindowedStatistics } from './stats.js';
import type { StatisticsProvider } from './stats.js';

const call = caller(functions, fakeContext());
const values = [10.0, 20.0, 30.0, 40.0, 50.0, 1.0, 3.5, 7.25];
// reference values computed independently (textbook formulas, double precision)
const expected = {
  mean: 20.21875,
  variance: 327.9185267857143,
  populationVariance: 286.9287109375,
  sd: 18.108520833732232,
  skewness: 0.6437742338172642,
  kurtosis: -1.0654035790862086,
  geometricMean: 11.493397104406972,
  quadraticMean: 26.376629096607473,
  sumLogs: 19.534181645114227,
  sumSquares: 5565.8125,
};

function statsOf(window?: number): StellarValue {
  const init = window === undefined ? call('STATS_INIT') : call('STATS_INIT', int(window));
  return call('STATS_ADD', init, ...values);
}

describe('STATS_* without a window', () => {
  const stats = statsOf();
  it('computes exact moments as doubles', () => {
    expect(call('STATS_COUNT', stats)).toBe(8);
    expect(call('STATS_SUM', stats)).toBe(161.75);
    expect(call('STATS_MIN', stats)).toBe(1);
    expect(call('STATS_MAX', stats)).toBe(50);
    expect(call('STATS_MEAN', stats)).toBeCloseTo(expected.mean, 12);
    expect(call('STATS_VARIANCE', stats)).toBeCloseTo(expected.variance, 9);
    expect(call('STATS_SD', stats)).toBeCloseTo(expected.sd, 10);
    expect(call('STATS_SKEWNESS', stats)).toBeCloseTo(expected.skewness, 10);
    expect(call('STATS_KURTOSIS', stats)).toBeCloseTo(expected.kurtosis, 10);
    expect(call('STATS_QUADRATIC_MEAN', stats)).toBeCloseTo(expected.quadraticMean, 10);
    expect(call('STATS_SUM_LOGS', stats)).toBeCloseTo(expected.sumLogs, 10);
    expect(call('STATS_SUM_SQUARES', stats)).toBe(expected.sumSquares);
  });
  it('refuses what Metron refuses without a window', () => {
    expect(() => call('STATS_GEOMETRIC_MEAN', stats)).toThrow(StellarFunctionError);
    expect(() => call('STATS_POPULATION_VARIANCE', stats)).toThrow(StellarFunctionError);
  });
  it('gives exact percentiles for small inputs (interpolated order statistics)', () => {
    expect(call('STATS_PERCENTILE', stats, 25)).toBeCloseTo(6.3125, 10);
    expect(call('STATS_PERCENTILE', stats, 50)).toBeCloseTo(15, 10);
    expect(call('STATS_PERCENTILE', stats, int(90))).toBeCloseTo(43, 10);
    expect(call('STATS_PERCENTILE', stats, null)).toBeNaN();
  });
  it('bins values by percentile', () => {
    expect(call('STATS_BIN', stats, 1)).toEqual(new JInt(0));
    expect(call('STATS_BIN', stats, 14)).toEqual(new JInt(1));
    expect(call('STATS_BIN', stats, 30)).toEqual(new JInt(2));
    expect(call('STATS_BIN', stats, 60)).toEqual(new JInt(3));
    expect(call('STATS_BIN', stats, 60, 'DECILE')).toEqual(new JInt(9));
    expect(call('STATS_BIN', stats, 5, [50])).toEqual(new JInt(0));
    expect(call('STATS_BIN', null, 5)).toEqual(new JInt(-1));
    expect(call('STATS_BIN', stats, null)).toEqual(new JInt(-1));
    expect(() => call('STATS_BIN', stats, 5, 'OCTILE')).toThrow(StellarFunctionError);
  });
  it('returns NaN for a null statistics object', () => {
    for (const f of ['STATS_COUNT', 'STATS_MEAN', 'STATS_SD', 'STATS_MAX', 'STATS_PERCENTILE']) {
      expect(call(f, null, 50)).toBeNaN();
    }
  });
  it('creates a statistics object from null and accepts lists, skipping nulls', () => {
    const s = call('STATS_ADD', null, [1, int(2), null], long(3), null, '4.5');
    expect(call('STATS_COUNT', s)).toBe(4);
    expect(call('STATS_SUM', s)).toBe(10.5);
    expect(() => call('STATS_ADD', s, 'abc')).toThrow(StellarFunctionError);
  });
  it('merges exactly', () => {
    const a = call('STATS_ADD', null, ...values.slice(0, 3));
    const b = call('STATS_ADD', null, ...values.slice(3));
    const merged = call('STATS_MERGE', [a, 'ignored', b]);
    expect(call('STATS_COUNT', merged)).toBe(8);
    expect(call('STATS_MEAN', merged)).toBeCloseTo(expected.mean, 12);
    expect(call('STATS_VARIANCE', merged)).toBeCloseTo(expected.variance, 9);
    expect(call('STATS_SKEWNESS', merged)).toBeCloseTo(expected.skewness, 10);
    expect(call('STATS_KURTOSIS', merged)).toBeCloseTo(expected.kurtosis, 10);
    expect(call('STATS_MIN', merged)).toBe(1);
    expect(call('STATS_MAX', merged)).toBe(50);
    expect(call('STATS_PERCENTILE', merged, 50)).toBeCloseTo(15, 10);
    expect(call('STATS_MERGE', [a])).toBe(a);
    expect(call('STATS_MERGE', [])).toBeNull();
    expect(call('STATS_MERGE', 'x')).toBeNull();
  });
  it('fails on overflow and underflow like Metron', () => {
    expect(() => call('STATS_ADD', call('STATS_INIT'), Number.MAX_VALUE * 2)).toThrow(StellarFunctionError);
    expect(() => call('STATS_ADD', call('STATS_INIT'), 3e-305)).toThrow(StellarFunctionError);
  });
  it('bins a single value (Metron testStatsBin_singleValue)', () => {
    for (const s of [call('STATS_ADD', call('STATS_INIT'), 10), call('STATS_ADD', call('STATS_INIT', int(100)), 10)]) {
      expect(call('STATS_BIN', s, 9.0)).toEqual(new JInt(0));
      expect(call('STATS_BIN', s, 11.0)).toEqual(new JInt(3));
    }
  });
  it('is NaN for skewness and kurtosis on too few values', () => {
    const s = call('STATS_ADD', null, 1, 2);
    expect(call('STATS_SKEWNESS', s)).toBeNaN();
    expect(call('STATS_KURTOSIS', s)).toBeNaN();
    expect(call('STATS_MEAN', call('STATS_INIT'))).toBeNaN();
  });
});

describe('STATS_* with a window', () => {
  const stats = statsOf(100);
  it('matches Commons Math DescriptiveStatistics', () => {
    expect(stats).toBeInstanceOf(WindowedStatistics);
    expect(call('STATS_COUNT', stats)).toBe(8);
    expect(call('STATS_MEAN', stats)).toBeCloseTo(expected.mean, 12);
    expect(call('STATS_VARIANCE', stats)).toBeCloseTo(expected.variance, 9);
    expect(call('STATS_POPULATION_VARIANCE', stats)).toBeCloseTo(expected.populationVariance, 9);
    expect(call('STATS_GEOMETRIC_MEAN', stats)).toBeCloseTo(expected.geometricMean, 10);
    expect(call('STATS_SKEWNESS', stats)).toBeCloseTo(expected.skewness, 10);
    expect(call('STATS_KURTOSIS', stats)).toBeCloseTo(expected.kurtosis, 10);
    expect(call('STATS_SUM_SQUARES', stats)).toBe(expected.sumSquares);
    expect(call('STATS_PERCENTILE', stats, 25)).toBeCloseTo(4.4375, 12);
    expect(call('STATS_PERCENTILE', stats, 50)).toBeCloseTo(15, 12);
    expect(call('STATS_PERCENTILE', stats, 75)).toBeCloseTo(37.5, 12);
    expect(call('STATS_PERCENTILE', stats, 90)).toBe(50);
  });
  it('keeps only the window', () => {
    const s = call('STATS_ADD', call('STATS_INIT', int(3)), 1, 2, 3, 4, 5);
    expect(call('STATS_COUNT', s)).toBe(3);
    expect(call('STATS_SUM', s)).toBe(12);
    expect(call('STATS_MIN', s)).toBe(3);
  });
  it('refuses sum of logs and merging (Metron: ParseException)', () => {
    expect(() => call('STATS_SUM_LOGS', stats)).toThrow(StellarFunctionError);
    expect(() => call('STATS_MERGE', [stats, statsOf(10)])).toThrow(StellarFunctionError);
  });
  it('is NaN when empty', () => {
    const s = call('STATS_INIT', int(5));
    expect(call('STATS_SUM', s)).toBeNaN();
    expect(call('STATS_MIN', s)).toBeNaN();
    expect(call('STATS_PERCENTILE', s, 50)).toBeNaN();
  });
});

describe('t-digest', () => {
  function seeded(seed: number): () => number {
    let x = seed;
    return () => {
      x = (x * 1103515245 + 12345) % 2147483648;
      return x / 2147483648;
    };
  }
  it('stays within a small error of the exact percentiles on large inputs', () => {
    const rnd = seeded(42);
    const online = new OnlineStatistics();
    const data: number[] = [];
    for (let i = 0; i < 20000; i++) {
      const v = rnd() * 1000;
      data.push(v);
      online.addValue(v);
    }
    data.sort((a, b) => a - b);
    for (const p of [1, 10, 25, 50, 75, 90, 99]) {
      const exact = data[Math.floor((p / 100) * (data.length - 1))]!;
      expect(Math.abs(online.percentile(p) - exact)).toBeLessThan(5);
    }
  });
  it('matches the exact percentiles within 1e-2 on normal data, whole and merged (Metron OnlineStatisticsProviderTest)', () => {
    const rnd = seeded(7);
    const gaussian = (): number => Math.sqrt(-2 * Math.log(1 - rnd())) * Math.cos(2 * Math.PI * rnd());
    const whole = new OnlineStatistics();
    const parts = Array.from({ length: 10 }, () => new OnlineStatistics());
    const exact = new WindowedStatistics(1_000_000);
    for (let i = 0; i < 100_000; i++) {
      const v = gaussian();
      whole.addValue(v);
      parts[i % 10]!.addValue(v);
      exact.addValue(v);
    }
    let merged: StatisticsProvider = parts[0]!;
    for (const part of parts.slice(1)) merged = merged.merge(part);
    for (let p = 10; p < 100; p += 10) {
      expect(Math.abs(whole.percentile(p) - exact.percentile(p)), `whole ${p}`).toBeLessThan(1e-2);
      expect(Math.abs(merged.percentile(p) - exact.percentile(p)), `merged ${p}`).toBeLessThan(1e-2);
    }
    expect(merged.kurtosis()).toBeCloseTo(exact.kurtosis(), 3);
    expect(merged.skewness()).toBeCloseTo(exact.skewness(), 3);
  });
  it('merges sketches', () => {
    const a = new TDigest();
    const b = new TDigest();
    for (let i = 0; i < 5000; i++) (i % 2 === 0 ? a : b).add(i);
    const c = a.copy();
    c.addDigest(b);
    expect(c.size()).toBe(5000);
    expect(Math.abs(c.quantile(0.5) - 2500)).toBeLessThan(50);
    expect(c.centroidCount()).toBeLessThan(5000);
  });
});
