/**
 * The fast write path: a batch goes to DuckDB as NDJSON, the message bytes as they are, read by
 * `read_json` with every column type declared, so DuckDB parses and converts natively.
 *
 * `read_json` with declared columns converts silently where the store must not (1.5 into BIGINT
 * rounds to 2, "5" into BIGINT becomes 5, true becomes 1) and ignores keys it was not told about.
 * So the schema is discovered in JS first, exactly as the statement path does it: every key of
 * every message is walked, its type widened into the column type, and the columns added or widened
 * before the insert. Each field of the batch then goes one of two ways:
 * - declared in `read_json`, when DuckDB's conversion of the JSON text provably stores what the
 *   statement path stores: strings into VARCHAR, integers and doubles into BIGINT/DOUBLE (both
 *   sides read the double the text spells; the column type is never narrower than the value's),
 *   booleans into BOOLEAN or VARCHAR, and JSON values DuckDB re-writes to JSON.stringify's text
 *   (see jsonFlags);
 * - built in JS, as the statement path builds it, and joined row by row (POSITIONAL JOIN, which
 *   DuckDB runs in order, single-threaded): numbers into VARCHAR (DuckDB keeps the `.0` of `2.0`),
 *   a fractional `timestamp` (truncated, where DuckDB rounds), -0 and non-finite numbers, JSON
 *   values whose text DuckDB would spell differently, and fields stored under another column name
 *   (case twins, empty or odd names): `read_json` matches keys by exact name.
 * A batch DuckDB refuses to read (unpaired surrogates, invalid UTF-8, duplicate keys, an object
 * over 16 MB) is written again through the statement path (writer.ts), which handles all of them.
 *
 * The schema discovery has three sources: message objects walked (batchFromMessages), lines
 * scanned (batchFromLines, json-scan.ts), or the fields the writer of the lines observed while it
 * wrote them (StringifiedFields, batchFromStringified: the parse worker does, so the thread that
 * writes to DuckDB neither scans nor parses its lines).
 */
import { randomUUID } from 'node:crypto';
import { VARCHAR } from '@duckdb/node-api';
import type { JsonValue, Message } from '@metron/core';
import { GUID, TIMESTAMP, typeOfValue, widen, type ColumnType, type TableCatalog } from './catalog.js';
import { quoteIdent, SqlParams } from './sql.js';
import { sqlString } from './spool.js';
import { columnJson, normalize } from './values.js';
import { HAS_NUMBER, LineScanner, NEEDS_JS, numberColumnType, numberFlags, RAW_SPELLING, type FieldState } from './json-scan.js';

// eslint-disable-next-line no-control-regex -- control characters are exactly what it looks for
const CONTROL_CHAR = /[\u0000-\u001f]/;
/** Nesting a strict walk follows (see jsonFlags). */
const MAX_STRICT_DEPTH = 64;

/**
 * How DuckDB would store a value read as JSON: it re-writes the parsed value, so the text equals
 * JSON.stringify's for strings without control characters (DuckDB escapes them in upper-case hex),
 * safe integers (if the line spells them as JSON.stringify does), booleans, null, arrays and
 * objects of those. Anything else is NEEDS_JS; RAW_SPELLING marks what is exact only for lines
 * JSON.stringify wrote. `strict` (for an object about to be written by JSON.stringify): -1 where
 * the walk of the object could differ from the text, an object JSON.stringify does not write as
 * its own keys (a toJSON method, a Date, a Map), a BigInt, nesting past MAX_STRICT_DEPTH.
 */
function jsonFlags(value: unknown, strict: boolean, depth = 0): number {
  switch (typeof value) {
    case 'string':
      return CONTROL_CHAR.test(value) ? NEEDS_JS : 0;
    case 'number':
      return Number.isSafeInteger(value) && !Object.is(value, -0) ? RAW_SPELLING : NEEDS_JS;
    case 'boolean':
      return 0;
    case 'object': {
      if (value === null) return 0;
      const isArray = Array.isArray(value);
      if (strict) {
        // -1: JSON.stringify would not write it as its items (or would throw)
        if (depth > MAX_STRICT_DEPTH) return -1;
        const proto = Object.getPrototypeOf(value) as unknown;
        if (isArray ? proto !== Array.prototype : (proto !== Object.prototype && proto !== null) || typeof (value as { toJSON?: unknown }).toJSON === 'function') return -1;
      }
      let flags = 0;
      if (isArray) {
        for (let i = 0; i < value.length; i++) {
          const item = jsonFlags(value[i], strict, depth + 1);
          if (item < 0) return -1;
          flags |= item;
        }
      } else {
        flags = RAW_SPELLING;
        const members = value as Record<string, unknown>;
        for (const key in members) {
          const item = jsonFlags(members[key], strict, depth + 1);
          if (item < 0) return -1;
          flags |= (CONTROL_CHAR.test(key) ? NEEDS_JS : 0) | item;
        }
      }
      return flags;
    }
    case 'bigint':
      return strict ? -1 : NEEDS_JS;
    default:
      // undefined or a function inside an object or array: JSON.stringify drops or nulls it.
      return NEEDS_JS;
  }
}

