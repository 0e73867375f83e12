/**
 * Zeek's ASCII log format (the `LogAscii` writer, zeek/src/threading/formatters/Ascii.cc): `#`
 * header lines (`#separator \x09`, `#set_separator`, `#empty_field`, `#unset_field`, `#path`,
 * `#open`, `#fields`, `#types`, `#close`) describe the data lines that follow them. Values are typed
 * by `#types`; the unset marker (`-`) and the empty marker (`(empty)`, an empty string or container)
 * leave the field out; bytes that are unprintable or collide with a separator are written `\xHH`, and a
 * string equal to a marker has its first byte escaped that way.
 */
import { LogTypeGuess, roleOf, ZeekMessageBuilder, type Role } from './zeek-message.js';

/** A data line's value could not be read as its declared type. */
export class ZeekValueError extends Error {}

/** Separators and markers of a header block. */
export interface ZeekSeparators {
  separator: string;
  setSeparator: string;
  emptyField: string;
  unsetField: string;
}

export const DEFAULT_SEPARATORS: Readonly<ZeekSeparators> = { separator: '\t', setSeparator: ',', emptyField: '(empty)', unsetField: '-' };

type Convert = (value: string) => unknown;

interface Column {
  readonly name: string;
  readonly role: Role;
  readonly convert: Convert;
}

/** The compiled layout of the data lines of one header block. */
export interface TsvSchema {
  readonly columns: readonly Column[];
  readonly separators: Readonly<ZeekSeparators>;
  /** The log type from `#path`, else the configured one, else inferred from the field names. */
  readonly logType: string | undefined;
}

const HEX_ESCAPE = '\\x';

function hexValue(code: number): number {
  if (code >= 48 && code <= 57) return code - 48;
  const lower = code | 0x20;
  if (lower >= 97 && lower <= 102) return lower - 87;
  return -1;
}

/**
 * The text of a run of escaped bytes: UTF-8 sequences decoded, each byte that is not part of a valid
 * sequence kept as written (`\xff`), which is also how Zeek's JSON writer shows such bytes.
 * Hand-written: TextDecoder costs a native call per value.
 */
function decodeRun(bytes: readonly number[], source: string, runStart: number): string {
  let out = '';
  let i = 0;
  while (i < bytes.length) {
    const b = bytes[i]!;
    if (b < 0x80) {
      out += String.fromCharCode(b);
      i++;
      continue;
    }
    // lead byte: how many continuation bytes follow, its payload bits, the smallest code point it may encode
    const need = b >= 0xc2 && b <= 0xdf ? 1 : b >= 0xe0 && b <= 0xef ? 2 : b >= 0xf0 && b <= 0xf4 ? 3 : 0;
    let cp = need === 1 ? b & 0x1f : need === 2 ? b & 0x0f : b & 0x07;
    const min = need === 1 ? 0x80 : need === 2 ? 0x800 : 0x10000;
    let valid = need > 0;
    for (let j = 1; valid && j <= need; j++) {
      const c = bytes[i + j];
      if (c === undefined || (c & 0xc0) !== 0x80) valid = false;
      else cp = (cp << 6) | (c & 0x3f);
    }
    if (valid && cp >= min && cp <= 0x10ffff && (cp < 0xd800 || cp > 0xdfff)) {
      out += String.fromCodePoint(cp);
      i += need + 1;
    } else {
      out += source.slice(runStart + 4 * i, runStart + 4 * i + 4);
      i++;
    }
  }
  return out;
}

/** Undoes Zeek's `\xHH` escapes (see decodeRun for bytes that are not UTF-8). */
export function unescapeZeek(value: string): string {
  let at = value.indexOf(HEX_ESCAPE);
  if (at < 0) return value;
  let out = '';
  let copied = 0;
  while (at >= 0) {
    const runStart = at;
    const bytes: number[] = [];
    while (value.charCodeAt(at) === 92 /* \ */ && value.charCodeAt(at + 1) === 120 /* x */) {
      const hi = hexValue(value.charCodeAt(at + 2));
      const lo = hexValue(value.charCodeAt(at + 3));
      if (hi < 0 || lo < 0) break;
      bytes.push(hi * 16 + lo);
      at += 4;
    }
    if (bytes.length === 0) {
      at = value.indexOf(HEX_ESCAPE, at + 2);
      continue;
    }
    out += value.slice(copied, runStart) + decodeRun(bytes, value, runStart);
    copied = at;
    at = value.indexOf(HEX_ESCAPE, at);
  }
  return out + value.slice(copied);
}

