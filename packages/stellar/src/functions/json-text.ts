/**
 * A strict JSON (RFC 8259) reader producing Stellar values the way Metron's Jackson-based
 * JSONUtils does: integers are `int` when they fit 32 bits, else `long` (else double), decimals
 * are `double`, objects are insertion-ordered maps, arrays are lists.
 */
import { JInt, JLong, type StellarValue } from '../values.js';

export class JsonSyntaxError extends Error {}

/** Parses the whole text as one JSON value; throws JsonSyntaxError on any syntax error or trailing data. */
export function parseJsonText(text: string): StellarValue {
  let i = 0;
  const ws = (): void => {
    while (i < text.length && ' \t\r\n'.includes(text[i] ?? '')) i++;
  };
  const err = (what: string): never => {
    throw new JsonSyntaxError(`${what} at position ${i}`);
  };
  const value = (): StellarValue => {
    ws();
    const c = text[i];
    if (c === '{') {
      i++;
      const m = new Map<StellarValue, StellarValue>();
      ws();
      if (text[i] === '}') {
        i++;
        return m;
      }
      for (;;) {
        ws();
        if (text[i] !== '"') err('expected a string key');
        const k = str();
        ws();
        if (text[i] !== ':') err("expected ':'");
        i++;
        m.set(k, value());
        ws();
        if (text[i] === ',') {
          i++;
          continue;
        }
        if (text[i] === '}') {
          i++;
          return m;
        }
        err("expected ',' or '}'");
      }
    }
    if (c === '[') {
      i++;
      const a: StellarValue[] = [];
      ws();
      if (text[i] === ']') {
        i++;
        return a;
      }
      for (;;) {
        a.push(value());
        ws();
        if (text[i] === ',') {
          i++;
          continue;
        }
        if (text[i] === ']') {
          i++;
          return a;
        }
        err("expected ',' or ']'");
      }
    }
    if (c === '"') return str();
    if (text.startsWith('true', i)) {
      i += 4;
      return true;
    }
    if (text.startsWith('false', i)) {
      i += 5;
      return false;
    }
    if (text.startsWith('null', i)) {
      i += 4;
      return null;
    }
    const num = /^-?(0|[1-9]\d*)(\.\d+)?([eE][+-]?\d+)?/.exec(text.slice(i));
    if (num === null) return err('unexpected character');
    i += num[0].length;
    if (num[2] === undefined && num[3] === undefined) {
      const b = BigInt(num[0]);
      if (b >= -2147483648n && b <= 2147483647n) return new JInt(Number(b));
      if (b >= -(2n ** 63n) && b < 2n ** 63n) return new JLong(b);
    }
    return Number(num[0]);
  };
  const str = (): string => {
    i++;
    let s = '';
    for (;;) {
      const c = text[i];
      if (c === undefined) return err('unterminated string');
      if (c === '"') {
        i++;
        return s;
      }
      if (c === '\\') {
        const e = text[i + 1];
        const simple: Record<string, string> = { '"': '"', '\\': '\\', '/': '/', b: '\b', f: '\f', n: '\n', r: '\r', t: '\t' };
        if (e !== undefined && simple[e] !== undefined) {
          s += simple[e];
          i += 2;
        } else if (e === 'u' && /^[0-9a-fA-F]{4}$/.test(text.slice(i + 2, i + 6))) {
          s += String.fromCharCode(parseInt(text.slice(i + 2, i + 6), 16));
          i += 6;
        } else {
          err('bad escape');
        }
        continue;
      }
      if (c < ' ') err('control character in string');
      s += c;
      i++;
    }
  };
  const v = value();
  ws();
  if (i !== text.length) err('trailing data');
  return v;
}
