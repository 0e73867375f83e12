/**
 * The tree-walking baseline (tree-walk.ts) against the production compiler: for the same AST
 * and variables, `interpret` and `compile(...).run` give the same value of the same type (or
 * both fail). Expressions come from Metron's conformance cases (cases.jsonl): a curated list
 * that always runs, plus a sweep over every case of the file when it is available.
 */
import { describe, expect, it } from 'vitest';
import type { StellarValue } from './values.js';
import { compile, defaultRegistry, DEFAULT_LIMITS, FunctionRegistry, float, int, interpret, isLambda, long, parse, StellarEvalError, StellarFunctionError, StellarParseError, typeName, type StellarFunction } from './index.js';
import { DEFAULT_FUNCTION_LISTS } from './registry.js';
import { javaEquals } from './equality.js';
import { conformanceAvailable, loadCases, typed } from './test-support/conformance.js';

/** Metron's test helpers (BasicStellarTest), which some core-language cases call. */
const TEST_FUNCTIONS: StellarFunction[] = [
  {
    name: 'THROW', namespace: '', description: 'Test helper: fails.', params: ['message'], returns: 'never',
    call: (args) => {
      throw new StellarFunctionError(String(args[0]));
    },
  },
  { name: 'RET_TRUE', namespace: '', description: 'Test helper: true.', params: ['args'], returns: 'true', call: () => true },
];
const registry = new FunctionRegistry([...DEFAULT_FUNCTION_LISTS, TEST_FUNCTIONS]);
const NOW = () => 1_700_000_000_000;

type Outcome = { ok: true; value: StellarValue } | { ok: false; error: unknown };

function viaCompiler(expr: string, vars: Record<string, StellarValue>, missing: 'error' | 'null'): Outcome {
  try {
    return { ok: true, value: compile(expr, { functions: registry }).run(vars, { missingVariables: missing, now: NOW }) };
  } catch (error) {
    return { ok: false, error };
  }
}

function viaTreeWalk(expr: string, vars: Record<string, StellarValue>, missing: 'error' | 'null'): Outcome {
  try {
    return { ok: true, value: interpret(parse(expr, DEFAULT_LIMITS), vars, registry, { source: expr, missingVariables: missing, now: NOW }) };
  } catch (error) {
    return { ok: false, error };
  }
}

/** Same Stellar type and Java-equal value; opaque objects (sketches, lambdas) by type only. */
function sameValue(a: StellarValue, b: StellarValue): boolean {
  if (typeName(a) !== typeName(b)) return false;
  if (isLambda(a) || isLambda(b)) return isLambda(a) && isLambda(b);
  if (typeName(a) === 'object') return Object.getPrototypeOf(a) === Object.getPrototypeOf(b);
  return javaEquals(a, b);
}

function expectSame(expr: string, vars: Record<string, StellarValue>, missing: 'error' | 'null' = 'error'): void {
  const c = viaCompiler(expr, vars, missing);
  const t = viaTreeWalk(expr, vars, missing);
  if (c.ok && t.ok) {
    expect(sameValue(c.value, t.value), `${expr}: compiled ${String(c.value)} (${typeName(c.value)}), tree walk ${String(t.value)} (${typeName(t.value)})`).toBe(true);
    return;
  }
  if (!c.ok && !t.ok) {
    // both fail, with the same kind of error
    expect((t.error as Error).name, expr).toBe((c.error as Error).name);
    return;
  }
  throw new Error(`${expr}: ${c.ok ? `compiled gives ${String(c.value)}` : `compiled fails: ${String(c.error)}`}, ${t.ok ? `tree walk gives ${String(t.value)}` : `tree walk fails: ${String(t.error)}`}`);
}

const strs = { foo: 'casey', empty: '', spaced: 'metron is great' };
const nums = { one: int(1), two: int(2), very_nearly_one: 1.0000001, num: int(7), num2: 8.5, num4: '8.5' };

