/**
 * Metron's BasicAsaParser (`org.apache.metron.parsers.asa.BasicAsaParser`): Cisco ASA syslog lines
 *   <PRI>TIMESTAMP[ HOST][ PROG][:] %ASA-<level>-<id>: <message>
 * read with the `/patterns/asa` grok patterns (grok/patterns-asa.ts):
 * - always: `ciscotag` (`ASA-6-302013`), `syslog_facility` / `syslog_severity` as names (`local4`,
 *   `info`; `unknown` for facilities without one), `timestamp` (asa-timestamp.ts), plus
 *   `syslog_host` / `syslog_prog` when present;
 * - when the message id has a CISCOFW pattern and the message matches it: `ip_src_addr`,
 *   `ip_src_port`, `ip_dst_addr`, `ip_dst_port`, `protocol` and `action` (both lower-cased) from
 *   its `src_ip`, `src_port`, `dst_ip`, `dst_port`, `protocol` and `action` captures. A message id
 *   without a pattern, or a message its pattern does not match, keeps only the header fields.
 * A line whose header does not match, or whose timestamp cannot be read, is an error.
 */
import { Fields, type Message } from '@metron/core';
import { compileGrok, parsePatternFile, type CompiledGrok } from '../grok/grok.js';
import { ASA_PATTERNS } from '../grok/patterns-asa.js';
import type { MessageParser, ParseContext, ParseOutcome } from '../types.js';
import type { TimeZone } from '../util/time-zone.js';
import { parseAsaTimestamp } from './asa-timestamp.js';
import type { AsaConfig } from './config.js';

/** The CISCOFW pattern for each message id (Metron's table; ids not listed keep header fields only). */
export const ASA_MESSAGE_PATTERNS: Readonly<Record<string, string>> = {
  'ASA-2-106001': 'CISCOFW106001',
  'ASA-2-106006': 'CISCOFW106006_106007_106010',
  'ASA-2-106007': 'CISCOFW106006_106007_106010',
  'ASA-2-106010': 'CISCOFW106006_106007_106010',
  'ASA-3-106014': 'CISCOFW106014',
  'ASA-6-106015': 'CISCOFW106015',
  'ASA-1-106021': 'CISCOFW106021',
  'ASA-4-106023': 'CISCOFW106023',
  'ASA-5-106100': 'CISCOFW106100',
  'ASA-6-110002': 'CISCOFW110002',
  'ASA-6-302010': 'CISCOFW302010',
  'ASA-6-302013': 'CISCOFW302013_302014_302015_302016',
  'ASA-6-302014': 'CISCOFW302013_302014_302015_302016',
  'ASA-6-302015': 'CISCOFW302013_302014_302015_302016',
  'ASA-6-302016': 'CISCOFW302013_302014_302015_302016',
  'ASA-6-302020': 'CISCOFW302020_302021',
  'ASA-6-302021': 'CISCOFW302020_302021',
  'ASA-6-305011': 'CISCOFW305011',
  'ASA-6-305012': 'CISCOFW305012',
  'ASA-3-313001': 'CISCOFW313001_313004_313008',
  'ASA-3-313004': 'CISCOFW313001_313004_313008',
  'ASA-3-313008': 'CISCOFW313001_313004_313008',
  'ASA-4-313005': 'CISCOFW313005',
  'ASA-4-402117': 'CISCOFW402117',
  'ASA-4-402119': 'CISCOFW402119',
  'ASA-4-419001': 'CISCOFW419001',
  'ASA-4-419002': 'CISCOFW419002',
  'ASA-4-500004': 'CISCOFW500004',
  'ASA-6-602303': 'CISCOFW602303_602304',
  'ASA-6-602304': 'CISCOFW602303_602304',
  'ASA-7-609001': 'CISCOFW609001',
  'ASA-7-609002': 'CISCOFW609002',
  'ASA-7-710001': 'CISCOFW710001_710002_710003_710005_710006',
  'ASA-7-710002': 'CISCOFW710001_710002_710003_710005_710006',
  'ASA-7-710003': 'CISCOFW710001_710002_710003_710005_710006',
  'ASA-7-710005': 'CISCOFW710001_710002_710003_710005_710006',
  'ASA-7-710006': 'CISCOFW710001_710002_710003_710005_710006',
  'ASA-6-713172': 'CISCOFW713172',
  'ASA-4-733100': 'CISCOFW733100',
};

