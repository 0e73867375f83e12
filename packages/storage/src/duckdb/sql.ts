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
import { MetronError, type JsonValue } from '@metron/core';
import type { QueryNode, RangeBound, RangeNode, WildcardPart } from '../query/ast.js';
import { type ColumnInfo, type ColumnType, type TableCatalog } from './catalog.js';
import { ipRange, ipTerm, isIpColumn } from './ip-sql.js';

/** Field searched with "contains" semantics by bare terms, standing in for an analyzed text field. */
export const FULL_TEXT_FIELD = 'original_string';

/** Quotes an identifier for DuckDB. Only catalog names reach here, but quoting is still total. */
export function quoteIdent(name: string): string {
  return `"${name.replaceAll('"', '""')}"`;
}

/**
 * Most column references one statement's query may expand to. A bare term searches every column,
 * so a long list of bare terms on a wide index renders to SQL that DuckDB needs seconds to plan
 * (measured: 1,024 bare terms on a 300-column index, ~6 s per statement); past this the query is
 * refused with a message instead.
 */
export const MAX_COLUMN_REFERENCES = 10_000;

/** Bound parameters of one statement, referenced as `$1..$n`, and the query's column references so far. */
export class SqlParams {
  readonly values: DuckDBValue[] = [];
  readonly types: DuckDBType[] = [];
  private columnReferences = 0;

