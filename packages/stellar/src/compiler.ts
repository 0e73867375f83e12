/**
 * Compiles a Stellar AST to nested closures, once; evaluation then only calls closures (no
 * eval / new Function, so it runs under a strict CSP in the browser).
 *
 * Semantics follow Metron's StellarCompiler:
 * - `and` / `or` short-circuit and read operands leniently (Metron's ConversionUtils: null, an
 *   empty list or an unconvertible value is false; 'true'/'yes'/'1' strings are true).
 * - Conditions of `?:`, `if` and match clauses: null and empty collections are false, a
 *   boolean is itself, anything else is an error.
 * - Arithmetic treats null as int 0; any other non-number is an error.
 * - Variables inside a lambda body fall back to the outer variables, and a missing one is null.
 * - A match action that evaluates to a lambda is called with no arguments.
 */
import type { CompareOp, Node } from './ast.js';
import { collectionContains, javaEquals, mapHas, stellarEquals } from './equality.js';
import { StellarEvalError, StellarParseError, type SourceSpan } from './errors.js';
import { StellarFunctionError, type FunctionContext, type StellarFunction } from './functions/types.js';
import { ArithmeticError, arithmetic, compareNumbers, type ArithOperator } from './numeric.js';
import type { FunctionRegistry } from './registry.js';
import { isLambda, isNumber, JInt, JLong, typeName, type StellarLambda, type StellarValue } from './values.js';

/** Lambda arguments in scope: one frame per enclosing lambda, innermost first. */
interface Env {
  readonly vals: StellarValue[];
  readonly parent: Env | null;
}

export type Evaluator = (s: RunState, env: Env | null) => StellarValue;

/** The state of one evaluation; it is also the FunctionContext functions receive. */
export class RunState implements FunctionContext {
  steps = 0;
  /** The call being evaluated, for positions of errors raised inside functions. */
  at: SourceSpan;

  constructor(
    readonly source: string,
    private readonly vars: Record<string, StellarValue> | null,
    private readonly resolver: ((name: string) => StellarValue | undefined) | null,
    readonly missingIsError: boolean,
    private readonly registry: FunctionRegistry,
    private readonly clock: () => number,
    private readonly maxSteps: number,
    private readonly maxTimeMs: number,
    private readonly startedAt: number,
    wholeExpression: SourceSpan,
  ) {
    this.at = wholeExpression;
  }

  resolve(name: string): StellarValue | undefined {
    if (this.vars !== null) return Object.hasOwn(this.vars, name) ? this.vars[name] : undefined;
    return this.resolver!(name);
  }

  /** Metron's `_`: every variable, as a map (only when the variables were given as a record). */
  allVariables(): Map<StellarValue, StellarValue> | undefined {
    if (this.vars === null) return undefined;
    const m = new Map<StellarValue, StellarValue>();
    for (const k of Object.keys(this.vars)) {
      const v = this.vars[k];
      if (v !== undefined) m.set(k, v);
    }
    return m;
  }

  now(): number {
    return this.clock();
  }

  service<T>(name: string): T | undefined {
    return this.registry.service<T>(name);
  }

  step(n = 1): void {
    const before = this.steps;
    this.steps = before + n;
    if (this.steps > this.maxSteps) {
      throw new StellarEvalError(`evaluation stopped: more than maxSteps (${this.maxSteps}) steps`, this.source, this.at, { limit: 'maxSteps' });
    }
    // wall time is checked every 64 steps: Date.now() is cheap but not free
    if (this.steps >>> 6 !== before >>> 6 && Date.now() - this.startedAt > this.maxTimeMs) {
      throw new StellarEvalError(`evaluation stopped: took longer than maxTimeMs (${this.maxTimeMs} ms)`, this.source, this.at, { limit: 'maxTimeMs' });
    }
  }
}

const INT_ZERO = new JInt(0);

