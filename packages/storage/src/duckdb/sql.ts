/**
 * Renders the query AST (../query/ast.ts) to DuckDB SQL. Every value goes through a bound
 * parameter (`$n`); field names are looked up in the table's catalog and only catalog column names
 * are ever written into SQL, as quoted identifiers. A field the table does not have renders as
 * FALSE, so an unknown field matches nothing instead of failing.
 *
 * A leaf on a missing value yields SQL NULL, which WHERE reads as false. Under a NOT the child is
 * wrapped in `COALESCE(..., FALSE)`, so `NOT field:x` matches documents without the field, as in
 * Lucene. (AND/OR are monotone, so coalescing at the NOT is the same as coalescing every leaf.)
 * Leaves stay bare comparisons elsewhere, so DuckDB pushes them into the scan (zone maps, filter
 * pushdown): on 10M rows that is the difference between a scan and a skip.
 */
import { BIGINT, BOOLEAN, DOUBLE, VARCHAR, type DuckDBType, type DuckDBValue } from '@duckdb/node-api';
import type { JsonValue } from '@metron/core';
import type { QueryNode, RangeBound, RangeNode, WildcardPart } from '../query/ast.js';
import { type ColumnInfo, type ColumnType, type TableCatalog } from './catalog.js';

/** Field searched with "contains" semantics by bare terms, standing in for an analyzed text field. */
export const FULL_TEXT_FIELD = 'original_string';

/** Quotes an identifier for DuckDB. Only catalog names reach here, but quoting is still total. */
export function quoteIdent(name: string): string {
  return `"${name.replaceAll('"', '""')}"`;
}

/** Bound parameters of one statement, referenced as `$1..$n`. */
export class SqlParams {
  readonly values: DuckDBValue[] = [];
  readonly types: DuckDBType[] = [];

  bind(value: DuckDBValue, type: DuckDBType): string {
    this.values.push(value);
    this.types.push(type);
    return `$${this.values.length}`;
  }
}

/**
 * Renders `node` as a boolean SQL expression over the columns of `table`. Dates on `timestamp`
 * must have been resolved to epoch milliseconds first (query/dates.ts resolveDates).
 */
export function renderWhere(node: QueryNode, table: TableCatalog, params: SqlParams): string {
  switch (node.kind) {
    case 'match_all':
      return 'TRUE';
    case 'and':
    case 'or':
      return `(${node.children.map((child) => renderWhere(child, table, params)).join(node.kind === 'and' ? ' AND ' : ' OR ')})`;
    case 'not':
      return `(NOT COALESCE(${renderWhere(node.child, table, params)}, FALSE))`;
    case 'exists': {
      const info = table.get(node.field);
      return info === undefined ? 'FALSE' : `(${quoteIdent(info.column)} IS NOT NULL)`;
    }
    case 'term': {
      if (node.field !== null) {
        const info = table.get(node.field);
        return (info && matchValue(info, node.value, params)) ?? 'FALSE';
      }
      return anyOf(renderDefaultFieldTerm(node.value, table, params));
    }
    case 'wildcard': {
      const pattern = likePattern(node.parts);
      if (node.field !== null) {
        const info = table.get(node.field);
        // Wildcards apply to text, as in Elasticsearch (keyword/text fields only).
        return info === undefined || (info.type !== 'VARCHAR' && info.type !== 'JSON') ? 'FALSE' : matchLike(info, pattern, params);
      }
      const ref = params.bind(pattern, VARCHAR);
      return anyOf(
        table.columns
          .filter((info) => info.type === 'VARCHAR' || info.type === 'JSON')
          .map((info) => `(${textExpr(info)} LIKE ${ref} ESCAPE '\\')`),
      );
    }
    case 'range': {
      const info = table.get(node.field);
      return info === undefined ? 'FALSE' : renderRange(info, node, params);
    }
    default: {
      const unhandled: never = node;
      throw new Error(`unhandled query node ${JSON.stringify(unhandled)}`);
    }
  }
}

function anyOf(conditions: string[]): string {
  return conditions.length === 0 ? 'FALSE' : `(${conditions.join(' OR ')})`;
}

/**
 * A bare term: equal to the value in any column that can hold it (Metron's `_all`-style search),
 * or contained, case-insensitively, in `original_string`, which stands in for an analyzed text
 * field until the store has full-text search.
 */
function renderDefaultFieldTerm(value: string, table: TableCatalog, params: SqlParams): string[] {
  const conditions: string[] = [];
  const cache = new Map<string, string>();
  for (const info of table.columns) {
    const condition = matchValue(info, value, params, cache);
    if (condition !== null) conditions.push(condition);
  }
  const text = table.get(FULL_TEXT_FIELD);
  if (text !== undefined && text.type === 'VARCHAR' && value !== '') {
    const ref = params.bind(value.toLowerCase(), VARCHAR);
    conditions.push(`contains(lower(${quoteIdent(text.column)}), ${ref})`);
  }
  return conditions;
}

/**
 * `column = value` for the column's type, or null when the value cannot be of that type (a
 * non-number against a numeric column), which the caller reads as "matches nothing".
 * `cache` shares one parameter between columns of the same type.
 */
