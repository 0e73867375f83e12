/** `parserConfig` of the Snort parser (Metron's BasicSnortParser keys and defaults). */
import { ConfigError } from '@metron/core';
import { readString } from '../util/config-values.js';
import { compileJavaDatePattern, DatePatternError, type CompiledDatePattern } from '../util/java-date-format.js';
import { resolveTimeZone, UTC, type TimeZone } from '../util/time-zone.js';

/** Snort's CSV alert time, e.g. `01/27/16-16:01:04.877970`. */
export const DEFAULT_SNORT_DATE_FORMAT = 'MM/dd/yy-HH:mm:ss.SSSSSS';

export const SNORT_CONFIG_KEYS = ['dateFormat', 'timeZone', 'recordDelimiter'] as const;

export interface SnortConfig {
  /** `java.time` pattern of the timestamp column. */
  readonly dateFormat: CompiledDatePattern;
  /**
   * Zone of the timestamp column. Default UTC: Metron used the JVM's default zone, which made the
   * result depend on the host; UTC is what Metron hosts were normally set to. Set `timeZone` to the
   * zone Snort writes in (Snort logs local time unless run with `-U`).
   */
  readonly timeZone: TimeZone;
  /** Column separator, one character. Default `,`. Metron fixed it in code; here it is configurable. */
  readonly recordDelimiter: string;
}

/** Reads and checks the Snort `parserConfig`; throws ConfigError. */
export function readSnortConfig(config: Record<string, unknown>, file: string): SnortConfig {
  const format = readString(config, 'dateFormat', file);
  const pattern = format === undefined || format === '' ? DEFAULT_SNORT_DATE_FORMAT : format;
  let dateFormat: CompiledDatePattern;
  try {
    dateFormat = compileJavaDatePattern(pattern);
  } catch (err) {
    if (err instanceof DatePatternError) throw new ConfigError(file, '$.parserConfig.dateFormat', `unsupported date format ${JSON.stringify(pattern)}: ${err.message}`);
    throw err;
  }
  const zoneId = readString(config, 'timeZone', file);
  let timeZone = UTC;
  if (zoneId !== undefined && zoneId !== '') {
    const zone = resolveTimeZone(zoneId);
    if (zone === undefined) throw new ConfigError(file, '$.parserConfig.timeZone', `unknown time zone ${JSON.stringify(zoneId)} (use an IANA id such as America/Chicago, or UTC)`);
    timeZone = zone;
  }
  const delimiter = readString(config, 'recordDelimiter', file);
  if (delimiter !== undefined && delimiter.length !== 1) {
    throw new ConfigError(file, '$.parserConfig.recordDelimiter', `must be one character, got ${JSON.stringify(delimiter)}`);
  }
  return { dateFormat, timeZone, recordDelimiter: delimiter ?? ',' };
}
