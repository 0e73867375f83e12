/**
 * Regular expression functions (Metron RegExFunctions.java). Patterns use java.util.regex
 * syntax; `toJsRegExp` translates the common constructs to ECMAScript (leading inline flags,
 * \A \z \Z, \Q..\E quoting, possessive quantifiers and atomic groups as their greedy forms,
 * POSIX \p{...} classes). Compiled patterns are cached like Metron's PatternCache.
 */
import type { StellarValue } from '../values.js';
import type { StellarFunction } from './types.js';
import { arg, castString, convertNumber, defineFunction, fail, javaTypeName } from './java-interop.js';

const POSIX_CLASSES: Record<string, string> = {
  Lower: 'a-z',
  Upper: 'A-Z',
  ASCII: '\\x00-\\x7F',
  Alpha: 'a-zA-Z',
  Digit: '0-9',
  Alnum: 'a-zA-Z0-9',
  Punct: '!-\\/:-@\\[-`{-~',
  Graph: '!-~',
  Print: ' -~',
  Blank: ' \\t',
  Cntrl: '\\x00-\\x1F\\x7F',
  XDigit: '0-9a-fA-F',
  Space: ' \\t\\n\\x0B\\f\\r',
  L: 'a-zA-Z\\u00C0-\\u024F',
  IsAlphabetic: 'a-zA-Z\\u00C0-\\u024F',
  javaLowerCase: 'a-z',
  javaUpperCase: 'A-Z',
};

function escapeLiteral(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\/-]/g, '\\$&');
}

/** Translates a Java regex into an ECMAScript source and flags. */
export function toJsRegExp(pattern: string): { source: string; flags: string } {
  let p = pattern;
  let flags = '';
  const lead = /^\(\?([imsxu]+)\)/.exec(p);
  if (lead) {
    p = p.slice(lead[0].length);
    for (const f of lead[1] ?? '') {
      if ((f === 'i' || f === 'm' || f === 's') && !flags.includes(f)) flags += f;
    }
  }
  let out = '';
  let inClass = 0;
  let lastWasQuantifier = false;
  for (let i = 0; i < p.length; i++) {
    const c = p[i] ?? '';
    if (c !== '+') lastWasQuantifier = false;
    if (c === '\\') {
      const n = p[i + 1] ?? '';
      if (n === 'Q') {
        const end = p.indexOf('\\E', i + 2);
        const lit = end === -1 ? p.slice(i + 2) : p.slice(i + 2, end);
        out += escapeLiteral(lit);
        i = end === -1 ? p.length : end + 1;
        continue;
      }
      if (n === 'A' && inClass === 0) {
        out += '^';
        i++;
        continue;
      }
      if ((n === 'z' || n === 'Z') && inClass === 0) {
        out += n === 'Z' ? '(?=\\n?$)' : '$';
        i++;
        continue;
      }
      if (n === 'h') {
        const h = ' \\t\\xA0\\u1680\\u180e\\u2000-\\u200a\\u202f\\u205f\\u3000';
        out += inClass > 0 ? h : `[${h}]`;
        i++;
        continue;
      }
      if ((n === 'p' || n === 'P') && p[i + 2] === '{') {
        const close = p.indexOf('}', i + 3);
        const name = p.slice(i + 3, close);
        const cls = POSIX_CLASSES[name] ?? POSIX_CLASSES[name.replace(/^Is/, '')];
        if (close !== -1 && cls !== undefined) {
          if (inClass > 0 && n === 'p') out += cls;
          else out += n === 'p' ? `[${cls}]` : `[^${cls}]`;
          i = close;
          continue;
        }
      }
      out += c + n;
      i++;
      continue;
    }
    if (c === '[') {
      inClass++;
      out += c;
      if (p[i + 1] === '^') {
        out += '^';
        i++;
      }
      if (p[i + 1] === ']') {
        out += '\\]';
        i++;
      }
      continue;
    }
    if (c === ']' && inClass > 0) {
      inClass--;
      out += c;
      continue;
    }
    if (inClass === 0) {
      if (c === '(' && p.startsWith('(?>', i)) {
        out += '(?:';
        i += 2;
        continue;
      }
      // A '+' right after a quantifier makes it possessive: keep the greedy quantifier.
      if (c === '+' && lastWasQuantifier) {
        lastWasQuantifier = false;
        continue;
      }
      if (c === '{') {
        const q = /^\{\d+(,\d*)?\}/.exec(p.slice(i));
        if (q) {
          out += q[0];
          i += q[0].length - 1;
          lastWasQuantifier = true;
          continue;
        }
      }
    }
    out += c;
    lastWasQuantifier = inClass === 0 && (c === '*' || c === '+' || c === '?');
  }
  return { source: out, flags };
}

const cache = new Map<string, { whole: RegExp; global: RegExp }>();
const CACHE_LIMIT = 1000;

/** The compiled pattern (whole-input match and global search forms), cached by source. */
export function compileJavaPattern(pattern: string, fnName: string): { whole: RegExp; global: RegExp } {
  let hit = cache.get(pattern);
  if (hit === undefined) {
    const { source, flags } = toJsRegExp(pattern);
    try {
      hit = { whole: new RegExp(`^(?:${source})$`, flags), global: new RegExp(source, flags + 'g') };
    } catch (e) {
      return fail(`${fnName}: invalid regular expression '${pattern}': ${(e as Error).message}`);
    }
    if (cache.size >= CACHE_LIMIT) cache.clear();
    cache.set(pattern, hit);
  }
  return hit;
}

