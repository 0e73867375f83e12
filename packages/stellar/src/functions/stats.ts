/**
 * STATS_* (Metron's StellarStatisticsFunctions). Two providers, as in Metron:
 *
 * - without a window, {@link OnlineStatistics}: exact running moments (Knuth/Welford updates and
 *   Pébay's pairwise merge, as in Metron's OnlineStatisticsProvider) plus a t-digest sketch for
 *   percentiles (Dunning's AVL-tree t-digest, compression 150): mergeable, constant memory;
 * - with a window, {@link WindowedStatistics}: the last N values, with the formulas of Apache
 *   Commons Math's DescriptiveStatistics (legacy percentile estimation).
 *
 * What Metron refuses (geometric mean / population variance without a window, sum of logs with a
 * window, merging windows) raises an error here too.
 */
import { JInt, isNumber, toDouble } from '../values.js';
import type { StellarValue } from '../values.js';
import { StellarFunctionError } from './types.js';
import type { StellarFunction } from './types.js';
import { seededRandom as prng } from '@metron/core';

/** The statistics Metron's StatisticsProvider offers. */
export interface StatisticsProvider {
  addValue(value: number): void;
  count(): number;
  min(): number;
  max(): number;
  mean(): number;
  sum(): number;
  variance(): number;
  standardDeviation(): number;
  geometricMean(): number;
  populationVariance(): number;
  quadraticMean(): number;
  sumLogs(): number;
  sumSquares(): number;
  kurtosis(): number;
  skewness(): number;
  /** The p'th percentile, p in (0, 100]. */
  percentile(p: number): number;
  merge(other: StatisticsProvider): StatisticsProvider;
}


/**
 * A t-digest (Dunning & Ertl, "Computing extremely accurate quantiles using t-digests"), following
 * the AVL-tree variant's add/quantile rules with a sorted array of centroids. While fewer than a
 * few hundred values are added every centroid holds one value, so quantiles are exact
 * (linear interpolation between order statistics).
 */
export class TDigest {
  private means: number[] = [];
  private counts: number[] = [];
  private total = 0;
  private readonly random: () => number;

  constructor(readonly compression = 150, seed = 0x5eed) {
    this.random = prng(seed);
  }

  /** Number of values added. */
  size(): number {
    return this.total;
  }

  /** Number of centroids kept. */
  centroidCount(): number {
    return this.means.length;
  }

  /** The centroids as [mean, count] pairs, in order. */
  centroids(): [number, number][] {
    return this.means.map((mean, i) => [mean, this.counts[i]!]);
  }

  /** Index of the first centroid whose mean is >= x. */
  private lowerBound(x: number): number {
    let lo = 0;
    let hi = this.means.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.means[mid]! < x) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  private insert(x: number, w: number): void {
    // after equal means, as the AVL tree orders ties by insertion
    let i = this.lowerBound(x);
    while (i < this.means.length && this.means[i] === x) i++;
    this.means.splice(i, 0, x);
    this.counts.splice(i, 0, w);
  }

  add(x: number, w = 1): void {
    if (Number.isNaN(x)) throw new StellarFunctionError('Cannot add NaN to a t-digest');
    const size = this.means.length;
    if (size === 0) {
      this.insert(x, w);
      this.total += w;
      return;
    }
    // the nearest centroids: start from the last centroid <= x (or the first one)
    let start = this.lowerBound(x);
    if (start === size || this.means[start]! > x) start = Math.max(0, start - 1);
    let minDistance = Number.MAX_VALUE;
    let lastNeighbor = size;
    for (let i = start; i < size; i++) {
      const z = Math.abs(this.means[i]! - x);
      if (z < minDistance) {
        start = i;
        minDistance = z;
      } else if (z > minDistance) {
        lastNeighbor = i;
        break;
      }
    }
    let headSum = 0;
    for (let i = 0; i < start; i++) headSum += this.counts[i]!;
    let closest = -1;
    let eligible = 0;
    for (let i = start; i < lastNeighbor; i++) {
      const c = this.counts[i]!;
      const q = this.total === 1 ? 0.5 : (headSum + (c - 1) / 2) / (this.total - 1);
      const k = (4 * this.total * q * (1 - q)) / this.compression;
      if (c + w <= k) {
        eligible++;
        if (this.random() < 1 / eligible) closest = i;
      }
      headSum += c;
    }
    if (closest < 0) {
      this.insert(x, w);
    } else {
      const c = this.counts[closest]!;
      const mean = this.means[closest]! + (w * (x - this.means[closest]!)) / (c + w);
      this.means.splice(closest, 1);
      this.counts.splice(closest, 1);
      this.insert(mean, c + w);
    }
    this.total += w;
    if (this.means.length > 20 * this.compression) this.compress();
  }

