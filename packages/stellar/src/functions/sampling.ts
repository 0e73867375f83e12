/**
 * SAMPLE_* (Metron's SamplingInitFunctions and SamplingOpsFunctions): a uniform reservoir sampler
 * (Vitter's algorithm R) driven by java.util.Random seeded with 0, as Metron's UniformSampler,
 * so a sample is the same as Metron's for the same input.
 */
import { isNumber, toDouble } from '../values.js';
import type { StellarValue } from '../values.js';
import { StellarFunctionError } from './types.js';
import type { StellarFunction } from './types.js';

export const DEFAULT_SAMPLE_SIZE = 1024;

const MULTIPLIER = 0x5deece66dn;
const MASK = (1n << 48n) - 1n;

/** java.util.Random (the 48-bit linear congruential generator of the JDK). */
export class JavaRandom {
  private seed: bigint;

  constructor(seed: number | bigint) {
    this.seed = (BigInt(seed) ^ MULTIPLIER) & MASK;
  }

  private next(bits: number): number {
    this.seed = (this.seed * MULTIPLIER + 0xbn) & MASK;
    return Number(BigInt.asIntN(32, this.seed >> BigInt(48 - bits)));
  }

  /** Uniform int in [0, bound). */
  nextInt(bound: number): number {
    if (bound <= 0) throw new RangeError('bound must be positive');
    if ((bound & -bound) === bound) return Number((BigInt(bound) * BigInt(this.next(31))) >> 31n);
    for (;;) {
      const bits = this.next(31);
      const val = bits % bound;
      if (bits - val + (bound - 1) < 2 ** 31) return val;
    }
  }
}

/** A reservoir sampler: every value seen has the same chance to be in the sample. */
export class UniformSampler {
  private reservoir: StellarValue[] = [];
  private seen = 0;
  private readonly rng = new JavaRandom(0);

  constructor(readonly size = DEFAULT_SAMPLE_SIZE) {}

  add(value: StellarValue): void {
    if (value === null || value === undefined) return;
    if (this.reservoir.length < this.size) {
      this.reservoir.push(value);
    } else {
      const index = this.rng.nextInt(this.seen + 1);
      if (index < this.size) this.reservoir[index] = value;
    }
    this.seen++;
  }

  addAll(values: readonly StellarValue[]): void {
    for (const v of values) this.add(v);
  }

  /** The current sample (a copy). */
  sample(): StellarValue[] {
    return [...this.reservoir];
  }

  cloneEmpty(): UniformSampler {
    return new UniformSampler(this.size);
  }
}

function describe(v: StellarValue): string {
  return typeof v === 'string' ? `'${v}'` : Array.isArray(v) ? 'a list' : v instanceof Map ? 'a map' : String(v);
}

export const functions: StellarFunction[] = [
  {
    name: 'SAMPLE_INIT',
    namespace: 'SAMPLE',
    description: `Creates a uniform reservoir sampler holding at most size values (${DEFAULT_SAMPLE_SIZE} by default).`,
    params: [`size - (optional) The reservoir size; ${DEFAULT_SAMPLE_SIZE} by default`],
    returns: 'The sampler.',
    call(args) {
      if (args.length === 0 || args[0] === null || args[0] === undefined) return new UniformSampler();
      const size = args[0];
      let n: number | null = null;
      if (isNumber(size)) n = Math.trunc(toDouble(size));
      else if (typeof size === 'string' && /^\s*[+-]?\d+\s*$/.test(size)) n = Number(size);
      if (n === null) throw new StellarFunctionError(`SAMPLE_INIT: size is expected to be an integer, but was ${describe(size)}`);
      if (n <= 0) throw new StellarFunctionError('SAMPLE_INIT: size must be a positive integer');
      return new UniformSampler(n);
    },
  },
  {
    name: 'SAMPLE_ADD',
    namespace: 'SAMPLE',
    description: 'Offers a value, or each value of a list, to a sampler (a new default sampler when null).',
    params: ['sampler - The sampler, or null for a new one', 'value - A value or a list of values'],
    returns: 'The sampler.',
    call(args, ctx) {
      if (args.length === 0) return null;
      if (args.length < 2) throw new StellarFunctionError('SAMPLE_ADD expects a sampler and a value to add');
      const given = args[0]!;
      let sampler: UniformSampler;
      if (given === null) sampler = new UniformSampler();
      else if (given instanceof UniformSampler) sampler = given;
      else throw new StellarFunctionError(`SAMPLE_ADD: expected a sampler, but found ${describe(given)}`);
      const values = args[1]!;
      if (values === null) return sampler;
      if (Array.isArray(values)) {
        ctx.step(values.length);
        sampler.addAll(values);
      }
      else sampler.add(values);
      return sampler;
    },
  },
  {
    name: 'SAMPLE_GET',
    namespace: 'SAMPLE',
    description: 'Gives the values a sampler currently holds.',
    params: ['sampler - The sampler'],
    returns: 'The sample as a list, or null when sampler is null.',
    call(args) {
      const s = args[0];
      if (s === undefined || s === null) return null;
      if (!(s instanceof UniformSampler)) throw new StellarFunctionError(`SAMPLE_GET: expected a sampler, but found ${describe(s)}`);
      return s.sample();
    },
  },
  {
    name: 'SAMPLE_MERGE',
    namespace: 'SAMPLE',
    description: 'Resamples the union of several samples into one sampler.',
    params: [
      'samplers - A list of samplers',
      'baseSampler - (optional) The sampler to merge into; an empty copy of the first sampler by default',
    ],
    returns: 'The merged sampler, or null when there is nothing to merge.',
    call(args) {
      if (args.length === 0) return null;
      const list = args[0];
      if (list === null || list === undefined) return null;
      if (!Array.isArray(list)) throw new StellarFunctionError('SAMPLE_MERGE: expected a list of samplers');
      const samplers = list.map((s) => {
        if (!(s instanceof UniformSampler)) throw new StellarFunctionError(`SAMPLE_MERGE: expected a sampler, but found ${describe(s)}`);
        return s;
      });
      const base = args[1];
      if (base !== undefined && base !== null && !(base instanceof UniformSampler)) {
        throw new StellarFunctionError('SAMPLE_MERGE: expected baseSampler to be a sampler');
      }
      if (samplers.length === 0 && (base === undefined || base === null)) return null;
      const merged = base instanceof UniformSampler ? base : samplers[0]!.cloneEmpty();
      for (const s of samplers) merged.addAll(s.sample());
      return merged;
    },
  },
];
