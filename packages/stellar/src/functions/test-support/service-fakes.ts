/** Test helpers: a FunctionContext with given services, and lookup of functions by name. */
import type { StellarValue } from '../../values.js';
import type { FunctionContext, StellarFunction } from '../types.js';

export function fakeContext(services: Record<string, unknown> = {}, nowMs = 1_700_000_000_000): FunctionContext {
  return {
    resolve: () => undefined,
    now: () => nowMs,
    service: <T>(name: string) => services[name] as T | undefined,
    step: () => {},
  };
}

export function byName(list: readonly StellarFunction[]): (name: string) => StellarFunction {
  return (name) => {
    const f = list.find((x) => x.name === name);
    if (!f) throw new Error(`no function ${name}`);
    return f;
  };
}

/** Calls a function by name with a context. */
export function caller(list: readonly StellarFunction[], ctx: FunctionContext): (name: string, ...args: StellarValue[]) => StellarValue {
  const get = byName(list);
  return (name, ...args) => get(name).call(args, ctx);
}

export const m = (entries: [StellarValue, StellarValue][]): Map<StellarValue, StellarValue> => new Map(entries);
