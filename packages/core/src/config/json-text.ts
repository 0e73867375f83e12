/**
 * Strict JSON (RFC 8259) reading for config files, with the position of a syntax error.
 *
 * Metron read its configs with Jackson's default settings: no comments, no trailing commas,
 * no single quotes. `JSON.parse` accepts exactly that language, but its error messages differ
 * between Node versions and often carry no position, so on failure a small scanner walks the
 * text again to say where (line:column, 1-based) and what went wrong.
 */

/** Where and why a text is not JSON. */
export type JsonSyntaxError = { line: number; column: number; offset: number; message: string };

/** A parsed JSON value, or the first syntax error in the text. */
export type JsonReadResult = { ok: true; value: unknown } | { ok: false; error: JsonSyntaxError };

/** Parse `text` as strict JSON; a leading byte order mark is ignored (Jackson skips it too). */
export function readJsonText(text: string): JsonReadResult {
  const body = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  try {
    return { ok: true, value: JSON.parse(body) as unknown };
  } catch (err) {
    const located = locateJsonSyntaxError(body);
    if (located) return { ok: false, error: located };
    // The scanner and V8 disagree (should not happen): still refuse, with V8's words.
    const message = err instanceof Error ? err.message : String(err);
    return { ok: false, error: { line: 1, column: 1, offset: 0, message } };
  }
}

/** Line and column (both 1-based) of a UTF-16 offset in `text`. */
export function lineColumnAt(text: string, offset: number): { line: number; column: number } {
  let line = 1;
  let lineStart = 0;
  for (let i = 0; i < offset && i < text.length; i++) {
    if (text.charCodeAt(i) === 0x0a) {
      line++;
      lineStart = i + 1;
    }
  }
  return { line, column: offset - lineStart + 1 };
}

/** Nesting deeper than this is refused rather than risking the call stack. */
const MAX_DEPTH = 1000;

class ScanError {
  constructor(
    readonly offset: number,
    readonly message: string,
  ) {}
}

/** The first syntax error in `text`, or undefined when it is valid JSON. */
export function locateJsonSyntaxError(text: string): JsonSyntaxError | undefined {
  let pos = 0;

  const fail = (message: string, at = pos): never => {
    throw new ScanError(at, message);
  };
  const describeHere = (): string => {
    if (pos >= text.length) return 'end of file';
    const ch = text[pos] ?? '';
    return ch === '\n' || ch === '\r' ? 'end of line' : `'${ch}'`;
  };
  const skipWhitespace = (): void => {
    while (pos < text.length) {
      const c = text.charCodeAt(pos);
      if (c === 0x20 || c === 0x09 || c === 0x0a || c === 0x0d) pos++;
      else break;
    }
  };

  const scanString = (): void => {
    const start = pos;
    pos++; // opening quote
    for (;;) {
      if (pos >= text.length) fail('unterminated string', start);
      const c = text.charCodeAt(pos);
      if (c === 0x22) {
        pos++;
        return;
      }
      if (c < 0x20) fail('control character in a string (escape it, e.g. \\n)');
      if (c === 0x5c) {
        const next = text[pos + 1];
        if (next === undefined) fail('unterminated string', start);
        else if ('"\\/bfnrt'.includes(next)) pos += 2;
        else if (next === 'u') {
          if (!/^[0-9a-fA-F]{4}$/.test(text.slice(pos + 2, pos + 6))) fail('invalid \\u escape: expected 4 hex digits');
          pos += 6;
        } else fail(`invalid escape '\\${next}' in a string`);
      } else pos++;
    }
  };

  const scanNumber = (): void => {
    const start = pos;
    const match = /^-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?/.exec(text.slice(pos, pos + 400));
    if (!match || match[0] === '-') fail('invalid number', start);
    else pos += match[0].length;
    const c = text[pos];
    if (c !== undefined && /[0-9A-Za-z_.]/.test(c)) fail('invalid number', start);
  };

  const scanLiteral = (word: string): void => {
    if (text.startsWith(word, pos)) {
      pos += word.length;
      return;
    }
    const start = pos;
    while (pos < text.length && /[A-Za-z0-9_$]/.test(text[pos] ?? '')) pos++;
    const token = text.slice(start, Math.max(pos, start + 1));
    fail(`unexpected '${token}' (strings need double quotes)`, start);
  };

  const scanValue = (depth: number): void => {
    skipWhitespace();
    if (pos >= text.length) fail('unexpected end of file: a value is missing');
    const ch = text[pos];
    if (ch === '{') scanObject(depth + 1);
    else if (ch === '[') scanArray(depth + 1);
    else if (ch === '"') scanString();
    else if (ch === '-' || (ch !== undefined && ch >= '0' && ch <= '9')) scanNumber();
    else if (ch === 't') scanLiteral('true');
    else if (ch === 'f') scanLiteral('false');
    else if (ch === 'n') scanLiteral('null');
    else if (ch === "'") fail("single quotes are not JSON: use double quotes");
    else if (ch === '/') fail('comments are not allowed in JSON');
    else if (ch === '}' || ch === ']' || ch === ',') fail(`unexpected ${describeHere()}: a value is missing`);
    else if (ch !== undefined && /[A-Za-z_$]/.test(ch)) scanLiteral(ch);
    else fail(`unexpected ${describeHere()}`);
  };

  const scanObject = (depth: number): void => {
    if (depth > MAX_DEPTH) fail('nesting is too deep');
    pos++; // {
    skipWhitespace();
    if (text[pos] === '}') {
      pos++;
      return;
    }
    for (;;) {
      skipWhitespace();
      const ch = text[pos];
      if (ch === '}') fail("trailing comma before '}' is not allowed in JSON");
      if (ch === "'") fail('single quotes are not JSON: use double quotes');
      if (ch !== '"') fail(pos >= text.length ? 'unexpected end of file inside an object' : `expected a key in double quotes, got ${describeHere()}`);
      scanString();
      skipWhitespace();
      if (text[pos] !== ':') fail(`expected ':' after the key, got ${describeHere()}`);
      pos++;
      scanValue(depth);
      skipWhitespace();
      if (text[pos] === ',') {
        pos++;
        continue;
      }
      if (text[pos] === '}') {
        pos++;
        return;
      }
      fail(pos >= text.length ? "unexpected end of file: missing '}'" : `expected ',' or '}' after a value, got ${describeHere()}`);
    }
  };

  const scanArray = (depth: number): void => {
    if (depth > MAX_DEPTH) fail('nesting is too deep');
    pos++; // [
    skipWhitespace();
    if (text[pos] === ']') {
      pos++;
      return;
    }
    for (;;) {
      skipWhitespace();
      if (text[pos] === ']') fail("trailing comma before ']' is not allowed in JSON");
      scanValue(depth);
      skipWhitespace();
      if (text[pos] === ',') {
        pos++;
        continue;
      }
      if (text[pos] === ']') {
        pos++;
        return;
      }
      fail(pos >= text.length ? "unexpected end of file: missing ']'" : `expected ',' or ']' after a value, got ${describeHere()}`);
    }
  };

  try {
    skipWhitespace();
    if (pos >= text.length) fail('the file is empty');
    scanValue(0);
    skipWhitespace();
    if (pos < text.length) fail(`unexpected ${describeHere()} after the end of the JSON value`);
    return undefined;
  } catch (err) {
    if (!(err instanceof ScanError)) throw err;
    return { ...lineColumnAt(text, err.offset), offset: err.offset, message: err.message };
  }
}
