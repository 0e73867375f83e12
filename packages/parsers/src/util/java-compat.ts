/**
 * Reproduces the few Java behaviours that leak into Metron's output strings:
 * - `java.util.HashMap` iteration order (json-simple's JSONObject is a HashMap; OpenJDK 8+ table
 *   layout: capacity 16, load factor 0.75, `hash ^ (hash >>> 16)`, order-preserving resize),
 * - `Double.toString`, `Long.toString` and `DecimalFormat("0.0#####")` (HALF_EVEN),
 * - json-simple's `JSONValue.toJSONString` (escapes `/`, uppercase `\uXXXX`).
 * Metron's Bro parser builds `original_string` from these, so matching it byte for byte needs them.
 */
import { setField } from './fields.js';

/**
 * A JSON number written with a fraction or exponent whose value is integral (`3600.0`, `1e3`).
 * Java parses it as a Double and prints `3600.0`; a JS number cannot carry that distinction.
 */
export class JavaDouble {
  constructor(readonly value: number) {}
}

/** `String.hashCode()` over UTF-16 code units, as a signed 32-bit int. */
export function javaStringHash(s: string): number {
  let h = 0;
  for (let i = 0; i < s.length; i++) h = (Math.imul(h, 31) + s.charCodeAt(i)) | 0;
  return h;
}

const TREEIFY_THRESHOLD = 8;
const MIN_TREEIFY_CAPACITY = 64;
const ORDER_CACHE_LIMIT = 2048;
const ORDER_BUCKET_LIMIT = 8;
/**
 * Orders computed before, found by a cheap fingerprint (count, first and last key) and then
 * compared key by key: joining every key into one cache key cost as much as the rest of a Bro record.
 */
const orderCache = new Map<string, { keys: readonly string[]; order: readonly string[] }[]>();
let orderCacheEntries = 0;

function sameKeys(a: readonly string[], b: readonly string[]): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/**
 * The iteration order of a `java.util.HashMap` built by `put`-ting `keys` (distinct) in the given
 * order. Within a bucket Java keeps insertion order (also across resizes), so the order is a stable
 * sort by bucket index under the final capacity. Not modelled: the order inside treeified bins
 * (9+ keys in one bucket of a table of 64+), which needs dozens of colliding keys.
 */
export function javaHashMapOrder(keys: readonly string[]): readonly string[] {
  if (keys.length < 2) return keys;
  const fingerprint = `${keys.length}\u0000${keys[0]!}\u0000${keys[keys.length - 1]!}`;
  let bucket = orderCache.get(fingerprint);
  if (bucket !== undefined) {
    for (const entry of bucket) if (sameKeys(entry.keys, keys)) return entry.order;
  }

  const n = keys.length;
  const hashes = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    const h = javaStringHash(keys[i]!);
    hashes[i] = h ^ (h >>> 16);
  }
  let capacity = 16;
  let counts = new Int32Array(capacity);
  const rebucket = (upTo: number): void => {
    counts = new Int32Array(capacity);
    for (let j = 0; j < upTo; j++) counts[hashes[j]! & (capacity - 1)]!++;
  };
  for (let i = 0; i < n; i++) {
    const bucket = hashes[i]! & (capacity - 1);
    const before = counts[bucket]!;
    counts[bucket] = before + 1;
    // putVal: appending to a chain that already had 8 nodes calls treeifyBin, which resizes instead
    // while the table is smaller than 64.
    if (before >= TREEIFY_THRESHOLD && capacity < MIN_TREEIFY_CAPACITY) {
      capacity *= 2;
      rebucket(i + 1);
    }
    if (i + 1 > capacity * 0.75) {
      capacity *= 2;
      rebucket(i + 1);
    }
  }
  const mask = capacity - 1;
  const index = Array.from({ length: n }, (_, i) => i);
  index.sort((a, b) => (hashes[a]! & mask) - (hashes[b]! & mask) || a - b);
  const order = index.map((i) => keys[i]!);
  if (orderCacheEntries >= ORDER_CACHE_LIMIT) {
    orderCache.clear();
    orderCacheEntries = 0;
    bucket = undefined;
  }
  if (bucket === undefined) orderCache.set(fingerprint, (bucket = []));
  else if (bucket.length >= ORDER_BUCKET_LIMIT) {
    bucket.shift();
    orderCacheEntries--;
  }
  bucket.push({ keys: keys.slice(), order });
  orderCacheEntries++;
  return order;
}

/** Splits a finite number's shortest round-trip form into digits and decimal exponent (d.ddd × 10^exp). */
function shortestDigits(x: number): { digits: string; exp: number } {
  const s = Math.abs(x).toExponential(); // shortest digits that round-trip, e.g. "1.2345e+3"
  const e = s.indexOf('e');
  return { digits: s.slice(0, e).replace('.', ''), exp: Number(s.slice(e + 1)) };
}

