import type { ParserDefinition } from '../types.js';
import { SourcefireParser } from './sourcefire-parser.js';

/** Metron's Sourcefire parser: FirePOWER syslog events ending in `{PROTO} src:port -> dst:port`. */
export const sourcefireParserDefinition: ParserDefinition = {
  id: 'sourcefire',
  className: 'org.apache.metron.parsers.sourcefire.BasicSourcefireParser',
  shortName: 'Sourcefire',
  aliases: ['BasicSourcefireParser'],
  description: 'Reads Sourcefire/FirePOWER syslog events into the 5-tuple and the signature id, as Metron did.',
  configKeys: [],
  build: () => new SourcefireParser(),
};

export { SourcefireParser } from './sourcefire-parser.js';
