/**
 * Metron's Syslog3164Parser (`org.apache.metron.parsers.syslog.Syslog3164Parser`): BSD syslog
 * (RFC 3164) lines as Metron's simple-syslog grammar reads them:
 *   [<PRI>][SP] TIMESTAMP SP HOSTNAME [SP MSG]
 * where TIMESTAMP is `Mmm dd hh:mm:ss` (day space- or zero-padded) or RFC 3339.
 * - fields: `syslog.header.pri|facility|severity|timestamp|hostName`, `syslog.message` (trimmed;
 *   with Metron the tag stays in it, `sshd[42]: Accepted ...`, unless `splitTag` is set);
 * - `timestamp`: a year-less time is read in `deviceTimeZone` in the current year, or the previous
 *   year when that would put it more than 4 days in the future (Metron's SyslogUtils rule, which
 *   keeps December lines read in early January in December).
 * Beyond Metron: single-digit days with one space (`Jan 5`), fractional seconds and a line that
 * ends after HOSTNAME are read instead of refused.
 */
import type { Message } from '@metron/core';
import type { MessageParser, ParseContext, ParseOutcome } from '../types.js';
import { javaTrim } from '../util/java-string.js';
import { BOM, checkRange, isDigit, isPrintUsAscii, nextSpace, parseRfc3339, parseSyslogLines, readPri, SyslogKeys } from '../util/syslog.js';
import { daysInMonth, utcMs, type TimeZone } from '../util/time-zone.js';
import type { Syslog3164Config } from './config.js';

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
const DAY_MS = 86_400_000;
/** A year-less timestamp further ahead of now than this is taken to be from the previous year. */
export const FUTURE_TOLERANCE_MS = 4 * DAY_MS;

export class Syslog3164Parser implements MessageParser {
  private readonly zone: TimeZone;
  private readonly splitTag: boolean;

  constructor(config: Syslog3164Config) {
    this.zone = config.deviceTimeZone;
    this.splitTag = config.splitTag;
  }

  parse(text: string, ctx: ParseContext): ParseOutcome {
    return parseSyslogLines(text, (line) => this.parseLine(line, ctx.now));
  }

  /** One line to a message (without original_string), or the reason it is not BSD syslog. */
  parseLine(line: string, now: number): Message | string {
    const message: Message = {};
    let pos = 0;
    if (line[0] === '<') {
      const after = readPri(line, 0, message);
      if (typeof after === 'string') return after;
      pos = after;
    }
    if (line[pos] === ' ') pos++;

    let tsEnd: number;
    let timestamp: number | string;
    if (isDigit(line.charCodeAt(pos))) {
      tsEnd = nextSpace(line, pos);
      timestamp = parseRfc3339(line.slice(pos, tsEnd));
    } else {
      const read = this.readBsdTimestamp(line, pos, now);
      if (typeof read === 'string') return read;
      tsEnd = read.end;
      timestamp = read.epoch;
    }
    if (typeof timestamp === 'string') return timestamp;
    message[SyslogKeys.TIMESTAMP] = line.slice(pos, tsEnd);
    pos = tsEnd;

    if (line[pos] !== ' ') return `missing HOSTNAME after the timestamp at position ${pos}`;
    pos++;
    const hostEnd = nextSpace(line, pos);
    if (!isPrintUsAscii(line, pos, hostEnd)) return `HOSTNAME at position ${pos} is empty or not printable US-ASCII`;
    message[SyslogKeys.HOSTNAME] = line.slice(pos, hostEnd);
    pos = hostEnd + 1;

    if (pos <= line.length) {
      let msg = line.slice(pos);
      if (msg.startsWith(BOM)) msg = msg.slice(1);
      if (this.splitTag) msg = splitTag(msg, message);
      message[SyslogKeys.MESSAGE] = javaTrim(msg);
    }
    message['timestamp'] = timestamp;
    return message;
  }

  /** `Mmm dd hh:mm:ss[.frac]` at `pos`, resolved to a year. */
  private readBsdTimestamp(line: string, pos: number, now: number): { end: number; epoch: number } | string {
    const bad = `timestamp at position ${pos} is neither "Mmm dd hh:mm:ss" nor RFC 3339`;
    const month = MONTHS.indexOf(line.slice(pos, pos + 3)) + 1;
    if (month === 0) return bad;
    let p = pos + 3;
    if (line[p] !== ' ') return bad;
    p++;
    if (line[p] === ' ') p++;
    let day = 0;
    const dayStart = p;
    while (p < line.length && p - dayStart < 2 && isDigit(line.charCodeAt(p))) day = day * 10 + line.charCodeAt(p++) - 48;
    if (p === dayStart || line[p] !== ' ') return bad;
    p++;
    if (line[p + 2] !== ':' || line[p + 5] !== ':') return bad;
    const hour = twoDigits(line, p);
    const minute = twoDigits(line, p + 3);
    const second = twoDigits(line, p + 6);
    if (hour < 0 || minute < 0 || second < 0) return bad;
    p += 8;
    let ms = 0;
    if (line[p] === '.') {
      const start = ++p;
      while (p < line.length && isDigit(line.charCodeAt(p))) p++;
      if (p === start || p - start > 9) return bad;
      ms = Number(line.slice(start, start + 3).padEnd(3, '0'));
    }
    const range = checkRange(2000, month, day, hour, minute, second);
    if (range !== undefined) return `timestamp ${JSON.stringify(line.slice(pos, p))}: ${range}`;

    const zone = this.zone;
    const year = new Date(now + zone.offsetAt(now)).getUTCFullYear();
    const at = (y: number): number | undefined =>
      day <= daysInMonth(y, month) ? zone.wallToEpoch(utcMs(y, month, day, hour, minute, second, ms)) : undefined;
    const current = at(year);
    const epoch = current !== undefined && current <= now + FUTURE_TOLERANCE_MS ? current : at(year - 1);
    if (epoch === undefined) return `timestamp ${JSON.stringify(line.slice(pos, p))}: Feb 29 in neither ${year} nor ${year - 1}`;
    return { end: p, epoch };
  }
}

function twoDigits(line: string, pos: number): number {
  const a = line.charCodeAt(pos);
  const b = line.charCodeAt(pos + 1);
  return isDigit(a) && isDigit(b) ? (a - 48) * 10 + (b - 48) : -1;
}

/** TAG: up to 32 of [A-Za-z0-9_./-] (RFC 3164 says alphanumeric; real tags hold these too). */
function isTagChar(c: number): boolean {
  return (c >= 48 && c <= 57) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c === 95 || c === 46 || c === 47 || c === 45;
}

/** Moves a leading `tag[pid]: ` / `tag: ` into appName / procId; returns the rest of the message. */
function splitTag(msg: string, message: Message): string {
  let p = 0;
  while (p < msg.length && p < 48 && isTagChar(msg.charCodeAt(p))) p++;
  if (p === 0) return msg;
  const tag = msg.slice(0, p);
  let pid: string | undefined;
  if (msg[p] === '[') {
    const close = msg.indexOf(']', p + 1);
    if (close < 0 || close - p > 33) return msg;
    pid = msg.slice(p + 1, close);
    p = close + 1;
  }
  if (msg[p] !== ':') return msg;
  message[SyslogKeys.APPNAME] = tag;
  if (pid !== undefined) message[SyslogKeys.PROCID] = pid;
  return msg.slice(p + 1);
}