function matchValue(info: ColumnInfo, value: string, params: SqlParams, cache = new Map<string, string>()): string | null {
  const column = quoteIdent(info.column);
  const ref = (key: string, make: () => [DuckDBValue, DuckDBType]): string => {
    let found = cache.get(key);
    if (found === undefined) {
      const [v, t] = make();
      found = params.bind(v, t);
      cache.set(key, found);
    }
    return found;
  };
  switch (info.type) {
    case 'VARCHAR':
      return `(${column} = ${ref('text', () => [value, VARCHAR])})`;
    case 'BIGINT': {
      const number = parseNumber(value);
      if (number === null || !Number.isInteger(number)) return null;
      const bound = Number.isSafeInteger(number)
        ? ref('bigint', () => [BigInt(number), BIGINT])
        : ref('double', () => [number, DOUBLE]);
      return `(${column} = ${bound})`;
    }
    case 'DOUBLE': {
      const number = parseNumber(value);
      if (number === null) return null;
      return `(${column} = ${ref('double', () => [number, DOUBLE])})`;
    }
    case 'BOOLEAN': {
      const lower = value.toLowerCase();
      if (lower !== 'true' && lower !== 'false') return null;
      return `(${column} = ${ref('boolean', () => [lower === 'true', BOOLEAN])})`;
    }
    case 'JSON': {
      // A JSON column holds scalars (after widening) and arrays: match the scalar's text, or any
      // element of an array, as Elasticsearch matches a value against every element of an array.
      const text = ref('text', () => [value, VARCHAR]);
      return `(json_extract_string(${column}, '$') = ${text} OR list_contains(json_extract_string(${column}, '$[*]'), ${text}))`;
    }
  }
}

/**
 * A range on one column. Numeric columns compare numerically (a bound that is not a number
 * matches nothing, as a term does; `timestamp` bounds arrive as epoch ms), text and JSON scalars compare
 * as text (lexicographically, as Elasticsearch ranges on keyword fields); booleans match nothing.
 * `[* TO *]` is "the field exists".
 */
function renderRange(info: ColumnInfo, node: RangeNode, params: SqlParams): string {
  const column = quoteIdent(info.column);
  if (node.lower === null && node.upper === null) return `(${column} IS NOT NULL)`;
  let expr: string;
  let bind: (bound: RangeBound) => string | null;
  if (info.type === 'BIGINT' || info.type === 'DOUBLE') {
    expr = column;
    bind = (bound) => {
      const number = parseNumber(bound.value);
      if (number === null) return null;
      // Integral bounds stay BIGINT so DuckDB can prune row groups on the column's min/max.
      return info.type === 'BIGINT' && Number.isSafeInteger(number) ? params.bind(BigInt(number), BIGINT) : params.bind(number, DOUBLE);
    };
  } else if (info.type === 'VARCHAR' || info.type === 'JSON') {
    expr = textExpr(info);
    bind = (bound) => params.bind(bound.value, VARCHAR);
  } else {
    return 'FALSE';
  }
  const conditions: string[] = [];
  for (const [bound, strict, loose] of [[node.lower, '>', '>='], [node.upper, '<', '<=']] as const) {
    if (bound === null) continue;
    const ref = bind(bound);
    if (ref === null) return 'FALSE';
    conditions.push(`${expr} ${bound.inclusive ? loose : strict} ${ref}`);
  }
  return `(${conditions.join(' AND ')})`;
}

function matchLike(info: ColumnInfo, pattern: string, params: SqlParams): string {
  return `(${textExpr(info)} LIKE ${params.bind(pattern, VARCHAR)} ESCAPE '\\')`;
}

function parseNumber(value: string): number | null {
  if (value.trim() === '') return null;
  const number = Number(value);
  return Number.isFinite(number) ? number : null;
}

/** A Lucene wildcard pattern as a LIKE pattern with `\` as the escape character. */
export function likePattern(parts: WildcardPart[]): string {
  return parts
    .map((part) => ('literal' in part ? part.literal.replace(/[\\%_]/g, (c) => `\\${c}`) : part.any === '*' ? '%' : '_'))
    .join('');
}

/**
 * The column as text, as a user would write the value in a query and as facets report it:
 * integral doubles without a trailing `.0` (JS formatting), JSON strings unquoted.
 */
export function textExpr(info: ColumnInfo): string {
  const column = quoteIdent(info.column);
  switch (info.type) {
    case 'VARCHAR':
      return column;
    case 'JSON':
      return `json_extract_string(${column}, '$')`;
    case 'DOUBLE':
      return doubleToText(column);
    default:
      return `CAST(${column} AS VARCHAR)`;
  }
}

/** DOUBLE to text, with integral values printed as integers (2 → '2', as JS and JSON print them). */
export function doubleToText(expr: string): string {
  return `CASE WHEN ${expr} = trunc(${expr}) AND abs(${expr}) < 1e15 THEN CAST(CAST(${expr} AS BIGINT) AS VARCHAR) ELSE CAST(${expr} AS VARCHAR) END`;
}

/** Converts a value read from a column back to its JSON value; undefined for SQL NULL. */
export function decodeValue(raw: DuckDBValue, type: ColumnType): JsonValue | undefined {
  if (raw === null || raw === undefined) return undefined;
  switch (type) {
    case 'BIGINT':
    case 'DOUBLE':
      return typeof raw === 'number' ? raw : Number(typeof raw === 'bigint' ? raw : String(raw));
    case 'BOOLEAN':
      return typeof raw === 'boolean' ? raw : String(raw) === 'true';
    case 'VARCHAR':
      return String(raw);
    case 'JSON':
      try {
        return JSON.parse(String(raw)) as JsonValue;
      } catch {
        return String(raw);
      }
  }
}
