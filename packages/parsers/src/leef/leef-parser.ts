/**
 * Metron's LEEFParser (`org.apache.metron.parsers.leef.LEEFParser`), IBM QRadar Log Event Extended
 * Format 1.0 and 2.0 (IBM LEEF guide): optional syslog header,
 * `LEEF:Version|Vendor|Product|Version|EventID|[Delimiter|]` then `key=value` attributes.
 * Reproduces Metron's behaviour:
 * - headers become `DeviceVendor`, `DeviceProduct`, `DeviceVersion`, `DeviceEvent`;
 * - LEEF 1.0 attributes split at tabs; LEEF 2.0 at any character of the delimiter header (tab by
 *   default; `x09`-style hex is not decoded, as in Metron) not preceded by `\`; version `0` uses
 *   CEF extension rules; each attribute is split at
 *   `=` as Java's `split("=")` (a value is the text up to the next `=`); an attribute without a
 *   value is an error, as Metron's ArrayIndexOutOfBounds;
 * - `src`, `dst`, `srcPort`, `dstPort` become the 5-tuple (ports as integers);
 * - `timestamp` from `devTime` (with `devTimeFormat` when given, else epoch or
 *   `MMM dd yyyy HH:mm:ss[.SSS] [zzz]`), else the syslog header time, else now.
 * Deviation: a delimiter holding regex metacharacters is taken literally (Metron would compile it).
 * Each line of a record is one message; a record with a bad line is an error naming the line.
 */
import type { Message } from '@metron/core';
import type { MessageParser, ParseContext, ParseOutcome } from '../types.js';
import { parseCefDate, parseSyslogHeaderTime } from '../cef/cef-dates.js';
import { javaInteger, parseCefExtensions } from '../cef/cef-parser.js';
import { compileJavaDatePattern, type CompiledDatePattern } from '../util/java-date-format.js';
import { UTC } from '../util/time-zone.js';

const DOT = '[^\\n\\r\\u0085\\u2028\\u2029]';
const SYSLOG_TIME_3164 =
  '(?:Jan(?:uary)?|Feb(?:ruary)?|Mar(?:ch)?|Apr(?:il)?|May|Jun(?:e)?|Jul(?:y)?|Aug(?:ust)?|Sep(?:tember)?|Oct(?:ober)?|Nov(?:ember)?|Dec(?:ember)?)\\b +(?:(?:0[1-9])|(?:[12][0-9])|(?:3[01])|[1-9]) (?!<[0-9])(?:2[0123]|[01]?[0-9]):(?:[0-5][0-9])(?::(?:(?:[0-5]?[0-9]|60)(?:[:.,][0-9]+)?))';
const SYSLOG_TIME_5424 = '(?:\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}(?:\\.\\d+)?(?:Z|[+-]\\d{2}:\\d{2}))';
const SYSLOG_HOST = '[a-z0-9\\.\\\\-_]+';
const HEADER = '([^|]*)';

/**
 * Metron's pattern, compiled once. Groups: 1 time, 2 host, 3 version, 4-7 headers, 8 delimiter, 9
 * attributes. `lazy` skips to the first `LEEF:` instead of backtracking from the end of the line to
 * the last one: the same match when the line holds a single `LEEF:` (the host class cannot match
 * `L`), and about 3 times faster.
 */
const leefRecord = (lazy: boolean) =>
  new RegExp(
    `^(?:<[0-9]+>)?(${SYSLOG_TIME_3164}|${SYSLOG_TIME_5424})?(${SYSLOG_HOST})?${DOT}*${lazy ? '?' : ''}LEEF:(1.0|2.0|0)?\\|` +
      `${HEADER}\\|${HEADER}\\|${HEADER}\\|${HEADER}\\|(?:${HEADER}\\|)? ?(${DOT}*)$`,
  );
const LEEF_RECORD = leefRecord(false);
const LEEF_RECORD_SINGLE = leefRecord(true);
const LINE_BREAK = /\r\n|\r|\n/;
const DATE_FORMAT_CACHE_LIMIT = 64;

/** Java `String.split`: trailing empty strings removed. */
function dropTrailingEmpty(parts: string[]): string[] {
  let end = parts.length;
  while (end > 0 && parts[end - 1] === '') end--;
  return end === parts.length ? parts : parts.slice(0, end);
}

/** Splits at any character (UTF-16 unit) of `delimiters` not preceded by a backslash. */
function splitUnescaped(text: string, delimiters: string): string[] {
  const parts: string[] = [];
  const single = delimiters.length === 1 ? delimiters.charCodeAt(0) : -1;
  let start = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    const isDelimiter = single >= 0 ? c === single : delimiters.indexOf(text[i]!) >= 0;
    if (isDelimiter && (i === 0 || text.charCodeAt(i - 1) !== 0x5c /* \ */)) {
      parts.push(text.slice(start, i));
      start = i + 1;
    }
  }
  parts.push(text.slice(start));
  return dropTrailingEmpty(parts);
}

function rename(obj: Message, from: string, to: string): void {
  const value = obj[from];
  if (value !== undefined) {
    delete obj[from];
    obj[to] = value;
  }
}

/**
 * Adds the attributes to `obj`: Java's `kv.split("=")` then `[0]` → `[1]` (the value ends at the
 * next `=`; none, only empty parts after the key, is an error). `src`, `dst`, `srcPort` and `dstPort`
 * go last under their 5-tuple names, where Metron's renames (delete, then add) leave them; done
 * without `delete`, which turns a V8 object into a slow dictionary.
 */