/** Java `Double.toString(d)` (shortest digits; Java < 19 sometimes prints one digit more). */
export function javaDoubleToString(x: number): string {
  if (Number.isNaN(x)) return 'NaN';
  if (!Number.isFinite(x)) return x > 0 ? 'Infinity' : '-Infinity';
  if (x === 0) return Object.is(x, -0) ? '-0.0' : '0.0';
  const sign = x < 0 ? '-' : '';
  const abs = Math.abs(x);
  if (abs >= 1e-3 && abs < 1e7) return sign + plainDecimal(x);
  const { digits, exp } = shortestDigits(x);
  const mantissa = digits.length === 1 ? `${digits}.0` : `${digits[0]}.${digits.slice(1)}`;
  return `${sign}${mantissa}E${exp}`;
}

/** Java `Long.toString` for an integral number (beyond 2^53 the JS value is already rounded). */
export function javaLongToString(x: number): string {
  return Number.isSafeInteger(x) ? safeIntegerToString(x) : BigInt(x).toString();
}

const NINE_DIGITS = 1e9;
const ZERO_PADS = ['', '0', '00', '000', '0000', '00000', '000000', '0000000', '00000000'];

/**
 * String(x) for a safe integer. Past 32 bits V8 prints an integer with its general double printer,
 * several times slower than printing two halves of at most 9 digits (64-bit ids such as Suricata's
 * flow_id are printed once per record).
 */
export function safeIntegerToString(x: number): string {
  if ((x | 0) === x) return String(x);
  const negative = x < 0;
  const abs = negative ? -x : x;
  const high = Math.floor(abs / NINE_DIGITS);
  const low = String(abs - high * NINE_DIGITS);
  const digits = high === 0 ? low : `${high}${ZERO_PADS[9 - low.length]!}${low}`;
  return negative ? `-${digits}` : digits;
}

/** The shortest round-trip digits of |x| in positional notation, e.g. "1402307733.473", "3600.0", "0.000517". */
function plainDecimal(x: number): string {
  const { digits, exp } = shortestDigits(x);
  if (exp >= 0) {
    const frac = digits.slice(exp + 1);
    return `${digits.slice(0, exp + 1).padEnd(exp + 1, '0')}.${frac === '' ? '0' : frac}`;
  }
  return `0.${'0'.repeat(-exp - 1)}${digits}`;
}

/** Below 2^33 a double's ulp is under 10^-6: see microsDecimal. */
const MICROS_FAST_LIMIT = 2 ** 33;
const MILLION = 1_000_000;

/**
 * String(x) for a non-integral 0 < x < 2^33 whose shortest digits have at most 6 fraction digits
 * (epoch seconds with up to microseconds, durations), else undefined (the caller then uses String);
 * without the shortest-digits search String() does, the slowest part of printing a Bro record.
 * Correct because: m / 10^6 is the correctly rounded quotient of two exact doubles, so it equals x
 * exactly when the decimal m·10^-6 reads back as x; and no other decimal of at most 6 fraction
 * digits reads back as x, as two of them differ by at least 10^-6, more than x's ulp (under 2^-20
 * below 2^33). So that decimal, trailing zeros dropped, is x's shortest round-trip form, which is
 * what String() prints. (When x·10^6 rounds to a neighbour of the right m, the check fails and the
 * caller takes the slow path: never a wrong answer.)
 */
export function microsDecimal(x: number): string | undefined {
  if (!(x > 0 && x < MICROS_FAST_LIMIT)) return undefined;
  const m = Math.round(x * MILLION);
  if (m / MILLION !== x) return undefined;
  const fraction = m % MILLION;
  if (fraction === 0) return undefined; // integral: printed elsewhere
  const digits = String(fraction);
  let end = digits.length;
  while (digits.charCodeAt(end - 1) === 48 /* 0 */) end--;
  return `${(m - fraction) / MILLION}.${ZEROS[6 - digits.length]!}${end < digits.length ? digits.slice(0, end) : digits}`;
}
const ZEROS = ['', '0', '00', '000', '0000', '00000'];

/**
 * `new DecimalFormat("0.0#####").format(d)` (no grouping, 1 to 6 fraction digits, HALF_EVEN).
 * Java starts from the shortest digits: with at most 6 fraction digits they are printed as they
 * are (large integers padded with zeros, not their exact binary value); otherwise it rounds the
 * exact binary value. Checked against OpenJDK 17 on 5,000 values (util/java-compat.test.ts).
 */
