/** `parserConfig` of the Zeek parser. */
import { ConfigError } from '@metron/core';
import { readEnum, readString } from '../util/config-values.js';

export const ZEEK_FORMATS = ['auto', 'tsv', 'json'] as const;
export type ZeekFormat = (typeof ZEEK_FORMATS)[number];

export const ZEEK_CONFIG_KEYS = ['format', 'path', 'fields', 'types'] as const;

export interface ZeekConfig {
  /** `auto` (default): a line starting with `{` is JSON, one starting with `#` a TSV header, else TSV data. */
  readonly format: ZeekFormat;
  /** Log type (`conn`, `dns`, ...) for records that do not name theirs (no `#path`, no `_path`). */
  readonly path: string | undefined;
  /** Column names of header-less TSV (what `#fields` would say). */
  readonly fields: readonly string[] | undefined;
  /** Column types of header-less TSV (what `#types` would say), same length as `fields`. */
  readonly types: readonly string[] | undefined;
}

function readStringList(config: Record<string, unknown>, key: string, file: string): string[] | undefined {
  const value = config[key];
  if (value === undefined || value === null) return undefined;
  // A comma-separated string is accepted too, as Metron's CSV parser reads its `columns`.
  const list = typeof value === 'string' ? value.split(',').map((s) => s.trim()) : value;
  if (!Array.isArray(list) || list.length === 0 || !list.every((item) => typeof item === 'string' && item !== '')) {
    throw new ConfigError(file, `$.parserConfig.${key}`, `must be a non-empty list of names, got ${JSON.stringify(value)}`);
  }
  return list as string[];
}

/** Reads and checks the Zeek `parserConfig`; throws ConfigError. */
export function readZeekConfig(config: Record<string, unknown>, file: string): ZeekConfig {
  const format = readEnum(config, 'format', ZEEK_FORMATS, 'auto', file);
  const path = readString(config, 'path', file)?.trim();
  const fields = readStringList(config, 'fields', file);
  const types = readStringList(config, 'types', file);
  if (types !== undefined && fields === undefined) throw new ConfigError(file, '$.parserConfig.types', 'needs parserConfig.fields');
  if (types !== undefined && fields !== undefined && types.length !== fields.length) {
    throw new ConfigError(file, '$.parserConfig.types', `has ${types.length} entries but parserConfig.fields has ${fields.length}`);
  }
  if (fields !== undefined && new Set(fields).size !== fields.length) {
    throw new ConfigError(file, '$.parserConfig.fields', 'names a field twice');
  }
  return { format, path: path === '' ? undefined : path, fields, types };
}
