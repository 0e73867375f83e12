/** The public Stellar API: compile once, run many times. */
import type { Node } from './ast.js';
import { compileAst, RunState, type Evaluator } from './compiler.js';
import { StellarEvalError, StellarParseError, type SourceSpan } from './errors.js';
import { resolveLimits, type StellarLimits } from './limits.js';
import { children, parse } from './parser.js';
import { defaultRegistry, type FunctionRegistry } from './registry.js';
import type { StellarValue } from './values.js';

export interface StellarOptions extends Partial<StellarLimits> {
  /** The functions (and services) expressions may call; defaults to every built-in function. */
  functions?: FunctionRegistry;
}

/** What an evaluation sees of its environment. */
export interface EvalContext {
  /** Current time in epoch ms, for time functions (injectable for repeatable tests). */
  now: () => number;
  /**
   * A variable that is not set: 'error' (the default for run) fails the evaluation; 'null' (the
   * default for predicate, and Metron's behaviour in its pipeline) reads it as null.
   */
  missingVariables: 'error' | 'null';
}

export type Variables = Record<string, StellarValue> | ((name: string) => StellarValue | undefined);

export interface CompiledExpression {
  readonly source: string;
  /** Names of the variables the expression reads (lambda parameters excluded), sorted. */
  readonly variables: readonly string[];
  /** Names of the functions it calls, sorted. */
  readonly functions: readonly string[];
  /** Evaluates the expression. Throws StellarEvalError. */
  run(vars: Variables, ctx?: Partial<EvalContext>): StellarValue;
  /** Evaluates a rule: an empty expression is true, a missing variable is null, null is false. */
  predicate(vars: Variables, ctx?: Partial<EvalContext>): boolean;
}

let sharedDefault: FunctionRegistry | undefined;

/** The registry used when options.functions is not given (built once, shared). */
function registryOf(options: StellarOptions | undefined): FunctionRegistry {
  if (options?.functions) return options.functions;
  sharedDefault ??= defaultRegistry();
  return sharedDefault;
}

/** Parses and compiles an expression once. Throws StellarParseError. */
export function compile(expression: string, options?: StellarOptions): CompiledExpression {
  const limits = resolveLimits(options);
  const registry = registryOf(options);
  let ast: Node;
  let evaluator: Evaluator;
  try {
    ast = parse(expression, limits);
    evaluator = compileAst(ast, expression, registry);
  } catch (e) {
    // a maxDepth set very high can still overflow the JS stack: report it as the limit it is
    if (e instanceof RangeError) {
      throw new StellarParseError(`expression nested too deeply for this runtime (maxDepth ${limits.maxDepth} is too high)`, expression, undefined, { cause: e });
    }
    throw e;
  }
  const { variables, functions } = collectNames(ast);
  return new Compiled(expression, ast.type === 'empty', evaluator, registry, limits, variables, functions);
}

/** Checks an expression without running it (for editors): ok, or the parse error with its caret. */
export function validate(expression: string, options?: StellarOptions): { ok: true } | { ok: false; error: StellarParseError } {
  try {
    compile(expression, options);
    return { ok: true };
  } catch (e) {
    if (e instanceof StellarParseError) return { ok: false, error: e };
    throw e;
  }
}

class Compiled implements CompiledExpression {
  private readonly whole: SourceSpan;

  constructor(
    readonly source: string,
    private readonly empty: boolean,
    private readonly evaluator: Evaluator,
    private readonly registry: FunctionRegistry,
    private readonly limits: StellarLimits,
    readonly variables: readonly string[],
    readonly functions: readonly string[],
  ) {
    this.whole = { start: 0, end: source.length };
  }

  run(vars: Variables, ctx?: Partial<EvalContext>): StellarValue {
    return this.evaluate(vars, ctx, ctx?.missingVariables !== 'null');
  }

  predicate(vars: Variables, ctx?: Partial<EvalContext>): boolean {
    if (this.empty) return true;
    const v = this.evaluate(vars, ctx, ctx?.missingVariables === 'error');
    if (v === true || v === false) return v;
    if (v === null) return false;
    throw new StellarEvalError(`the rule does not return a boolean value (it returned ${describeValue(v)})`, this.source, {
      start: 0,
      end: this.source.length,
    });
  }

  private evaluate(vars: Variables, ctx: Partial<EvalContext> | undefined, missingIsError: boolean): StellarValue {
    const startedAt = Date.now();
    const state = new RunState(
      this.source,
      typeof vars === 'function' ? null : vars,
      typeof vars === 'function' ? vars : null,
      missingIsError,
      this.registry,
      ctx?.now ?? Date.now,
      this.limits.maxSteps,
      this.limits.maxTimeMs,
      startedAt,
      this.whole,
    );
    return this.evaluator(state, null);
  }
}

function describeValue(v: StellarValue): string {
  if (typeof v === 'string') return `the string '${v.length > 40 ? `${v.slice(0, 40)}...` : v}'`;
  if (Array.isArray(v)) return 'a list';
  if (v instanceof Map) return 'a map';
  return String(v);
}

function collectNames(root: Node): { variables: string[]; functions: string[] } {
  const variables = new Set<string>();
  const functions = new Set<string>();
  const walk = (n: Node, bound: ReadonlySet<string>): void => {
    if ((n.type === 'variable' || n.type === 'exists') && !bound.has(n.name)) variables.add(n.name);
    if (n.type === 'call') functions.add(n.name);
    const inner = n.type === 'lambda' ? new Set([...bound, ...n.params]) : bound;
    for (const c of children(n)) walk(c, inner);
  };
  walk(root, new Set());
  return { variables: [...variables].sort(), functions: [...functions].sort() };
}
