/**
 * Lexer for the Lucene classic query syntax
 * (https://lucene.apache.org/core/9_0_0/queryparser/org/apache/lucene/queryparser/classic/package-summary.html)
 * as Elasticsearch's `query_string` reads it, less the parts the stores do not support (fuzzy,
 * proximity, boosts, regexps), which are refused with a positioned QUERY_INVALID rather than
 * being misread as terms.
 */
import { MetronError } from '@metron/core';
import type { WildcardPart } from './ast.js';

export type Token =
  | { type: 'lparen' | 'rparen' | 'colon' | 'and' | 'or' | 'not' | 'plus' | 'minus' | 'eof'; pos: number }
  | { type: 'term'; pos: number; text: string; parts: WildcardPart[]; wildcard: boolean }
  | { type: 'phrase'; pos: number; text: string }
  /** `[a TO b]`, `{a TO b}` or mixed; a null end is `*` (open). */
  | { type: 'range'; pos: number; lower: string | null; upper: string | null; includeLower: boolean; includeUpper: boolean }
  /** `>`, `>=`, `<`, `<=` written before a value (`port:>=1024`). */
  | { type: 'cmp'; pos: number; op: '>' | '>=' | '<' | '<=' };

/** Builds a QUERY_INVALID error pointing at `pos` with a caret under the query. */
export function queryError(query: string, pos: number, reason: string): MetronError {
  const shown = query.length > 200 ? query.slice(Math.max(0, pos - 100), pos + 100) : query;
  const caretAt = query.length > 200 ? Math.min(pos, 100) : pos;
  return new MetronError(
    'QUERY_INVALID',
    `Invalid query at position ${pos}: ${reason}\n${shown}\n${' '.repeat(caretAt)}^`,
    { position: pos, reason },
  );
}

const UNSUPPORTED: Record<string, string> = {
  ']': "unexpected ']'",
  '}': "unexpected '}'",
  '~': 'fuzzy and proximity queries are not supported yet',
  '^': 'boosts are not supported yet',
  '/': "regular expressions are not supported yet (escape a literal '/' as '\\/')",
};

/** Characters that end a term unless escaped. `+` and `-` only matter at the start of a term. */
const TERM_BREAK = new Set([' ', '\t', '\n', '\r', '\u3000', '(', ')', ':', '"', '^', '[', ']', '{', '}', '~', '/', '!']);

function isSpace(ch: string): boolean {
  return ch === ' ' || ch === '\t' || ch === '\n' || ch === '\r' || ch === '\u3000';
}

/** Splits a query string into tokens; the last one is `eof`. */
export function tokenize(query: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  const n = query.length;
  while (i < n) {
    const ch = query[i]!;
    if (isSpace(ch)) {
      i++;
      continue;
    }
    const pos = i;
    if (ch === '(') { tokens.push({ type: 'lparen', pos }); i++; continue; }
    if (ch === ')') { tokens.push({ type: 'rparen', pos }); i++; continue; }
    if (ch === ':') { tokens.push({ type: 'colon', pos }); i++; continue; }
    if (ch === '!') { tokens.push({ type: 'not', pos }); i++; continue; }
    if (ch === '&' && query[i + 1] === '&') { tokens.push({ type: 'and', pos }); i += 2; continue; }
    if (ch === '|' && query[i + 1] === '|') { tokens.push({ type: 'or', pos }); i += 2; continue; }
    // `+`/`-` are clause modifiers at the start of a term only (`a-b` is one term, as in Lucene).
    if (ch === '+') { tokens.push({ type: 'plus', pos }); i++; continue; }
    if (ch === '-') { tokens.push({ type: 'minus', pos }); i++; continue; }
    if (ch === '>' || ch === '<') {
      const eq = query[i + 1] === '=';
      tokens.push({ type: 'cmp', pos, op: eq ? (ch === '>' ? '>=' : '<=') : ch });
      i += eq ? 2 : 1;
      continue;
    }
    if (ch === '[' || ch === '{') {
      const [token, end] = readRange(query, pos);
      tokens.push(token);
      i = end;
      continue;
    }
    if (ch === '"') {
      i++;
      let text = '';
      for (;;) {
        if (i >= n) throw queryError(query, pos, 'unterminated quoted phrase');
        const c = query[i]!;
        if (c === '\\') {
          if (i + 1 >= n) throw queryError(query, i, 'dangling escape character');
          text += query[i + 1]!;
          i += 2;
          continue;
        }
        if (c === '"') { i++; break; }
        text += c;
        i++;
      }
      tokens.push({ type: 'phrase', pos, text });
      continue;
    }
    const unsupported = UNSUPPORTED[ch];
    if (unsupported !== undefined) throw queryError(query, pos, unsupported);

    // A term: runs until an unescaped break character or `&&`/`||`.
    const parts: WildcardPart[] = [];
    let literal = '';
    let text = '';
    let wildcard = false;
    while (i < n) {
      const c = query[i]!;
      if (c === '\\') {
        if (i + 1 >= n) throw queryError(query, i, 'dangling escape character');
        const escaped = query[i + 1]!;
        literal += escaped;
        text += escaped;
        i += 2;
        continue;
      }
      if (c === '/' && !wildcard) {
        const length = cidrLengthAt(query, i, text);
        if (length > 0) {
          literal += query.slice(i, i + length);
          text += query.slice(i, i + length);
          i += length;
          continue;
        }
      }
      if (TERM_BREAK.has(c)) break;
      if ((c === '&' || c === '|') && query[i + 1] === c) break;
      if (c === '*' || c === '?') {
        if (literal !== '') parts.push({ literal });
        literal = '';
        parts.push({ any: c });
        wildcard = true;
        text += c;
        i++;
        continue;
      }
      literal += c;
      text += c;
      i++;
    }
    if (literal !== '') parts.push({ literal });
    const raw = query.slice(pos, i);
    if (!wildcard && (raw === 'AND' || raw === 'OR' || raw === 'NOT')) {
      tokens.push({ type: raw === 'AND' ? 'and' : raw === 'OR' ? 'or' : 'not', pos });
    } else {
      tokens.push({ type: 'term', pos, text, parts, wildcard });
    }
  }
  tokens.push({ type: 'eof', pos: n });
  return tokens;
}

