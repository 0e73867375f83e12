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

/**
 * Reads records in two steps, so that the caller can look up what it knows of the log type before
 * the members are read: readHead (`{"<type>":{`), then readMembers. What it found is in its fields,
 * valid until the next record.
 */
export class FlatRecordReader {
  /** Where the log type (the one top-level key) is written: text[typeStart, typeEnd). */
  typeStart = 0;
  typeEnd = 0;
  /** Members of the payload, in text order (a duplicate key is listed each time it is written). */
  count = 0;
  /** Where the m-th member's key is written, between its quotes: text[keyStart[m], keyEnd[m]). */
  readonly keyStart = new Int32Array(MAX_MEMBERS);
  readonly keyEnd = new Int32Array(MAX_MEMBERS);
  /** The m-th member's value, as JSON.parse gives it. */
  readonly values: unknown[] = [];
  /**
   * Where the m-th member's value is written when it is a number, `[2m]` to `[2m + 1]`, else -1 and
   * -1 (the layout of scanJsonNumbers' spans).
   */
  readonly numberSpans = new Int32Array(2 * MAX_MEMBERS);
  /** Whether the keys read were exactly the guide's, in its order (see readMembers). */
  followedGuide = false;
  /** The value read by the last readValue / readNumber. */
  private value: unknown = undefined;

  /** Reads all of `text` (readHead, then readMembers without a guide): false when it declines. */
  read(text: string): boolean {
    const p = this.readHead(text);
    return p >= 0 && this.readMembers(text, p, undefined);
  }

  /**
   * Reads the head of `text`, `{"<type>":{`: where the payload's members start, or -1 when the record
   * must be read the general way (which then also gives the reason of a record that is not JSON).
   * The log type is one or more of `[._a-zA-Z0-9]`, which JSONCleaner keeps; `type` is the flat form.
   */
  readHead(text: string): number {
    let p = 0;
    let c = text.charCodeAt(p);
    if (c !== LBRACE) {
      p = skipWhitespace(text, p);
      if (text.charCodeAt(p) !== LBRACE) return -1;
    }
    c = text.charCodeAt(++p);
    if (c !== QUOTE) {
      p = skipWhitespace(text, p);
      if (text.charCodeAt(p) !== QUOTE) return -1;
    }
    const typeStart = ++p;
    for (c = text.charCodeAt(p); c !== QUOTE; c = text.charCodeAt(++p)) if (!isCleanKeyChar(c)) return -1;
    if (p === typeStart || (p - typeStart === 4 && text.startsWith('type', typeStart))) return -1;
    this.typeStart = typeStart;
    this.typeEnd = p;
    p = skipWhitespace(text, p + 1);
    if (text.charCodeAt(p) !== COLON) return -1;
    p = skipWhitespace(text, p + 1);
    if (text.charCodeAt(p) !== LBRACE) return -1;
    return p + 1;
  }

  /**
   * Reads the payload's members from `p` (readHead's answer) to the end of the text: false when the
   * record must be read the general way. `guide`: the keys the caller expects, in order, each made
   * of characters a JSON string holds without escape (no `"`, `\`, control character); a key that
   * is the guide's is compared in place instead of scanned, and followedGuide tells whether all were.
   */
  readMembers(text: string, p: number, guide: readonly string[] | undefined): boolean {
    const { keyStart, keyEnd, values, numberSpans } = this;
    const guideLength = guide === undefined ? 0 : guide.length;
    let guided = guide !== undefined;
    let count = 0;
    let c = text.charCodeAt(p);
    if (isWhitespace(c)) c = text.charCodeAt((p = skipWhitespace(text, p)));
    if (c === RBRACE) {
      p = skipWhitespace(text, p + 1);
    } else {
      for (;;) {
        if (c !== QUOTE || count === MAX_MEMBERS) return false;
        const start = ++p;
        if (guided && count < guideLength && isKeyAt(text, start, guide![count]!)) {
          p = start + guide![count]!.length;
        } else {
          guided = false;
          p = stringEnd(text, start);
          if (p < 0) return false;
        }
        keyStart[count] = start;
        keyEnd[count] = p;
        c = text.charCodeAt(++p);
        if (c !== COLON) {
          p = skipWhitespace(text, p);
          if (text.charCodeAt(p) !== COLON) return false;
        }
        c = text.charCodeAt(++p);
        if (isWhitespace(c)) c = text.charCodeAt((p = skipWhitespace(text, p)));
        const valueStart = p;
        if (c === MINUS || (c >= ZERO && c <= NINE)) {
          p = this.readNumber(text, p);
          if (p < 0) return false;
          numberSpans[2 * count] = valueStart;
          numberSpans[2 * count + 1] = p;
        } else {
          p = this.readValue(text, p, c, true);
          if (p < 0) return false;
          numberSpans[2 * count] = -1;
          numberSpans[2 * count + 1] = -1;
        }
        values[count++] = this.value;
        c = text.charCodeAt(p);
        if (isWhitespace(c)) c = text.charCodeAt((p = skipWhitespace(text, p)));
        if (c === RBRACE) {
          p = skipWhitespace(text, p + 1);
          break;
        }
        if (c !== COMMA) return false;
        c = text.charCodeAt(++p);
        if (isWhitespace(c)) c = text.charCodeAt((p = skipWhitespace(text, p)));
      }
    }
    // the wrapper's end, and nothing after it but whitespace
    if (text.charCodeAt(p) !== RBRACE || (p + 1 !== text.length && skipWhitespace(text, p + 1) !== text.length)) return false;
    this.count = count;
    this.followedGuide = guided && count === guideLength;
    return true;
  }

