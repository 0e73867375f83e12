/**
 * Reads what the write path needs from a message's JSON text (RFC 8259) without building the
 * message: its guid, and for each top-level field the column type and the flags json-batch.ts
 * derives from the parsed value. Building objects with JSON.parse was most of the index stage's
 * JS time, and the objects of a batch lived through the DuckDB insert, so they were promoted and
 * collected by full GCs.
 *
 * One difference, on purpose: a number inside an array is RAW_SPELLING only when it is not spelled
 * as JSON.stringify spells it, where the parsed path cannot tell and marks every one; so arrays of
 * integers (Bro's TTLs) no longer send their column through JS.
 *
 * The scanner is exact or it gives up: any line it cannot classify exactly as JSON.parse + the
 * type walk would (escaped or numeric-looking keys, duplicate keys, nested objects, a guid that is
 * not a plain string, line breaks, anything not strictly JSON) is left to that path (`null`), which
 * also reports malformed lines. json-scan.test.ts compares both on ordinary and hostile lines.
 */
import { widen, type ColumnType } from './catalog.js';

/** The field had a number in this batch. */
export const HAS_NUMBER = 1;
/** The field had a value whose JSON text DuckDB would not store as the statement path does. */
export const NEEDS_JS = 2;
/** A JSON value held a number, or an object (whose duplicate keys DuckDB keeps and JS drops). */
export const RAW_SPELLING = 4;

/** The column type of a top-level number: a finite `timestamp` is stored truncated. */
export function numberColumnType(isTimestamp: boolean, value: number): ColumnType {
  return Number.isSafeInteger(isTimestamp && Number.isFinite(value) ? Math.trunc(value) : value) ? 'BIGINT' : 'DOUBLE';
}

/** The flags of a top-level number: NEEDS_JS where DuckDB would not store it as JS does (not finite, -0, a fractional timestamp). */
export function numberFlags(isTimestamp: boolean, value: number): number {
  return !Number.isFinite(value) || Object.is(value, -0) || (isTimestamp && !Number.isInteger(value)) ? HAS_NUMBER | NEEDS_JS : HAS_NUMBER;
}

/** What the batch knows of a field: the narrowest type holding its values, and their flags. */
export interface FieldState {
  type: ColumnType;
  flags: number;
}

/** A top-level key seen in this batch, with its UTF-8 bytes to recognise it without decoding. */
interface KeyEntry {
  name: string;
  bytes: Buffer;
  hash: number;
  /** Number of the line that last had this key (a second sighting in one line is a duplicate). */
  seenIn: number;
  isGuid: boolean;
  isTimestamp: boolean;
}

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const COMMA = 0x2c;
const COLON = 0x3a;
const OPEN_BRACE = 0x7b;
const CLOSE_BRACE = 0x7d;
const OPEN_BRACKET = 0x5b;
const CLOSE_BRACKET = 0x5d;
const SPACE = 0x20;
const TAB = 0x09;
const MINUS = 0x2d;
const DOT = 0x2e;
const ZERO = 0x30;
const NINE = 0x39;
/** 1 for the bytes a string holds as they are: not a quote, a backslash or a control character. */
const PLAIN_STRING_BYTE = new Uint8Array(256).map((_, byte) => (byte >= 0x20 && byte !== 0x22 && byte !== 0x5c ? 1 : 0));
/** Arrays nested deeper than this are left to JSON.parse. */
const MAX_DEPTH = 32;
const GIVE_UP = -1;

/** Value of a hex digit, or -1. */
function hexValue(c: number): number {
  if (c >= ZERO && c <= NINE) return c - ZERO;
  const lower = c | 0x20;
  if (lower >= 0x61 && lower <= 0x66) return lower - 0x61 + 10;
  return -1;
}

/**
 * Scans the lines of one batch. `scan` returns the line's guid and keeps the line's field
 * observations pending; `commit` adds them to `fields` (the caller first drops lines whose guid it
 * has seen, as the walk over parsed messages does).
 */
export class LineScanner {
  readonly fields = new Map<string, FieldState>();
  /** Keys seen in this batch, by hash of their bytes (open addressing), so a key is decoded once. */
  private table: Array<KeyEntry | undefined> = new Array<KeyEntry | undefined>(64);
  private tableCount = 0;
  private keyHash = 0;
  private lineNumber = 0;
  // The current line's observations, committed by `commit`.
  private readonly seenKeys: KeyEntry[] = [];
  private readonly seenTypes: ColumnType[] = [];
  private readonly seenFlags: number[] = [];
  private seenCount = 0;
  // Results of the value scanners (set before they return a position).
  private buf: Buffer = Buffer.alloc(0);
  private valueType: ColumnType = 'VARCHAR';
  private valueFlags = 0;
  private stringHasControl = false;
  private stringHasEscape = false;
  private number = 0;
  /** The last number was spelled as plain digits (an optional minus, no fraction or exponent). */
  private plainNumber = false;

