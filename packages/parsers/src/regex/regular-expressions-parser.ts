/**
 * Metron's RegularExpressionsParser (`org.apache.metron.parsers.regex.RegularExpressionsParser`):
 * - the message is trimmed (Java trim);
 * - the first `messageHeaderRegex` that finds a match gives its non-blank named groups;
 * - the first match of `recordTypeRegex` is the record type; the first of its `fields[].regex`
 *   that matches the whole message gives its named groups; the record type regex's own named
 *   groups are added too; values are trimmed;
 * - `original_string` is the trimmed message, `timestamp` is now (as Metron, a `timestamp` group
 *   is overwritten); with `convertCamelCaseToUnderScore`, keys with capitals become
 *   lower_underscore (`ipSrcAddr` → `ip_src_addr`).
 * Deviation: an empty message is an error (Metron emitted an empty object).
 */
import type { Message } from '@metron/core';
import type { MessageParser, ParseContext, ParseOutcome } from '../types.js';
import { javaTrim } from '../util/java-string.js';
import type { NamedPattern, RegularExpressionsConfig } from './config.js';

const CAPITAL = /[A-Z]/;
const CAPITALS = /(?!^)([A-Z])/g;

/** Guava `CaseFormat.UPPER_CAMEL.to(LOWER_UNDERSCORE, key)`. */
export function camelToUnderscore(key: string): string {
  return key.replace(CAPITALS, '_$1').toLowerCase();
}

function putGroups(target: Message, pattern: NamedPattern, match: RegExpExecArray, skipBlank: boolean): void {
  for (const name of pattern.groups) {
    const value = match.groups?.[name];
    if (value === undefined) continue;
    const trimmed = javaTrim(value);
    if (skipBlank && trimmed === '') continue;
    target[name] = trimmed;
  }
}

export class RegularExpressionsParser implements MessageParser {
  constructor(private readonly config: RegularExpressionsConfig) {}

  parse(text: string, ctx: ParseContext): ParseOutcome {
    const message = javaTrim(text);
    if (message === '') return { ok: false, reason: 'empty message' };
    const out: Message = {};
    for (const header of this.config.messageHeaders) {
      const m = header.regex.exec(message);
      if (m !== null) {
        putGroups(out, header, m, true);
        break;
      }
    }
    const typeMatch = this.config.recordType.regex.exec(message);
    if (typeMatch !== null) {
      const patterns = this.config.recordTypePatterns.get(typeMatch[0].toLowerCase());
      for (const pattern of patterns ?? []) {
        if (pattern.groups.length === 0) continue;
        const m = pattern.regex.exec(message);
        if (m !== null) {
          putGroups(out, pattern, m, false);
          break;
        }
      }
      putGroups(out, this.config.recordType, typeMatch, false);
    }
    out['original_string'] = message;
    out['timestamp'] = ctx.now;
    if (this.config.convertCamelCaseToUnderScore) {
      for (const key of Object.keys(out)) {
        if (!CAPITAL.test(key)) continue;
        const value = out[key]!;
        delete out[key];
        out[camelToUnderscore(key)] = value;
      }
    }
    return { ok: true, messages: [out] };
  }
}
