/**
 * Higher-order functions (Metron FunctionalFunctions.java): MAP, FILTER and REDUCE apply a
 * Stellar lambda to each item of a list or set; ZIP and ZIP_LONGEST pair up lists.
 */
import { isLambda, type StellarLambda, type StellarValue } from '../values.js';
import type { FunctionContext, StellarFunction } from './types.js';
import { arg, defineFunction, fail, iterableItems, javaTypeName } from './java-interop.js';

function inputItems(v: StellarValue, fnName: string): StellarValue[] {
  const items = iterableItems(v);
  if (items === undefined) return fail(`${fnName}: expected a list, got ${javaTypeName(v)}`);
  return items;
}

function lambdaArg(v: StellarValue, fnName: string): StellarLambda {
  if (!isLambda(v)) return fail(`${fnName}: expected a lambda expression, got ${javaTypeName(v)}`);
  return v;
}

function zip(args: StellarValue[], longest: boolean, ctx: FunctionContext): StellarValue[] {
  const lists = args.filter((a): a is StellarValue[] => Array.isArray(a));
  if (lists.length === 0) return [];
  const sizes = lists.map((l) => l.length);
  const size = longest ? Math.max(...sizes) : Math.min(...sizes);
  ctx.step(size);
  const ret: StellarValue[] = [];
  for (let i = 0; i < size; i++) ret.push(lists.map((l) => (i < l.length ? (l[i] ?? null) : null)));
  return ret;
}

export const functions: StellarFunction[] = [
  defineFunction('MAP', '', 'Applies a one-argument lambda to each item of a list.', ['list - The list', 'transform_expression - A lambda taking one argument'], 'A list of the lambda results (null input gives null).', (args, ctx) => {
    const input = arg(args, 0);
    const expr = arg(args, 1);
    if (input === null || expr === null) return input;
    const fn = lambdaArg(expr, 'MAP');
    const items = inputItems(input, 'MAP');
    ctx.step(items.length);
    return items.map((o) => fn.call([o]));
  }, { pure: false }),
  defineFunction('FILTER', '', 'Keeps the items of a list for which a one-argument lambda returns true.', ['list - The list', 'predicate - A lambda taking one argument and returning a boolean'], 'The filtered list (null input gives null).', (args, ctx) => {
    const input = arg(args, 0);
    const expr = arg(args, 1);
    if (input === null || expr === null) return input;
    const fn = lambdaArg(expr, 'FILTER');
    const items = inputItems(input, 'FILTER');
    ctx.step(items.length);
    return items.filter((o) => fn.call([o]) === true);
  }, { pure: false }),
  defineFunction('REDUCE', '', 'Folds a list into one value with a two-argument lambda (running value, item).', ['list - The list', 'binary_operation - A lambda taking the running value and an item', 'initial_value - The starting value'], 'The final running value (null when the list, lambda or initial value is null).', (args, ctx) => {
    const input = arg(args, 0);
    if (input === null || args.length < 3) return null;
    const expr = arg(args, 1);
    let running = arg(args, 2);
    if (expr === null || running === null) return null;
    const fn = lambdaArg(expr, 'REDUCE');
    const items = inputItems(input, 'REDUCE');
    ctx.step(items.length);
    for (const rhs of items) running = fn.call([running, rhs]);
    return running;
  }, { pure: false }),
  defineFunction('ZIP_LONGEST', '', 'Zips lists into a list of tuples as long as the longest list, padding with null.', ['list(s) - The lists to zip'], 'A list whose i-th element is the list of the i-th items.', (args, ctx) => zip(args, true, ctx)),
  defineFunction('ZIP', '', 'Zips lists into a list of tuples as long as the shortest list.', ['list(s) - The lists to zip'], 'A list whose i-th element is the list of the i-th items.', (args, ctx) => zip(args, false, ctx)),
];