  /** The guid of `line`, with its fields pending, or null if the line must go through JSON.parse. */
  scan(line: Buffer): string | null {
    const buf = line;
    this.buf = buf;
    const end = buf.length;
    const lineNumber = ++this.lineNumber;
    this.seenCount = 0;
    let guid: string | null = null;
    let p = this.skipSpace(0, end);
    if (p >= end || buf[p] !== OPEN_BRACE) return null;
    p = this.skipSpace(p + 1, end);
    if (p >= end) return null;
    if (buf[p] === CLOSE_BRACE) {
      p++;
    } else {
      for (;;) {
        if (buf[p] !== QUOTE) return null;
        const keyStart = p + 1;
        const keyEnd = this.scanKey(keyStart, end);
        if (keyEnd === GIVE_UP) return null;
        const first = buf[keyStart]!;
        // Canonical array-index keys come first in JSON.parse's property order: not worth mirroring.
        if (first >= ZERO && first <= NINE) return null;
        const entry = this.keyAt(keyStart, keyEnd - 1);
        if (entry.seenIn === lineNumber) return null; // duplicate key: JSON.parse keeps the last value
        entry.seenIn = lineNumber;
        p = this.skipSpace(keyEnd, end);
        if (p >= end || buf[p] !== COLON) return null;
        p = this.skipSpace(p + 1, end);
        if (p >= end) return null;
        if (entry.isGuid) {
          if (buf[p] !== QUOTE) return null; // a guid that is not a string is replaced by the JSON path
          const valueEnd = this.scanString(p + 1, end);
          if (valueEnd === GIVE_UP || this.stringHasEscape) return null;
          guid = buf.toString('utf8', p + 1, valueEnd - 1);
          p = valueEnd;
        } else {
          p = this.scanTopValue(p, end, entry.isTimestamp);
          if (p === GIVE_UP) return null;
          if (p < 0) {
            // null: no column
            p = -p - 2;
          } else {
            const n = this.seenCount++;
            this.seenKeys[n] = entry;
            this.seenTypes[n] = this.valueType;
            this.seenFlags[n] = this.valueFlags;
          }
        }
        p = this.skipSpace(p, end);
        if (p >= end) return null;
        const c = buf[p]!;
        if (c === CLOSE_BRACE) {
          p++;
          break;
        }
        if (c !== COMMA) return null;
        p = this.skipSpace(p + 1, end);
        if (p >= end) return null;
      }
    }
    if (this.skipSpace(p, end) !== end) return null;
    return guid;
  }

  /** Adds the last scanned line's fields to `fields`. */
  commit(): void {
    const fields = this.fields;
    for (let i = 0; i < this.seenCount; i++) {
      const name = this.seenKeys[i]!.name;
      const type = this.seenTypes[i]!;
      const flags = this.seenFlags[i]!;
      const state = fields.get(name);
      if (state === undefined) {
        fields.set(name, { type, flags });
      } else {
        if (state.type !== type) state.type = widen(state.type, type);
        state.flags |= flags;
      }
    }
  }

  /**
   * Scans a key whose opening quote is before `p`, hashing its bytes into keyHash; returns the
   * position after the closing quote, or GIVE_UP (also for escaped keys: rare, left to JSON.parse).
   */
  private scanKey(p: number, end: number): number {
    const buf = this.buf;
    let hash = 0;
    while (p < end) {
      const c = buf[p]!;
      if (c === QUOTE) {
        this.keyHash = hash;
        return p + 1;
      }
      if (c === BACKSLASH || c < SPACE) return GIVE_UP;
      hash = (Math.imul(hash, 31) + c) | 0;
      p++;
    }
    return GIVE_UP;
  }

