import type { ParserDefinition } from '../types.js';
import { PaloAltoParser } from './palo-alto-parser.js';

/** Metron's Palo Alto firewall parser: PAN-OS CSV logs (TRAFFIC, THREAT, CONFIG, SYSTEM; PAN-OS 6.0-8.0). */
export const paloAltoParserDefinition: ParserDefinition = {
  id: 'palo_alto',
  className: 'org.apache.metron.parsers.paloalto.BasicPaloAltoFirewallParser',
  shortName: 'PaloAlto',
  aliases: ['BasicPaloAltoFirewallParser'],
  description: 'Reads PAN-OS CSV syslog (TRAFFIC, THREAT, CONFIG, SYSTEM; PAN-OS 6.0 to 8.0) into messages with the 5-tuple, field names per log type and version.',
  configKeys: [],
  build: () => new PaloAltoParser(),
};

export { PaloAltoParser, splitPanOsFields } from './palo-alto-parser.js';
export { javaUrlHost } from './java-url.js';
