/**
 * Metron's BasicBroParser (metron-parsers `org.apache.metron.parsers.bro.BasicBroParser`) for
 * Bro/Zeek JSON logs as the Metron Bro plugin writes them: `{"<log type>": {...fields}}`, or a flat
 * object with a `type` field.
 * - top-level keys are cleaned to `[._a-zA-Z0-9]` (JSONCleaner); the payload's own keys are kept,
 *   dots included;
 * - `original_string` = `<TYPE> | k:v k:v ...` in Java HashMap order, values printed as Java does
 *   (Doubles as `0.0#####`, lists and objects as json-simple JSON);
 * - `ts` (epoch seconds) becomes `timestamp` (ms, truncated) plus `bro_timestamp` (the seconds as
 *   printed above);
 * - `source_ip`|`id.orig_h` → ip_src_addr (else the first of `tx_hosts`), `dest_ip`|`id.resp_h` →
 *   ip_dst_addr (else the first of `rx_hosts`), `source_port`|`id.orig_p` → ip_src_port,
 *   `dest_port`|`id.resp_p` → ip_dst_port; `protocol` = the log type.
 * Beyond Metron: a `ts` given as a numeric string or ISO 8601 text (Zeek's JSON::TS_ISO8601) is
 * read instead of failing the record, and a null field prints as `null` instead of failing it.
 */
import type { Message } from '@metron/core';
import type { MessageParser, ParseOutcome } from '../types.js';
import { isJsonObject, setField } from '../util/fields.js';
import { javaDecimalFormat6, javaHashMapOrder, JavaDouble, javaValueToString, unwrapJavaValues } from '../util/java-compat.js';
import { mayHoldIntegralDouble, parseJsonKeepingDoubles } from '../util/json-java-reader.js';

const UNCLEAN_KEY = /[^._a-zA-Z0-9]/;
const UNCLEAN_KEY_RUNS = /[^._a-zA-Z0-9]+/g;

/** Renamed fields: the first source key present wins (Metron's replaceKey). */
const SRC_ADDR_KEYS = ['source_ip', 'id.orig_h'] as const;
const DST_ADDR_KEYS = ['dest_ip', 'id.resp_h'] as const;
const SRC_PORT_KEYS = ['source_port', 'id.orig_p'] as const;
const DST_PORT_KEYS = ['dest_port', 'id.resp_p'] as const;

