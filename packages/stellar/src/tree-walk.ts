/**
 * A naive tree-walking Stellar interpreter: a recursive switch on the node type, re-run for
 * every evaluation (function names looked up, literal lists rebuilt, operators dispatched on
 * each visit).
 *
 * NOT USED IN PRODUCTION. The production path is compiler.ts (AST compiled once to closures,
 * via evaluate.ts `compile`). This file exists as the baseline that bench/stellar.js measures the
 * compiled path against, and as a second, independent reading of the semantics that
 * tree-walk.test.ts checks the compiler against.
 *
 * It walks the SAME AST (parser.ts) with the SAME semantics as the compiler: it reuses the
 * compiler's RunState (variables, `_`, step and time limits, the FunctionContext functions see),
 * `inOp` and `toBooleanLenient`, and numeric.ts / equality.ts. Known differences, all about
 * WHEN an error is raised rather than what a successful evaluation returns:
 * - an unknown function is a StellarParseError when the call is reached, not before the run
 *   (the compiler rejects it at compile time even in a branch that never runs);
 * - error messages carry `options.source` when given, else an empty expression (no caret).
 */
import type { ArithOp, CompareOp, Node } from './ast.js';
import { callIfLambda, inOp, putJava, RunState, toBooleanLenient } from './compiler.js';
import { stellarEquals } from './equality.js';
import { StellarEvalError, StellarParseError, type SourceSpan } from './errors.js';
import { StellarFunctionError } from './functions/types.js';
import { resolveLimits, type StellarLimits } from './limits.js';
import { ArithmeticError, arithmetic, compareNumbers } from './numeric.js';
import type { FunctionRegistry } from './registry.js';
import { isNumber, JInt, typeName, type StellarLambda, type StellarValue } from './values.js';

/** The parser, re-exported so a caller of the baseline (bench/stellar.js) can build its AST. */
export { parse, type ParseLimits } from './parser.js';

export interface TreeWalkOptions extends Partial<StellarLimits> {
  /** The expression text, for error positions and carets (default ''). */
  source?: string;
  /** As EvalContext.missingVariables: 'error' (the default, as `run`) or 'null'. */
  missingVariables?: 'error' | 'null';
  /** Current time in epoch ms, for time functions (default Date.now). */
  now?: () => number;
}

/** Lambda arguments in scope, innermost first. */
interface Scope {
  readonly names: readonly string[];
  readonly vals: readonly StellarValue[];
  readonly parent: Scope | null;
}

const INT_ZERO = new JInt(0);

/**
 * Evaluates `node` against `vars` by walking the tree. Same result as
 * `compile(source).run(vars)` for the same AST; throws StellarEvalError (or StellarParseError
 * for an unknown function).
 */
export function interpret(node: Node, vars: Record<string, StellarValue>, registry: FunctionRegistry, options?: TreeWalkOptions): StellarValue {
  const limits = resolveLimits(options);
  const source = options?.source ?? '';
  const state = new RunState(
    source,
    vars,
    null,
    options?.missingVariables !== 'null',
    registry,
    options?.now ?? Date.now,
    limits.maxSteps,
    limits.maxTimeMs,
    Date.now(),
    { start: 0, end: source.length },
  );
  return walk(node, state, null, registry, source);
}

function walk(n: Node, s: RunState, scope: Scope | null, registry: FunctionRegistry, source: string): StellarValue {
  switch (n.type) {
    case 'empty':
      return null;
    case 'literal':
      return n.value;
    case 'variable':
      return variable(n.name, n, s, scope, source);
    case 'exists': {
      const found = lookup(scope, n.name);
      if (found !== NOT_FOUND) return found != null;
      return s.resolve(n.name) != null;
    }
    case 'list': {
      const out: StellarValue[] = [];
      for (const item of n.items) out.push(walk(item, s, scope, registry, source));
      return out;
    }
    case 'map': {
      const m = new Map<StellarValue, StellarValue>();
      for (const [k, v] of n.entries) putJava(m, walk(k, s, scope, registry, source), walk(v, s, scope, registry, source));
      return m;
    }
    case 'arith':
      return arith(n.op, walk(n.left, s, scope, registry, source), walk(n.right, s, scope, registry, source), n, source);
    case 'compare':
      return compare(n.op, walk(n.left, s, scope, registry, source), walk(n.right, s, scope, registry, source), n, source);
    case 'logical':
      if (n.op === 'and') return toBooleanLenient(walk(n.left, s, scope, registry, source)) && toBooleanLenient(walk(n.right, s, scope, registry, source));
      return toBooleanLenient(walk(n.left, s, scope, registry, source)) || toBooleanLenient(walk(n.right, s, scope, registry, source));
    case 'not':
      return !toBooleanLenient(walk(n.operand, s, scope, registry, source));
    case 'in': {
      const found = inOp(walk(n.item, s, scope, registry, source), walk(n.container, s, scope, registry, source));
      return n.negated ? !found : found;
    }
    case 'conditional':
      return condition(walk(n.test, s, scope, registry, source), n.test, source)
        ? walk(n.then, s, scope, registry, source)
        : walk(n.otherwise, s, scope, registry, source);
    case 'match': {
      for (const c of n.clauses) {
        if (condition(walk(c.check, s, scope, registry, source), c.check, source)) return callIfLambda(walk(c.action, s, scope, registry, source));
      }
      return callIfLambda(walk(n.otherwise, s, scope, registry, source));
    }
    case 'lambda':
      return lambda(n.params, n.body, n, s, scope, registry, source);
    case 'call':
      return call(n, s, scope, registry, source);
    default:
      throw new StellarEvalError(`tree walk: unsupported node type '${(n as { type: string }).type}'`, source, n as SourceSpan);
  }
}

