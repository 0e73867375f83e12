import type { ParserDefinition } from '../types.js';
import { BroParser } from './bro-parser.js';

/** Metron's Bro parser: Bro/Zeek JSON logs (`{"conn": {...}}`) with the 5-tuple renamed to Metron fields. */
export const broParserDefinition: ParserDefinition = {
  id: 'bro',
  className: 'org.apache.metron.parsers.bro.BasicBroParser',
  shortName: 'Bro',
  aliases: ['BasicBroParser'],
  description: 'Reads Bro/Zeek JSON log records ({"<log type>": {...}}) into Metron messages.',
  configKeys: [],
  build: () => new BroParser(),
};

export { BroParser } from './bro-parser.js';