export class BroParser implements MessageParser {
  parse(text: string): ParseOutcome {
    // JSON.parse is the fast path; the Java-faithful reader only when a number like 3600.0 may occur.
    const keepDoubles = mayHoldIntegralDouble(text);
    let root: unknown;
    try {
      root = keepDoubles ? parseJsonKeepingDoubles(text) : JSON.parse(text);
    } catch (err) {
      return { ok: false, reason: `invalid JSON: ${(err as Error).message}` };
    }
    if (!isJsonObject(root)) return { ok: false, reason: 'Bro record is not a JSON object' };
    const cleaned = cleanTopLevel(root);
    const topKeys = Object.keys(cleaned);
    if (topKeys.length === 0) return { ok: false, reason: 'Bro record is an empty object' };

    let logType: string;
    let payload: Record<string, unknown>;
    if (Object.hasOwn(cleaned, 'type')) {
      const type = cleaned['type'];
      if (type === null || type === undefined) return { ok: false, reason: 'Bro record has a null "type"' };
      logType = javaValueToString(type);
      payload = cleaned;
    } else {
      logType = javaHashMapOrder(topKeys)[0]!;
      const inner = cleaned[logType];
      if (!isJsonObject(inner)) return { ok: false, reason: `Bro record's ${JSON.stringify(logType)} is not a JSON object` };
      payload = inner;
    }

    const payloadKeys = Object.keys(payload);
    let original = `${logType.toUpperCase()} |`;
    for (const key of javaHashMapOrder(payloadKeys)) original += ` ${key}:${javaValueToString(payload[key])}`;

    const message: Record<string, unknown> = {};
    const srcAddrKey = firstPresent(payload, SRC_ADDR_KEYS);
    const dstAddrKey = firstPresent(payload, DST_ADDR_KEYS);
    const srcPortKey = firstPresent(payload, SRC_PORT_KEYS);
    const dstPortKey = firstPresent(payload, DST_PORT_KEYS);
    // Metron removes tx_hosts / rx_hosts only when no address field was found.
    const txKey = srcAddrKey === undefined && Object.hasOwn(payload, 'tx_hosts') ? 'tx_hosts' : undefined;
    const rxKey = dstAddrKey === undefined && Object.hasOwn(payload, 'rx_hosts') ? 'rx_hosts' : undefined;
    const hasTs = Object.hasOwn(payload, 'ts');
    for (const key of payloadKeys) {
      if (key === srcAddrKey || key === dstAddrKey || key === srcPortKey || key === dstPortKey || key === txKey || key === rxKey) continue;
      if (hasTs && key === 'ts') continue;
      const value = payload[key];
      setField(message, key, keepDoubles ? unwrapJavaValues(value) : value);
    }
    message['original_string'] = original;

    const ts = hasTs ? payload['ts'] : payload['timestamp'];
    if (ts !== undefined) {
      const converted = convertTimestamp(ts);
      if (converted === undefined) return { ok: false, reason: `Bro ts ${JSON.stringify(unwrapJavaValues(ts))} is not epoch seconds` };
      message['timestamp'] = converted.millis;
      message['bro_timestamp'] = converted.formatted;
    }

    if (srcAddrKey !== undefined) message['ip_src_addr'] = unwrapJavaValues(payload[srcAddrKey]);
    else if (txKey !== undefined) setFirstHost(message, 'ip_src_addr', payload[txKey]);
    if (dstAddrKey !== undefined) message['ip_dst_addr'] = unwrapJavaValues(payload[dstAddrKey]);
    else if (rxKey !== undefined) setFirstHost(message, 'ip_dst_addr', payload[rxKey]);
    if (srcPortKey !== undefined) message['ip_src_port'] = unwrapJavaValues(payload[srcPortKey]);
    if (dstPortKey !== undefined) message['ip_dst_port'] = unwrapJavaValues(payload[dstPortKey]);
    message['protocol'] = logType;
    return { ok: true, messages: [message as Message] };
  }
}

/** JSONCleaner: strips characters other than `._a-zA-Z0-9` from top-level keys (later duplicates win). */
function cleanTopLevel(root: Record<string, unknown>): Record<string, unknown> {
  let needed = false;
  for (const key in root) {
    if (UNCLEAN_KEY.test(key)) {
      needed = true;
      break;
    }
  }
  if (!needed) return root;
  // Java inserts the cleaned keys in the source map's HashMap order.
  const out: Record<string, unknown> = {};
  for (const key of javaHashMapOrder(Object.keys(root))) setField(out, key.replace(UNCLEAN_KEY_RUNS, ''), root[key]);
  return out;
}

function firstPresent(payload: Record<string, unknown>, keys: readonly string[]): string | undefined {
  for (const key of keys) if (Object.hasOwn(payload, key)) return key;
  return undefined;
}

function setFirstHost(message: Record<string, unknown>, field: string, hosts: unknown): void {
  if (Array.isArray(hosts)) {
    if (hosts.length > 0) message[field] = unwrapJavaValues(hosts[0]);
  } else if (hosts !== null && hosts !== undefined) {
    message[field] = unwrapJavaValues(hosts);
  }
}

const ISO_8601 = /^\d{4}-\d{2}-\d{2}T/;

/** Epoch seconds → Metron's `timestamp` (ms, truncated as Java's `(long)(d * 1000)`) and `bro_timestamp`. */
function convertTimestamp(ts: unknown): { millis: number; formatted: string } | undefined {
  let seconds: number | undefined;
  if (typeof ts === 'number') seconds = ts;
  else if (ts instanceof JavaDouble) seconds = ts.value;
  else if (typeof ts === 'string') {
    const trimmed = ts.trim();
    if (trimmed !== '' && Number.isFinite(Number(trimmed))) seconds = Number(trimmed);
    else if (ISO_8601.test(trimmed)) {
      const ms = Date.parse(trimmed);
      if (!Number.isNaN(ms)) return { millis: ms, formatted: ts };
    }
  }
  if (seconds === undefined || !Number.isFinite(seconds)) return undefined;
  return { millis: Math.trunc(seconds * 1000), formatted: javaDecimalFormat6(seconds) };
}