function putAttributes(kvs: string[], obj: Message): string | undefined {
  let dst: string | undefined;
  let dstPort: string | undefined;
  let src: string | undefined;
  let srcPort: string | undefined;
  for (const kv of kvs) {
    const eq = kv.indexOf('=');
    let value: string | undefined;
    if (eq >= 0) {
      const next = kv.indexOf('=', eq + 1);
      value = next < 0 ? kv.slice(eq + 1) : kv.slice(eq + 1, next);
      // split drops trailing empty strings: `k=` and `k==` have no value, `k==x` has ''
      if (value === '' && (next < 0 || /^=*$/.test(kv.slice(next)))) value = undefined;
    }
    if (value === undefined) return `LEEF attribute ${JSON.stringify(kv)} has no key=value`;
    const key = kv.slice(0, eq);
    switch (key) {
      case 'dst': dst = value; break;
      case 'dstPort': dstPort = value; break;
      case 'src': src = value; break;
      case 'srcPort': srcPort = value; break;
      default: obj[key] = value;
    }
  }
  if (dst !== undefined) obj['ip_dst_addr'] = dst;
  if (dstPort !== undefined) obj['ip_dst_port'] = dstPort;
  if (src !== undefined) obj['ip_src_addr'] = src;
  if (srcPort !== undefined) obj['ip_src_port'] = srcPort;
  return undefined;
}

export class LeefParser implements MessageParser {
  /** `devTimeFormat` patterns seen, compiled once each (bounded). */
  private readonly dateFormats = new Map<string, CompiledDatePattern | string>();

  parse(text: string, ctx: ParseContext): ParseOutcome {
    const messages: Message[] = [];
    const lines = text.split(LINE_BREAK);
    // BufferedReader.readLine: a final line break does not start another line
    if (lines.length > 1 && lines[lines.length - 1] === '') lines.pop();
    for (let i = 0; i < lines.length; i++) {
      const result = this.parseLine(lines[i]!, ctx.now);
      if (typeof result === 'string') return { ok: false, reason: lines.length > 1 ? `line ${i + 1}: ${result}` : result };
      messages.push(result);
    }
    return { ok: true, messages };
  }

  private parseLine(line: string, now: number): Message | string {
    const marker = line.indexOf('LEEF:');
    const m = (marker >= 0 && line.indexOf('LEEF:', marker + 1) < 0 ? LEEF_RECORD_SINGLE : LEEF_RECORD).exec(line);
    if (m === null) return 'not a LEEF record: expected LEEF:1.0|, LEEF:2.0| or LEEF:0| and 4 |-terminated header fields';
    const version = m[3];
    if (version === undefined) return 'LEEF version missing (expected 1.0, 2.0 or 0)';
    const obj: Message = { DeviceVendor: m[4]!, DeviceProduct: m[5]!, DeviceVersion: m[6]!, DeviceEvent: m[7]! };
    const ext = m[9]!;
    let problem: string | undefined;
    // as Metron: the pattern's `1.0`/`2.0` match any middle character, but only the exact
    // versions get LEEF splitting; anything else (`0`, `2x0`) uses CEF extension rules
    if (version === '2.0') {
      // Metron's default "\\t" becomes the class [\t]
      const delimiter = m[8] === undefined || m[8] === '' ? '\t' : m[8];
      problem = putAttributes(splitUnescaped(ext, delimiter), obj);
    } else if (version === '1.0') {
      problem = putAttributes(dropTrailingEmpty(ext.split('\t')), obj);
    } else {
      problem = parseCefExtensions(ext, obj);
      rename(obj, 'dst', 'ip_dst_addr');
      rename(obj, 'dstPort', 'ip_dst_port');
      rename(obj, 'src', 'ip_src_addr');
      rename(obj, 'srcPort', 'ip_src_port');
    }
    if (problem !== undefined) return problem;
    for (const port of ['ip_dst_port', 'ip_src_port']) {
      if (!Object.hasOwn(obj, port)) continue;
      const n = javaInteger(String(obj[port]));
      if (n === undefined) return `LEEF ${port === 'ip_dst_port' ? 'dstPort' : 'srcPort'} ${JSON.stringify(obj[port])} is not an integer`;
      obj[port] = n;
    }
    obj['original_string'] = line;
    if (m[2] !== undefined && m[2] !== '') obj['host'] = m[2];
    const devTime = obj['devTime'];
    if (typeof devTime === 'string') {
      const t = this.parseDevTime(devTime, obj['devTimeFormat'], now);
      if (t === undefined) return `devTime field present in LEEF but cannot be parsed: ${JSON.stringify(devTime)}`;
      obj['timestamp'] = t;
    } else if (m[1] !== undefined && m[1] !== '') {
      const t = parseSyslogHeaderTime(m[1], now);
      if (t === undefined) return `cannot parse syslog timestamp ${JSON.stringify(m[1])}`;
      obj['timestamp'] = t;
    } else {
      obj['timestamp'] = now;
    }
    return obj;
  }

  private parseDevTime(devTime: string, format: unknown, now: number): number | undefined {
    if (typeof format !== 'string') return parseCefDate(devTime, now, true);
    if (/^\d+$/.test(devTime)) return parseCefDate(devTime, now);
    let compiled = this.dateFormats.get(format);
    if (compiled === undefined) {
      try {
        compiled = compileJavaDatePattern(format);
      } catch (err) {
        compiled = String(err);
      }
      if (this.dateFormats.size >= DATE_FORMAT_CACHE_LIMIT) this.dateFormats.clear();
      this.dateFormats.set(format, compiled);
    }
    if (typeof compiled === 'string') return undefined;
    const t = compiled.parse(devTime, UTC);
    return typeof t === 'number' ? t : undefined;
  }
}