const NOT_FOUND = Symbol('not found');

/** A lambda parameter by name (innermost first, the last of duplicated names), or NOT_FOUND. */
function lookup(scope: Scope | null, name: string): StellarValue | typeof NOT_FOUND {
  for (let sc = scope; sc !== null; sc = sc.parent) {
    const i = sc.names.lastIndexOf(name);
    if (i >= 0) {
      const v = sc.vals[i];
      return v === undefined ? null : v;
    }
  }
  return NOT_FOUND;
}

function variable(name: string, span: SourceSpan, s: RunState, scope: Scope | null, source: string): StellarValue {
  const found = lookup(scope, name);
  if (found !== NOT_FOUND) return found;
  const v = s.resolve(name);
  if (v !== undefined) return v;
  if (name === '_') {
    const all = s.allVariables();
    if (all !== undefined) return all;
  }
  // inside a lambda body a missing variable is null, as in the compiler
  if (s.missingIsError && scope === null) throw new StellarEvalError(`variable '${name}' is not defined`, source, span);
  return null;
}

function arith(op: ArithOp, a: StellarValue, b: StellarValue, span: SourceSpan, source: string): StellarValue {
  if (typeof a === 'number' && typeof b === 'number') {
    switch (op) {
      case '+': return a + b;
      case '-': return a - b;
      case '*': return a * b;
      default: return a / b;
    }
  }
  const x = a === null || a === undefined ? INT_ZERO : a;
  const y = b === null || b === undefined ? INT_ZERO : b;
  if (!isNumber(x) || !isNumber(y)) {
    const bad = isNumber(x) ? y : x;
    throw new StellarEvalError(
      `'${op}' needs numbers but got ${typeName(bad)}${typeof bad === 'string' ? ' (Stellar has no string concatenation operator; use JOIN or FORMAT)' : ''}`,
      source,
      span,
    );
  }
  try {
    return arithmetic(op, x, y);
  } catch (e) {
    if (e instanceof ArithmeticError) throw new StellarEvalError(`arithmetic error: ${e.message}`, source, span, { cause: e });
    throw e;
  }
}

function compare(op: CompareOp, a: StellarValue, b: StellarValue, span: SourceSpan, source: string): boolean {
  if (op === '==') return stellarEquals(a, b);
  if (op === '!=') return !stellarEquals(a, b);
  if (a === null || b === null || a === undefined || b === undefined) return false;
  let c: number;
  if (typeof a === 'number' && typeof b === 'number') c = a < b ? -1 : a > b ? 1 : a === b ? 0 : Number.NaN;
  else if (isNumber(a) && isNumber(b)) c = compareNumbers(a, b);
  else if ((typeof a === 'string' && typeof b === 'string') || (typeof a === 'boolean' && typeof b === 'boolean')) c = a < b ? -1 : a > b ? 1 : 0;
  else {
    throw new StellarEvalError(
      `unsupported comparison: ${typeName(a)} ${op} ${typeName(b)} (only numbers, or two values of the same type, compare)`,
      source,
      span,
    );
  }
  switch (op) {
    case '<': return c < 0;
    case '<=': return c <= 0;
    case '>': return c > 0;
    default: return c >= 0;
  }
}

/** Conditions of `?:`, `if` and match clauses: null and empty collections are false. */
function condition(v: StellarValue, span: SourceSpan, source: string): boolean {
  if (v === true || v === false) return v;
  if (v === null || v === undefined) return false;
  if (Array.isArray(v)) {
    if (v.length === 0) return false;
  } else if (v instanceof Map || v instanceof Set) {
    if (v.size === 0) return false;
  }
  throw new StellarEvalError(`condition must be a boolean but is ${typeName(v)}`, source, span);
}


function lambda(
  params: readonly string[],
  body: Node,
  span: SourceSpan,
  s: RunState,
  scope: Scope | null,
  registry: FunctionRegistry,
  source: string,
): StellarLambda {
  return {
    kind: 'lambda',
    params,
    call(args: StellarValue[]): StellarValue {
      const saved = s.at;
      s.at = span;
      s.step();
      s.at = saved;
      const vals: StellarValue[] = [];
      for (let i = 0; i < params.length; i++) vals.push(args[i] === undefined ? null : args[i]!);
      return walk(body, s, { names: params, vals, parent: scope }, registry, source);
    },
  };
}

function call(n: Extract<Node, { type: 'call' }>, s: RunState, scope: Scope | null, registry: FunctionRegistry, source: string): StellarValue {
  const name = n.name;
  const fn = registry.get(name);
  if (fn === undefined) {
    const upper = registry.get(name.toUpperCase());
    const hint = upper ? ` (function names are case-sensitive: did you mean ${upper.name}?)` : '';
    throw new StellarParseError(`Unable to resolve function named '${name}'${hint}`, source, { start: n.start, end: n.nameEnd });
  }
  const values: StellarValue[] = [];
  for (const a of n.args) values.push(walk(a, s, scope, registry, source));
  s.at = n;
  s.step();
  if (fn.requires !== undefined && s.service(fn.requires) === undefined) {
    throw new StellarEvalError(`${name} needs the ${fn.requires} module, which is not installed`, source, n);
  }
  let result: StellarValue;
  try {
    result = fn.call(values, s);
  } catch (e) {
    if (e instanceof StellarEvalError) throw e;
    if (e instanceof StellarFunctionError) {
      throw new StellarEvalError(e.message.startsWith(name) ? e.message : `${name}: ${e.message}`, source, n, { cause: e });
    }
    throw new StellarEvalError(`${name} failed: ${e instanceof Error ? e.message : String(e)}`, source, n, { cause: e });
  }
  return result === undefined ? null : result;
}