  /** Counts `n` column references of the rendered query; throws QUERY_INVALID past the limit. */
  reference(n: number): void {
    this.columnReferences += n;
    if (this.columnReferences > MAX_COLUMN_REFERENCES) {
      throw new MetronError(
        'QUERY_INVALID',
        `the query searches too many columns (over ${MAX_COLUMN_REFERENCES} column tests across the searched indices); name the fields (field:value) or use fewer bare terms`,
      );
    }
  }

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
  // A leaf on one named field tests one column (default-field leaves count their columns below).
  if ((node.kind === 'term' || node.kind === 'wildcard' || node.kind === 'exists' || node.kind === 'range') && node.field !== null) params.reference(1);
  switch (node.kind) {
    case 'match_all':
      return 'TRUE';
    case 'and':
    case 'or':
      return `(${node.children.map((child) => renderWhere(child, table, params)).join(node.kind === 'and' ? ' AND ' : ' OR ')})`;
    case 'not': {
      // `NOT _exists_:f` is `f IS NULL`: an existence test is never NULL, so it needs no COALESCE,
      // and the bare IS NULL is pushed into the scan (the meta-alert layer adds one to every
      // search: `NOT _exists_:metaalerts` cost 100-180 ms on 1M rows through COALESCE).
      if (node.child.kind === 'exists') {
        params.reference(1);
        const info = table.get(node.child.field);
        return info === undefined ? 'TRUE' : `(${quoteIdent(info.column)} IS NULL)`;
      }
      return `(NOT COALESCE(${renderWhere(node.child, table, params)}, FALSE))`;
    }
    case 'exists': {
      const info = table.get(node.field);
      return info === undefined ? 'FALSE' : `(${quoteIdent(info.column)} IS NOT NULL)`;
    }
    case 'term': {
      if (node.field !== null) {
        const info = table.get(node.field);
        if (info === undefined) return 'FALSE';
        // Address fields take CIDR blocks and IPv6 in any notation (ip-sql.ts).
        return (isIpColumn(info) ? ipTerm(info, node.value, params) : null) ?? matchValue(info, node.value, params) ?? 'FALSE';
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
      const texts = table.columns.filter((info) => info.type === 'VARCHAR' || info.type === 'JSON').map(textExpr);
      if (texts.length === 0) return 'FALSE';
      params.reference(texts.length);
      const ref = params.bind(pattern, VARCHAR);
      if (texts.length === 1) return `(${texts[0]!} LIKE ${ref} ESCAPE '\\')`;
      // One list test instead of an OR per column (see renderDefaultFieldTerm).
      return `(len(list_filter([${texts.join(', ')}], lambda x: x LIKE ${ref} ESCAPE '\\')) > 0)`;
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
 *
 * Columns of one scalar type are tested with one `list_contains([c1, c2, ...], $v)`: an OR per
 * column made DuckDB's planning time grow with the square of the conditions (a 20-term query on a
 * 300-column index took 3 s to plan; a 100-term one did not finish in 10 minutes).
 */
function renderDefaultFieldTerm(value: string, table: TableCatalog, params: SqlParams): string[] {
  params.reference(table.columns.length);
  const conditions: string[] = [];
  const cache = new Map<string, string>();
  const byType = new Map<ColumnType, ColumnInfo[]>();
  for (const info of table.columns) {
    if (info.type === 'JSON') {
      const condition = matchValue(info, value, params, cache);
      if (condition !== null) conditions.push(condition);
      continue;
    }
    let list = byType.get(info.type);
    if (list === undefined) byType.set(info.type, (list = []));
    list.push(info);
  }
  for (const [type, columns] of byType) {
    const ref = valueParam(type, value, params, cache);
    if (ref === null) continue;
    conditions.push(columns.length === 1
      ? `(${quoteIdent(columns[0]!.column)} = ${ref})`
      : `list_contains([${columns.map((info) => quoteIdent(info.column)).join(', ')}], ${ref})`);
  }
  const text = table.get(FULL_TEXT_FIELD);
  if (text !== undefined && text.type === 'VARCHAR' && value !== '') {
    const ref = params.bind(value.toLowerCase(), VARCHAR);
    conditions.push(`contains(lower(${quoteIdent(text.column)}), ${ref})`);
  }
  // A CIDR block or an IPv6 address also matches address fields by address (ip-sql.ts).
  if (value.includes('/') || value.includes(':')) {
    for (const info of table.columns) {
      const condition = isIpColumn(info) ? ipTerm(info, value, params) : null;
      if (condition !== null) conditions.push(condition);
    }
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
  const ref = valueParam(info.type, value, params, cache);
  if (ref === null) return null;
  if (info.type === 'JSON') {
    // A JSON column holds scalars (after widening) and arrays: match the scalar's text, or any
    // element of an array, as Elasticsearch matches a value against every element of an array.
    return `(json_extract_string(${column}, '$') = ${ref} OR list_contains(json_extract_string(${column}, '$[*]'), ${ref}))`;
  }
  return `(${column} = ${ref})`;
}

/**
 * The parameter a value is compared with in a column of `type` (text for JSON), or null when the
 * value cannot be of that type. `cache` shares one parameter between columns of the same type.
 */
function valueParam(type: ColumnType, value: string, params: SqlParams, cache: Map<string, string>): string | null {
  const ref = (key: string, make: () => [DuckDBValue, DuckDBType]): string => {
    let found = cache.get(key);
    if (found === undefined) {
      const [v, t] = make();
      found = params.bind(v, t);
      cache.set(key, found);
    }
    return found;
  };
  switch (type) {
    case 'VARCHAR':
    case 'JSON':
      return ref('text', () => [value, VARCHAR]);
    case 'BIGINT': {
      const number = parseNumber(value);
      if (number === null || !Number.isInteger(number)) return null;
      return Number.isSafeInteger(number) ? ref('bigint', () => [BigInt(number), BIGINT]) : ref('double', () => [number, DOUBLE]);
    }
    case 'DOUBLE': {
      const number = parseNumber(value);
      return number === null ? null : ref('double', () => [number, DOUBLE]);
    }
    case 'BOOLEAN': {
      const lower = value.toLowerCase();
      return lower === 'true' || lower === 'false' ? ref('boolean', () => [lower === 'true', BOOLEAN]) : null;
    }
  }
}

/**
 * A range on one column. Numeric columns compare numerically (a bound that is not a number
 * matches nothing, as a term does; `timestamp` bounds arrive as epoch ms), address fields as
 * addresses (ip-sql.ts), other text and JSON scalars as text (lexicographically, as Elasticsearch
 * ranges on keyword fields); booleans match nothing.
 * `[* TO *]` is "the field exists".
 */
function renderRange(info: ColumnInfo, node: RangeNode, params: SqlParams): string {
  const column = quoteIdent(info.column);
  if (node.lower === null && node.upper === null) return `(${column} IS NOT NULL)`;
  if (isIpColumn(info)) return ipRange(info, node, params);
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
