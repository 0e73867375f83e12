/**
 * Runs Metron's Stellar conformance cases (/work/shared/conformance/metron/stellar, see its
 * README): loading, typing variables per `variable_types`, and checking value AND type.
 * Test-only (node:fs); excluded from the package build.
 */
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { compile, FunctionRegistry, StellarEvalError, StellarFunctionError, StellarParseError, type StellarFunction } from '../index.js';
import { DEFAULT_FUNCTION_LISTS } from '../registry.js';
import { javaEquals, mapGet } from '../equality.js';
import { parse, children } from '../parser.js';
import type { Node } from '../ast.js';
import { DEFAULT_LIMITS } from '../limits.js';
import { fromJson, isNumber, JFloat, JInt, JLong, typeName, type StellarValue } from '../values.js';
import { toIntValue } from '../numeric.js';

export const CONFORMANCE_DIR = fileURLToPath(new URL('../../../../../shared/conformance/metron/stellar/', import.meta.url));
export const CONFORMANCE_FILES = ['cases.jsonl', 'errors.jsonl', 'type_checks.jsonl', 'partial_checks.jsonl'] as const;
export type ConformanceFile = (typeof CONFORMANCE_FILES)[number];

export interface ConformanceCase {
  file: ConformanceFile;
  line: number;
  /** `file:line`, the key of KNOWN_FAILING. */
  id: string;
  expr: string;
  raw: Record<string, unknown>;
  /** No function call: plain language. */
  core: boolean;
  /** Function names the expression calls. */
  calls: string[];
}

/**
 * Functions Metron's own tests register (BasicStellarTest) to probe the language: THROW fails,
 * RET_TRUE returns true. Cases calling only these test the core language (short-circuiting).
 */
const METRON_TEST_FUNCTIONS: StellarFunction[] = [
  {
    name: 'THROW', namespace: '', description: 'Test helper: fails with the given message.', params: ['message'], returns: 'never',
    call: (args) => {
      throw new StellarFunctionError(String(args[0]));
    },
  },
  { name: 'RET_TRUE', namespace: '', description: 'Test helper: returns true.', params: ['args - ignored'], returns: 'true', call: () => true },
];
const TEST_FUNCTION_NAMES = new Set(METRON_TEST_FUNCTIONS.map((f) => f.name));

/** A new registry: the default functions plus Metron's test helpers, no services installed. */
export function conformanceRegistry(): FunctionRegistry {
  return new FunctionRegistry([...DEFAULT_FUNCTION_LISTS, METRON_TEST_FUNCTIONS]);
}

const defaultConformanceRegistry = conformanceRegistry();

const BIG = '~big~:';

/** JSON.parse that keeps integers beyond 2^53 exact (as BIG-prefixed strings). */
function parseLine(line: string): Record<string, unknown> {
  const marked = line.replace(/([:[,]\s*)(-?\d{16,})(?=\s*[,\]}])/g, `$1"${BIG}$2"`);
  return JSON.parse(marked) as Record<string, unknown>;
}

export function conformanceAvailable(): boolean {
  return existsSync(CONFORMANCE_DIR);
}

export function loadCases(): ConformanceCase[] {
  const out: ConformanceCase[] = [];
  for (const file of CONFORMANCE_FILES) {
    const lines = readFileSync(CONFORMANCE_DIR + file, 'utf8').split('\n');
    lines.forEach((text, i) => {
      if (text.trim() === '') return;
      const raw = parseLine(text);
      const expr = String(raw['expr']);
      const calls = callsOf(expr);
      const core = calls.every((name) => TEST_FUNCTION_NAMES.has(name));
      out.push({ file, line: i + 1, id: `${file}:${i + 1}`, expr, raw, core, calls });
    });
  }
  return out;
}

function callsOf(expr: string): string[] {
  try {
    const names = new Set<string>();
    const walk = (n: Node): void => {
      if (n.type === 'call') names.add(n.name);
      children(n).forEach(walk);
    };
    walk(parse(expr, DEFAULT_LIMITS));
    return [...names];
  } catch {
    const stripped = expr.replace(/'(?:[^'\\]|\\.)*'|"(?:[^"\\]|\\.)*"/g, "''");
    const re = /([A-Za-z_$][\w.:$]*)\s*\(/g;
    const names = new Set<string>();
    for (let m = re.exec(stripped); m; m = re.exec(stripped)) {
      if (!/^(not|NOT|exists|EXISTS|if|IF|and|AND|or|OR|in|IN)$/.test(m[1]!)) names.add(m[1]!);
    }
    return [...names];
  }
}

