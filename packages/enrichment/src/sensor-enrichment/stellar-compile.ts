/**
 * Compiling the Stellar of a sensor enrichment config once, at config time, with the caller's
 * function registry (its services: enrichment store, geo, ...) and limits, as the parsers'
 * field transformations do. A bad expression is a ConfigError naming its JSON path; a function
 * whose module is not installed is a warning (it fails on each message, as in Metron).
 */
import { ConfigError, errorMessage } from '@metron/core';
import { compile, defaultRegistry } from '@metron/stellar';
import type { CompiledExpression, EvalContext, FunctionRegistry, StellarLimits } from '@metron/stellar';

export interface StellarSettings {
  readonly functions: FunctionRegistry;
  readonly limits: Partial<StellarLimits>;
  /** Compile-time findings that do not stop the config (missing modules). */
  readonly warnings: ConfigError[];
}

let sharedRegistry: FunctionRegistry | undefined;

/** The registry to compile with: the caller's, else one shared registry of every built-in function. */
export function registryOrDefault(functions: FunctionRegistry | undefined): FunctionRegistry {
  if (functions !== undefined) return functions;
  sharedRegistry ??= defaultRegistry();
  return sharedRegistry;
}

/** Compiles `expression` or throws ConfigError at `file` / `jsonPath` with the Stellar error (and its caret). */
export function compileExpression(expression: string, file: string, jsonPath: string, settings: StellarSettings): CompiledExpression {
  let compiled: CompiledExpression;
  try {
    compiled = compile(expression, { ...settings.limits, functions: settings.functions });
  } catch (err) {
    throw new ConfigError(file, jsonPath, `invalid Stellar expression: ${errorMessage(err)}`);
  }
  for (const name of compiled.functions) {
    const module = settings.functions.get(name)?.requires;
    if (module !== undefined && settings.functions.service(module) === undefined) {
      settings.warnings.push(new ConfigError(file, jsonPath, `${name} needs the ${module} module, which is not installed: the expression fails on every message until it is`));
    }
  }
  return compiled;
}

/** Metron's pipeline reads unset variables as null; `now` makes time functions repeatable in tests. */
export function evalContext(now: (() => number) | undefined): Partial<EvalContext> {
  return now === undefined ? { missingVariables: 'null' } : { missingVariables: 'null', now };
}
