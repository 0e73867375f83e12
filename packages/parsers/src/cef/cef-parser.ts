/**
 * Metron's CEFParser (`org.apache.metron.parsers.cef.CEFParser`), ArcSight Common Event Format
 * (CEF rev. 23): an optional syslog header, `CEF:0|Vendor|Product|Version|EventClassId|Name|Severity|`
 * then `key=value` extensions.
 * Reproduces Metron's behaviour, including its quirks:
 * - headers become `DeviceVendor`, `DeviceProduct`, `DeviceVersion`, `DeviceEvent`, `Name`, and
 *   `Severity` as an integer (`Low` 2, `Medium` 5, `High` 8, `Very-High` 10, other words 0);
 * - extension keys split at every `=` not preceded by `\`; a value runs to the last space before
 *   the next key; values are kept as written (escapes are not undone, as in Metron);
 * - `csNLabel=Foo` renames `csN` to `Foo`; `dst`, `dpt`, `src`, `spt` become the 5-tuple (ports as
 *   integers), `act` becomes `deviceAction`, `app` becomes `protocol`;
 * - `timestamp` from `rt`, else the syslog header time, else now; `host` from the syslog header.
 * Where Metron would throw (bad severity, port, `rt`, no extension) the record is an error.
 */
import type { Message } from '@metron/core';
import type { MessageParser, ParseContext, ParseOutcome } from '../types.js';
import { javaTrim } from '../util/java-string.js';
import { parseCefDate, parseSyslogHeaderTime } from './cef-dates.js';

// Java's `.` excludes these line terminators; JS's `.` also lets U+0085 through.
const DOT = '[^\\n\\r\\u0085\\u2028\\u2029]';
const SYSLOG_TIME_3164 =
  '(?:Jan(?:uary)?|Feb(?:ruary)?|Mar(?:ch)?|Apr(?:il)?|May|Jun(?:e)?|Jul(?:y)?|Aug(?:ust)?|Sep(?:tember)?|Oct(?:ober)?|Nov(?:ember)?|Dec(?:ember)?)\\b +(?:(?:0[1-9])|(?:[12][0-9])|(?:3[01])|[1-9]) (?!<[0-9])(?:2[0123]|[01]?[0-9]):(?:[0-5][0-9])(?::(?:(?:[0-5]?[0-9]|60)(?:[:.,][0-9]+)?))';
const SYSLOG_TIME_5424 = '(?:\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}(?:\\.\\d+)?(?:Z|[+-]\\d{2}:\\d{2}))';
// Metron's class `[a-z0-9\.\\-_]` holds the range `\`..`_`, not `-`; kept as is.
const SYSLOG_HOST = '[a-z0-9\\.\\\\-_]+';
const HEADER = '([^|]*)';

/**
 * Metron's whole-record pattern, compiled once. Groups: 1 time, 2 host, 3-8 headers, 9 extensions.
 * The `lazy` form skips to the first `CEF:` instead of backtracking from the end of the line to the
 * last one: the same match when the record holds a single `CEF:` (the host class cannot match `C`),
 * and about 3 times faster.
 */
const cefRecord = (lazy: boolean) =>
  new RegExp(
    `^(?:<[0-9]+>)?(${SYSLOG_TIME_3164}|${SYSLOG_TIME_5424})?(${SYSLOG_HOST})?${DOT}*${lazy ? '?' : ''}CEF: ?0\\|` +
      `${HEADER}\\|${HEADER}\\|${HEADER}\\|${HEADER}\\|${HEADER}\\|${HEADER}\\|(${DOT}*)$`,
  );
const CEF_RECORD = cefRecord(false);
const CEF_RECORD_SINGLE = cefRecord(true);
const JAVA_INT = /^[+-]?\d+$/;

const RENAMES: readonly (readonly [string, string])[] = [
  ['dst', 'ip_dst_addr'],
  ['dpt', 'ip_dst_port'],
  ['src', 'ip_src_addr'],
  ['spt', 'ip_src_port'],
  ['act', 'deviceAction'],
  ['app', 'protocol'],
];

