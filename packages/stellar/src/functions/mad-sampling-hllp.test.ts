import { describe, expect, it } from 'vitest';
import { JLong, int, long } from '../values.js';
import type { StellarValue } from '../values.js';
import { StellarFunctionError } from './types.js';
import { caller, fakeContext } from './test-support/service-fakes.js';
import { functions as mad, MadState } from './mad.js';
import { functions as sampling, JavaRandom, UniformSampler } from './sampling.js';
import { functions as hllp, HyperLogLogPlus } from './hllp.js';

/** Median by linear interpolation between order statistics (what the t-digest gives for few values). */
function median(values: number[]): number {
  const s = [...values].sort((a, b) => a - b);
  const i = 0.5 * (s.length - 1);
  const f = Math.floor(i);
  return s[f]! + (i - f) * ((s[Math.min(f + 1, s.length - 1)] ?? 0) - s[f]!);
}

describe('OUTLIER_MAD_*', () => {
  const call = caller(mad, fakeContext());
  const data = [1, 2, 3, 4, 5, 6, 7, 8, 9, 100];

  it('scores with scale * |x - median| / MAD', () => {
    const state = call('OUTLIER_MAD_STATE_MERGE', [], null);
    expect(state).toBeInstanceOf(MadState);
    expect(call('OUTLIER_MAD_ADD', state, data.map((d) => int(d)))).toBe(state);
    // deviations are taken against the running median before each value
    const seen: number[] = [];
    const deviations: number[] = [];
    for (const d of data) {
      if (seen.length > 0) deviations.push(Math.abs(d - median(seen)));
      seen.push(d);
    }
    const expected = (0.6745 * Math.abs(100 - median(data))) / median(deviations);
    expect(call('OUTLIER_MAD_SCORE', state, 100)).toBeCloseTo(expected, 10);
    expect(call('OUTLIER_MAD_SCORE', state, 100, 1.0)).toBeCloseTo(expected / 0.6745, 10);
  });
  it('merges earlier states into the window', () => {
    const yesterday = call('OUTLIER_MAD_ADD', call('OUTLIER_MAD_STATE_MERGE', []), data.slice(0, 5)) as MadState;
    const today = call('OUTLIER_MAD_STATE_MERGE', [yesterday]) as MadState;
    call('OUTLIER_MAD_ADD', today, 6);
    expect(today.windowMedian.count()).toBe(6);
    expect(today.tickMedian.count()).toBe(1);
  });
  it('is lenient on nulls, strict on types', () => {
    expect(call('OUTLIER_MAD_ADD', null, 1)).toBeNull();
    expect(call('OUTLIER_MAD_SCORE', null, 1)).toBeNaN();
    expect(call('OUTLIER_MAD_SCORE', new MadState(), null)).toBeNaN();
    expect(() => call('OUTLIER_MAD_ADD', new MadState(), 'x')).toThrow(StellarFunctionError);
  });
});

