import type { ParserDefinition } from '../types.js';
import { IseParser } from './ise-parser.js';

/** Metron's Cisco ISE parser: comma-separated `key=value` syslog, nested values as objects. */
export const iseParserDefinition: ParserDefinition = {
  id: 'ise',
  className: 'org.apache.metron.parsers.ise.BasicIseParser',
  shortName: 'ISE',
  aliases: ['BasicIseParser'],
  description: 'Reads Cisco ISE syslog (comma-separated key=value pairs, nested key=value values as objects) with Metron\'s ISE grammar.',
  configKeys: [],
  build: () => new IseParser(),
};

export { IseParser } from './ise-parser.js';
export { lexIse, decodeJavaUnicodeEscapes, type Token, type TokenKind } from './ise-lexer.js';
