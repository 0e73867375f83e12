/**
 * Reading a message's JSON text without building the message: one pass over the text checks that
 * it is a flat object written exactly as `JSON.stringify(JSON.parse(text))` would write it, and
 * picks out the few fields the field-list adapters read. When it is, the enriched message's JSON is
 * the text with the new fields appended before its closing brace, which is what stringifying the
 * enriched object would give: JSON.parse keeps key order (no integer-like keys, no duplicates), an
 * enrichment that only adds keys puts them after the existing ones, and every number, string and
 * literal of the text is already in JSON.stringify's own form (ECMA-262 SerializeJSONProperty,
 * Number::toString, QuoteJSONString). Anything else (whitespace, nested objects, `\u` or `\/`
 * escapes, numbers in another form, keys that the enrichment would overwrite) is "not plain", and
 * the caller takes the general path.
 */

/** What the scan found about a message's top-level fields. */
export interface JsonTextScan {
  /** Some top-level value is null or "" (a stage's join would drop it). */
  hasEmpty: boolean;
  /** Top-level keys. */
  keys: number;
}

/** Raw control characters (not JSON) and surrogates (JSON.stringify escapes lone ones). */
// eslint-disable-next-line no-control-regex -- looking for exactly these
const SUSPECT_CHARACTER = /[\u0000-\u001f\ud800-\udfff]/;
/** Raw control characters and lone surrogates. */
// eslint-disable-next-line no-control-regex -- looking for exactly these
const NOT_PLAIN_CHARACTER = /[\u0000-\u001f]|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

/** Slots of the duplicate-key table (a power of two, well above the keys of a message). */
const KEY_TABLE_SIZE = 256;

/**
 * Scans JSON texts for one set of wanted fields. Reuses its buffers across calls: one scanner per
 * enricher, used by one thread.
 */
export class JsonTextScanner {
  /** Start offsets (of the key text, after the quote) by hash slot; generation-stamped. */
  private readonly slotStart = new Int32Array(KEY_TABLE_SIZE);
  private readonly slotLength = new Int32Array(KEY_TABLE_SIZE);
  private readonly slotGeneration = new Uint32Array(KEY_TABLE_SIZE);
  private generation = 0;
  /** The first characters of the reserved prefixes, as a set of character codes, to pass most keys by at one test. */
  private readonly reservedFirst = new Uint8Array(65536);
  /** Each wanted field's length, first and last character, tested before comparing the whole name. */
  private readonly wantedLength: Int32Array;
  private readonly wantedFirst: Int32Array;
  private readonly wantedLast: Int32Array;

  /**
   * `wanted`: the fields to read into the view. `reserved`: key prefixes whose presence makes a
   * text not plain (keys the enrichment writes or reads as its state: `enrichments.`,
   * `threatintels`, `is_alert`).
   */
  constructor(
    readonly wanted: readonly string[],
    private readonly reserved: readonly string[],
  ) {
    for (const r of reserved) this.reservedFirst[r.charCodeAt(0)] = 1;
    this.wantedLength = Int32Array.from(wanted, (w) => w.length);
    this.wantedFirst = Int32Array.from(wanted, (w) => w.charCodeAt(0));
    this.wantedLast = Int32Array.from(wanted, (w) => w.charCodeAt(w.length - 1));
  }

