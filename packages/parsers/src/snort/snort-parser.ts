/**
 * Metron's BasicSnortParser (`org.apache.metron.parsers.snort.BasicSnortParser`): Snort alerts in
 * the CSV output format (`output alert_csv: ... default`), 27 columns, split as opencsv does.
 * - every column becomes a string field (trimmed as Java's trim), the 5-tuple under Metron's names;
 * - the `timestamp` column becomes epoch ms read with `dateFormat` in `timeZone`
 *   (java.time semantics: `SSSSSS` is a fraction, so `.877970` is 877 ms);
 * - `is_alert` is `"true"`; `original_string` is the whole record.
 * As in Metron: columns after the 27th are ignored; a comment (`#...`) or blank line is an error.
 */
import type { Message } from '@metron/core';
import type { MessageParser, ParseOutcome } from '../types.js';
import { javaTrim } from '../util/java-string.js';
import { splitOpenCsvLine } from '../util/opencsv.js';
import type { SnortConfig } from './config.js';

/** Metron's column names, in Snort's default CSV order. */
export const SNORT_FIELDS = [
  'timestamp',
  'sig_generator',
  'sig_id',
  'sig_rev',
  'msg',
  'protocol',
  'ip_src_addr',
  'ip_src_port',
  'ip_dst_addr',
  'ip_dst_port',
  'ethsrc',
  'ethdst',
  'ethlen',
  'tcpflags',
  'tcpseq',
  'tcpack',
  'tcplen',
  'tcpwindow',
  'ttl',
  'tos',
  'id',
  'dgmlen',
  'iplen',
  'icmptype',
  'icmpcode',
  'icmpid',
  'icmpseq',
] as const;

export class SnortParser implements MessageParser {
  constructor(private readonly config: SnortConfig) {}

  parse(text: string): ParseOutcome {
    const trimmed = javaTrim(text);
    if (trimmed === '') return { ok: false, reason: 'blank Snort record' };
    if (trimmed.startsWith('#')) return { ok: false, reason: 'Snort record is a comment line' };
    const split = splitOpenCsvLine(text, this.config.recordDelimiter);
    if (!split.ok) return { ok: false, reason: `invalid CSV: ${split.reason}` };
    const tokens = split.tokens;
    if (tokens.length < SNORT_FIELDS.length) {
      return { ok: false, reason: `expected ${SNORT_FIELDS.length} fields, got ${tokens.length}` };
    }
    const message: Message = {};
    for (let i = 1; i < SNORT_FIELDS.length; i++) message[SNORT_FIELDS[i]!] = javaTrim(tokens[i]!);
    const time = javaTrim(tokens[0]!);
    const timestamp = this.config.dateFormat.parse(time, this.config.timeZone);
    if (typeof timestamp === 'string') {
      return { ok: false, reason: `timestamp ${JSON.stringify(time)} does not match ${JSON.stringify(this.config.dateFormat.pattern)}: ${timestamp}` };
    }
    message['timestamp'] = timestamp;
    message['original_string'] = text;
    message['is_alert'] = 'true';
    return { ok: true, messages: [message] };
  }
}
