/**
 * Helpers shared by the function files that are thin adapters over a service another module
 * installs (geo, enrichment, profiler, kafka, ...): fetching the service and checking arguments
 * with one consistent message style.
 */
import { JInt, JLong, JFloat, isLambda, isNumber, toDouble } from '../values.js';
import type { StellarLambda, StellarValue } from '../values.js';
import { StellarFunctionError } from './types.js';
import type { FunctionContext } from './types.js';

/**
 * The installed service, or the same error the core reports when the module is missing (the core
 * normally checks `requires` before calling, this covers direct calls).
 */
export function requireService<T>(ctx: FunctionContext, fn: string, service: string): T {
  const found = ctx.service<T>(service);
  if (found === undefined || found === null) {
    throw new StellarFunctionError(`${fn} needs the ${service} module, which is not installed`);
  }
  return found;
}

function describe(v: StellarValue | undefined): string {
  if (v === undefined) return 'nothing';
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'a list';
  if (v instanceof Map) return 'a map';
  if (isNumber(v)) return 'a number';
  return `a ${typeof v}`;
}

/** Fails unless at least `min` arguments were given. */
export function expectArgs(fn: string, args: readonly StellarValue[], min: number, usage: string): void {
  if (args.length < min) {
    throw new StellarFunctionError(`${fn} expects at least ${min} argument${min === 1 ? '' : 's'}: ${fn}(${usage})`);
  }
}

/** A required string argument. */
export function stringArg(fn: string, args: readonly StellarValue[], i: number, name: string): string {
  const v = args[i];
  if (typeof v !== 'string') throw new StellarFunctionError(`${fn}: ${name} must be a string, got ${describe(v)}`);
  return v;
}

/** An optional string argument (absent or null gives undefined). */
export function optionalStringArg(fn: string, args: readonly StellarValue[], i: number, name: string): string | undefined {
  const v = args[i];
  if (v === undefined || v === null) return undefined;
  if (typeof v !== 'string') throw new StellarFunctionError(`${fn}: ${name} must be a string, got ${describe(v)}`);
  return v;
}

/** A string, or any value rendered as Java's String.valueOf would for numbers and booleans. */
export function textArg(fn: string, args: readonly StellarValue[], i: number, name: string): string {
  const v = args[i];
  if (typeof v === 'string') return v;
  if (typeof v === 'boolean' || v instanceof JInt || v instanceof JLong || v instanceof JFloat) return String(v);
  if (typeof v === 'number') return Number.isInteger(v) ? v.toFixed(1) : String(v);
  throw new StellarFunctionError(`${fn}: ${name} must be a string, got ${describe(v)}`);
}

/** An optional map argument (absent or null gives undefined). */
export function optionalMapArg(
  fn: string,
  args: readonly StellarValue[],
  i: number,
  name: string,
): Map<StellarValue, StellarValue> | undefined {
  const v = args[i];
  if (v === undefined || v === null) return undefined;
  if (!(v instanceof Map)) throw new StellarFunctionError(`${fn}: ${name} must be a map, got ${describe(v)}`);
  return v;
}

/** A required map argument. */
export function mapArg(fn: string, args: readonly StellarValue[], i: number, name: string): Map<StellarValue, StellarValue> {
  const v = optionalMapArg(fn, args, i, name);
  if (v === undefined) throw new StellarFunctionError(`${fn}: ${name} must be a map, got ${describe(args[i])}`);
  return v;
}

/** A required list argument. */
export function listArg(fn: string, args: readonly StellarValue[], i: number, name: string): StellarValue[] {
  const v = args[i];
  if (!Array.isArray(v)) throw new StellarFunctionError(`${fn}: ${name} must be a list, got ${describe(v)}`);
  return v;
}

/** A string or a list of strings, as a list. */
export function stringsArg(fn: string, args: readonly StellarValue[], i: number, name: string): string[] {
  const v = args[i];
  if (typeof v === 'string') return [v];
  if (Array.isArray(v) && v.every((x) => typeof x === 'string')) return v as string[];
  throw new StellarFunctionError(`${fn}: ${name} must be a string or a list of strings, got ${describe(v)}`);
}

/** An optional list of strings (absent or null gives undefined). */
export function optionalStringListArg(fn: string, args: readonly StellarValue[], i: number, name: string): string[] | undefined {
  const v = args[i];
  if (v === undefined || v === null) return undefined;
  return stringsArg(fn, args, i, name);
}

/** A required integral number argument, as a JS number. */
export function integerArg(fn: string, args: readonly StellarValue[], i: number, name: string): number {
  const v = args[i];
  if (!isNumber(v)) throw new StellarFunctionError(`${fn}: ${name} must be a number, got ${describe(v)}`);
  return Math.trunc(toDouble(v));
}

/** An optional integral number argument (absent or null gives undefined). */
export function optionalIntegerArg(fn: string, args: readonly StellarValue[], i: number, name: string): number | undefined {
  const v = args[i];
  if (v === undefined || v === null) return undefined;
  return integerArg(fn, args, i, name);
}

/** An optional boolean argument (absent or null gives undefined). */
export function optionalBooleanArg(fn: string, args: readonly StellarValue[], i: number, name: string): boolean | undefined {
  const v = args[i];
  if (v === undefined || v === null) return undefined;
  if (typeof v !== 'boolean') throw new StellarFunctionError(`${fn}: ${name} must be a boolean, got ${describe(v)}`);
  return v;
}

/** A required lambda argument. */
export function lambdaArg(fn: string, args: readonly StellarValue[], i: number, name: string): StellarLambda {
  const v = args[i];
  if (!isLambda(v)) throw new StellarFunctionError(`${fn}: ${name} must be a lambda, got ${describe(v)}`);
  return v;
}