// ---- values

function bigOf(v: unknown): bigint {
  if (typeof v === 'string' && v.startsWith(BIG)) return BigInt(v.slice(BIG.length));
  if (typeof v === 'number') return BigInt(Math.trunc(v));
  if (typeof v === 'string') return BigInt(v);
  throw new Error(`not an integer: ${String(v)}`);
}

function numberOf(v: unknown): number {
  if (v === 'NaN') return Number.NaN;
  if (v === 'Infinity') return Number.POSITIVE_INFINITY;
  if (v === '-Infinity') return Number.NEGATIVE_INFINITY;
  if (typeof v === 'string' && v.startsWith(BIG)) return Number(v.slice(BIG.length));
  return v as number;
}

/** Splits `a,b` at the top level of `<...>` nesting. */
function splitTop(s: string): string[] {
  let depth = 0;
  for (let i = 0; i < s.length; i++) {
    if (s[i] === '<') depth++;
    else if (s[i] === '>') depth--;
    else if (s[i] === ',' && depth === 0) return [s.slice(0, i), s.slice(i + 1)];
  }
  return [s];
}

/** A JSON value as the Java type the case names (int → JInt, long → JLong, ...). */
export function typed(v: unknown, type: string | undefined): StellarValue {
  if (v === null || v === undefined) return null;
  if (typeof v === 'string' && v.startsWith(BIG)) return new JLong(bigOf(v));
  const t = type ?? '';
  switch (t) {
    case 'int': case 'Integer': return new JInt(v as number);
    case 'long': case 'Long': return new JLong(bigOf(v));
    case 'float': case 'Float': return new JFloat(numberOf(v));
    case 'double': case 'Double': return numberOf(v);
    case 'string': case 'boolean': case 'null': return v as StellarValue;
  }
  const generic = /^(list|set|map)<(.*)>$/.exec(t);
  if (generic) {
    const [, kind, inner] = generic;
    if (kind === 'map') {
      const [kt, vt] = splitTop(inner!);
      const m = new Map<StellarValue, StellarValue>();
      for (const [k, x] of Object.entries(v as Record<string, unknown>)) m.set(typed(k, kt || undefined), typed(x, vt || undefined));
      return m;
    }
    const items = (v as unknown[]).map((x) => typed(x, inner === '' || inner === 'mixed' ? undefined : inner));
    return kind === 'set' ? new Set(items) : items;
  }
  // untyped: as Metron's JSON reader gives it (integers are long)
  if (Array.isArray(v)) return v.map((x) => typed(x, undefined));
  if (typeof v === 'object') {
    const m = new Map<StellarValue, StellarValue>();
    for (const [k, x] of Object.entries(v as Record<string, unknown>)) m.set(k, typed(x, undefined));
    return m;
  }
  return fromJson(v);
}

function variablesOf(c: ConformanceCase): Record<string, StellarValue> {
  const vars: Record<string, StellarValue> = {};
  const types = (c.raw['variable_types'] ?? {}) as Record<string, string>;
  for (const [k, v] of Object.entries((c.raw['variables'] ?? {}) as Record<string, unknown>)) vars[k] = typed(v, types[k]);
  return vars;
}

function show(v: StellarValue): string {
  if (v instanceof JInt || v instanceof JLong || v instanceof JFloat) return `${v.toString()} (${typeName(v)})`;
  if (typeof v === 'number') return `${v} (double)`;
  if (typeof v === 'string') return JSON.stringify(v);
  if (Array.isArray(v)) return `[${v.map((x) => show(x as StellarValue)).join(', ')}]`;
  if (v instanceof Map) return `{${[...v].map(([k, x]) => `${show(k as StellarValue)}: ${show(x as StellarValue)}`).join(', ')}}`;
  if (v instanceof Set) return `set[${[...v].map((x) => show(x as StellarValue)).join(', ')}]`;
  return String(v);
}

