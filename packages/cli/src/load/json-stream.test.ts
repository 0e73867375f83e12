import { describe, expect, it } from 'vitest';
import { seededRandom } from '@metron/core';
import { jsonErrorLocation } from '@metron/enrichment';
import { JsonStreamScanner, JsonSyntaxError, type JsonAction, type JsonPathStep, type JsonValueKind, type JsonVisitor } from './json-stream.js';


/** Scans `text` in pieces of `size` (or of random sizes from `rnd`); the syntax error as `:line:column`, '' when none. */
function scan(text: string, size: number | (() => number), visitor: JsonVisitor = { begin: () => 'skip', captured: () => undefined }): string {
  const scanner = new JsonStreamScanner(visitor);
  try {
    for (let i = 0; i < text.length; ) {
      const n = typeof size === 'number' ? size : size();
      scanner.feed(text.slice(i, i + n));
      i += n;
    }
    scanner.end();
  } catch (err) {
    if (err instanceof JsonSyntaxError) return `:${err.line}:${err.column}`;
    throw err;
  }
  return '';
}

/**
 * Where JSON.parse of the whole text fails, as the MISP and STIX loaders report it; '' when it does
 * not; undefined for the one error whose reported place is wrong: V8 gives no position for a
 * backslash before a character above U+00FF, and jsonErrorLocation's own check takes any escape.
 */
function parseLocation(text: string): string | undefined {
  try {
    JSON.parse(text);
    return '';
  } catch (err) {
    const char = /^Unexpected token '(.)'/u.exec((err as Error).message)?.[1];
    if (char !== undefined && char.codePointAt(0)! > 0xff && text.includes(`\\${char}`)) return undefined;
    return jsonErrorLocation(text, err);
  }
}

function randomValue(rnd: () => number, depth: number): unknown {
  const r = rnd();
  if (depth > 3 || r < 0.35) {
    const s = rnd();
    if (s < 0.3) return ['', 'a', 'quote " and \\ backslash', 'line\nbreak\ttab', 'é ü 漢字 😀', '\u0001\u001f', '/'][Math.floor(rnd() * 7)];
    if (s < 0.6) return [0, -1, 12.5, -0.001, 1e21, 3e-7, 123456789][Math.floor(rnd() * 7)];
    return [true, false, null][Math.floor(rnd() * 3)];
  }
  if (r < 0.65) return Array.from({ length: Math.floor(rnd() * 4) }, () => randomValue(rnd, depth + 1));
  return Object.fromEntries(Array.from({ length: Math.floor(rnd() * 4) }, (_, i) => [['Event', 'Attribute', 'k', '', 'ü', 'a"b'][Math.floor(rnd() * 6)]! + i, randomValue(rnd, depth + 1)]));
}

/** The text of a random value, compact or indented, with odd spacing sometimes. */
function randomText(rnd: () => number): string {
  const text = JSON.stringify(randomValue(rnd, 0), null, rnd() < 0.5 ? undefined : Math.floor(rnd() * 3) + 1);
  return rnd() < 0.3 ? text.replace(/,/g, ' ,\r\n\t') : text;
}

const SIGNIFICANT = ['{', '}', '[', ']', ',', ':', '"', '\\', ' ', '\n', '-', '.', 'e', 'E', '+', '0', '1', 't', 'f', 'n', 'u', 'x', '\u0000', '\u000b', '\ufeff', '\u00a0'];

/** The text changed at random: cut short, a character added, removed or replaced. */
function corrupt(text: string, rnd: () => number): string {
  const at = Math.floor(rnd() * (text.length + 1));
  const char = SIGNIFICANT[Math.floor(rnd() * SIGNIFICANT.length)]!;
  switch (Math.floor(rnd() * 4)) {
    case 0:
      return text.slice(0, at);
    case 1:
      return text.slice(0, at) + char + text.slice(at);
    case 2:
      return text.slice(0, at) + text.slice(at + 1);
    default:
      return text.slice(0, at) + char + text.slice(at + 1);
  }
}

