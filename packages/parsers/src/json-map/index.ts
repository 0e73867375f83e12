import type { ParserDefinition } from '../types.js';
import { JSON_MAP_CONFIG_KEYS, readJsonMapConfig } from './config.js';
import { JsonMapParser } from './json-map-parser.js';

/** Metron's JSONMap parser: JSON objects to flat messages, optionally split by a JSONPath query. */
export const jsonMapParserDefinition: ParserDefinition = {
  id: 'json_map',
  className: 'org.apache.metron.parsers.json.JSONMapParser',
  shortName: 'JSONMap',
  aliases: ['JSONMapParser'],
  description: 'Reads one JSON object per record (or each object a jsonpQuery selects) as a flat message.',
  configKeys: JSON_MAP_CONFIG_KEYS,
  build: (parserConfig, file) => new JsonMapParser(readJsonMapConfig(parserConfig, file)),
};

export { JsonMapParser } from './json-map-parser.js';
export { readJsonMapConfig, MAP_STRATEGIES, type JsonMapConfig, type MapStrategy } from './config.js';
export { compileJsonPath, evaluateJsonPath, JsonPathSyntaxError, type CompiledPath, type PathSegment } from './json-path.js';
