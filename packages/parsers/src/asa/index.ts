import type { ParserDefinition } from '../types.js';
import { AsaParser } from './asa-parser.js';
import { ASA_CONFIG_KEYS, readAsaConfig } from './config.js';

/** Metron's Cisco ASA parser: syslog header fields plus the flow 5-tuple of known message ids. */
export const asaParserDefinition: ParserDefinition = {
  id: 'asa',
  className: 'org.apache.metron.parsers.asa.BasicAsaParser',
  shortName: 'ASA',
  aliases: ['BasicAsaParser'],
  description: 'Reads Cisco ASA syslog lines: priority, time, host and message id, and for known message ids the addresses, ports, protocol and action.',
  configKeys: ASA_CONFIG_KEYS,
  build: (parserConfig, file) => new AsaParser(readAsaConfig(parserConfig, file)),
};

export { AsaParser, ASA_MESSAGE_PATTERNS } from './asa-parser.js';
export { parseAsaTimestamp, ASA_FUTURE_TOLERANCE_MS } from './asa-timestamp.js';
export { readAsaConfig, ASA_CONFIG_KEYS, type AsaConfig } from './config.js';
