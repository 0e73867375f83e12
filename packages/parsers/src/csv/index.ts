import type { ParserDefinition } from '../types.js';
import { CSV_CONFIG_KEYS, readCsvConfig } from './config.js';
import { CsvParser } from './csv-parser.js';

/** Metron's CSV parser: delimited lines to messages with the configured columns. */
export const csvParserDefinition: ParserDefinition = {
  id: 'csv',
  className: 'org.apache.metron.parsers.csv.CSVParser',
  shortName: 'CSV',
  aliases: ['CSVParser'],
  description: 'Reads delimited lines (quoted as opencsv) into messages holding the configured columns.',
  configKeys: CSV_CONFIG_KEYS,
  build: (parserConfig, file) => new CsvParser(readCsvConfig(parserConfig, file)),
};

export { CsvParser } from './csv-parser.js';
export { readCsvConfig, CSV_CONFIG_KEYS, type CsvConfig } from './config.js';
