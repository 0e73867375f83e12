/**
 * Turning schema failures into ConfigErrors an operator can act on: the file, a JSONPath
 * (`$.parserConfig.columns[2]`, `$['parser.error.topic']`) and a short reason. Also the
 * error that lists every failing file of a directory, and its text for the CLI.
 */
import { z } from 'zod';
import { ConfigError, MetronError } from '../errors.js';
import { CONFIG_SCHEMAS, type ConfigKind } from './kinds.js';

type PathSegment = PropertyKey;
type Issue = z.core.$ZodIssue;

/** Problems reported per file at most; the rest are summarised in one line. */
export const MAX_ERRORS_PER_FILE = 20;

const IDENTIFIER = /^[A-Za-z_$][A-Za-z0-9_$]*$/;

/** JSONPath of a location: `$`, `$.a.b[2]`, `$['es.date.format']`. */
export function formatJsonPath(path: readonly PathSegment[]): string {
  let out = '$';
  for (const segment of path) {
    if (typeof segment === 'number') out += `[${segment}]`;
    else {
      const key = String(segment);
      out += IDENTIFIER.test(key) ? `.${key}` : `['${key.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}']`;
    }
  }
  return out;
}

/** Every problem of a config directory (or of one file with several problems), at once. */
export class ConfigErrorList extends ConfigError {
  /** Each problem, in file order; `file`, `jsonPath` and `reason` of this error are the first one's. */
  readonly errors: readonly ConfigError[];
  /** The files that failed, without repeats. */
  readonly files: readonly string[];
  /** The config directory, when the errors come from loading one (file names are shown relative to it). */
  readonly dir: string | undefined;
  override readonly details: Record<string, unknown>;

  constructor(errors: readonly ConfigError[], options: { dir?: string } = {}) {
    const first = errors[0];
    if (!first) throw new TypeError('ConfigErrorList needs at least one error');
    super(first.file, first.jsonPath, first.reason);
    this.name = 'ConfigErrorList';
    this.errors = [...errors];
    this.files = [...new Set(errors.map((e) => e.file))];
    this.dir = options.dir;
    this.details = {
      dir: this.dir,
      files: this.files,
      errors: this.errors.map((e) => ({ file: e.file, jsonPath: e.jsonPath, reason: e.reason })),
    };
    this.message = describeErrorList(this);
  }
}

function relativeTo(dir: string | undefined, file: string): string {
  if (!dir) return file;
  const base = dir.replace(/[\\/]+$/, '');
  if (file.startsWith(`${base}/`) || file.startsWith(`${base}\\`)) return file.slice(base.length + 1);
  return file;
}

function describeErrorList(list: ConfigErrorList): string {
  const problems = list.errors.length === 1 ? '1 problem' : `${list.errors.length} problems`;
  const files = list.files.length === 1 ? '1 config file is invalid' : `${list.files.length} config files are invalid`;
  const lines = [`${files} (${problems}):`];
  for (const file of list.files) {
    lines.push(`  ${relativeTo(list.dir, file)}`);
    for (const e of list.errors) if (e.file === file) lines.push(`    ${e.jsonPath}: ${e.reason}`);
  }
  return lines.join('\n');
}

/** Text for an operator: every file, path and reason of a config failure; other errors by message. */
export function describeConfigError(err: unknown): string {
  if (err instanceof ConfigErrorList) return err.message;
  if (err instanceof ConfigError) return `${err.file}: ${err.jsonPath}: ${err.reason}`;
  if (err instanceof MetronError) return err.message;
  if (err instanceof Error) return err.message;
  return String(err);
}

// ---------------------------------------------------------------------------------------------
// Issue → reason

function typeName(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  return typeof value;
}

const EXPECTED: Record<string, string> = {
  string: 'a string',
  number: 'a number',
  int: 'an integer',
  boolean: 'a boolean (true or false)',
  object: 'an object',
  record: 'an object',
  array: 'an array',
  null: 'null',
};

function valueAt(root: unknown, path: readonly PathSegment[]): unknown {
  let current = root;
  for (const segment of path) {
    if (current === null || typeof current !== 'object') return undefined;
    current = (current as Record<PropertyKey, unknown>)[segment];
  }
  return current;
}

function hasOwn(value: unknown, key: PathSegment): boolean {
  return value !== null && typeof value === 'object' && Object.prototype.hasOwnProperty.call(value, key);
}

/** Zod's own messages start this way; anything else was written in a schema for the reader. */
function customExpectation(issue: Issue): string | undefined {
  return issue.message.startsWith('Invalid') ? undefined : issue.message;
}

