/**
 * How the scores of the triage rules that fired become one score: Metron's Aggregators (MAX, MIN,
 * SUM, MEAN, POSITIVE_MEAN) with their exact arithmetic, including the quirks that decide real
 * scores:
 * - no score at all gives 0;
 * - with `negativeValuesTrump` (the default; `aggregationConfig.negativeValuesTrump`), any negative
 *   score makes the result -Infinity (a rule with a negative score is a whitelist);
 * - MAX starts from 0 (so negative scores without the trump give 0), MIN from Double.MAX_VALUE;
 * - MEAN divides the SUM by the number of scores, POSITIVE_MEAN the sum of the positive scores by
 *   their number.
 */
import type { TriageAggregator } from '@metron/core';
import type { StellarValue } from '@metron/stellar';
import { convertToBoolean, jacksonValue } from '../sensor-enrichment/java-values.js';

export const TRIAGE_AGGREGATORS: readonly TriageAggregator[] = ['MAX', 'MIN', 'SUM', 'MEAN', 'POSITIVE_MEAN'];

/** The aggregationConfig key Metron reads. */
export const NEGATIVE_VALUES_TRUMP = 'negativeValuesTrump';

/** `negativeValuesTrump` from an aggregationConfig: true unless set to a false value (beanutils' words). */
export function negativeValuesTrump(aggregationConfig: Readonly<Record<string, unknown>> | ReadonlyMap<StellarValue, StellarValue>): boolean {
  const raw = aggregationConfig instanceof Map ? aggregationConfig.get(NEGATIVE_VALUES_TRUMP) : (aggregationConfig as Record<string, unknown>)[NEGATIVE_VALUES_TRUMP];
  if (raw === undefined || raw === null) return true;
  return convertToBoolean(jacksonValue(raw)) ?? true;
}

function accumulate(initial: number, op: (x: number, y: number) => number, scores: ArrayLike<number>, count: number, trump: boolean): number {
  if (count === 0) return 0;
  let acc = initial;
  for (let i = 0; i < count; i++) {
    const y = scores[i]!;
    acc = trump && (y < 0 || acc < 0) ? -Infinity : op(acc, y);
  }
  return acc;
}

const max = (x: number, y: number): number => Math.max(x, y);
const min = (x: number, y: number): number => Math.min(x, y);
const add = (x: number, y: number): number => x + y;

/** The first `count` scores (default: all) aggregated as Metron's Aggregators.aggregate does. */
export function aggregateScores(aggregator: TriageAggregator, scores: ArrayLike<number>, trump: boolean, count = scores.length): number {
  switch (aggregator) {
    case 'MAX':
      return accumulate(0, max, scores, count, trump);
    case 'MIN':
      return accumulate(Number.MAX_VALUE, min, scores, count, trump);
    case 'SUM':
      return accumulate(0, add, scores, count, trump);
    case 'MEAN':
      return accumulate(0, add, scores, count, trump) / (count === 0 ? 1 : count);
    case 'POSITIVE_MEAN': {
      let sum = 0;
      let n = 0;
      for (let i = 0; i < count; i++) {
        const s = scores[i]!;
        if (s < 0) {
          if (trump) return -Infinity;
        } else if (s > 0) {
          sum += s;
          n++;
        }
      }
      return n > 0 ? sum / n : 0;
    }
  }
}
