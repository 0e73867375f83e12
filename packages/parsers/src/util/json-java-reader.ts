/**
 * A strict JSON reader (RFC 8259) that keeps the one distinction JSON.parse loses and Java keeps:
 * a number written with a fraction or exponent is a Double even when its value is integral, so
 * `3600.0` comes back as `JavaDouble(3600)` (json-simple and Jackson print it as `3600.0`).
 * Everything else matches JSON.parse: later duplicate keys win, `__proto__` is an ordinary key.
 * Only used on records that hold such a number (see `holdsIntegralDouble`); JSON.parse is several
 * times faster.
 */
import { JavaDouble } from './java-compat.js';
import { setField } from './fields.js';

const MAX_DEPTH = 512;
const HEX4 = /^[0-9a-fA-F]{4}$/;

/**
 * Whether the reader would mark any number of `json` as a JavaDouble (an integral value written with
 * a fraction or exponent, `3600.0`, `1e3`), decided exactly by one pass over the text. `json` must be
 * text that JSON.parse has accepted: callers parse with JSON.parse first (the fast path) and re-read
 * with parseJsonKeepingDoubles only when this is true. The pass jumps over strings with indexOf and
 * looks only at the number tokens between them, so unlike mayHoldIntegralDouble it is never fooled
 * by text inside strings (IPv6 addresses such as `2001:db8:8e28::1`, `Mozilla/5.0`).
 */
export function holdsIntegralDouble(json: string): boolean {
  return scanJsonNumbers(json, -1, NO_SPANS) < 0;
}

const NO_SPANS: number[] = [];

/**
 * holdsIntegralDouble's pass, which also notes the numbers of one object's members: -1 when the
 * text holds an integral double; else the number of object members at nesting depth `memberDepth`
 * (1: members of the top-level object; -1: none noted). For the m-th such member in text order,
 * `numberSpans[2m]` and `[2m + 1]` are where its value's text starts and ends when the value is a
 * number, else -1 and -1, so that a caller can print the number as it is written.
 */
export function scanJsonNumbers(json: string, memberDepth: number, numberSpans: number[]): number {
  const n = json.length;
  let depth = 0;
  let members = 0;
  // After a member's `:` at memberDepth, until its value starts.
  let valueNext = false;
  let i = 0;
  while (i < n) {
    const c = json.charCodeAt(i);
    switch (c) {
      case 0x22: {
        // to the closing quote: the next one not escaped (an odd run of backslashes before it)
        let close = json.indexOf('"', i + 1);
        while (close > 0 && json.charCodeAt(close - 1) === 0x5c && oddBackslashRun(json, close - 1)) close = json.indexOf('"', close + 1);
        if (close < 0) return members; // not JSON: nothing more to read
        i = close + 1;
        valueNext = false;
        break;
      }
      case 0x3a: // :
        if (depth === memberDepth) {
          numberSpans[2 * members] = -1;
          numberSpans[2 * members + 1] = -1;
          members++;
          valueNext = true;
        }
        i++;
        break;
      case 0x7b: // {
      case 0x5b: // [
        depth++;
        i++;
        valueNext = false;
        break;
      case 0x7d: // }
      case 0x5d: // ]
        depth--;
        i++;
        break;
      case 0x74: // true
      case 0x6e: // null
        i += 4;
        valueNext = false;
        break;
      case 0x66: // false
        i += 5;
        valueNext = false;
        break;
      default:
        if (c === 0x2d /* - */ || isDigit(c)) {
          const end = integralDoubleEnd(json, i);
          if (end < 0) return -1;
          if (valueNext) {
            numberSpans[2 * members - 2] = i;
            numberSpans[2 * members - 1] = end;
            valueNext = false;
          }
          i = end;
        } else {
          i++;
        }
    }
  }
  return members;
}

/** Whether the backslashes ending at `last` (inclusive) are an odd run. */
function oddBackslashRun(text: string, last: number): boolean {
  let k = last;
  while (k > 0 && text.charCodeAt(k - 1) === 0x5c) k--;
  return (last - k) % 2 === 0;
}

/**
 * Reads the number token at `start`: its end, or -1 when it is written as a double (fraction or
 * exponent) and its value is integral, which is what the reader marks. Only a fraction of all
 * zeros, 17+ digits or an exponent can give an integral value (see mayHoldIntegralDouble), so
 * `Number()` runs only for those.
 */
function integralDoubleEnd(text: string, start: number): number {
  let p = start;
  if (text.charCodeAt(p) === 0x2d) p++;
  const intStart = p;
  let c = text.charCodeAt(p);
  while (isDigit(c)) c = text.charCodeAt(++p);
  if (c !== 0x2e && c !== 0x65 && c !== 0x45) return p; // an integer: a Long in Java
  let digits = p - intStart;
  let mayBeIntegral = false;
  if (c === 0x2e /* . */) {
    const fracStart = ++p;
    let zerosOnly = true;
    for (c = text.charCodeAt(p); isDigit(c); c = text.charCodeAt(++p)) if (c !== 0x30) zerosOnly = false;
    digits += p - fracStart;
    mayBeIntegral = zerosOnly || digits >= 17;
  }
  if (c === 0x65 || c === 0x45) {
    mayBeIntegral = true;
    c = text.charCodeAt(++p);
    if (c === 0x2b || c === 0x2d) c = text.charCodeAt(++p);
    while (isDigit(c)) c = text.charCodeAt(++p);
  }
  return mayBeIntegral && Number.isInteger(Number(text.slice(start, p))) ? -1 : p;
}