/** Curated from cases.jsonl: core syntax and common functions. */
const CASES: { expr: string; vars?: Record<string, StellarValue>; missing?: 'error' | 'null' }[] = [
  { expr: '1 + 2' },
  { expr: '2.1 + 1' },
  { expr: '1.2f + 3.7' },
  { expr: '12L*(1.2f + 7)' },
  { expr: '1 + 2*2 + 3 - 4 - 0.5' },
  { expr: '2*one*(1 + 2*2 + 3 - 4)', vars: nums },
  { expr: '(((((1L) + .5d)))) * 6.f' },
  { expr: '0F/0F' },
  { expr: '0D/0' },
  { expr: '1L < 2e-4d' },
  { expr: '1.0 < 3.0f' },
  { expr: "TO_FLOAT(12.2) * (1.2f + 7L)" },
  { expr: 'TO_INTEGER((one + 2)*3.5)', vars: nums },
  { expr: "'casey' != foo", vars: strs },
  { expr: "spaced == 'metron is great'", vars: strs },
  { expr: "1 == '1'" },
  { expr: 'null == null' },
  { expr: 'num < TO_DOUBLE(num4)', vars: nums },
  { expr: 'num == 7 && num > 2', vars: nums },
  { expr: '-1L <= -1.00000001F' },
  { expr: '(NaN + NaN) != NaN' },
  { expr: "50 * (true == false ? 2 : 10) + 20" },
  { expr: "if 1 + 1 <= 2 AND 1 + 2 in [3] then 'one' else 'two'" },
  { expr: "if one == very_nearly_one OR one != very_nearly_one then 'one' else 'two'", vars: nums },
  { expr: "1 < 2 AND 'foo' in ['', 'foo'] ? one*3 : 'two'", vars: nums },
  { expr: "IF true THEN IF false THEN 'a' ELSE IF true THEN 'b' ELSE 'c' ELSE 'd'" },
  { expr: "if NOT(true or (false or THROW('if exception'))) then THROW('expression') else 'foo'" },
  { expr: "foo not in [ 'casey', 'david' ]", vars: strs },
  { expr: "empty not in { foo : 5 }", vars: strs },
  { expr: "'case' in foo", vars: strs },
  { expr: 'null in foo', vars: strs },
  { expr: "'grok' in 'grokbar' == true" },
  { expr: 'exists(foo) and not(exists(bar))', vars: strs },
  { expr: "MAP_GET('bar', { 'foo' : 1, 'bar' : 'bar'})" },
  { expr: "MAP_GET('BLAH', {  TO_UPPER('blah') : null })" },
  { expr: "MAP_GET(dc, dc2tz, 'UTC')", vars: { dc: 'nyc', dc2tz: new Map<StellarValue, StellarValue>([['nyc', 'EST']]) } },
  { expr: "{ 1 : 'a', 1 : 'b', 2L : 'c' }" },
  { expr: "[1, 2L, 3.0f, 4.0, 'five', null, [true]]" },
  { expr: 'LENGTH(foo)', vars: { foo: [int(1), int(2), int(3)] } },
  { expr: "JOIN( SET_INIT( [ 1, 2, 'buckle', 'my', 'shoe', 3 ] ), ',')" },
  { expr: "GET(SPLIT(DOMAIN_REMOVE_TLD(foo), '.'), 1)", vars: { foo: 'www.google.co.uk' } },
  { expr: "(true and STARTS_WITH(TO_UPPER(foo), 'CA')) || true", vars: strs },
  { expr: "not(IN_SUBNET(ip_src_addr, '192.168.0.0/24'))", vars: { ip_src_addr: '192.168.0.1' } },
  { expr: "BIN(value, [ 10, 20, 30 ])", vars: { value: int(19) } },
  { expr: 'MAP([1, 2, 3], x -> x * 2)' },
  { expr: 'FILTER([1, 2, 3, 4], (x) -> x > one)', vars: nums },
  { expr: 'REDUCE([1, 2, 3], (sum, x) -> sum + x, 0)' },
  { expr: 'MAP([1, 2], x -> MAP([10, 20], y -> x + y + one))', vars: nums },
  { expr: 'MAP([1, 2], x -> missing_var)' },
  { expr: "match{ var1 < 10 => 'less', var1 >= 12 => 'more', default => 'default' }", vars: { var1: int(12) } },
  { expr: "match{ var1 < 10 => () -> 'lambda', default => 'default' }", vars: { var1: int(1) } },
  { expr: "IF TO_UPPER('bar') == 'FOO' THEN 'a' ELSE match{ var1 < 10 => 'less', default => 'more' }", vars: { var1: int(1) } },
  { expr: "ip_src_addr in ['10.0.0.1','10.0.0.2'] && (STARTS_WITH(host,'db') or ip_dst_port == 22)", vars: { ip_src_addr: '10.0.0.2', host: 'web01', ip_dst_port: long(22) } },
  { expr: "TO_LOWER(JOIN([DOMAIN_REMOVE_TLD(host), TO_UPPER(user)], '-'))", vars: { host: 'mail.yahoo.co.uk', user: 'alice' } },
  { expr: 'STATS_COUNT(STATS_ADD(STATS_INIT(), 1, 2.5, [3, 4]))' },
  { expr: "'casey' == foo", missing: 'null' },
  { expr: 'MAP_EXISTS() or true' },
  { expr: 'a.b + 1', vars: { 'a.b': float(1.5) } },
  { expr: '' },
  // failures: both paths fail with the same kind of error
  { expr: 'missing_var == 1' },
  { expr: "'a' + 1" },
  { expr: "1 < 'a'" },
  { expr: "'x' ? 1 : 2" },
  { expr: "1 / 0" },
  { expr: "THROW('boom')" },
];

