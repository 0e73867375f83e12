import type { ParserDefinition } from '../types.js';
import { CefParser } from './cef-parser.js';

/** Metron's CEF parser: ArcSight Common Event Format records, with or without a syslog header. */
export const cefParserDefinition: ParserDefinition = {
  id: 'cef',
  className: 'org.apache.metron.parsers.cef.CEFParser',
  shortName: 'CEF',
  aliases: ['CEFParser'],
  description: 'Reads ArcSight CEF records (optional syslog header) into messages with the CEF headers, extensions and the 5-tuple.',
  configKeys: [],
  build: () => new CefParser(),
};

export { CefParser, parseCefExtensions } from './cef-parser.js';
export { parseCefDate } from './cef-dates.js';
