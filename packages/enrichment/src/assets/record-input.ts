/**
 * Reads the records of an inventory or identity file, each with the line it starts on, so a bad
 * record is reported by line and skipped while the others load:
 * - CSV (RFC 4180): a header row names the columns; quoted cells may hold commas, doubled quotes
 *   and line breaks; a row whose cell count differs from the header's is bad.
 * - NDJSON: one JSON object per line (blank lines skipped).
 * - JSON: one array of objects (pretty-printed or not); each element is parsed on its own, so one
 *   bad element does not lose the rest.
 * streamRecords reads CSV and NDJSON from text in pieces, a record at a time, so a file of any size
 * (an authentication or DHCP log of identities) is read in bounded memory; a JSON array is read
 * whole (inventories are small; use NDJSON or CSV for large inputs).
 */

export type RecordFormat = 'csv' | 'json' | 'ndjson';

/** One record of the input, or why the lines starting at `line` are not one. */
export type InputRecord =
  | { readonly line: number; readonly fields: Readonly<Record<string, unknown>>; readonly error?: undefined }
  | { readonly line: number; readonly error: string; readonly fields?: undefined };

/** An input that cannot be read at all (no header, not a JSON array, ...). */
export class RecordInputError extends Error {
  override readonly name = 'RecordInputError';
}

/** The format named by a file's extension, else by its first character (`[` JSON, `{` NDJSON, else CSV). */
export function detectFormat(name: string, text: string): RecordFormat {
  const lower = name.toLowerCase();
  if (lower.endsWith('.csv')) return 'csv';
  if (lower.endsWith('.ndjson') || lower.endsWith('.jsonl')) return 'ndjson';
  const first = /\S/.exec(text)?.[0];
  if (lower.endsWith('.json')) return first === '{' ? 'ndjson' : 'json';
  if (first === '[') return 'json';
  if (first === '{') return 'ndjson';
  return 'csv';
}

