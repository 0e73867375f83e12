/**
 * Metron's BasicSourcefireParser (`org.apache.metron.parsers.sourcefire.BasicSourcefireParser`):
 * Sourcefire (Cisco FirePOWER) intrusion and connection events sent as syslog, ending in
 * `{PROTO} src[:port] -> dst[:port]`. As Metron does:
 * - `key` is the text from the last `{` on, `protocol` the text in its braces in lower case,
 *   the addresses and ports what surrounds `->` after its `}` (an address holding `:` is cut at the
 *   first one, so an IPv6 address loses its tail; a trailing `:` with no port is an error);
 * - `signature_id` is the last `[gid:sid:rev]` with a one-digit revision, or "";
 *   with one, `original_string` is the record with a space added on either side of it
 *   (what users' indexes hold), without one the record itself;
 * - `timestamp` is the time of parsing (Sourcefire's syslog time is not read).
 * A record without `{`, `}` after it, or `->` after that, is an error.
 */
import type { Message } from '@metron/core';
import type { MessageParser, ParseContext, ParseOutcome } from '../types.js';
import { javaTrim } from '../util/java-string.js';
import { javaSplit } from '../vendor-common/java-text.js';

const SIGNATURE = /\[[0-9]+:[0-9]+:[0-9]\]/g;

function isLineTerminator(c: string | undefined): boolean {
  return c === '\n' || c === '\r' || c === '\u0085' || c === '\u2028' || c === '\u2029';
}

/**
 * What Metron's `(.*)(\[[0-9]+:[0-9]+:[0-9]\])(.*)$` finds, without its quadratic search: Java's
 * `.` stops at line terminators and `$` allows one final terminator, so a match lies on the last
 * line and runs from its start to its end, its signature being the last on that line.
 */
export function findSignature(text: string): [before: string, signature: string, after: string] | undefined {
  let end = text.length;
  if (text.endsWith('\r\n')) end -= 2;
  else if (isLineTerminator(text[end - 1])) end -= 1;
  let start = end;
  while (start > 0 && !isLineTerminator(text[start - 1])) start--;
  const line = text.slice(start, end);
  let last: RegExpMatchArray | undefined;
  for (const m of line.matchAll(SIGNATURE)) last = m;
  if (last === undefined) return undefined;
  return [line.slice(0, last.index), last[0], line.slice(last.index! + last[0].length)];
}

/** Address and optional port of one side of `->`. */
function endpoint(side: string): [string, string | undefined] | undefined {
  if (!side.includes(':')) return [side, undefined];
  const parts = javaSplit(side, ':');
  if (parts.length < 2) return undefined;
  return [parts[0]!, parts[1]!];
}

export class SourcefireParser implements MessageParser {
  parse(text: string, ctx: ParseContext): ParseOutcome {
    const open = text.lastIndexOf('{');
    if (open === -1) return { ok: false, reason: 'no {protocol} in the record' };
    const key = text.slice(open);
    const close = key.indexOf('}');
    if (close === -1) return { ok: false, reason: 'no } after the last {' };
    const arrow = key.indexOf('->');
    if (arrow === -1 || arrow < close + 1) return { ok: false, reason: 'no -> after the {protocol}' };
    const source = endpoint(javaTrim(key.slice(close + 1, arrow)));
    const destination = endpoint(javaTrim(key.slice(arrow + 2)));
    if (source === undefined || destination === undefined) return { ok: false, reason: 'an address ends in ":" without a port' };

    const message: Message = { key, protocol: key.slice(1, close).toLowerCase() };
    message['ip_src_addr'] = source[0];
    if (source[1] !== undefined) message['ip_src_port'] = source[1];
    message['ip_dst_addr'] = destination[0];
    if (destination[1] !== undefined) message['ip_dst_port'] = destination[1];
    message['timestamp'] = ctx.now;
    const signature = findSignature(text);
    message['original_string'] = signature === undefined ? text : signature.join(' ');
    message['signature_id'] = signature === undefined ? '' : signature[1];
    return { ok: true, messages: [message] };
  }
}