describe('JsonStreamScanner', () => {
  it('accepts what JSON.parse accepts and refuses the rest at the line and column reported for JSON.parse, whatever the pieces', () => {
    const rnd = seededRandom(20240501);
    let refused = 0;
    for (let n = 0; n < 4000; n++) {
      const valid = randomText(rnd);
      const text = n % 5 === 0 ? valid : corrupt(valid, rnd);
      const expected = parseLocation(text);
      if (expected === undefined) continue;
      if (expected !== '') refused++;
      expect(scan(text, 1), text).toBe(expected);
      expect(scan(text, () => 1 + Math.floor(rnd() * 9)), text).toBe(expected);
      expect(scan(text, text.length + 1), text).toBe(expected);
    }
    // the corruptions make most texts invalid, not all
    expect(refused).toBeGreaterThan(2000);
  });

  it.each([
    ['', ':1:1', 'Unexpected end of JSON input'],
    [' \n ', ':2:2', 'Unexpected end of JSON input'],
    ['\ufeff{}', ':1:1', 'Unexpected token "\ufeff"'],
    ['{"a": tru}', ':1:7', 'Unexpected token "}": not \'true\''],
    ['[nul', ':1:2', "Unexpected end of JSON input: not 'null'"],
    ['[1,]', ':1:4', 'Unexpected token "]"'],
    ['{"a":1,}', ':1:8', 'Expected double-quoted property name'],
    ['{"a" 1}', ':1:6', "Expected ':' after property name"],
    ['[1 2]', ':1:4', "Expected ',' or ']' after array element"],
    ['{"a": 1\n x}', ':2:2', "Expected ',' or '}' after property value"],
    ['["\\x"]', ':1:4', 'Bad escaped character'],
    // JSON.parse gives no place for this one (and the loaders reported none or a later one)
    ['["a\\漢b"]', ':1:5', 'Bad escaped character'],
    ['["\\u00"]', ':1:7', 'Bad Unicode escape'],
    ['["a\tb"]', ':1:4', 'Bad control character in string literal'],
    ['["abc', ':1:6', 'Unterminated string'],
    ['[-a]', ':1:3', 'No number after minus sign'],
    ['[1.e3]', ':1:4', 'Unterminated fractional number'],
    ['[1e+]', ':1:5', 'Exponent part is missing a number'],
    ['[01]', ':1:3', "Expected ',' or ']' after array element"],
    ['{} x', ':1:4', 'Unexpected non-whitespace character after JSON'],
  ])('%j: %s %s', (text, where, reason) => {
    if (!text.includes('漢')) expect(parseLocation(text)).toBe(where);
    let error: unknown;
    try {
      const scanner = new JsonStreamScanner({ begin: () => 'skip', captured: () => undefined });
      scanner.feed(text);
      scanner.end();
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(JsonSyntaxError);
    expect(`:${(error as JsonSyntaxError).line}:${(error as JsonSyntaxError).column}`).toBe(where);
    expect((error as JsonSyntaxError).reason).toBe(reason);
  });

  it('walks into the values the visitor picks and captures the values it asks for, with their paths', () => {
    const document = {
      a: 1,
      list: [{ x: 'y', deep: [[{}]] }, 'two', -3.5e2, true, null, [], {}],
      'esc\u0061ped': { inner: [1, 2] },
      skipped: { list: [1] },
      'a"b\\c': 'q',
    };
    const seen: Array<[string, JsonValueKind | 'captured', unknown?]> = [];
    const at = (path: readonly JsonPathStep[]) => path.map((s) => (s.key === undefined ? `[${s.index}]` : `.${s.key}#${s.index}`)).join('');
    const visitor: JsonVisitor = {
      begin(path, kind): JsonAction {
        seen.push([at(path), kind]);
        if (path.length === 0) return 'walk';
        const key = path[0]!.key;
        if (path.length === 1) return key === 'list' || key === 'escaped' ? 'walk' : key === 'skipped' ? 'skip' : 'capture';
        return path.length === 2 && path[1]!.index === 0 ? 'walk' : 'capture';
      },
      captured(path, raw) {
        seen.push([at(path), 'captured', JSON.parse(raw)]);
      },
    };
    for (const spacing of [undefined, 2]) {
      const text = JSON.stringify(document, null, spacing);
      for (const size of [1, 3, 1000]) {
        seen.length = 0;
        expect(scan(text, size, visitor)).toBe('');
        expect(seen).toEqual([
          ['', 'object'],
          ['.a#0', 'number'],
          ['.a#0', 'captured', 1],
          ['.list#1', 'array'],
          ['.list#1[0]', 'object'],
          ['.list#1[0].x#0', 'string'],
          ['.list#1[0].x#0', 'captured', 'y'],
          ['.list#1[0].deep#1', 'array'],
          ['.list#1[0].deep#1', 'captured', [[{}]]],
          ['.list#1[1]', 'string'],
          ['.list#1[1]', 'captured', 'two'],
          ['.list#1[2]', 'number'],
          ['.list#1[2]', 'captured', -350],
          ['.list#1[3]', 'literal'],
          ['.list#1[3]', 'captured', true],
          ['.list#1[4]', 'literal'],
          ['.list#1[4]', 'captured', null],
          ['.list#1[5]', 'array'],
          ['.list#1[5]', 'captured', []],
          ['.list#1[6]', 'object'],
          ['.list#1[6]', 'captured', {}],
          ['.escaped#2', 'object'],
          ['.escaped#2.inner#0', 'array'],
          ['.escaped#2.inner#0[0]', 'number'],
          ['.escaped#2.inner#0[0]', 'captured', 1],
          ['.escaped#2.inner#0[1]', 'number'],
          ['.escaped#2.inner#0[1]', 'captured', 2],
          ['.skipped#3', 'object'],
          ['.a"b\\c#4', 'string'],
          ['.a"b\\c#4', 'captured', 'q'],
        ]);
      }
    }
  });

  it('captures a number that ends with the text, and the document itself', () => {
    const captured: unknown[] = [];
    const visitor: JsonVisitor = { begin: () => 'capture', captured: (_path, raw) => captured.push(JSON.parse(raw)) };
    for (const text of ['-12.5e3', ' 7 ', '"x"', 'false', '{"a": [1]}']) {
      captured.length = 0;
      expect(scan(text, 2, visitor)).toBe('');
      expect(captured).toEqual([JSON.parse(text)]);
    }
  });

  it('keeps member names up to 1024 characters, and holds no longer ones', () => {
    const keys: Array<string | undefined> = [];
    const visitor: JsonVisitor = {
      begin: (path) => {
        if (path.length === 1) keys.push(path[0]!.key);
        return path.length === 0 ? 'walk' : 'skip';
      },
      captured: () => undefined,
    };
    const long = 'k'.repeat(1022);
    expect(scan(JSON.stringify({ [long]: 1, [`${long}xx`]: 2, short: 3 }), 100, visitor)).toBe('');
    expect(keys).toEqual([long, undefined, 'short']);
  });

  it('tells the visitor where the value it begins starts', () => {
    const text = '\n  {"a": [1,\n    "two", {"b": null}],\r\n "c":\ttrue}';
    for (const size of [1, 4, text.length]) {
      const starts: string[] = [];
      const scanner: JsonStreamScanner = new JsonStreamScanner({
        begin: (path, kind) => {
          const { line, column } = scanner.valueStart();
          starts.push(`${kind}@${line}:${column}`);
          return path.length < 2 && kind !== 'literal' && kind !== 'number' && kind !== 'string' ? 'walk' : 'skip';
        },
        captured: () => undefined,
      });
      for (let i = 0; i < text.length; i += size) scanner.feed(text.slice(i, i + size));
      scanner.end();
      expect(starts, `pieces of ${size}`).toEqual(['object@2:3', 'array@2:9', 'number@2:10', 'string@3:5', 'object@3:12', 'literal@4:7']);
    }
  });

  it('reads deeply nested values without recursion', () => {
    const depth = 200_000;
    expect(scan(`${'['.repeat(depth)}${']'.repeat(depth)}`, 4096)).toBe('');
    expect(scan(`${'['.repeat(depth)}${']'.repeat(depth - 1)}`, 4096)).toBe(`:1:${2 * depth}`);
  });
});
