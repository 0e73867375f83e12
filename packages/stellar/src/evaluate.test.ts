import { describe, expect, it } from 'vitest';
import {
  compile,
  FunctionRegistry,
  StellarEvalError,
  StellarFunctionError,
  StellarParseError,
  validate,
  float,
  int,
  long,
  isLambda,
  type StellarFunction,
  type StellarValue,
} from './index.js';

const fn = (name: string, call: StellarFunction['call'], extra: Partial<StellarFunction> = {}): StellarFunction => ({
  name, namespace: '', description: name, params: [], returns: '', call, ...extra,
});

/** A small registry so these tests do not depend on the function library. */
const registry = new FunctionRegistry([
  [
    fn('TO_UPPER', ([s]) => (typeof s === 'string' ? s.toUpperCase() : null)),
    fn('MAP', ([list, f]) => (list as StellarValue[]).map((x) => (isLambda(f) ? f.call([x]) : null))),
    fn('REDUCE', ([list, f, init]) => (list as StellarValue[]).reduce<StellarValue>((acc, x) => (isLambda(f) ? f.call([acc, x]) : null), init ?? null)),
    fn('THROW', ([m]) => {
      throw new StellarFunctionError(String(m));
    }),
    fn('LOOP', (_args, ctx) => {
      for (;;) ctx.step();
    }),
    fn('GEO_GET', () => 'geo', { requires: 'geo' }),
    fn('NOW', (_a, ctx) => ctx.now()),
  ],
]);

const run = (expr: string, vars: Record<string, StellarValue> = {}): StellarValue => compile(expr, { functions: registry }).run(vars);
const pred = (expr: string, vars: Record<string, StellarValue> = {}): boolean => compile(expr, { functions: registry }).predicate(vars);