/**
 * Cheap pre-check on any text, JSON or not (holdsIntegralDouble needs text JSON.parse accepted):
 * false means no number in `text` can be an integral Double, so JSON.parse loses nothing. The Bro
 * parser uses it to give the reader's reason for a record JSON.parse refuses, as it always has.
 * True for a decimal whose fraction is all zeros and which ends inside a container
 * (`3600.0,`; not `"10.0.0.1"`), for a decimal of 17+ digits (one of at most 16 significant digits
 * with a non-zero fraction never rounds to an integer: below 10^15 half an ulp is under its
 * smallest fraction), and for any exponent (`1e3`). Integers without `.` or exponent are Longs in
 * Java. A hit must also start where a JSON value can (valueMayStart), so `Mozilla/5.0 (` inside a
 * string is none; hits left inside strings are harmless false positives. Microsecond epoch seconds
 * (1440447880.931272) are not hits. Jumps between `.`/`e`/`E` with indexOf: a regex over the
 * whole line cost more than JSON.parse.
 */
export function mayHoldIntegralDouble(text: string): boolean {
  for (let i = text.indexOf('.'); i > 0; i = text.indexOf('.', i + 1)) {
    if (!isDigit(text.charCodeAt(i - 1))) continue;
    let j = i + 1;
    let zerosOnly = true;
    for (let c = text.charCodeAt(j); isDigit(c); c = text.charCodeAt(++j)) if (c !== 0x30) zerosOnly = false;
    if (j === i + 1) continue;
    let k = i - 1;
    while (k > 0 && isDigit(text.charCodeAt(k - 1))) k--;
    if (!valueMayStart(text, k - 1)) continue;
    if (zerosOnly && isNumberEnd(text.charCodeAt(j))) return true;
    if (i - k + (j - i - 1) >= 17) return true;
  }
  return hasExponent(text, 'e') || hasExponent(text, 'E');
}

function hasExponent(text: string, letter: string): boolean {
  for (let i = text.indexOf(letter); i > 0; i = text.indexOf(letter, i + 1)) {
    if (!isDigit(text.charCodeAt(i - 1))) continue;
    let next = text.charCodeAt(i + 1);
    if (next === 0x2b || next === 0x2d) next = text.charCodeAt(i + 2);
    if (!isDigit(next)) continue;
    let k = i - 1;
    for (let c = text.charCodeAt(k); isDigit(c) || c === 0x2e; c = text.charCodeAt(--k));
    if (valueMayStart(text, k)) return true;
  }
  return false;
}

/**
 * Whether a JSON number may start right after `before` (the index of the character before its
 * first digit): that character, skipping a minus, is none (start of text) or one a value can follow.
 * Cuts the false hits inside strings such as `Mozilla/5.0 (` or Zeek uids (`C3e5...`), which sent
 * whole records down the slow reader.
 */
function valueMayStart(text: string, before: number): boolean {
  let k = before;
  if (k >= 0 && text.charCodeAt(k) === 0x2d /* - */) k--;
  if (k < 0) return true;
  const c = text.charCodeAt(k);
  return c === 0x3a /* : */ || c === 0x2c /* , */ || c === 0x5b /* [ */ || c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09;
}

/** What may follow a number inside an object or array. */
function isNumberEnd(c: number): boolean {
  return c === 0x2c || c === 0x7d || c === 0x5d || c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09;
}

/** Parses `text` as one JSON value; throws SyntaxError with the character position on bad input. */
export function parseJsonKeepingDoubles(text: string): unknown {
  const reader = new Reader(text);
  reader.skipWs();
  const value = reader.value(0);
  reader.skipWs();
  if (reader.pos !== text.length) reader.fail('unexpected content after the JSON value');
  return value;
}

class Reader {
  pos = 0;
  constructor(private readonly text: string) {}

  fail(what: string): never {
    throw new SyntaxError(`${what} at position ${this.pos}`);
  }

  skipWs(): void {
    const t = this.text;
    let p = this.pos;
    for (;;) {
      const c = t.charCodeAt(p);
      if (c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09) p++;
      else break;
    }
    this.pos = p;
  }

