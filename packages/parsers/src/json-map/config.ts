/** `parserConfig` of the JSONMap parser (Metron's JSONMapParser keys and defaults). */
import { ConfigError } from '@metron/core';
import { readBoolean, readEnum, readString } from '../util/config-values.js';
import { compileJsonPath, JsonPathSyntaxError, type CompiledPath } from './json-path.js';

/** What to do with a field whose value is a JSON object. */
export const MAP_STRATEGIES = ['DROP', 'UNFOLD', 'ALLOW', 'ERROR'] as const;
export type MapStrategy = (typeof MAP_STRATEGIES)[number];

export interface JsonMapConfig {
  /** DROP (default) removes nested objects; UNFOLD flattens them to dotted keys; ALLOW keeps them; ERROR fails the record. */
  readonly mapStrategy: MapStrategy;
  /** When set, each object the path selects becomes one message. */
  readonly jsonpQuery: CompiledPath | undefined;
  /** Wrap the record as `{ "<wrapEntityName>" : [ <record> ]}` before the query (for `{..},{..}` feeds). */
  readonly wrapInEntityArray: boolean;
  readonly wrapEntityName: string;
  /** Each message's original_string is its own object as JSON instead of the whole record. */
  readonly overrideOriginalString: boolean;
}

export const JSON_MAP_CONFIG_KEYS = ['mapStrategy', 'jsonpQuery', 'wrapInEntityArray', 'wrapEntityName', 'overrideOriginalString'] as const;

/** Reads and checks the JSONMap `parserConfig`; throws ConfigError. */
export function readJsonMapConfig(config: Record<string, unknown>, file: string): JsonMapConfig {
  const mapStrategy = readEnum(config, 'mapStrategy', MAP_STRATEGIES, 'DROP', file);
  const overrideOriginalString = readBoolean(config, 'overrideOriginalString', false, file);
  const query = readString(config, 'jsonpQuery', file);
  let jsonpQuery: CompiledPath | undefined;
  let wrapInEntityArray = false;
  let wrapEntityName = 'messages';
  // Metron reads the wrap settings only with a non-blank query.
  if (query !== undefined && query.trim() !== '') {
    try {
      jsonpQuery = compileJsonPath(query);
    } catch (err) {
      if (err instanceof JsonPathSyntaxError) throw new ConfigError(file, '$.parserConfig.jsonpQuery', `unsupported JSONPath ${JSON.stringify(query)}: ${err.message}`);
      throw err;
    }
    wrapInEntityArray = readBoolean(config, 'wrapInEntityArray', false, file);
    const name = readString(config, 'wrapEntityName', file);
    if (name !== undefined && name.trim() !== '') wrapEntityName = name;
  }
  return { mapStrategy, jsonpQuery, wrapInEntityArray, wrapEntityName, overrideOriginalString };
}
