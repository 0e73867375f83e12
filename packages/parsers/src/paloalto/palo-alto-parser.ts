/**
 * Metron's BasicPaloAltoFirewallParser (`org.apache.metron.parsers.paloalto.BasicPaloAltoFirewallParser`):
 * PAN-OS syslog in the CSV format of the PAN-OS 6.0/6.1/7.0/8.0 log field references, log types
 * TRAFFIC, THREAT, CONFIG and SYSTEM. As Metron does:
 * - the record splits at each comma followed by an even number of `"` (so quoted fields keep
 *   their commas, and a record with an odd count splits oddly); every piece counts, also trailing
 *   empty ones; anything before the first comma (a syslog header) is part of field 0;
 * - the PAN-OS version is inferred from the field count per log type (`parser_version`: 60, 61,
 *   70 or 80; 0 when the count is unknown, then only the fields common to all versions are read
 *   and `tokens_seen` holds the count);
 * - a field is skipped when blank or exactly `""`; values are trimmed, some also lose one pair of
 *   enclosing quotes; the 5-tuple uses Metron's names (`ip_src_addr`, `protocol`, ...);
 * - a THREAT url that Java's URL class accepts adds `host`;
 * - `timestamp` is the time of parsing, not a time from the log (Metron used the clock too;
 *   `receive_time` and `time_generated` hold the device's times as text).
 * Another log type, or too few fields for what the type reads, is an error.
 */
import type { Message } from '@metron/core';
import type { MessageParser, ParseContext, ParseOutcome } from '../types.js';
import { setField } from '../util/fields.js';
import { javaTrim } from '../util/java-string.js';
import { javaUrlHost } from './java-url.js';

/** One field read: column index, field name, and whether enclosing quotes are removed. */
type Column = readonly [index: number, field: string, unquote?: 'unquote'];
const U = 'unquote';

const LOG_TYPES = new Set(['TRAFFIC', 'THREAT', 'CONFIG', 'SYSTEM']);

const COMMON: readonly Column[] = [
  [0, 'palo_alto_domain'],
  [1, 'receive_time'],
  [2, 'serial'],
  [4, 'subtype', U],
  [5, 'config_version'],
  [6, 'time_generated'],
];

/** Device group hierarchy, virtual system name and device name (PAN-OS 7.0+). */
const hierarchy = (first: number): Column[] => [
  [first, 'dg_hier_level_1'],
  [first + 1, 'dg_hier_level_2'],
  [first + 2, 'dg_hier_level_3'],
  [first + 3, 'dg_hier_level_4'],
  [first + 4, 'vsys_name', U],
  [first + 5, 'device_name', U],
];

// CONFIG: 6.1 has 16 fields (18 with the optional before/after change details at the end),
// 7.0/8.0 have 22 (24 with the details, which then come before seqno).
const CONFIG_BASE: readonly Column[] = [
  [7, 'host'],
  [8, 'vsys'],
  [9, 'command'],
  [10, 'admin'],
  [11, 'client', U],
  [12, 'result', U],
  [13, 'configuration_path', U],
];
const CHANGE_DETAILS = (at: number): Column[] => [
  [at, 'before_change_detail', U],
  [at + 1, 'after_change_detail', U],
];
const CONFIG_61: readonly Column[] = [[14, 'seqno', U], [15, 'actionflags', U]];
const CONFIG_80 = (offset: number): Column[] => [
  [14 + offset, 'seqno', U],
  [15 + offset, 'actionflags', U],
  ...hierarchy(16 + offset).map(([i, f]): Column => [i, f, U]),
];

// SYSTEM: 6.1 has 17 fields, 7.0/8.0 23; columns 10 and 11 are unused by PAN-OS.
const SYSTEM_61: readonly Column[] = [
  [7, 'vsys'],
  [8, 'event_id'],
  [9, 'object'],
  [12, 'module'],
  [13, 'severity', U],
  [14, 'description', U],
  [15, 'seqno', U],
  [16, 'actionflags', U],
];
const SYSTEM_80: readonly Column[] = hierarchy(17);

