/**
 * Java semantics shared by the core function files (string, math, conversion, set, map, ...):
 * `Object.equals`-style value equality for collection membership, `toString()` rendering,
 * commons-beanutils conversions (Metron's ConversionUtils.convert) and small argument helpers.
 *
 * Sets are JS `Set`s and multisets are `Map<value, int>`; both keep one canonical element per
 * Java-equal value (JInt(1) twice is one element, JInt(1) and JLong(1) are two, as in Java).
 */
import { StellarFunctionError, type StellarFunction, type FunctionContext } from './types.js';
import {
  JFloat,
  JInt,
  JLong,
  isLambda,
  isNumber,
  toDouble,
  type JavaNumber,
  type StellarValue,
} from '../values.js';

// ---------------------------------------------------------------------------------------------
// Definitions

/** Builds one function entry; `pure` defaults to true since most library functions are. */
export function defineFunction(
  name: string,
  namespace: string,
  description: string,
  params: string[],
  returns: string,
  call: (args: StellarValue[], ctx: FunctionContext) => StellarValue,
  extra: { pure?: boolean; requires?: string } = {},
): StellarFunction {
  const fn: StellarFunction = { name, namespace, description, params, returns, call, pure: extra.pure ?? true };
  if (extra.requires !== undefined) fn.requires = extra.requires;
  return fn;
}

/** Throws the user-facing error every failing Metron function surfaces as a ParseException. */
export function fail(message: string): never {
  throw new StellarFunctionError(message);
}

/** Argument `i`, or null when the call passed fewer arguments (Java's lists would throw, we are lenient). */
export function arg(args: StellarValue[], i: number): StellarValue {
  const v = args[i];
  return v === undefined ? null : v;
}

/** Java's `(String) o` cast: null stays null, a non-string is a ClassCastException. */
export function castString(v: StellarValue, fnName: string, what = 'argument'): string | null {
  if (v === null || v === undefined) return null;
  if (typeof v !== 'string') fail(`${fnName}: ${what} must be a string, got ${javaTypeName(v)}`);
  return v;
}

export function javaTypeName(v: StellarValue): string {
  if (v === null || v === undefined) return 'null';
  if (typeof v === 'string') return 'String';
  if (typeof v === 'boolean') return 'Boolean';
  if (typeof v === 'number') return 'Double';
  if (v instanceof JInt) return 'Integer';
  if (v instanceof JLong) return 'Long';
  if (v instanceof JFloat) return 'Float';
  if (Array.isArray(v)) return 'List';
  if (v instanceof Map) return 'Map';
  if (v instanceof Set) return 'Set';
  if (isLambda(v)) return 'Lambda';
  return 'Object';
}

// ---------------------------------------------------------------------------------------------
// Collections

/** A Java Iterable (list or set) as an array, or undefined when the value is not iterable. */
export function iterableItems(v: StellarValue): StellarValue[] | undefined {
  if (Array.isArray(v)) return v;
  if (v instanceof Set) return [...(v as Set<StellarValue>)];
  return undefined;
}

export function isStellarSet(v: StellarValue): v is Set<StellarValue> {
  return v instanceof Set;
}

export function isStellarMap(v: StellarValue): v is Map<StellarValue, StellarValue> {
  return v instanceof Map;
}

const objectIds = new WeakMap<object, number>();
let nextObjectId = 1;

/**
 * A string that is equal for two values exactly when Java's `equals` is true for them
 * (same boxed type and value; lists by elements in order; maps and sets regardless of order).
 */
