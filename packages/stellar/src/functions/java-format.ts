/**
 * Java's `String.format` (java.util.Formatter) for Stellar's FORMAT: the general, character,
 * integral and floating-point conversions with flags, width, precision and explicit argument
 * indexes. Date/time (%t) and hash (%h) conversions are not supported and raise an error.
 * Floating-point rounding is HALF_UP on the shortest decimal form of the double, as Java does.
 */
import { JFloat, JInt, JLong, type StellarValue } from '../values.js';
import { fail, javaToString, javaTypeName } from './java-interop.js';

const SPEC = /%(\d+\$|<)?([-#+ 0,(]*)(\d+)?(\.\d+)?([a-zA-Z%])/g;

/** Formats like Java's `String.format(format, args...)`; throws on a missing or mismatched argument. */
export function javaFormat(format: string, args: readonly StellarValue[]): string {
  let out = '';
  let last = 0;
  let ordinary = 0;
  let previous = -1;
  SPEC.lastIndex = 0;
  for (let m = SPEC.exec(format); m !== null; m = SPEC.exec(format)) {
    out += format.slice(last, m.index);
    last = SPEC.lastIndex;
    const [, index, flags = '', widthStr, precStr, conv = ''] = m;
    const width = widthStr === undefined ? -1 : Number(widthStr);
    const precision = precStr === undefined ? -1 : Number(precStr.slice(1));
    if (conv === '%') {
      out += pad('%', width, flags.includes('-'), false);
      continue;
    }
    if (conv === 'n') {
      out += '\n';
      continue;
    }
    let argIndex: number;
    if (index === '<') argIndex = previous;
    else if (index !== undefined) argIndex = Number(index.slice(0, -1)) - 1;
    else argIndex = ordinary++;
    previous = argIndex;
    if (argIndex < 0 || argIndex >= args.length) fail(`FORMAT: missing format argument for '${m[0]}'`);
    const value = args[argIndex] ?? null;
    out += convert(conv, value, flags, width, precision, m[0]);
  }
  const rest = format.slice(last);
  if (/%/.test(rest)) fail(`FORMAT: unknown format conversion in '${rest}'`);
  return out + rest;
}

function pad(s: string, width: number, left: boolean, zero: boolean): string {
  if (width <= s.length) return s;
  if (left) return s + ' '.repeat(width - s.length);
  if (zero) {
    const sign = /^[+\- (]/.test(s) ? s[0] ?? '' : '';
    return sign + '0'.repeat(width - s.length) + s.slice(sign.length);
  }
  return ' '.repeat(width - s.length) + s;
}

function group(digits: string): string {
  return digits.replace(/\B(?=(\d{3})+(?!\d))/g, ',');
}

function signed(body: string, negative: boolean, flags: string): string {
  if (negative) return flags.includes('(') ? '(' + body + ')' : '-' + body;
  if (flags.includes('+')) return '+' + body;
  if (flags.includes(' ')) return ' ' + body;
  return body;
}

function convert(conv: string, v: StellarValue, flags: string, width: number, precision: number, spec: string): string {
  const left = flags.includes('-');
  const zero = flags.includes('0');
  const upper = conv === conv.toUpperCase();
  switch (conv.toLowerCase()) {
    case 's': {
      let s = javaToString(v);
      if (precision >= 0) s = s.slice(0, precision);
      return pad(upper ? s.toUpperCase() : s, width, left, false);
    }
    case 'b': {
      const s = v === null ? 'false' : typeof v === 'boolean' ? String(v) : 'true';
      return pad(upper ? s.toUpperCase() : s, width, left, false);
    }
    case 'c': {
      if (v === null) return pad('null', width, left, false);
      let s: string;
      if (v instanceof JInt) s = String.fromCodePoint(v.value);
      else if (typeof v === 'string' && v.length === 1) s = v;
      else return fail(`FORMAT: ${spec} cannot format ${javaTypeName(v)}`);
      return pad(upper ? s.toUpperCase() : s, width, left, false);
    }
    case 'd':
    case 'o':
    case 'x': {
      if (v === null) return pad('null', width, left, false);
      if (!(v instanceof JInt || v instanceof JLong)) return fail(`FORMAT: ${spec} cannot format ${javaTypeName(v)}`);
      const big = v instanceof JInt ? BigInt(v.value) : v.value;
      const kind = conv.toLowerCase();
      if (kind === 'd') {
        const negative = big < 0n;
        let digits = (negative ? -big : big).toString();
        if (flags.includes(',')) digits = group(digits);
        return pad(signed(digits, negative, flags), width, left, zero);
      }
      const bits = v instanceof JInt ? 32 : 64;
      const unsigned = BigInt.asUintN(bits, big);
      let s = unsigned.toString(kind === 'o' ? 8 : 16);
      if (flags.includes('#')) s = (kind === 'o' ? '0' : '0x') + s;
      if (upper) s = s.toUpperCase();
      return pad(s, width, left, zero);
    }
    case 'f':
    case 'e':
    case 'g': {
      if (v === null) return pad('null', width, left, false);
      if (!(typeof v === 'number' || v instanceof JFloat)) return fail(`FORMAT: ${spec} cannot format ${javaTypeName(v)}`);
      const d = typeof v === 'number' ? v : Number(javaToString(v));
      if (!Number.isFinite(d)) {
        const s = Number.isNaN(d) ? 'NaN' : signed('Infinity', d < 0, flags);
        return pad(upper ? s.toUpperCase() : s, width, left, false);
      }
      const negative = d < 0 || Object.is(d, -0);
      const p = precision < 0 ? 6 : precision;
      let body: string;
      const kind = conv.toLowerCase();
      if (kind === 'f') {
        body = fixedHalfUp(Math.abs(d), p);
        if (flags.includes(',')) {
          const [i = '', f] = body.split('.');
          body = group(i) + (f === undefined ? '' : '.' + f);
        }
      } else if (kind === 'e') {
        body = scientificHalfUp(Math.abs(d), p);
      } else {
        const abs = Math.abs(d);
        const pg = p === 0 ? 1 : p;
        if (abs !== 0 && (abs < 1e-4 || abs >= 10 ** pg)) body = scientificHalfUp(abs, pg - 1);
        else body = fixedHalfUp(abs, Math.max(0, pg - 1 - (abs === 0 ? 0 : Math.floor(Math.log10(abs)))));
      }
      if (upper) body = body.toUpperCase();
      return pad(signed(body, negative, flags), width, left, zero);
    }
    default:
      return fail(`FORMAT: unsupported format conversion '${spec}'`);
  }
}

/** The shortest decimal digits of a non-negative finite double and its decimal exponent. */
function shortestDigits(abs: number): { digits: string; exp: number } {
  if (abs === 0) return { digits: '0', exp: 0 };
  const [mant = '0', e = '0'] = abs.toExponential().split('e');
  return { digits: mant.replace('.', ''), exp: Number(e) };
}

/** Rounds a digit string (value = 0.d1d2... * 10^(pointPos)) half-up to `keep` digits. */
function roundDigits(digits: string, keep: number): { digits: string; carry: boolean } {
  if (keep < 0) return { digits: '', carry: false };
  if (digits.length <= keep) return { digits: digits.padEnd(keep, '0'), carry: false };
  const head = digits.slice(0, keep).split('').map(Number);
  const roundUp = Number(digits[keep]) >= 5;
  if (!roundUp) return { digits: head.join(''), carry: false };
  let i = head.length - 1;
  while (i >= 0) {
    const d = (head[i] ?? 0) + 1;
    if (d < 10) {
      head[i] = d;
      break;
    }
    head[i] = 0;
    i--;
  }
  return { digits: head.join(''), carry: i < 0 };
}

function fixedHalfUp(abs: number, precision: number): string {
  const { digits, exp } = shortestDigits(abs);
  // Integer part has exp+1 digits (may be <= 0 for values below 1).
  const intLen = exp + 1;
  let all: string;
  let intDigits: number;
  if (intLen <= 0) {
    all = '0'.repeat(-intLen) + digits;
    intDigits = 0;
  } else {
    all = digits.padEnd(intLen, '0');
    intDigits = intLen;
  }
  const r = roundDigits(all, intDigits + precision);
  let rounded = r.digits;
  if (r.carry) {
    rounded = '1' + rounded;
    intDigits += 1;
  }
  const intPart = intDigits === 0 ? '0' : rounded.slice(0, intDigits).replace(/^0+(?=\d)/, '');
  const frac = rounded.slice(intDigits);
  return precision > 0 ? intPart + '.' + frac : intPart;
}

function scientificHalfUp(abs: number, precision: number): string {
  const { digits, exp } = shortestDigits(abs);
  const r = roundDigits(digits, precision + 1);
  let mantissa = r.digits;
  let e = exp;
  if (r.carry) {
    mantissa = '1' + mantissa.slice(0, -1);
    e += 1;
  }
  if (abs === 0) e = 0;
  const m = precision > 0 ? mantissa[0] + '.' + mantissa.slice(1) : (mantissa[0] ?? '0');
  const es = Math.abs(e) < 10 ? '0' + Math.abs(e) : String(Math.abs(e));
  return m + 'e' + (e < 0 ? '-' : '+') + es;
}
