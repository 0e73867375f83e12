import type { ParserDefinition } from '../types.js';
import { LogstashParser } from './logstash-parser.js';

/** Metron's Logstash parser: Logstash JSON events with Metron's 5-tuple names. */
export const logstashParserDefinition: ParserDefinition = {
  id: 'logstash',
  className: 'org.apache.metron.parsers.logstash.BasicLogstashParser',
  shortName: 'Logstash',
  aliases: ['BasicLogstashParser'],
  description: 'Reads Logstash JSON events: drops Logstash metadata, renames message and src/dst fields to Metron names, converts @timestamp.',
  configKeys: [],
  build: () => new LogstashParser(),
};

export { LogstashParser } from './logstash-parser.js';
