/**
 * Metron's BasicIseParser (`org.apache.metron.parsers.ise.BasicIseParser`): Cisco ISE syslog
 * (`CISE_Profiler`, `CISE_RADIUS_Accounting`, ...) read as `key=value` pairs separated by commas
 * with Metron's JavaCC grammar (ISEParser.jj), whose results users' data depends on:
 * - the record is trimmed and read as `header=<record>`, so the syslog preamble up to the first
 *   comma is the field `header`;
 * - pairs are separated by `,` before a key; keys and values are trimmed; a value followed
 *   directly by `,` or by the end is null; `(tag=0)` keeps its text (`(tag=0)` + the rest, untrimmed);
 * - a value that is itself `key=value` becomes a nested object, recursively: ISE's
 *   `EndpointProperty=StaticAssignment=false\,PostureApplicable=Yes\,...` is
 *   `{"StaticAssignment": {"false\,PostureApplicable": {"Yes\,...": ...}}}` (the `\,` stays in the text);
 * - `"`, a tab, or anything else the grammar has no rule for fails the record;
 * - `Device IP Address`, `Device Port`, `DestinationIPAddress` and `DestinationPort` are copied to
 *   `ip_src_addr`, `ip_src_port`, `ip_dst_addr` and `ip_dst_port` (a nested object there fails the
 *   record, as Java's cast to String did).
 * Metron set no `timestamp` (its ISE parser accepted messages without one); the pipeline needs
 * epoch ms, so a record without a `timestamp` pair gets the time of parsing, as Metron's Palo Alto
 * and Sourcefire parsers set it.
 * `original_string` is left to the sensor parser (the whole record), as Metron's runner did.
 */
import type { JsonValue, Message } from '@metron/core';
import type { MessageParser, ParseContext, ParseOutcome } from '../types.js';
import { setField } from '../util/fields.js';
import { javaTrim } from '../util/java-string.js';
import { decodeJavaUnicodeEscapes, lexIse, type Token, type TokenKind } from './ise-lexer.js';

/** Deeper nesting is refused rather than risking the stack (Java would overflow its own). */
const MAX_DEPTH = 1000;

/** Metron reads the record as the value of this key. */
const HEADER = 'header';

const TUPLE: readonly (readonly [string, string])[] = [
  ['Device IP Address', 'ip_src_addr'],
  ['Device Port', 'ip_src_port'],
  ['DestinationIPAddress', 'ip_dst_addr'],
  ['DestinationPort', 'ip_dst_port'],
];

class GrammarError extends Error {}

/** Recursive descent mirroring the generated ISEParser (object, innerMap, value). */
class IseReader {
  private pos = 0;
  constructor(private readonly tokens: readonly Token[]) {}

  private peek(ahead = 0): TokenKind {
    return this.tokens[Math.min(this.pos + ahead, this.tokens.length - 1)]!.kind;
  }

  private expect(kind: TokenKind): Token {
    const token = this.tokens[this.pos]!;
    if (token.kind !== kind) throw new GrammarError(`expected ${kind} but found ${token.kind} ${JSON.stringify(token.image.slice(0, 40))} at token ${this.pos}`);
    if (kind !== 'eof') this.pos++;
    return token;
  }

  private key(): string {
    return javaTrim(this.expect('body').image);
  }

  /** The whole record: pairs, an optional trailing comma, the end. */
  record(): Record<string, JsonValue> {
    const fields: Record<string, JsonValue> = {};
    for (let first = true; first || (this.peek() === 'comma' && this.peek(1) === 'body'); first = false) {
      if (!first) this.pos++;
      const key = this.key();
      this.expect('equals');
      setField(fields, key, this.value(1));
    }
    if (this.peek() === 'comma') this.pos++;
    this.expect('eof');
    return fields;
  }

  private innerMap(depth: number): Record<string, JsonValue> {
    const fields: Record<string, JsonValue> = {};
    const key = this.key();
    this.expect('equals');
    setField(fields, key, this.value(depth + 1));
    // a SLASH COMMA continuation; the lexer reads `\,` as a body, so this is rare
    while (this.peek() === 'slash') {
      this.pos++;
      this.expect('comma');
      const next = this.key();
      this.expect('equals');
      setField(fields, next, this.value(depth + 1));
    }
    return fields;
  }

  private value(depth: number): JsonValue {
    if (depth > MAX_DEPTH) throw new GrammarError(`values nested more than ${MAX_DEPTH} deep`);
    const kind = this.peek();
    if (kind === 'comma' || kind === 'eof') return null;
    if (kind === 'body' && this.peek(1) === 'equals') return this.innerMap(depth);
    if (kind === 'tag') {
      this.pos++;
      return `(tag=0)${this.expect('body').image}`;
    }
    if (kind === 'braced' && this.peek(1) === 'comma') {
      const image = this.tokens[this.pos]!.image;
      this.pos += 2; // the comma after a braced value is part of it
      return javaTrim(image);
    }
    if (kind === 'body') return javaTrim(this.tokens[this.pos++]!.image);
    throw new GrammarError(`no value can start with ${kind} at token ${this.pos}`);
  }
}

export class IseParser implements MessageParser {
  parse(text: string, ctx: ParseContext): ParseOutcome {
    const decoded = decodeJavaUnicodeEscapes(`${HEADER}=${javaTrim(text)}`);
    if (typeof decoded !== 'string') return { ok: false, reason: decoded.error };
    const lexed = lexIse(decoded, HEADER.length + 1);
    if (!lexed.ok) return lexed;
    let message: Message;
    try {
      message = new IseReader(lexed.tokens).record();
    } catch (err) {
      if (err instanceof GrammarError) return { ok: false, reason: err.message };
      throw err;
    }
    for (const [from, to] of TUPLE) {
      if (!Object.hasOwn(message, from)) continue;
      const value = message[from];
      if (value === null) continue;
      if (typeof value !== 'string') return { ok: false, reason: `${from} holds key=value pairs, not a value` };
      message[to] = value;
    }
    if (!Object.hasOwn(message, 'timestamp')) message['timestamp'] = ctx.now;
    return { ok: true, messages: [message] };
  }
}
