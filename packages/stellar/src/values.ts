/**
 * Stellar values. Stellar follows Java's numeric semantics (int/long/float/double promotion,
 * integer division, float32 rounding), so numbers carry their Java type:
 *
 * - `double` is a plain JS `number` (the common case: JSON decimals, most function results);
 * - `int`, `long`, `float` are the small wrapper classes below.
 *
 * Other values: `null`, `boolean`, `string`, lists (JS arrays of StellarValue), maps (JS `Map`
 * with any StellarValue keys, insertion-ordered like Java's LinkedHashMap), lambdas, and opaque
 * objects that functions own (a statistics sketch, a bloom filter, a Date...) as any other
 * object. This file is the contract between the language core and the function library.
 */

/** Java `int`: a 32-bit signed integer. Always `value | 0`. */
export class JInt {
  readonly value: number;
  constructor(value: number) {
    this.value = value | 0;
  }
  toString(): string {
    return String(this.value);
  }
  toJSON(): number {
    return this.value;
  }
}

/** Java `long`: a 64-bit signed integer, wrapped to 64 bits on overflow. */
export class JLong {
  readonly value: bigint;
  constructor(value: bigint) {
    this.value = BigInt.asIntN(64, value);
  }
  toString(): string {
    return this.value.toString();
  }
  toJSON(): number | string {
    const n = Number(this.value);
    return Number.isSafeInteger(n) ? n : this.value.toString();
  }
}

/** Java `float`: a float32, kept rounded with Math.fround. */
export class JFloat {
  readonly value: number;
  constructor(value: number) {
    this.value = Math.fround(value);
  }
  toString(): string {
    return String(this.value);
  }
  toJSON(): number {
    return this.value;
  }
}

/** A Stellar lambda `(a, b) -> expr`, callable by functions such as MAP, FILTER, REDUCE. */
export interface StellarLambda {
  readonly kind: 'lambda';
  readonly params: readonly string[];
  call(args: StellarValue[]): StellarValue;
}

export type StellarValue =
  | null
  | boolean
  | string
  | number
  | JInt
  | JLong
  | JFloat
  | StellarValue[]
  | Map<StellarValue, StellarValue>
  | StellarLambda
  | object;

export type JavaNumber = number | JInt | JLong | JFloat;
export type NumericType = 'int' | 'long' | 'float' | 'double';

export const int = (n: number): JInt => new JInt(n);
export const long = (n: number | bigint): JLong => new JLong(typeof n === 'bigint' ? n : BigInt(Math.trunc(n)));
export const float = (n: number): JFloat => new JFloat(n);

export function isNumber(v: unknown): v is JavaNumber {
  return typeof v === 'number' || v instanceof JInt || v instanceof JLong || v instanceof JFloat;
}

export function numericType(v: JavaNumber): NumericType {
  if (typeof v === 'number') return 'double';
  if (v instanceof JInt) return 'int';
  if (v instanceof JLong) return 'long';
  return 'float';
}

/** The number as a JS double (a long beyond 2^53 loses precision, as Java's doubleValue()). */
export function toDouble(v: JavaNumber): number {
  if (typeof v === 'number') return v;
  return v instanceof JLong ? Number(v.value) : v.value;
}

export function isLambda(v: unknown): v is StellarLambda {
  return typeof v === 'object' && v !== null && (v as { kind?: unknown }).kind === 'lambda' && typeof (v as StellarLambda).call === 'function';
}

/** Stellar type names, as `metron stellar --json` reports them. */
export type StellarTypeName = 'int' | 'long' | 'float' | 'double' | 'string' | 'boolean' | 'null' | 'list' | 'map' | 'object';

export function typeName(v: StellarValue): StellarTypeName {
  if (v === null || v === undefined) return 'null';
  if (typeof v === 'boolean') return 'boolean';
  if (typeof v === 'string') return 'string';
  if (typeof v === 'number') return 'double';
  if (v instanceof JInt) return 'int';
  if (v instanceof JLong) return 'long';
  if (v instanceof JFloat) return 'float';
  // Sets (SET_* functions) are collections, printed as Java prints a set: like a list.
  if (Array.isArray(v) || v instanceof Set) return 'list';
  if (v instanceof Map) return 'map';
  return 'object';
}

/**
 * A message field (JSON) as a Stellar value, as Metron's JSON reader gives it: integral numbers
 * are `long` (json-simple reads every integer as Long), others `double`; objects become maps.
 */
export function fromJson(v: unknown): StellarValue {
  if (v === null || v === undefined) return null;
  if (typeof v === 'number') return Number.isInteger(v) ? new JLong(BigInt(v)) : v;
  if (typeof v === 'string' || typeof v === 'boolean') return v;
  if (Array.isArray(v)) return v.map(fromJson);
  if (typeof v === 'object') {
    const m = new Map<StellarValue, StellarValue>();
    for (const [k, x] of Object.entries(v as Record<string, unknown>)) m.set(k, fromJson(x));
    return m;
  }
  return null;
}

/** A Stellar value as JSON for output (maps with string keys become objects). */
export function toJson(v: StellarValue): unknown {
  if (v === null || v === undefined) return null;
  if (v instanceof JInt || v instanceof JFloat || v instanceof JLong) return v.toJSON();
  if (typeof v === 'number') return Number.isFinite(v) ? v : String(v === Infinity ? 'Infinity' : v === -Infinity ? '-Infinity' : 'NaN');
  if (Array.isArray(v)) return v.map(toJson);
  if (v instanceof Set) return [...v].map((x) => toJson(x as StellarValue));
  if (v instanceof Map) {
    const o: Record<string, unknown> = {};
    for (const [k, x] of v) o[typeof k === 'string' ? k : String(toJson(k))] = toJson(x);
    return o;
  }
  if (isLambda(v)) return '<lambda>';
  return v;
}
