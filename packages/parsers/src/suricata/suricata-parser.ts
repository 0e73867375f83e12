/**
 * Suricata EVE JSON (https://docs.suricata.io/en/latest/output/eve/eve-json-format.html), every
 * event_type, one object per record:
 * - nested objects unfolded with dots as Metron's JSONMap parser does with `mapStrategy: UNFOLD`
 *   (`alert.signature`, `http.hostname`, `flow.bytes_toserver`); lists are kept as they are;
 * - `src_ip`/`src_port`/`dest_ip`/`dest_port` → `ip_src_addr`/`ip_src_port`/`ip_dst_addr`/
 *   `ip_dst_port`, `proto` → `protocol` in lower case (`TCP` → `tcp`);
 * - `timestamp` (ISO 8601 with offset and microseconds) → `timestamp`, epoch ms (truncated);
 * - `flow_id` and `parent_id` are 64-bit: kept as strings of their exact digits, whatever their size,
 *   because a JS number rounds them above 2^53 and a field should keep one type;
 * - an `alert` event gets `is_alert: "true"`, as Metron's Snort parser marks its alerts.
 */
import type { Message } from '@metron/core';
import type { MessageParser, ParseOutcome } from '../types.js';
import { isJsonObject, setField } from '../util/fields.js';
import { safeIntegerToString } from '../util/java-compat.js';
import { isoToMillis } from '../zeek/iso-timestamp.js';
import { dottedKeysUnder } from './dotted-keys.js';

export class SuricataParser implements MessageParser {
  parse(text: string): ParseOutcome {
    let root: unknown;
    try {
      root = JSON.parse(text);
    } catch (err) {
      return { ok: false, reason: `invalid JSON: ${(err as Error).message}` };
    }
    if (!isJsonObject(root)) return { ok: false, reason: 'EVE record is not a JSON object' };

    const message: Record<string, unknown> = {};
    let time: unknown;
    for (const key in root) {
      const value = root[key];
      switch (key) {
        case 'timestamp':
          time = value;
          continue;
        case 'src_ip':
          message['ip_src_addr'] = value;
          continue;
        case 'src_port':
          message['ip_src_port'] = value;
          continue;
        case 'dest_ip':
          message['ip_dst_addr'] = value;
          continue;
        case 'dest_port':
          message['ip_dst_port'] = value;
          continue;
        case 'proto':
          message['protocol'] = typeof value === 'string' ? lowerCase(value) : value;
          continue;
      }
      if (typeof value === 'object') {
        if (value !== null && !Array.isArray(value)) {
          unfold(key, value as Record<string, unknown>, message, text);
          continue;
        }
      } else if (typeof value === 'number' && isFlowIdKey(key)) {
        message[key] = exactInteger(text, key, value);
        continue;
      }
      if (key === '__proto__') setField(message, key, value);
      else message[key] = value;
    }

    if (time === undefined) return { ok: false, reason: 'EVE record has no timestamp' };
    const millis = typeof time === 'string' ? isoToMillis(time) : undefined;
    if (millis === undefined) return { ok: false, reason: `EVE timestamp ${JSON.stringify(time)} is not ISO 8601 with a zone` };
    message['timestamp'] = millis;
    if (message['event_type'] === 'alert') message['is_alert'] = 'true';
    message['original_string'] = text;
    return { ok: true, messages: [message as Message] };
  }
}

/** Nested objects' fields as top-level fields with dotted keys (never `__proto__`: they hold a dot). */
function unfold(prefix: string, object: Record<string, unknown>, into: Record<string, unknown>, text: string): void {
  const under = dottedKeysUnder(prefix);
  let position = 0;
  for (const key in object) {
    const value = object[key];
    const dotted = under.at(position++, key);
    if (typeof value === 'object') {
      if (value !== null && !Array.isArray(value)) {
        unfold(dotted, value as Record<string, unknown>, into, text);
        continue;
      }
    } else if (typeof value === 'number' && isFlowIdKey(key)) {
      into[dotted] = exactInteger(text, key, value);
      continue;
    }
    into[dotted] = value;
  }
}

/** The protocols of a sensor are a handful: their lower case is looked up, not made, per record. */
const LOWER_CASE_LIMIT = 64;
const lowerCases = new Map<string, string>();

function lowerCase(value: string): string {
  let lower = lowerCases.get(value);
  if (lower === undefined) {
    lower = value.toLowerCase();
    if (lowerCases.size >= LOWER_CASE_LIMIT) lowerCases.clear();
    lowerCases.set(value, lower);
  }
  return lower;
}

function isFlowIdKey(key: string): boolean {
  return key === 'flow_id' || key === 'parent_id';
}

/**
 * The digits `text` holds for the integer `value` of `key`. Below 2^53 the number prints its own
 * digits; above it JSON.parse has rounded, so the digits are read back from the text (only then,
 * which keeps the common path free of scanning).
 */
function exactInteger(text: string, key: string, value: number): string {
  if (Number.isSafeInteger(value)) return safeIntegerToString(value);
  const quoted = `"${key}"`;
  for (let at = text.indexOf(quoted); at >= 0; at = text.indexOf(quoted, at + quoted.length)) {
    let pos = at + quoted.length;
    while (isJsonSpace(text.charCodeAt(pos))) pos++;
    if (text.charCodeAt(pos) !== 58 /* : */) continue;
    pos++;
    while (isJsonSpace(text.charCodeAt(pos))) pos++;
    const start = pos;
    if (text.charCodeAt(pos) === 45 /* - */) pos++;
    while (pos < text.length && text.charCodeAt(pos) >= 48 && text.charCodeAt(pos) <= 57) pos++;
    const digits = text.slice(start, pos);
    if (digits !== '' && digits !== '-' && Number(digits) === value) return digits;
  }
  // Not written as a plain integer (e.g. 1.8e19): the value as read is all there is.
  return Number.isInteger(value) ? BigInt(value).toString() : String(value);
}

function isJsonSpace(code: number): boolean {
  return code === 32 || code === 9 || code === 10 || code === 13;
}
