/**
 * Renders the query AST (../query/ast.ts) to OpenSearch query DSL
 * (https://opensearch.org/docs/latest/query-dsl/), with the same matching rules as the DuckDB
 * renderer (../duckdb/sql.ts), so both backends return the same documents for the same query
 * (checked by the shared corpus in ../query/test-corpus.ts):
 *
 * - `field:value` matches the exact value (keyword semantics), numbers numerically on numeric
 *   fields, `true`/`false` on booleans; a value that cannot be of the field's type, or a field
 *   that is not mapped, matches nothing (never an error).
 * - A bare term or phrase matches the exact value in any field that can hold it, or is contained,
 *   case-insensitively, in `original_string`.
 * - Wildcards apply to text fields only; ranges compare numbers on numeric fields and text
 *   lexicographically on keyword fields; `[* TO *]` and `_exists_` mean the field is present.
 * - NOT matches documents without the field, as in Lucene.
 *
 * It is a pure function of the AST and the index mapping (field → Metron FieldType, merged over
 * the searched indices as column metadata is). The semantics hold for mappings where strings are
 * `keyword` (Metron's templates), `original_string` included. On an `ip` field a term takes an
 * address or a CIDR block (`10.0.0.0/8`, `2001:db8::/32`; OpenSearch matches the block) and a range
 * takes addresses (compared as addresses); any other value matches nothing there, where OpenSearch
 * would fail the whole request.
 * Dates on `timestamp` must have been resolved to epoch milliseconds (query/dates.ts).
 * Values are JSON values in the request body; nothing is concatenated into a query string.
 */
import { MetronError } from '@metron/core';
import type { QueryNode, RangeNode, WildcardPart } from '../query/ast.js';
import { parseCidr, parseIp } from '../query/ip.js';
import type { MetronFieldType } from '../types.js';

/** A query DSL clause (plain JSON). */
export type QueryDsl = { [key: string]: unknown };

/** The field searched with "contains" semantics by bare terms (as FULL_TEXT_FIELD in ../duckdb/sql.ts). */
export const FULL_TEXT_FIELD = 'original_string';

const MATCH_NONE: QueryDsl = { match_none: {} };

function isText(type: MetronFieldType): boolean {
  return type === 'keyword' || type === 'text' || type === 'ip' || type === 'other';
}

function isNumeric(type: MetronFieldType): boolean {
  return type === 'long' || type === 'double' || type === 'date';
}

function parseNumber(value: string): number | null {
  if (value.trim() === '') return null;
  const number = Number(value);
  return Number.isFinite(number) ? number : null;
}

/** The typed value a term on a field of `type` compares with; undefined when it cannot match. */
function termValue(type: MetronFieldType, value: string): string | number | boolean | undefined {
  switch (type) {
    case 'long':
    case 'date': {
      const number = parseNumber(value);
      return number !== null && Number.isInteger(number) ? number : undefined;
    }
    case 'double':
      return parseNumber(value) ?? undefined;
    case 'boolean': {
      const lower = value.toLowerCase();
      return lower === 'true' ? true : lower === 'false' ? false : undefined;
    }
    case 'ip':
      return parseIp(value) !== null || parseCidr(value) !== null ? value : undefined;
    default:
      return value;
  }
}

function anyOf(clauses: QueryDsl[]): QueryDsl {
  if (clauses.length === 0) return MATCH_NONE;
  if (clauses.length === 1) return clauses[0]!;
  return { bool: { should: clauses, minimum_should_match: 1 } };
}

/** Escapes a literal for the wildcard query syntax (`\`, `*`, `?`). */
function escapeWildcard(literal: string): string {
  return literal.replace(/[\\*?]/g, (c) => `\\${c}`);
}

/** A Lucene wildcard pattern in the wildcard query's own syntax. */
export function wildcardPattern(parts: WildcardPart[]): string {
  return parts.map((part) => ('literal' in part ? escapeWildcard(part.literal) : part.any)).join('');
}

function termQuery(field: string, type: MetronFieldType, value: string): QueryDsl | null {
  const typed = termValue(type, value);
  return typed === undefined ? null : { term: { [field]: { value: typed } } };
}

