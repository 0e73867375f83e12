/**
 * The `stellar` adapter (Metron's StellarAdapter, with StellarConfig's groups): each group runs
 * its assignments in order on its own copy of the message, apart from the other groups (Metron
 * runs them in parallel), so a group sees its own earlier assignments but not another group's.
 * What a group gives the message, as Metron:
 * - each assigned field with its last non-null value, under its bare name (no prefix);
 * - a field assigned a map is unfolded one level: `foo := {'a': 1}` gives `foo.a` = 1, no `foo`;
 * - a field set to null is dropped from the group's output (its temporaries), but a field the
 *   message already had keeps its value: Metron's join only adds;
 * - a failing assignment fails the whole group: none of its outputs, one error (non-fatal).
 * Variables: the message, then the sensor's `enrichment.config`, then its `configuration` (Metron
 * reads `enrichment.config` for threat-intel Stellar too).
 */
import type { JsonValue, Message } from '@metron/core';
import { errorMessage } from '@metron/core';
import { toJson } from '@metron/stellar';
import type { CompiledExpression, EvalContext, StellarValue } from '@metron/stellar';
import type { StageStep } from './adapters.js';
import type { StellarGroupConfig } from './config.js';
import { javaText } from './java-values.js';
import { compileExpression, type StellarSettings } from './stellar-compile.js';
import type { EnrichmentErrorType, OutputBuffer } from './types.js';
import type { VariableScope } from './variables.js';

interface CompiledStatement {
  readonly field: string;
  readonly expression: CompiledExpression;
  readonly jsonPath: string;
}

interface CompiledGroup {
  readonly name: string;
  readonly statements: readonly CompiledStatement[];
  /** The message fields the group reads (Metron's raw message of a failed group); null: all of them (`_`). */
  readonly reads: readonly string[] | null;
}

/** Compiles the groups; throws ConfigError for a bad expression. */
export function compileStellarGroups(groups: readonly StellarGroupConfig[], file: string, stellar: StellarSettings): CompiledGroup[] {
  return groups.map((group) => {
    const statements = group.statements.map((s) => ({ field: s.field, jsonPath: s.jsonPath, expression: compileExpression(s.expression, file, s.jsonPath, stellar) }));
    const reads = new Set<string>();
    for (const s of statements) for (const v of s.expression.variables) reads.add(v);
    return { name: group.name, statements, reads: reads.has('_') ? null : [...reads] };
  });
}

function writeValue(out: OutputBuffer, field: string, value: StellarValue): void {
  if (value instanceof Map) {
    for (const [k, v] of value as Map<StellarValue, StellarValue>) out.push(`${field}.${javaText(k)}`, toJson(v) as JsonValue);
  } else out.push(field, toJson(value) as JsonValue);
}

/** The step running every group of a stage's `stellar` adapter. */
export function stellarStep(
  groups: readonly CompiledGroup[],
  scope: VariableScope,
  ctx: Partial<EvalContext>,
  stage: { errorType: EnrichmentErrorType; label: 'ENRICHMENT' | 'THREAT_INTEL' },
): StageStep {
  // reused for every group of every message: evaluation is synchronous
  const locals = new Map<string, StellarValue>();
  const assigned = new Map<string, StellarValue>();
  return {
    run(message, out, errors) {
      scope.message = message;
      scope.locals = locals;
      try {
        for (const group of groups) {
          locals.clear();
          assigned.clear();
          let failed = false;
          for (const statement of group.statements) {
            let value: StellarValue;
            try {
              value = statement.expression.run(scope.resolve, ctx);
            } catch (err) {
              errors.add({
                errorType: stage.errorType,
                message: `${stage.label} error with stellar failed: ${statement.field}: ${errorMessage(err)}`,
                adapter: 'stellar',
                jsonPath: statement.jsonPath,
                rawMessage: rawMessageOf(group, message),
                fatal: false,
              });
              failed = true;
              break;
            }
            if (value === null || value === undefined) {
              locals.set(statement.field, null);
              assigned.delete(statement.field);
            } else {
              locals.set(statement.field, value);
              assigned.set(statement.field, value);
            }
          }
          if (!failed) for (const [field, value] of assigned) writeValue(out, field, value);
        }
      } finally {
        locals.clear();
        assigned.clear();
        scope.release();
      }
      return groups.length > 0;
    },
  };
}

/** Metron's raw message of a failed group: `{"<group>": {the fields it reads}, "source.type": ...}`. */
function rawMessageOf(group: CompiledGroup, message: Message): Record<string, unknown> {
  let subset: Record<string, unknown>;
  if (group.reads === null) subset = { ...message };
  else {
    subset = {};
    for (const field of group.reads) subset[field] = Object.hasOwn(message, field) ? message[field] : null;
  }
  return { [group.name]: subset, 'source.type': message['source.type'] ?? null };
}