/** Throws when `actual` is not `expected` of `expectedType` (within tolerance when given). */
export function expectTyped(actual: StellarValue, expected: unknown, expectedType: string, tolerance?: number): void {
  const fail = (why: string): never => {
    throw new Error(`expected ${JSON.stringify(expected)} (${expectedType}), got ${show(actual)}${why ? `: ${why}` : ''}`);
  };
  const num = (got: number, want: number): void => {
    if (Number.isNaN(want)) {
      if (!Number.isNaN(got)) fail('');
      return;
    }
    if (tolerance !== undefined ? !(Math.abs(got - want) <= tolerance) : got !== want) fail('');
  };
  switch (expectedType) {
    case 'int':
      if (!(actual instanceof JInt)) fail('wrong type');
      return num((actual as JInt).value, numberOf(expected));
    case 'long':
      if (!(actual instanceof JLong)) fail('wrong type');
      if (tolerance !== undefined) return num(Number((actual as JLong).value), numberOf(expected));
      if ((actual as JLong).value !== bigOf(expected)) fail('');
      return;
    case 'float':
      if (!(actual instanceof JFloat)) fail('wrong type');
      return num((actual as JFloat).value, numberOf(expected));
    case 'double':
      if (typeof actual !== 'number') fail('wrong type');
      return num(actual as number, numberOf(expected));
    case 'null':
      if (actual !== null) fail('');
      return;
    case 'boolean':
    case 'string':
      if (actual !== expected) fail('');
      return;
    default: {
      const want = typed(expected, expectedType);
      if (!javaEquals(actual, want)) fail('');
    }
  }
}

const CLASS_TYPES: Record<string, string> = { Integer: 'int', Long: 'long', Float: 'float', Double: 'double', String: 'string', Boolean: 'boolean' };

/** Java's toString for the few shapes the partial checks use. */
function javaString(v: StellarValue): string {
  if (typeof v === 'number') {
    if (Number.isNaN(v)) return 'NaN';
    if (v === Number.POSITIVE_INFINITY) return 'Infinity';
    if (v === Number.NEGATIVE_INFINITY) return '-Infinity';
    return Number.isInteger(v) ? `${v}.0` : String(v);
  }
  if (v instanceof JFloat) return javaString(v.value);
  return v === null ? 'null' : String(v);
}

/** An accessor argument as the Java test wrote it: an integer literal is an Integer. */
function javaLiteral(a: unknown): StellarValue {
  if (typeof a === 'number' && Number.isInteger(a)) return new JInt(a);
  return typed(a, undefined);
}

function access(v: StellarValue, step: unknown[]): StellarValue {
  const [op, raw] = step as [string, unknown];
  const arg = javaLiteral(raw);
  switch (op) {
    case 'get':
      if (Array.isArray(v)) return (v[raw as number] ?? null) as StellarValue;
      if (v instanceof Map) return (mapGet(v, arg) ?? null) as StellarValue;
      throw new Error(`get on ${typeName(v)}`);
    case 'size':
    case 'length':
      if (Array.isArray(v) || typeof v === 'string') return new JInt(v.length);
      if (v instanceof Map || v instanceof Set) return new JInt(v.size);
      throw new Error(`${op} on ${typeName(v)}`);
    case 'contains':
      if (typeof v === 'string') return v.includes(String(raw));
      if (Array.isArray(v) || v instanceof Set) return [...v].some((x) => javaEquals(x as StellarValue, arg));
      throw new Error(`contains on ${typeName(v)}`);
    case 'containsKey':
      if (v instanceof Map) return mapGet(v, arg) !== undefined;
      throw new Error(`containsKey on ${typeName(v)}`);
    case 'intValue':
      if (isNumber(v)) return new JInt(toIntValue(v));
      throw new Error(`intValue on ${typeName(v)}`);
    case 'toString':
      return javaString(v);
    case 'equals':
      return javaString(v) === raw || javaEquals(v, arg);
    default:
      throw new Error(`unsupported accessor ${op}`);
  }
}

let metronFunctionNames: Set<string> | undefined;

/** Names of every function Metron has (stellar-functions.json). */
function metronFunctions(): Set<string> {
  metronFunctionNames ??= new Set(
    (JSON.parse(readFileSync(CONFORMANCE_DIR + 'stellar-functions.json', 'utf8')) as { fqname: string }[]).map((f) => f.fqname),
  );
  return metronFunctionNames;
}

