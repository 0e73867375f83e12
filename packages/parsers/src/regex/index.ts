import type { ParserDefinition } from '../types.js';
import { readRegularExpressionsConfig, REGULAR_EXPRESSIONS_CONFIG_KEYS } from './config.js';
import { RegularExpressionsParser } from './regular-expressions-parser.js';

/** Metron's regular expressions parser: named groups of per-record-type regexes become fields. */
export const regularExpressionsParserDefinition: ParserDefinition = {
  id: 'regular_expressions',
  className: 'org.apache.metron.parsers.regex.RegularExpressionsParser',
  shortName: 'RegularExpressions',
  aliases: ['RegularExpressionsParser'],
  description: 'Reads unstructured lines with a record-type regex and per-type regexes whose named groups become fields.',
  configKeys: REGULAR_EXPRESSIONS_CONFIG_KEYS,
  build: (parserConfig, file) => new RegularExpressionsParser(readRegularExpressionsConfig(parserConfig, file)),
};

export { RegularExpressionsParser, camelToUnderscore } from './regular-expressions-parser.js';
export { readRegularExpressionsConfig, REGULAR_EXPRESSIONS_CONFIG_KEYS, type RegularExpressionsConfig } from './config.js';
