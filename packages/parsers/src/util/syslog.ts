/**
 * Pieces shared by the syslog parsers, which follow Metron's use of the simple-syslog library
 * (github.com/palindromicity/simple-syslog): its field names, PRI handling, RFC 3339 timestamps and
 * one message per line of a record.
 */
import type { Message } from '@metron/core';
import type { ParseOutcome } from '../types.js';
import { utcMs, daysInMonth } from './time-zone.js';

/** simple-syslog's SyslogFieldKeys, the names Metron's syslog parsers emit. */
export const SyslogKeys = {
  PRI: 'syslog.header.pri',
  FACILITY: 'syslog.header.facility',
  SEVERITY: 'syslog.header.severity',
  VERSION: 'syslog.header.version',
  TIMESTAMP: 'syslog.header.timestamp',
  HOSTNAME: 'syslog.header.hostName',
  APPNAME: 'syslog.header.appName',
  PROCID: 'syslog.header.procId',
  MSGID: 'syslog.header.msgId',
  MESSAGE: 'syslog.message',
  /** `syslog.structuredData.<SD-ID>.<PARAM-NAME>` */
  STRUCTURED_PREFIX: 'syslog.structuredData.',
} as const;

export const BOM = '\uFEFF';

/** Reads `<PRI>` at `pos` (1-3 digits, as simple-syslog; no upper bound). */
export function readPri(text: string, pos: number, message: Message): number | string {
  let end = pos + 1;
  while (end < text.length && end - pos <= 3 && isDigit(text.charCodeAt(end))) end++;
  if (end === pos + 1) return 'PRI "<" is not followed by digits';
  if (text[end] !== '>') return `PRI is not 1-3 digits closed by ">" at position ${pos}`;
  const digits = text.slice(pos + 1, end);
  const pri = Number(digits);
  message[SyslogKeys.PRI] = digits;
  message[SyslogKeys.FACILITY] = String(Math.trunc(pri / 8));
  message[SyslogKeys.SEVERITY] = String(pri % 8);
  return end + 1;
}

export function isDigit(code: number): boolean {
  return code >= 48 && code <= 57;
}

/** Index of the next space at or after `pos`, or the text length. */
export function nextSpace(text: string, pos: number): number {
  const i = text.indexOf(' ', pos);
  return i < 0 ? text.length : i;
}

/** True when text[start, end) is non-empty printable US-ASCII (PRINTUSASCII, %d33-126). */
export function isPrintUsAscii(text: string, start: number, end: number): boolean {
  if (end <= start) return false;
  for (let i = start; i < end; i++) {
    const c = text.charCodeAt(i);
    if (c < 33 || c > 126) return false;
  }
  return true;
}

function digitsAt(text: string, pos: number, count: number): number {
  let value = 0;
  for (let i = pos; i < pos + count; i++) {
    const c = text.charCodeAt(i);
    if (!isDigit(c)) return -1;
    value = value * 10 + (c - 48);
  }
  return value;
}

/**
 * RFC 5424 / RFC 3339 `FULL-DATE "T" FULL-TIME` (e.g. `2003-10-11T22:14:15.003Z`,
 * `2014-06-20T09:14:07+00:00`) → epoch ms (fraction truncated to ms), or a reason.
 */
export function parseRfc3339(ts: string): number | string {
  const bad = `timestamp ${JSON.stringify(ts)} is not RFC 3339 (YYYY-MM-DDThh:mm:ss[.frac](Z|+hh:mm))`;
  if (ts.length < 20 || ts[4] !== '-' || ts[7] !== '-' || ts[10] !== 'T' || ts[13] !== ':' || ts[16] !== ':') return bad;
  const year = digitsAt(ts, 0, 4);
  const month = digitsAt(ts, 5, 2);
  const day = digitsAt(ts, 8, 2);
  const hour = digitsAt(ts, 11, 2);
  const minute = digitsAt(ts, 14, 2);
  const second = digitsAt(ts, 17, 2);
  if (year < 0 || month < 0 || day < 0 || hour < 0 || minute < 0 || second < 0) return bad;
  let pos = 19;
  let ms = 0;
  if (ts[pos] === '.') {
    const start = ++pos;
    while (pos < ts.length && isDigit(ts.charCodeAt(pos))) pos++;
    if (pos === start || pos - start > 9) return bad;
    ms = Number(ts.slice(start, Math.min(pos, start + 3)).padEnd(3, '0'));
  }
  let offsetMs = 0;
  if (ts[pos] === 'Z') {
    pos++;
  } else if ((ts[pos] === '+' || ts[pos] === '-') && ts[pos + 3] === ':') {
    const oh = digitsAt(ts, pos + 1, 2);
    const om = digitsAt(ts, pos + 4, 2);
    if (oh < 0 || om < 0 || oh > 23 || om > 59) return bad;
    offsetMs = (ts[pos] === '-' ? -1 : 1) * (oh * 60 + om) * 60_000;
    pos += 6;
  } else {
    return bad;
  }
  if (pos !== ts.length) return bad;
  const range = checkRange(year, month, day, hour, minute, second);
  if (range !== undefined) return `timestamp ${JSON.stringify(ts)}: ${range}`;
  return utcMs(year, month, day, hour, minute, second, ms) - offsetMs;
}

/** Why a date-time is out of range, or undefined. Second 60 (a leap second) is accepted. */
export function checkRange(year: number, month: number, day: number, hour: number, minute: number, second: number): string | undefined {
  if (month < 1 || month > 12) return `month ${month} out of range`;
  if (day < 1 || day > daysInMonth(year, month)) return `day ${day} out of range for ${year}-${String(month).padStart(2, '0')}`;
  if (hour > 23) return `hour ${hour} out of range`;
  if (minute > 59) return `minute ${minute} out of range`;
  if (second > 60) return `second ${second} out of range`;
  return undefined;
}

const LINE_BREAK = /\r\n|\r|\n/;

/**
 * Metron's syslog parsers read a record line by line (BufferedReader): each non-blank line is one
 * message whose `original_string` is the whole record. A line that fails fails the record, with
 * its line number (the runner's outcome carries messages or one error, not both).
 */
export function parseSyslogLines(text: string, parseLine: (line: string) => Message | string): ParseOutcome {
  if (!text.includes('\n') && !text.includes('\r')) {
    const result = parseLine(text);
    if (typeof result === 'string') return { ok: false, reason: result };
    result['original_string'] = text;
    return { ok: true, messages: [result] };
  }
  const messages: Message[] = [];
  const lines = text.split(LINE_BREAK);
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    if (line.trim() === '') continue;
    const result = parseLine(line);
    if (typeof result === 'string') return { ok: false, reason: `line ${i + 1}: ${result}` };
    result['original_string'] = text;
    messages.push(result);
  }
  if (messages.length === 0) return { ok: false, reason: 'record holds no syslog line' };
  return { ok: true, messages };
}