/** True when an error only says "this Metron function does not exist here yet". */
function isMissingFunction(e: unknown): boolean {
  if (!(e instanceof StellarParseError)) return false;
  const m = /^Unable to resolve function named '([^']+)'/.exec(e.message);
  return m !== null && metronFunctions().has(m[1]!);
}

/**
 * Runs one case; throws (with a reason) when it does not conform. `registry` defaults to one
 * without services; test/stellar-modules.test.ts passes one with the modules installed.
 */
export function runCase(c: ConformanceCase, registry: FunctionRegistry = defaultConformanceRegistry): void {
  const r = c.raw;
  const mode = (r['mode'] as string | undefined) ?? 'run';
  const vars = variablesOf(c);
  // errors.jsonl comes from Metron tests that validate with a resolver in which no variable
  // exists (`new DefaultVariableResolver(x -> null, x -> false)`): a missing one is an error there
  // in predicate mode too. Elsewhere predicate mode reads missing variables as null.
  const missingVariables = mode === 'predicate' && c.file !== 'errors.jsonl' ? 'null' : 'error';
  const evaluate = (): StellarValue => {
    const compiled = compile(c.expr, { functions: registry });
    return mode === 'predicate' ? compiled.predicate(vars, { missingVariables }) : compiled.run(vars, { missingVariables });
  };

  if (c.file === 'errors.jsonl') {
    let error: unknown;
    try {
      evaluate();
    } catch (e) {
      error = e;
    }
    if (error === undefined) throw new Error('expected an error, but the expression evaluated');
    if (isMissingFunction(error)) throw new Error(`not implemented: ${(error as Error).message}`);
    if (!(error instanceof StellarParseError || error instanceof StellarEvalError)) throw error;
    return;
  }

  const value = evaluate();
  if (c.file === 'type_checks.jsonl') {
    const cls = String(r['expected_class']);
    const want = CLASS_TYPES[cls];
    if (want === undefined) throw new Error(`unknown expected_class ${cls}`);
    if (typeName(value) !== want) throw new Error(`expected a ${cls}, got ${show(value)}`);
    return;
  }
  if (c.file === 'partial_checks.jsonl') {
    for (const check of r['checks'] as Record<string, unknown>[]) {
      let v = value;
      for (const step of check['path'] as unknown[][]) v = access(v, step);
      expectTyped(v, check['expected'], String(check['expected_type']), check['tolerance'] as number | undefined);
    }
    return;
  }
  expectTyped(value, r['expected'], String(r['expected_type']), r['tolerance'] as number | undefined);
}

/** The reason of a case that passes only with another module's service installed. */
function moduleNote(module: string): string {
  return `needs module ${module}, covered by test/stellar-modules.test.ts`;
}

/**
 * Why a case cannot pass here as the data stands, or only with another package's module installed
 * (the generator prefers these to the error text).
 */
export const DATA_NOTES: Readonly<Record<string, string>> = {
  'cases.jsonl:192': 'data: the Metron test filled mymap with an earlier MAP_PUT; the case holds the empty map',
  'cases.jsonl:198':
    "data conflict: Metron's test reads the missing variable 'protocol' as null, while run mode fails on a missing variable (README; errors.jsonl 'someVar')",
  'partial_checks.jsonl:2': moduleNote('enrichment (LMDB enrichment tables)'),
  'partial_checks.jsonl:3': moduleNote('grok'),
  'partial_checks.jsonl:4': moduleNote('grok'),
  'partial_checks.jsonl:5':
    "data: Metron's test set the variable 'topic' (and ran a Kafka broker); the case holds no 'topic', so it fails on the missing variable with or without the kafka module",
  'partial_checks.jsonl:6': moduleNote('kafka (properties from the global config)'),
};

/** One line of reason for a failure, for KNOWN_FAILING. */
export function reasonOf(e: unknown): string {
  let msg = e instanceof Error ? e.message : String(e);
  const unknown = /Unable to resolve function named '([^']+)'/.exec(msg);
  if (unknown) msg = `function ${unknown[1]} is not implemented yet`;
  return msg.split('\n')[0]!.slice(0, 160);
}