/** Compiles an AST. Unknown functions are a StellarParseError (as Metron's validation has it). */
export function compileAst(root: Node, source: string, registry: FunctionRegistry): Evaluator {
  const err = (message: string, span: SourceSpan, cause?: unknown): StellarEvalError =>
    new StellarEvalError(message, source, span, cause === undefined ? undefined : { cause });

  const compile = (n: Node, scopes: readonly (readonly string[])[]): Evaluator => {
    switch (n.type) {
      case 'empty':
        return () => null;
      case 'literal': {
        const v = n.value;
        return () => v;
      }
      case 'variable':
        return compileVariable(n.name, n, scopes);
      case 'exists': {
        const slot = findSlot(n.name, scopes);
        const name = n.name;
        if (slot) return (_s, env) => readSlot(env, slot) != null;
        return (s) => s.resolve(name) != null;
      }
      case 'list': {
        const items = n.items.map((i) => compile(i, scopes));
        const len = items.length;
        return (s, env) => {
          const out: StellarValue[] = new Array<StellarValue>(len);
          for (let i = 0; i < len; i++) out[i] = items[i]!(s, env);
          return out;
        };
      }
      case 'map': {
        const entries = n.entries.map(([k, v]) => [compile(k, scopes), compile(v, scopes)] as const);
        return (s, env) => {
          const m = new Map<StellarValue, StellarValue>();
          for (const [k, v] of entries) putJava(m, k(s, env), v(s, env));
          return m;
        };
      }
      case 'arith':
        return compileArith(n.op, compile(n.left, scopes), compile(n.right, scopes), n);
      case 'compare':
        return compileCompare(n.op, compile(n.left, scopes), compile(n.right, scopes), n);
      case 'logical': {
        const l = compile(n.left, scopes);
        const r = compile(n.right, scopes);
        return n.op === 'and'
          ? (s, env) => toBooleanLenient(l(s, env)) && toBooleanLenient(r(s, env))
          : (s, env) => toBooleanLenient(l(s, env)) || toBooleanLenient(r(s, env));
      }
      case 'not': {
        const o = compile(n.operand, scopes);
        return (s, env) => !toBooleanLenient(o(s, env));
      }
      case 'in': {
        const item = compile(n.item, scopes);
        // `x in ['a', 'b']`: a literal list that never escapes is built once, at compile time
        const c = n.container;
        const constant = c.type === 'list' && c.items.every((i) => i.type === 'literal')
          ? c.items.map((i) => (i as { value: StellarValue }).value)
          : undefined;
        const container: Evaluator = constant ? () => constant : compile(c, scopes);
        return n.negated
          ? (s, env) => !inOp(item(s, env), container(s, env))
          : (s, env) => inOp(item(s, env), container(s, env));
      }
      case 'conditional': {
        const test = compile(n.test, scopes);
        const then = compile(n.then, scopes);
        const otherwise = compile(n.otherwise, scopes);
        const span = n.test;
        return (s, env) => (condition(test(s, env), span) ? then(s, env) : otherwise(s, env));
      }
      case 'match': {
        const clauses = n.clauses.map((c) => ({ check: compile(c.check, scopes), action: compile(c.action, scopes), span: c.check as SourceSpan }));
        const otherwise = compile(n.otherwise, scopes);
        return (s, env) => {
          for (const c of clauses) {
            if (condition(c.check(s, env), c.span)) return callIfLambda(c.action(s, env));
          }
          return callIfLambda(otherwise(s, env));
        };
      }
      case 'lambda': {
        const params = n.params;
        const body = compile(n.body, [params, ...scopes]);
        const span: SourceSpan = n;
        return (s, env) => makeLambda(params, body, s, env, span);
      }
      case 'call':
        return compileCall(n.name, n.args.map((a) => compile(a, scopes)), n, { start: n.start, end: n.nameEnd });
    }
  };

  const compileVariable = (name: string, span: SourceSpan, scopes: readonly (readonly string[])[]): Evaluator => {
    const slot = findSlot(name, scopes);
    if (slot) return (_s, env) => readSlot(env, slot);
    const inLambda = scopes.length > 0;
    return (s) => {
      const v = s.resolve(name);
      if (v !== undefined) return v;
      if (name === '_') {
        const all = s.allVariables();
        if (all !== undefined) return all;
      }
      if (s.missingIsError && !inLambda) throw err(`variable '${name}' is not defined`, span);
      return null;
    };
  };

  const compileArith = (op: ArithOperator, l: Evaluator, r: Evaluator, span: SourceSpan): Evaluator => {
    const slow = (a: StellarValue, b: StellarValue): StellarValue => {
      const x = a === null || a === undefined ? INT_ZERO : a;
      const y = b === null || b === undefined ? INT_ZERO : b;
      if (!isNumber(x) || !isNumber(y)) {
        const bad = isNumber(x) ? y : x;
        throw err(`'${op}' needs numbers but got ${typeName(bad)}${typeof bad === 'string' ? ' (Stellar has no string concatenation operator; use JOIN or FORMAT)' : ''}`, span);
      }
      try {
        return arithmetic(op, x, y);
      } catch (e) {
        if (e instanceof ArithmeticError) throw err(`arithmetic error: ${e.message}`, span, e);
        throw e;
      }
    };
    switch (op) {
      case '+':
        return (s, env) => {
          const a = l(s, env);
          const b = r(s, env);
          return typeof a === 'number' && typeof b === 'number' ? a + b : slow(a, b);
        };
      case '-':
        return (s, env) => {
          const a = l(s, env);
          const b = r(s, env);
          return typeof a === 'number' && typeof b === 'number' ? a - b : slow(a, b);
        };
      case '*':
        return (s, env) => {
          const a = l(s, env);
          const b = r(s, env);
          return typeof a === 'number' && typeof b === 'number' ? a * b : slow(a, b);
        };
      default:
        return (s, env) => {
          const a = l(s, env);
          const b = r(s, env);
          return typeof a === 'number' && typeof b === 'number' ? a / b : slow(a, b);
        };
    }
  };

  const compileCompare = (op: CompareOp, l: Evaluator, r: Evaluator, span: SourceSpan): Evaluator => {
    if (op === '==') return (s, env) => stellarEquals(l(s, env), r(s, env));
    if (op === '!=') return (s, env) => !stellarEquals(l(s, env), r(s, env));
    const test = (c: number): boolean => (op === '<' ? c < 0 : op === '<=' ? c <= 0 : op === '>' ? c > 0 : c >= 0);
    return (s, env) => {
      const a = l(s, env);
      const b = r(s, env);
      if (a === null || b === null || a === undefined || b === undefined) return false;
      if (typeof a === 'number' && typeof b === 'number') return test(a < b ? -1 : a > b ? 1 : a === b ? 0 : Number.NaN);
      if (isNumber(a) && isNumber(b)) return test(compareNumbers(a, b));
      if ((typeof a === 'string' && typeof b === 'string') || (typeof a === 'boolean' && typeof b === 'boolean')) {
        return test(a < b ? -1 : a > b ? 1 : 0);
      }
      throw err(`unsupported comparison: ${typeName(a)} ${op} ${typeName(b)} (only numbers, or two values of the same type, compare)`, span);
    };
  };

  const compileCall = (name: string, args: Evaluator[], span: SourceSpan, nameSpan: SourceSpan): Evaluator => {
    const fn: StellarFunction | undefined = registry.get(name);
    if (fn === undefined) {
      const upper = registry.get(name.toUpperCase());
      const hint = upper ? ` (function names are case-sensitive: did you mean ${upper.name}?)` : '';
      throw new StellarParseError(`Unable to resolve function named '${name}'${hint}`, source, nameSpan);
    }
    const len = args.length;
    const requires = fn.requires;
    return (s, env) => {
      const values: StellarValue[] = new Array<StellarValue>(len);
      for (let i = 0; i < len; i++) values[i] = args[i]!(s, env);
      s.at = span;
      s.step();
      if (requires !== undefined && s.service(requires) === undefined) {
        throw err(`${name} needs the ${requires} module, which is not installed`, span);
      }
      let result: StellarValue;
      try {
        result = fn.call(values, s);
      } catch (e) {
        if (e instanceof StellarEvalError) throw e;
        if (e instanceof StellarFunctionError) {
          throw err(e.message.startsWith(name) ? e.message : `${name}: ${e.message}`, span, e);
        }
        throw err(`${name} failed: ${e instanceof Error ? e.message : String(e)}`, span, e);
      }
      return result === undefined ? null : result;
    };
  };

  const condition = (v: StellarValue, span: SourceSpan): boolean => {
    if (v === true || v === false) return v;
    if (v === null || v === undefined) return false;
    if (Array.isArray(v)) {
      if (v.length === 0) return false;
    } else if (v instanceof Map || v instanceof Set) {
      if (v.size === 0) return false;
    }
    throw err(`condition must be a boolean but is ${typeName(v)}`, span);
  };

  const makeLambda = (params: readonly string[], body: Evaluator, s: RunState, env: Env | null, span: SourceSpan): StellarLambda => ({
    kind: 'lambda',
    params,
    call(args: StellarValue[]): StellarValue {
      const saved = s.at;
      s.at = span;
      s.step();
      s.at = saved;
      const vals: StellarValue[] = new Array<StellarValue>(params.length);
      for (let i = 0; i < params.length; i++) {
        const a = args[i];
        vals[i] = a === undefined ? null : a;
      }
      return body(s, { vals, parent: env });
    },
  });

  return compile(root, []);
}

