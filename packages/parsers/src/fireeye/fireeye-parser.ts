/**
 * Metron's BasicFireEyeParser (`org.apache.metron.parsers.fireeye.BasicFireEyeParser`): FireEye
 * CMS `fenotify` alerts sent as syslog with a CEF payload. It is not a CEF parser, and users'
 * data depends on its quirks, which are kept:
 * - text before the last `<PRI>` is dropped: the record is cut to that PRI and what follows it up
 *   to the next occurrence of the same PRI (so `fireeye[-]: <161>Mar 19 ...` reads as `<161>Mar 19 ...`
 *   and that is `original_string`);
 * - the fifth whitespace-separated word is the alert id; only a two-part id (`fenotify-851983.alert:`)
 *   has its fields read; continuation parts (`fenotify-3483808.2.alert:`) keep only
 *   `original_string`. Fewer than five words is an error;
 * - fields come from the words between the first and the last (the last word is dropped, so the
 *   final `cs1=...` never appears), after CEF names are renamed by plain substring replacement
 *   anywhere in the text (`cn3`→`dst_port`, `cs5`→`cncHost`, `proto`→`protocol`, `rt=`→`timestamp=`,
 *   `cs1`→`malware`, `dst=`→`dst_ip=`, `shost`→`src_hostname`, `dmac`→`dst_mac`, `smac`→`src_mac`,
 *   `spt`→`src_port`, the word `src`→`src_ip`; so `cn3Label` becomes `dst_portLabel`);
 * - from the text after the last `|`, each `key=value` followed by a space and another `key=`
 *   (or only spaces to the end) is a field; a value holding `=` (`ev_id\=851983`) is skipped;
 *   repeated keys join their values with `,` (two `dvc` give `ip_src_addr` "a,b");
 * - `dvc`, `src_port`, `dst_ip` and `dst_port` are copied to `ip_src_addr`, `ip_src_port`,
 *   `ip_dst_addr` and `ip_dst_port`;
 * - `timestamp` is the syslog time (`MMM d HH:mm:ss` before an IPv4 address) in UTC in the current
 *   year (lenient: `Feb 30` is March 2); 0 when the record has no such time.
 */
import type { Message } from '@metron/core';
import type { MessageParser, ParseContext, ParseOutcome } from '../types.js';
import { setField } from '../util/fields.js';
import { javaTrim } from '../util/java-string.js';
import { JAVA_END, JAVA_SPACE, javaSplit, parseLenientDate, type DateStep } from '../vendor-common/java-text.js';

const PRI = /<[1-9][0-9]*>/g;
const WHITESPACE_RUN = new RegExp(`${JAVA_SPACE}+`, 'g');
const SYSLOG_TIME = new RegExp(`([a-zA-Z]{3})${JAVA_SPACE}+(\\d+)${JAVA_SPACE}+(\\d+:\\d+:\\d+)${JAVA_SPACE}+(\\d+\\.\\d+\\.\\d+\\.\\d+)`);
/**
 * Metron's `([\w\d]+)=([^=]*)(?=\s*\w+=|\s*$) `: key=value, then a space that is followed by
 * another key= or by spaces to the end. Two additions keep the same matches in linear time: a key
 * starts a word (a later start in the same word fails whenever its start does), and the space is
 * checked before the lookahead.
 */
const KEY_VALUE = new RegExp(`(?<!\\w)([\\w\\d]+)=([^=]*)(?= )(?=${JAVA_SPACE}*\\w+=|${JAVA_SPACE}*${JAVA_END}) `, 'g');
/** Java's `\bsrc\b` (a word char is a Unicode letter or digit, or `_`). */
const SRC_WORD = /(?<![\p{L}\p{Nd}\p{Mn}_])src(?![\p{L}\p{Nd}\p{Mn}_])/gu;

const RENAMES: readonly (readonly [string, string])[] = [
  ['cn3', 'dst_port'],
  ['cs5', 'cncHost'],
  ['proto', 'protocol'],
  ['rt=', 'timestamp='],
  ['cs1', 'malware'],
  ['dst=', 'dst_ip='],
  ['shost', 'src_hostname'],
  ['dmac', 'dst_mac'],
  ['smac', 'src_mac'],
  ['spt', 'src_port'],
];

const TUPLE: readonly (readonly [string, string])[] = [
  ['dvc', 'ip_src_addr'],
  ['src_port', 'ip_src_port'],
  ['dst_ip', 'ip_dst_addr'],
  ['dst_port', 'ip_dst_port'],
];

const MONTHS = ['jan', 'feb', 'mar', 'apr', 'may', 'jun', 'jul', 'aug', 'sep', 'oct', 'nov', 'dec'];
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

/** The record from its last PRI on, as Metron cuts it. */
export function cutAtLastPri(text: string): string {
  let delimiter = '';
  for (const m of text.matchAll(PRI)) delimiter = m[0];
  if (delimiter === '') return text;
  const pieces = javaSplit(text, delimiter);
  return pieces.length > 1 ? delimiter + pieces[1]! : text;
}

/** The CEF-ish key/value fields of the words between the first and the last. */
export function readFireEyeFields(words: readonly string[]): Map<string, string[]> {
  let input = words.slice(1, -1).join(' ');
  for (const [from, to] of RENAMES) input = input.replaceAll(from, to);
  input = input.replace(SRC_WORD, 'src_ip');
  const fields = new Map<string, string[]>();
  const sections = javaSplit(input, '|');
  const last = sections[sections.length - 1];
  if (last === undefined) return fields;
  for (const m of last.matchAll(KEY_VALUE)) {
    const [key, value] = javaSplit(m[0], '=') as [string, string];
    const values = fields.get(key);
    if (values === undefined) fields.set(key, [value]);
    else values.push(value);
  }
  return fields;
}

/** The syslog time in UTC in the year of `now`, 0 without one, or why it does not convert. */
export function fireEyeTimestamp(text: string, now: number): number | string {
  const m = SYSLOG_TIME.exec(text);
  if (m === null) return 0;
  const month = MONTHS.indexOf(m[1]!.toLowerCase());
  if (month === -1) return `unknown month ${JSON.stringify(m[1])}`;
  const year = new Date(now).getUTCFullYear();
  return parseLenientDate(`${year}-${month + 1}-${m[2]!} ${m[3]!}`, DATE_STEPS);
}

export class FireEyeParser implements MessageParser {
  parse(text: string, ctx: ParseContext): ParseOutcome {
    const record = cutAtLastPri(text);
    const words = javaSplit(record, WHITESPACE_RUN);
    const id = words[4];
    if (id === undefined) return { ok: false, reason: `${words.length} words, the alert id is the fifth` };
    const message: Message = {};
    if (javaSplit(id, '.').length === 2) {
      for (const [key, values] of readFireEyeFields(words)) setField(message, key, javaTrim(values.join(',')));
    }
    message['original_string'] = record;
    for (const [from, to] of TUPLE) {
      const value = message[from];
      if (value !== undefined) message[to] = value;
    }
    const timestamp = fireEyeTimestamp(record, ctx.now);
    if (typeof timestamp === 'string') return { ok: false, reason: timestamp };
    message['timestamp'] = timestamp;
    return { ok: true, messages: [message] };
  }
}
