/** The `parserConfig` of Metron's GrokParser, read and checked once at build time. */
import { readFileSync } from 'node:fs';
import { ConfigError } from '@metron/core';
import { readBoolean, readString } from '../util/config-values.js';
import { compileJavaDatePattern, type CompiledDatePattern } from '../util/java-date-format.js';
import { resolveTimeZone, UTC, type TimeZone } from '../util/time-zone.js';
import { GrokError, parsePatternFile } from './grok.js';
import { BUNDLED_PATTERN_FILES } from './patterns.js';

export const GROK_CONFIG_KEYS = ['grokPath', 'grokPattern', 'patternLabel', 'timestampField', 'dateFormat', 'timeZone', 'timeFields', 'multiLine'] as const;

export interface GrokParserConfig {
  readonly grokPath: string | undefined;
  readonly patternLabel: string;
  /** The sensor's patterns (grokPath file and/or inline grokPattern). */
  readonly patterns: Readonly<Record<string, string>>;
  readonly timestampField: string | undefined;
  readonly timeFields: readonly string[];
  readonly dateFormat: SimpleDateParser;
  readonly timeZone: TimeZone;
  readonly multiLine: boolean;
}

export interface SimpleDateParser {
  parse(text: string, zone: TimeZone): number | string;
}

/** Metron's default `dateFormat` (SimpleDateFormat). */
export const DEFAULT_GROK_DATE_FORMAT = 'yyyy-MM-dd HH:mm:ss.S z';
const INLINE_LABEL = 'GROK_PATTERN';

export function readGrokConfig(config: Record<string, unknown>, file: string): GrokParserConfig {
  const grokPath = readString(config, 'grokPath', file);
  const grokPattern = readString(config, 'grokPattern', file);
  let patternLabel = readString(config, 'patternLabel', file);
  const patterns: Record<string, string> = {};
  if (grokPath !== undefined) Object.assign(patterns, parsePatternFile(loadPatternFile(grokPath, file)));
  if (grokPattern !== undefined) {
    const inline = parsePatternFile(grokPattern);
    if (patternLabel !== undefined && Object.hasOwn(inline, patternLabel)) Object.assign(patterns, inline);
    else if (patternLabel === undefined) {
      patterns[INLINE_LABEL] = grokPattern;
      patternLabel = INLINE_LABEL;
    } else Object.assign(patterns, inline);
  }
  if (grokPath === undefined && grokPattern === undefined) throw new ConfigError(file, '$.parserConfig.grokPath', 'is required (or grokPattern): the grok pattern file, e.g. /patterns/yaf');
  if (patternLabel === undefined) throw new ConfigError(file, '$.parserConfig.patternLabel', 'is required: the pattern of the grokPath file to match');
  if (!Object.hasOwn(patterns, patternLabel)) throw new ConfigError(file, '$.parserConfig.patternLabel', `${patternLabel} is not defined in ${grokPath ?? 'grokPattern'}`);

  const timeFieldsValue = config['timeFields'];
  let timeFields: string[] = [];
  if (timeFieldsValue !== undefined && timeFieldsValue !== null) {
    if (!Array.isArray(timeFieldsValue) || !timeFieldsValue.every((f) => typeof f === 'string')) {
      throw new ConfigError(file, '$.parserConfig.timeFields', 'must be a list of field names');
    }
    timeFields = timeFieldsValue as string[];
  }
  const zoneId = readString(config, 'timeZone', file);
  const timeZone = zoneId === undefined ? UTC : resolveTimeZone(zoneId);
  if (timeZone === undefined) throw new ConfigError(file, '$.parserConfig.timeZone', `unknown time zone ${JSON.stringify(zoneId)}`);
  const dateFormatText = readString(config, 'dateFormat', file) ?? DEFAULT_GROK_DATE_FORMAT;
  let dateFormat: SimpleDateParser;
  try {
    dateFormat = compileSimpleDateFormat(dateFormatText);
  } catch (err) {
    // Metron only uses the format for timeFields: an unusable default matters only when they exist
    if (timeFields.length > 0) throw new ConfigError(file, '$.parserConfig.dateFormat', `cannot be read: ${err instanceof Error ? err.message : String(err)}`);
    dateFormat = { parse: () => `dateFormat ${dateFormatText} is not supported` };
  }
  return {
    grokPath,
    patternLabel,
    patterns,
    timestampField: readString(config, 'timestampField', file),
    timeFields,
    dateFormat,
    timeZone,
    multiLine: readBoolean(config, 'multiLine', false, file),
  };
}

function loadPatternFile(path: string, file: string): string {
  const bundled = BUNDLED_PATTERN_FILES[path];
  if (bundled !== undefined) return bundled;
  try {
    return readFileSync(path, 'utf8');
  } catch (err) {
    const reason = err instanceof Error ? err.message : String(err);
    throw new ConfigError(file, '$.parserConfig.grokPath', `unable to load ${path}: not a bundled pattern file (${Object.keys(BUNDLED_PATTERN_FILES).join(', ')}) nor a readable file (${reason})`);
  }
}

/**
 * SimpleDateFormat reads `S` as a millisecond count of any length; the DateTimeFormatter subset
 * reads exactly as many fraction digits as letters, so each width 1..9 is tried.
 */
function compileSimpleDateFormat(pattern: string): SimpleDateParser {
  if (!/S/.test(pattern.replace(/'[^']*'/g, ''))) return compileJavaDatePattern(pattern);
  const variants: CompiledDatePattern[] = [];
  for (const width of [3, 1, 2, 4, 5, 6, 7, 8, 9]) variants.push(compileJavaDatePattern(pattern.replace(/S+/g, 'S'.repeat(width))));
  return {
    parse(text, zone) {
      let first: string | undefined;
      for (const v of variants) {
        const r = v.parse(text, zone);
        if (typeof r === 'number') return r;
        first ??= r;
      }
      return first ?? 'no match';
    },
  };
}

export { GrokError };
