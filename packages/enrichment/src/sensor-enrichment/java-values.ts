/**
 * The Java conversions Metron's enrichment and triage code applies to values (its
 * ConversionUtils.convert over commons-beanutils with a null default, and Java's toString), for
 * Stellar values and for the JSON values of messages and configs.
 */
import { JFloat, JInt, JLong, isLambda, isNumber, toDouble } from '@metron/stellar';
import type { StellarValue } from '@metron/stellar';
import { javaDoubleText } from '../mmdb/java-number.js';

/** Java's `String.valueOf` of a Stellar value: lists "[a, b]", maps "{k=v}", doubles "10.0". */
export function javaText(v: StellarValue): string {
  if (v === null || v === undefined) return 'null';
  if (typeof v === 'string') return v;
  if (typeof v === 'boolean') return v ? 'true' : 'false';
  if (typeof v === 'number') return javaDoubleText(v);
  if (v instanceof JInt || v instanceof JLong || v instanceof JFloat) return v.toString();
  if (Array.isArray(v)) return `[${v.map(javaText).join(', ')}]`;
  if (v instanceof Set) return `[${[...(v as Set<StellarValue>)].map(javaText).join(', ')}]`;
  if (v instanceof Map) return `{${[...(v as Map<StellarValue, StellarValue>)].map(([k, x]) => `${javaText(k)}=${javaText(x)}`).join(', ')}}`;
  if (isLambda(v)) return '<lambda>';
  return String(v);
}

/** beanutils reads a collection through its first element (an empty one is "missing"). */
function firstOfCollection(v: StellarValue): StellarValue {
  if (Array.isArray(v)) return v.length > 0 ? (v[0] as StellarValue) : null;
  if (v instanceof Set) {
    for (const x of v as Set<StellarValue>) return x;
    return null;
  }
  return v;
}

const TRUE_TEXT = new Set(['true', 'yes', 'y', 'on', '1']);
const FALSE_TEXT = new Set(['false', 'no', 'n', 'off', '0']);

/** `ConversionUtils.convert(v, Boolean.class)`: true/false, or null when the value is none of beanutils' words. */
export function convertToBoolean(v: StellarValue): boolean | null {
  const x = firstOfCollection(v);
  if (x === null || x === undefined) return null;
  if (typeof x === 'boolean') return x;
  const text = javaText(x).trim().toLowerCase();
  if (TRUE_TEXT.has(text)) return true;
  if (FALSE_TEXT.has(text)) return false;
  return null;
}

const JAVA_DOUBLE = /^[+-]?(NaN|Infinity|(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?[fFdD]?)$/;

/** `ConversionUtils.convert(v, Double.class)`: numbers, booleans (1/0) and numeric text; null otherwise. */
export function convertToDouble(v: StellarValue): number | null {
  const x = firstOfCollection(v);
  if (x === null || x === undefined) return null;
  if (isNumber(x)) return toDouble(x);
  if (typeof x === 'boolean') return x ? 1 : 0;
  if (x instanceof Map || isLambda(x)) return null;
  const text = javaText(x).trim();
  if (!JAVA_DOUBLE.test(text)) return null;
  return Number(text.replace(/^\+/, '').replace(/[fFdD]$/, ''));
}

/** `ConversionUtils.convert(v, String.class)`: the Java text; a list gives its first element's. */
export function convertToString(v: StellarValue): string | null {
  const x = firstOfCollection(v);
  if (x === null || x === undefined) return null;
  return javaText(x);
}

/**
 * A config value (JSON) as Jackson hands it to Metron's Stellar resolvers: whole numbers are Integer,
 * or Long past 32 bits; other numbers Double; objects maps, arrays lists.
 */
export function jacksonValue(v: unknown): StellarValue {
  if (v === null || v === undefined) return null;
  if (typeof v === 'number') {
    if (!Number.isInteger(v)) return v;
    return v >= -2147483648 && v <= 2147483647 ? new JInt(v) : new JLong(BigInt(v));
  }
  if (typeof v === 'string' || typeof v === 'boolean') return v;
  if (Array.isArray(v)) return v.map(jacksonValue);
  if (typeof v === 'object') {
    const m = new Map<StellarValue, StellarValue>();
    for (const [k, x] of Object.entries(v as Record<string, unknown>)) m.set(k, jacksonValue(x));
    return m;
  }
  return null;
}

/** A config map (JSON object) as a map of Stellar values, for variable lookups. */
export function jacksonMap(config: Readonly<Record<string, unknown>>): Map<string, StellarValue> {
  const m = new Map<string, StellarValue>();
  for (const [k, v] of Object.entries(config)) m.set(k, jacksonValue(v));
  return m;
}

/**
 * A message field as the text an adapter looks up (Metron's CacheKey.coerceValue(String.class));
 * undefined for values that have no text (objects, empty lists).
 */
export function lookupText(v: unknown): string | undefined {
  if (typeof v === 'string') return v;
  if (typeof v === 'number') return Number.isInteger(v) ? String(v) : javaDoubleText(v);
  if (typeof v === 'boolean') return v ? 'true' : 'false';
  if (Array.isArray(v)) return v.length > 0 ? lookupText(v[0]) : undefined;
  return undefined;
}
