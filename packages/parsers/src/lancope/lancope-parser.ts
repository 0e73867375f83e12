/**
 * Metron's BasicLancopeParser (`org.apache.metron.parsers.lancope.BasicLancopeParser`): Lancope
 * StealthWatch alarms as shipped by Logstash, one JSON object per record whose `message` is the
 * syslog line. As Metron does:
 * - the `message` words (split at single spaces, so a double space shifts them) give
 *   `ip_src_addr` (word 6), `ip_dst_addr` (word 7) and `timestamp` (word 5, `2014-07-17T15:58:30Z`
 *   read as `yyyy-MM-dd HH:mm:ss` after T and Z become spaces, leniently; Metron used the host's
 *   zone, here UTC, which is what the trailing Z means);
 * - `message` and `@timestamp` are removed, `original_string` is the `message` (not the record),
 *   every other key of the object is kept as it is (`@version`, `type`, `host`, ...);
 * - a record that is not a JSON object, has no string `message`, or too few words, is an error.
 */
import type { Message } from '@metron/core';
import type { MessageParser, ParseOutcome } from '../types.js';
import { isJsonObject } from '../util/fields.js';
import { javaTrim } from '../util/java-string.js';
import { javaSplit, parseLenientDate, type DateStep } from '../vendor-common/java-text.js';

const DATE_STEPS: readonly DateStep[] = [
  { field: 'year' },
  { literal: '-' },
  { field: 'month' },
  { literal: '-' },
  { field: 'day' },
  { literal: ' ' },
  { field: 'hour' },
  { literal: ':' },
  { field: 'minute' },
  { literal: ':' },
  { field: 'second' },
];

export class LancopeParser implements MessageParser {
  parse(text: string): ParseOutcome {
    let payload: unknown;
    try {
      payload = JSON.parse(text);
    } catch (err) {
      return { ok: false, reason: `invalid JSON: ${(err as Error).message}` };
    }
    if (!isJsonObject(payload)) return { ok: false, reason: 'the record is not a JSON object' };
    const message = payload as Message;
    const line = message['message'];
    if (typeof line !== 'string') return { ok: false, reason: 'the record has no string message' };
    const words = javaSplit(line, ' ');
    if (words.length < 8) return { ok: false, reason: `message has ${words.length} words; the addresses are words 6 and 7` };
    message['ip_src_addr'] = words[6]!;
    message['ip_dst_addr'] = words[7]!;
    const date = javaTrim(words[5]!.replaceAll('T', ' ').replaceAll('Z', ' '));
    const timestamp = parseLenientDate(date, DATE_STEPS);
    if (typeof timestamp === 'string') return { ok: false, reason: `message time: ${timestamp}` };
    message['timestamp'] = timestamp;
    delete message['@timestamp'];
    delete message['message'];
    message['original_string'] = line;
    return { ok: true, messages: [message] };
  }
}
