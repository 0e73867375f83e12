/**
 * One pass over the text of a Bro record of the shape the Metron Bro plugin writes (and Zeek's JSON
 * writer, wrapped in its log type): `{"<type>": {"k":v,...}}`, whose members are strings, numbers,
 * true/false/null, or arrays of those. It yields what the Bro parser needs of it (the log type,
 * where each key is written, the values, where each number is written) without building the
 * payload object, without JSON.parse and without a second pass for the numbers, in about half
 * their time for a typical record.
 *
 * It only answers for text that is valid JSON (RFC 8259) and that it reads exactly as JSON.parse
 * does; anything else (escapes, nested objects, an exponent, a number Java would read as an
 * integral Double such as `3600.0`, a log type JSONCleaner would change, ...) it declines, and the
 * caller reads the record the general way. So a record either gets the values JSON.parse would
 * give or is not answered here: never a different answer.
 */

/** Members read at most; a record with more is declined (read the general way). */
const MAX_MEMBERS = 1024;

/** What readFlatRecord found; the arrays are reused from record to record (read before the next call). */
export interface FlatRecord {
  /** Where the log type (the one top-level key) is written: text[typeStart, typeEnd). */
  typeStart: number;
  typeEnd: number;
  /** Members of the payload, in text order (a duplicate key is listed each time it is written). */
  count: number;
  /** Where the m-th member's key is written, between its quotes: text[keyStart[m], keyEnd[m]). */
  readonly keyStart: Int32Array;
  readonly keyEnd: Int32Array;
  /** The m-th member's value, as JSON.parse gives it. */
  readonly values: unknown[];
  /**
   * Where the m-th member's value is written when it is a number, `[2m]` to `[2m + 1]`, else -1 and
   * -1 (the layout of scanJsonNumbers' spans).
   */
  readonly numberSpans: number[];
}

/** An empty FlatRecord to be filled by readFlatRecord. */
export function newFlatRecord(): FlatRecord {
  return { typeStart: 0, typeEnd: 0, count: 0, keyStart: new Int32Array(MAX_MEMBERS), keyEnd: new Int32Array(MAX_MEMBERS), values: [], numberSpans: [] };
}

const QUOTE = 0x22;
const COMMA = 0x2c;
const MINUS = 0x2d;
const DOT = 0x2e;
const ZERO = 0x30;
const NINE = 0x39;
const COLON = 0x3a;
const BACKSLASH = 0x5c;
const LBRACKET = 0x5b;
const RBRACKET = 0x5d;
const LBRACE = 0x7b;
const RBRACE = 0x7d;

/** Exact powers of ten (all below 2^53, so m / POW10[k] is the correctly rounded quotient). */
const POW10 = [1, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15, 1e16];
const TWO_POW_53 = 2 ** 53;

/** The value read by the last readValue / readNumber (a module slot: no pair allocated per value). */
let lastValue: unknown;

/**
 * Reads `text` into `out` when it has the shape above: true, or false when the record must be read
 * the general way (which then also gives the reason of a record that is not JSON).
 */
export function readFlatRecord(text: string, out: FlatRecord): boolean {
  let p = skipWhitespace(text, 0);
  if (text.charCodeAt(p) !== LBRACE) return false;
  p = skipWhitespace(text, p + 1);
  if (text.charCodeAt(p) !== QUOTE) return false;
  // The log type: one or more of [._a-zA-Z0-9], so JSONCleaner keeps it; `type` is the flat form.
  const typeStart = ++p;
  for (let c = text.charCodeAt(p); c !== QUOTE; c = text.charCodeAt(++p)) if (!isCleanKeyChar(c)) return false;
  if (p === typeStart || (p - typeStart === 4 && text.startsWith('type', typeStart))) return false;
  out.typeStart = typeStart;
  out.typeEnd = p;
  p = skipWhitespace(text, p + 1);
  if (text.charCodeAt(p) !== COLON) return false;
  p = skipWhitespace(text, p + 1);
  if (text.charCodeAt(p) !== LBRACE) return false;
  p = skipWhitespace(text, p + 1);
  const { keyStart, keyEnd, values, numberSpans } = out;
  let count = 0;
  if (text.charCodeAt(p) === RBRACE) {
    p++;
  } else {
    for (;;) {
      if (count === MAX_MEMBERS || text.charCodeAt(p) !== QUOTE) return false;
      const start = ++p;
      p = stringEnd(text, p);
      if (p < 0) return false;
      keyStart[count] = start;
      keyEnd[count] = p;
      p = skipWhitespace(text, p + 1);
      if (text.charCodeAt(p) !== COLON) return false;
      p = skipWhitespace(text, p + 1);
      const c = text.charCodeAt(p);
      if (c === MINUS || (c >= ZERO && c <= NINE)) {
        const end = readNumber(text, p);
        if (end < 0) return false;
        numberSpans[2 * count] = p;
        numberSpans[2 * count + 1] = end;
        p = end;
      } else {
        p = readValue(text, p, c, true);
        if (p < 0) return false;
        numberSpans[2 * count] = -1;
        numberSpans[2 * count + 1] = -1;
      }
      values[count++] = lastValue;
      p = skipWhitespace(text, p);
      const next = text.charCodeAt(p);
      p = skipWhitespace(text, p + 1);
      if (next === RBRACE) break;
      if (next !== COMMA) return false;
    }
  }
  // the wrapper's end, and nothing after it but whitespace
  if (text.charCodeAt(p) !== RBRACE || skipWhitespace(text, p + 1) !== text.length) return false;
  out.count = count;
  return true;
}