export function equalityKey(v: StellarValue): string {
  if (v === null || v === undefined) return 'n';
  switch (typeof v) {
    case 'string':
      return 's' + v;
    case 'boolean':
      return v ? 'b1' : 'b0';
    case 'number':
      return 'd' + (Object.is(v, -0) ? '-0' : String(v));
    default:
      break;
  }
  if (v instanceof JInt) return 'i' + v.value;
  if (v instanceof JLong) return 'l' + v.value.toString();
  if (v instanceof JFloat) return 'f' + (Object.is(v.value, -0) ? '-0' : String(v.value));
  if (Array.isArray(v)) return 'L[' + v.map((x) => JSON.stringify(equalityKey(x))).join(',') + ']';
  if (v instanceof Set) {
    return 'S{' + [...(v as Set<StellarValue>)].map((x) => JSON.stringify(equalityKey(x))).sort().join(',') + '}';
  }
  if (v instanceof Map) {
    const entries = [...(v as Map<StellarValue, StellarValue>)].map(
      ([k, x]) => JSON.stringify(equalityKey(k)) + ':' + JSON.stringify(equalityKey(x)),
    );
    return 'M{' + entries.sort().join(',') + '}';
  }
  const o = v as object;
  let id = objectIds.get(o);
  if (id === undefined) {
    id = nextObjectId++;
    objectIds.set(o, id);
  }
  return 'o' + id;
}

export function javaEquals(a: StellarValue, b: StellarValue): boolean {
  if (a === b) return true;
  if (typeof a !== 'object' && typeof b !== 'object') return Object.is(a, b);
  return equalityKey(a) === equalityKey(b);
}

/** The stored key of `map` Java-equal to `key`, or undefined. Primitives hit the JS fast path. */
export function findKey<K extends StellarValue>(map: Map<K, unknown> | Set<K>, key: StellarValue): K | undefined {
  if (map.has(key as K)) return key as K;
  if (key === null || typeof key !== 'object') return undefined;
  const wanted = equalityKey(key);
  for (const k of map.keys()) {
    if (typeof k === 'object' && k !== null && equalityKey(k) === wanted) return k;
  }
  return undefined;
}

export function mapHas(map: Map<StellarValue, StellarValue>, key: StellarValue): boolean {
  return findKey(map, key) !== undefined;
}

export function mapGet(map: Map<StellarValue, StellarValue>, key: StellarValue): StellarValue {
  const k = findKey(map, key);
  if (k === undefined) return null;
  const v = map.get(k);
  return v === undefined ? null : v;
}

/** Java `map.put`: replaces the value of an equal key in place, else appends. */
export function mapPut(map: Map<StellarValue, StellarValue>, key: StellarValue, value: StellarValue): void {
  const k = findKey(map, key);
  map.set(k === undefined ? key : k, value);
}

export function mapRemove(map: Map<StellarValue, StellarValue>, key: StellarValue): void {
  const k = findKey(map, key);
  if (k !== undefined) map.delete(k);
}

export function setAdd(set: Set<StellarValue>, v: StellarValue): void {
  if (findKey(set, v) === undefined) set.add(v);
}

export function setRemove(set: Set<StellarValue>, v: StellarValue): void {
  const k = findKey(set, v);
  if (k !== undefined) set.delete(k);
}

export function setHas(set: Set<StellarValue>, v: StellarValue): boolean {
  return findKey(set, v) !== undefined;
}

// ---------------------------------------------------------------------------------------------
// toString

/** Java's `Double.toString`: "1.0", "0.001", "1.0E-4", "1.0E7", "NaN", "Infinity". */
export function javaDoubleToString(d: number): string {
  if (Number.isNaN(d)) return 'NaN';
  if (d === Infinity) return 'Infinity';
  if (d === -Infinity) return '-Infinity';
  if (d === 0) return Object.is(d, -0) ? '-0.0' : '0.0';
  const abs = Math.abs(d);
  if (abs >= 1e-3 && abs < 1e7) {
    const s = String(d);
    return s.includes('.') || s.includes('e') ? s : s + '.0';
  }
  // Scientific: mantissa with at least one decimal, exponent without '+'.
  const [mant = '', exp = '0'] = d.toExponential().split('e');
  const m = mant.includes('.') ? mant : mant + '.0';
  return m + 'E' + String(Number(exp));
}

