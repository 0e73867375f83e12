/** `parserConfig` of Metron's CSVParser (`CSVConverter`): `columns`, `separator`, `timestampFormat`. */
import { ConfigError } from '@metron/core';
import { compileJavaDatePattern, type CompiledDatePattern } from '../util/java-date-format.js';

export const CSV_CONFIG_KEYS = ['columns', 'separator', 'timestampFormat'] as const;

export interface CsvConfig {
  /** Output field name (trimmed) → column index, as Metron's column map. */
  readonly columns: ReadonlyMap<string, number>;
  /** One character; `,` by default. */
  readonly separator: string;
  readonly timestampFormat?: CompiledDatePattern;
}

const JAVA_INT = /^[+-]?\d+$/;

function columnIndex(text: string, file: string, path: string): number {
  const trimmed = text;
  const n = JAVA_INT.test(trimmed) ? Number(trimmed) : NaN;
  if (!Number.isInteger(n) || n < 0 || n > 2147483647) throw new ConfigError(file, path, `must be a column index (a non-negative integer), got ${JSON.stringify(text)}`);
  return n;
}

/** Metron's `getColumnMapEntry`: `name` takes position `i`, `name:index` names its index. */
function addEntry(map: Map<string, number>, column: string, i: number, file: string, path: string): void {
  if (column.includes(':')) {
    const parts = column.split(':');
    map.set(parts[0]!.trim(), columnIndex(parts[parts.length - 1]!, file, path));
  } else {
    map.set(column.trim(), i);
  }
}

/** Reads and checks the config; ConfigError naming `$.parserConfig.<key>` when invalid. */
export function readCsvConfig(parserConfig: Record<string, unknown>, file: string): CsvConfig {
  const columnsValue = parserConfig['columns'];
  const columns = new Map<string, number>();
  if (typeof columnsValue === 'string') {
    columnsValue.split(',').forEach((c, i) => addEntry(columns, c, i, file, `$.parserConfig.columns`));
  } else if (Array.isArray(columnsValue)) {
    columnsValue.forEach((c, i) => addEntry(columns, String(c), i, file, `$.parserConfig.columns[${i}]`));
  } else if (typeof columnsValue === 'object' && columnsValue !== null) {
    for (const [name, index] of Object.entries(columnsValue)) {
      columns.set(name.trim(), columnIndex(String(index).trim(), file, `$.parserConfig.columns.${name}`));
    }
  } else {
    throw new ConfigError(file, '$.parserConfig.columns', 'is required: a map of field name to column index, or a list of names (`name` or `name:index`)');
  }
  const separatorValue = parserConfig['separator'];
  let separator = ',';
  if (separatorValue !== undefined && separatorValue !== null) {
    const s = String(separatorValue);
    if (s.length === 0) throw new ConfigError(file, '$.parserConfig.separator', 'must not be empty');
    separator = s[0]!;
    if (separator === '"' || separator === '\\') throw new ConfigError(file, '$.parserConfig.separator', 'must not be the quote or escape character');
  }
  const formatValue = parserConfig['timestampFormat'];
  let timestampFormat: CompiledDatePattern | undefined;
  if (formatValue !== undefined && formatValue !== null) {
    try {
      timestampFormat = compileJavaDatePattern(String(formatValue));
    } catch (err) {
      throw new ConfigError(file, '$.parserConfig.timestampFormat', `is not a valid date pattern: ${err instanceof Error ? err.message : String(err)}`);
    }
  }
  return { columns, separator, ...(timestampFormat === undefined ? {} : { timestampFormat }) };
}