/** A batch ready for either write path: deduplicated by guid, every message with a string guid. */
export interface JsonBatch {
  /** Messages kept (after deduplication). */
  count: number;
  /**
   * The messages, row-aligned with `lines`. For a batch of lines, built on first use (JSON.parse
   * of the lines the scanner read): the fast path needs them only for columns built in JS.
   */
  readonly messages: Message[];
  /** The JSON text of each message, row-aligned with `messages`, without raw line breaks. */
  lines: Array<string | Buffer>;
  /** The narrowest type holding every value of the field in this batch, and what the values were. */
  fields: Map<string, FieldState>;
  /** A message JSON.stringify refused (a BigInt, a cycle): only the statement path can try it. */
  statementOnly: boolean;
  /** Every line is JSON.stringify's text, so numbers are spelled as JS spells them. */
  stringified: boolean;
}

/** Thrown for a line that is not a JSON object. */
export class InvalidLineError extends Error {
  constructor(readonly index: number, reason: string) {
    super(`message ${index} of the batch is not a JSON object: ${reason}`);
  }
}

const NEWLINE = 0x0a;
const CARRIAGE_RETURN = 0x0d;

/**
 * Raw JSON lines (as the bus holds them) as a batch; the bytes are kept as they are. Each line is
 * read by the scanner (json-scan.ts) without building its message; a line the scanner leaves
 * (and every malformed line) goes through JSON.parse and the walk of `collect`, which gives the
 * same fields.
 */
export function batchFromLines(lines: Buffer[]): JsonBatch {
  return linesBatch(lines, true);
}

/** batchFromLines with every line through JSON.parse: the reference the scanner is tested against. */
export function batchFromLinesParsed(lines: Buffer[]): JsonBatch {
  return linesBatch(lines, false);
}

function linesBatch(lines: Buffer[], scan: boolean): JsonBatch {
  const scanner = new LineScanner();
  const state: CollectState = { seen: new Set(), messages: [], lines: [], fields: scanner.fields, walk: new StringifiedFields(scanner.fields, true), statementOnly: false };
  /** Row → message, for rows that went through JSON.parse (the others are parsed when asked for). */
  const parsed: Array<Message | undefined> = [];
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    const guid = scan ? scanner.scan(line) : null;
    if (guid !== null) {
      if (state.seen.has(guid)) continue;
      state.seen.add(guid);
      scanner.commit();
      state.lines.push(line);
      continue;
    }
    let message: unknown;
    try {
      message = JSON.parse(line.toString('utf8'));
    } catch (err) {
      throw new InvalidLineError(i, (err as Error).message);
    }
    if (message === null || typeof message !== 'object' || Array.isArray(message)) throw new InvalidLineError(i, 'not an object');
    // JSON may hold line breaks between tokens; NDJSON may not. JSON.stringify never writes one.
    const raw = line.includes(NEWLINE) || line.includes(CARRIAGE_RETURN) ? null : line;
    const row = state.lines.length;
    if (addMessage(state, message as Message, raw)) parsed[row] = state.messages[state.messages.length - 1];
  }
  const kept = state.lines;
  let messages: Message[] | undefined;
  return {
    count: kept.length,
    get messages(): Message[] {
      messages ??= kept.map((line, row) => parsed[row] ?? (JSON.parse(typeof line === 'string' ? line : line.toString('utf8')) as Message));
      return messages;
    },
    lines: kept,
    fields: state.fields,
    statementOnly: state.statementOnly,
    stringified: false,
  };
}