/** Java's `String.valueOf(o)` for Stellar values (lists "[a, b]", maps "{k=v}"). */
export function javaToString(v: StellarValue): string {
  if (v === null || v === undefined) return 'null';
  if (typeof v === 'string') return v;
  if (typeof v === 'boolean') return v ? 'true' : 'false';
  if (typeof v === 'number') return javaDoubleToString(v);
  if (v instanceof JInt || v instanceof JLong) return v.toString();
  if (v instanceof JFloat) return javaFloatToString(v.value);
  if (Array.isArray(v)) return '[' + v.map(javaToString).join(', ') + ']';
  if (v instanceof Set) return '[' + [...(v as Set<StellarValue>)].map(javaToString).join(', ') + ']';
  if (v instanceof Map) {
    return '{' + [...(v as Map<StellarValue, StellarValue>)].map(([k, x]) => javaToString(k) + '=' + javaToString(x)).join(', ') + '}';
  }
  if (isLambda(v)) return '<lambda>';
  return String(v);
}

/** Java's `Float.toString`: the shortest decimal that rounds back to the same float32. */
export function javaFloatToString(f: number): string {
  if (!Number.isFinite(f) || f === 0) return javaDoubleToString(f);
  for (let p = 1; p <= 9; p++) {
    const candidate = Number(f.toPrecision(p));
    if (Math.fround(candidate) === f) return javaDoubleToString(candidate);
  }
  return javaDoubleToString(f);
}

// ---------------------------------------------------------------------------------------------
// Conversions (commons-beanutils with defaultNull: a failed conversion is null)

const INT_MIN = -2147483648;
const INT_MAX = 2147483647;
const LONG_MIN = -(2n ** 63n);
const LONG_MAX = 2n ** 63n - 1n;
const FLOAT_MAX = 3.4028234663852886e38;

/** Java's `Double.valueOf(String)` grammar (decimal, exponent, optional d/f suffix, NaN, Infinity, hex). */
export function parseJavaDouble(s: string): number | null {
  const t = s.trim();
  if (/^[+-]?(NaN|Infinity)$/.test(t)) return Number(t.replace(/^\+/, ''));
  if (/^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?[fFdD]?$/.test(t)) return Number(t.replace(/[fFdD]$/, ''));
  return null;
}

/** A Stellar value as a Java number of the given type, or null (ConversionUtils.convert). */
export function convertNumber(v: StellarValue, target: 'int'): JInt | null;
export function convertNumber(v: StellarValue, target: 'long'): JLong | null;
export function convertNumber(v: StellarValue, target: 'float'): JFloat | null;
export function convertNumber(v: StellarValue, target: 'double'): number | null;
export function convertNumber(v: StellarValue, target: 'int' | 'long' | 'float' | 'double'): JavaNumber | null;
export function convertNumber(v: StellarValue, target: 'int' | 'long' | 'float' | 'double'): JavaNumber | null {
  if (v === null || v === undefined) return null;
  if (typeof v === 'boolean') return convertNumber(new JInt(v ? 1 : 0), target);
  if (isNumber(v)) {
    switch (target) {
      case 'double':
        return toDouble(v);
      case 'float': {
        const d = toDouble(v);
        if (Math.abs(d) > FLOAT_MAX && Number.isFinite(d)) return null;
        return new JFloat(d);
      }
      case 'long': {
        if (v instanceof JLong) return v;
        return new JLong(doubleToLongBits(toDouble(v)));
      }
      case 'int': {
        if (v instanceof JInt) return v;
        const asLong = v instanceof JLong ? v.value : doubleToLongBits(toDouble(v));
        if (asLong < BigInt(INT_MIN) || asLong > BigInt(INT_MAX)) return null;
        return new JInt(Number(asLong));
      }
    }
  }
  if (typeof v === 'string' || typeof v === 'object') {
    if (typeof v === 'object' && (Array.isArray(v) || v instanceof Map || v instanceof Set || isLambda(v))) return null;
    const s = javaToString(v).trim();
    if (s === '') return null;
    if (target === 'int' || target === 'long') {
      if (!/^[+-]?\d+$/.test(s)) return null;
      const b = BigInt(s);
      if (target === 'int') return b < BigInt(INT_MIN) || b > BigInt(INT_MAX) ? null : new JInt(Number(b));
      return b < LONG_MIN || b > LONG_MAX ? null : new JLong(b);
    }
    const d = parseJavaDouble(s);
    if (d === null) return null;
    if (target === 'float') return Math.abs(d) > FLOAT_MAX && Number.isFinite(d) ? null : new JFloat(d);
    return d;
  }
  return null;
}

