/**
 * Metron's GrokWebSphereParser (`org.apache.metron.parsers.websphere.GrokWebSphereParser`): the
 * Grok parser over `/patterns/websphere` (WEBSPHERE), with two differences from GrokParser:
 * - `timestamp` is `timestampField` read with `dateFormat` after the current year and a space
 *   (`2024 Apr 15 17:47:28`), in `timeZone`; a missing or unreadable value gives the current time
 *   (Metron's WebSphere formatTimestamp). The year is the current UTC year (Metron: the JVM's).
 * - after the grok step, empty fields and `timestamp_string` are dropped and `message` is split by
 *   its content:
 *   - `logged into`: `event_subtype` login; with a `:`, `username` from `user(...)` before the first
 *     `:`, `ip_src_addr` from `[...]` after it, and `message` removed;
 *   - `logged out`: `event_subtype` logout; with at least four `'`, `ip_src_addr` from `[...]`
 *     before the first quote, `username` and `security_domain` from the 1st and 2nd quoted parts,
 *     and `message` removed;
 *   - otherwise (`rbm(...)` and the rest): with a `(`, `process` is the text before it, and with a
 *     `:` the message becomes the text two characters after the first `:`.
 *   Where Metron's string handling throws on an odd message (a `)` only before `user(`, a `:` as
 *   the last character), the line is an error, as in Metron.
 * With `multiLine`, each line of the record is a message; lines that fail are reported only when
 * none parses.
 */
import { Fields, type Message } from '@metron/core';
import { compileGrok, type CompiledGrok } from '../grok/grok.js';
import type { GrokParserConfig } from '../grok/config.js';
import type { MessageParser, ParseContext, ParseOutcome } from '../types.js';

export class WebSphereParser implements MessageParser {
  private readonly grok: CompiledGrok;

  constructor(private readonly config: GrokParserConfig) {
    this.grok = compileGrok(`%{${config.patternLabel}}`, config.patterns);
  }

  parse(text: string, ctx: ParseContext): ParseOutcome {
    if (!this.config.multiLine) {
      const one = this.parseLine(text, ctx.now);
      return typeof one === 'string' ? { ok: false, reason: one } : { ok: true, messages: [one] };
    }
    const messages: Message[] = [];
    const reasons: string[] = [];
    for (const line of text.split(/\r\n|\r|\n/)) {
      if (line === '') continue;
      const one = this.parseLine(line, ctx.now);
      if (typeof one === 'string') reasons.push(one);
      else messages.push(one);
    }
    if (messages.length === 0) return { ok: false, reason: reasons[0] ?? 'no line in record' };
    return { ok: true, messages };
  }

  private parseLine(line: string, now: number): Message | string {
    const fields = this.grok.match(line);
    if (fields === undefined || Object.keys(fields).length === 0) {
      return `grok statement produced a null message; check the pattern ${this.config.patternLabel} at ${this.config.grokPath ?? 'grokPattern'}`;
    }
    const message: Message = fields as Message;
    message[Fields.ORIGINAL] = line;
    for (const field of this.config.timeFields) {
      const value = message[field];
      if (typeof value !== 'string') continue;
      const epoch = this.config.dateFormat.parse(value, this.config.timeZone);
      if (typeof epoch === 'string') return `${field} ${JSON.stringify(value)}: ${epoch}`;
      message[field] = epoch;
    }
    if (this.config.timestampField !== undefined) message[Fields.TIMESTAMP] = this.timestampOf(message[this.config.timestampField], now);
    delete message[this.config.patternLabel];
    return postParse(message);
  }

  private timestampOf(value: unknown, now: number): number {
    if (value === undefined || value === null) return now;
    const text = `${new Date(now).getUTCFullYear()} ${String(value)}`;
    const first = this.config.dateFormat.parse(text, this.config.timeZone);
    if (typeof first === 'number') return first;
    // SimpleDateFormat skips spaces before a number and reads a number of any width
    // (`Apr  5`); the DateTimeFormatter subset does not, so the text is retried normalized
    const retry = this.config.dateFormat.parse(normalizeSpacing(text), this.config.timeZone);
    return typeof retry === 'number' ? retry : now;
  }
}

function normalizeSpacing(text: string): string {
  return text.replace(/\s+/g, ' ').replace(/(^|[^0-9])([0-9])(?![0-9])/g, '$10$2');
}

function postParse(message: Message): Message | string {
  for (const key of Object.keys(message)) {
    const value = message[key];
    if (value === null || value === undefined || String(value) === '') delete message[key];
  }
  delete message['timestamp_string'];
  const value = message['message'];
  if (value === undefined) return message;
  const text = String(value);
  if (text.includes('logged into')) return loginMessage(message, text);
  if (text.includes('logged out')) return logoutMessage(message, text);
  return processMessage(message, text);
}

/** `user(NAME): [IP]: User logged into 'DOMAIN'.` */
function loginMessage(message: Message, text: string): Message | string {
  message['event_subtype'] = 'login';
  if (!text.includes(':')) return message;
  const parts = javaSplit(text, ':');
  if (parts.length < 2) return `login message has nothing after ":": ${JSON.stringify(text)}`;
  const user = between(parts[0]!, 'user(', ')');
  if (user === null) return `login message user part ${JSON.stringify(parts[0])} has ")" only before "user("`;
  if (user !== undefined) message['username'] = user;
  const ip = between(parts[1]!, '[', ']');
  if (ip === null) return `login message address part ${JSON.stringify(parts[1])} has "]" only before "["`;
  if (ip !== undefined) message[Fields.SRC_ADDR] = ip;
  delete message['message'];
  return message;
}

/** `[IP]: User 'NAME' logged out from 'DOMAIN'.` */
function logoutMessage(message: Message, text: string): Message | string {
  message['event_subtype'] = 'logout';
  if (text.split("'").length - 1 < 4) return message;
  const parts = javaSplit(text, "'");
  if (parts.length < 4) return `logout message has empty quoted parts: ${JSON.stringify(text)}`;
  const ip = between(parts[0]!, '[', ']');
  if (ip === null) return `logout message address part ${JSON.stringify(parts[0])} has "]" only before "["`;
  if (ip !== undefined) message[Fields.SRC_ADDR] = ip;
  message['username'] = parts[1]!;
  message['security_domain'] = parts[3]!;
  delete message['message'];
  return message;
}

/** `rbm(RBM-Settings): trans(...)...` and other `process(...): text` messages. */
function processMessage(message: Message, text: string): Message | string {
  const paren = text.indexOf('(');
  if (paren < 0) return message;
  message['process'] = text.slice(0, paren);
  const colon = text.indexOf(':');
  if (colon >= 0) {
    if (colon + 2 > text.length) return `message ends with ":": ${JSON.stringify(text)}`;
    message['message'] = text.slice(colon + 2);
  }
  return message;
}

/**
 * The text after the first `open` up to the first `close` after it; undefined when either is
 * absent from `text`; null when `close` occurs only before `open` (Java's substring then throws).
 */
function between(text: string, open: string, close: string): string | undefined | null {
  if (!text.includes(open) || !text.includes(close)) return undefined;
  const rest = text.slice(text.indexOf(open) + open.length);
  const end = rest.indexOf(close);
  return end < 0 ? null : rest.slice(0, end);
}

/** Java's `String.split` with a one-character literal: trailing empty parts are dropped. */
function javaSplit(text: string, separator: string): string[] {
  if (!text.includes(separator)) return [text];
  const parts = text.split(separator);
  while (parts.length > 0 && parts[parts.length - 1] === '') parts.pop();
  return parts;
}
