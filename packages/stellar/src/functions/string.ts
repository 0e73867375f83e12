/**
 * String functions (Metron StringFunctions.java): case, trimming, splitting/joining, padding,
 * FORMAT (java.util.Formatter), commons-lang StringUtils helpers, list accessors, JSON parsing
 * and Shannon entropy.
 */
import { JInt, isNumber, toDouble, type StellarValue } from '../values.js';
import type { StellarFunction } from './types.js';
import {
  arg,
  castString,
  convertNumber,
  defineFunction,
  fail,
  iterableItems,
  javaToString,
  javaTypeName,
} from './java-interop.js';
import { javaFormat } from './java-format.js';
import { JsonSyntaxError, parseJsonText } from './json-text.js';

/** Java `String.trim()`: strips code units <= U+0020 at both ends. */
function javaTrim(s: string): string {
  let start = 0;
  let end = s.length;
  while (start < end && s.charCodeAt(start) <= 32) start++;
  while (end > start && s.charCodeAt(end - 1) <= 32) end--;
  return s.slice(start, end);
}

function listArg(v: StellarValue, fnName: string): StellarValue[] {
  const items = iterableItems(v);
  if (items === undefined) return fail(`${fnName}: expected a list, got ${javaTypeName(v)}`);
  return items;
}

function fill(direction: 'left' | 'right', fnName: string, args: StellarValue[]): StellarValue {
  if (args.length < 3) fail(`${fnName} expects three args: [string, char, length]`);
  const input = arg(args, 0);
  if (input === null) return null;
  const s = javaToString(input);
  const fillObj = arg(args, 1);
  const lenObj = arg(args, 2);
  if (fillObj === null || lenObj === null) fail(`${fnName}: required length and fill string are both required`);
  const fillStr = javaToString(fillObj);
  if (fillStr === '') fail(`${fnName}: the fill cannot be an empty string`);
  const len = convertNumber(lenObj, 'int');
  if (len === null) return fail(`${fnName}: required length not a valid integer: ${javaToString(lenObj)}`);
  const pad = fillStr.slice(0, 1);
  if (s.length >= len.value) return s;
  const padding = pad.repeat(len.value - s.length);
  return direction === 'left' ? padding + s : s + padding;
}

/** commons-lang3 `StringUtils.chomp`: removes one trailing \r\n, \n or \r. */
function chomp(s: string): string {
  if (s.endsWith('\r\n')) return s.slice(0, -2);
  if (s.endsWith('\n') || s.endsWith('\r')) return s.slice(0, -1);
  return s;
}

/** commons-lang3 `StringUtils.chop`: removes the last character, or a trailing \r\n pair. */
function chop(s: string): string {
  if (s.endsWith('\r\n')) return s.slice(0, -2);
  return s.slice(0, -1);
}

function affixIfMissing(kind: 'prepend' | 'append', fnName: string, args: StellarValue[]): StellarValue {
  if (args.length !== 2 && args.length !== 3) {
    fail(`[${fnName}] incorrect arguments. Usage: ${fnName} <String> <affix> [<affix>...]`);
  }
  const str = castString(arg(args, 0), fnName, 'str');
  const affix = castString(arg(args, 1), fnName, 'affix');
  const others = args.slice(2).map((a) => castString(a, fnName, 'additional affix'));
  const has = (a: string | null): boolean =>
    a !== null && str !== null && (kind === 'prepend' ? str.startsWith(a) : str.endsWith(a));
  if (str === null || affix === null || affix === '' || has(affix)) return str;
  if (others.some(has)) return str;
  return kind === 'prepend' ? affix + str : str + affix;
}

function countMatches(str: string | null, sub: string | null): number {
  if (str === null || sub === null || str === '' || sub === '') return 0;
  let count = 0;
  for (let i = str.indexOf(sub); i !== -1; i = str.indexOf(sub, i + sub.length)) count++;
  return count;
}

function parseJsonArg(fnName: string, args: StellarValue[], expect: 'any' | 'map' | 'list'): StellarValue {
  if (args.length === 0) fail(`[${fnName}] incorrect arguments. Usage: ${fnName} <String>`);
  const s = castString(arg(args, 0), fnName, 'str');
  if (s === null) return null;
  if (s.length === 0) return s;
  let v: StellarValue;
  try {
    v = parseJsonText(s);
  } catch (e) {
    if (e instanceof JsonSyntaxError) return fail(`${fnName}: valid JSON string not supplied (${e.message})`);
    throw e;
  }
  if (expect === 'map' && !(v instanceof Map)) fail(`${fnName}: the JSON string is not an object`);
  if (expect === 'list' && !Array.isArray(v)) fail(`${fnName}: the JSON string is not an array`);
  if (expect === 'any' && !(v instanceof Map) && !Array.isArray(v)) fail(`${fnName}: the JSON string is not an object or array`);
  return v;
}

