/**
 * Metron's Stellar endpoints (metron-rest README, StellarController), plus a detailed validation
 * for editors:
 *
 *   POST /api/v1/stellar/validate/rules          rules → {rule: valid?} (Metron's shape)
 *   POST /api/v1/stellar/validate                rules → [{rule, valid, error: {message, position, end, line, column, caret}}]
 *   GET  /api/v1/stellar/list                    the field transformations a parser config may name
 *   GET  /api/v1/stellar/list/functions          [{name, description, params, returns}]
 *   GET  /api/v1/stellar/list/simple/functions   the functions of exactly one parameter
 *   POST /api/v1/stellar/apply/transformations   a parser config's fieldTransformations on a sample message
 *
 * Rules are user input: the language's limits apply (size, depth, steps, time).
 */
import type { FastifyInstance } from 'fastify';
import { ConfigError, MetronError } from '@metron/core';
import { compileFieldTransformations, SUPPORTED_FIELD_TRANSFORMATIONS } from '@metron/parsers';
import { defaultRegistry, StellarEvalError, StellarParseError, validate } from '@metron/stellar';

/** Most rules one validate request takes. */
const MAX_RULES = 1000;
const rulesSchema = { type: 'array', maxItems: MAX_RULES, items: { type: 'string', maxLength: 65_536 } } as const;

/** Metron's SensorParserContext. */
const applySchema = {
  type: 'object',
  additionalProperties: false,
  required: ['sampleData', 'sensorParserConfig'],
  properties: {
    sampleData: { type: 'object' },
    sensorParserConfig: { type: 'object' },
  },
} as const;

/** One rule's validation, with where it fails. */
export interface RuleValidation {
  rule: string;
  valid: boolean;
  error?: { message: string; position: number; end: number; line: number; column: number; caret: string };
}

/** Validates each rule; the error of an invalid one points at the failing part. */
export function validateRules(rules: readonly string[]): RuleValidation[] {
  return rules.map((rule) => {
    const result = validate(rule);
    if (result.ok) return { rule, valid: true };
    const e = result.error;
    return { rule, valid: false, error: { message: e.message, position: e.position, end: e.end, line: e.line, column: e.column, caret: e.caret() } };
  });
}

export function registerStellarRoutes(app: FastifyInstance): void {
  const registry = defaultRegistry();
  const functions = registry.list().map((f) => ({ name: f.name, description: f.description, params: f.params, returns: f.returns }));

  app.post<{ Body: string[] }>('/api/v1/stellar/validate/rules', {
    schema: { summary: 'Checks that Stellar rules are well-formed: {rule: true|false}', body: rulesSchema },
  }, async (request) => Object.fromEntries(validateRules(request.body).map((r) => [r.rule, r.valid])));

  app.post<{ Body: string[] }>('/api/v1/stellar/validate', {
    schema: { summary: 'Checks Stellar rules; an invalid one comes with its message, position, line, column and a caret line', body: rulesSchema },
  }, async (request) => validateRules(request.body));

  app.get('/api/v1/stellar/list', {
    schema: { summary: 'The field transformations a sensor parser config may name' },
  }, async () => [...SUPPORTED_FIELD_TRANSFORMATIONS]);

  app.get('/api/v1/stellar/list/functions', {
    schema: { summary: 'Every Stellar function: name, description, params, returns' },
  }, async () => functions);

  app.get('/api/v1/stellar/list/simple/functions', {
    schema: { summary: 'The Stellar functions of exactly one parameter' },
  }, async () => functions.filter((f) => f.params.length === 1));

  app.post<{ Body: { sampleData: Record<string, unknown>; sensorParserConfig: Record<string, unknown> } }>('/api/v1/stellar/apply/transformations', {
    schema: { summary: "Applies a sensor parser config's fieldTransformations to a sample message", body: applySchema },
  }, async (request) => {
    const { sampleData, sensorParserConfig } = request.body;
    const parserConfig = (sensorParserConfig['parserConfig'] ?? {}) as Record<string, unknown>;
    const message = structuredClone(sampleData);
    try {
      const transform = compileFieldTransformations(sensorParserConfig['fieldTransformations'] ?? [], 'sensorParserConfig', parserConfig);
      transform?.(message, Date.now());
    } catch (err) {
      if (err instanceof ConfigError || err instanceof MetronError) throw err;
      if (err instanceof StellarParseError || err instanceof StellarEvalError) throw new MetronError('INPUT_INVALID', `${err.message}\n${err.caret()}`);
      throw err;
    }
    return message;
  });
}