/** The records of `text` in `format`. Throws RecordInputError when the input as a whole is unreadable. */
export function readRecords(text: string, format: RecordFormat): InputRecord[] {
  const body = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text; // a UTF-8 byte order mark
  switch (format) {
    case 'csv':
      return readCsv(body);
    case 'ndjson':
      return readNdjson(body);
    case 'json':
      return readJsonArray(body);
  }
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function reason(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

function readNdjson(text: string): InputRecord[] {
  const out: InputRecord[] = [];
  text.split(/\r?\n/).forEach((raw, i) => {
    const record = ndjsonRecord(raw, i + 1);
    if (record !== undefined) out.push(record);
  });
  return out;
}

/** The record of one NDJSON line (undefined for a blank line). */
function ndjsonRecord(raw: string, line: number): InputRecord | undefined {
  const text = raw.trim();
  if (text === '') return undefined;
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (err) {
    return { line, error: `not JSON: ${reason(err)}` };
  }
  return isObject(value) ? { line, fields: value } : { line, error: 'not a JSON object' };
}

/**
 * Splits a JSON array into its elements' texts (tracking strings and nesting, not parsing), then
 * parses each: an element that is not valid JSON, or not an object, is one bad record.
 */
function readJsonArray(text: string): InputRecord[] {
  let i = 0;
  let line = 1;
  const n = text.length;
  const skipSpace = () => {
    while (i < n) {
      const c = text.charCodeAt(i);
      if (c === 10) line++;
      else if (c !== 32 && c !== 9 && c !== 13) break;
      i++;
    }
  };
  skipSpace();
  if (text[i] !== '[') throw new RecordInputError('a JSON input must be an array of objects (or NDJSON: one object per line)');
  i++;
  const out: InputRecord[] = [];
  for (;;) {
    skipSpace();
    if (i >= n) throw new RecordInputError(`line ${line}: the JSON array is not closed`);
    if (text[i] === ']') break;
    const start = i;
    const startLine = line;
    let depth = 0;
    let inString = false;
    for (; i < n; i++) {
      const c = text[i]!;
      if (c === '\n') line++;
      if (inString) {
        if (c === '\\') i++;
        else if (c === '"') inString = false;
        continue;
      }
      if (c === '"') inString = true;
      else if (c === '{' || c === '[') depth++;
      else if (c === '}' || c === ']') {
        if (depth === 0) break;
        depth--;
      } else if (c === ',' && depth === 0) break;
    }
    if (i >= n) throw new RecordInputError(`line ${line}: the JSON array is not closed`);
    const element = text.slice(start, i).trim();
    if (element === '') out.push({ line: startLine, error: 'an empty element (two commas in a row?)' });
    else {
      try {
        const value: unknown = JSON.parse(element);
        out.push(isObject(value) ? { line: startLine, fields: value } : { line: startLine, error: 'not a JSON object' });
      } catch (err) {
        out.push({ line: startLine, error: `not JSON: ${reason(err)}` });
      }
    }
    if (text[i] === ',') i++;
  }
  i++;
  skipSpace();
  if (i < n) throw new RecordInputError(`line ${line}: text after the end of the JSON array`);
  return out;
}

/** A CSV row: its cells and the line it starts on; `open` when a quote was never closed. */
interface CsvRow {
  line: number;
  cells: string[];
  open?: boolean;
}

/** What ends an unquoted cell. */
const CELL_END = /[,\r\n]/g;

/**
 * CSV rows from text fed in pieces (a quoted cell may span pieces and lines). A quote opens a
 * quoted cell only at the start of a cell; inside one, `""` is a quote. Blank lines make no row.
 */
class CsvRowReader {
  private cells: string[] = [];
  private cell = '';
  private quoted = false;
  private line = 1;
  private rowLine = 1;
  private rowHasText = false;
  /** A piece ended on a quote inside a quoted cell: the next piece's first character decides. */
  private quoteAtEnd = false;
  /** A piece ended on a carriage return: a line feed starting the next piece belongs to it. */
  private crAtEnd = false;

  /** Reads `text`, adding the rows it completes to `rows`. */
  feed(text: string, rows: CsvRow[]): void {
    const n = text.length;
    let i = 0;
    if (this.quoteAtEnd) {
      this.quoteAtEnd = false;
      if (text[0] === '"') {
        this.cell += '"';
        i = 1;
      } else this.quoted = false;
    }
    if (this.crAtEnd) {
      this.crAtEnd = false;
      if (text[i] === '\n') i++;
    }
    while (i < n) {
      if (this.quoted) {
        // up to the next quote in one piece
        const q = text.indexOf('"', i);
        const to = q === -1 ? n : q;
        for (let nl = text.indexOf('\n', i); nl !== -1 && nl < to; nl = text.indexOf('\n', nl + 1)) this.line++;
        this.cell += text.slice(i, to);
        if (q === -1) break;
        if (q + 1 === n) {
          this.quoteAtEnd = true;
          break;
        }
        if (text[q + 1] === '"') {
          this.cell += '"';
          i = q + 2;
        } else {
          this.quoted = false;
          i = q + 1;
        }
        continue;
      }
      const c = text[i]!;
      if (c === '"' && this.cell.trim() === '') {
        this.cell = '';
        this.quoted = true;
        this.rowHasText = true;
        i++;
      } else if (c === ',') {
        this.cells.push(this.cell);
        this.cell = '';
        this.rowHasText = true;
        i++;
      } else if (c === '\n' || c === '\r') {
        i++;
        if (c === '\r') {
          if (i === n) this.crAtEnd = true;
          else if (text[i] === '\n') i++;
        }
        this.endRow(rows);
        this.line++;
        this.rowLine = this.line;
      } else if ((c === ' ' || c === '\t') && this.cell.trim() === '') {
        // leading blanks: a quote after them still opens a quoted cell
        this.cell += c;
        i++;
      } else {
        // the rest of an unquoted cell in one piece (a quote inside it is a character)
        CELL_END.lastIndex = i;
        const end = CELL_END.exec(text)?.index ?? n;
        this.cell += text.slice(i, end);
        this.rowHasText = true;
        i = end;
      }
    }
  }

  /** The end of the text: the last row, or an open one when a quote was never closed. */
  end(rows: CsvRow[]): void {
    if (this.quoteAtEnd) {
      this.quoteAtEnd = false;
      this.quoted = false;
    }
    if (this.quoted) rows.push({ line: this.rowLine, cells: [], open: true });
    else this.endRow(rows);
  }

  private endRow(rows: CsvRow[]): void {
    this.cells.push(this.cell);
    if (this.rowHasText || this.cells.length > 1 || this.cell !== '') rows.push({ line: this.rowLine, cells: this.cells });
    this.cells = [];
    this.cell = '';
    this.rowHasText = false;
  }
}

/** The column names of a CSV header row; throws RecordInputError for a missing or bad header. */
function csvHeader(header: CsvRow | undefined): string[] {
  if (header === undefined) throw new RecordInputError('the CSV input is empty: it needs a header row naming the columns');
  if (header.open) throw new RecordInputError(`line ${header.line}: a quoted header cell is never closed`);
  const names = header.cells.map((c) => c.trim());
  const seen = new Set<string>();
  names.forEach((name, i) => {
    if (name === '') throw new RecordInputError(`line ${header.line}: header column ${i + 1} has no name`);
    if (seen.has(name.toLowerCase())) throw new RecordInputError(`line ${header.line}: the header names column "${name}" twice`);
    seen.add(name.toLowerCase());
  });
  return names;
}

function csvRecord(names: readonly string[], row: CsvRow): InputRecord {
  if (row.open) return { line: row.line, error: 'a quoted cell is never closed (the rest of the file is in it)' };
  if (row.cells.length !== names.length) return { line: row.line, error: `${row.cells.length} cells, but the header has ${names.length} columns` };
  const fields: Record<string, string> = {};
  names.forEach((name, i) => {
    fields[name] = row.cells[i]!.trim();
  });
  return { line: row.line, fields };
}

function readCsv(text: string): InputRecord[] {
  const rows: CsvRow[] = [];
  const reader = new CsvRowReader();
  reader.feed(text, rows);
  reader.end(rows);
  const names = csvHeader(rows.shift());
  return rows.map((row) => csvRecord(names, row));
}

/**
 * The records of a text given in pieces (a file or stdin read as UTF-8), yielded as they are read:
 * CSV and NDJSON a record at a time, a JSON array once whole. `format` undefined: by `name`'s
 * extension, else by the first character. Throws RecordInputError when the input as a whole is
 * unreadable (records before the point found out have been yielded).
 */
export async function* streamRecords(pieces: AsyncIterable<string>, format: RecordFormat | undefined, name = ''): AsyncGenerator<InputRecord> {
  const iterator = pieces[Symbol.asyncIterator]();
  // the first piece with text decides the format (and loses a byte order mark)
  let first = '';
  for (;;) {
    const next = await iterator.next();
    if (next.done === true) break;
    first += next.value;
    if (/\S/.test(first)) break;
  }
  if (first.charCodeAt(0) === 0xfeff) first = first.slice(1);
  const chosen = format ?? detectFormat(name, first);
  const rest: AsyncIterable<string> = { [Symbol.asyncIterator]: () => iterator };
  if (chosen === 'json') {
    let text = first;
    for await (const piece of rest) text += piece;
    yield* readJsonArray(text);
    return;
  }
  if (chosen === 'ndjson') {
    let line = 0;
    let partial = '';
    const lines = function* (text: string, last: boolean): Generator<InputRecord> {
      const parts = (partial + text).split('\n');
      partial = last ? '' : (parts.pop() as string);
      for (const part of parts) {
        line++;
        const record = ndjsonRecord(part.endsWith('\r') ? part.slice(0, -1) : part, line);
        if (record !== undefined) yield record;
      }
    };
    yield* lines(first, false);
    for await (const piece of rest) yield* lines(piece, false);
    yield* lines('', true);
    return;
  }
  const reader = new CsvRowReader();
  const rows: CsvRow[] = [];
  let names: string[] | undefined;
  const take = function* (): Generator<InputRecord> {
    let k = 0;
    if (names === undefined && rows.length > 0) {
      names = csvHeader(rows[0]);
      k = 1;
    }
    for (; k < rows.length; k++) yield csvRecord(names as string[], rows[k]!);
    rows.length = 0;
  };
  reader.feed(first, rows);
  yield* take();
  for await (const piece of rest) {
    reader.feed(piece, rows);
    yield* take();
  }
  reader.end(rows);
  if (names === undefined) names = csvHeader(rows.shift());
  yield* take();
}