  /**
   * Scans `text`; fills `view` with the wanted fields found (strings, numbers, booleans, null; a
   * wanted field holding an array makes the text not plain) after setting each to undefined.
   * Returns null when the text is not plain; the result object is reused by the next scan.
   */
  scan(text: string, view: Record<string, unknown>): JsonTextScan | null {
    for (const w of this.wanted) view[w] = undefined;
    const n = text.length;
    if (n < 2 || text.charCodeAt(0) !== 0x7b || text.charCodeAt(n - 1) !== 0x7d) return null;
    // raw control characters are not JSON, lone surrogates JSON.stringify escapes: both not plain
    // (the first test skips through the text; the second, slower, runs only on texts with either)
    if (SUSPECT_CHARACTER.test(text) && NOT_PLAIN_CHARACTER.test(text)) return null;
    let backslash = text.indexOf('\\');
    if (backslash === -1) backslash = n;
    if (++this.generation === 0xffffffff) {
      this.slotGeneration.fill(0);
      this.generation = 1;
    }
    let hasEmpty = false;
    let keys = 0;
    let p = 1;
    if (text.charCodeAt(p) === 0x7d) return p === n - 1 ? this.found(hasEmpty, keys) : null;
    for (;;) {
      // key: plain characters only (an escaped or surrogate key takes the general path)
      if (text.charCodeAt(p) !== 0x22) return null;
      const keyStart = p + 1;
      const q = text.indexOf('"', keyStart);
      if (q === -1 || backslash < q) return null; // escaped keys: general path
      const keyLength = q - keyStart;
      if (keyLength === 0) return null;
      const first = text.charCodeAt(keyStart);
      if (first >= 0x30 && first <= 0x39) return null; // integer-like keys come first in JS objects
      if (this.reservedFirst[first] === 1 && this.isReserved(text, keyStart, keyLength)) return null;
      if (!this.remember(text, keyStart, keyLength)) return null; // a duplicate key
      keys++;
      const wanted = this.wantedAt(text, keyStart, keyLength, first);
      p = q + 1;
      if (text.charCodeAt(p) !== 0x3a) return null;
      p++;
      // value
      const c = text.charCodeAt(p);
      let end: number;
      if (c === 0x22) {
        end = stringEnd(text, p, backslash);
        if (end === -1) return null;
        if (backslash < end) backslash = nextBackslash(text, end);
        if (end === p + 2) hasEmpty = true;
        if (wanted !== undefined) {
          const raw = text.slice(p + 1, end - 1);
          // its escapes are checked plain: JSON.parse reads them as the general path would
          view[wanted] = raw.includes('\\') ? (JSON.parse(`"${raw}"`) as string) : raw;
        }
      } else if (c === 0x5b) {
        if (wanted !== undefined) return null;
        end = arrayEnd(text, p, backslash);
        if (end === -1) return null;
        if (backslash < end) backslash = nextBackslash(text, end);
      } else {
        end = scalarEnd(text, p);
        if (end === -1) return null;
        if (c === 0x6e) hasEmpty = true;
        if (wanted !== undefined) view[wanted] = JSON.parse(text.slice(p, end)) as unknown;
      }
      p = end;
      const sep = text.charCodeAt(p);
      if (sep === 0x2c) {
        p++;
        continue;
      }
      if (sep === 0x7d && p === n - 1) return this.found(hasEmpty, keys);
      return null;
    }
  }

  /** The scan's result, in one object reused from text to text (read it before the next scan). */
  private found(hasEmpty: boolean, keys: number): JsonTextScan {
    this.result.hasEmpty = hasEmpty;
    this.result.keys = keys;
    return this.result;
  }

  private readonly result: JsonTextScan = { hasEmpty: false, keys: 0 };

  /** The wanted field whose name is text[start, start + length), if any. */
  private wantedAt(text: string, start: number, length: number, first: number): string | undefined {
    for (let i = 0; i < this.wantedLength.length; i++) {
      if (
        this.wantedLength[i] === length &&
        this.wantedFirst[i] === first &&
        this.wantedLast[i] === text.charCodeAt(start + length - 1) &&
        text.startsWith(this.wanted[i]!, start)
      ) {
        return this.wanted[i];
      }
    }
    return undefined;
  }

  private isReserved(text: string, start: number, length: number): boolean {
    for (const prefix of this.reserved) {
      if (length >= prefix.length && text.startsWith(prefix, start)) return true;
    }
    return false;
  }

  /** Records a key; false when the same key was seen before in this text. */
  private remember(text: string, start: number, length: number): boolean {
    // hash of the length and a few characters; a clash compares the keys themselves
    let h = (length * 31 + text.charCodeAt(start + length - 1)) | 0;
    h = (h * 31 + text.charCodeAt(start + (length >> 1))) | 0;
    h = (h * 31 + text.charCodeAt(start + (length >> 2))) | 0;
    let slot = h & (KEY_TABLE_SIZE - 1);
    for (let probe = 0; probe < KEY_TABLE_SIZE; probe++) {
      if (this.slotGeneration[slot] !== this.generation) {
        this.slotGeneration[slot] = this.generation;
        this.slotStart[slot] = start;
        this.slotLength[slot] = length;
        return true;
      }
      if (this.slotLength[slot] === length && sameSpan(text, this.slotStart[slot]!, start, length)) return false;
      slot = (slot + 1) & (KEY_TABLE_SIZE - 1);
    }
    return false; // more keys than slots: not plain
  }
}

function sameSpan(text: string, a: number, b: number, length: number): boolean {
  for (let i = 0; i < length; i++) if (text.charCodeAt(a + i) !== text.charCodeAt(b + i)) return false;
  return true;
}

function nextBackslash(text: string, from: number): number {
  const b = text.indexOf('\\', from);
  return b === -1 ? text.length : b;
}