const SEVERITIES = ['emerg', 'alert', 'crit', 'err', 'warn', 'notice', 'info', 'debug'];
/** Facility names by code; the codes Metron leaves unnamed (9, 12-14, > 23) are `unknown`. */
const FACILITIES: Readonly<Record<number, string>> = {
  0: 'kern', 1: 'user', 2: 'mail', 3: 'daemon', 4: 'auth', 5: 'syslog', 6: 'lpr', 7: 'news', 8: 'uucp',
  10: 'authpriv', 11: 'ftp', 15: 'cron',
  16: 'local0', 17: 'local1', 18: 'local2', 19: 'local3', 20: 'local4', 21: 'local5', 22: 'local6', 23: 'local7',
};
const JAVA_INT_MAX = 2_147_483_647;

const HEADER_LABEL = 'CISCO_TAGGED_SYSLOG';

/** The compiled patterns, shared by every ASA parser (they do not depend on the config). */
class AsaPatterns {
  readonly header: CompiledGrok;
  private readonly library: Readonly<Record<string, string>>;
  private readonly byLabel = new Map<string, CompiledGrok>();

  constructor() {
    this.library = parsePatternFile(ASA_PATTERNS);
    this.header = compileGrok(`%{${HEADER_LABEL}}`, this.library);
  }

  forTag(tag: string): CompiledGrok | undefined {
    const label = Object.hasOwn(ASA_MESSAGE_PATTERNS, tag) ? ASA_MESSAGE_PATTERNS[tag] : undefined;
    if (label === undefined) return undefined;
    let grok = this.byLabel.get(label);
    if (grok === undefined) {
      grok = compileGrok(`%{${label}}`, this.library);
      this.byLabel.set(label, grok);
    }
    return grok;
  }
}

let shared: AsaPatterns | undefined;

export class AsaParser implements MessageParser {
  private readonly zone: TimeZone;
  private readonly patterns: AsaPatterns;

  constructor(config: AsaConfig) {
    this.zone = config.deviceTimeZone;
    this.patterns = shared ??= new AsaPatterns();
  }

  parse(text: string, ctx: ParseContext): ParseOutcome {
    const header = this.patterns.header.match(text);
    if (header === undefined) return { ok: false, reason: `message does not match %{${HEADER_LABEL}} (<PRI>timestamp [host] [prog] %ASA-level-id: message)` };
    const pri = header['syslog_pri'];
    if (typeof pri !== 'number' || pri > JAVA_INT_MAX) return { ok: false, reason: `syslog priority ${String(pri)} is out of range` };
    const timestamp = parseAsaTimestamp(String(header['CISCOTIMESTAMP']), this.zone, ctx.now);
    if (typeof timestamp === 'string') return { ok: false, reason: timestamp };
    const tag = String(header['CISCOTAG']);
    const message: Message = {
      [Fields.ORIGINAL]: text,
      [Fields.TIMESTAMP]: timestamp,
      ciscotag: tag,
      syslog_severity: SEVERITIES[pri & 7]!,
      syslog_facility: FACILITIES[pri >> 3] ?? 'unknown',
    };
    // grok captures are strings, or numbers when all digits (as java-grok converts them)
    for (const key of ['syslog_host', 'syslog_prog']) {
      const value = header[key];
      if (value !== undefined) message[key] = value as string | number;
    }

    const grok = this.patterns.forTag(tag);
    const body = header['message'];
    if (grok === undefined || body === undefined) return { ok: true, messages: [message] };
    const fields = grok.match(String(body));
    if (fields === undefined) return { ok: true, messages: [message] };
    const problem = copyFlowFields(fields, message);
    return problem === undefined ? { ok: true, messages: [message] } : { ok: false, reason: `${tag}: ${problem}` };
  }
}

/** Maps the CISCOFW captures onto Metron's field names; returns a problem when a port is not an int. */
function copyFlowFields(fields: Record<string, unknown>, message: Message): string | undefined {
  const pairs: [string, string, 'ip' | 'port' | 'lower'][] = [
    ['src_ip', Fields.SRC_ADDR, 'ip'],
    ['src_port', Fields.SRC_PORT, 'port'],
    ['dst_ip', Fields.DST_ADDR, 'ip'],
    ['dst_port', Fields.DST_PORT, 'port'],
    ['protocol', Fields.PROTOCOL, 'lower'],
    ['action', 'action', 'lower'],
  ];
  for (const [from, to, kind] of pairs) {
    const value = fields[from];
    if (value === undefined) continue;
    if (kind === 'port') {
      // Metron reads ports as Java ints: anything else fails the message
      if (typeof value !== 'number' || !Number.isInteger(value) || Math.abs(value) > JAVA_INT_MAX) return `${from} ${String(value)} is not a 32-bit integer`;
      message[to] = value;
    } else {
      message[to] = kind === 'lower' ? String(value).toLowerCase() : String(value);
    }
  }
  return undefined;
}
