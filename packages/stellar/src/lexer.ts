/**
 * Stellar lexer, after Metron's `Stellar.g4` lexical rules (metron-stellar/stellar-common).
 *
 * Differences kept small and deliberate:
 * - A `-` directly before a digit is part of a number literal only where an operand may start
 *   (Metron's ANTLR lexer always takes it, so `1-1` fails to parse there; here it subtracts).
 * - `not in` may be separated by any whitespace.
 */
import { StellarParseError } from './errors.js';

export type TokenKind =
  | 'number' | 'string' | 'ident'
  // keywords
  | 'in' | 'not_in' | 'and' | 'or' | 'not' | 'true' | 'false' | 'if' | 'then' | 'else' | 'null' | 'nan'
  | 'match' | 'default' | 'exists'
  // punctuation
  | '->' | '=>' | ',' | '==' | '!=' | '<' | '<=' | '>' | '>=' | '?' | ':' | '-' | '+' | '/' | '*'
  | '{' | '}' | '[' | ']' | '(' | ')' | '!'
  | 'eof';

export type NumberKind = 'int' | 'long' | 'float' | 'double';

export interface Token {
  readonly kind: TokenKind;
  /** Source text of the token. */
  readonly text: string;
  readonly start: number;
  readonly end: number;
  /** For 'string': the unescaped value. */
  readonly value?: string;
  /** For 'number': its Java type. */
  readonly numberKind?: NumberKind;
}

/** Keywords have exactly two spellings (lower and upper case), except NaN. */
const KEYWORDS: ReadonlyMap<string, TokenKind> = new Map<string, TokenKind>([
  ['in', 'in'], ['IN', 'in'],
  ['and', 'and'], ['AND', 'and'],
  ['or', 'or'], ['OR', 'or'],
  ['not', 'not'], ['NOT', 'not'],
  ['true', 'true'], ['TRUE', 'true'],
  ['false', 'false'], ['FALSE', 'false'],
  ['if', 'if'], ['IF', 'if'],
  ['then', 'then'], ['THEN', 'then'],
  ['else', 'else'], ['ELSE', 'else'],
  ['null', 'null'], ['NULL', 'null'],
  ['NaN', 'nan'],
  ['match', 'match'], ['MATCH', 'match'],
  ['default', 'default'], ['DEFAULT', 'default'],
  ['exists', 'exists'], ['EXISTS', 'exists'],
]);

/** Tokens after which an operand has just ended (so a following `-` is the binary minus). */
const ENDS_OPERAND: ReadonlySet<TokenKind> = new Set<TokenKind>([
  'number', 'string', 'ident', 'true', 'false', 'null', 'nan', ')', ']', '}',
]);