describe('SAMPLE_*', () => {
  const call = caller(sampling, fakeContext());
  it('reproduces java.util.Random(0)', () => {
    const r = new JavaRandom(0);
    // values printed by the JDK for new Random(0)
    expect([r.nextInt(16), r.nextInt(1 << 30), r.nextInt(7), r.nextInt(1000000007)]).toEqual([11, 892752974, 4, 302116440]);
  });
  it('samples like Metron (reservoir of 5 over 0..99, from the JDK)', () => {
    const s = call('SAMPLE_INIT', int(5));
    const values: StellarValue[] = Array.from({ length: 100 }, (_, i) => int(i));
    call('SAMPLE_ADD', s, values);
    expect(call('SAMPLE_GET', s)).toEqual([57, 40, 43, 41, 96].map((i) => int(i)));
  });
  it('keeps everything below the size and skips nulls', () => {
    const s = call('SAMPLE_ADD', null, ['a', null, 'b']);
    expect(s).toBeInstanceOf(UniformSampler);
    expect((s as UniformSampler).size).toBe(1024);
    expect(call('SAMPLE_GET', s)).toEqual(['a', 'b']);
    expect(call('SAMPLE_ADD', s, 'c')).toBe(s);
    expect(call('SAMPLE_GET', s)).toEqual(['a', 'b', 'c']);
  });
  it('merges by resampling', () => {
    const a = call('SAMPLE_ADD', call('SAMPLE_INIT', int(10)), [1, 2, 3]);
    const b = call('SAMPLE_ADD', call('SAMPLE_INIT', int(10)), [4, 5]);
    const merged = call('SAMPLE_MERGE', [a, b]);
    expect(call('SAMPLE_GET', merged)).toEqual([1, 2, 3, 4, 5]);
    expect(merged).not.toBe(a);
    expect(call('SAMPLE_MERGE', null)).toBeNull();
    expect(call('SAMPLE_MERGE', [])).toBeNull();
  });
  it('validates arguments', () => {
    expect(() => call('SAMPLE_INIT', int(0))).toThrow(/positive/);
    expect(() => call('SAMPLE_INIT', 'abc')).toThrow(StellarFunctionError);
    expect(() => call('SAMPLE_ADD', 'x', 1)).toThrow(/expected a sampler/);
    expect(() => call('SAMPLE_ADD', null)).toThrow(StellarFunctionError);
    expect(call('SAMPLE_GET', null)).toBeNull();
    expect(() => call('SAMPLE_MERGE', 'x')).toThrow(StellarFunctionError);
  });
});

describe('HLLP_*', () => {
  const call = caller(hllp, fakeContext());
  it('counts small sets exactly (sparse mode)', () => {
    let h = call('HLLP_INIT');
    h = call('HLLP_ADD', h, 'runs');
    h = call('HLLP_ADD', h, 'glass');
    h = call('HLLP_ADD', h, ['runs', 'glass', 'water', long(3), int(3)]);
    expect(call('HLLP_CARDINALITY', h)).toEqual(new JLong(5n));
    expect(call('HLLP_CARDINALITY', null)).toEqual(new JLong(0n));
  });
  it('counts with dense registers only', () => {
    const h = call('HLLP_INIT', int(12));
    call('HLLP_ADD', h, ['a', 'b', 'c']);
    expect(call('HLLP_CARDINALITY', h)).toEqual(new JLong(3n));
  });
  it('estimates large sets within a few percent', () => {
    for (const h of [new HyperLogLogPlus(), new HyperLogLogPlus(14, 0)]) {
      for (let i = 0; i < 50000; i++) h.add(`value-${i}`);
      expect(Math.abs(h.cardinality() - 50000) / 50000).toBeLessThan(0.03);
    }
  });
  it('merges into a new estimator', () => {
    const a = call('HLLP_ADD', call('HLLP_INIT'), ['a', 'b', 'c']);
    const b = call('HLLP_ADD', call('HLLP_INIT'), ['c', 'd']);
    const merged = call('HLLP_MERGE', [a, b]);
    expect(merged).not.toBe(a);
    expect(call('HLLP_CARDINALITY', merged)).toEqual(new JLong(4n));
    expect(call('HLLP_CARDINALITY', a)).toEqual(new JLong(3n));
    expect(call('HLLP_MERGE', a)).toBe(a);
    expect(call('HLLP_MERGE', [])).toBeNull();
    const big = new HyperLogLogPlus(14, 25);
    const other = new HyperLogLogPlus(14, 25);
    for (let i = 0; i < 30000; i++) (i % 2 ? big : other).add(i);
    const union = big.merge([other]);
    expect(Math.abs(union.cardinality() - 30000) / 30000).toBeLessThan(0.03);
  });
  it('validates precisions', () => {
    expect(() => call('HLLP_INIT', int(3))).toThrow(/between 4 and sp/);
    expect(() => call('HLLP_INIT', int(20), int(10))).toThrow(/between 4 and sp/);
    expect(() => call('HLLP_INIT', 'x')).toThrow(/unable to get p/);
    expect(() => call('HLLP_ADD', null)).toThrow(StellarFunctionError);
    expect(() => call('HLLP_MERGE', [call('HLLP_INIT'), call('HLLP_INIT', int(10), int(20))])).toThrow(/merge/);
  });
});
