import type { ParserDefinition } from '../types.js';
import { LancopeParser } from './lancope-parser.js';

/** Metron's Lancope parser: StealthWatch alarms in Logstash JSON. */
export const lancopeParserDefinition: ParserDefinition = {
  id: 'lancope',
  className: 'org.apache.metron.parsers.lancope.BasicLancopeParser',
  shortName: 'Lancope',
  aliases: ['BasicLancopeParser'],
  description: 'Reads Lancope StealthWatch alarms shipped as Logstash JSON, taking addresses and time from the syslog message.',
  configKeys: [],
  build: () => new LancopeParser(),
};

export { LancopeParser } from './lancope-parser.js';
