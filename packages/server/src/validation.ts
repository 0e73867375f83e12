/** Turns JSON-schema validation failures into messages a caller can act on. */
import type { FastifySchemaValidationError, SchemaErrorDataVar } from 'fastify/types/schema.js';
import { MetronError } from '@metron/core';

/** `/sort/0/field` under `body` → `body.sort[0].field`. */
function pathOf(dataVar: string, instancePath: string): string {
  let path = dataVar;
  for (const segment of instancePath.split('/').slice(1)) {
    const key = segment.replace(/~1/g, '/').replace(/~0/g, '~');
    path += /^\d+$/.test(key) ? `[${key}]` : `.${key}`;
  }
  return path;
}

function describe(error: FastifySchemaValidationError, dataVar: string): string {
  const path = pathOf(dataVar, error.instancePath);
  const params = error.params as Record<string, unknown>;
  switch (error.keyword) {
    case 'additionalProperties':
      return `${path}: unknown key '${String(params['additionalProperty'])}'`;
    case 'required':
      return `${path}: missing required key '${String(params['missingProperty'])}'`;
    case 'enum':
      return `${path}: must be one of ${(params['allowedValues'] as unknown[]).map((v) => JSON.stringify(v)).join(', ')}`;
    default:
      return `${path}: ${error.message ?? 'is invalid'}`;
  }
}

/** Fastify `schemaErrorFormatter`: one message naming each failing key. */
export function formatSchemaErrors(errors: FastifySchemaValidationError[], dataVar: SchemaErrorDataVar): Error {
  // anyOf reports each failed branch and then itself; the branches say more.
  const useful = errors.filter((e) => e.keyword !== 'anyOf');
  const parts: string[] = [];
  let lastType: { path: string; types: string[] } | undefined;
  for (const error of useful.length > 0 ? useful : errors) {
    // Failed `type` checks of anyOf branches on one value read better as one: "must be array or null".
    if (error.keyword === 'type') {
      const path = pathOf(dataVar, error.instancePath);
      const type = String((error.params as Record<string, unknown>)['type']);
      if (lastType?.path === path) {
        lastType.types.push(type);
        parts[parts.length - 1] = `${path}: must be ${lastType.types.join(' or ')}`;
        continue;
      }
      lastType = { path, types: [type] };
    } else {
      lastType = undefined;
    }
    parts.push(describe(error, dataVar));
  }
  const message = parts.join('; ');
  return new MetronError('INPUT_INVALID', message || `${dataVar} is invalid`);
}

// Route documentation lives in the route schema (as @fastify/swagger reads it), for the OpenAPI document.
declare module 'fastify/types/schema.js' {
  interface FastifySchema {
    summary?: string;
    description?: string;
    tags?: readonly string[];
  }
}
