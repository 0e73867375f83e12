/**
 * Metron's CSVParser (`org.apache.metron.parsers.csv.CSVParser` with `CSVConverter`): one CSV line
 * (split as opencsv) to a message holding the configured columns, names and values trimmed.
 * As Metron: a blank or `#` comment line gives no message; a `timestamp` column is read as epoch
 * ms, or with `timestampFormat` (in UTC); without one the timestamp is now.
 * Deviation: a `timestamp` column that cannot be read is an error (Metron kept the string).
 */
import type { Message } from '@metron/core';
import type { MessageParser, ParseContext, ParseOutcome } from '../types.js';
import { javaTrim } from '../util/java-string.js';
import { splitOpenCsvLine } from '../util/opencsv.js';
import { UTC } from '../util/time-zone.js';
import type { CsvConfig } from './config.js';

const EPOCH = /^[+-]?\d+$/;

export class CsvParser implements MessageParser {
  private readonly columns: readonly (readonly [string, number])[];

  constructor(private readonly config: CsvConfig) {
    this.columns = [...config.columns];
  }

  parse(text: string, ctx: ParseContext): ParseOutcome {
    const trimmed = javaTrim(text);
    if (trimmed === '' || trimmed.startsWith('#')) return { ok: true, messages: [], skip: 'CSV comment line' };
    const split = splitOpenCsvLine(text, this.config.separator);
    if (!split.ok) return { ok: false, reason: `invalid CSV: ${split.reason}` };
    const tokens = split.tokens;
    const message: Message = {};
    for (const [name, index] of this.columns) {
      const token = tokens[index];
      if (token === undefined) return { ok: false, reason: `column ${name} is at index ${index}, but the line has ${tokens.length} columns` };
      message[name] = javaTrim(token);
    }
    message['original_string'] = text;
    const ts = message['timestamp'];
    if (typeof ts !== 'string') {
      message['timestamp'] = ctx.now;
    } else if (this.config.timestampFormat === undefined) {
      const n = EPOCH.test(ts) ? Number(ts) : NaN;
      if (!Number.isSafeInteger(n)) return { ok: false, reason: `timestamp ${JSON.stringify(ts)} is not epoch milliseconds` };
      message['timestamp'] = n;
    } else {
      const t = this.config.timestampFormat.parse(ts, UTC);
      if (typeof t === 'string') return { ok: false, reason: `timestamp ${JSON.stringify(ts)} does not match ${JSON.stringify(this.config.timestampFormat.pattern)}: ${t}` };
      message['timestamp'] = t;
    }
    return { ok: true, messages: [message] };
  }
}
