/**
 * Metron's Syslog5424Parser (`org.apache.metron.parsers.syslog.Syslog5424Parser`): RFC 5424 syslog
 * lines, read as Metron's simple-syslog grammar reads them (PRI and VERSION may be missing):
 *   [<PRI>][VERSION SP] TIMESTAMP SP HOSTNAME SP APP-NAME SP PROCID SP MSGID SP SD [SP] [BOM] [MSG]
 * - header fields keep their text (`syslog.header.*`); facility and severity come from PRI;
 * - nil (`-`) header fields follow `nilPolicy`; a nil SD gives no field;
 * - SD parameters become `syslog.structuredData.<SD-ID>.<PARAM-NAME>`, values as written between
 *   the quotes (escapes such as `\"` kept, as Metron does);
 * - `syslog.message` is MSG trimmed; `timestamp` is the header time in epoch ms, or now if nil.
 * Differences from Metron, all on input Metron mangles or refuses: MSG may hold any Unicode
 * (the grammar there stops at U+00FF), runs of spaces in MSG and SD values are kept (its lexer drops
 * them), an unescaped `]` or a lone `\` inside an SD value is read rather than refused, and an
 * impossible date (month 13) is an error rather than a string timestamp.
 */
import type { Message } from '@metron/core';
import type { MessageParser, ParseContext, ParseOutcome } from '../types.js';
import { javaTrim } from '../util/java-string.js';
import { BOM, isDigit, isPrintUsAscii, nextSpace, parseRfc3339, parseSyslogLines, readPri, SyslogKeys } from '../util/syslog.js';
import type { NilPolicy, Syslog5424Config } from './config.js';

const HEADER_FIELDS = [
  ['hostname', SyslogKeys.HOSTNAME],
  ['app-name', SyslogKeys.APPNAME],
  ['procid', SyslogKeys.PROCID],
  ['msgid', SyslogKeys.MSGID],
] as const;

export class Syslog5424Parser implements MessageParser {
  private readonly nilPolicy: NilPolicy;

  constructor(config: Syslog5424Config) {
    this.nilPolicy = config.nilPolicy;
  }

  parse(text: string, ctx: ParseContext): ParseOutcome {
    return parseSyslogLines(text, (line) => this.parseLine(line, ctx.now));
  }

  private setNil(message: Message, key: string): void {
    if (this.nilPolicy === 'DASH') message[key] = '-';
    else if (this.nilPolicy === 'NULL') message[key] = null;
  }

  /** One line to a message (without original_string), or the reason it is not RFC 5424. */
  parseLine(line: string, now: number): Message | string {
    const message: Message = {};
    let pos = 0;
    if (line[0] === '<') {
      const after = readPri(line, 0, message);
      if (typeof after === 'string') return after;
      pos = after;
    }
    // VERSION: 1-3 digits, the first non-zero, then a space (a timestamp also starts with digits).
    let v = pos;
    while (v < line.length && v - pos < 4 && isDigit(line.charCodeAt(v))) v++;
    if (v > pos && v - pos <= 3 && line[pos] !== '0' && line[v] === ' ') {
      message[SyslogKeys.VERSION] = line.slice(pos, v);
      pos = v + 1;
    } else if (line[pos] === ' ') {
      pos++;
    }

    const tsEnd = nextSpace(line, pos);
    if (tsEnd === pos) return `missing TIMESTAMP at position ${pos}`;
    let timestamp: number;
    if (tsEnd - pos === 1 && line[pos] === '-') {
      this.setNil(message, SyslogKeys.TIMESTAMP);
      timestamp = now;
    } else {
      const ts = line.slice(pos, tsEnd);
      const parsed = parseRfc3339(ts);
      if (typeof parsed === 'string') return parsed;
      message[SyslogKeys.TIMESTAMP] = ts;
      timestamp = parsed;
    }
    pos = tsEnd;

    for (const [name, key] of HEADER_FIELDS) {
      if (line[pos] !== ' ') return `missing ${name.toUpperCase()} after position ${pos}`;
      pos++;
      const end = nextSpace(line, pos);
      if (end - pos === 1 && line[pos] === '-') this.setNil(message, key);
      else if (!isPrintUsAscii(line, pos, end)) return `${name.toUpperCase()} at position ${pos} is empty or not printable US-ASCII`;
      else message[key] = line.slice(pos, end);
      pos = end;
    }

    if (line[pos] !== ' ') return `missing STRUCTURED-DATA after position ${pos}`;
    pos++;
    if (line[pos] === '-') {
      pos++;
    } else if (line[pos] === '[') {
      const end = readStructuredData(line, pos, message);
      if (typeof end === 'string') return end;
      pos = end;
    } else {
      return `STRUCTURED-DATA at position ${pos} is neither "-" nor "[...]"`;
    }

    if (line[pos] === ' ') pos++;
    if (line[pos] === BOM) pos++;
    if (pos < line.length) message[SyslogKeys.MESSAGE] = javaTrim(line.slice(pos));
    message['timestamp'] = timestamp;
    return message;
  }
}

/** SD-NAME characters: PRINTUSASCII except `=`, SP, `]`, `"`. */
function isSdNameChar(c: number): boolean {
  return c >= 33 && c <= 126 && c !== 61 && c !== 93 && c !== 34;
}

function readSdName(line: string, pos: number): number {
  let end = pos;
  while (end < line.length && isSdNameChar(line.charCodeAt(end))) end++;
  return end;
}

/** Reads `[id p="v" ...]...` at `pos` into the message; returns the position after it. */
function readStructuredData(line: string, pos: number, message: Message): number | string {
  while (line[pos] === '[') {
    const idEnd = readSdName(line, pos + 1);
    if (idEnd === pos + 1) return `empty SD-ID at position ${pos + 1}`;
    const id = line.slice(pos + 1, idEnd);
    pos = idEnd;
    while (line[pos] === ' ') {
      const nameEnd = readSdName(line, pos + 1);
      if (nameEnd === pos + 1) return `empty PARAM-NAME at position ${pos + 1}`;
      const name = line.slice(pos + 1, nameEnd);
      if (line[nameEnd] !== '=' || line[nameEnd + 1] !== '"') return `expected ="..." after PARAM-NAME ${JSON.stringify(name)} at position ${nameEnd}`;
      const valueStart = nameEnd + 2;
      let i = valueStart;
      while (i < line.length && line[i] !== '"') i += line[i] === '\\' ? 2 : 1;
      if (i >= line.length) return `unterminated PARAM-VALUE of ${JSON.stringify(name)} at position ${valueStart}`;
      message[`${SyslogKeys.STRUCTURED_PREFIX}${id}.${name}`] = line.slice(valueStart, i);
      pos = i + 1;
    }
    if (line[pos] !== ']') return `expected "]" closing SD-ELEMENT ${JSON.stringify(id)} at position ${pos}`;
    pos++;
  }
  return pos;
}
