/**
 * `parserConfig` of Metron's RegularExpressionsParser: `recordTypeRegex`, `messageHeaderRegex`
 * (a regex or a list), `fields[]` of `{recordType, regex}` (a regex or a list) and
 * `convertCamelCaseToUnderScore`. Java regexes are compiled once here as JS regexes.
 */
import { ConfigError } from '@metron/core';
import { readBoolean } from '../util/config-values.js';

export const REGULAR_EXPRESSIONS_CONFIG_KEYS = ['recordTypeRegex', 'messageHeaderRegex', 'fields', 'convertCamelCaseToUnderScore'] as const;

/** A compiled pattern with the group names Metron reads from it. */
export interface NamedPattern {
  readonly regex: RegExp;
  readonly groups: readonly string[];
}

export interface RegularExpressionsConfig {
  readonly recordType: NamedPattern;
  readonly messageHeaders: readonly NamedPattern[];
  /** Lower-cased record type → patterns tried in order, each matching the whole message. */
  readonly recordTypePatterns: ReadonlyMap<string, readonly NamedPattern[]>;
  readonly convertCamelCaseToUnderScore: boolean;
}

// Metron reads group names with this pattern: Java group names are letters then letters/digits.
const NAMED_GROUP = /\(\?<([a-zA-Z][a-zA-Z0-9]*)>/g;

/** Metron's `getNamedGroups`: the group names in the pattern text, sorted (a TreeSet). */
function namedGroups(source: string): string[] {
  return [...new Set([...source.matchAll(NAMED_GROUP)].map((m) => m[1]!))].sort();
}

/**
 * A Java regex as a JS RegExp: a leading `(?i)` becomes the `i` flag, `\A` `^`, `\z` `$`,
 * `\Z` end before an optional final newline. Other Java-only syntax (possessive quantifiers,
 * inline flags elsewhere) is refused as a config error.
 */
function compileJavaRegex(source: string, whole: boolean, file: string, path: string): NamedPattern {
  let body = source;
  let flags = '';
  if (body.startsWith('(?i)')) {
    body = body.slice(4);
    flags = 'i';
  }
  body = body.replace(/(?<!\\)((?:\\\\)*)\\A/g, '$1^').replace(/(?<!\\)((?:\\\\)*)\\z/g, '$1$$').replace(/(?<!\\)((?:\\\\)*)\\Z/g, '$1(?=\\n?$$)');
  try {
    return { regex: new RegExp(whole ? `^(?:${body})$` : body, flags), groups: namedGroups(source) };
  } catch (err) {
    throw new ConfigError(file, path, `is not a regular expression this parser can compile: ${err instanceof Error ? err.message : String(err)}`);
  }
}

function regexList(value: unknown, file: string, path: string): string[] {
  if (typeof value === 'string') return [value];
  if (Array.isArray(value) && value.every((v) => typeof v === 'string')) return value as string[];
  throw new ConfigError(file, path, 'must be a regular expression or a list of them');
}

/** Reads and compiles the config; ConfigError naming `$.parserConfig...` when invalid. */
export function readRegularExpressionsConfig(parserConfig: Record<string, unknown>, file: string): RegularExpressionsConfig {
  const recordTypeRegex = parserConfig['recordTypeRegex'];
  if (typeof recordTypeRegex !== 'string' || recordTypeRegex.trim() === '') {
    throw new ConfigError(file, '$.parserConfig.recordTypeRegex', 'is required: a regular expression whose match names the record type');
  }
  const recordType = compileJavaRegex(recordTypeRegex, false, file, '$.parserConfig.recordTypeRegex');
  const fields = parserConfig['fields'];
  if (!Array.isArray(fields)) throw new ConfigError(file, '$.parserConfig.fields', 'is required: a list of {"recordType", "regex"}');
  const recordTypePatterns = new Map<string, NamedPattern[]>();
  fields.forEach((field: unknown, i) => {
    if (typeof field !== 'object' || field === null) throw new ConfigError(file, `$.parserConfig.fields[${i}]`, 'must be an object with recordType and regex');
    const { recordType: type, regex } = field as Record<string, unknown>;
    if (type === undefined || type === null || regex === undefined || regex === null) return; // skipped, as Metron
    if (typeof type !== 'string') throw new ConfigError(file, `$.parserConfig.fields[${i}].recordType`, 'must be a string');
    const patterns = regexList(regex, file, `$.parserConfig.fields[${i}].regex`).map((s, j) =>
      compileJavaRegex(s, true, file, `$.parserConfig.fields[${i}].regex${Array.isArray(regex) ? `[${j}]` : ''}`),
    );
    recordTypePatterns.set(type.toLowerCase(), patterns);
  });
  const header = parserConfig['messageHeaderRegex'];
  const messageHeaders =
    header === undefined || header === null || (typeof header === 'string' && header.trim() === '')
      ? []
      : regexList(header, file, '$.parserConfig.messageHeaderRegex').map((s, j) =>
          compileJavaRegex(s, false, file, `$.parserConfig.messageHeaderRegex${Array.isArray(header) ? `[${j}]` : ''}`),
        );
  return {
    recordType,
    messageHeaders,
    recordTypePatterns,
    convertCamelCaseToUnderScore: readBoolean(parserConfig, 'convertCamelCaseToUnderScore', false, file),
  };
}
