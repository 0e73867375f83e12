/**
 * Every parser type, in one explicit list. Adding a parser is one entry here; a sensor config
 * selects it by Metron class name (`org.apache.metron.parsers.json.JSONMapParser`), short name
 * (`JSONMap`) or alias, all case-insensitive.
 */
import { ConfigError } from '@metron/core';
import { asaParserDefinition } from './asa/index.js';
import { broParserDefinition } from './bro/index.js';
import { cefParserDefinition } from './cef/index.js';
import { csvParserDefinition } from './csv/index.js';
import { grokParserDefinition } from './grok/index.js';
import { jsonMapParserDefinition } from './json-map/index.js';
import { leefParserDefinition } from './leef/index.js';
import { regularExpressionsParserDefinition } from './regex/index.js';
import { snortParserDefinition } from './snort/index.js';
import { syslog3164ParserDefinition } from './syslog-3164/index.js';
import { syslog5424ParserDefinition } from './syslog-5424/index.js';
import { suricataParserDefinition } from './suricata/index.js';
import { winlogbeatParserDefinition } from './winlogbeat/index.js';
import { zeekParserDefinition } from './zeek/index.js';
import { paloAltoParserDefinition } from './paloalto/index.js';
import { fireEyeParserDefinition } from './fireeye/index.js';
import { iseParserDefinition } from './ise/index.js';
import { lancopeParserDefinition } from './lancope/index.js';
import { sourcefireParserDefinition } from './sourcefire/index.js';
import { logstashParserDefinition } from './logstash/index.js';
import { webSphereParserDefinition } from './websphere/index.js';
import type { ParserDefinition } from './types.js';

export const PARSER_DEFINITIONS: readonly ParserDefinition[] = [
  jsonMapParserDefinition,
  broParserDefinition,
  snortParserDefinition,
  syslog5424ParserDefinition,
  syslog3164ParserDefinition,
  cefParserDefinition,
  leefParserDefinition,
  csvParserDefinition,
  regularExpressionsParserDefinition,
  grokParserDefinition,
  asaParserDefinition,
  webSphereParserDefinition,
  zeekParserDefinition,
  suricataParserDefinition,
  winlogbeatParserDefinition,
  paloAltoParserDefinition,
  fireEyeParserDefinition,
  iseParserDefinition,
  lancopeParserDefinition,
  sourcefireParserDefinition,
  logstashParserDefinition,
];

const byName = new Map<string, ParserDefinition>();
for (const def of PARSER_DEFINITIONS) {
  for (const name of [def.className, def.shortName, def.id, ...def.aliases]) {
    const key = name.toLowerCase();
    const existing = byName.get(key);
    if (existing !== undefined && existing !== def) throw new Error(`parser name ${name} is used by ${existing.id} and ${def.id}`);
    byName.set(key, def);
  }
}

/** The parser selected by `name` (in `definitions`, by default the registry), or undefined. */
export function findParserDefinition(name: string, definitions?: readonly ParserDefinition[]): ParserDefinition | undefined {
  const key = name.trim().toLowerCase();
  if (definitions === undefined) return byName.get(key);
  return definitions.find((d) => [d.className, d.shortName, d.id, ...d.aliases].some((n) => n.toLowerCase() === key));
}

/** The parser selected by a sensor config's `parserClassName`; ConfigError naming `$.parserClassName` if none. */
export function getParserDefinition(name: unknown, file: string, definitions: readonly ParserDefinition[] = PARSER_DEFINITIONS): ParserDefinition {
  if (typeof name !== 'string' || name.trim() === '') {
    throw new ConfigError(file, '$.parserClassName', 'is required: the parser class name (e.g. org.apache.metron.parsers.json.JSONMapParser) or short name (e.g. JSONMap)');
  }
  const def = findParserDefinition(name, definitions === PARSER_DEFINITIONS ? undefined : definitions);
  if (def === undefined) {
    const known = definitions.map((d) => `${d.shortName} (${d.className})`).join(', ');
    throw new ConfigError(file, '$.parserClassName', `unknown parser ${JSON.stringify(name)}; known parsers: ${known}`);
  }
  return def;
}