/**
 * A batch of lines JSON.stringify wrote, whose fields the writer of the lines already walked
 * (`StringifiedFields`, merged with `mergeFields`): nothing is scanned or parsed here. Lines are
 * not deduplicated: their writer vouches that their guids are distinct strings, and a line given
 * twice (a batch taken in again after a failure) is absorbed by the insert, which keeps the first.
 */
export function batchFromStringified(lines: Buffer[], fields: Map<string, FieldState>): JsonBatch {
  let messages: Message[] | undefined;
  return {
    count: lines.length,
    get messages(): Message[] {
      messages ??= lines.map((line) => JSON.parse(line.toString('utf8')) as Message);
      return messages;
    },
    lines,
    fields,
    statementOnly: false,
    stringified: true,
  };
}

/**
 * Observes the fields of messages: their column types and flags (the walk of a batch of messages).
 * Strict (the default), for messages about to be written as JSON.stringify(message), so that the
 * writer of the lines can give their fields with them (see batchFromStringified): it refuses what
 * the object's walk could type otherwise than the text. Lenient, for the messages a batch holds as
 * objects (typeOfValue(normalize(field, value)) of every value): it marks those NEEDS_JS instead.
 */
export class StringifiedFields {
  // The keys of the last message in order, and their states: messages of one shape then need no
  // map lookup (the keys of objects of one shape are the same strings).
  private readonly keys: string[] = [];
  private readonly states: FieldState[] = [];

  constructor(
    /** Where the fields are added (a new map by default). */
    readonly fields = new Map<string, FieldState>(),
    private readonly lenient = false,
  ) {}

  /**
   * Adds the fields of `message`. Returns false when the walk of the object could tell a type
   * other than the text's: a guid that is not a string, a top-level number that is not finite or
   * is -0 (written as null or 0), a BigInt, or anywhere an object JSON.stringify does not write as
   * its own keys (a toJSON method, a Date, a Map). `fields` is then not to be used.
   */
  observe(message: Message): boolean {
    if (typeof message[GUID] !== 'string') return false;
    let i = 0;
    for (const field in message) {
      if (field !== GUID && !this.member(field, message[field], i)) return false;
      i++;
    }
    return true;
  }

  /**
   * Adds one member written into a message's JSON text (`field` not `guid`); false as for observe.
   * `slot`: the member's place among those the caller adds per message (members of one shape
   * then need no map lookup), counted from 0 for each message; omitted, none is remembered.
   */
  observeMember(field: string, value: unknown, slot = -1): boolean {
    return this.member(field, value, slot);
  }

  /** Adds the member at `slot` of its message (-1: no place to remember it by). */
  private member(field: string, value: unknown, slot: number): boolean {
    let type: ColumnType;
    let flags = 0;
    switch (typeof value) {
      case 'string':
        type = 'VARCHAR';
        break;
      case 'number':
        if (!this.lenient && (!Number.isFinite(value) || Object.is(value, -0))) return false;
        type = numberColumnType(field === TIMESTAMP, value);
        flags = numberFlags(field === TIMESTAMP, value);
        break;
      case 'boolean':
        type = 'BOOLEAN';
        break;
      case 'object':
        if (value === null) return true;
        type = 'JSON';
        flags = jsonFlags(value, !this.lenient);
        if (flags < 0) return false;
        break;
      case 'bigint':
        return this.lenient;
      default:
        // undefined, a function, a symbol: JSON.stringify leaves the member out.
        return true;
    }
    const { keys, states, fields } = this;
    let known: FieldState | undefined;
    if (slot >= 0 && keys[slot] === field) {
      known = states[slot]!;
    } else {
      known = fields.get(field);
      if (known === undefined) {
        known = { type, flags };
        fields.set(field, known);
      }
      if (slot >= 0) {
        keys[slot] = field;
        states[slot] = known;
      }
    }
    if (known.type !== type) known.type = widen(known.type, type);
    known.flags |= flags;
    return true;
  }
}

/** Adds the fields of `from` (observed for other lines) into `into`. */
export function mergeFields(into: Map<string, FieldState>, from: ReadonlyMap<string, FieldState>): void {
  for (const [field, state] of from) {
    const known = into.get(field);
    if (known === undefined) {
      into.set(field, { type: state.type, flags: state.flags });
    } else {
      if (known.type !== state.type) known.type = widen(known.type, state.type);
      known.flags |= state.flags;
    }
  }
}

