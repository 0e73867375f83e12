/**
 * BYTEARRAY_MATCHER (Metron's ByteArrayMatcherFunction): searches a byte array for a pattern in
 * byteseek's sequence syntax (https://github.com/nishihatapalmer/byteseek/blob/master/sequencesyntax.md).
 * The pattern is translated once into a JavaScript regular expression over a "binary string"
 * (one character per byte). Supported: hex bytes (`01 ff`), 'quoted strings', `case-insensitive
 * strings`, `.` (any byte), `^` (inversion), sets `[...]` with ranges (`00-1f`, `'a'-'z'`), all-bits
 * `&hh` and any-bits `~hh` masks, groups, alternatives `|`, quantifiers `* + ? {n} {n,m} {n,*}`,
 * whitespace and `#` comments.
 */
import { isNumber, toDouble } from '../values.js';
import type { StellarValue } from '../values.js';
import { StellarFunctionError } from './types.js';
import type { StellarFunction } from './types.js';

const hex2 = (b: number): string => `\\x${b.toString(16).padStart(2, '0')}`;

/** A JS character-class body listing the bytes for which `keep` is true. */
function byteClass(keep: (b: number) => boolean): string {
  let out = '';
  for (let b = 0; b < 256; b++) {
    if (!keep(b)) continue;
    let e = b;
    while (e + 1 < 256 && keep(e + 1)) e++;
    out += e === b ? hex2(b) : `${hex2(b)}-${hex2(e)}`;
    b = e;
  }
  return out;
}

function classOf(bytes: Set<number>, inverted: boolean): string {
  const body = byteClass((b) => bytes.has(b) !== inverted);
  return body === '' ? '(?!)' : `[${body}]`;
}

/** UTF-8 bytes of a string (characters below 256 are taken as single bytes, as ISO-8859-1). */
function stringBytes(s: string): number[] {
  const out: number[] = [];
  for (const ch of s) {
    const c = ch.codePointAt(0)!;
    if (c < 0x100) out.push(c);
    else if (c < 0x800) out.push(0xc0 | (c >> 6), 0x80 | (c & 63));
    else if (c < 0x10000) out.push(0xe0 | (c >> 12), 0x80 | ((c >> 6) & 63), 0x80 | (c & 63));
    else out.push(0xf0 | (c >> 18), 0x80 | ((c >> 12) & 63), 0x80 | ((c >> 6) & 63), 0x80 | (c & 63));
  }
  return out;
}

class PatternCompiler {
  private pos = 0;
  constructor(private readonly src: string) {}

  private fail(message: string): never {
    throw new StellarFunctionError(`Invalid byte pattern '${this.src}' at ${this.pos}: ${message}`);
  }

  private skipSpace(): void {
    while (this.pos < this.src.length) {
      const c = this.src[this.pos]!;
      if (c === ' ' || c === '\t' || c === '\n' || c === '\r') this.pos++;
      else if (c === '#') {
        while (this.pos < this.src.length && this.src[this.pos] !== '\n') this.pos++;
      } else break;
    }
  }

  private hexByte(): number {
    const h = this.src.slice(this.pos, this.pos + 2);
    if (!/^[0-9a-fA-F]{2}$/.test(h)) this.fail('expected two hex digits');
    this.pos += 2;
    return parseInt(h, 16);
  }

  private quoted(close: string): string {
    this.pos++;
    const end = this.src.indexOf(close, this.pos);
    if (end < 0) this.fail(`unterminated string`);
    const s = this.src.slice(this.pos, end);
    this.pos = end + 1;
    return s;
  }

  private integer(): number {
    const m = /^\d+/.exec(this.src.slice(this.pos));
    if (!m) this.fail('expected a number');
    this.pos += m[0].length;
    return Number(m[0]);
  }

