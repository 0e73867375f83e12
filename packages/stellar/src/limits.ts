/**
 * Limits on a Stellar expression. Rules are user input: size and nesting are checked when the
 * expression compiles, steps (function and lambda calls) and wall time while it runs.
 */
export interface StellarLimits {
  /** Most AST nodes an expression may have. */
  maxNodes: number;
  /** Deepest nesting of sub-expressions. */
  maxDepth: number;
  /** Most steps per evaluation: each function call, lambda call and ctx.step() counts. */
  maxSteps: number;
  /** Longest wall time per evaluation, checked at each step. */
  maxTimeMs: number;
}

export const DEFAULT_LIMITS: Readonly<StellarLimits> = Object.freeze({
  maxNodes: 10_000,
  maxDepth: 100,
  maxSteps: 1_000_000,
  maxTimeMs: 1000,
});

/** The effective limits: defaults overridden by the given (finite, positive) values. */
export function resolveLimits(given: Partial<StellarLimits> | undefined): StellarLimits {
  const pick = (key: keyof StellarLimits): number => {
    const v = given?.[key];
    return typeof v === 'number' && v > 0 ? v : DEFAULT_LIMITS[key];
  };
  return { maxNodes: pick('maxNodes'), maxDepth: pick('maxDepth'), maxSteps: pick('maxSteps'), maxTimeMs: pick('maxTimeMs') };
}