/** Java's `(long) d`: truncation, NaN is 0, saturating at the long range. */
export function doubleToLongBits(d: number): bigint {
  if (Number.isNaN(d)) return 0n;
  if (d >= 9.223372036854776e18) return LONG_MAX;
  if (d <= -9.223372036854776e18) return LONG_MIN;
  return BigInt(Math.trunc(d));
}

/** commons-beanutils BooleanConverter. */
export function convertBoolean(v: StellarValue): boolean | null {
  if (v === null || v === undefined) return null;
  if (typeof v === 'boolean') return v;
  const s = javaToString(v).trim().toLowerCase();
  if (['true', 'yes', 'y', 'on', '1'].includes(s)) return true;
  if (['false', 'no', 'n', 'off', '0'].includes(s)) return false;
  return null;
}

// ---------------------------------------------------------------------------------------------
// Bytes

/**
 * Java `String.getBytes(UTF_8)`: UTF-16 to UTF-8, an unpaired surrogate becomes '?'. Written by
 * hand because the package compiles without DOM/Node typings (no TextEncoder declaration).
 */
export function utf8Bytes(s: string): Uint8Array {
  const out: number[] = [];
  for (let i = 0; i < s.length; i++) {
    let c = s.charCodeAt(i);
    if (c >= 0xd800 && c <= 0xdbff && i + 1 < s.length) {
      const d = s.charCodeAt(i + 1);
      if (d >= 0xdc00 && d <= 0xdfff) {
        c = 0x10000 + ((c - 0xd800) << 10) + (d - 0xdc00);
        i++;
      }
    }
    if (c >= 0xd800 && c <= 0xdfff) out.push(0x3f);
    else if (c < 0x80) out.push(c);
    else if (c < 0x800) out.push(0xc0 | (c >> 6), 0x80 | (c & 63));
    else if (c < 0x10000) out.push(0xe0 | (c >> 12), 0x80 | ((c >> 6) & 63), 0x80 | (c & 63));
    else out.push(0xf0 | (c >> 18), 0x80 | ((c >> 12) & 63), 0x80 | ((c >> 6) & 63), 0x80 | (c & 63));
  }
  return Uint8Array.from(out);
}

/** Java `new String(bytes, UTF_8)`: malformed sequences become U+FFFD. */
export function utf8String(b: Uint8Array): string {
  let s = '';
  let i = 0;
  while (i < b.length) {
    const c = b[i] ?? 0;
    let need = 0;
    let cp = 0;
    let min = 0;
    if (c < 0x80) {
      s += String.fromCharCode(c);
      i++;
      continue;
    } else if (c >= 0xc2 && c <= 0xdf) {
      need = 1;
      cp = c & 0x1f;
      min = 0x80;
    } else if (c >= 0xe0 && c <= 0xef) {
      need = 2;
      cp = c & 0x0f;
      min = 0x800;
    } else if (c >= 0xf0 && c <= 0xf4) {
      need = 3;
      cp = c & 0x07;
      min = 0x10000;
    } else {
      s += '\ufffd';
      i++;
      continue;
    }
    let j = 1;
    for (; j <= need; j++) {
      const n = b[i + j];
      if (n === undefined || (n & 0xc0) !== 0x80) break;
      cp = (cp << 6) | (n & 0x3f);
    }
    if (j <= need || cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)) {
      s += '\ufffd';
      i += Math.max(1, j);
      continue;
    }
    s += String.fromCodePoint(cp);
    i += need + 1;
  }
  return s;
}

/** ISO-8859-1 bytes (characters above 0xFF become '?', as Java does). */
export function latin1Bytes(s: string): Uint8Array {
  const out = new Uint8Array(s.length);
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    out[i] = c > 0xff ? 0x3f : c;
  }
  return out;
}

export function latin1String(b: Uint8Array): string {
  let s = '';
  for (const x of b) s += String.fromCharCode(x);
  return s;
}