  /** Re-adds the centroids in random order, which merges neighbours the size bound allows. */
  compress(): void {
    const centroids = this.shuffled();
    this.means = [];
    this.counts = [];
    this.total = 0;
    for (const [mean, count] of centroids) this.add(mean, count);
  }

  private shuffled(): [number, number][] {
    const centroids = this.centroids();
    for (let i = centroids.length - 1; i > 0; i--) {
      const j = Math.floor(this.random() * (i + 1));
      [centroids[i], centroids[j]] = [centroids[j]!, centroids[i]!];
    }
    return centroids;
  }

  /** Adds every centroid of another digest. */
  addDigest(other: TDigest): void {
    for (const [mean, count] of other.shuffled()) this.add(mean, count);
  }

  copy(): TDigest {
    const d = new TDigest(this.compression);
    d.means = [...this.means];
    d.counts = [...this.counts];
    d.total = this.total;
    return d;
  }

  /** The q'th quantile, q in [0, 1]; NaN when empty. */
  quantile(q: number): number {
    if (!(q >= 0 && q <= 1)) throw new StellarFunctionError(`q should be in [0,1], got ${q}`);
    const size = this.means.length;
    if (size === 0) return Number.NaN;
    if (size === 1) return this.means[0]!;
    // the fractional index of q among the values if they were sorted in an array
    const index = q * (this.total - 1);
    let previousMean = Number.NaN;
    let previousIndex = 0;
    let total = 0;
    for (let i = 0; ; i++) {
      const nextMean = this.means[i]!;
      const nextCount = this.counts[i]!;
      const nextIndex = total + (nextCount - 1) / 2;
      if (nextIndex >= index) {
        if (Number.isNaN(previousMean)) {
          // before the first centroid: extrapolate from the first two
          if (nextIndex === previousIndex) return nextMean;
          const next2Mean = this.means[i + 1]!;
          const nextIndex2 = total + nextCount + (this.counts[i + 1]! - 1) / 2;
          previousMean = (nextIndex2 * nextMean - nextIndex * next2Mean) / (nextIndex2 - nextIndex);
        }
        return interpolate(previousIndex, index, nextIndex, previousMean, nextMean);
      }
      if (i === size - 1) {
        // beyond the last centroid: extrapolate towards the last value
        const nextIndex2 = this.total - 1;
        const nextMean2 = (nextMean * (nextIndex2 - previousIndex) - previousMean * (nextIndex2 - nextIndex)) / (nextIndex - previousIndex);
        return interpolate(nextIndex, index, nextIndex2, nextMean, nextMean2);
      }
      total += nextCount;
      previousMean = nextMean;
      previousIndex = nextIndex;
    }
  }
}

function interpolate(previousIndex: number, index: number, nextIndex: number, previousMean: number, nextMean: number): number {
  const delta = nextIndex - previousIndex;
  const previousWeight = (nextIndex - index) / delta;
  const nextWeight = (index - previousIndex) / delta;
  return previousMean * previousWeight + nextMean * nextWeight;
}

/** Running moments plus a t-digest: Metron's OnlineStatisticsProvider. */
export class OnlineStatistics implements StatisticsProvider {
  static readonly COMPRESSION = 150;
  private digest = new TDigest(OnlineStatistics.COMPRESSION);
  private n = 0;
  private total = 0;
  private sumOfSquares = 0;
  private sumOfLogs = 0;
  private minimum: number | null = null;
  private maximum: number | null = null;
  // central moments: M1 = E[X], Mk = sum of (x - mean)^k
  private m1 = 0;
  private m2 = 0;
  private m3 = 0;
  private m4 = 0;