  /** The bytes a set (`[...]`) holds, and whether it is inverted. */
  private set(): string {
    this.pos++; // [
    let inverted = false;
    this.skipSpace();
    if (this.src[this.pos] === '^') {
      inverted = true;
      this.pos++;
    }
    const bytes = new Set<number>();
    for (;;) {
      this.skipSpace();
      const c = this.src[this.pos];
      if (c === undefined) this.fail('unterminated set');
      if (c === ']') {
        this.pos++;
        break;
      }
      if (c === "'") {
        const s = this.quoted("'");
        this.skipSpace();
        if (s.length === 1 && this.src[this.pos] === '-') {
          this.pos++;
          this.skipSpace();
          if (this.src[this.pos] !== "'") this.fail('expected a quoted character after -');
          const e = this.quoted("'");
          const lo = Math.min(s.charCodeAt(0), e.charCodeAt(0));
          const hi = Math.max(s.charCodeAt(0), e.charCodeAt(0));
          for (let b = lo; b <= hi && b < 256; b++) bytes.add(b);
        } else {
          for (const b of stringBytes(s)) bytes.add(b);
        }
      } else if (c === '`') {
        for (const b of stringBytes(this.quoted('`'))) {
          bytes.add(b);
          const ch = String.fromCharCode(b);
          bytes.add(ch.toLowerCase().charCodeAt(0) & 0xff);
          bytes.add(ch.toUpperCase().charCodeAt(0) & 0xff);
        }
      } else if (c === '&' || c === '~') {
        this.pos++;
        const mask = this.hexByte();
        for (let b = 0; b < 256; b++) if (c === '&' ? (b & mask) === mask : (b & mask) !== 0) bytes.add(b);
      } else if (c === '.') {
        this.pos++;
        for (let b = 0; b < 256; b++) bytes.add(b);
      } else {
        const lo = this.hexByte();
        this.skipSpace();
        if (this.src[this.pos] === '-') {
          this.pos++;
          this.skipSpace();
          const hi = this.hexByte();
          for (let b = Math.min(lo, hi); b <= Math.max(lo, hi); b++) bytes.add(b);
        } else {
          bytes.add(lo);
        }
      }
    }
    return classOf(bytes, inverted);
  }

  /** One atom, without its quantifier. */
  private atom(): string {
    const c = this.src[this.pos]!;
    if (c === '^') {
      this.pos++;
      this.skipSpace();
      const next = this.src[this.pos];
      if (next === '[') {
        const cls = this.set();
        return cls === '(?!)' ? '[\\x00-\\xff]' : cls.startsWith('[') ? `[^${cls.slice(1)}`.replace('[^^', '[') : cls;
      }
      if (next === "'" && this.src[this.pos + 2] === "'") {
        const b = this.quoted("'").charCodeAt(0);
        return classOf(new Set([b]), true);
      }
      return classOf(new Set([this.hexByte()]), true);
    }
    if (c === '.') {
      this.pos++;
      return '[\\x00-\\xff]';
    }
    if (c === '[') return this.set();
    if (c === "'") return `(?:${stringBytes(this.quoted("'")).map(hex2).join('')})`;
    if (c === '`') {
      const parts = stringBytes(this.quoted('`')).map((b) => {
        const ch = String.fromCharCode(b);
        const lo = ch.toLowerCase().charCodeAt(0);
        const up = ch.toUpperCase().charCodeAt(0);
        return lo === up || lo > 255 || up > 255 ? hex2(b) : `[${hex2(lo)}${hex2(up)}]`;
      });
      return `(?:${parts.join('')})`;
    }
    if (c === '&' || c === '~') {
      this.pos++;
      const mask = this.hexByte();
      const bytes = new Set<number>();
      for (let b = 0; b < 256; b++) if (c === '&' ? (b & mask) === mask : (b & mask) !== 0) bytes.add(b);
      return classOf(bytes, false);
    }
    if (c === '(') {
      this.pos++;
      const inner = this.alternatives();
      this.skipSpace();
      if (this.src[this.pos] !== ')') this.fail("expected ')'");
      this.pos++;
      return `(?:${inner})`;
    }
    return hex2(this.hexByte());
  }