// TRAFFIC and THREAT share columns 7-30.
const SESSION: readonly Column[] = [
  [7, 'ip_src_addr'],
  [8, 'ip_dst_addr'],
  [9, 'natsrc'],
  [10, 'natdst'],
  [11, 'rule', U],
  [12, 'srcuser', U],
  [13, 'dstuser', U],
  [14, 'app', U],
  [15, 'vsys', U],
  [16, 'from', U],
  [17, 'to', U],
  [18, 'inbound_if', U],
  [19, 'outbound_if', U],
  [20, 'log_action', U],
  [21, 'start'],
  [22, 'sessionid'],
  [23, 'repeatcnt'],
  [24, 'ip_src_port'],
  [25, 'ip_dst_port'],
  [26, 'natsport'],
  [27, 'natdport'],
  [28, 'flags'],
  [29, 'protocol', U],
  [30, 'action', U],
];

// THREAT: 45 fields in 6.0, 53 in 6.1, 61 in 7.0 (url_idx inserted at 45), 72 in 8.0.
const THREAT_60: readonly Column[] = [
  // column 31 (url) is read separately: it also gives `host`
  [32, 'threatid'],
  [33, 'category', U],
  [34, 'severity', U],
  [35, 'direction', U],
  [36, 'seqno'],
  [37, 'actionflags', U],
  [38, 'srcloc', U],
  [39, 'dstloc', U],
  [41, 'contenttype', U],
  [42, 'pcap_id'],
  [43, 'filedigest', U],
  [44, 'cloud', U],
];
const THREAT_61 = (shift: number): Column[] =>
  (['user_agent', 'filetype', 'xff', 'referer', 'sender', 'subject', 'recipient', 'reportid'] as const).map(
    (field, i): Column => [45 + shift + i, field, U],
  );
const THREAT_70: readonly Column[] = [[45, 'url_idx'], ...hierarchy(54)];
const THREAT_80: readonly Column[] = [
  [61, 'source_vm_uuid'],
  [62, 'destination_vm_uuid'],
  [63, 'http_method'],
  [64, 'tunnel_id'],
  [65, 'monitor_tag'],
  [66, 'parent_session_id'],
  [67, 'parent_session_start_time'],
  [68, 'tunnel_type'],
  [69, 'threat_category'],
  [70, 'content_version'],
];

// TRAFFIC: 46 fields in 6.0, 47 in 6.1, 54 in 7.0, 61 in 8.0; columns 38 and 43 are unused.
const TRAFFIC_60: readonly Column[] = [
  [31, 'bytes'],
  [32, 'bytes_sent'],
  [33, 'bytes_received'],
  [34, 'packets'],
  [35, 'start'], // overrides column 21, as in Metron
  [36, 'elapsed'],
  [37, 'category', U],
  [39, 'seqno'],
  [40, 'actionflags', U],
  [41, 'srcloc', U],
  [42, 'dstloc', U],
  [44, 'pkts_sent'],
  [45, 'pkts_received'],
];
const TRAFFIC_61: readonly Column[] = [[46, 'session_end_reason', U]];
const TRAFFIC_70: readonly Column[] = [...hierarchy(47), [53, 'action_source', U]];
const TRAFFIC_80: readonly Column[] = [
  [54, 'source_vm_uuid'],
  [55, 'destination_vm_uuid'],
  [56, 'tunnel_id'],
  [57, 'monitor_tag'],
  [58, 'parent_session_id'],
  [59, 'parent_session_start_time'],
  [60, 'tunnel_type'],
];

const QUOTE = 0x22;
const COMMA = 0x2c;

/**
 * Splits at each comma followed by an even number of double quotes up to the end of the record
 * (Metron's `,(?=(?:[^"]*"[^"]*")*[^"]*$)`), keeping every piece.
 */
export function splitPanOsFields(record: string): string[] {
  let quotesAfter = 0;
  for (let i = 0; i < record.length; i++) if (record.charCodeAt(i) === QUOTE) quotesAfter++;
  const fields: string[] = [];
  let start = 0;
  for (let i = 0; i < record.length; i++) {
    const c = record.charCodeAt(i);
    if (c === QUOTE) quotesAfter--;
    else if (c === COMMA && quotesAfter % 2 === 0) {
      fields.push(record.slice(start, i));
      start = i + 1;
    }
  }
  fields.push(record.slice(start));
  return fields;
}

