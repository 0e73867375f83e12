import type { StellarValue } from '../values.js';

/** An error raised by a function: the evaluator reports it with the call's position. */
export class StellarFunctionError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'StellarFunctionError';
  }
}

/** What a function sees of the evaluation besides its arguments. */
export interface FunctionContext {
  /** Reads a variable (message field); undefined when it is not set. */
  resolve(name: string): StellarValue | undefined;
  /** Current time in epoch ms (injectable so tests are repeatable). */
  now(): number;
  /** Services installed by other modules (geo, enrichment store, profiler, ...), by name. */
  service<T>(name: string): T | undefined;
  /** Counts work against the evaluation's step limit; functions looping over big inputs call it. */
  step(n?: number): void;
}

/** One Stellar function: its documentation (REPL help, docs, UI autocomplete) and its code. */
export interface StellarFunction {
  /** Fully qualified name as users write it, e.g. `TO_UPPER`, `STATS_ADD`, `ENRICHMENT_GET`. */
  name: string;
  /** Metron namespace (`STATS`, `GEO`, ...) or '' — from stellar-functions.json. */
  namespace: string;
  /** Your own one-sentence description. */
  description: string;
  /** `name - what it is` per parameter, optional ones marked `(optional)`. */
  params: string[];
  returns: string;
  /**
   * The implementation. Arguments arrive evaluated (lambdas as StellarLambda). Metron's functions
   * are lenient: a wrong type usually gives null rather than an error — follow Metron per function.
   * Throw StellarFunctionError for a clear user-facing error.
   */
  call(args: StellarValue[], ctx: FunctionContext): StellarValue;
  /**
   * Set when the function needs a service another module installs (e.g. 'geo', 'enrichment',
   * 'profiler', 'kafka', 'http', 'fs', 'grok', 'triage', 'config'): until it is installed a call
   * fails with "FUNCTION needs the <service> module, which is not installed".
   */
  requires?: string;
  /** True when the result depends only on the arguments (the compiler may fold constant calls). */
  pure?: boolean;
}

/** The function list of one namespace file: `export const functions: StellarFunction[] = [...]`. */
export type FunctionList = readonly StellarFunction[];
