/**
 * Math functions (Metron MathFunctions.java / MathOperations.java). Every operation works on the
 * argument's double value and returns a double, except ROUND which returns a long as Java's
 * `Math.round(double)` does. A missing or null argument gives NaN, as StellarMathFunction does.
 */
import { JLong, isNumber, toDouble, type StellarValue } from '../values.js';
import type { StellarFunction } from './types.js';
import { defineFunction, doubleToLongBits, fail, javaTypeName } from './java-interop.js';

function numberArg(fnName: string, args: StellarValue[]): number | undefined {
  const v = args[0];
  if (v === undefined || v === null) return undefined;
  if (!isNumber(v)) return fail(`${fnName}: expected a number, got ${javaTypeName(v)}`);
  return toDouble(v);
}

function unary(name: string, description: string, what: string, op: (d: number) => number): StellarFunction {
  return defineFunction(name, '', description, [`number - The number to take the ${what} of`], `The ${what} of the number, as a double.`, (args) => {
    const d = numberArg(name, args);
    return d === undefined ? NaN : op(d);
  });
}

/** Java's `Math.round(double)`: floor(x + 0.5) saturated to the long range. */
function javaRound(d: number): StellarValue {
  if (Number.isNaN(d)) return NaN;
  return new JLong(doubleToLongBits(Math.round(d)));
}

export const functions: StellarFunction[] = [
  unary('ABS', 'Returns the absolute value of a number.', 'absolute value', Math.abs),
  unary('LOG10', 'Returns the base-10 logarithm of a number.', 'base-10 log', Math.log10),
  unary('LOG2', 'Returns the base-2 logarithm of a number.', 'base-2 log', (d) => Math.log(d) / Math.log(2)),
  unary('LN', 'Returns the natural logarithm of a number.', 'natural log', Math.log),
  unary('SQRT', 'Returns the square root of a number.', 'square root', Math.sqrt),
  unary('CEILING', 'Returns the smallest integral value not less than a number.', 'ceiling', Math.ceil),
  unary('FLOOR', 'Returns the largest integral value not greater than a number.', 'floor', Math.floor),
  unary('SIN', 'Returns the sine of an angle in radians.', 'sine', Math.sin),
  unary('COS', 'Returns the cosine of an angle in radians.', 'cosine', Math.cos),
  unary('TAN', 'Returns the tangent of an angle in radians.', 'tangent', Math.tan),
  unary('EXP', "Returns Euler's number e raised to a power.", 'exponential', Math.exp),
  defineFunction('ROUND', '', 'Rounds a number to the nearest integer, halves rounding up.', ['number - The number to round'], 'The nearest integer as a long (NaN stays NaN).', (args) => {
    const d = numberArg('ROUND', args);
    return d === undefined ? NaN : javaRound(d);
  }),
  defineFunction('IS_NAN', '', 'Tests whether a number is NaN, evaluated as a double.', ['number - The number to test'], 'True if the number is NaN, false otherwise.', (args) => {
    if (args.length !== 1) fail('IS_NAN expects one: [number]');
    const v = args[0] ?? null;
    if (!isNumber(v)) return fail('IS_NAN() expects a number argument');
    return Number.isNaN(toDouble(v));
  }),
];
