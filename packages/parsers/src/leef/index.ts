import type { ParserDefinition } from '../types.js';
import { LeefParser } from './leef-parser.js';

/** Metron's LEEF parser: IBM LEEF 1.0/2.0 records, with or without a syslog header. */
export const leefParserDefinition: ParserDefinition = {
  id: 'leef',
  className: 'org.apache.metron.parsers.leef.LEEFParser',
  shortName: 'LEEF',
  aliases: ['LEEFParser'],
  description: 'Reads IBM LEEF 1.0/2.0 records (optional syslog header) into messages with the LEEF headers, attributes and the 5-tuple.',
  configKeys: [],
  build: () => new LeefParser(),
};

export { LeefParser } from './leef-parser.js';
