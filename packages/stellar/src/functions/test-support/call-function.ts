/** Test helpers for the function files: call a function by name with a stub context. */
import { toJson, typeName, type StellarValue } from '../../values.js';
import type { FunctionContext, StellarFunction } from '../types.js';

export function stubContext(services: Record<string, unknown> = {}, now = 1472131630748): FunctionContext {
  return {
    resolve: () => undefined,
    now: () => now,
    service: <T>(name: string) => services[name] as T | undefined,
    step: () => undefined,
  };
}

/** Calls `name` from `functions` with the given arguments. */
export function callFunction(functions: readonly StellarFunction[], name: string, ...args: StellarValue[]): StellarValue {
  const fn = functions.find((f) => f.name === name);
  if (fn === undefined) throw new Error(`no function ${name}`);
  return fn.call(args, stubContext());
}

/** A result as { type, value } so one assertion checks the Java type and the JSON value. */
export function typed(v: StellarValue): { type: string; value: unknown } {
  return { type: typeName(v), value: toJson(v) };
}