  value(depth: number): unknown {
    const c = this.text.charCodeAt(this.pos);
    switch (c) {
      case 0x7b: return this.object(depth + 1); // {
      case 0x5b: return this.array(depth + 1); // [
      case 0x22: return this.string(); // "
      case 0x74: return this.literal('true', true);
      case 0x66: return this.literal('false', false);
      case 0x6e: return this.literal('null', null);
      default:
        if (c === 0x2d || (c >= 0x30 && c <= 0x39)) return this.number();
        return this.fail(Number.isNaN(c) ? 'unexpected end of input' : `unexpected character ${JSON.stringify(this.text[this.pos])}`);
    }
  }

  literal(word: string, value: unknown): unknown {
    if (!this.text.startsWith(word, this.pos)) this.fail(`expected ${word}`);
    this.pos += word.length;
    return value;
  }

  number(): number | JavaDouble {
    const t = this.text;
    const start = this.pos;
    let p = start;
    let isDouble = false;
    if (t.charCodeAt(p) === 0x2d) p++;
    const intStart = p;
    while (isDigit(t.charCodeAt(p))) p++;
    if (p === intStart || (t.charCodeAt(intStart) === 0x30 && p - intStart > 1)) {
      this.pos = intStart;
      this.fail('malformed number');
    }
    if (t.charCodeAt(p) === 0x2e) {
      isDouble = true;
      const fracStart = ++p;
      while (isDigit(t.charCodeAt(p))) p++;
      if (p === fracStart) {
        this.pos = p;
        this.fail('malformed number');
      }
    }
    const e = t.charCodeAt(p);
    if (e === 0x65 || e === 0x45) {
      isDouble = true;
      p++;
      const s = t.charCodeAt(p);
      if (s === 0x2b || s === 0x2d) p++;
      const expStart = p;
      while (isDigit(t.charCodeAt(p))) p++;
      if (p === expStart) {
        this.pos = p;
        this.fail('malformed number');
      }
    }
    this.pos = p;
    const value = Number(t.slice(start, p));
    return isDouble && Number.isInteger(value) ? new JavaDouble(value) : value;
  }

  string(): string {
    const t = this.text;
    let p = this.pos + 1;
    let out = '';
    let chunk = p;
    for (;;) {
      const c = t.charCodeAt(p);
      if (c === 0x22) break;
      if (Number.isNaN(c)) {
        this.pos = p;
        this.fail('unterminated string');
      }
      if (c < 0x20) {
        this.pos = p;
        this.fail('control character in string');
      }
      if (c !== 0x5c) {
        p++;
        continue;
      }
      out += t.slice(chunk, p);
      const esc = t.charCodeAt(p + 1);
      switch (esc) {
        case 0x22: out += '"'; break;
        case 0x5c: out += '\\'; break;
        case 0x2f: out += '/'; break;
        case 0x62: out += '\b'; break;
        case 0x66: out += '\f'; break;
        case 0x6e: out += '\n'; break;
        case 0x72: out += '\r'; break;
        case 0x74: out += '\t'; break;
        case 0x75: {
          const hex = t.slice(p + 2, p + 6);
          if (!HEX4.test(hex)) {
            this.pos = p;
            this.fail('bad \\u escape');
          }
          out += String.fromCharCode(parseInt(hex, 16));
          p += 4;
          break;
        }
        default:
          this.pos = p;
          this.fail('bad escape');
      }
      p += 2;
      chunk = p;
    }
    this.pos = p + 1;
    return out + t.slice(chunk, p);
  }

  object(depth: number): Record<string, unknown> {
    if (depth > MAX_DEPTH) this.fail(`nesting deeper than ${MAX_DEPTH}`);
    const obj: Record<string, unknown> = {};
    this.pos++;
    this.skipWs();
    if (this.text.charCodeAt(this.pos) === 0x7d) {
      this.pos++;
      return obj;
    }
    for (;;) {
      if (this.text.charCodeAt(this.pos) !== 0x22) this.fail('expected a string key');
      const key = this.string();
      this.skipWs();
      if (this.text.charCodeAt(this.pos) !== 0x3a) this.fail("expected ':'");
      this.pos++;
      this.skipWs();
      setField(obj, key, this.value(depth));
      this.skipWs();
      const c = this.text.charCodeAt(this.pos);
      this.pos++;
      if (c === 0x7d) return obj;
      if (c !== 0x2c) {
        this.pos--;
        this.fail("expected ',' or '}'");
      }
      this.skipWs();
    }
  }

  array(depth: number): unknown[] {
    if (depth > MAX_DEPTH) this.fail(`nesting deeper than ${MAX_DEPTH}`);
    const arr: unknown[] = [];
    this.pos++;
    this.skipWs();
    if (this.text.charCodeAt(this.pos) === 0x5d) {
      this.pos++;
      return arr;
    }
    for (;;) {
      arr.push(this.value(depth));
      this.skipWs();
      const c = this.text.charCodeAt(this.pos);
      this.pos++;
      if (c === 0x5d) return arr;
      if (c !== 0x2c) {
        this.pos--;
        this.fail("expected ',' or ']'");
      }
      this.skipWs();
    }
  }
}

function isDigit(c: number): boolean {
  return c >= 0x30 && c <= 0x39;
}