  addValue(value: number): void {
    const n1 = this.n;
    this.minimum = this.minimum === null ? value : Math.min(this.minimum, value);
    this.maximum = this.maximum === null ? value : Math.max(this.maximum, value);
    this.total += value;
    this.sumOfLogs += Math.log(value);
    this.sumOfSquares += value * value;
    this.digest.add(value);
    this.n++;
    const n = this.n;
    const delta = value - this.m1;
    const deltaN = delta / n;
    const deltaN2 = deltaN * deltaN;
    const term1 = delta * deltaN * n1;
    this.m1 += deltaN;
    this.m4 += term1 * deltaN2 * (n * n - 3 * n + 3) + 6 * deltaN2 * this.m2 - 4 * deltaN * this.m3;
    this.m3 += term1 * deltaN * (n - 2) - 3 * deltaN * this.m2;
    this.m2 += term1;
    checkFlow(this.sumOfSquares, this.total, [this.sumOfSquares, this.m1, this.m2, this.m3, this.m4]);
  }

  count(): number {
    return this.n;
  }
  min(): number {
    return this.minimum ?? Number.NaN;
  }
  max(): number {
    return this.maximum ?? Number.NaN;
  }
  mean(): number {
    return this.total / this.n;
  }
  sum(): number {
    return this.total;
  }
  variance(): number {
    return this.m2 / (this.n - 1);
  }
  standardDeviation(): number {
    return Math.sqrt(this.variance());
  }
  geometricMean(): number {
    throw new StellarFunctionError('The geometric mean is only available with a window (STATS_INIT(window_size))');
  }
  populationVariance(): number {
    throw new StellarFunctionError('The population variance is only available with a window (STATS_INIT(window_size))');
  }
  quadraticMean(): number {
    return Math.sqrt(this.sumOfSquares / this.n);
  }
  sumLogs(): number {
    return this.sumOfLogs;
  }
  sumSquares(): number {
    return this.sumOfSquares;
  }
  /** Unbiased excess kurtosis; NaN for fewer than 4 values. */
  kurtosis(): number {
    const n = this.n;
    if (n < 4) return Number.NaN;
    const std = this.standardDeviation();
    const t1 = (n * (n + 1)) / ((n - 1) * (n - 2) * (n - 3));
    const t3 = (3 * ((n - 1) * (n - 1))) / ((n - 2) * (n - 3));
    return t1 * (this.m4 / Math.pow(std, 4)) - t3;
  }
  /** Unbiased skewness; NaN for fewer than 3 values. */
  skewness(): number {
    const n = this.n;
    if (n < 3) return Number.NaN;
    const t1 = n / ((n - 1) * (n - 2));
    return (t1 * this.m3) / Math.pow(this.standardDeviation(), 3);
  }
  /** Approximate (t-digest) percentile. */
  percentile(p: number): number {
    return this.digest.quantile(p / 100);
  }

  merge(other: StatisticsProvider): StatisticsProvider {
    if (!(other instanceof OnlineStatistics)) throw new StellarFunctionError('Windowed statistics cannot be merged.');
    return OnlineStatistics.combine(this, other);
  }