/** Java `Integer.valueOf`: a 32-bit integer, or undefined. */
export function javaInteger(text: string): number | undefined {
  if (!JAVA_INT.test(text)) return undefined;
  const n = Number(text);
  return n >= -2147483648 && n <= 2147483647 ? n : undefined;
}

function standardizeSeverity(severity: string): number | undefined {
  if (severity.length < 3) return javaInteger(severity);
  switch (severity) {
    case 'Low': return 2;
    case 'Medium': return 5;
    case 'High': return 8;
    case 'Very-High': return 10;
    default: return 0;
  }
}

function rename(obj: Message, from: string, to: string): void {
  const value = obj[from];
  if (value !== undefined) {
    delete obj[from];
    obj[to] = value;
  }
}

/** The extension pairs in order (`...Label` pairs apart: labelled field → label). */
interface CefExtensions {
  keys: string[];
  values: string[];
  labels: Map<string, string>;
}

/**
 * Metron's `CEFParser.parseExtensions`: adds the extension fields to `obj` and applies the
 * `...Label` renames; a reason when there is no `key=value` at all.
 */
export function parseCefExtensions(ext: string, obj: Message): string | undefined {
  const extensions = readCefExtensions(ext);
  if (typeof extensions === 'string') return extensions;
  const { keys, values, labels } = extensions;
  for (let i = 0; i < keys.length; i++) obj[keys[i]!] = values[i]!;
  for (const [field, label] of labels) rename(obj, field, label);
  return undefined;
}

function readCefExtensions(ext: string): CefExtensions | string {
  const keys: string[] = [];
  const values: string[] = [];
  const labels = new Map<string, string>();
  const put = (key: string, value: string): void => {
    if (key.endsWith('Label')) labels.set(key.slice(0, -5), value);
    else {
      keys.push(key);
      values.push(value);
    }
  };
  const equals: number[] = [];
  // every `=` not escaped by a backslash (Metron's `(?<!\\)=`)
  for (let at = ext.indexOf('='); at >= 0; at = ext.indexOf('=', at + 1)) {
    if (at === 0 || ext.charCodeAt(at - 1) !== 0x5c /* \ */) equals.push(at);
  }
  if (equals.length === 0) return 'CEF extension has no key=value';
  let key = ext.slice(0, equals[0]);
  let index = equals[0]! + 1;
  for (let i = 1; i < equals.length; i++) {
    // the text between two `=`: its last space (not its first character) ends a value and starts a key
    const start = index;
    const end = equals[i]!;
    index = end + 1;
    const space = end > start ? ext.lastIndexOf(' ', end - 1) : -1;
    if (space > start) {
      put(key, javaTrim(ext.slice(start, space)));
      key = javaTrim(ext.slice(space, end));
    }
  }
  put(key, ext.slice(index));
  return { keys, values, labels };
}

const RENAMED = new Set(RENAMES.flat());
const HEADER_FIELDS = new Set(['DeviceVendor', 'DeviceProduct', 'DeviceVersion', 'DeviceEvent', 'Name', 'Severity']);

/**
 * Whether the labels only move plain fields to names no other rename touches. Then the message is
 * written once, renamed fields last, in the order the renames would leave them; otherwise
 * (rare) the renames run one by one as in Metron. The point is speed: a `delete` turns a V8 object
 * into a slow dictionary.
 */
function labelsAreSimple(labels: ReadonlyMap<string, string>): boolean {
  for (const [field, label] of labels) {
    if (RENAMED.has(field) || RENAMED.has(label) || HEADER_FIELDS.has(field) || labels.has(label) || field === '__proto__') return false;
  }
  return true;
}

/** The value the object would hold for `key` after all puts: the last one. */
function lastValue(extensions: CefExtensions, key: string): string | undefined {
  const { keys, values } = extensions;
  for (let i = keys.length - 1; i >= 0; i--) if (keys[i] === key) return values[i];
  return undefined;
}

