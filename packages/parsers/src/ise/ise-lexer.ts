/**
 * The tokens of Metron's ISE grammar (its JavaCC-generated ISEParserTokenManager, options
 * IGNORE_CASE and JAVA_UNICODE_ESCAPE), re-derived from the generated automaton:
 * - COMMA `,`, EQUALS `=`, SLASH: a lone `\` (one followed by a char that cannot continue a body);
 * - TAG: `(tag=0)` in any case, taken as soon as it is complete;
 * - STRING_BODY: a run of any chars but `"` `,` `=` tab CR LF FF, where `"` and `,` are allowed
 *   right after a `\` (so `Co.\,Ltd.` is one body with its backslash); spaces are part of it;
 * - BRACED_STRING: `{`, one or more chars other than braces, `}`;
 * - skipped: CR, LF, FF; `//...` and `#...` up to and including a CR/LF/FF; `/*...*\/`.
 * The longest match wins; on equal length the kind declared first (comments before bodies).
 * Before lexing, `\uXXXX` escapes (after an odd number of backslashes) are decoded, as
 * JavaCharStream does; a malformed one is an error.
 */

export type TokenKind = 'eof' | 'comma' | 'equals' | 'slash' | 'tag' | 'body' | 'braced';

export interface Token {
  readonly kind: TokenKind;
  readonly image: string;
}

export type LexResult = { ok: true; tokens: Token[] } | { ok: false; reason: string };

const QUOTE = 0x22;
const COMMA = 0x2c;
const EQUALS = 0x3d;
const BACKSLASH = 0x5c;
const TAB = 0x09;
const LF = 0x0a;
const FF = 0x0c;
const CR = 0x0d;

/** JavaCC kind numbers: they decide ties between equally long matches. */
const Rank = { LineComment: 1, BlockComment: 2, HashComment: 3, Eol: 4, Body: 9, Braced: 10 } as const;
type Rank = (typeof Rank)[keyof typeof Rank];

function isEol(c: number): boolean {
  return c === LF || c === CR || c === FF;
}

function isBodyChar(c: number): boolean {
  return c !== QUOTE && c !== COMMA && c !== EQUALS && c !== TAB && !isEol(c);
}

const HEX = /^[0-9a-fA-F]{4}$/;

/** JavaCharStream's `\uXXXX` decoding (`\u` after an odd run of backslashes, any number of `u`). */
export function decodeJavaUnicodeEscapes(text: string): string | { error: string } {
  if (!text.includes('\\u')) return text;
  let out = '';
  let i = 0;
  while (i < text.length) {
    if (text.charCodeAt(i) !== BACKSLASH) {
      out += text[i];
      i++;
      continue;
    }
    let run = 0;
    while (text.charCodeAt(i + run) === BACKSLASH) run++;
    if (text[i + run] !== 'u' || run % 2 === 0) {
      out += text.slice(i, i + run);
      i += run;
      continue;
    }
    let j = i + run;
    while (text[j] === 'u') j++;
    const hex = text.slice(j, j + 4);
    if (!HEX.test(hex)) return { error: `invalid \\u escape ${JSON.stringify(text.slice(i + run - 1, j + 4))}` };
    out += text.slice(i, i + run - 1) + String.fromCharCode(parseInt(hex, 16));
    i = j + 4;
  }
  return out;
}

/** End of the STRING_BODY starting at `p` (p itself when none). */
function bodyEnd(text: string, p: number): number {
  let i = p;
  while (i < text.length) {
    const c = text.charCodeAt(i);
    if (isBodyChar(c) || ((c === QUOTE || c === COMMA) && i > p && text.charCodeAt(i - 1) === BACKSLASH)) i++;
    else break;
  }
  return i;
}

/** Index of the first EOL char at or after `from`, -1 if none; queries must not go backwards. */
function eolFinder(text: string): (from: number) => number {
  let found = -2; // not searched yet
  return (from) => {
    if (found === -1 || found >= from) return found;
    found = -1;
    for (let i = from; i < text.length; i++) {
      if (isEol(text.charCodeAt(i))) {
        found = i;
        break;
      }
    }
    return found;
  };
}

function startsWithTag(text: string, p: number): boolean {
  return text.length - p >= 7 && text.slice(p, p + 7).toLowerCase() === '(tag=0)';
}

/** All tokens of `text` up to EOF, or the lexical error (positions in it count from `origin`). */
export function lexIse(text: string, origin = 0): LexResult {
  const tokens: Token[] = [];
  const nextEol = eolFinder(text);
  const lastCommentClose = text.lastIndexOf('*/');
  let p = 0;
  while (p < text.length) {
    const c = text.charCodeAt(p);
    if (c === COMMA || c === EQUALS) {
      tokens.push({ kind: c === COMMA ? 'comma' : 'equals', image: text[p]! });
      p++;
      continue;
    }
    if (c === 0x28 && startsWithTag(text, p)) {
      tokens.push({ kind: 'tag', image: text.slice(p, p + 7) });
      p += 7;
      continue;
    }
    if (c === BACKSLASH) {
      const end = bodyEnd(text, p);
      if (end > p + 1) tokens.push({ kind: 'body', image: text.slice(p, end) });
      else tokens.push({ kind: 'slash', image: '\\' });
      p = Math.max(end, p + 1);
      continue;
    }
    // longest match among the rules that can start here; the lower rank wins a tie
    const candidates: [end: number, rank: Rank][] = [[bodyEnd(text, p), Rank.Body]];
    if (isEol(c)) candidates.push([p + 1, Rank.Eol]);
    const next = text[p + 1];
    if (c === 0x2f && next === '/') {
      // `//` then anything up to and including an EOL char
      const eol = nextEol(p + 2);
      if (eol !== -1) candidates.push([eol + 1, Rank.LineComment]);
    } else if (c === 0x2f && next === '*') {
      if (lastCommentClose >= p + 2) candidates.push([lastCommentClose + 2, Rank.BlockComment]);
    } else if (c === 0x23) {
      const eol = nextEol(p + 1);
      if (eol !== -1) candidates.push([eol + 1, Rank.HashComment]);
    } else if (c === 0x7b) {
      let j = p + 1;
      while (j < text.length && text[j] !== '{' && text[j] !== '}') j++;
      if (text[j] === '}' && j > p + 1) candidates.push([j + 1, Rank.Braced]);
    }
    let [bestEnd, bestRank] = candidates[0]!;
    for (const [end, rank] of candidates) {
      if (end > bestEnd || (end === bestEnd && rank < bestRank)) [bestEnd, bestRank] = [end, rank];
    }
    if (bestEnd === p) {
      return { ok: false, reason: `lexical error at ${p - origin}: unexpected ${JSON.stringify(text[p])}` };
    }
    if (bestRank === Rank.Body) tokens.push({ kind: 'body', image: text.slice(p, bestEnd) });
    else if (bestRank === Rank.Braced) tokens.push({ kind: 'braced', image: text.slice(p, bestEnd) });
    p = bestEnd;
  }
  tokens.push({ kind: 'eof', image: '' });
  return { ok: true, tokens };
}
