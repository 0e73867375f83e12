import type { ParserDefinition } from '../types.js';
import { WinlogbeatParser } from './winlogbeat-parser.js';

/** Windows events as Winlogbeat ships them (ECS 7.x/8.x shape, and the 6.x shape), unfolded with dots. */
export const winlogbeatParserDefinition: ParserDefinition = {
  id: 'winlogbeat',
  // Metron has no Winlogbeat parser class; this name only follows the pattern of its class names.
  className: 'metron.parsers.winlogbeat.WinlogbeatParser',
  shortName: 'Winlogbeat',
  aliases: ['WindowsEvent'],
  description: 'Reads Windows event log records shipped by Winlogbeat (ECS JSON, or the 6.x shape) into messages with objects unfolded and the 5-tuple from source/destination.',
  configKeys: [],
  build: () => new WinlogbeatParser(),
};

export { WinlogbeatParser } from './winlogbeat-parser.js';