const isDigit = (c: number): boolean => c >= 48 && c <= 57;
const isIdentStart = (c: number): boolean => (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c === 95 || c === 36;
/** IDENTIFIER_MIDDLE: letters, digits, `_`, `.`, `:`. */
const isIdentPart = (c: number): boolean => (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c === 95 || c === 46 || c === 58 || isDigit(c);
const isSpace = (c: number): boolean => c === 32 || c === 9 || c === 10 || c === 13 || c === 12;

const ESCAPES: Readonly<Record<string, string>> = { "'": "'", '"': '"', '\\': '\\', n: '\n', r: '\r', t: '\t' };

/** Splits an expression into tokens; the last one is 'eof'. Throws StellarParseError. */
export function tokenize(src: string): Token[] {
  const tokens: Token[] = [];
  const n = src.length;
  let i = 0;
  const fail = (message: string, start: number, end = start + 1): never => {
    throw new StellarParseError(message, src, { start, end });
  };
  const push = (kind: TokenKind, start: number, end: number, extra?: Partial<Token>): void => {
    tokens.push({ kind, text: src.slice(start, end), start, end, ...extra });
  };

  while (i < n) {
    const c = src.charCodeAt(i);
    if (isSpace(c)) {
      i++;
      continue;
    }
    // `//` comment to the end of the line
    if (c === 47 && src.charCodeAt(i + 1) === 47) {
      const nl = src.indexOf('\n', i);
      i = nl < 0 ? n : nl + 1;
      continue;
    }
    const start = i;
    const prev = tokens.length > 0 ? tokens[tokens.length - 1]!.kind : undefined;
    const operandMayStart = prev === undefined || !ENDS_OPERAND.has(prev);

    // numbers: [-](0|[1-9][0-9]*)[.[0-9]*][e[+-]digits][dDfFlL]  or  [-].digits...
    const c1 = src.charCodeAt(i + 1);
    const startsNumber =
      isDigit(c) ||
      (c === 46 && isDigit(c1)) ||
      (c === 45 && operandMayStart && (isDigit(c1) || (c1 === 46 && isDigit(src.charCodeAt(i + 2)))));
    if (startsNumber) {
      i = lexNumber(src, i, tokens, fail);
      continue;
    }

    if (c === 39 || c === 34) {
      // string literal
      const quote = c;
      let out = '';
      let j = i + 1;
      let segment = j;
      for (;;) {
        if (j >= n) fail('unterminated string literal', start, n);
        const d = src.charCodeAt(j);
        if (d === quote) break;
        if (d === 92) {
          out += src.slice(segment, j);
          const esc = src[j + 1];
          const rep = esc === undefined ? undefined : ESCAPES[esc];
          if (rep === undefined) fail(`invalid escape sequence '\\${esc ?? ''}' (Stellar allows \\' \\" \\\\ \\n \\r \\t)`, j, j + 2);
          out += rep;
          j += 2;
          segment = j;
          continue;
        }
        j++;
      }
      out += src.slice(segment, j);
      i = j + 1;
      push('string', start, i, { value: out });
      continue;
    }

    if (isIdentStart(c)) {
      let j = i + 1;
      while (j < n && isIdentPart(src.charCodeAt(j))) j++;
      // identifiers cannot end with ':' (it would swallow the ':' of maps and ternaries)
      while (j > i + 1 && src.charCodeAt(j - 1) === 58) j--;
      const word = src.slice(i, j);
      const kw = KEYWORDS.get(word);
      if (kw === 'not') {
        // `not in` / `NOT IN` is one operator
        let k = j;
        while (k < n && isSpace(src.charCodeAt(k))) k++;
        const next = src.slice(k, k + 2);
        if (k > j && next === (word === 'not' ? 'in' : 'IN') && !isIdentPart(src.charCodeAt(k + 2))) {
          push('not_in', i, k + 2);
          i = k + 2;
          continue;
        }
      }
      push(kw ?? 'ident', i, j);
      i = j;
      continue;
    }

    const two = src.slice(i, i + 2);
    switch (two) {
      case '->': case '=>': case '==': case '!=': case '<=': case '>=':
        push(two, i, i + 2);
        i += 2;
        continue;
      case '&&':
        push('and', i, i + 2);
        i += 2;
        continue;
      case '||':
        push('or', i, i + 2);
        i += 2;
        continue;
    }
    const one = src[i]!;
    if (',<>?:-+/*{}[]()'.includes(one)) {
      push(one as TokenKind, i, i + 1);
      i++;
      continue;
    }
    if (one === '!') {
      // `!x` negates like NOT(x) (a C-style alias; Metron's own grammar only has NOT)
      push('!', i, i + 1);
      i++;
      continue;
    }
    if (one === '=') fail("unexpected '=': use == to compare", i);
    if (one === '%') fail("unexpected '%': Stellar has no remainder operator", i);
    fail(`unexpected character '${one}'`, i);
  }
  push('eof', n, n);
  return tokens;
}

function lexNumber(src: string, i: number, tokens: Token[], fail: (m: string, s: number, e?: number) => never): number {
  const start = i;
  const n = src.length;
  if (src.charCodeAt(i) === 45) i++;
  let hasDot = false;
  let hasExp = false;
  const intStart = i;
  while (i < n && isDigit(src.charCodeAt(i))) i++;
  if (i - intStart > 1 && src.charCodeAt(intStart) === 48) {
    fail('invalid number: leading zeros are not allowed', start, i);
  }
  if (src.charCodeAt(i) === 46) {
    hasDot = true;
    i++;
    while (i < n && isDigit(src.charCodeAt(i))) i++;
  }
  const e = src.charCodeAt(i);
  if (e === 101 || e === 69) {
    let j = i + 1;
    const sign = src.charCodeAt(j);
    if (sign === 43 || sign === 45) j++;
    if (isDigit(src.charCodeAt(j))) {
      while (j < n && isDigit(src.charCodeAt(j))) j++;
      hasExp = true;
      i = j;
    }
  }
  let kind: NumberKind = hasDot || hasExp ? 'double' : 'int';
  const s = src.charCodeAt(i);
  if (s === 100 || s === 68) {
    kind = 'double';
    i++;
  } else if (s === 102 || s === 70) {
    kind = 'float';
    i++;
  } else if ((s === 108 || s === 76) && !hasDot && !hasExp) {
    kind = 'long';
    i++;
  }
  // a letter or digit right after the literal (`000`, `1x`, `2L5`) is an error; `:` and `.` are not
  const after = src.charCodeAt(i);
  if (i < n && (isIdentStart(after) || isDigit(after))) {
    let j = i;
    while (j < n && (isIdentStart(src.charCodeAt(j)) || isDigit(src.charCodeAt(j)))) j++;
    fail(`invalid number literal '${src.slice(start, j)}'`, start, j);
  }
  tokens.push({ kind: 'number', text: src.slice(start, i), start, end: i, numberKind: kind });
  return i;
}
