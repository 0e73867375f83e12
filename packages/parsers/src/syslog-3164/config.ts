/** `parserConfig` of the Syslog 3164 parser (Metron's Syslog3164Parser keys, plus `splitTag`). */
import { ConfigError } from '@metron/core';
import { readBoolean, readString } from '../util/config-values.js';
import { resolveTimeZone, UTC, type TimeZone } from '../util/time-zone.js';

export const SYSLOG_3164_CONFIG_KEYS = ['deviceTimeZone', 'splitTag'] as const;

export interface Syslog3164Config {
  /** Zone of the year-less BSD timestamps (Metron's `deviceTimeZone`, default UTC). */
  readonly deviceTimeZone: TimeZone;
  /**
   * Not in Metron (which leaves `tag[pid]: ` in `syslog.message`): when true, a leading
   * `tag[pid]: ` / `tag: ` becomes `syslog.header.appName` / `syslog.header.procId` and is removed
   * from the message. Default false, for Metron's output.
   */
  readonly splitTag: boolean;
}

/** Reads and checks the Syslog 3164 `parserConfig`; throws ConfigError. */
export function readSyslog3164Config(config: Record<string, unknown>, file: string): Syslog3164Config {
  const zoneId = readString(config, 'deviceTimeZone', file);
  let deviceTimeZone = UTC;
  if (zoneId !== undefined && zoneId.trim() !== '') {
    const zone = resolveTimeZone(zoneId);
    if (zone === undefined) throw new ConfigError(file, '$.parserConfig.deviceTimeZone', `unknown time zone ${JSON.stringify(zoneId)} (use an IANA id such as America/New_York, or an offset such as UTC-05:00)`);
    deviceTimeZone = zone;
  }
  return { deviceTimeZone, splitTag: readBoolean(config, 'splitTag', false, file) };
}
