/**
 * A strict JSON reader (RFC 8259) that keeps the one distinction JSON.parse loses and Java keeps:
 * a number written with a fraction or exponent is a Double even when its value is integral, so
 * `3600.0` comes back as `JavaDouble(3600)` (json-simple and Jackson print it as `3600.0`).
 * Everything else matches JSON.parse: later duplicate keys win, `__proto__` is an ordinary key.
 * Only used on records that may contain such a number (see `mayHoldIntegralDouble`); JSON.parse is
 * several times faster.
 */
import { JavaDouble } from './java-compat.js';
import { setField } from './fields.js';

const MAX_DEPTH = 512;
const HEX4 = /^[0-9a-fA-F]{4}$/;

/**
 * Cheap pre-check: false means no number in `text` can be an integral Double, so JSON.parse loses
 * nothing. True for a decimal whose fraction is all zeros and which ends inside a container
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
