/**
 * OUTLIER_MAD_* (Metron's MedianAbsoluteDeviationFunctions): the modified z-score of
 * Iglewicz & Hoaglin (scale * |x - median| / MAD), with medians taken from the t-digest of
 * {@link OnlineStatistics}, so states merge across time windows.
 */
import { isNumber, toDouble } from '../values.js';
import type { StellarValue } from '../values.js';
import { StellarFunctionError } from './types.js';
import type { StellarFunction } from './types.js';
import { OnlineStatistics } from './stats.js';

/** The default scale: 0.6745, the 0.75 quantile of the standard normal distribution. */
export const DEFAULT_SCALE = 0.6745;

/**
 * Metron's MAD state: the current tick's values and deviations, and those of the window (the
 * merged previous ticks plus the current one).
 */
export class MadState {
  tickMedian: OnlineStatistics;
  tickMad: OnlineStatistics;
  windowMedian: OnlineStatistics;
  windowMad: OnlineStatistics;

  constructor(previous: readonly MadState[] = [], current?: MadState) {
    this.tickMedian = new OnlineStatistics();
    this.tickMad = new OnlineStatistics();
    // as Metron: the window starts from the current state's tick sketches (shared, not copied)
    let windowMedian = current ? current.tickMedian : new OnlineStatistics();
    let windowMad = current ? current.tickMad : new OnlineStatistics();
    for (const s of previous) {
      windowMedian = windowMedian.merge(s.tickMedian) as OnlineStatistics;
      windowMad = windowMad.merge(s.tickMad) as OnlineStatistics;
    }
    this.windowMedian = windowMedian;
    this.windowMad = windowMad;
  }

  add(value: number): void {
    if (Number.isNaN(value)) return;
    this.tickMedian.addValue(value);
    const deviation = Math.abs(value - this.windowMedian.percentile(50));
    this.windowMedian.addValue(value);
    if (!Number.isNaN(deviation)) {
      this.windowMad.addValue(deviation);
      this.tickMad.addValue(deviation);
    }
  }

  /** The modified z-score of a value against the window. */
  score(value: number, scale = DEFAULT_SCALE): number {
    const deviation = Math.abs(value - this.windowMedian.percentile(50));
    return (scale * deviation) / this.windowMad.percentile(50);
  }
}

function numberOf(fn: string, v: StellarValue): number {
  if (!isNumber(v)) throw new StellarFunctionError(`${fn}: values must be numbers`);
  return toDouble(v);
}

export const functions: StellarFunction[] = [
  {
    name: 'OUTLIER_MAD_STATE_MERGE',
    namespace: 'OUTLIER',
    description: 'Builds a median absolute deviation state whose window merges earlier states (typically from earlier time periods).',
    params: ['states - A list of MAD states to merge', 'currentState - (optional) The current state'],
    returns: 'A new MAD state.',
    call(args) {
      const given = args[0];
      let previous: MadState[] = [];
      if (Array.isArray(given)) {
        previous = given.filter((s): s is MadState => s instanceof MadState);
      } else if (given !== null && given !== undefined) {
        throw new StellarFunctionError('OUTLIER_MAD_STATE_MERGE: states must be a list of MAD states');
      }
      const current = args[1];
      if (current !== undefined && current !== null && !(current instanceof MadState)) {
        throw new StellarFunctionError('OUTLIER_MAD_STATE_MERGE: currentState must be a MAD state');
      }
      return new MadState(previous, current ?? undefined);
    },
  },
  {
    name: 'OUTLIER_MAD_ADD',
    namespace: 'OUTLIER',
    description: 'Adds a value, or a list of values, to a median absolute deviation state.',
    params: ['state - The MAD state', 'value - A number or a list of numbers'],
    returns: 'The MAD state (null when state is null).',
    call(args, ctx) {
      const state = args[0];
      const v = args[1];
      const data: number[] = [];
      if (v !== null && v !== undefined) {
        if (Array.isArray(v)) for (const x of v) data.push(numberOf('OUTLIER_MAD_ADD', x));
        else data.push(numberOf('OUTLIER_MAD_ADD', v));
      }
      if (state === null || state === undefined) return null;
      if (!(state instanceof MadState)) throw new StellarFunctionError('OUTLIER_MAD_ADD: state must be a MAD state');
      ctx.step(data.length);
      for (const d of data) state.add(d);
      return state;
    },
  },
  {
    name: 'OUTLIER_MAD_SCORE',
    namespace: 'OUTLIER',
    description: 'Scores a value by its modified z-score: scale * |value - median| / MAD over the state window.',
    params: ['state - The MAD state', 'value - The value to score', `scale - (optional) The scale; ${DEFAULT_SCALE} by default`],
    returns: 'The modified z-score, or NaN when state or value is null.',
    call(args) {
      const state = args[0];
      const value = args[1];
      const scaleArg = args[2];
      const scale = scaleArg === undefined || scaleArg === null ? DEFAULT_SCALE : numberOf('OUTLIER_MAD_SCORE', scaleArg);
      if (value === null || value === undefined || state === null || state === undefined) return Number.NaN;
      if (!(state instanceof MadState)) throw new StellarFunctionError('OUTLIER_MAD_SCORE: state must be a MAD state');
      return state.score(numberOf('OUTLIER_MAD_SCORE', value), scale);
    },
  },
];