/** Java Matcher.replaceAll replacement syntax: $n and ${name} are groups, backslash escapes. */
function javaReplacement(replacement: string, fnName: string): (match: string, ...rest: unknown[]) => string {
  return (match: string, ...rest: unknown[]): string => {
    const last = rest[rest.length - 1];
    const named = typeof last === 'object' && last !== null ? (last as Record<string, string | undefined>) : undefined;
    const groups = rest.slice(0, named ? -3 : -2) as (string | undefined)[];
    let out = '';
    for (let i = 0; i < replacement.length; i++) {
      const c = replacement[i];
      if (c === '\\') {
        i++;
        if (i >= replacement.length) fail(`${fnName}: character to be escaped is missing`);
        out += replacement[i];
      } else if (c === '$') {
        const nameMatch = /^\{([a-zA-Z][a-zA-Z0-9]*)\}/.exec(replacement.slice(i + 1));
        if (nameMatch) {
          const name = nameMatch[1] ?? '';
          if (named === undefined || !(name in named)) fail(`${fnName}: no group with name {${name}}`);
          out += named?.[name] ?? '';
          i += nameMatch[0].length;
          continue;
        }
        const digits = /^\d/.exec(replacement.slice(i + 1));
        if (!digits) fail(`${fnName}: illegal group reference in replacement`);
        // Java takes as many digits as still form a valid group number.
        let ref = Number(replacement[i + 1]);
        let j = i + 2;
        while (j < replacement.length && /\d/.test(replacement[j] ?? '') && ref * 10 + Number(replacement[j]) <= groups.length) {
          ref = ref * 10 + Number(replacement[j]);
          j++;
        }
        if (ref > groups.length) fail(`${fnName}: no group ${ref}`);
        out += ref === 0 ? match : (groups[ref - 1] ?? '');
        i = j - 1;
      } else {
        out += c;
      }
    }
    return out;
  };
}

function patternsOf(v: StellarValue): string[] | null {
  if (v === null) return null;
  if (typeof v === 'string') return [v];
  if (Array.isArray(v)) return v.filter((x): x is string => typeof x === 'string');
  return fail(`REGEXP_MATCH: the pattern must be a string or a list of strings, got ${javaTypeName(v)}`);
}

export const functions: StellarFunction[] = [
  defineFunction('REGEXP_MATCH', '', 'Tests whether a whole string matches a regex, or any regex of a list.', ['string - The string to test', 'pattern - A regex, or a list of regexes (matched as OR)'], 'True if the string matches; false otherwise or when either is null.', (args) => {
    if (args.length < 2) fail('REGEXP_MATCH expects two args: [string, pattern] where pattern is a regexp pattern or a list of patterns');
    const str = castString(arg(args, 0), 'REGEXP_MATCH', 'string');
    const patterns = patternsOf(arg(args, 1));
    if (str === null || patterns === null) return false;
    return patterns.some((p) => compileJavaPattern(p, 'REGEXP_MATCH').whole.test(str));
  }),
  defineFunction('REGEXP_GROUP_VAL', '', 'Returns a capture group of a regex matched against the whole string.', ['string - The string', 'pattern - The regex', 'group - The group number, starting at 1 (0 is the whole string)'], 'The group value, or null when the regex does not match or has no such group.', (args) => {
    if (args.length < 3) fail('REGEXP_GROUP_VAL expects three args: [string, pattern, int] where pattern is a regexp pattern');
    const pattern = castString(arg(args, 1), 'REGEXP_GROUP_VAL', 'pattern');
    const str = castString(arg(args, 0), 'REGEXP_GROUP_VAL', 'string');
    const group = convertNumber(arg(args, 2), 'int');
    if (group === null) return null;
    if (group.value === 0) return str;
    if (str === null || pattern === null) return null;
    const m = compileJavaPattern(pattern, 'REGEXP_GROUP_VAL').whole.exec(str);
    if (m === null) return null;
    const groupCount = m.length - 1;
    if (groupCount === 0 || groupCount < group.value || group.value < 0) return null;
    return m[group.value] ?? null;
  }),
  defineFunction('REGEXP_REPLACE', '', 'Replaces every match of a regex in a string (Java replacement syntax: $1, ${name}).', ['string - The input string', 'pattern - The regex to replace', 'value - The replacement'], 'The string with the matches replaced; unchanged when the pattern or replacement is empty.', (args) => {
    if (args.length !== 3) fail('REGEXP_REPLACE expects three args: [string, pattern, value]');
    const str = castString(arg(args, 0), 'REGEXP_REPLACE', 'string');
    const pattern = castString(arg(args, 1), 'REGEXP_REPLACE', 'pattern');
    const value = castString(arg(args, 2), 'REGEXP_REPLACE', 'value');
    if (str === null || str === '') return str;
    if (pattern === null || pattern === '' || value === null || value === '') return str;
    const re = compileJavaPattern(pattern, 'REGEXP_REPLACE').global;
    re.lastIndex = 0;
    return str.replace(re, javaReplacement(value, 'REGEXP_REPLACE'));
  }),
];
