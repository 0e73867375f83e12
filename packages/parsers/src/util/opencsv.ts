/**
 * One CSV line split as opencsv's `CSVParser.parseLine` does with its defaults (quote `"`,
 * escape `\`, not strict quotes, ignore leading white space), which Metron's CSVConverter uses:
 * - `""` inside quotes is a quote; `\"` and `\\` inside a quoted or started field are the character;
 *   any other backslash is dropped (opencsv's well-known behaviour);
 * - a quote in the middle of a field (`a,b"c"d,e`) is kept;
 * - an unterminated quoted field is an error.
 */

const QUOTE = 34;
const BACKSLASH = 92;

export type CsvSplit = { ok: true; tokens: string[] } | { ok: false; reason: string };

/** Splits `line` at `separator` (one character). */
export function splitOpenCsvLine(line: string, separator: string): CsvSplit {
  const sep = separator.charCodeAt(0);
  const tokens: string[] = [];
  let field = '';
  let inQuotes = false;
  let inField = false;
  const n = line.length;
  for (let i = 0; i < n; i++) {
    const c = line.charCodeAt(i);
    if (c === BACKSLASH) {
      const next = i + 1 < n ? line.charCodeAt(i + 1) : -1;
      if ((inQuotes || inField) && (next === QUOTE || next === BACKSLASH)) {
        field += line[i + 1];
        i++;
      }
    } else if (c === QUOTE) {
      if (inQuotes && i + 1 < n && line.charCodeAt(i + 1) === QUOTE) {
        field += '"';
        i++;
      } else {
        inQuotes = !inQuotes;
        // opencsv keeps a quote that sits inside a field rather than at its edges
        if (i > 2 && line.charCodeAt(i - 1) !== sep && i + 1 < n && line.charCodeAt(i + 1) !== sep) {
          if (field.length > 0 && field.trim() === '') field = '';
          else field += '"';
        }
      }
      inField = !inField;
    } else if (c === sep && !inQuotes) {
      tokens.push(field);
      field = '';
      inField = false;
    } else {
      field += line[i];
      inField = true;
    }
  }
  if (inQuotes) return { ok: false, reason: 'un-terminated quoted field at end of CSV line' };
  tokens.push(field);
  return { ok: true, tokens };
}