  /** Pébay's pairwise update of the central moments (as Metron's OnlineStatisticsProvider.merge). */
  private static combine(a: OnlineStatistics, b: OnlineStatistics): OnlineStatistics {
    const c = new OnlineStatistics();
    c.n = a.n + b.n;
    c.total = a.total + b.total;
    if (a.minimum !== null && b.minimum !== null) {
      c.minimum = Math.min(a.minimum, b.minimum);
      c.maximum = Math.max(a.maximum!, b.maximum!);
    } else {
      // as Metron: an empty left side keeps its (null) bounds
      c.minimum = a.minimum;
      c.maximum = a.maximum;
    }
    c.sumOfSquares = a.sumOfSquares + b.sumOfSquares;
    c.sumOfLogs = a.sumOfLogs + b.sumOfLogs;
    const delta = b.m1 - a.m1;
    const delta2 = delta * delta;
    const delta3 = delta * delta2;
    const delta4 = delta2 * delta2;
    const n = c.n;
    c.m1 = (a.n * a.m1 + b.n * b.m1) / n;
    c.m2 = a.m2 + b.m2 + (delta2 * a.n * b.n) / n;
    c.m3 = a.m3 + b.m3 + (delta3 * a.n * b.n * (a.n - b.n)) / (n * n);
    c.m3 += (3 * delta * (a.n * b.m2 - b.n * a.m2)) / n;
    c.m4 = a.m4 + b.m4 + (delta4 * a.n * b.n * (a.n * a.n - a.n * b.n + b.n * b.n)) / (n * n * n);
    c.m4 += (6 * delta2 * (a.n * a.n * b.m2 + b.n * b.n * a.m2)) / (n * n) + (4 * delta * (a.n * b.m3 - b.n * a.m3)) / n;
    c.digest.addDigest(a.digest);
    c.digest.addDigest(b.digest);
    checkFlow(c.sumOfSquares, a.total, [c.sumOfSquares, c.m1, c.m2, c.m3, c.m4]);
    return c;
  }
}

function checkFlow(sumOfSquares: number, sum: number, values: number[]): void {
  for (const v of values) {
    if (v === Infinity || v === -Infinity) throw new StellarFunctionError('Double overflow!');
  }
  // sum of squares reaches 0 before the sum does when values underflow
  if (sumOfSquares === 0 && sum > 0) throw new StellarFunctionError('Double overflow!');
}

/** The last `windowSize` values, with Commons Math's DescriptiveStatistics formulas. */
export class WindowedStatistics implements StatisticsProvider {
  private values: number[] = [];

  constructor(readonly windowSize: number) {}

