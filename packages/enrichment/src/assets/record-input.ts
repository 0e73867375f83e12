/**
 * Reads the records of an inventory or identity file, each with the line it starts on, so a bad
 * record is reported by line and skipped while the others load:
 * - CSV (RFC 4180): a header row names the columns; quoted cells may hold commas, doubled quotes
 *   and line breaks; a row whose cell count differs from the header's is bad.
 * - NDJSON: one JSON object per line (blank lines skipped).
 * - JSON: one array of objects (pretty-printed or not); each element is parsed on its own, so one
 *   bad element does not lose the rest.
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
  const lines = text.split(/\r?\n/);
  lines.forEach((raw, i) => {
    const line = raw.trim();
    if (line === '') return;
    let value: unknown;
    try {
      value = JSON.parse(line);
    } catch (err) {
      out.push({ line: i + 1, error: `not JSON: ${reason(err)}` });
      return;
    }
    if (!isObject(value)) out.push({ line: i + 1, error: 'not a JSON object' });
    else out.push({ line: i + 1, fields: value });
  });
  return out;
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

/** The rows of a CSV text: cells and the line each row starts on; `open` when a quote was never closed. */
function csvRows(text: string): Array<{ line: number; cells: string[]; open?: boolean }> {
  const rows: Array<{ line: number; cells: string[]; open?: boolean }> = [];
  let cells: string[] = [];
  let cell = '';
  let quoted = false;
  let line = 1;
  let rowLine = 1;
  let rowHasText = false;
  const n = text.length;
  const endRow = () => {
    cells.push(cell);
    if (rowHasText || cells.length > 1 || cell !== '') rows.push({ line: rowLine, cells });
    cells = [];
    cell = '';
    rowHasText = false;
  };
  for (let i = 0; i < n; i++) {
    const c = text[i]!;
    if (quoted) {
      if (c === '"') {
        if (text[i + 1] === '"') {
          cell += '"';
          i++;
        } else quoted = false;
      } else {
        if (c === '\n') line++;
        cell += c;
      }
      continue;
    }
    if (c === '"' && cell.trim() === '') {
      cell = '';
      quoted = true;
      rowHasText = true;
    } else if (c === ',') {
      cells.push(cell);
      cell = '';
      rowHasText = true;
    } else if (c === '\n' || c === '\r') {
      if (c === '\r' && text[i + 1] === '\n') i++;
      endRow();
      line++;
      rowLine = line;
    } else {
      cell += c;
      if (c !== ' ' && c !== '\t') rowHasText = true;
    }
  }
  if (quoted) {
    rows.push({ line: rowLine, cells: [], open: true });
    return rows;
  }
  endRow();
  return rows;
}

function readCsv(text: string): InputRecord[] {
  const rows = csvRows(text);
  const header = rows.shift();
  if (header === undefined) throw new RecordInputError('the CSV input is empty: it needs a header row naming the columns');
  if (header.open) throw new RecordInputError(`line ${header.line}: a quoted header cell is never closed`);
  const names = header.cells.map((c) => c.trim());
  const seen = new Set<string>();
  names.forEach((name, i) => {
    if (name === '') throw new RecordInputError(`line ${header.line}: header column ${i + 1} has no name`);
    if (seen.has(name.toLowerCase())) throw new RecordInputError(`line ${header.line}: the header names column "${name}" twice`);
    seen.add(name.toLowerCase());
  });
  return rows.map((row): InputRecord => {
    if (row.open) return { line: row.line, error: 'a quoted cell is never closed (the rest of the file is in it)' };
    if (row.cells.length !== names.length) return { line: row.line, error: `${row.cells.length} cells, but the header has ${names.length} columns` };
    const fields: Record<string, string> = {};
    names.forEach((name, i) => {
      fields[name] = row.cells[i]!.trim();
    });
    return { line: row.line, fields };
  });
}