  /**
   * Reads the value starting at `p` (its first character `c`) into `value`: a string, a literal, or
   * (when `arrays`) an array of those and numbers. Returns where it ends, or -1 to decline.
   */
  private readValue(text: string, p: number, c: number, arrays: boolean): number {
    switch (c) {
      case QUOTE: {
        const end = stringEnd(text, p + 1);
        if (end < 0) return -1;
        this.value = text.slice(p + 1, end);
        return end + 1;
      }
      case 0x74: // true
        if (text.charCodeAt(p + 1) !== 0x72 || text.charCodeAt(p + 2) !== 0x75 || text.charCodeAt(p + 3) !== 0x65) return -1;
        this.value = true;
        return p + 4;
      case 0x66: // false
        if (text.charCodeAt(p + 1) !== 0x61 || text.charCodeAt(p + 2) !== 0x6c || text.charCodeAt(p + 3) !== 0x73 || text.charCodeAt(p + 4) !== 0x65) return -1;
        this.value = false;
        return p + 5;
      case 0x6e: // null
        if (text.charCodeAt(p + 1) !== 0x75 || text.charCodeAt(p + 2) !== 0x6c || text.charCodeAt(p + 3) !== 0x6c) return -1;
        this.value = null;
        return p + 4;
      case LBRACKET:
        return arrays ? this.readArray(text, p + 1) : -1;
      default:
        if (c === MINUS || (c >= ZERO && c <= NINE)) return this.readNumber(text, p);
        return -1;
    }
  }

  /** Reads an array of strings, numbers and literals whose first element (or `]`) is at `p`. */
  private readArray(text: string, p: number): number {
    const array: unknown[] = [];
    p = skipWhitespace(text, p);
    if (text.charCodeAt(p) === RBRACKET) {
      this.value = array;
      return p + 1;
    }
    for (;;) {
      p = this.readValue(text, p, text.charCodeAt(p), false);
      if (p < 0) return -1;
      array.push(this.value);
      p = skipWhitespace(text, p);
      const next = text.charCodeAt(p);
      p = skipWhitespace(text, p + 1);
      if (next === RBRACKET) break;
      if (next !== COMMA) return -1;
    }
    this.value = array;
    return p;
  }

  /**
   * Reads the JSON number at `p` into `value`, with the value JSON.parse gives it; returns where it
   * ends, or -1 for text that is not a JSON number and for what is left to the general path: an
   * exponent, a fraction of zeros (an integral Double for Java) and 17+ digits with a fraction
   * (which may round to an integral value).
   * Up to 2^53 the digits make an exact integer m, and m / 10^k (k ≤ 16) is then the correctly
   * rounded value of the decimal, as Number() reads it; longer numbers are read by Number().
   */
  private readNumber(text: string, p: number): number {
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
    if (digits > 15 && mantissa >= TWO_POW_53) {
      // past 2^53: Number() reads it as JSON.parse does
      this.value = Number(text.slice(start, p));
      return p;
    }
    const value = fractionDigits === 0 ? mantissa : mantissa / POW10[fractionDigits]!;
    this.value = negative ? -value : value;
    return p;
  }
}

/** Whether the key `key` (made of characters a JSON string holds as they are) is written at `start`, up to its closing quote. */
function isKeyAt(text: string, start: number, key: string): boolean {
  return text.charCodeAt(start + key.length) === QUOTE && text.startsWith(key, start);
}

function isWhitespace(c: number): boolean {
  return c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09;
}

/** The first position from `p` on that is not JSON whitespace. */
function skipWhitespace(text: string, p: number): number {
  while (isWhitespace(text.charCodeAt(p))) p++;
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
