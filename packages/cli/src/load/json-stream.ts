/**
 * Reads a JSON text (RFC 8259) piece by piece, for documents too large to be one string (V8 caps
 * strings at 512 MB) or to be parsed whole. It checks the whole text as JSON.parse does, and a
 * JsonVisitor chooses, at each level it walks into, which values to walk into, which to capture
 * (their raw text, to JSON.parse on their own) and which to skip. Only a captured value, the
 * names of the members being walked and one byte per open container are held.
 *
 * A syntax error throws JsonSyntaxError at the line and column that jsonErrorLocation gives for
 * JSON.parse's error on the whole text: the offending character, the end of the text when it ends
 * early, or the first letter of a misspelled true, false or null. Its reason is worded as V8's
 * (without V8's "at position N" and excerpt of the text, which only the whole text gives).
 */

/** The type of a value, told by its first character. */
export type JsonValueKind = 'object' | 'array' | 'string' | 'number' | 'literal';

/** What to do with a value at a walked level: `walk` into an object or array, `capture` its text, or `skip` it (checked, not kept). */
export type JsonAction = 'walk' | 'capture' | 'skip';

/** Where the scan is in one walked container: the member's name (undefined for an array element, or a name too long to keep) and index. */
export interface JsonPathStep {
  key: string | undefined;
  /** The member's or element's index (0-based) in its container. */
  index: number;
}

/** Told where the scan is by the path of the walked containers (one step each, outermost first); `path` is reused, not to be kept. */
export interface JsonVisitor {
  /** A value begins at a walked level (the path is [] for the document itself). */
  begin(path: readonly JsonPathStep[], kind: JsonValueKind): JsonAction;
  /** The raw text of a value `begin` chose to capture. */
  captured(path: readonly JsonPathStep[], raw: string): void;
}

/** Where a text is not JSON. */
export class JsonSyntaxError extends Error {
  constructor(
    readonly line: number,
    readonly column: number,
    readonly reason: string,
  ) {
    super(`${line}:${column}: ${reason}`);
  }
}

/** Member names longer than this (as raw text) are not kept: no name a visitor looks for is. */
export const MAX_KEY_CHARS = 1024;

// what comes next
const VALUE = 0; // a value (the document, a member's, an element after a comma)
const FIRST_ELEMENT = 1; // a value or ']'
const AFTER_VALUE = 2; // ',' or the container's end
const FIRST_KEY = 3; // a member name or '}'
const KEY = 4; // a member name (after a comma)
const COLON = 5;
const END = 6; // nothing but whitespace
// inside a token
const STRING = 7;
const ESCAPE = 8; // after a backslash
const UNICODE = 9; // in the hex digits of \u
const LITERAL = 10; // true, false, null
const MINUS = 11; // after a leading '-'
const ZERO = 12; // after a leading '0'
const INTEGER = 13;
const POINT = 14; // after '.'
const FRACTION = 15;
const EXPONENT = 16; // after 'e'
const EXPONENT_SIGN = 17;
const EXPONENT_DIGITS = 18;

const OBJECT = 1;
const ARRAY = 2;

const NOT_CAPTURING = 0;
const CAPTURING_VALUE = 1;
const CAPTURING_KEY = 2;