describe('Stellar evaluation', () => {
  it('arithmetic keeps Java types', () => {
    expect(run('1 + 2')).toEqual(int(3));
    expect(run('1L + 2')).toEqual(long(3));
    expect(run('1f + 2')).toEqual(float(3));
    expect(run('1.0 + 2')).toBe(3);
    expect(run('7 / 2')).toEqual(int(3));
    expect(run('1 + 2 * 3 - 4 / 2')).toEqual(int(5));
    expect(run('x - 1', { x: int(5) })).toEqual(int(4));
    expect(run('x + 1', { x: null })).toEqual(int(1)); // Metron reads a null operand as 0
    expect(() => compile('null + 1')).toThrow(StellarParseError);
    expect(() => run('1 / 0')).toThrow(/by zero/);
  });

  it('has no string concatenation with +', () => {
    expect(() => compile("'a' + 'b'")).toThrow(StellarParseError);
    expect(() => run('a + b', { a: 'x', b: 'y' })).toThrow(/needs numbers/);
  });

  it('comparisons: numbers across types, strings with strings, null is false, mixed types fail', () => {
    expect(run('1 < 2.5')).toBe(true);
    expect(run("'abc' < 'abd'")).toBe(true);
    expect(run('x < 1', { x: null })).toBe(false);
    expect(() => run("1 < '1'")).toThrow(StellarEvalError);
    expect(run("1 == '1'")).toBe(false);
    expect(run('NaN != NaN')).toBe(true);
  });

  it('and/or are one right-associative level and short-circuit', () => {
    expect(run("true or THROW('no')")).toBe(true);
    expect(run("false and THROW('no')")).toBe(false);
    expect(run('false and true or true')).toBe(false); // false and (true or true)
    expect(run('x and true', { x: null })).toBe(false);
    expect(run("NOT('yes')")).toBe(false);
    expect(run('NOT([])')).toBe(true);
  });

  it('in / not in over strings, lists, maps; `a in b == c` is `a in (b == c)`', () => {
    expect(run("'ca' in 'casey'")).toBe(true);
    expect(run('1 in [1, 2]')).toBe(true);
    expect(run('1L in [1, 2]')).toBe(false); // Java equals: Long 1 is not Integer 1
    expect(run("'k' in {'k': 1}")).toBe(true);
    expect(run("'x' not in ['y']")).toBe(true);
    expect(run("false in 'grokbar' == true")).toBe(true);
  });

  it('conditionals: ternary, if/then/else, null and empty lists are false', () => {
    expect(run("1 < 2 ? 'a' : 'b'")).toBe('a');
    expect(run("if x then 'a' else 'b'", { x: null })).toBe('b');
    expect(run("[] ? 'a' : 'b'")).toBe('b');
    expect(run("IF true THEN IF false THEN 'a' ELSE 'b' ELSE 'c'")).toBe('b');
    expect(() => run("'s' ? 1 : 2")).toThrow(/condition must be a boolean/);
    expect(run("true ? 1 : THROW('not evaluated')")).toEqual(int(1));
  });

  it('match needs a default, takes the first true clause and calls lambda actions', () => {
    expect(run("match{ x < 10 => 'lo', x < 20 => 'mid', default => 'hi' }", { x: int(15) })).toBe('mid');
    expect(run('match{ false => 1, default => () -> 2 }')).toEqual(int(2));
    expect(() => compile("match{ x > 1 => 'a' }")).toThrow(/default/);
    expect(() => compile("match{ default => 'a', x => 'b' }")).toThrow(StellarParseError);
  });

  it('lambdas bind parameters, see outer variables, and pass missing arguments as null', () => {
    expect(run('MAP([1, 2], x -> x * k)', { k: int(10) })).toEqual([int(10), int(20)]);
    expect(run('REDUCE([1, 2, 3], (s, x) -> s + x, 0)')).toEqual(int(6));
    expect(run("MAP(['a'], (x) -> TO_UPPER(x))")).toEqual(['A']);
    expect(run('MAP([1], () -> 7)')).toEqual([int(7)]);
    expect(run('MAP([1], x -> MAP([2], y -> x + y))')).toEqual([[int(3)]]);
  });

  it('lists, maps, exists, strings and the _ map', () => {
    expect(run("[1, 'a', null, [true]]")).toEqual([int(1), 'a', null, [true]]);
    expect(run("{'a': 1, 'b' : [2]}")).toEqual(new Map<StellarValue, StellarValue>([['a', int(1)], ['b', [int(2)]]]));
    expect(run('exists(x)', { x: 'v' })).toBe(true);
    expect(run('exists(y)', {})).toBe(false);
    expect(run('_', { a: 'x' })).toEqual(new Map([['a', 'x']]));
    expect(run('threat.triage.level', { 'threat.triage.level': int(3) })).toEqual(int(3));
  });

  it('variables: missing is an error in run mode, null in predicate mode and on request', () => {
    expect(() => run('missing')).toThrow(/variable 'missing' is not defined/);
    expect(pred('missing == null')).toBe(true);
    expect(compile('missing', { functions: registry }).run({}, { missingVariables: 'null' })).toBeNull();
    expect(compile('v', { functions: registry }).run((name) => (name === 'v' ? 'resolved' : undefined))).toBe('resolved');
  });

  it('predicate: empty is true, non-boolean results fail', () => {
    expect(pred('')).toBe(true);
    expect(pred('  // just a comment')).toBe(true);
    expect(compile('', { functions: registry }).run({})).toBeNull();
    expect(() => pred("'x'")).toThrow(/does not return a boolean/);
  });

  it('functions: case-sensitive names, unknown is a parse error, errors carry the call position', () => {
    expect(run("TO_UPPER('a')")).toBe('A');
    expect(() => compile("to_upper('a')", { functions: registry })).toThrow(/did you mean TO_UPPER/);
    expect(() => compile('NOPE()', { functions: registry })).toThrow(StellarParseError);
    try {
      run("1 == THROW('boom')");
      expect.unreachable();
    } catch (e) {
      expect(e).toBeInstanceOf(StellarEvalError);
      expect((e as StellarEvalError).message).toBe('THROW: boom');
      expect((e as StellarEvalError).caret()).toBe("1 == THROW('boom')\n     ^^^^^^^^^^^^^");
    }
  });

  it('a function needing a service fails until the service is installed', () => {
    const reg = new FunctionRegistry([[fn('GEO_GET', (_a, ctx) => ctx.service<{ v: string }>('geo')!.v, { requires: 'geo' })]]);
    const c = compile("GEO_GET('1.2.3.4')", { functions: reg });
    expect(() => c.run({})).toThrow('GEO_GET needs the geo module, which is not installed');
    reg.installService('geo', { v: 'ok' });
    expect(c.run({})).toBe('ok');
  });

  it('ctx.now is injectable', () => {
    expect(compile('NOW()', { functions: registry }).run({}, { now: () => 42 })).toBe(42);
  });

  it('reports what the expression reads and calls', () => {
    const c = compile('MAP(xs, x -> x + y) == TO_UPPER(z)', { functions: registry });
    expect(c.variables).toEqual(['xs', 'y', 'z']);
    expect(c.functions).toEqual(['MAP', 'TO_UPPER']);
  });
});

