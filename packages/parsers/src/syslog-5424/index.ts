import type { ParserDefinition } from '../types.js';
import { readSyslog5424Config, SYSLOG_5424_CONFIG_KEYS } from './config.js';
import { Syslog5424Parser } from './syslog-5424-parser.js';

/** Metron's RFC 5424 syslog parser: header, structured data and message as `syslog.*` fields. */
export const syslog5424ParserDefinition: ParserDefinition = {
  id: 'syslog_5424',
  className: 'org.apache.metron.parsers.syslog.Syslog5424Parser',
  shortName: 'Syslog5424',
  aliases: ['Syslog5424Parser'],
  description: 'Reads RFC 5424 syslog lines (header, structured data, message) into syslog.* fields.',
  configKeys: SYSLOG_5424_CONFIG_KEYS,
  build: (parserConfig, file) => new Syslog5424Parser(readSyslog5424Config(parserConfig, file)),
};

export { Syslog5424Parser } from './syslog-5424-parser.js';
export { readSyslog5424Config, NIL_POLICIES, type NilPolicy, type Syslog5424Config } from './config.js';