function describeScalar(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}…` : value);
  if (typeof value === 'number' || typeof value === 'boolean' || value === null) return String(value);
  return typeName(value);
}

// Known keys of each kind's bean objects, for "did you mean" on unknown keys.
const knownKeysCache = new Map<ConfigKind, string[]>();

function collectKeys(schema: unknown, into: Set<string>, seen: Set<unknown>): void {
  if (seen.has(schema) || schema === null || typeof schema !== 'object') return;
  seen.add(schema);
  if (schema instanceof z.ZodObject) {
    for (const [key, child] of Object.entries(schema.shape as Record<string, unknown>)) {
      into.add(key);
      collectKeys(child, into, seen);
    }
  } else if (schema instanceof z.ZodOptional || schema instanceof z.ZodNullable || schema instanceof z.ZodDefault) {
    collectKeys(schema.unwrap(), into, seen);
  } else if (schema instanceof z.ZodArray) {
    collectKeys(schema.element, into, seen);
  } else if (schema instanceof z.ZodRecord) {
    collectKeys(schema.valueType, into, seen);
  } else if (schema instanceof z.ZodUnion) {
    for (const option of schema.options) collectKeys(option, into, seen);
  } else if (schema instanceof z.ZodPipe) {
    collectKeys(schema.in, into, seen);
    collectKeys(schema.out, into, seen);
  }
}

function knownKeys(kind: ConfigKind): string[] {
  let keys = knownKeysCache.get(kind);
  if (!keys) {
    const set = new Set<string>();
    collectKeys(CONFIG_SCHEMAS[kind], set, new Set());
    keys = [...set];
    knownKeysCache.set(kind, keys);
  }
  return keys;
}

function editDistance(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    let diagonal = row[0] ?? 0;
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const above = row[j] ?? 0;
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      row[j] = Math.min(above + 1, (row[j - 1] ?? 0) + 1, diagonal + cost);
      diagonal = above;
    }
  }
  return row[b.length] ?? 0;
}

function suggestKey(kind: ConfigKind, key: string): string | undefined {
  const candidates = knownKeys(kind);
  const lower = key.toLowerCase();
  const sameLetters = candidates.find((c) => c.toLowerCase() === lower);
  if (sameLetters) return sameLetters;
  let best: string | undefined;
  let bestDistance = Math.min(2, Math.floor(key.length / 3));
  for (const candidate of candidates) {
    const distance = editDistance(lower, candidate.toLowerCase());
    if (distance <= bestDistance && (best === undefined || distance < bestDistance)) {
      best = candidate;
      bestDistance = distance;
    }
  }
  return best;
}

// Settings users put one level too high, and where they belong.
const PARSER_CONFIG_KEYS = new Set([
  'grokPath', 'patternLabel', 'timestampField', 'timeFields', 'dateFormat', 'timezone', 'multiLine',
  'columns', 'separator', 'timestampFormat', 'jsonpQuery', 'mapStrategy', 'wrapInEntityArray',
  'wrapEntityName', 'batchSize', 'batchTimeout', 'deviceTimeZone', 'filter.query',
]);
const PROFILE_KEYS = new Set(['profile', 'foreach', 'onlyif', 'init', 'update', 'result', 'groupBy', 'expires']);
const WRITER_SETTING_KEYS = new Set(['index', 'batchSize', 'batchTimeout', 'enabled', 'fieldNameConverter', 'setDocumentId', 'outputPathFunction']);

function misplacedKeyHint(kind: ConfigKind, parent: readonly PathSegment[], key: string): string | undefined {
  const atTop = parent.length === 0;
  if (kind === 'enrichment') {
    if (atTop && ['fieldMap', 'fieldToTypeMap', 'config'].includes(key))
      return `it belongs inside "enrichment" or "threatIntel" (this looks like a fragment, not a whole sensor enrichment config)`;
    if (key === 'triageConfig') return 'it belongs inside "threatIntel"';
    if (atTop && ['riskLevelRules', 'aggregator', 'aggregationConfig'].includes(key)) return 'it belongs inside "threatIntel.triageConfig"';
    if (atTop && ['index', 'batchSize', 'batchTimeout'].includes(key))
      return "index and batch settings belong in the sensor's indexing config (indexing/<sensor>.json), not in its enrichment config";
  }
  if (kind === 'parser' && atTop) {
    if (PARSER_CONFIG_KEYS.has(key)) return 'parser specific settings belong inside "parserConfig"';
    if (key === 'transformation') return 'this looks like one field transformation: it belongs in the "fieldTransformations" list';
  }
  if (kind === 'profiler' && atTop && PROFILE_KEYS.has(key)) return 'this looks like a single profile: wrap it as {"profiles": [ ... ]}';
  return undefined;
}

function unknownKeyReason(kind: ConfigKind, parent: readonly PathSegment[], key: string): string {
  const hint = misplacedKeyHint(kind, parent, key);
  if (hint) return `unknown key "${key}": ${hint}`;
  const suggestion = suggestKey(kind, key);
  return suggestion && suggestion !== key ? `unknown key "${key}" (did you mean "${suggestion}"?)` : `unknown key "${key}"`;
}

function invalidTypeReason(kind: ConfigKind, issue: Issue & { code: 'invalid_type' }, path: readonly PathSegment[], root: unknown): string {
  const value = valueAt(root, path);
  const parentPath = path.slice(0, -1);
  const key = path[path.length - 1];
  if (value === undefined && key !== undefined && !hasOwn(valueAt(root, parentPath), key)) {
    return `missing required key "${String(key)}"`;
  }
  const custom = customExpectation(issue);
  const expected = custom ?? EXPECTED[issue.expected] ?? issue.expected;
  if (issue.expected === 'int' && typeof value === 'number') return `expected an integer, got ${value}`;
  let reason = `expected ${expected}, got ${typeName(value)}`;
  if (kind === 'indexing' && path.length === 1 && typeof key === 'string' && WRITER_SETTING_KEYS.has(key)) {
    reason += `: "${key}" is a writer setting; an indexing config maps writer names to settings, e.g. {"elasticsearch": {"index": "bro", "batchSize": 5}}`;
  }
  return reason;
}

function sizeReason(issue: Issue & { code: 'too_small' | 'too_big' }, value: unknown): string {
  const small = issue.code === 'too_small';
  const limit = small ? (issue as { minimum: number | bigint }).minimum : (issue as { maximum: number | bigint }).maximum;
  const inclusive = issue.inclusive !== false;
  switch (issue.origin) {
    case 'string':
      if (small && Number(limit) === 1) return 'must not be empty';
      return `must be ${small ? 'at least' : 'at most'} ${limit} characters long`;
    case 'array':
    case 'set':
      return `must have ${small ? 'at least' : 'at most'} ${limit} item${Number(limit) === 1 ? '' : 's'}`;
    default: {
      const bound = small ? (inclusive ? 'at least' : 'greater than') : inclusive ? 'at most' : 'less than';
      return `must be ${bound} ${limit}, got ${describeScalar(value)}`;
    }
  }
}

/** ConfigErrors for zod issues found while checking `root` (the parsed JSON of `file`). */
export function issuesToConfigErrors(kind: ConfigKind, file: string, issues: readonly Issue[], root: unknown): ConfigError[] {
  const out: ConfigError[] = [];
  const add = (path: readonly PathSegment[], reason: string) => out.push(new ConfigError(file, formatJsonPath(path), reason));

  const visit = (issue: Issue, prefix: readonly PathSegment[]): void => {
    const path = [...prefix, ...issue.path];
    const value = valueAt(root, path);
    switch (issue.code) {
      case 'invalid_type':
        add(path, invalidTypeReason(kind, issue, path, root));
        return;
      case 'unrecognized_keys':
        for (const key of issue.keys) add([...path, key], unknownKeyReason(kind, path, key));
        return;
      case 'invalid_union': {
        // A branch whose problems are all deeper than the union matched the value's shape:
        // report those (more precise) rather than "expected one of ...".
        const matched = issue.errors.find((branch) => branch.length > 0 && branch.every((i) => i.path.length > 0));
        if (matched) {
          for (const inner of matched) visit(inner, path);
          return;
        }
        const expected = customExpectation(issue) ?? 'another type';
        add(path, value === undefined && !hasOwn(valueAt(root, path.slice(0, -1)), path[path.length - 1] ?? '') ? `missing required key "${String(path[path.length - 1])}"` : `expected ${expected}, got ${typeName(value)}`);
        return;
      }
      case 'invalid_value':
        add(path, `expected one of ${issue.values.map((v) => describeScalar(v)).join(', ')}; got ${describeScalar(value)}`);
        return;
      case 'too_small':
      case 'too_big':
        add(path, sizeReason(issue, value));
        return;
      case 'invalid_key':
        add(path, `invalid key: ${issue.issues.map((i) => i.message).join('; ')}`);
        return;
      case 'invalid_element':
        for (const inner of issue.issues) visit(inner, path);
        return;
      default:
        add(path, issue.message);
    }
  };

  for (const issue of issues) visit(issue, []);
  if (out.length > MAX_ERRORS_PER_FILE) {
    const rest = out.length - MAX_ERRORS_PER_FILE;
    return [...out.slice(0, MAX_ERRORS_PER_FILE), new ConfigError(file, '$', `${rest} more problem${rest === 1 ? '' : 's'} not shown`)];
  }
  return out;
}