/**
 * The offset after the string starting at `p` (its opening quote), or -1 when it is not in
 * JSON.stringify's form. `backslash`: where the next backslash at or after `p` is (the text's
 * length for none). Escapes JSON.stringify writes as two characters (\" \\ \b \f \n \r \t) are
 * plain; `\u` (control characters, lone surrogates, or a needless escape) and `\/` are not told
 * apart here: not plain. (Raw control characters and lone surrogates were ruled out for the whole
 * text.)
 */
function stringEnd(text: string, p: number, backslash: number): number {
  let q = text.indexOf('"', p + 1);
  let b = backslash;
  // from escape to escape (the text between holds no quote or backslash)
  for (;;) {
    if (q === -1) return -1;
    if (b > q) return q + 1;
    const e = text.charCodeAt(b + 1);
    // " \ b f n r t
    if (!(e === 0x22 || e === 0x5c || e === 0x62 || e === 0x66 || e === 0x6e || e === 0x72 || e === 0x74)) return -1;
    const next = b + 2;
    if (q < next) q = text.indexOf('"', next); // that quote was the escaped one
    b = text.indexOf('\\', next);
    if (b === -1) b = text.length;
  }
}

/** The offset after the array starting at `p`, or -1 when it is not plain (objects inside are not). */
function arrayEnd(text: string, p: number, backslash: number): number {
  let i = p + 1;
  if (text.charCodeAt(i) === 0x5d) return i + 1;
  for (;;) {
    const c = text.charCodeAt(i);
    let end: number;
    if (c === 0x22) {
      end = stringEnd(text, i, backslash);
      if (end !== -1 && backslash < end) backslash = nextBackslash(text, end);
    } else if (c === 0x5b) {
      end = arrayEnd(text, i, backslash);
      if (end !== -1 && backslash < end) backslash = nextBackslash(text, end);
    } else if (c === 0x7b) return -1;
    else end = scalarEnd(text, i);
    if (end === -1) return -1;
    const sep = text.charCodeAt(end);
    if (sep === 0x2c) i = end + 1;
    else if (sep === 0x5d) return end + 1;
    else return -1;
  }
}

/**
 * The offset after the number or literal at `p`, or -1 when it is not in JSON.stringify's form:
 * true, false, null, and numbers as Number::toString writes them. A number of at most 15
 * significant digits, without exponent, trailing fraction zero or six zeros after "0.", is in that
 * form as written (15 digits always round-trip, so no shorter text gives the same double, and
 * Number::toString writes such magnitudes without exponent); any other is checked by writing it back.
 */
function scalarEnd(text: string, p: number): number {
  const c = text.charCodeAt(p);
  if (c === 0x74) return text.startsWith('true', p) ? p + 4 : -1;
  if (c === 0x66) return text.startsWith('false', p) ? p + 5 : -1;
  if (c === 0x6e) return text.startsWith('null', p) ? p + 4 : -1;
  let i = c === 0x2d ? p + 1 : p;
  const intStart = i;
  const first = text.charCodeAt(i);
  if (first === 0x30) i++;
  else if (first >= 0x31 && first <= 0x39) {
    i++;
    while (isDigit(text.charCodeAt(i))) i++;
  } else return -1;
  const intDigits = i - intStart;
  let fracDigits = 0;
  if (text.charCodeAt(i) === 0x2e) {
    const fracStart = ++i;
    while (isDigit(text.charCodeAt(i))) i++;
    fracDigits = i - fracStart;
    if (fracDigits === 0) return -1;
  }
  const e = text.charCodeAt(i);
  if (e === 0x65 || e === 0x45) {
    i++;
    const sign = text.charCodeAt(i);
    if (sign === 0x2b || sign === 0x2d) i++;
    const expStart = i;
    while (isDigit(text.charCodeAt(i))) i++;
    if (i === expStart) return -1;
    return writesBack(text, p, i);
  }
  if (fracDigits === 0) {
    if (intDigits > 15 || (c === 0x2d && first === 0x30)) return writesBack(text, p, i); // long, or -0
    return i;
  }
  const tinyFraction = first === 0x30 && text.startsWith('000000', intStart + 2);
  if (intDigits + fracDigits > 15 || text.charCodeAt(i - 1) === 0x30 || tinyFraction) return writesBack(text, p, i);
  return i;
}

function isDigit(c: number): boolean {
  return c >= 0x30 && c <= 0x39;
}

/** `end` when the number text[p, end) is what Number::toString writes for it, else -1. */
function writesBack(text: string, p: number, end: number): number {
  const token = text.slice(p, end);
  const value = Number(token);
  return Number.isFinite(value) && String(value) === token ? end : -1;
}