/** A batch of message objects; each is written as its JSON.stringify text. */
export function batchFromMessages(messages: Message[]): JsonBatch {
  const fields = new Map<string, FieldState>();
  const state: CollectState = { seen: new Set(), messages: [], lines: [], fields, walk: new StringifiedFields(fields, true), statementOnly: false };
  for (const message of messages) addMessage(state, message, null);
  return { count: state.messages.length, messages: state.messages, lines: state.lines, fields: state.fields, statementOnly: state.statementOnly, stringified: true };
}

interface CollectState {
  seen: Set<string>;
  messages: Message[];
  lines: Array<string | Buffer>;
  fields: Map<string, FieldState>;
  /** Walks each message kept into `fields` (lenient). */
  walk: StringifiedFields;
  statementOnly: boolean;
}

/**
 * Adds one message unless its guid was seen (first wins, as across batches); gives a message
 * without a string guid one (a shallow copy: the caller's object is not changed) and walks every
 * value for its type. `rawLine` is the message's text if it can be used as is, else null
 * (stringified here). Returns whether the message was kept.
 */
function addMessage(state: CollectState, input: Message, rawLine: string | Buffer | null): boolean {
  let message = input;
  const rawGuid = message[GUID];
  let line = rawLine;
  if (typeof rawGuid !== 'string') {
    const guid = rawGuid === undefined || rawGuid === null ? randomUUID() : JSON.stringify(rawGuid);
    message = { ...message, [GUID]: guid };
    line = null;
  }
  const guid = message[GUID] as string;
  if (state.seen.has(guid)) return false;
  state.seen.add(guid);
  state.messages.push(message);
  if (line === null && !state.statementOnly) {
    try {
      line = JSON.stringify(message);
    } catch {
      state.statementOnly = true;
    }
  }
  state.lines.push(line ?? '');
  state.walk.observe(message);
  return true;
}

/** The field types of a batch, for TableCatalog schema changes. */
export function batchTypes(batch: JsonBatch): Map<string, ColumnType> {
  const types = new Map<string, ColumnType>();
  for (const [field, state] of batch.fields) types.set(field, state.type);
  return types;
}

/**
 * `<table> BY NAME SELECT * FROM read_json(<file>, ...) [POSITIONAL JOIN (<columns built in JS>)]`,
 * to follow `INSERT [OR IGNORE] INTO`. The catalog must already hold every field of the batch.
 */
export function readJsonStatement(catalog: TableCatalog, batch: JsonBatch, file: string): { sql: string; params: SqlParams } {
  const declared = [`${sqlString(GUID)}: 'VARCHAR'`];
  const params = new SqlParams();
  const built: string[] = [];
  for (const [field, state] of batch.fields) {
    const info = catalog.get(field)!;
    const fromJs = info.column !== field || (state.flags & NEEDS_JS) !== 0
      || (info.type === 'VARCHAR' && (state.flags & HAS_NUMBER) !== 0)
      || (info.type === 'JSON' && ((state.flags & HAS_NUMBER) !== 0 || (!batch.stringified && (state.flags & RAW_SPELLING) !== 0)));
    if (!fromJs) {
      declared.push(`${sqlString(field)}: '${info.type}'`);
      continue;
    }
    const values = batch.messages.map((message): JsonValue => {
      const value = message[field];
      if (value === undefined || value === null) return null;
      const normalized = normalize(field, value);
      return typeOfValue(normalized) === null ? null : normalized;
    });
    const listType = info.type === 'JSON' ? 'VARCHAR' : info.type;
    built.push(`unnest(CAST(${params.bind(columnJson(values, info.type), VARCHAR)} AS JSON)::${listType}[]) AS ${quoteIdent(info.column)}`);
  }
  const source = `read_json(${sqlString(file)}, format='newline_delimited', compression='uncompressed', columns={${declared.join(', ')}})`;
  const join = built.length === 0 ? '' : ` POSITIONAL JOIN (SELECT ${built.join(', ')})`;
  return { sql: `${quoteIdent(catalog.table)} BY NAME SELECT * FROM ${source}${join}`, params };
}

const NEWLINE_BUFFER = Buffer.from('\n');

/** The batch as NDJSON file content: one string, or the line buffers with separators between them. */
export function ndjson(lines: Array<string | Buffer>): string | Buffer[] {
  if (lines.every((line) => typeof line === 'string')) return (lines as string[]).join('\n');
  const parts: Buffer[] = [];
  for (const line of lines) parts.push(typeof line === 'string' ? Buffer.from(line) : line, NEWLINE_BUFFER);
  return parts;
}