/** Thrown inside `parse` only, where Metron's parser threw and failed the record. */
class FieldError extends Error {}

function isEmptyAttribute(value: string): boolean {
  return value === '""' || javaTrim(value) === '';
}

/**
 * Trimmed, without one pair of enclosing quotes. A lone `"` (where Java's substring would throw)
 * cannot reach here: the split puts every field with an odd number of quotes at the record's start.
 */
function unquote(value: string): string {
  const trimmed = javaTrim(value);
  return trimmed.length >= 2 && trimmed.startsWith('"') && trimmed.endsWith('"') ? trimmed.slice(1, -1) : trimmed;
}

export class PaloAltoParser implements MessageParser {
  parse(text: string, ctx: ParseContext): ParseOutcome {
    try {
      const message = this.read(splitPanOsFields(text));
      message['timestamp'] = ctx.now;
      message['original_string'] = text;
      return { ok: true, messages: [message] };
    } catch (err) {
      if (err instanceof FieldError) return { ok: false, reason: err.message };
      throw err;
    }
  }

  private read(tokens: string[]): Message {
    if (tokens.length < 4) throw new FieldError(`${tokens.length} fields, too few for a PAN-OS log`);
    const type = javaTrim(tokens[3]!);
    if (!LOG_TYPES.has(type)) throw new FieldError(`unsupported log type ${JSON.stringify(type.slice(0, 40))}`);
    const message: Message = {};
    const put = (columns: readonly Column[]): void => {
      for (const [index, field, mode] of columns) {
        const value = tokens[index];
        if (value === undefined) throw new FieldError(`${tokens.length} fields, too few for a ${type} log (no field ${index})`);
        if (isEmptyAttribute(value)) continue;
        setField(message, field, mode === U ? unquote(value) : javaTrim(value));
      }
    };
    put(COMMON.slice(0, 3));
    message['type'] = type;
    put(COMMON.slice(3));

    const n = tokens.length;
    let version = 0;
    if (type === 'CONFIG') {
      if (n === 16 || n === 18) version = 61;
      else if (n === 22 || n === 24) version = 80;
      if (version >= 61) put(CONFIG_BASE);
      if (version === 61) put(n === 18 ? [...CONFIG_61, ...CHANGE_DETAILS(16)] : CONFIG_61);
      if (version === 80) put(n === 24 ? [...CHANGE_DETAILS(14), ...CONFIG_80(2)] : CONFIG_80(0));
    } else if (type === 'SYSTEM') {
      if (n === 17) version = 61;
      else if (n === 23) version = 80;
      if (version >= 61) put(SYSTEM_61);
      if (version === 80) put(SYSTEM_80);
    } else {
      put(SESSION);
      if (type === 'THREAT') {
        let shift = 0;
        if (n === 45) version = 60;
        else if (n === 53) version = 61;
        else if (n === 61 || n === 72) {
          version = n === 61 ? 70 : 80;
          shift = 1;
        }
        this.putUrl(tokens, message, n);
        put(THREAT_60);
        if (version >= 61) put(THREAT_61(shift));
        if (version >= 70) put(THREAT_70);
        if (version >= 80) put(THREAT_80);
      } else {
        if (n === 46) version = 60;
        else if (n === 47) version = 61;
        else if (n === 54) version = 70;
        else if (n === 61) version = 80;
        put(TRAFFIC_60);
        if (version >= 61) put(TRAFFIC_61);
        if (version >= 70) put(TRAFFIC_70);
        if (version >= 80) put(TRAFFIC_80);
      }
    }
    message['parser_version'] = version;
    if (version === 0) message['tokens_seen'] = n;
    return message;
  }

  private putUrl(tokens: string[], message: Message, n: number): void {
    const raw = tokens[31];
    if (raw === undefined) throw new FieldError(`${n} fields, too few for a THREAT log (no field 31)`);
    if (isEmptyAttribute(raw)) return;
    const url = unquote(raw);
    message['url'] = url;
    const host = javaUrlHost(url);
    if (host !== undefined) message['host'] = host;
  }
}