  addValue(value: number): void {
    this.values.push(value);
    if (this.values.length > this.windowSize) this.values.shift();
  }
  count(): number {
    return this.values.length;
  }
  min(): number {
    if (this.values.length === 0) return Number.NaN;
    let min = this.values[0]!;
    for (const v of this.values) if (!Number.isNaN(v)) min = min < v ? min : v;
    return min;
  }
  max(): number {
    if (this.values.length === 0) return Number.NaN;
    let max = this.values[0]!;
    for (const v of this.values) if (!Number.isNaN(v)) max = max > v ? max : v;
    return max;
  }
  sum(): number {
    if (this.values.length === 0) return Number.NaN;
    let s = 0;
    for (const v of this.values) s += v;
    return s;
  }
  /** Two-pass mean with the correction term Commons Math applies. */
  mean(): number {
    const n = this.values.length;
    if (n === 0) return Number.NaN;
    const xbar = this.sum() / n;
    let correction = 0;
    for (const v of this.values) correction += v - xbar;
    return xbar + correction / n;
  }
  private deviationSums(): { accum: number; accum2: number; n: number } {
    const m = this.mean();
    let accum = 0;
    let accum2 = 0;
    for (const v of this.values) {
      const dev = v - m;
      accum += dev * dev;
      accum2 += dev;
    }
    return { accum, accum2, n: this.values.length };
  }
  variance(): number {
    const n = this.values.length;
    if (n === 0) return Number.NaN;
    if (n === 1) return 0;
    const { accum, accum2 } = this.deviationSums();
    return (accum - (accum2 * accum2) / n) / (n - 1);
  }
  standardDeviation(): number {
    return Math.sqrt(this.variance());
  }
  populationVariance(): number {
    const n = this.values.length;
    if (n === 0) return Number.NaN;
    if (n === 1) return 0;
    const { accum, accum2 } = this.deviationSums();
    return (accum - (accum2 * accum2) / n) / n;
  }
  geometricMean(): number {
    const n = this.values.length;
    if (n === 0) return Number.NaN;
    let logs = 0;
    for (const v of this.values) logs += Math.log(v);
    return Math.exp(logs / n);
  }
  quadraticMean(): number {
    const n = this.values.length;
    return n > 0 ? Math.sqrt(this.sumSquares() / n) : Number.NaN;
  }
  sumLogs(): number {
    throw new StellarFunctionError("The sum of logs is not available when 'window_size' > 0");
  }
  sumSquares(): number {
    if (this.values.length === 0) return Number.NaN;
    let s = 0;
    for (const v of this.values) s += v * v;
    return s;
  }
  kurtosis(): number {
    const n = this.values.length;
    if (n <= 3) return Number.NaN;
    // Commons Math uses the incremental (Welford) mean and variance here
    let mean = 0;
    let m2 = 0;
    let k = 0;
    for (const v of this.values) {
      k++;
      const dev = v - mean;
      const nDev = dev / k;
      m2 += (k - 1) * dev * nDev;
      mean += nDev;
    }
    const std = Math.sqrt(m2 / (n - 1));
    let accum = 0;
    for (const v of this.values) accum += Math.pow(v - mean, 4);
    accum /= Math.pow(std, 4);
    const coefficientOne = (n * (n + 1)) / ((n - 1) * (n - 2) * (n - 3));
    const termTwo = (3 * Math.pow(n - 1, 2)) / ((n - 2) * (n - 3));
    return coefficientOne * accum - termTwo;
  }
  skewness(): number {
    const n = this.values.length;
    if (n < 3) return Number.NaN;
    const m = this.mean();
    let accum = 0;
    let accum2 = 0;
    for (const v of this.values) {
      const d = v - m;
      accum += d * d;
      accum2 += d;
    }
    const variance = (accum - (accum2 * accum2) / n) / (n - 1);
    let accum3 = 0;
    for (const v of this.values) {
      const d = v - m;
      accum3 += d * d * d;
    }
    accum3 /= variance * Math.sqrt(variance);
    return (n / ((n - 1) * (n - 2))) * accum3;
  }
  /** Commons Math's legacy estimate: position p(n+1)/100 between order statistics. */
  percentile(p: number): number {
    if (!(p > 0 && p <= 100)) throw new StellarFunctionError(`out of bounds quantile value: ${p}, must be in (0, 100]`);
    const n = this.values.length;
    if (n === 0) return Number.NaN;
    const sorted = [...this.values].sort((a, b) => a - b);
    if (n === 1) return sorted[0]!;
    const pos = (p * (n + 1)) / 100;
    const fpos = Math.floor(pos);
    const dif = pos - fpos;
    if (pos < 1) return sorted[0]!;
    if (pos >= n) return sorted[n - 1]!;
    const lower = sorted[fpos - 1]!;
    const upper = sorted[fpos]!;
    return lower + dif * (upper - lower);
  }
  merge(): StatisticsProvider {
    throw new StellarFunctionError('Windowed statistics cannot be merged.');
  }
}

export function isStatistics(v: unknown): v is StatisticsProvider {
  return v instanceof OnlineStatistics || v instanceof WindowedStatistics;
}

/** Java's ConversionUtils.convert(x, Double.class) for the values Stellar passes; null when not convertible. */
function toNumber(v: StellarValue): number | null {
  if (isNumber(v)) return toDouble(v);
  if (typeof v === 'string') {
    const t = v.trim();
    if (t !== '' && /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?[dDfFlL]?$/.test(t)) return Number(t.replace(/[dDfFlL]$/, ''));
  }
  return null;
}

function statsInit(args: readonly StellarValue[]): StatisticsProvider {
  const first = args[0];
  const windowSize = first !== undefined && isNumber(first) ? Math.trunc(toDouble(first)) | 0 : 0;
  return windowSize > 0 ? new WindowedStatistics(windowSize) : new OnlineStatistics();
}

function addNumber(fn: string, stats: StatisticsProvider, v: StellarValue): void {
  const n = toNumber(v);
  if (n === null) throw new StellarFunctionError(`${fn}: cannot add ${typeof v === 'string' ? `'${v}'` : 'a non-number'} to the statistics`);
  stats.addValue(n);
}