/**
 * The length of a CIDR prefix length (`/8`, `/128`) at `slash`, or 0. Lucene would read `/` as the
 * start of a regular expression; after an address (digits, hex, dots, colons) and followed by
 * 1-3 digits that end the term, it is read as part of the term instead, so `ip_src_addr:10.0.0.0/8`
 * works unquoted, as analysts write it.
 */
function cidrLengthAt(query: string, slash: number, termSoFar: string): number {
  if (!/^[0-9A-Fa-f.:]+$/.test(termSoFar) || !/[.:]/.test(termSoFar)) return 0;
  let end = slash + 1;
  while (end < query.length && end - slash <= 3 && query[end]! >= '0' && query[end]! <= '9') end++;
  if (end === slash + 1) return 0;
  const next = query[end];
  if (next !== undefined && !TERM_BREAK.has(next) && !((next === '&' || next === '|') && query[end + 1] === next)) return 0;
  return end - slash;
}

/** Reads one end of a range: a quoted phrase or a run of characters up to a space or a closing bracket. */
function readBound(query: string, start: number): [text: string, quoted: boolean, end: number] {
  let i = start;
  const n = query.length;
  if (query[i] === '"') {
    i++;
    let text = '';
    for (;;) {
      if (i >= n) throw queryError(query, start, 'unterminated quoted phrase');
      const c = query[i]!;
      if (c === '\\') {
        if (i + 1 >= n) throw queryError(query, i, 'dangling escape character');
        text += query[i + 1]!;
        i += 2;
        continue;
      }
      if (c === '"') return [text, true, i + 1];
      text += c;
      i++;
    }
  }
  let text = '';
  while (i < n) {
    const c = query[i]!;
    if (c === '\\') {
      if (i + 1 >= n) throw queryError(query, i, 'dangling escape character');
      text += query[i + 1]!;
      i += 2;
      continue;
    }
    if (isSpace(c) || c === ']' || c === '}' || c === '[' || c === '{' || c === '"') break;
    text += c;
    i++;
  }
  return [text, false, i];
}

function skipSpaces(query: string, i: number): number {
  while (i < query.length && isSpace(query[i]!)) i++;
  return i;
}

/** Reads `[lower TO upper]` (or with `{`/`}` for exclusive ends) starting at the bracket. */
function readRange(query: string, pos: number): [Extract<Token, { type: 'range' }>, number] {
  const expected = 'expected a range [lower TO upper] or {lower TO upper}';
  let i = skipSpaces(query, pos + 1);
  const [lowerText, lowerQuoted, afterLower] = readBound(query, i);
  if (lowerText === '' && !lowerQuoted) throw queryError(query, i, expected);
  i = skipSpaces(query, afterLower);
  if (query.slice(i, i + 2) !== 'TO' || !isSpace(query[i + 2] ?? '')) throw queryError(query, i, `${expected}: missing TO`);
  i = skipSpaces(query, i + 2);
  const [upperText, upperQuoted, afterUpper] = readBound(query, i);
  if (upperText === '' && !upperQuoted) throw queryError(query, i, expected);
  i = skipSpaces(query, afterUpper);
  const close = query[i];
  if (close !== ']' && close !== '}') throw queryError(query, i >= query.length ? pos : i, `${expected}: missing ']' or '}'`);
  return [{
    type: 'range', pos,
    lower: lowerText === '*' && !lowerQuoted ? null : lowerText,
    upper: upperText === '*' && !upperQuoted ? null : upperText,
    includeLower: query[pos] === '[',
    includeUpper: close === ']',
  }, i + 1];
}