describe('errors and limits', () => {
  it('parse errors point at the failing token', () => {
    const r = validate('1 +* 2', { functions: registry });
    expect(r.ok).toBe(false);
    if (!r.ok) {
      expect(r.error.code).toBe('STELLAR_PARSE');
      expect(r.error.column).toBe(4);
      expect(r.error.caret()).toBe('1 +* 2\n   ^');
    }
    expect(validate("a == 'b'", { functions: registry })).toEqual({ ok: true });
  });

  it('carets land on the right line of multi-line expressions', () => {
    const r = validate('x == 1\n  and (y ==', { functions: registry });
    expect(r.ok).toBe(false);
    if (!r.ok) {
      expect(r.error.line).toBe(2);
      expect(r.error.caret().split('\n')[0]).toBe('  and (y ==');
    }
  });

  it('maxNodes and maxDepth are checked at compile time', () => {
    expect(() => compile('[1, 2, 3, 4, 5]', { functions: registry, maxNodes: 4 })).toThrow(/maxNodes \(4\)/);
    expect(() => compile('((((((1))))))', { functions: registry, maxDepth: 3 })).toThrow(/maxDepth \(3\)/);
    expect(() => compile(Array(50).fill('1').join(' + '), { functions: registry, maxDepth: 20 })).toThrow(/maxDepth/);
    expect(() => compile('('.repeat(100_000) + '1' + ')'.repeat(100_000))).toThrow(StellarParseError);
  });

  it('maxSteps and maxTimeMs stop a run with an error naming the limit', () => {
    const steps = compile('LOOP()', { functions: registry, maxSteps: 1000 });
    expect(() => steps.run({})).toThrow(/maxSteps \(1000\)/);
    try {
      steps.run({});
    } catch (e) {
      expect((e as StellarEvalError).limit).toBe('maxSteps');
    }
    const time = compile('LOOP()', { functions: registry, maxSteps: Number.MAX_SAFE_INTEGER, maxTimeMs: 20 });
    expect(() => time.run({})).toThrow(/maxTimeMs \(20 ms\)/);
  });

  it('lambda calls count as steps', () => {
    const c = compile('MAP(xs, x -> x)', { functions: registry, maxSteps: 50 });
    expect(() => c.run({ xs: Array.from({ length: 100 }, (_, i) => int(i)) })).toThrow(/maxSteps/);
  });
});

describe('FunctionRegistry', () => {
  it('lists and filters by name; later lists override', () => {
    const r = new FunctionRegistry([[fn('B_X', () => 1), fn('A_X', () => 1)], [fn('B_X', () => 2)]]);
    expect(r.list().map((f) => f.name)).toEqual(['A_X', 'B_X']);
    expect(r.list('a_').map((f) => f.name)).toEqual(['A_X']);
    expect(r.get('B_X')!.call([], undefined as never)).toBe(2);
  });
});

describe('runtime limits of the host', () => {
  it('a huge maxDepth cannot crash compile with a RangeError', () => {
    const deep = '('.repeat(200_000) + '1' + ')'.repeat(200_000);
    expect(() => compile(deep, { functions: registry, maxDepth: 1_000_000, maxNodes: 1_000_000 })).toThrow(StellarParseError);
  });
});

describe('! as negation', () => {
  it('negates the operand it is attached to, like NOT(...)', async () => {
    const { compile } = await import('./index.js');
    expect(compile('!true').run({})).toBe(false);
    expect(compile('!(1 == 2)').run({})).toBe(true);
    expect(compile('!x && y', {}).run({ x: false, y: true })).toBe(true);
    expect(compile('!x', {}).run({ x: true })).toBe(false);
    expect(compile('a != b').run({ a: 'p', b: 'q' })).toBe(true);
  });
});