const STATS_PARAM = 'stats - The statistics object';

/** A STATS_* accessor: NaN when the argument is not a statistics object. */
function accessor(name: string, description: string, returns: string, get: (s: StatisticsProvider) => number): StellarFunction {
  return {
    name,
    namespace: 'STATS',
    description,
    params: [STATS_PARAM],
    returns,
    call(args) {
      const stats = args[0];
      return isStatistics(stats) ? get(stats) : Number.NaN;
    },
  };
}

const BIN_SPLITS: Record<string, number[]> = {
  QUARTILE: [25, 50, 75],
  QUINTILE: [20, 40, 60, 80],
  DECILE: [10, 20, 30, 40, 50, 60, 70, 80, 90],
};

/** The bin N with bound(N-1) < value <= bound(N); bounds.length when above every bound (Metron's BIN rule). */
export function binOf(value: number, numBins: number, bound: (bin: number) => number): number {
  let lastBound = Number.NEGATIVE_INFINITY;
  for (let bin = 0; bin < numBins; bin++) {
    const b = bound(bin);
    if (lastBound > b) throw new StellarFunctionError('Your bins must be non-decreasing');
    if (value <= b) return bin;
    lastBound = b;
  }
  return numBins;
}

export const functions: StellarFunction[] = [
  {
    name: 'STATS_INIT',
    namespace: 'STATS',
    description: 'Creates a statistics object, optionally keeping only a rolling window of the latest values.',
    params: [
      'window_size - (optional) How many of the latest values to keep; 0 (the default) keeps running totals and a percentile sketch instead, which can be merged but cannot give some statistics',
    ],
    returns: 'A statistics object.',
    call(args) {
      return statsInit(args);
    },
  },
  {
    name: 'STATS_ADD',
    namespace: 'STATS',
    description: 'Adds values to a statistics object, creating one when it is null.',
    params: ['stats - The statistics object, or null for a new one', 'value+ - Numbers, or lists of numbers, to add (nulls are skipped)'],
    returns: 'The statistics object.',
    call(args, ctx) {
      const given = args[0];
      const stats = isStatistics(given) ? given : statsInit([]);
      for (let i = 1; i < args.length; i++) {
        const v = args[i]!;
        if (v === null) continue;
        if (Array.isArray(v)) {
          ctx.step(v.length);
          for (const item of v) if (item !== null) addNumber('STATS_ADD', stats, item);
        } else {
          addNumber('STATS_ADD', stats, v);
        }
      }
      return stats;
    },
  },
  {
    name: 'STATS_MERGE',
    namespace: 'STATS',
    description: 'Combines several statistics objects (without windows) into one.',
    params: ['statistics - A list of statistics objects'],
    returns: 'The combined statistics object, or null when the list holds none.',
    call(args, ctx) {
      const list = args[0];
      if (!Array.isArray(list)) return null;
      ctx.step(list.length);
      let merged: StatisticsProvider | null = null;
      for (const s of list) {
        if (!isStatistics(s)) continue;
        merged = merged === null ? s : merged.merge(s);
      }
      return merged;
    },
  },
  accessor('STATS_COUNT', 'Counts the values added (in the window, if there is one).', 'The count as a double, or NaN when stats is null.', (s) => s.count()),
  accessor('STATS_MEAN', 'Computes the arithmetic mean of the values (in the window, if there is one).', 'The mean, or NaN when stats is null.', (s) => s.mean()),
  accessor(
    'STATS_GEOMETRIC_MEAN',
    'Computes the geometric mean of the values; needs a window.',
    'The geometric mean, or NaN when stats is null.',
    (s) => s.geometricMean(),
  ),
  accessor('STATS_MAX', 'Finds the largest value (in the window, if there is one).', 'The maximum, or NaN when stats is null or empty.', (s) => s.max()),
  accessor('STATS_MIN', 'Finds the smallest value (in the window, if there is one).', 'The minimum, or NaN when stats is null or empty.', (s) => s.min()),
  accessor('STATS_SUM', 'Adds up the values (in the window, if there is one).', 'The sum, or NaN when stats is null.', (s) => s.sum()),
  accessor(
    'STATS_POPULATION_VARIANCE',
    'Computes the population variance (divided by n) of the values; needs a window.',
    'The population variance, or NaN when stats is null.',
    (s) => s.populationVariance(),
  ),
  accessor(
    'STATS_VARIANCE',
    'Computes the sample variance (divided by n - 1) of the values (in the window, if there is one).',
    'The variance, or NaN when stats is null.',
    (s) => s.variance(),
  ),
  accessor(
    'STATS_QUADRATIC_MEAN',
    'Computes the quadratic mean (root mean square) of the values (in the window, if there is one).',
    'The quadratic mean, or NaN when stats is null.',
    (s) => s.quadraticMean(),
  ),
  accessor(
    'STATS_SD',
    'Computes the sample standard deviation of the values (in the window, if there is one).',
    'The standard deviation, or NaN when stats is null.',
    (s) => s.standardDeviation(),
  ),
  accessor(
    'STATS_SUM_LOGS',
    'Adds up the natural logarithms of the values; not available with a window.',
    'The sum of the logs, or NaN when stats is null.',
    (s) => s.sumLogs(),
  ),
  accessor(
    'STATS_SUM_SQUARES',
    'Adds up the squares of the values (in the window, if there is one).',
    'The sum of the squares, or NaN when stats is null.',
    (s) => s.sumSquares(),
  ),
  accessor(
    'STATS_KURTOSIS',
    'Computes the sample excess kurtosis of the values (in the window, if there is one).',
    'The kurtosis, or NaN when stats is null or holds fewer than 4 values.',
    (s) => s.kurtosis(),
  ),
  accessor(
    'STATS_SKEWNESS',
    'Computes the sample skewness of the values (in the window, if there is one).',
    'The skewness, or NaN when stats is null or holds fewer than 3 values.',
    (s) => s.skewness(),
  ),
  {
    name: 'STATS_PERCENTILE',
    namespace: 'STATS',
    description: 'Estimates a percentile of the values: exact with a window, from the t-digest sketch otherwise.',
    params: [STATS_PARAM, 'p - The percentile, between 0 and 100'],
    returns: "The p'th percentile, or NaN when stats or p is null.",
    call(args) {
      const stats = args[0];
      const p = args[1] === undefined || args[1] === null ? null : toNumber(args[1]);
      if (!isStatistics(stats) || p === null) return Number.NaN;
      return stats.percentile(p);
    },
  },
  {
    name: 'STATS_BIN',
    namespace: 'STATS',
    description: 'Finds which percentile bin of the distribution a value falls in.',
    params: [
      STATS_PARAM,
      'value - The value to place',
      'bounds - (optional) The percentile bounds between bins (a list), or QUARTILE, QUINTILE or DECILE; QUARTILE by default',
    ],
    returns: 'The bin N such that percentile(bound(N-1)) < value <= percentile(bound(N)); -1 when stats or value is null.',
    call(args) {
      const stats = args[0];
      const value = args[1] === undefined || args[1] === null ? null : toNumber(args[1]);
      let bounds: number[];
      if (args.length > 2) {
        const split = args[2];
        if (typeof split === 'string') {
          const known = BIN_SPLITS[split];
          if (known === undefined) throw new StellarFunctionError(`STATS_BIN: unknown bin split '${split}' (QUARTILE, QUINTILE or DECILE)`);
          bounds = known;
        } else if (Array.isArray(split)) {
          bounds = split.map((b) => {
            const n = toNumber(b);
            if (n === null) throw new StellarFunctionError('STATS_BIN: bounds must be numbers');
            return n;
          });
        } else {
          throw new StellarFunctionError(`STATS_BIN: the split you passed is not a valid split: ${String(split)}`);
        }
      } else {
        bounds = BIN_SPLITS['QUARTILE']!;
      }
      if (!isStatistics(stats) || value === null || bounds.length === 0) return new JInt(-1);
      return new JInt(binOf(value, bounds.length, (bin) => stats.percentile(bounds[bin]!)));
    },
  },
];
