/**
 * Java numeric semantics for Stellar (JLS §5.6.2 binary numeric promotion, as Metron's
 * ArithmeticEvaluator and comparison evaluators apply them): if either operand is double the
 * operation is done in double, else float, else long, else int. Integer division truncates and
 * fails on zero; int and long wrap on overflow; float results are rounded to float32.
 */
import { JFloat, JInt, JLong, type JavaNumber, type NumericType } from './values.js';

/** Raised for Java's ArithmeticException (integer division by zero); the caller adds position. */
export class ArithmeticError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ArithmeticError';
  }
}

export type ArithOperator = '+' | '-' | '*' | '/';

/** The promoted type of a binary operation on two Java numbers. */
export function promotedType(l: JavaNumber, r: JavaNumber): NumericType {
  if (typeof l === 'number' || typeof r === 'number') return 'double';
  if (l instanceof JFloat || r instanceof JFloat) return 'float';
  if (l instanceof JLong || r instanceof JLong) return 'long';
  return 'int';
}

/** Java's longValue(): doubles and floats truncate toward zero and saturate; NaN is 0. */
export function toLongBigInt(v: JavaNumber): bigint {
  if (v instanceof JLong) return v.value;
  if (v instanceof JInt) return BigInt(v.value);
  const d = typeof v === 'number' ? v : v.value;
  if (Number.isNaN(d)) return 0n;
  if (d >= 2 ** 63) return 9223372036854775807n;
  if (d <= -(2 ** 63)) return -9223372036854775808n;
  return BigInt(Math.trunc(d));
}

/** Java's intValue(): longs keep the low 32 bits; doubles and floats truncate and saturate. */
export function toIntValue(v: JavaNumber): number {
  if (v instanceof JInt) return v.value;
  if (v instanceof JLong) return Number(BigInt.asIntN(32, v.value));
  const d = typeof v === 'number' ? v : v.value;
  if (Number.isNaN(d)) return 0;
  if (d >= 2147483647) return 2147483647;
  if (d <= -2147483648) return -2147483648;
  return Math.trunc(d);
}

/** Java's floatValue(). */
export function toFloatValue(v: JavaNumber): number {
  if (typeof v === 'number') return Math.fround(v);
  if (v instanceof JLong) return Math.fround(Number(v.value));
  return Math.fround(v.value);
}

/** Java's doubleValue(). */
export function toDoubleValue(v: JavaNumber): number {
  if (typeof v === 'number') return v;
  if (v instanceof JLong) return Number(v.value);
  return v.value;
}

/** `l op r` with Java promotion. Throws ArithmeticError for integer division by zero. */
export function arithmetic(op: ArithOperator, l: JavaNumber, r: JavaNumber): JavaNumber {
  // fast path: both doubles
  if (typeof l === 'number' && typeof r === 'number') return doubleOp(op, l, r);
  switch (promotedType(l, r)) {
    case 'double':
      return doubleOp(op, toDoubleValue(l), toDoubleValue(r));
    case 'float':
      return new JFloat(doubleOp(op, toFloatValue(l), toFloatValue(r)));
    case 'long':
      return new JLong(longOp(op, toLongBigInt(l), toLongBigInt(r)));
    default:
      return new JInt(intOp(op, (l as JInt).value, (r as JInt).value));
  }
}

function doubleOp(op: ArithOperator, a: number, b: number): number {
  switch (op) {
    case '+': return a + b;
    case '-': return a - b;
    case '*': return a * b;
    default: return a / b;
  }
}

function intOp(op: ArithOperator, a: number, b: number): number {
  switch (op) {
    case '+': return (a + b) | 0;
    case '-': return (a - b) | 0;
    case '*': return Math.imul(a, b);
    default:
      if (b === 0) throw new ArithmeticError('/ by zero');
      return Math.trunc(a / b) | 0;
  }
}

function longOp(op: ArithOperator, a: bigint, b: bigint): bigint {
  switch (op) {
    case '+': return a + b;
    case '-': return a - b;
    case '*': return a * b;
    default:
      if (b === 0n) throw new ArithmeticError('/ by zero');
      return a / b; // BigInt division truncates toward zero, as Java's
  }
}

/** Java's `%` with promotion (for functions; Stellar itself has no `%` operator). */
export function remainder(l: JavaNumber, r: JavaNumber): JavaNumber {
  switch (promotedType(l, r)) {
    case 'double':
      return toDoubleValue(l) % toDoubleValue(r); // JS % on doubles is Java's fmod
    case 'float':
      return new JFloat(toFloatValue(l) % toFloatValue(r));
    case 'long': {
      const b = toLongBigInt(r);
      if (b === 0n) throw new ArithmeticError('/ by zero');
      return new JLong(toLongBigInt(l) % b);
    }
    default: {
      const b = (r as JInt).value;
      if (b === 0) throw new ArithmeticError('/ by zero');
      return new JInt((l as JInt).value % b);
    }
  }
}

/**
 * Compares two Java numbers after promotion: negative, zero or positive, or NaN when either
 * (double or float) operand is NaN — then every ordering test is false, as in Java.
 */
export function compareNumbers(l: JavaNumber, r: JavaNumber): number {
  if (typeof l === 'number' && typeof r === 'number') return l < r ? -1 : l > r ? 1 : l === r ? 0 : Number.NaN;
  switch (promotedType(l, r)) {
    case 'double': {
      const a = toDoubleValue(l);
      const b = toDoubleValue(r);
      return a < b ? -1 : a > b ? 1 : a === b ? 0 : Number.NaN;
    }
    case 'float': {
      const a = toFloatValue(l);
      const b = toFloatValue(r);
      return a < b ? -1 : a > b ? 1 : a === b ? 0 : Number.NaN;
    }
    case 'long': {
      const a = toLongBigInt(l);
      const b = toLongBigInt(r);
      return a < b ? -1 : a > b ? 1 : 0;
    }
    default: {
      const a = (l as JInt).value;
      const b = (r as JInt).value;
      return a < b ? -1 : a > b ? 1 : 0;
    }
  }
}

/** Java `==` on two numbers after promotion (NaN is never equal). */
export function numbersEqual(l: JavaNumber, r: JavaNumber): boolean {
  return compareNumbers(l, r) === 0;
}