  /** The entry of the key at [start, end) whose hash is keyHash; decoded on its first sighting only. */
  private keyAt(start: number, end: number): KeyEntry {
    const buf = this.buf;
    const hash = this.keyHash;
    const length = end - start;
    let table = this.table;
    let mask = table.length - 1;
    let i = hash & mask;
    for (;;) {
      const entry = table[i];
      if (entry === undefined) break;
      if (entry.hash === hash && entry.bytes.length === length) {
        const bytes = entry.bytes;
        let j = 0;
        while (j < length && bytes[j] === buf[start + j]) j++;
        if (j === length) return entry;
      }
      i = (i + 1) & mask;
    }
    const name = buf.toString('utf8', start, end);
    const entry: KeyEntry = { name, bytes: Buffer.from(buf.subarray(start, end)), hash, seenIn: 0, isGuid: name === 'guid', isTimestamp: name === 'timestamp' };
    if (++this.tableCount * 2 > table.length) {
      // Keep the table at most half full: rehash into one twice the size.
      const old = table;
      table = this.table = new Array<KeyEntry | undefined>(old.length * 2);
      mask = table.length - 1;
      for (const e of old) {
        if (e === undefined) continue;
        let k = e.hash & mask;
        while (table[k] !== undefined) k = (k + 1) & mask;
        table[k] = e;
      }
      i = hash & mask;
      while (table[i] !== undefined) i = (i + 1) & mask;
    }
    table[i] = entry;
    return entry;
  }

  /** Skips spaces and tabs; a line break (which NDJSON cannot hold) stops the scan at `end + 1`. */
  private skipSpace(p: number, end: number): number {
    const buf = this.buf;
    while (p < end) {
      const c = buf[p]!;
      if (c === SPACE || c === TAB) p++;
      else if (c === 0x0a || c === 0x0d) return end + 1;
      else break;
    }
    return p;
  }

  /**
   * Scans a string whose opening quote is before `p`; returns the position after the closing
   * quote, or GIVE_UP. Sets stringHasEscape, and stringHasControl when an escape decodes to a
   * control character (U+0000-U+001F).
   */
  private scanString(p: number, end: number): number {
    const buf = this.buf;
    this.stringHasEscape = false;
    this.stringHasControl = false;
    while (p < end) {
      // Most bytes of a string need no look beyond one table load.
      while (p < end && PLAIN_STRING_BYTE[buf[p]!] === 1) p++;
      if (p >= end) break;
      const c = buf[p]!;
      if (c === QUOTE) return p + 1;
      if (c === BACKSLASH) {
        this.stringHasEscape = true;
        if (p + 1 >= end) return GIVE_UP;
        const e = buf[p + 1]!;
        if (e === QUOTE || e === BACKSLASH || e === 0x2f) {
          p += 2;
        } else if (e === 0x62 || e === 0x66 || e === 0x6e || e === 0x72 || e === 0x74) {
          this.stringHasControl = true;
          p += 2;
        } else if (e === 0x75) {
          if (p + 6 > end) return GIVE_UP;
          const h0 = hexValue(buf[p + 2]!);
          const h1 = hexValue(buf[p + 3]!);
          const h2 = hexValue(buf[p + 4]!);
          const h3 = hexValue(buf[p + 5]!);
          if ((h0 | h1 | h2 | h3) < 0) return GIVE_UP;
          if (h0 === 0 && h1 === 0 && h2 < 2) this.stringHasControl = true;
          p += 6;
        } else {
          return GIVE_UP;
        }
      } else if (c < SPACE) {
        return GIVE_UP; // a raw control character: not JSON
      } else {
        p++;
      }
    }
    return GIVE_UP;
  }

  /**
   * Scans a JSON number at `p`; returns the position after it, or GIVE_UP. Sets `number` to the
   * value JSON.parse gives.
   */
  private scanNumber(p: number, end: number): number {
    const buf = this.buf;
    const start = p;
    let negative = false;
    if (buf[p] === MINUS) {
      negative = true;
      p++;
    }
    if (p >= end) return GIVE_UP;
    let c = buf[p]!;
    if (c < ZERO || c > NINE) return GIVE_UP;
    let value = 0;
    let digits = 0;
    if (c === ZERO) {
      p++;
      digits = 1;
    } else {
      while (p < end) {
        c = buf[p]!;
        if (c < ZERO || c > NINE) break;
        value = value * 10 + (c - ZERO);
        digits++;
        p++;
      }
    }
    let plain = true;
    if (p < end && buf[p] === DOT) {
      plain = false;
      p++;
      const fractionStart = p;
      while (p < end && buf[p]! >= ZERO && buf[p]! <= NINE) p++;
      if (p === fractionStart) return GIVE_UP;
    }
    if (p < end && (buf[p] === 0x65 || buf[p] === 0x45)) {
      plain = false;
      p++;
      if (p < end && (buf[p] === 0x2b || buf[p] === MINUS)) p++;
      const exponentStart = p;
      while (p < end && buf[p]! >= ZERO && buf[p]! <= NINE) p++;
      if (p === exponentStart) return GIVE_UP;
    }
    this.plainNumber = plain;
    // Up to 15 digits the running sum is exact; anything longer or not an integer is converted as
    // JavaScript converts the text (the same double JSON.parse gives).
    if (plain && digits <= 15) this.number = negative ? -value : value;
    else this.number = Number(buf.toString('latin1', start, p));
    return p;
  }