export function javaDecimalFormat6(x: number): string {
  const fast = microsDecimal(x < 0 ? -x : x);
  if (fast !== undefined) return x < 0 ? `-${fast}` : fast;
  if (Number.isNaN(x)) return '\uFFFD';
  if (!Number.isFinite(x)) return x > 0 ? '\u221E' : '-\u221E';
  if (!Number.isInteger(x)) {
    // Common case: String() is positional for 1e-7 <= |x| < 1e21 and gives the shortest digits.
    const s = String(x);
    const dot = s.indexOf('.');
    if (dot > 0 && s.length - dot <= 7 && s.indexOf('e') < 0) return s;
  }
  const sign = x < 0 || Object.is(x, -0) ? '-' : '';
  if (x === 0) return `${sign}0.0`;
  const plain = plainDecimal(x);
  if (plain.length - plain.indexOf('.') - 1 <= 6) return sign + plain;
  let fixed = Math.abs(x).toFixed(6); // exact binary value, ties away from zero
  // An exact tie has exactly 7 fraction digits ending in 5: an odd multiple of 2^-7 at the 7th
  // decimal. HALF_EVEN then keeps an even 6th digit.
  if (Number.isInteger(x * 128) && !Number.isInteger(x * 64)) {
    const seven = Math.abs(x).toFixed(7);
    if (seven.endsWith('5')) {
      const truncated = seven.slice(0, -1);
      if ((truncated.charCodeAt(truncated.length - 1) - 48) % 2 === 0) fixed = truncated;
    }
  }
  let end = fixed.length;
  while (fixed.charCodeAt(end - 1) === 48 /* 0 */ && fixed.charCodeAt(end - 2) !== 46 /* . */) end--;
  return sign + fixed.slice(0, end);
}

/** json-simple `JSONValue.escape`. */
export function jsonSimpleEscape(s: string): string {
  let out = '';
  let start = 0;
  for (let i = 0; i < s.length; i++) {
    const ch = s.charCodeAt(i);
    let rep: string | undefined;
    switch (ch) {
      case 0x22: rep = '\\"'; break;
      case 0x5c: rep = '\\\\'; break;
      case 0x08: rep = '\\b'; break;
      case 0x0c: rep = '\\f'; break;
      case 0x0a: rep = '\\n'; break;
      case 0x0d: rep = '\\r'; break;
      case 0x09: rep = '\\t'; break;
      case 0x2f: rep = '\\/'; break;
      default:
        if (ch <= 0x1f || (ch >= 0x7f && ch <= 0x9f) || (ch >= 0x2000 && ch <= 0x20ff)) {
          rep = `\\u${ch.toString(16).toUpperCase().padStart(4, '0')}`;
        }
    }
    if (rep !== undefined) {
      out += s.slice(start, i) + rep;
      start = i + 1;
    }
  }
  return start === 0 ? s : out + s.slice(start);
}

/** json-simple `JSONValue.toJSONString` of a parsed value (objects in HashMap order). */
export function jsonSimpleToString(value: unknown): string {
  if (value === null || value === undefined) return 'null';
  switch (typeof value) {
    case 'string':
      return `"${jsonSimpleEscape(value)}"`;
    case 'number':
      return Number.isInteger(value) ? javaLongToString(value) : Number.isFinite(value) ? javaDoubleToString(value) : 'null';
    case 'boolean':
      return value ? 'true' : 'false';
    default:
      break;
  }
  if (value instanceof JavaDouble) return Number.isFinite(value.value) ? javaDoubleToString(value.value) : 'null';
  if (Array.isArray(value)) {
    if (value.length === 0) return '[]';
    let out = `[${jsonSimpleToString(value[0])}`;
    for (let i = 1; i < value.length; i++) out += `,${jsonSimpleToString(value[i])}`;
    return `${out}]`;
  }
  const obj = value as Record<string, unknown>;
  let out = '{';
  let first = true;
  for (const key of javaHashMapOrder(Object.keys(obj))) {
    out += `${first ? '' : ','}"${jsonSimpleEscape(key)}":${jsonSimpleToString(obj[key])}`;
    first = false;
  }
  return out + '}';
}

/**
 * Java `Object.toString()` of a top-level value as Metron's Bro parser prints it in
 * `original_string` (Doubles through DecimalFormat("0.0#####"); a null prints "null", where Metron
 * would fail the record with a NullPointerException).
 */
export function javaValueToString(value: unknown): string {
  switch (typeof value) {
    case 'string':
      return value;
    case 'number':
      return Number.isInteger(value) ? javaLongToString(value) : javaDecimalFormat6(value);
    case 'boolean':
      return value ? 'true' : 'false';
    default:
      if (value instanceof JavaDouble) return javaDecimalFormat6(value.value);
      return jsonSimpleToString(value);
  }
}

/** Replaces JavaDouble markers by plain numbers, copying only containers that hold one. */
export function unwrapJavaValues(value: unknown): unknown {
  if (value instanceof JavaDouble) return value.value;
  if (value === null || typeof value !== 'object') return value;
  if (Array.isArray(value)) {
    let copy: unknown[] | undefined;
    for (let i = 0; i < value.length; i++) {
      const v = value[i];
      const u = unwrapJavaValues(v);
      if (u !== v) {
        copy ??= value.slice();
        copy[i] = u;
      }
    }
    return copy ?? value;
  }
  const obj = value as Record<string, unknown>;
  let copy: Record<string, unknown> | undefined;
  for (const key of Object.keys(obj)) {
    const v = obj[key];
    const u = unwrapJavaValues(v);
    if (u !== v) {
      copy ??= { ...obj };
      setField(copy, key, u);
    }
  }
  return copy ?? obj;
}
