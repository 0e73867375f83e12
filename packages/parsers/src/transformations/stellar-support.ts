/**
 * What the field transformations, the message filter and the field validations share to run
 * Stellar over a message: compile once at config time (a bad expression is a ConfigError naming
 * its JSON path), read message fields as Stellar variables, and turn results back into JSON.
 */
import { ConfigError, errorMessage } from '@metron/core';
import { compile, fromJson, toJson, type CompiledExpression, type EvalContext, type StellarValue } from '@metron/stellar';

/** Compiles `expression` or throws ConfigError at `file`/`jsonPath` with the Stellar error. */
export function compileStellar(expression: unknown, file: string, jsonPath: string): CompiledExpression {
  if (typeof expression !== 'string') throw new ConfigError(file, jsonPath, 'must be a Stellar expression (a string)');
  try {
    return compile(expression);
  } catch (err) {
    throw new ConfigError(file, jsonPath, `invalid Stellar expression: ${errorMessage(err)}`);
  }
}

/**
 * Variables for Stellar read from maps (JSON objects or maps of Stellar values): the first map with a
 * non-null value wins, as Metron's MapVariableResolver. A name no map holds is unset, which the
 * pipeline's `missingVariables: 'null'` reads as null.
 */
export function variablesOf(...maps: ReadonlyArray<Record<string, unknown> | Map<string, StellarValue>>): (name: string) => StellarValue | undefined {
  return (name) => {
    let held = false;
    for (const map of maps) {
      if (map instanceof Map) {
        const value = map.get(name);
        if (value !== undefined && value !== null) return value;
        held ||= map.has(name);
      } else if (Object.hasOwn(map, name)) {
        const value = map[name];
        if (value !== undefined && value !== null) return fromJson(value);
        held = true;
      }
    }
    return held ? null : undefined;
  };
}

/** Metron's pipeline reads unset variables as null in every Stellar expression it runs. */
const PIPELINE_EVAL: Partial<EvalContext> = { missingVariables: 'null' };

/** The evaluation context of the pipeline; `now` (epoch ms of the record) keeps time functions repeatable. */
export function pipelineEval(now: number | undefined): Partial<EvalContext> {
  return now === undefined ? PIPELINE_EVAL : { missingVariables: 'null', now: () => now };
}

/** A Stellar result as the JSON value stored in a message. */
export function jsonOf(value: StellarValue): unknown {
  return toJson(value);
}
