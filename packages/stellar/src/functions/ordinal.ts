/**
 * MAX and MIN (Metron OrdinalFunctions.java) over a list of mutually comparable values, or over
 * a statistics object (STATS_INIT/STATS_ADD). Numbers of different types compare as Metron does: the running result is
 * converted to the candidate's type before comparing, and the winner keeps its own type.
 */
import { JFloat, JInt, JLong, isNumber, numericType, toDouble, type JavaNumber, type StellarValue } from '../values.js';
import type { StellarFunction } from './types.js';
import { arg, convertNumber, defineFunction, fail, iterableItems, javaTypeName } from './java-interop.js';
import { isStatistics } from './stats.js';

function compareNumbers(a: JavaNumber, b: JavaNumber): number {
  if (a instanceof JLong && b instanceof JLong) return a.value < b.value ? -1 : a.value > b.value ? 1 : 0;
  const x = toDouble(a);
  const y = toDouble(b);
  return x < y ? -1 : x > y ? 1 : 0;
}

/** Java compareTo of `ret` against `value`, or undefined when the two are incomparable. */
function compare(ret: StellarValue, value: StellarValue): number | undefined {
  if (isNumber(ret) && isNumber(value)) {
    const converted = convertNumber(ret, numericType(value));
    if (converted === null) return undefined;
    return compareNumbers(converted, value);
  }
  if (typeof ret === 'string' && typeof value === 'string') return ret < value ? -1 : ret > value ? 1 : 0;
  if (typeof ret === 'boolean' && typeof value === 'boolean') return Number(ret) - Number(value);
  return undefined;
}

function isComparable(v: StellarValue): boolean {
  return typeof v === 'string' || typeof v === 'boolean' || typeof v === 'number' || v instanceof JInt || v instanceof JLong || v instanceof JFloat;
}

function order(fnName: 'MAX' | 'MIN', args: StellarValue[]): StellarValue {
  const input = arg(args, 0);
  if (args.length < 1 || input === null) fail(`${fnName} function requires at least a Stellar list of values`);
  if (isStatistics(input)) return fnName === 'MAX' ? input.max() : input.min();
  const items = iterableItems(input);
  if (items === undefined) return fail(`${fnName}: expected a list or a statistics object, got ${javaTypeName(input)}`);
  let ret: StellarValue = null;
  for (const value of items) {
    if (value === null) continue;
    if (!isComparable(value)) fail(`Noncomparable object type ${javaTypeName(value)} submitted to ${fnName}`);
    if (ret === null) {
      ret = value;
      continue;
    }
    const c = compare(ret, value);
    if (c === undefined) return null;
    if (fnName === 'MAX' ? c < 0 : c > 0) ret = value;
  }
  return ret;
}

export const functions: StellarFunction[] = [
  defineFunction('MAX', '', 'Returns the largest of a list of comparable values, or the maximum of a statistics object.', ['stats - A statistics object (from STATS_ADD)', 'list - A list of mutually comparable values (numbers of any type, or strings)'], 'The largest value; null for an empty list or values that cannot be compared.', (args) => order('MAX', args)),
  defineFunction('MIN', '', 'Returns the smallest of a list of comparable values, or the minimum of a statistics object.', ['stats - A statistics object (from STATS_ADD)', 'list - A list of mutually comparable values (numbers of any type, or strings)'], 'The smallest value; null for an empty list or values that cannot be compared.', (args) => order('MIN', args)),
];