/** Adds the extensions to `obj`, then the label renames, then Metron's fixed renames (RENAMES). */
function addExtensions(obj: Message, extensions: CefExtensions): void {
  const { keys, values, labels } = extensions;
  if (!labelsAreSimple(labels)) {
    for (let i = 0; i < keys.length; i++) obj[keys[i]!] = values[i]!;
    for (const [field, label] of labels) rename(obj, field, label);
    for (const [from, to] of RENAMES) rename(obj, from, to);
    return;
  }
  let dst: string | undefined;
  let dpt: string | undefined;
  let src: string | undefined;
  let spt: string | undefined;
  let act: string | undefined;
  let app: string | undefined;
  for (let i = 0; i < keys.length; i++) {
    const key = keys[i]!;
    const value = values[i]!;
    switch (key) {
      case 'dst': dst = value; continue;
      case 'dpt': dpt = value; continue;
      case 'src': src = value; continue;
      case 'spt': spt = value; continue;
      case 'act': act = value; continue;
      case 'app': app = value; continue;
      default:
        if (labels.size > 0 && labels.has(key)) continue;
        obj[key] = value;
    }
  }
  for (const [field, label] of labels) {
    const value = lastValue(extensions, field);
    if (value !== undefined) obj[label] = value;
  }
  // in RENAMES order
  if (dst !== undefined) obj['ip_dst_addr'] = dst;
  if (dpt !== undefined) obj['ip_dst_port'] = dpt;
  if (src !== undefined) obj['ip_src_addr'] = src;
  if (spt !== undefined) obj['ip_src_port'] = spt;
  if (act !== undefined) obj['deviceAction'] = act;
  if (app !== undefined) obj['protocol'] = app;
}

export class CefParser implements MessageParser {
  parse(text: string, ctx: ParseContext): ParseOutcome {
    const marker = text.indexOf('CEF:');
    const m = (marker >= 0 && text.indexOf('CEF:', marker + 1) < 0 ? CEF_RECORD_SINGLE : CEF_RECORD).exec(text);
    if (m === null) return { ok: false, reason: 'not a CEF record: expected CEF:0| and 6 |-terminated header fields' };
    const severity = standardizeSeverity(m[8]!);
    if (severity === undefined) return { ok: false, reason: `CEF severity ${JSON.stringify(m[8])} is neither an integer nor Low/Medium/High/Very-High` };
    const obj: Message = {
      DeviceVendor: m[3]!,
      DeviceProduct: m[4]!,
      DeviceVersion: m[5]!,
      DeviceEvent: m[6]!,
      Name: m[7]!,
      Severity: severity,
    };
    const extensions = readCefExtensions(m[9]!);
    if (typeof extensions === 'string') return { ok: false, reason: extensions };
    addExtensions(obj, extensions);
    for (const port of ['ip_dst_port', 'ip_src_port']) {
      if (!Object.hasOwn(obj, port)) continue;
      const n = javaInteger(String(obj[port]));
      if (n === undefined) return { ok: false, reason: `CEF ${port === 'ip_dst_port' ? 'dpt' : 'spt'} ${JSON.stringify(obj[port])} is not an integer` };
      obj[port] = n;
    }
    obj['original_string'] = text;
    const rt = obj['rt'];
    if (typeof rt === 'string') {
      const t = parseCefDate(rt, ctx.now);
      if (t === undefined) return { ok: false, reason: `rt field present in CEF but cannot be parsed: ${JSON.stringify(rt)}` };
      obj['timestamp'] = t;
    } else if (m[1] !== undefined && m[1] !== '') {
      const t = parseSyslogHeaderTime(m[1], ctx.now);
      if (t === undefined) return { ok: false, reason: `cannot parse syslog timestamp ${JSON.stringify(m[1])}` };
      obj['timestamp'] = t;
    } else {
      obj['timestamp'] = ctx.now;
    }
    if (m[2] !== undefined && m[2] !== '') obj['host'] = m[2];
    return { ok: true, messages: [obj] };
  }
}