/** The first position from `p` on that is not JSON whitespace. */
function skipWhitespace(text: string, p: number): number {
  for (let c = text.charCodeAt(p); c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09; c = text.charCodeAt(++p));
  return p;
}

/** Whether `c` is one of `[._a-zA-Z0-9]`, the characters JSONCleaner keeps. */
function isCleanKeyChar(c: number): boolean {
  return (c >= ZERO && c <= NINE) || (c >= 0x61 && c <= 0x7a) || (c >= 0x41 && c <= 0x5a) || c === DOT || c === 0x5f;
}

/**
 * Where the string whose content starts at `p` ends (its closing quote), or -1 when it holds an
 * escape or a control character (JSON forbids the latter; the former is left to JSON.parse) or is
 * not closed.
 */
function stringEnd(text: string, p: number): number {
  for (let c = text.charCodeAt(p); c !== QUOTE; c = text.charCodeAt(++p)) {
    // NaN (past the end) fails the comparison too
    if (!(c >= 0x20) || c === BACKSLASH) return -1;
  }
  return p;
}

/**
 * Reads the value starting at `p` (its first character `c`) into lastValue: a string, a literal,
 * or (when `arrays`) an array of those and numbers. Returns where it ends, or -1 to decline.
 */
function readValue(text: string, p: number, c: number, arrays: boolean): number {
  switch (c) {
    case QUOTE: {
      const end = stringEnd(text, p + 1);
      if (end < 0) return -1;
      lastValue = text.slice(p + 1, end);
      return end + 1;
    }
    case 0x74: // true
      if (text.charCodeAt(p + 1) !== 0x72 || text.charCodeAt(p + 2) !== 0x75 || text.charCodeAt(p + 3) !== 0x65) return -1;
      lastValue = true;
      return p + 4;
    case 0x66: // false
      if (text.charCodeAt(p + 1) !== 0x61 || text.charCodeAt(p + 2) !== 0x6c || text.charCodeAt(p + 3) !== 0x73 || text.charCodeAt(p + 4) !== 0x65) return -1;
      lastValue = false;
      return p + 5;
    case 0x6e: // null
      if (text.charCodeAt(p + 1) !== 0x75 || text.charCodeAt(p + 2) !== 0x6c || text.charCodeAt(p + 3) !== 0x6c) return -1;
      lastValue = null;
      return p + 4;
    case LBRACKET:
      return arrays ? readArray(text, p + 1) : -1;
    default:
      if (c === MINUS || (c >= ZERO && c <= NINE)) return readNumber(text, p);
      return -1;
  }
}

/** Reads an array of strings, numbers and literals whose first element (or `]`) is at `p`. */
function readArray(text: string, p: number): number {
  const array: unknown[] = [];
  p = skipWhitespace(text, p);
  if (text.charCodeAt(p) === RBRACKET) {
    lastValue = array;
    return p + 1;
  }
  for (;;) {
    p = readValue(text, p, text.charCodeAt(p), false);
    if (p < 0) return -1;
    array.push(lastValue);
    p = skipWhitespace(text, p);
    const next = text.charCodeAt(p);
    p = skipWhitespace(text, p + 1);
    if (next === RBRACKET) break;
    if (next !== COMMA) return -1;
  }
  lastValue = array;
  return p;
}

/**
 * Reads the JSON number at `p` into lastValue, with the value JSON.parse gives it; returns where it
 * ends, or -1 for text that is not a JSON number and for what is left to the general path: an
 * exponent, a fraction of zeros (an integral Double for Java) and 17+ digits with a fraction (which
 * may round to an integral value).
 * Up to 2^53 the digits make an exact integer m, and m / 10^k (k ≤ 16) is then the correctly
 * rounded value of the decimal, as Number() reads it; longer numbers are read by Number().
 */
function readNumber(text: string, p: number): number {
  const start = p;
  let c = text.charCodeAt(p);
  const negative = c === MINUS;
  if (negative) c = text.charCodeAt(++p);
  let mantissa: number;
  if (c === ZERO) {
    mantissa = 0;
    c = text.charCodeAt(++p);
    if (c >= ZERO && c <= NINE) return -1; // a leading zero
  } else if (c > ZERO && c <= NINE) {
    mantissa = c - ZERO;
    for (c = text.charCodeAt(++p); c >= ZERO && c <= NINE; c = text.charCodeAt(++p)) mantissa = mantissa * 10 + (c - ZERO);
  } else {
    return -1;
  }
  let digits = p - start - (negative ? 1 : 0);
  let fractionDigits = 0;
  if (c === DOT) {
    const fractionStart = ++p;
    let zerosOnly = true;
    for (c = text.charCodeAt(p); c >= ZERO && c <= NINE; c = text.charCodeAt(++p)) {
      if (c !== ZERO) zerosOnly = false;
      mantissa = mantissa * 10 + (c - ZERO);
    }
    fractionDigits = p - fractionStart;
    if (fractionDigits === 0 || zerosOnly) return -1;
    digits += fractionDigits;
    if (digits >= 17) return -1;
  }
  if (c === 0x65 || c === 0x45) return -1; // an exponent
  let value: number;
  if (digits <= 15 || mantissa < TWO_POW_53) value = fractionDigits === 0 ? mantissa : mantissa / POW10[fractionDigits]!;
  else return readLongNumber(text, start, p);
  lastValue = negative ? -value : value;
  return p;
}

/** A number of 16+ digits past 2^53: Number() reads it as JSON.parse does. */
function readLongNumber(text: string, start: number, end: number): number {
  lastValue = Number(text.slice(start, end));
  return end;
}