interface Slot {
  readonly depth: number;
  readonly index: number;
}

function findSlot(name: string, scopes: readonly (readonly string[])[]): Slot | undefined {
  for (let d = 0; d < scopes.length; d++) {
    const index = scopes[d]!.lastIndexOf(name);
    if (index >= 0) return { depth: d, index };
  }
  return undefined;
}

function readSlot(env: Env | null, slot: Slot): StellarValue {
  let e = env;
  for (let d = slot.depth; d > 0 && e !== null; d--) e = e.parent;
  const v = e?.vals[slot.index];
  return v === undefined ? null : v;
}

/** A lambda in value position is called with no arguments (match actions, conditional branches). */
export function callIfLambda(v: StellarValue): StellarValue {
  return isLambda(v) ? v.call([]) : v;
}

/** Map.put with Java key equality, so `{1: 'a', 1: 'b'}` keeps one key. */
export function putJava(m: Map<StellarValue, StellarValue>, key: StellarValue, value: StellarValue): void {
  if (key !== null && typeof key === 'object' && !m.has(key)) {
    for (const k of m.keys()) {
      if (javaEquals(k, key)) {
        m.set(k, value);
        return;
      }
    }
  }
  m.set(key, value);
}

/** Metron's `in`: substring for two strings, contains for lists and sets, containsKey for maps. */
export function inOp(item: StellarValue, container: StellarValue): boolean {
  if (container === null || container === undefined) return false;
  if (typeof container === 'string') return typeof item === 'string' ? container.includes(item) : item !== null && javaEquals(item, container);
  if (Array.isArray(container) || container instanceof Set) return collectionContains(container as Iterable<unknown>, item);
  if (container instanceof Map) return mapHas(container, item);
  return item !== null && item !== undefined && javaEquals(item, container);
}

const TRUE_STRINGS = new Set(['true', 'yes', 'y', 'on', '1']);

/**
 * Metron's `ConversionUtils.convert(v, Boolean.class)` with a false default: booleans as they
 * are, strings and numbers by their text ('true', 'yes', 'y', 'on', '1'), a collection by its
 * first element, anything else false.
 */
export function toBooleanLenient(v: StellarValue): boolean {
  if (v === true || v === false) return v;
  if (v === null || v === undefined) return false;
  if (typeof v === 'string') return TRUE_STRINGS.has(v.toLowerCase());
  // Java renders Integer/Long 1 as "1"; a double or float 1 is "1.0", which is not true
  if (v instanceof JInt) return v.value === 1;
  if (v instanceof JLong) return v.value === 1n;
  if (Array.isArray(v)) return v.length > 0 && toBooleanLenient(v[0] as StellarValue);
  if (v instanceof Set) {
    for (const x of v) return toBooleanLenient(x as StellarValue);
    return false;
  }
  return false;
}
