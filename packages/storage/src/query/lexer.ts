/**
 * Lexer for the subset of the Lucene classic query syntax
 * (https://lucene.apache.org/core/9_0_0/queryparser/org/apache/lucene/queryparser/classic/package-summary.html)
 * that the search stores support. Syntax of the full language that is not supported yet (ranges,
 * fuzzy, boosts, regexps, `+`/`-` clause modifiers) is refused with a positioned QUERY_INVALID
 * rather than being misread as terms.
 */
import { MetronError } from '@metron/core';
import type { WildcardPart } from './ast.js';

export type Token =
  | { type: 'lparen' | 'rparen' | 'colon' | 'and' | 'or' | 'not' | 'eof'; pos: number }
  | { type: 'term'; pos: number; text: string; parts: WildcardPart[]; wildcard: boolean }
  | { type: 'phrase'; pos: number; text: string };

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
  '[': 'range queries are not supported yet',
  '{': 'range queries are not supported yet',
  ']': "unexpected ']'",
  '}': "unexpected '}'",
  '~': 'fuzzy and proximity queries are not supported yet',
  '^': 'boosts are not supported yet',
  '/': "regular expressions are not supported yet (escape a literal '/' as '\\/')",
  '+': "the '+' (required) modifier is not supported yet; use AND (escape a literal '+' as '\\+')",
  '-': "the '-' (prohibit) modifier is not supported yet; use NOT (escape a literal '-' as '\\-')",
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
