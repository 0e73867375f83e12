/** `parserConfig` of the Syslog 5424 parser (Metron's Syslog5424Parser keys and defaults). */
import { readEnum } from '../util/config-values.js';

/** What a nil (`-`) header field becomes: absent (OMIT, Metron's default), `"-"` (DASH) or null (NULL). */
export const NIL_POLICIES = ['OMIT', 'DASH', 'NULL'] as const;
export type NilPolicy = (typeof NIL_POLICIES)[number];

export const SYSLOG_5424_CONFIG_KEYS = ['nilPolicy'] as const;

export interface Syslog5424Config {
  readonly nilPolicy: NilPolicy;
}

/** Reads and checks the Syslog 5424 `parserConfig`; throws ConfigError. */
export function readSyslog5424Config(config: Record<string, unknown>, file: string): Syslog5424Config {
  return { nilPolicy: readEnum(config, 'nilPolicy', NIL_POLICIES, 'OMIT', file) };
}
