/**
 * Metron's BasicLogstashParser (`org.apache.metron.parsers.logstash.BasicLogstashParser`): events
 * already parsed by Logstash, one JSON object per record. As Metron does:
 * - Logstash's own `@version`, `type`, `host` and `tags` are removed;
 * - `message`, `src_ip`, `dst_ip`, `src_port` and `dst_port` are renamed to `original_string`,
 *   `ip_src_addr`, `ip_dst_addr`, `ip_src_port` and `ip_dst_port` (values unchanged);
 * - `@timestamp` (`yyyy-MM-dd'T'HH:mm:ss.SSS'Z'`) becomes `timestamp` in epoch ms, read leniently
 *   (the fraction is a count of milliseconds, so `.5Z` is 5 ms); Metron used the host's zone,
 *   here UTC, which is what the Z means;
 * - every other key is kept as it is.
 * A record that is not a JSON object, or has no string `@timestamp` of that form, is an error.
 * Without `message`, `original_string` is left to the sensor parser (the whole record).
 */
import type { Message } from '@metron/core';
import type { MessageParser, ParseOutcome } from '../types.js';
import { isJsonObject, setField } from '../util/fields.js';
import { parseLenientDate, type DateStep } from '../vendor-common/java-text.js';

const LOGSTASH_META = ['@version', 'type', 'host', 'tags'];
const RENAMES: readonly (readonly [string, string])[] = [
  ['message', 'original_string'],
  ['src_ip', 'ip_src_addr'],
  ['dst_ip', 'ip_dst_addr'],
  ['src_port', 'ip_src_port'],
  ['dst_port', 'ip_dst_port'],
];
const DATE_STEPS: readonly DateStep[] = [
  { field: 'year' },
  { literal: '-' },
  { field: 'month' },
  { literal: '-' },
  { field: 'day' },
  { literal: 'T' },
  { field: 'hour' },
  { literal: ':' },
  { field: 'minute' },
  { literal: ':' },
  { field: 'second' },
  { literal: '.' },
  { field: 'millis' },
  { literal: 'Z' },
];

export class LogstashParser implements MessageParser {
  parse(text: string): ParseOutcome {
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch (err) {
      return { ok: false, reason: `invalid JSON: ${(err as Error).message}` };
    }
    if (!isJsonObject(parsed)) return { ok: false, reason: 'the record is not a JSON object' };
    const message = parsed as Message;
    for (const key of LOGSTASH_META) delete message[key];
    for (const [from, to] of RENAMES) {
      if (!Object.hasOwn(message, from)) continue;
      const value = message[from]!;
      delete message[from];
      setField(message, to, value);
    }
    const stamp = message['@timestamp'];
    delete message['@timestamp'];
    if (typeof stamp !== 'string') return { ok: false, reason: 'the record has no string @timestamp' };
    const timestamp = parseLenientDate(stamp, DATE_STEPS);
    if (typeof timestamp === 'string') return { ok: false, reason: `@timestamp: ${timestamp}` };
    message['timestamp'] = timestamp;
    return { ok: true, messages: [message] };
  }
}
