/** `parserConfig` of the ASA parser (Metron's BasicAsaParser keys). */
import { ConfigError } from '@metron/core';
import { readString } from '../util/config-values.js';
import { resolveTimeZone, UTC, type TimeZone } from '../util/time-zone.js';

export const ASA_CONFIG_KEYS = ['deviceTimeZone'] as const;

export interface AsaConfig {
  /** Zone of the device clock, for timestamps without an offset (Metron's `deviceTimeZone`, default UTC). */
  readonly deviceTimeZone: TimeZone;
}

/** Reads and checks the ASA `parserConfig`; throws ConfigError (Metron fails at configure on a bad zone). */
export function readAsaConfig(config: Record<string, unknown>, file: string): AsaConfig {
  const zoneId = readString(config, 'deviceTimeZone', file);
  if (zoneId === undefined) return { deviceTimeZone: UTC };
  const zone = resolveTimeZone(zoneId);
  if (zone === undefined) {
    throw new ConfigError(file, '$.parserConfig.deviceTimeZone', `unknown time zone ${JSON.stringify(zoneId)} (use an IANA id such as America/New_York, or an offset such as UTC-05:00)`);
  }
  return { deviceTimeZone: zone };
}