describe('tree walk matches the compiler', () => {
  for (const c of CASES) {
    it(c.expr === '' ? '(empty)' : c.expr, () => expectSame(c.expr, c.vars ?? {}, c.missing ?? 'error'));
  }

  it('an unknown function is a parse error on both paths', () => {
    expect(() => compile('NO_SUCH_FN(1)')).toThrow(StellarParseError);
    expect(() => interpret(parse('NO_SUCH_FN(1)', DEFAULT_LIMITS), {}, defaultRegistry())).toThrow(StellarParseError);
  });

  it('reports evaluation errors with the source span', () => {
    const src = 'x + 1';
    let error: unknown;
    try {
      interpret(parse(src, DEFAULT_LIMITS), {}, registry, { source: src });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(StellarEvalError);
    expect((error as StellarEvalError).position).toBe(0);
  });

  it('honours maxSteps', () => {
    const src = 'REDUCE([1,2,3,4,5,6,7,8,9,10], (s, x) -> s + x, 0)';
    expect(() => interpret(parse(src, DEFAULT_LIMITS), {}, registry, { maxSteps: 5 })).toThrow(/maxSteps/);
  });
});

describe.skipIf(!conformanceAvailable())('tree walk matches the compiler on every cases.jsonl case', () => {
  const cases = conformanceAvailable() ? loadCases().filter((c) => c.file === 'cases.jsonl') : [];
  for (const c of cases) {
    it(`${c.line} ${c.expr.length > 80 ? `${c.expr.slice(0, 80)}...` : c.expr}`, () => {
      const types = (c.raw['variable_types'] ?? {}) as Record<string, string>;
      const vars: Record<string, StellarValue> = {};
      for (const [k, v] of Object.entries((c.raw['variables'] ?? {}) as Record<string, unknown>)) vars[k] = typed(v, types[k]);
      expectSame(c.expr, vars, c.raw['mode'] === 'predicate' ? 'null' : 'error');
    });
  }
});
