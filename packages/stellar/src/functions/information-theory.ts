/**
 * IT_ENTROPY (Metron's InformationTheoryFunctions): Shannon entropy, in bits, of the distribution
 * a multiset (a map of value to count) describes.
 */
import { isNumber, toDouble } from '../values.js';
import type { StellarValue } from '../values.js';
import { StellarFunctionError } from './types.js';
import type { StellarFunction } from './types.js';

/** Entropy of counts with logarithms in the given base (2: bits). */
export function entropy(counts: Iterable<number>, base = 2): number {
  const values = [...counts];
  if (values.length === 0) return 0;
  // Metron sums the counts as a Java int
  let n = 0;
  for (const f of values) n = (n + f) | 0;
  const logOfBase = Math.log(base);
  let ret = 0;
  for (const f of values) {
    const p = f / n;
    ret -= (p * Math.log(p)) / logOfBase;
  }
  return ret;
}

export const functions: StellarFunction[] = [
  {
    name: 'IT_ENTROPY',
    namespace: 'IT',
    description: 'Computes the Shannon entropy, in bits, of a multiset given as a map of value to count.',
    params: ['input - A multiset: a map of values to their counts'],
    returns: 'The base-2 entropy (bits); 0 for a null or empty multiset.',
    pure: true,
    call(args) {
      const input = args[0];
      if (input === undefined || input === null) return 0;
      if (!(input instanceof Map)) throw new StellarFunctionError('IT_ENTROPY: input must be a map of values to counts');
      const counts: number[] = [];
      for (const v of (input as Map<StellarValue, StellarValue>).values()) {
        if (!isNumber(v)) throw new StellarFunctionError('IT_ENTROPY: counts must be numbers');
        counts.push(Math.trunc(toDouble(v)));
      }
      return entropy(counts);
    },
  },
];
