import type { ParserDefinition } from '../types.js';
import { readSnortConfig, SNORT_CONFIG_KEYS } from './config.js';
import { SnortParser } from './snort-parser.js';

/** Metron's Snort parser: Snort CSV alerts to messages with the 5-tuple and `is_alert`. */
export const snortParserDefinition: ParserDefinition = {
  id: 'snort',
  className: 'org.apache.metron.parsers.snort.BasicSnortParser',
  shortName: 'Snort',
  aliases: ['BasicSnortParser'],
  description: 'Reads Snort alerts in CSV output format (27 columns) into alert messages with the 5-tuple.',
  configKeys: SNORT_CONFIG_KEYS,
  build: (parserConfig, file) => new SnortParser(readSnortConfig(parserConfig, file)),
};

export { SnortParser, SNORT_FIELDS } from './snort-parser.js';
export { readSnortConfig, DEFAULT_SNORT_DATE_FORMAT, type SnortConfig } from './config.js';
