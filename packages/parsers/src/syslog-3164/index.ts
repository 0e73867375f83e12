import type { ParserDefinition } from '../types.js';
import { readSyslog3164Config, SYSLOG_3164_CONFIG_KEYS } from './config.js';
import { Syslog3164Parser } from './syslog-3164-parser.js';

/** Metron's RFC 3164 (BSD) syslog parser: PRI, timestamp, host and message as `syslog.*` fields. */
export const syslog3164ParserDefinition: ParserDefinition = {
  id: 'syslog_3164',
  className: 'org.apache.metron.parsers.syslog.Syslog3164Parser',
  shortName: 'Syslog3164',
  aliases: ['Syslog3164Parser'],
  description: 'Reads BSD syslog lines (<PRI>Mmm dd hh:mm:ss host msg) into syslog.* fields, resolving the missing year.',
  configKeys: SYSLOG_3164_CONFIG_KEYS,
  build: (parserConfig, file) => new Syslog3164Parser(readSyslog3164Config(parserConfig, file)),
};

export { Syslog3164Parser, FUTURE_TOLERANCE_MS } from './syslog-3164-parser.js';
export { readSyslog3164Config, type Syslog3164Config } from './config.js';
