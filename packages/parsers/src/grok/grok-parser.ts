/**
 * Metron's GrokParser (org.apache.metron.parsers.GrokParser): the `patternLabel` pattern of the
 * `grokPath` file (plus the common library) matched against each record; `timeFields` converted
 * with `dateFormat` in `timeZone` (default UTC), `timestamp` taken from `timestampField` (a number,
 * or a decimal string with its dot removed, as Metron's formatTimestamp), the pattern label's own
 * capture removed. With `multiLine`, each line of the record is a message and bad lines are errors.
 */
import { Fields, type Message } from '@metron/core';
import type { MessageParser, ParseContext, ParseOutcome } from '../types.js';
import type { GrokParserConfig } from './config.js';
import { compileGrok, type CompiledGrok } from './grok.js';

export class GrokParser implements MessageParser {
  private readonly grok: CompiledGrok;

  constructor(private readonly config: GrokParserConfig) {
    this.grok = compileGrok(`%{${config.patternLabel}}`, config.patterns);
  }

  parse(text: string, _ctx: ParseContext): ParseOutcome {
    if (!this.config.multiLine) {
      const one = this.parseLine(text);
      return typeof one === 'string' ? { ok: false, reason: one } : { ok: true, messages: [one] };
    }
    const messages: Message[] = [];
    const reasons: string[] = [];
    for (const line of text.split(/\r\n|\r|\n/)) {
      if (line === '') continue;
      const one = this.parseLine(line);
      if (typeof one === 'string') reasons.push(one);
      else messages.push(one);
    }
    // the sensor parser takes one outcome per record: lines that fail are reported only when none parse
    if (messages.length === 0) return { ok: false, reason: reasons[0] ?? 'no line in record' };
    return { ok: true, messages };
  }

  private parseLine(line: string): Message | string {
    const fields = this.grok.match(line);
    if (fields === undefined || Object.keys(fields).length === 0) {
      return `grok statement produced a null message; check the pattern ${this.config.patternLabel} at ${this.config.grokPath ?? 'grokPattern'}`;
    }
    const message: Message = fields as Message;
    message[Fields.ORIGINAL] = line;
    for (const field of this.config.timeFields) {
      const value = message[field];
      if (typeof value !== 'string') continue;
      const epoch = this.config.dateFormat.parse(value, this.config.timeZone);
      if (typeof epoch === 'string') return `${field} ${JSON.stringify(value)}: ${epoch}`;
      message[field] = epoch;
    }
    if (this.config.timestampField !== undefined) {
      const value = message[this.config.timestampField];
      if (value === undefined) return `${this.config.patternLabel} pattern does not include field ${this.config.timestampField}`;
      if (typeof value === 'number') message[Fields.TIMESTAMP] = Math.trunc(value);
      else {
        const digits = String(value).split('.').join('');
        if (!/^[+-]?\d+$/.test(digits) || !Number.isSafeInteger(Number(digits))) return `${this.config.timestampField} ${JSON.stringify(value)} is not a number`;
        message[Fields.TIMESTAMP] = Number(digits);
      }
    }
    delete message[this.config.patternLabel];
    return message;
  }
}