  /**
   * Scans a top-level value at `p`; returns the position after it with valueType and valueFlags
   * set, `-(position after) - 2` for null (no column), or GIVE_UP. Mirrors json-batch.ts's walk.
   */
  private scanTopValue(p: number, end: number, isTimestamp: boolean): number {
    const buf = this.buf;
    const c = buf[p]!;
    if (c === QUOTE) {
      const after = this.scanString(p + 1, end);
      if (after === GIVE_UP) return GIVE_UP;
      // A top-level string is stored as its text whatever it holds (only inside JSON values do
      // control characters matter: DuckDB re-escapes them).
      this.valueType = 'VARCHAR';
      this.valueFlags = 0;
      return after;
    }
    if (c === MINUS || (c >= ZERO && c <= NINE)) {
      const after = this.scanNumber(p, end);
      if (after === GIVE_UP) return GIVE_UP;
      const value = this.number;
      this.valueType = numberColumnType(isTimestamp, value);
      this.valueFlags = numberFlags(isTimestamp, value);
      return after;
    }
    if (c === OPEN_BRACKET) {
      const after = this.scanArray(p + 1, end, 1);
      if (after === GIVE_UP) return GIVE_UP;
      this.valueType = 'JSON';
      // valueFlags set by scanArray
      return after;
    }
    const literal = this.scanLiteral(p, end);
    if (literal === GIVE_UP) return GIVE_UP;
    if (c === 0x6e) return -literal - 2; // null
    this.valueType = 'BOOLEAN';
    this.valueFlags = 0;
    return literal;
  }

  /** Scans `true`, `false` or `null` at `p`; returns the position after it or GIVE_UP. */
  private scanLiteral(p: number, end: number): number {
    const buf = this.buf;
    const c = buf[p];
    if (c === 0x74) return p + 4 <= end && buf[p + 1] === 0x72 && buf[p + 2] === 0x75 && buf[p + 3] === 0x65 ? p + 4 : GIVE_UP;
    if (c === 0x66) {
      return p + 5 <= end && buf[p + 1] === 0x61 && buf[p + 2] === 0x6c && buf[p + 3] === 0x73 && buf[p + 4] === 0x65 ? p + 5 : GIVE_UP;
    }
    if (c === 0x6e) return p + 4 <= end && buf[p + 1] === 0x75 && buf[p + 2] === 0x6c && buf[p + 3] === 0x6c ? p + 4 : GIVE_UP;
    return GIVE_UP;
  }

  /**
   * Scans an array's items from after its `[`; returns the position after its `]` with valueFlags
   * the OR of the items' flags (json-batch.ts's jsonFlags), or GIVE_UP (objects inside included).
   */
  private scanArray(p: number, end: number, depth: number): number {
    if (depth > MAX_DEPTH) return GIVE_UP;
    const buf = this.buf;
    let flags = 0;
    p = this.skipSpace(p, end);
    if (p >= end) return GIVE_UP;
    if (buf[p] === CLOSE_BRACKET) {
      this.valueFlags = 0;
      return p + 1;
    }
    for (;;) {
      const c = buf[p]!;
      if (c === QUOTE) {
        p = this.scanString(p + 1, end);
        if (p === GIVE_UP) return GIVE_UP;
        if (this.stringHasControl) flags |= NEEDS_JS;
      } else if (c === MINUS || (c >= ZERO && c <= NINE)) {
        p = this.scanNumber(p, end);
        if (p === GIVE_UP) return GIVE_UP;
        const value = this.number;
        // DuckDB stores a safe integer inside a JSON value as the line spells it. Spelled as plain
        // digits it is JSON.stringify's text; any other spelling (1.0, 1e2) is RAW_SPELLING.
        if (!Number.isSafeInteger(value) || Object.is(value, -0)) flags |= NEEDS_JS;
        else if (!this.plainNumber) flags |= RAW_SPELLING;
      } else if (c === OPEN_BRACKET) {
        p = this.scanArray(p + 1, end, depth + 1);
        if (p === GIVE_UP) return GIVE_UP;
        flags |= this.valueFlags;
      } else {
        p = this.scanLiteral(p, end);
        if (p === GIVE_UP) return GIVE_UP;
      }
      p = this.skipSpace(p, end);
      if (p >= end) return GIVE_UP;
      const next = buf[p]!;
      if (next === CLOSE_BRACKET) {
        this.valueFlags = flags;
        return p + 1;
      }
      if (next !== COMMA) return GIVE_UP;
      p = this.skipSpace(p + 1, end);
      if (p >= end) return GIVE_UP;
    }
  }
}
