/**
 * Equality as Metron's Stellar has it.
 *
 * - `==` / `!=` (EqualityOperatorsEvaluator): null equals only null; two numbers compare after
 *   Java promotion (`1 == 1.0` is true, `1 == 1.00000001F` is true in float); anything else
 *   uses Java `equals`, so `1 == '1'` is false.
 * - Java `equals` (javaEquals) is what lists, maps and `in` use: numbers are equal only with
 *   the same boxed type and value (`Integer 1` is not `Long 1`), lists element-wise, maps
 *   entry-wise, other objects by identity.
 */
import { isNumber, JFloat, JInt, JLong, type StellarValue } from './values.js';
import { numbersEqual } from './numeric.js';

/** Stellar's `==`. */
export function stellarEquals(l: StellarValue, r: StellarValue): boolean {
  if (l === null || l === undefined || r === null || r === undefined) return (l ?? null) === (r ?? null);
  if (isNumber(l) && isNumber(r)) return numbersEqual(l, r);
  return javaEquals(l, r);
}

/** Java's `Object.equals` over Stellar values. */
export function javaEquals(a: StellarValue, b: StellarValue): boolean {
  if (a === b) return typeof a !== 'number' || Object.is(a, b);
  if (a === null || b === null || a === undefined || b === undefined) return false;
  const ta = typeof a;
  if (ta !== 'object' || typeof b !== 'object') {
    // Double.equals: NaN equals NaN, 0.0 does not equal -0.0
    if (ta === 'number' && typeof b === 'number') return Object.is(a, b);
    return false;
  }
  if (a instanceof JInt) return b instanceof JInt && a.value === b.value;
  if (a instanceof JLong) return b instanceof JLong && a.value === b.value;
  if (a instanceof JFloat) return b instanceof JFloat && Object.is(a.value, b.value);
  if (Array.isArray(a)) {
    if (!Array.isArray(b) || a.length !== b.length) return false;
    for (let i = 0; i < a.length; i++) if (!javaEquals(a[i] as StellarValue, b[i] as StellarValue)) return false;
    return true;
  }
  if (a instanceof Map) {
    if (!(b instanceof Map) || a.size !== b.size) return false;
    for (const [k, v] of a) {
      if (!mapHas(b, k)) return false;
      if (!javaEquals(v as StellarValue, mapGet(b, k) as StellarValue)) return false;
    }
    return true;
  }
  if (a instanceof Set) {
    if (!(b instanceof Set) || a.size !== b.size) return false;
    for (const x of a) if (!collectionContains(b, x as StellarValue)) return false;
    return true;
  }
  return false;
}

const isPrimitiveKey = (k: StellarValue): boolean => k === null || typeof k !== 'object';

/** Map.containsKey with Java key equality (JS Map compares wrapper objects by identity). */
export function mapHas(m: Map<StellarValue, StellarValue>, key: StellarValue): boolean {
  if (m.has(key)) return true;
  if (isPrimitiveKey(key) && !(typeof key === 'number' && Number.isNaN(key))) return false;
  for (const k of m.keys()) if (javaEquals(k, key)) return true;
  return false;
}

/** Map.get with Java key equality; undefined when absent. */
export function mapGet(m: Map<StellarValue, StellarValue>, key: StellarValue): StellarValue | undefined {
  const direct = m.get(key);
  if (direct !== undefined || m.has(key)) return direct;
  if (isPrimitiveKey(key) && !(typeof key === 'number' && Number.isNaN(key))) return undefined;
  for (const [k, v] of m) if (javaEquals(k, key)) return v;
  return undefined;
}

/** Collection.contains with Java equality, for lists (arrays) and sets. */
export function collectionContains(c: Iterable<unknown>, item: StellarValue): boolean {
  for (const x of c) if (javaEquals(x as StellarValue, item)) return true;
  return false;
}
