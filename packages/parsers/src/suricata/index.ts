import type { ParserDefinition } from '../types.js';
import { SuricataParser } from './suricata-parser.js';

/** Suricata EVE JSON, every event type, unfolded with dots and with Metron's 5-tuple names. */
export const suricataParserDefinition: ParserDefinition = {
  id: 'suricata',
  // Metron has no Suricata parser class; this name only follows the pattern of its class names.
  className: 'metron.parsers.suricata.SuricataParser',
  shortName: 'Suricata',
  aliases: ['SuricataEve', 'EVE'],
  description: 'Reads Suricata EVE JSON events (alert, flow, dns, http, tls, ...) into messages with nested objects unfolded, the 5-tuple and flow_id kept exact.',
  configKeys: [],
  build: () => new SuricataParser(),
};

export { SuricataParser } from './suricata-parser.js';