/** The characters that end a run of plain string content: a quote, a backslash, a control character (refused). */
// eslint-disable-next-line no-control-regex -- control characters are what it looks for
const STRING_SPECIAL = /["\\\u0000-\u001f]/g;

const isDigit = (c: number): boolean => c >= 48 && c <= 57;
const isHex = (c: number): boolean => (c >= 48 && c <= 57) || (c >= 65 && c <= 70) || (c >= 97 && c <= 102);
// " \ / b f n r t
const isEscapable = (c: number): boolean => c === 34 || c === 92 || c === 47 || c === 98 || c === 102 || c === 110 || c === 114 || c === 116;

/** Scans one JSON text, fed to it piece by piece (see above). */
export class JsonStreamScanner {
  private state = VALUE;
  /** The kinds (OBJECT, ARRAY) of the open containers, outermost first; the first `walked` are walked into. */
  private kinds = new Uint8Array(64);
  private depth = 0;
  private walked = 0;
  private readonly path: JsonPathStep[] = [];
  /** Offset in the whole text of the current piece's first character. */
  private base = 0;
  private line = 1;
  /** Offset of the first character of the current line. */
  private lineStart = 0;
  private capturing = NOT_CAPTURING;
  /** The depth the captured value is at (its container's depth). */
  private captureDepth = 0;
  /** Where the capture starts in the current piece. */
  private captureFrom = 0;
  private pieces: string[] = [];
  private capturedChars = 0;
  private stringIsKey = false;
  private hexLeft = 0;
  private literal = '';
  private literalIndex = 0;
  private literalAt = 0;
  /** Offset in the whole text of the value last handed to the visitor's `begin`. */
  private valueOffset = 0;

  constructor(private readonly visitor: JsonVisitor) {}

  /** The line and column (1-based) where the value the visitor's `begin` is called for starts; only meaningful within `begin`. */
  valueStart(): { line: number; column: number } {
    // begin is called at the value's first character: `line` and `lineStart` are still those of its line
    return { line: this.line, column: this.valueOffset - this.lineStart + 1 };
  }

  /** Reads the next piece of the text; the visitor is called as values begin and captures end. */
  feed(text: string): void {
    const n = text.length;
    if (this.capturing !== NOT_CAPTURING) this.captureFrom = 0;
    let i = 0;
    while (i < n) {
      const state = this.state;
      if (state === STRING) {
        STRING_SPECIAL.lastIndex = i;
        const special = STRING_SPECIAL.exec(text);
        if (special === null) {
          i = n;
          break;
        }
        i = special.index;
        const c = text.charCodeAt(i);
        if (c === 34) i = this.endString(text, i + 1);
        else if (c === 92) {
          this.state = ESCAPE;
          i++;
        } else this.fail(i, 'Bad control character in string literal');
      } else if (state < STRING) {
        // between tokens: whitespace, then a structural character or a value
        let c = text.charCodeAt(i);
        while (c === 32 || c === 10 || c === 13 || c === 9) {
          if (c === 10) {
            this.line++;
            this.lineStart = this.base + i + 1;
          }
          if (++i === n) break;
          c = text.charCodeAt(i);
        }
        if (i < n) i = this.structural(text, i, c);
      } else {
        i = this.token(text, i);
      }
    }
    if (this.capturing !== NOT_CAPTURING) this.keep(text.slice(this.captureFrom));
    this.base += n;
  }

  /** The text ended: throws JsonSyntaxError unless it held one whole JSON value. */
  end(): void {
    switch (this.state) {
      case END:
        return;
      case ZERO:
      case INTEGER:
      case FRACTION:
      case EXPONENT_DIGITS:
        // a number ends with the text
        this.endValue('', 0);
        if (this.depth === 0) return;
        break;
      case LITERAL:
        this.failAt(this.literalAt, `Unexpected end of JSON input: not '${this.literal}'`);
    }
    this.failAt(this.base, this.reason(this.state));
  }

  /** A character between tokens (not whitespace); returns the index after what it began or ended. */
  private structural(text: string, i: number, c: number): number {
    switch (this.state) {
      case FIRST_ELEMENT:
        if (c === 93) return this.close(text, i);
        return this.beginValue(text, i, c);
      case VALUE:
        return this.beginValue(text, i, c);
      case AFTER_VALUE:
        if (this.kinds[this.depth - 1] === OBJECT) {
          if (c === 44) this.state = KEY;
          else if (c === 125) return this.close(text, i);
          else this.fail(i, this.reason(AFTER_VALUE));
        } else if (c === 44) this.state = VALUE;
        else if (c === 93) return this.close(text, i);
        else this.fail(i, this.reason(AFTER_VALUE));
        return i + 1;
      case FIRST_KEY:
        if (c === 125) return this.close(text, i);
        if (c === 34) return this.beginKey(i);
        return this.fail(i, this.reason(FIRST_KEY));
      case KEY:
        if (c === 34) return this.beginKey(i);
        return this.fail(i, this.reason(KEY));
      case COLON:
        if (c !== 58) this.fail(i, this.reason(COLON));
        this.state = VALUE;
        return i + 1;
      default:
        return this.fail(i, this.reason(END));
    }
  }

  /** Within a token other than a string's plain content. */
  private token(text: string, i: number): number {
    const c = text.charCodeAt(i);
    switch (this.state) {
      case ESCAPE:
        if (c === 117) {
          this.state = UNICODE;
          this.hexLeft = 4;
        } else if (isEscapable(c)) this.state = STRING;
        else this.fail(i, 'Bad escaped character');
        return i + 1;
      case UNICODE:
        if (!isHex(c)) this.fail(i, 'Bad Unicode escape');
        if (--this.hexLeft === 0) this.state = STRING;
        return i + 1;
      case LITERAL:
        if (c !== this.literal.charCodeAt(this.literalIndex)) {
          // as V8: a number or a string there is the error; any other character, the word
          if (c === 45 || isDigit(c)) this.fail(i, 'Unexpected number');
          if (c === 34) this.fail(i, 'Unexpected string');
          this.failAt(this.literalAt, `Unexpected token ${JSON.stringify(text[i])}: not '${this.literal}'`);
        }
        if (++this.literalIndex === this.literal.length) return this.endValue(text, i + 1);
        return i + 1;
      case MINUS:
        if (c === 48) this.state = ZERO;
        else if (c >= 49 && c <= 57) this.state = INTEGER;
        else this.fail(i, 'No number after minus sign');
        return i + 1;
      case INTEGER:
      case FRACTION:
      case EXPONENT_DIGITS: {
        let j = i;
        while (j < text.length && isDigit(text.charCodeAt(j))) j++;
        if (j === text.length) return j;
        return this.afterDigits(text, j);
      }
      case ZERO:
        return this.afterDigits(text, i);
      case POINT:
        if (!isDigit(c)) this.fail(i, 'Unterminated fractional number');
        this.state = FRACTION;
        return i + 1;
      case EXPONENT:
        if (c === 43 || c === 45) this.state = EXPONENT_SIGN;
        else if (isDigit(c)) this.state = EXPONENT_DIGITS;
        else this.fail(i, 'Exponent part is missing a number');
        return i + 1;
      case EXPONENT_SIGN:
        if (!isDigit(c)) this.fail(i, 'Exponent part is missing a number');
        this.state = EXPONENT_DIGITS;
        return i + 1;
      default:
        throw new Error(`json-stream: unexpected state ${this.state}`);
    }
  }

  /** At the first character after a number's digits: a fraction or exponent goes on, anything else ends the number. */
  private afterDigits(text: string, i: number): number {
    const c = text.charCodeAt(i);
    if (c === 46 && (this.state === ZERO || this.state === INTEGER)) {
      this.state = POINT;
      return i + 1;
    }
    if ((c === 101 || c === 69) && this.state !== EXPONENT_DIGITS) {
      this.state = EXPONENT;
      return i + 1;
    }
    // the character is read again after the number
    return this.endValue(text, i);
  }

  private beginValue(text: string, i: number, c: number): number {
    let kind: JsonValueKind;
    if (c === 123) kind = 'object';
    else if (c === 91) kind = 'array';
    else if (c === 34) kind = 'string';
    else if (c === 45 || isDigit(c)) kind = 'number';
    else if (c === 116 || c === 102 || c === 110) kind = 'literal';
    else return this.fail(i, `Unexpected token ${JSON.stringify(text[i])}`);
    let walk = false;
    if (this.depth === this.walked && this.capturing === NOT_CAPTURING) {
      const container = this.path[this.depth - 1];
      if (container !== undefined && this.kinds[this.depth - 1] === ARRAY) container.index++;
      this.valueOffset = this.base + i;
      const action = this.visitor.begin(this.path, kind);
      if (action === 'walk') {
        if (kind !== 'object' && kind !== 'array') throw new Error(`json-stream: a ${kind} cannot be walked into`);
        walk = true;
      } else if (action === 'capture') {
        this.capturing = CAPTURING_VALUE;
        this.captureDepth = this.depth;
        this.captureFrom = i;
        this.pieces = [];
      }
    }
    switch (c) {
      case 123:
      case 91:
        this.open(c === 123 ? OBJECT : ARRAY, walk);
        this.state = c === 123 ? FIRST_KEY : FIRST_ELEMENT;
        break;
      case 34:
        this.stringIsKey = false;
        this.state = STRING;
        break;
      case 45:
        this.state = MINUS;
        break;
      case 48:
        this.state = ZERO;
        break;
      case 116:
      case 102:
      case 110:
        this.literal = c === 116 ? 'true' : c === 102 ? 'false' : 'null';
        this.literalIndex = 1;
        this.literalAt = this.base + i;
        this.state = LITERAL;
        break;
      default:
        this.state = INTEGER;
    }
    return i + 1;
  }

  private beginKey(i: number): number {
    this.stringIsKey = true;
    this.state = STRING;
    if (this.depth === this.walked) {
      this.capturing = CAPTURING_KEY;
      this.captureFrom = i;
      this.pieces = [];
      this.capturedChars = 0;
    }
    return i + 1;
  }

  /** After a string's closing quote (`end` is the index after it). */
  private endString(text: string, end: number): number {
    if (!this.stringIsKey) return this.endValue(text, end);
    this.state = COLON;
    if (this.capturing === CAPTURING_KEY) {
      this.keep(text.slice(this.captureFrom, end));
      const raw = this.capturedChars > MAX_KEY_CHARS ? undefined : this.pieces.join('');
      this.pieces = [];
      this.capturing = NOT_CAPTURING;
      const step = this.path[this.depth - 1]!;
      step.key = raw === undefined ? undefined : (JSON.parse(raw) as string);
      step.index++;
    }
    return end;
  }

  private open(kind: number, walk: boolean): void {
    if (this.depth === this.kinds.length) {
      const kinds = new Uint8Array(this.kinds.length * 2);
      kinds.set(this.kinds);
      this.kinds = kinds;
    }
    this.kinds[this.depth++] = kind;
    if (walk) {
      this.walked++;
      this.path.push({ key: undefined, index: -1 });
    }
  }

  /** A closing bracket at `i`. */
  private close(text: string, i: number): number {
    this.depth--;
    if (this.depth < this.walked) {
      this.walked--;
      this.path.pop();
    }
    return this.endValue(text, i + 1);
  }

  /** A value ended before index `end` of the current piece. */
  private endValue(text: string, end: number): number {
    if (this.capturing === CAPTURING_VALUE && this.depth === this.captureDepth) {
      this.keep(text.slice(this.captureFrom, end));
      const raw = this.pieces.join('');
      this.pieces = [];
      this.capturing = NOT_CAPTURING;
      this.visitor.captured(this.path, raw);
    }
    this.state = this.depth === 0 ? END : AFTER_VALUE;
    return end;
  }

  private keep(piece: string): void {
    if (this.capturing === CAPTURING_KEY) {
      // a name too long to keep is only counted
      this.capturedChars += piece.length;
      if (this.capturedChars > MAX_KEY_CHARS) {
        this.pieces = [];
        return;
      }
    }
    if (piece !== '') this.pieces.push(piece);
  }

  /** What was expected in `state`, where something else (or the end of the text) came. */
  private reason(state: number): string {
    switch (state) {
      case AFTER_VALUE:
        return this.kinds[this.depth - 1] === OBJECT ? "Expected ',' or '}' after property value" : "Expected ',' or ']' after array element";
      case FIRST_KEY:
        return "Expected property name or '}'";
      case KEY:
        return 'Expected double-quoted property name';
      case COLON:
        return "Expected ':' after property name";
      case STRING:
        return 'Unterminated string';
      case UNICODE:
        return 'Bad Unicode escape';
      case MINUS:
        return 'No number after minus sign';
      case POINT:
        return 'Unterminated fractional number';
      case EXPONENT:
      case EXPONENT_SIGN:
        return 'Exponent part is missing a number';
      case END:
        return 'Unexpected non-whitespace character after JSON';
      default:
        return 'Unexpected end of JSON input';
    }
  }

  /** Throws for the character at index `i` of the current piece. */
  private fail(i: number, reason: string): never {
    this.failAt(this.base + i, reason);
  }

  /** Throws for the character at `offset` in the whole text (or its end). */
  private failAt(offset: number, reason: string): never {
    // a token never spans lines (a line break ends it or is refused inside a string)
    throw new JsonSyntaxError(this.line, offset - this.lineStart + 1, reason);
  }
}