  private quantifier(): string {
    this.skipSpace();
    const c = this.src[this.pos];
    if (c === '*' || c === '+' || c === '?') {
      this.pos++;
      return c;
    }
    if (c === '{') {
      this.pos++;
      this.skipSpace();
      const min = this.integer();
      this.skipSpace();
      let out = `{${min}}`;
      if (this.src[this.pos] === ',') {
        this.pos++;
        this.skipSpace();
        if (this.src[this.pos] === '*') {
          this.pos++;
          out = `{${min},}`;
        } else {
          out = `{${min},${this.integer()}}`;
        }
        this.skipSpace();
      }
      if (this.src[this.pos] !== '}') this.fail("expected '}'");
      this.pos++;
      return out;
    }
    return '';
  }

  private sequence(): string {
    let out = '';
    for (;;) {
      this.skipSpace();
      const c = this.src[this.pos];
      if (c === undefined || c === '|' || c === ')') return out;
      const atom = this.atom();
      out += atom + this.quantifier();
    }
  }

  alternatives(): string {
    const parts = [this.sequence()];
    while (this.src[this.pos] === '|') {
      this.pos++;
      parts.push(this.sequence());
    }
    return parts.join('|');
  }

  compile(): RegExp {
    const body = this.alternatives();
    this.skipSpace();
    if (this.pos < this.src.length) this.fail(`unexpected '${this.src[this.pos]}'`);
    if (body === '') this.fail('empty pattern');
    return new RegExp(body);
  }
}

const cache = new Map<string, RegExp>();

/** The compiled form of a byteseek pattern (cached: rules reuse a handful of patterns). */
export function compileBytePattern(pattern: string): RegExp {
  let re = cache.get(pattern);
  if (re === undefined) {
    re = new PatternCompiler(pattern).compile();
    if (cache.size >= 1000) cache.clear();
    cache.set(pattern, re);
  }
  return re;
}

/** Bytes from a Uint8Array, a list of byte values, or a string (UTF-8). */
function bytesOf(v: StellarValue): Uint8Array {
  if (v instanceof Uint8Array) return v;
  if (typeof v === 'string') return Uint8Array.from(stringBytes(v));
  if (Array.isArray(v)) {
    return Uint8Array.from(
      v.map((b) => {
        if (!isNumber(b)) throw new StellarFunctionError('BYTEARRAY_MATCHER: data must be bytes');
        return toDouble(b) & 0xff;
      }),
    );
  }
  throw new StellarFunctionError('BYTEARRAY_MATCHER: data must be a byte array');
}

function binaryString(bytes: Uint8Array): string {
  let s = '';
  for (let i = 0; i < bytes.length; i += 8192) s += String.fromCharCode(...bytes.subarray(i, i + 8192));
  return s;
}

/** Whether the pattern occurs anywhere in the bytes. */
export function matchBytes(pattern: string, data: Uint8Array): boolean {
  return compileBytePattern(pattern).test(binaryString(data));
}

export const functions: StellarFunction[] = [
  {
    name: 'BYTEARRAY_MATCHER',
    namespace: 'BYTEARRAY',
    description: 'Tells whether a byte pattern (byteseek sequence syntax: hex bytes, quoted strings, sets, wildcards) occurs in a byte array.',
    params: [
      'binary_regex - The byte pattern, in byteseek syntax (https://github.com/nishihatapalmer/byteseek/blob/master/sequencesyntax.md)',
      'data - The bytes to search (a byte array, a list of byte values, or a string taken as UTF-8)',
    ],
    returns: 'True when the pattern occurs in the data, false otherwise.',
    pure: true,
    call(args) {
      if (args.length !== 2) throw new StellarFunctionError('BYTEARRAY_MATCHER expects 2 arguments: regex and data');
      const pattern = args[0];
      const data = args[1];
      if (pattern === null || pattern === undefined) return false;
      if (typeof pattern !== 'string') throw new StellarFunctionError('BYTEARRAY_MATCHER: binary_regex must be a string');
      if (data === null || data === undefined) return false;
      return matchBytes(pattern, bytesOf(data));
    },
  },
];

