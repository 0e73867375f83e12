import type { ParserDefinition } from '../types.js';
import { readZeekConfig, ZEEK_CONFIG_KEYS } from './config.js';
import { ZeekParser } from './zeek-parser.js';

/** Zeek TSV and JSON logs, normalized onto the fields of Metron's Bro parser. */
export const zeekParserDefinition: ParserDefinition = {
  id: 'zeek',
  // Metron has no Zeek parser class; this name only follows the pattern of its class names.
  className: 'metron.parsers.zeek.ZeekParser',
  shortName: 'Zeek',
  aliases: ['ZeekParser'],
  description: 'Reads Zeek logs (TSV with #fields/#types headers, or JSON lines) into messages with the 5-tuple, protocol = log type and timestamp from ts.',
  configKeys: ZEEK_CONFIG_KEYS,
  build: (parserConfig, file) => new ZeekParser(readZeekConfig(parserConfig, file)),
};

export { ZeekParser } from './zeek-parser.js';
export { readZeekConfig, ZEEK_CONFIG_KEYS, ZEEK_FORMATS, type ZeekConfig, type ZeekFormat } from './config.js';
export { parseIsoInstant, isoToMillis, isoToEpochSeconds, type IsoInstant } from './iso-timestamp.js';
