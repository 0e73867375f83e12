/** The five aggregators with Metron's AggregatorsTest values, and their edge cases. */
import { describe, expect, it } from 'vitest';
import { aggregateScores, negativeValuesTrump } from './aggregators.js';

const trump = true;
const noTrump = false;

describe('aggregators (Metron AggregatorsTest)', () => {
  it('MAX', () => {
    expect(aggregateScores('MAX', [1, 5, -1, 7], trump)).toBe(-Infinity);
    expect(aggregateScores('MAX', [1, 5, -1, -2], trump)).toBe(-Infinity);
    expect(aggregateScores('MAX', [1, 5, -1, 7, 0], noTrump)).toBe(7);
    expect(aggregateScores('MAX', [1, 5, 7], trump)).toBe(7);
    // MAX starts from 0: negative scores without the trump give 0
    expect(aggregateScores('MAX', [-1, -2], noTrump)).toBe(0);
  });

  it('MIN', () => {
    expect(aggregateScores('MIN', [1, 5, -1, 7, 0], trump)).toBe(-Infinity);
    expect(aggregateScores('MIN', [1, 5, -1, -2, 0], trump)).toBe(-Infinity);
    expect(aggregateScores('MIN', [1, 5, -1, 7, 0], noTrump)).toBe(-1);
    expect(aggregateScores('MIN', [1, 5, 7], noTrump)).toBe(1);
    expect(aggregateScores('MIN', [3, 5, 7], trump)).toBe(3);
  });

  it('MEAN', () => {
    expect(aggregateScores('MEAN', [1, 5, -1, 7, 0], trump)).toBe(-Infinity);
    expect(aggregateScores('MEAN', [1, 5, -1, 7, 0], noTrump)).toBeCloseTo(12 / 5, 7);
    expect(aggregateScores('MEAN', [10, 5, 0], trump)).toBe(5);
  });

  it('POSITIVE_MEAN', () => {
    expect(aggregateScores('POSITIVE_MEAN', [1, 5, -1, 7, 0], trump)).toBe(-Infinity);
    expect(aggregateScores('POSITIVE_MEAN', [1, 5, -1, 7, 0], noTrump)).toBeCloseTo(13 / 3, 7);
    expect(aggregateScores('POSITIVE_MEAN', [10, 5, 0], trump)).toBe(7.5);
    expect(aggregateScores('POSITIVE_MEAN', [0, 0], trump)).toBe(0);
  });

  it('SUM', () => {
    expect(aggregateScores('SUM', [1, 5, -1, 7], trump)).toBe(-Infinity);
    expect(aggregateScores('SUM', [1, 5, -1, 7], noTrump)).toBe(12);
    expect(aggregateScores('SUM', [0.1, 0.2], trump)).toBe(0.1 + 0.2);
  });

  it('no scores give 0 for every aggregator', () => {
    for (const agg of ['MAX', 'MIN', 'SUM', 'MEAN', 'POSITIVE_MEAN'] as const) expect(aggregateScores(agg, [], trump)).toBe(0);
  });

  it('uses only the first `count` scores of a reused buffer', () => {
    expect(aggregateScores('SUM', [1, 2, 100, 100], trump, 2)).toBe(3);
    expect(aggregateScores('MEAN', [4, 2, 100], trump, 2)).toBe(3);
  });

  it('negativeValuesTrump: true by default, beanutils booleans otherwise', () => {
    expect(negativeValuesTrump({})).toBe(true);
    expect(negativeValuesTrump({ negativeValuesTrump: 'false' })).toBe(false);
    expect(negativeValuesTrump({ negativeValuesTrump: false })).toBe(false);
    expect(negativeValuesTrump({ negativeValuesTrump: 'no' })).toBe(false);
    expect(negativeValuesTrump({ negativeValuesTrump: 0 })).toBe(false);
    expect(negativeValuesTrump({ negativeValuesTrump: 'perhaps' })).toBe(true);
    expect(negativeValuesTrump(new Map([['negativeValuesTrump', 'off']]))).toBe(false);
  });
});
