/**
 * HLLP_* (Metron's HyperLogLogPlusFunctions): distinct-count estimation with HyperLogLog++
 * (Heule, Nunkesser & Hall, "HyperLogLog in Practice", EDBT 2013). Like the clearspring
 * estimator Metron wraps: a sparse representation at precision sp (exact in practice for small
 * sets) that turns into 2^p dense registers past a threshold. Dense estimates use linear counting
 * while the raw estimate is at most 2.5 * 2^p (Flajolet et al.'s rule, standing in for the
 * paper's empirical bias tables), the raw HLL estimate above: estimates are close to, not equal
 * to, Metron's (the hash function differs too).
 */
import { JInt, JLong, JFloat, isNumber, toJson } from '../values.js';
import type { StellarValue } from '../values.js';
import { StellarFunctionError } from './types.js';
import type { StellarFunction } from './types.js';

/** MurmurHash3 x86 32-bit. */
function murmur3(bytes: Uint8Array, seed: number): number {
  let h = seed >>> 0;
  const c1 = 0xcc9e2d51;
  const c2 = 0x1b873593;
  const blocks = bytes.length >>> 2;
  for (let i = 0; i < blocks; i++) {
    let k = bytes[i * 4]! | (bytes[i * 4 + 1]! << 8) | (bytes[i * 4 + 2]! << 16) | (bytes[i * 4 + 3]! << 24);
    k = Math.imul(k, c1);
    k = (k << 15) | (k >>> 17);
    k = Math.imul(k, c2);
    h ^= k;
    h = (h << 13) | (h >>> 19);
    h = (Math.imul(h, 5) + 0xe6546b64) | 0;
  }
  let k = 0;
  const tail = blocks * 4;
  switch (bytes.length & 3) {
    case 3:
      k ^= bytes[tail + 2]! << 16;
    // falls through
    case 2:
      k ^= bytes[tail + 1]! << 8;
    // falls through
    case 1:
      k ^= bytes[tail]!;
      k = Math.imul(k, c1);
      k = (k << 15) | (k >>> 17);
      k = Math.imul(k, c2);
      h ^= k;
  }
  h ^= bytes.length;
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

/** UTF-8 bytes of a string (no TextEncoder: the package compiles without DOM or Node types). */
function utf8(text: string): Uint8Array {
  const out: number[] = [];
  for (const ch of text) {
    const c = ch.codePointAt(0)!;
    if (c < 0x80) out.push(c);
    else if (c < 0x800) out.push(0xc0 | (c >> 6), 0x80 | (c & 63));
    else if (c < 0x10000) out.push(0xe0 | (c >> 12), 0x80 | ((c >> 6) & 63), 0x80 | (c & 63));
    else out.push(0xf0 | (c >> 18), 0x80 | ((c >> 12) & 63), 0x80 | ((c >> 6) & 63), 0x80 | (c & 63));
  }
  return Uint8Array.from(out);
}

/** A stable text form of a value: equal Stellar values (of the same Java type) hash equally. */
function canonical(v: StellarValue): string {
  if (typeof v === 'string') return v;
  if (v instanceof JInt) return `i:${v.value}`;
  if (v instanceof JLong) return `l:${v.value}`;
  if (v instanceof JFloat) return `f:${v.value}`;
  if (typeof v === 'number') return `d:${v}`;
  if (typeof v === 'boolean') return `b:${v}`;
  return `j:${JSON.stringify(toJson(v))}`;
}

/** A 64-bit hash as two unsigned 32-bit words. */
function hash64(v: StellarValue): [number, number] {
  const bytes = utf8(canonical(v));
  return [murmur3(bytes, 0x9747b28c), murmur3(bytes, 0x5bd1e995)];
}

/** Count of leading zeros of a 64-bit word pair after dropping the first `skip` bits, plus one (capped). */
function rho(hi: number, lo: number, skip: number): number {
  // shift the 64-bit value left by `skip`
  let a: number;
  let b: number;
  if (skip === 0) [a, b] = [hi, lo];
  else if (skip < 32) [a, b] = [((hi << skip) | (lo >>> (32 - skip))) >>> 0, (lo << skip) >>> 0];
  else [a, b] = [(lo << (skip - 32)) >>> 0, 0];
  const zeros = a !== 0 ? Math.clz32(a) : 32 + (b !== 0 ? Math.clz32(b) : 32);
  return Math.min(zeros, 64 - skip) + 1;
}

/** A HyperLogLog++ estimator set. */
export class HyperLogLogPlus {
  /** Sparse entries: index at precision sp -> rho of the bits after sp. Null once dense. */
  private sparse: Map<number, number> | null;
  private registers: Uint8Array | null = null;

  constructor(
    readonly p = 14,
    readonly sp = 25,
  ) {
    if (!Number.isInteger(p) || !Number.isInteger(sp)) throw new StellarFunctionError('p and sp must be integers');
    if (p < 4 || (p > sp && sp !== 0)) throw new StellarFunctionError('p must be between 4 and sp (inclusive)');
    if (p > 18) throw new StellarFunctionError('p values greater than 18 are not supported');
    if (sp > 31) throw new StellarFunctionError('sp values greater than 31 are not supported');
    this.sparse = sp > 0 ? new Map() : null;
    if (this.sparse === null) this.registers = new Uint8Array(1 << p);
  }

  private get sparseThreshold(): number {
    return Math.floor(0.75 * (1 << this.p));
  }

  /** Adds a value; true when the estimator changed. */
  add(v: StellarValue): boolean {
    const [hi, lo] = hash64(v);
    if (this.sparse !== null) {
      const index = this.sp === 32 ? hi : hi >>> (32 - this.sp);
      const r = rho(hi, lo, this.sp);
      const old = this.sparse.get(index) ?? 0;
      if (r <= old) return false;
      this.sparse.set(index, r);
      if (this.sparse.size > this.sparseThreshold) this.toDense();
      return true;
    }
    const registers = this.registers!;
    const index = hi >>> (32 - this.p);
    const r = rho(hi, lo, this.p);
    if (r <= registers[index]!) return false;
    registers[index] = r;
    return true;
  }

  /** Moves sparse entries into dense registers (the sparse index holds the dense one in its top bits). */
  private toDense(): void {
    const registers = new Uint8Array(1 << this.p);
    for (const [index, r] of this.sparse ?? []) this.setFromSparse(registers, index, r);
    this.registers = registers;
    this.sparse = null;
  }

  private setFromSparse(registers: Uint8Array, index: number, r: number): void {
    const extra = this.sp - this.p;
    const dense = index >>> extra;
    const between = index & ((1 << extra) - 1);
    // rho at precision p: zeros among the sp - p extra bits, or all of them plus the sparse rho
    const value = between !== 0 ? Math.clz32(between) - (32 - extra) + 1 : extra + r;
    if (value > registers[dense]!) registers[dense] = value;
  }

  cardinality(): number {
    if (this.sparse !== null) {
      const m = 2 ** this.sp;
      return Math.round(m * Math.log(m / (m - this.sparse.size)));
    }
    const registers = this.registers!;
    const m = registers.length;
    let sum = 0;
    let zeros = 0;
    for (const r of registers) {
      sum += 2 ** -r;
      if (r === 0) zeros++;
    }
    const alpha = m === 16 ? 0.673 : m === 32 ? 0.697 : m === 64 ? 0.709 : 0.7213 / (1 + 1.079 / m);
    const raw = (alpha * m * m) / sum;
    if (zeros > 0 && raw <= 2.5 * m) return Math.round(m * Math.log(m / zeros));
    return Math.round(raw);
  }

  /** A new estimator holding the union of this one and the others (all of the same precisions). */
  merge(others: readonly HyperLogLogPlus[]): HyperLogLogPlus {
    const merged = new HyperLogLogPlus(this.p, this.sp);
    for (const e of [this, ...others]) {
      if (e.p !== this.p || e.sp !== this.sp) throw new StellarFunctionError('Unable to merge estimators: precisions differ');
      if (e.sparse !== null && merged.sparse !== null) {
        for (const [index, r] of e.sparse) {
          if (r > (merged.sparse.get(index) ?? 0)) merged.sparse.set(index, r);
        }
        if (merged.sparse.size > merged.sparseThreshold) merged.toDense();
      } else {
        if (merged.sparse !== null) merged.toDense();
        const registers = merged.registers!;
        if (e.sparse !== null) {
          for (const [index, r] of e.sparse) e.setFromSparse(registers, index, r);
        } else {
          e.registers!.forEach((r, i) => {
            if (r > registers[i]!) registers[i] = r;
          });
        }
      }
    }
    return merged;
  }
}

function precision(fn: string, v: StellarValue | undefined, name: string): number {
  if (v !== undefined && v !== null) {
    if (isNumber(v)) return Math.trunc(Number(toJson(v)));
    if (typeof v === 'string' && /^\s*[+-]?\d+\s*$/.test(v)) return Number(v);
  }
  throw new StellarFunctionError(`${fn}: unable to get ${name} value from '${String(v)}'`);
}

export const functions: StellarFunction[] = [
  {
    name: 'HLLP_INIT',
    namespace: 'HLLP',
    description:
      'Creates a HyperLogLog++ distinct-count estimator; p (4 <= p <= sp) is the dense precision and sp (< 32) the sparse one; defaults p=14, sp=25, and giving only p disables the sparse set.',
    params: ['p - (optional) Precision of the dense registers', 'sp - (optional) Precision of the sparse set; 0 disables it'],
    returns: 'A new estimator.',
    call(args) {
      if (args.length === 0) return new HyperLogLogPlus();
      const p = precision('HLLP_INIT', args[0], 'p');
      if (args.length === 1) return new HyperLogLogPlus(p, 0);
      return new HyperLogLogPlus(p, precision('HLLP_INIT', args[1], 'sp'));
    },
  },
  {
    name: 'HLLP_ADD',
    namespace: 'HLLP',
    description: 'Adds a value, or each value of a list, to a HyperLogLog++ estimator (a new default one when null).',
    params: ['hyperLogLogPlus - The estimator, or null for a new one', 'value - A value or a list of values'],
    returns: 'The estimator.',
    call(args, ctx) {
      if (args.length < 2) throw new StellarFunctionError('HLLP_ADD expects an estimator and at least one value to add');
      const given = args[0];
      const hllp = given instanceof HyperLogLogPlus ? given : new HyperLogLogPlus();
      const v = args[1]!;
      if (Array.isArray(v)) {
        ctx.step(v.length);
        for (const x of v) if (x !== null) hllp.add(x);
      } else if (v !== null) {
        hllp.add(v);
      }
      return hllp;
    },
  },
  {
    name: 'HLLP_CARDINALITY',
    namespace: 'HLLP',
    description: 'Estimates how many distinct values were added to a HyperLogLog++ estimator.',
    params: ['hyperLogLogPlus - The estimator'],
    returns: 'The estimated distinct count as a long; 0 for null.',
    call(args) {
      if (args.length < 1) throw new StellarFunctionError('HLLP_CARDINALITY expects an estimator');
      const hllp = args[0];
      if (hllp === null || hllp === undefined) return new JLong(0n);
      if (!(hllp instanceof HyperLogLogPlus)) throw new StellarFunctionError('HLLP_CARDINALITY: expected a HyperLogLog++ estimator');
      return new JLong(BigInt(hllp.cardinality()));
    },
  },
  {
    name: 'HLLP_MERGE',
    namespace: 'HLLP',
    description: 'Combines HyperLogLog++ estimators into a new one with the precisions of the first.',
    params: ['hllp - An estimator or a list of estimators'],
    returns: 'The merged estimator, or null for an empty list.',
    call(args) {
      if (args.length !== 1) throw new StellarFunctionError('HLLP_MERGE expects a single list of estimators');
      const given = args[0]!;
      const list = Array.isArray(given) ? given : [given];
      if (list.length === 0) return null;
      const estimators = list.map((e) => {
        if (!(e instanceof HyperLogLogPlus)) throw new StellarFunctionError('HLLP_MERGE: expected HyperLogLog++ estimators');
        return e;
      });
      if (estimators.length === 1) return estimators[0]!;
      return estimators[0]!.merge(estimators.slice(1));
    },
  },
];
