/**
 * The column catalog of the DuckDB search store: for each index table, which Metron field lives in
 * which column with which type. It is rebuilt from DuckDB's own catalog at open (so a restart sees
 * exactly what is on disk) and kept current by the writer after each schema change.
 */
import type { JsonValue } from '@metron/core';
import type { MetronFieldType } from '../types.js';

export type { MetronFieldType } from '../types.js';

/** Column types the store creates. Arrays and objects are JSON text. */
export type ColumnType = 'BOOLEAN' | 'BIGINT' | 'DOUBLE' | 'VARCHAR' | 'JSON';

export interface ColumnInfo {
  /** The Metron field name (`enrichments.geo.ip_dst_addr.country`). */
  field: string;
  /** The physical column name; equal to `field` unless that was not usable (see physicalName). */
  column: string;
  type: ColumnType;
}

/** Prefix of the column comment that records the field name of a renamed column. */
export const FIELD_COMMENT_PREFIX = 'metron.field=';
export const TABLE_SUFFIX = '_index';
export const GUID = 'guid';
export const TIMESTAMP = 'timestamp';

const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;
const SENSOR_NAME = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,199}$/;

/** The table of a sensor, named as Metron names its index without the date suffix; null if the name is unusable. */
export function tableForSensor(sensor: string): string | null {
  if (!SENSOR_NAME.test(sensor)) return null;
  // Lower case: DuckDB identifiers are case-insensitive, and ES index names must be lower case.
  return sensor.toLowerCase() + TABLE_SUFFIX;
}

export class TableCatalog {
  readonly columns: ColumnInfo[] = [];
  private readonly byField = new Map<string, ColumnInfo>();
  /** Lower-cased column names: DuckDB matches identifiers case-insensitively, even quoted. */
  private readonly usedNames = new Set<string>();

  constructor(readonly table: string) {}

  get sensor(): string {
    return this.table.slice(0, -TABLE_SUFFIX.length);
  }

  get(field: string): ColumnInfo | undefined {
    return this.byField.get(field);
  }

  add(info: ColumnInfo): void {
    this.columns.push(info);
    this.byField.set(info.field, info);
    this.usedNames.add(info.column.toLowerCase());
  }

  /**
   * The column name for a new field: the field name itself, so SQL users see Metron's names,
   * unless DuckDB cannot hold it as a distinct column (a case-only twin of an existing column,
   * an empty name, control characters, unpaired surrogates, or an overly long name). Those get a synthetic name and
   * the field name is kept in the column comment.
   */
  physicalName(field: string): string {
    const usable = field.length > 0 && field.length <= 255 && ![...field].some((ch) => ch < ' ') && !LONE_SURROGATE.test(field);
    if (usable && !this.usedNames.has(field.toLowerCase())) return field;
    for (let n = this.columns.length; ; n++) {
      const candidate = `_field_${n}`;
      if (!this.usedNames.has(candidate)) return candidate;
    }
  }
}

/** Maps a DuckDB type name read back from the catalog to the store's column type. */
export function columnTypeOf(duckdbType: string): ColumnType {
  switch (duckdbType.toUpperCase()) {
    case 'BOOLEAN':
      return 'BOOLEAN';
    case 'BIGINT': case 'INTEGER': case 'SMALLINT': case 'TINYINT':
    case 'UINTEGER': case 'USMALLINT': case 'UTINYINT':
      return 'BIGINT';
    case 'DOUBLE': case 'FLOAT': case 'REAL':
      return 'DOUBLE';
    case 'JSON':
      return 'JSON';
    default:
      return 'VARCHAR';
  }
}

/** The narrowest column type that holds `value`; null for null/undefined (needs no column). */
export function typeOfValue(value: JsonValue | undefined): ColumnType | null {
  switch (typeof value) {
    case 'string':
      return 'VARCHAR';
    case 'number':
      // Integers outside 2^53 are not exact as JS numbers anyway; keep them as doubles so a
      // BIGINT column never receives a value JS could not have read back exactly.
      return Number.isSafeInteger(value) ? 'BIGINT' : 'DOUBLE';
    case 'boolean':
      return 'BOOLEAN';
    case 'object':
      return value === null ? null : 'JSON';
    default:
      return null;
  }
}

/**
 * The type a column must have to hold values of both types. A write never fails on a type
 * conflict; the column is widened instead:
 * - BIGINT with DOUBLE → DOUBLE: both stay numeric (range filters, numeric sort); JS numbers are
 *   doubles, so nothing a message could carry is lost.
 * - BOOLEAN/number with VARCHAR, or BOOLEAN with a number → VARCHAR: text holds every scalar; a
 *   filter on the text form (`port:80`) still matches, values read back as strings.
 * - anything with JSON → JSON: JSON text holds every value exactly; existing scalars are converted
 *   with `to_json`, so they read back with their original JS type.
 */
export function widen(a: ColumnType, b: ColumnType): ColumnType {
  if (a === b) return a;
  if (a === 'JSON' || b === 'JSON') return 'JSON';
  if ((a === 'BIGINT' && b === 'DOUBLE') || (a === 'DOUBLE' && b === 'BIGINT')) return 'DOUBLE';
  return 'VARCHAR';
}

/** Fields Metron's index templates map as `ip` (the UI offers address actions on them). */
const IP_FIELDS = new Set(['ip_src_addr', 'ip_dst_addr']);

/**
 * The Metron FieldType of a column, as Metron's index templates would map the field: strings are
 * `keyword` (exact match), the two address fields `ip`, `timestamp` a `date` in epoch ms.
 */
export function metronFieldType(info: ColumnInfo): MetronFieldType {
  if (info.field === TIMESTAMP && info.type === 'BIGINT') return 'date';
  switch (info.type) {
    case 'BIGINT': return 'long';
    case 'DOUBLE': return 'double';
    case 'BOOLEAN': return 'boolean';
    case 'VARCHAR': return IP_FIELDS.has(info.field) ? 'ip' : 'keyword';
    case 'JSON': return 'other';
  }
}
