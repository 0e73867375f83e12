/**
 * A grok engine (the `%{NAME:field:type}` pattern language of Logstash and java-grok, as Metron's
 * GrokParser uses it): a pattern is expanded once into one JavaScript RegExp whose named groups
 * are the captured fields. As in java-grok, `UNWANTED` captures are dropped, a capture that did not
 * participate is absent, and the match is searched anywhere in the text (not anchored).
 */
import { COMMON_PATTERNS } from './patterns.js';

export class GrokError extends Error {}

export type GrokType = 'string' | 'int' | 'long' | 'float' | 'double';

interface Capture {
  readonly group: string;
  readonly field: string;
  readonly type: GrokType;
}

export interface CompiledGrok {
  readonly regex: RegExp;
  /** The captured fields of the first match in `text`, or undefined when it does not match. */
  match(text: string): Record<string, unknown> | undefined;
}

const REFERENCE = /%\{(\w+)(?::([\w.@[\]-]+))?(?::(\w+))?\}/g;
const MAX_DEPTH = 64;
const INTEGER = /^[+-]?\d+$/;

/** Reads a pattern file (`NAME regex` per line, `#` comments) into a map. */
export function parsePatternFile(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const raw of text.split(/\r?\n/)) {
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) continue;
    const m = /^(\w+)\s+(.*)$/.exec(line);
    if (m !== null) out[m[1]!] = m[2]!;
  }
  return out;
}

/** Compiles a grok expression with the common library plus `extraPatterns` (which win on a name clash). */
export function compileGrok(pattern: string, extraPatterns: Readonly<Record<string, string>> = {}): CompiledGrok {
  const library: Record<string, string> = { ...COMMON_PATTERNS, ...extraPatterns };
  const captures: Capture[] = [];
  const expand = (text: string, depth: number, stack: readonly string[]): string => {
    if (depth > MAX_DEPTH) throw new GrokError(`pattern nesting deeper than ${MAX_DEPTH}`);
    return javaToJs(text).replace(REFERENCE, (_all, name: string, field: string | undefined, type: string | undefined) => {
      const body = library[name];
      if (body === undefined) throw new GrokError(`unknown grok pattern %{${name}}`);
      if (stack.includes(name)) throw new GrokError(`grok pattern %{${name}} refers to itself`);
      const inner = expand(body, depth + 1, [...stack, name]);
      if (field === undefined || field === 'UNWANTED') return `(?:${inner})`;
      const t = (type ?? 'string').toLowerCase();
      if (!['string', 'int', 'integer', 'long', 'float', 'double'].includes(t)) throw new GrokError(`unknown grok type ${JSON.stringify(type)} in %{${name}:${field}:${type}}`);
      const group = `g${captures.length}`;
      captures.push({ group, field, type: (t === 'integer' ? 'int' : t) as GrokType });
      return `(?<${group}>${inner})`;
    });
  };
  const source = expand(pattern, 0, []);
  let regex: RegExp;
  try {
    regex = new RegExp(source);
  } catch (err) {
    throw new GrokError(`grok pattern does not compile: ${err instanceof Error ? err.message : String(err)}`);
  }
  return {
    regex,
    match(text) {
      const m = regex.exec(text);
      if (m === null) return undefined;
      const groups = m.groups ?? {};
      const out: Record<string, unknown> = {};
      for (const c of captures) {
        const value = groups[c.group];
        if (value === undefined) continue;
        if (Object.hasOwn(out, c.field) && out[c.field] !== undefined) continue;
        out[c.field] = convert(value, c.type);
      }
      return out;
    },
  };
}

function convert(value: string, type: GrokType): unknown {
  switch (type) {
    case 'int':
    case 'long': {
      const n = Number.parseInt(value.trim(), 10);
      return Number.isFinite(n) ? n : value;
    }
    case 'float':
    case 'double': {
      const n = Number.parseFloat(value.trim());
      return Number.isFinite(n) ? n : value;
    }
    default:
      // Metron's yaf/squid output has whole numbers as numbers and decimals as strings
      if (INTEGER.test(value) && Number.isSafeInteger(Number(value))) return Number(value);
      return value;
  }
}

/**
 * User patterns are Java regexes: atomic groups have no JavaScript form and become ordinary
 * groups (possessive quantifiers are not supported); user named groups
 * become non-capturing so they cannot clash with the engine's.
 */
function javaToJs(text: string): string {
  return text
    .replace(/\(\?>/g, '(?:')
    .replace(/\(\?<([A-Za-z]\w*)>/g, '(?:');
}
