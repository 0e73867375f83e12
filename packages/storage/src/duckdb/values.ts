/** How values of a message are encoded for the store, shared by both write paths. */
import type { JsonValue } from '@metron/core';
import { TIMESTAMP, type ColumnType } from './catalog.js';

/** `timestamp` is epoch milliseconds: a fractional number is truncated so the column stays BIGINT. */
export function normalize(field: string, value: JsonValue): JsonValue {
  return field === TIMESTAMP && typeof value === 'number' && Number.isFinite(value) ? Math.trunc(value) : value;
}

/** A JSON escape of a UTF-16 surrogate, which JSON.stringify emits only for unpaired ones. */
const SURROGATE_ESCAPE = /\\u[dD][89a-fA-F]/;
const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g;

/**
 * One column as a JSON array for DuckDB. Strings with unpaired surrogates (valid in JS, not in
 * UTF-8) would make DuckDB refuse the whole batch, so such a column is encoded again with them
 * replaced by U+FFFD; the cheap check on the output keeps the common case free of per-string work.
 */
export function columnJson(values: JsonValue[], type: ColumnType): string {
  // DuckDB casts a JSON number or boolean to VARCHAR as String() does, except exponent forms
  // (1e-7 becomes '1e-07'); only JSON columns need a per-value step (each value becomes its JSON text).
  const encoded = type === 'JSON' ? values.map((value) => (value === null ? null : JSON.stringify(value))) : values;
  const json = JSON.stringify(encoded);
  if (!SURROGATE_ESCAPE.test(json)) return json;
  return JSON.stringify(values.map((value) => (value === null ? null : type === 'JSON' ? JSON.stringify(wellFormed(value)) : wellFormed(value))));
}

function wellFormed(value: JsonValue): JsonValue {
  if (typeof value === 'string') return value.replace(LONE_SURROGATE, '\ufffd');
  if (Array.isArray(value)) return value.map(wellFormed);
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([key, inner]) => [wellFormed(key) as string, wellFormed(inner)]));
  }
  return value;
}