function shannonEntropy(input: string): number {
  if (input === '') return 0.0;
  const freq = new Map<number, number>();
  for (let i = 0; i < input.length; i++) {
    const c = input.charCodeAt(i);
    freq.set(c, (freq.get(c) ?? 0) + 1);
  }
  let ret = 0.0;
  const log2 = Math.log(2);
  for (const f of freq.values()) {
    const p = f / input.length;
    ret -= (p * Math.log(p)) / log2;
  }
  return ret;
}

function startsOrEnds(kind: 'starts' | 'ends', fnName: string, args: StellarValue[]): boolean {
  if (args.length < 2) fail(`${fnName} expects two args: [string, ${kind === 'starts' ? 'prefix' : 'suffix'}]`);
  const affix = castString(arg(args, 1), fnName);
  const str = castString(arg(args, 0), fnName);
  if (str === null || affix === null) return false;
  return kind === 'starts' ? str.startsWith(affix) : str.endsWith(affix);
}

export const functions: StellarFunction[] = [
  defineFunction('ENDS_WITH', '', 'Tests whether a string ends with a suffix.', ['string - The string to test', 'suffix - The suffix'], 'True if the string ends with the suffix; false otherwise or when either is null.', (args) =>
    startsOrEnds('ends', 'ENDS_WITH', args),
  ),
  defineFunction('STARTS_WITH', '', 'Tests whether a string starts with a prefix.', ['string - The string to test', 'prefix - The prefix'], 'True if the string starts with the prefix; false otherwise or when either is null.', (args) =>
    startsOrEnds('starts', 'STARTS_WITH', args),
  ),
  defineFunction('TO_LOWER', '', 'Converts a value to its lowercase string form.', ['input - The value'], 'The lowercase string, or null for null.', (args) => {
    const v = arg(args, 0);
    return v === null ? null : javaToString(v).toLowerCase();
  }),
  defineFunction('TO_UPPER', '', 'Converts a value to its uppercase string form.', ['input - The value'], 'The uppercase string, or null for null.', (args) => {
    const v = arg(args, 0);
    return v === null ? null : javaToString(v).toUpperCase();
  }),
  defineFunction('TO_STRING', '', 'Converts a value to its string form (Java toString).', ['input - The value'], 'The string, or null for null.', (args) => {
    const v = arg(args, 0);
    return v === null ? null : javaToString(v);
  }),
  defineFunction('TRIM', '', 'Removes leading and trailing whitespace.', ['input - The string'], 'The trimmed string, or null for null.', (args) => {
    const v = arg(args, 0);
    return v === null ? null : javaTrim(javaToString(v));
  }),
  defineFunction('JOIN', '', 'Joins the non-null items of a list or set into one string with a delimiter.', ['iterable - A list or set of items, rendered as strings', 'delim - The delimiter'], 'The joined string.', (args) => {
    const items = listArg(arg(args, 0), 'JOIN');
    const delim = castString(arg(args, 1), 'JOIN', 'delim');
    if (delim === null) return fail('JOIN: the delimiter may not be null');
    return items.filter((x) => x !== null).map(javaToString).join(delim);
  }),
  defineFunction('SPLIT', '', 'Splits a string on a literal delimiter.', ['input - The string to split', 'delim - The delimiter'], 'A list of strings (empty for null input).', (args) => {
    const input = arg(args, 0);
    if (input === null) return [];
    const delim = castString(arg(args, 1), 'SPLIT', 'delim');
    if (delim === null || delim === '') return fail('SPLIT: the delimiter may not be null or empty');
    return javaToString(input).split(delim);
  }),
  defineFunction('GET_LAST', '', 'Returns the last element of a list.', ['input - The list'], 'The last element, or null when the list is empty.', (args) => {
    const items = listArg(arg(args, 0), 'GET_LAST');
    return items.length === 0 ? null : (items[items.length - 1] ?? null);
  }),
  defineFunction('GET_FIRST', '', 'Returns the first element of a list.', ['input - The list'], 'The first element, or null when the list is empty.', (args) => {
    const items = listArg(arg(args, 0), 'GET_FIRST');
    return items[0] ?? null;
  }),
  defineFunction('GET', '', 'Returns the element of a list at a 0-based index.', ['input - The list', 'i - The 0-based index'], 'The element, or null when the index is past the end.', (args) => {
    const items = listArg(arg(args, 0), 'GET');
    const i = arg(args, 1);
    if (!(i instanceof JInt)) return fail(`GET: the index must be an integer, got ${javaTypeName(i)}`);
    if (i.value < 0) return fail(`GET: index ${i.value} is negative`);
    return i.value < items.length ? (items[i.value] ?? null) : null;
  }),
  defineFunction('FILL_LEFT', '', 'Pads a string on the left with a fill character up to a length.', ['input - The string', 'fill - The fill character (first character used)', 'len - The required length'], 'The padded string, or null for null input.', (args) =>
    fill('left', 'FILL_LEFT', args),
  ),
  defineFunction('FILL_RIGHT', '', 'Pads a string on the right with a fill character up to a length.', ['input - The string', 'fill - The fill character (first character used)', 'len - The required length'], 'The padded string, or null for null input.', (args) =>
    fill('right', 'FILL_RIGHT', args),
  ),
  defineFunction('STRING_ENTROPY', 'STRING', 'Computes the base-2 Shannon entropy of the characters of a string.', ['input - The string'], 'The entropy in bits, as a double (0.0 for an empty or null string).', (args) => {
    if (args.length !== 1) fail('STRING_ENTROPY expects exactly one argument which is a string.');
    const v = arg(args, 0);
    return shannonEntropy(v === null ? '' : javaToString(v));
  }),
  defineFunction('FORMAT', '', "Formats a string with Java's String.format conventions.", ['format - The format string', 'arguments... - The values to format'], 'The formatted string.', (args) => {
    if (args.length === 0) fail('[FORMAT] missing argument: format string');
    const f = arg(args, 0);
    return javaFormat(f === null ? 'null' : javaToString(f), args.slice(1));
  }),
  defineFunction('SUBSTRING', '', 'Returns the part of a string between a start index (inclusive) and an optional end index (exclusive).', ['input - The string', 'start - The 0-based start (inclusive)', 'end? - The 0-based end (exclusive)'], 'The substring, or null when the input or start is null.', (args) => {
    if (args.length < 2) fail('SUBSTRING requires (at least) 2 arguments: the input and the start position (inclusive)');
    const input = arg(args, 0);
    if (input !== null && typeof input !== 'string') fail('SUBSTRING input must be a String');
    const startObj = arg(args, 1);
    if (startObj !== null && !isNumber(startObj)) fail('SUBSTRING start must be an Number');
    const endObj = args.length > 2 ? arg(args, 2) : null;
    if (endObj !== null && !isNumber(endObj)) fail('SUBSTRING end must be an Number');
    if (input === null || startObj === null) return null;
    if (input.length === 0) return input;
    const start = Math.trunc(toDouble(startObj)) | 0;
    const end = endObj === null ? input.length : Math.trunc(toDouble(endObj)) | 0;
    if (start < 0 || end > input.length || start > end) {
      fail(`SUBSTRING: begin ${start}, end ${end}, length ${input.length} are out of range`);
    }
    return input.slice(start, end);
  }),
  defineFunction('CHOMP', '', 'Removes one trailing newline (\\n, \\r or \\r\\n) from a string.', ['input - The string, may be null'], 'The string without its trailing newline, or null for null.', (args) => {
    if (args.length === 0) fail('[CHOMP] missing argument: string to be chopped');
    const s = castString(arg(args, 0), 'CHOMP');
    return s === null ? null : chomp(s);
  }),
  defineFunction('CHOP', '', 'Removes the last character (or a trailing \\r\\n) from a string.', ['input - The string, may be null'], 'The string without its last character, or null for null.', (args) => {
    if (args.length === 0) fail('[CHOP] missing argument: string to be chopped');
    const s = castString(arg(args, 0), 'CHOP');
    return s === null ? null : chop(s);
  }),
  defineFunction('PREPEND_IF_MISSING', '', 'Prepends a prefix unless the string already starts with it or with one of the additional prefixes.', ['str - The string', 'prefix - The prefix to prepend', 'additionalprefix - Optional - Another accepted prefix'], 'The prefixed string, or the string unchanged.', (args) =>
    affixIfMissing('prepend', 'PREPEND_IF_MISSING', args),
  ),
  defineFunction('APPEND_IF_MISSING', '', 'Appends a suffix unless the string already ends with it or with one of the additional suffixes.', ['str - The string', 'suffix - The suffix to append', 'additionalsuffix - Optional - Another accepted suffix'], 'The suffixed string, or the string unchanged.', (args) =>
    affixIfMissing('append', 'APPEND_IF_MISSING', args),
  ),
  defineFunction('COUNT_MATCHES', '', 'Counts the non-overlapping occurrences of a substring.', ['str - The string, may be null', 'sub - The substring, may be null'], 'The number of occurrences as an int (0 when either is null or empty).', (args) => {
    if (args.length !== 2) fail('[COUNT_MATCHES] incorrect arguments. Usage: COUNT_MATCHES <String> <substring>');
    return new JInt(countMatches(castString(arg(args, 0), 'COUNT_MATCHES'), castString(arg(args, 1), 'COUNT_MATCHES')));
  }),
  defineFunction('TO_JSON_OBJECT', '', 'Parses a JSON string into a map or list.', ['str - The JSON string, may be null'], 'The parsed map or list.', (args) => parseJsonArg('TO_JSON_OBJECT', args, 'any')),
  defineFunction('TO_JSON_MAP', '', 'Parses a JSON object string into a map.', ['str - The JSON string, may be null'], 'The parsed map.', (args) => parseJsonArg('TO_JSON_MAP', args, 'map')),
  defineFunction('TO_JSON_LIST', '', 'Parses a JSON array string into a list.', ['str - The JSON string, may be null'], 'The parsed list.', (args) => parseJsonArg('TO_JSON_LIST', args, 'list')),
];