function rangeQuery(node: RangeNode, type: MetronFieldType): QueryDsl {
  if (node.lower === null && node.upper === null) return { exists: { field: node.field } };
  if (type === 'boolean') return MATCH_NONE;
  const bounds: Record<string, string | number> = {};
  for (const [bound, strict, loose] of [[node.lower, 'gt', 'gte'], [node.upper, 'lt', 'lte']] as const) {
    if (bound === null) continue;
    let value: string | number = bound.value;
    if (isNumeric(type)) {
      const number = parseNumber(bound.value);
      if (number === null) return MATCH_NONE;
      value = number;
    } else if (type === 'ip' && parseIp(bound.value) === null) {
      return MATCH_NONE;
    }
    bounds[bound.inclusive ? loose : strict] = value;
  }
  if (type === 'date') bounds.format = 'epoch_millis';
  return { range: { [node.field]: bounds } };
}

/**
 * Most field clauses one query may expand to, as the DuckDB renderer limits its column tests
 * (MAX_COLUMN_REFERENCES in ../duckdb/sql.ts): bare terms expand to one clause per field.
 * OpenSearch's own `indices.query.bool.max_clause_count` may be lower; the backend sets it.
 */
export const MAX_FIELD_CLAUSES = 10_000;

/** Renders `node` as an OpenSearch query for indices with the given field types. */
export function renderQueryDsl(node: QueryNode, fields: Record<string, MetronFieldType>): QueryDsl {
  const budget = { clauses: 0 };
  return render(node, fields, budget);
}

function count(budget: { clauses: number }, n: number): void {
  budget.clauses += n;
  if (budget.clauses > MAX_FIELD_CLAUSES) {
    throw new MetronError(
      'QUERY_INVALID',
      `the query searches too many fields (over ${MAX_FIELD_CLAUSES} field clauses); name the fields (field:value) or use fewer bare terms`,
    );
  }
}

function render(node: QueryNode, fields: Record<string, MetronFieldType>, budget: { clauses: number }): QueryDsl {
  const typeOf = (field: string): MetronFieldType | undefined => (Object.hasOwn(fields, field) ? fields[field] : undefined);
  count(budget, node.kind === 'and' || node.kind === 'or' || node.kind === 'not' || node.kind === 'match_all' ? 0
    : 'field' in node && node.field === null ? Object.keys(fields).length : 1);
  switch (node.kind) {
    case 'match_all':
      return { match_all: {} };
    case 'and':
      return { bool: { filter: node.children.map((child) => render(child, fields, budget)) } };
    case 'or':
      return { bool: { should: node.children.map((child) => render(child, fields, budget)), minimum_should_match: 1 } };
    case 'not':
      return { bool: { must_not: [render(node.child, fields, budget)] } };
    case 'exists':
      return typeOf(node.field) === undefined ? MATCH_NONE : { exists: { field: node.field } };
    case 'term': {
      if (node.field !== null) {
        const type = typeOf(node.field);
        return (type !== undefined && termQuery(node.field, type, node.value)) || MATCH_NONE;
      }
      const clauses: QueryDsl[] = [];
      for (const [field, type] of Object.entries(fields)) {
        const clause = termQuery(field, type, node.value);
        if (clause !== null) clauses.push(clause);
      }
      const text = typeOf(FULL_TEXT_FIELD);
      if (text !== undefined && isText(text) && text !== 'other' && node.value !== '') {
        clauses.push({ wildcard: { [FULL_TEXT_FIELD]: { value: `*${escapeWildcard(node.value)}*`, case_insensitive: true } } });
      }
      return anyOf(clauses);
    }
    case 'wildcard': {
      const value = wildcardPattern(node.parts);
      if (node.field !== null) {
        const type = typeOf(node.field);
        return type !== undefined && isText(type) ? { wildcard: { [node.field]: { value } } } : MATCH_NONE;
      }
      return anyOf(Object.entries(fields).filter(([, type]) => isText(type)).map(([field]) => ({ wildcard: { [field]: { value } } })));
    }
    case 'range': {
      const type = typeOf(node.field);
      return type === undefined ? MATCH_NONE : rangeQuery(node, type);
    }
    default: {
      const unhandled: never = node;
      throw new Error(`unhandled query node ${JSON.stringify(unhandled)}`);
    }
  }
}