function toFloat(name: string): Convert {
  return (value) => {
    const n = Number(value);
    if (Number.isNaN(n) || (n === 0 && value.trim() === '')) throw new ZeekValueError(`field ${name}: ${JSON.stringify(value)} is not a number`);
    return n;
  };
}

function toInteger(name: string, isPort: boolean): Convert {
  return (value) => {
    let n = Number(value);
    // A port may carry its transport (`80/tcp`), as Zeek's own reader accepts.
    if (isPort && Number.isNaN(n)) {
      const slash = value.indexOf('/');
      if (slash > 0) n = Number(value.slice(0, slash));
    }
    if (!Number.isInteger(n) || (n === 0 && value.trim() === '')) throw new ZeekValueError(`field ${name}: ${JSON.stringify(value)} is not an integer`);
    return n;
  };
}

function toBool(name: string): Convert {
  return (value) => {
    if (value === 'T') return true;
    if (value === 'F') return false;
    throw new ZeekValueError(`field ${name}: ${JSON.stringify(value)} is not T or F`);
  };
}

const DECIMAL = /^-?\d+(?:\.\d+)?(?:[eE][-+]?\d+)?$/;

/** Without `#types` (header-less TSV with only `parserConfig.fields`): numbers and T/F are read as such. */
function untyped(value: string): unknown {
  if (DECIMAL.test(value)) return Number(value);
  if (value === 'T') return true;
  if (value === 'F') return false;
  return unescapeZeek(value);
}

function scalarConverter(type: string, name: string): Convert {
  switch (type) {
    case 'time':
    case 'interval':
    case 'double':
      return toFloat(name);
    case 'count':
    case 'int':
    case 'counter':
      return toInteger(name, false);
    case 'port':
      return toInteger(name, true);
    case 'bool':
      return toBool(name);
    case '':
      return untyped;
    default:
      // string, addr, subnet, enum, pattern, file, func and anything newer
      return unescapeZeek;
  }
}

/** The element type of `set[T]`, `table[T]` or `vector[T]`, or undefined for a scalar type. */
function elementType(type: string): string | undefined {
  const open = type.indexOf('[');
  if (open < 0 || !type.endsWith(']')) return undefined;
  const outer = type.slice(0, open);
  if (outer !== 'set' && outer !== 'table' && outer !== 'vector') return undefined;
  return type.slice(open + 1, -1);
}

function converter(type: string, name: string, separators: ZeekSeparators): Convert {
  const element = elementType(type);
  if (element === undefined) return scalarConverter(type, name);
  const convertElement = scalarConverter(element, name);
  const { setSeparator, unsetField, emptyField } = separators;
  // Inside a container an unset element is written as the unset marker (JSON: null) and an empty
  // string as the empty marker.
  return (value) => {
    const parts = value.split(setSeparator);
    const out: unknown[] = new Array(parts.length);
    for (let i = 0; i < parts.length; i++) {
      const part = parts[i]!;
      out[i] = part === unsetField ? null : part === emptyField ? '' : convertElement(part);
    }
    return out;
  };
}

/** Compiles `#fields`/`#types` (types may be absent); a reason string when they do not fit together. */
export function compileSchema(
  fields: readonly string[],
  types: readonly string[] | undefined,
  separators: Readonly<ZeekSeparators>,
  logType: string | undefined,
): TsvSchema | string {
  if (types !== undefined && types.length !== fields.length) return `#types has ${types.length} entries but #fields has ${fields.length}`;
  const columns: Column[] = fields.map((name, i) => ({ name, role: roleOf(name), convert: converter(types?.[i] ?? '', name, separators) }));
  if (logType === undefined) {
    const guess = new LogTypeGuess();
    for (const name of fields) guess.see(name);
    logType = guess.result();
  }
  return { columns, separators, logType };
}

/** One TSV data line → the message builder, or the reason it cannot be read. */
export function readTsvLine(line: string, schema: TsvSchema): ZeekMessageBuilder | string {
  const { columns, separators } = schema;
  const values = line.split(separators.separator);
  if (values.length !== columns.length) return `line has ${values.length} fields but #fields declares ${columns.length}`;
  const { unsetField, emptyField } = separators;
  const builder = new ZeekMessageBuilder();
  try {
    for (let i = 0; i < values.length; i++) {
      const raw = values[i]!;
      if (raw === unsetField || raw === emptyField) continue;
      const column = columns[i]!;
      builder.add(column.role, column.name, column.convert(raw));
    }
  } catch (err) {
    if (err instanceof ZeekValueError) return err.message;
    throw err;
  }
  return builder;
}
