import type { ParserDefinition } from '../types.js';
import { FireEyeParser } from './fireeye-parser.js';

/** Metron's FireEye parser: FireEye CMS `fenotify` syslog alerts with a CEF-like payload. */
export const fireEyeParserDefinition: ParserDefinition = {
  id: 'fireeye',
  className: 'org.apache.metron.parsers.fireeye.BasicFireEyeParser',
  shortName: 'FireEye',
  aliases: ['BasicFireEyeParser'],
  description: 'Reads FireEye CMS fenotify syslog alerts into messages with CEF-derived fields and the syslog time, as Metron did.',
  configKeys: [],
  build: () => new FireEyeParser(),
};

export { FireEyeParser, cutAtLastPri, readFireEyeFields, fireEyeTimestamp } from './fireeye-parser.js';
