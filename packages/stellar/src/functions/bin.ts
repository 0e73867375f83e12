/** BIN (Metron BinFunctions.java): which bin of a sorted list of bounds a value falls in. */
import { JInt, isNumber, toDouble } from '../values.js';
import type { StellarFunction } from './types.js';
import { arg, convertNumber, defineFunction, fail } from './java-interop.js';

export const functions: StellarFunction[] = [
  defineFunction('BIN', '', 'Computes the bin a value falls in, given sorted bin bounds.', ['value - The value to bin', 'bounds - A sorted list of bounds (excluding min and max)'], 'The int bin N such that bound(N-1) < value <= bound(N); values above the last bound go in the last bin; -1 when the value or bounds are missing.', (args) => {
    const value = convertNumber(arg(args, 0), 'double');
    const bounds = args.length > 1 ? arg(args, 1) : null;
    if (value === null || !Array.isArray(bounds) || bounds.length === 0) return new JInt(-1);
    let lastBound = -Infinity;
    for (let bin = 0; bin < bounds.length; bin++) {
      const b = bounds[bin] ?? null;
      if (!isNumber(b)) return fail('BIN: the bounds must be numbers');
      const bound = toDouble(b);
      if (lastBound > bound) fail('BIN: your bins must be non-decreasing');
      if (value <= bound) return new JInt(bin);
      lastBound = bound;
    }
    return new JInt(bounds.length);
  }),
];
