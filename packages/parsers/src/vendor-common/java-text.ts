/**
 * Java text behaviours that Metron's older vendor parsers (FireEye, Lancope, Sourcefire, Logstash,
 * Palo Alto) leak into their output: `String.split` (limit 0), the regex classes of
 * `java.util.regex` that differ from JavaScript's, and the lenient `SimpleDateFormat` parse of
 * all-numeric patterns.
 */
import { utcMs } from '../util/time-zone.js';

/** Java's `\s` (ASCII only; JavaScript's `\s` also takes Unicode spaces). */
export const JAVA_SPACE = '[ \\t\\n\\x0B\\f\\r]';
/** Java's `.` without DOTALL (JavaScript's `.` takes U+0085). */
export const JAVA_DOT = '[^\\n\\r\\u0085\\u2028\\u2029]';
/** Java's `$` without MULTILINE: the end, or before one final line terminator. */
export const JAVA_END = '(?=(?:\\r\\n|[\\n\\r\\u0085\\u2028\\u2029])?$)';

/**
 * Java `String.split(separator)` with limit 0: a literal string or a global RegExp; a leading
 * empty piece is kept (except for a zero-width match at 0), trailing empty pieces are dropped, and
 * an input without a match is returned whole.
 */
export function javaSplit(input: string, separator: string | RegExp): string[] {
  const pieces: string[] = [];
  let index = 0;
  if (typeof separator === 'string') {
    if (separator === '') throw new Error('javaSplit needs a non-empty literal separator');
    for (let at = input.indexOf(separator); at !== -1; at = input.indexOf(separator, index)) {
      pieces.push(input.slice(index, at));
      index = at + separator.length;
    }
  } else {
    if (!separator.global) throw new Error('javaSplit needs a global RegExp');
    for (const m of input.matchAll(separator)) {
      const start = m.index;
      const end = start + m[0].length;
      if (index === 0 && start === 0 && end === 0) continue;
      pieces.push(input.slice(index, start));
      index = end;
    }
  }
  if (index === 0) return [input];
  pieces.push(input.slice(index));
  let n = pieces.length;
  while (n > 0 && pieces[n - 1] === '') n--;
  return n === pieces.length ? pieces : pieces.slice(0, n);
}

/** A step of an all-numeric `SimpleDateFormat` pattern: a calendar field or literal text. */
export type DateStep = { readonly field: 'year' | 'month' | 'day' | 'hour' | 'minute' | 'second' | 'millis' } | { readonly literal: string };

const INT_MIN = -2147483648;
const INT_MAX = 2147483647;
const LONG_LIMIT = 2n ** 63n;

/** `Number.intValue()` of what `DecimalFormat` (integer only) reads from `digits`. */
function javaIntValue(negative: boolean, digits: string): number {
  const magnitude = BigInt(digits);
  const value = negative ? -magnitude : magnitude;
  // within long range DecimalFormat gives a Long (intValue wraps); beyond it a Double (saturates)
  if (value < LONG_LIMIT && value >= -LONG_LIMIT) return Number(BigInt.asIntN(32, value));
  return value < 0n ? INT_MIN : INT_MAX;
}

/**
 * `new SimpleDateFormat(pattern).parse(text)` for patterns of numeric fields and literals, in UTC:
 * lenient (fields out of range roll over: month 13 is January of the next year, `SSS` may hold
 * any number of digits and counts milliseconds), each field may be preceded by spaces or tabs and
 * carry a minus sign, literals must match exactly, and text after the pattern is ignored.
 * Years use the proleptic Gregorian calendar (Java switches to Julian before 1582).
 * Returns epoch ms, or the reason it does not parse.
 */
export function parseLenientDate(text: string, steps: readonly DateStep[]): number | string {
  const values = { year: 1970, month: 1, day: 1, hour: 0, minute: 0, second: 0, millis: 0 };
  let pos = 0;
  for (const step of steps) {
    if ('literal' in step) {
      if (!text.startsWith(step.literal, pos)) return `expected ${JSON.stringify(step.literal)} at ${pos} in ${JSON.stringify(text)}`;
      pos += step.literal.length;
      continue;
    }
    while (pos < text.length && (text[pos] === ' ' || text[pos] === '\t')) pos++;
    const negative = text[pos] === '-';
    let end = negative ? pos + 1 : pos;
    while (end < text.length && text.charCodeAt(end) >= 0x30 && text.charCodeAt(end) <= 0x39) end++;
    const digitsStart = negative ? pos + 1 : pos;
    if (end === digitsStart) return `expected a number at ${pos} in ${JSON.stringify(text)}`;
    values[step.field] = javaIntValue(negative, text.slice(digitsStart, end));
    pos = end;
  }
  const ms = utcMs(values.year, values.month, values.day, values.hour, values.minute, values.second, values.millis);
  return Number.isFinite(ms) ? ms : `date ${JSON.stringify(text)} is out of range`;
}
