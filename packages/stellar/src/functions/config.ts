/**
 * Configuration management functions (Metron's ConfigurationFunctions, EnrichmentConfigFunctions,
 * IndexingConfigFunctions, ParserConfigFunctions, ParserFunctions): thin adapters over the
 * config module ('config': the configuration store and config editing) and the parser module
 * ('parser': running a sensor parser from the REPL). Sensor configs travel as JSON strings.
 */
import type { StellarValue } from '../values.js';
import { StellarFunctionError } from './types.js';
import type { FunctionContext, StellarFunction } from './types.js';
import {
  integerArg,
  mapArg,
  optionalBooleanArg,
  optionalIntegerArg,
  optionalStringArg,
  requireService,
  stringArg,
} from './service-adapter.js';

export type ConfigType = 'GLOBAL' | 'PARSER' | 'ENRICHMENT' | 'INDEXING' | 'PROFILER';
export type EnrichmentTransformType = 'ENRICHMENT' | 'THREAT_INTEL';

/** What the config module installs under the service name 'config'. */
export interface ConfigService {
  /** The stored config (JSON), a minimal empty one when absent and asked for, else null. */
  get(type: ConfigType, sensor: string | undefined, emptyIfNotPresent: boolean): string | null;
  /** Stores a config (JSON); fails with a message when it is invalid. */
  put(type: ConfigType, config: string, sensor: string | undefined): void;

  /** Enrichment config (JSON) with Stellar transformations added to a group (or the default one). */
  enrichmentTransformAdd(sensorConfig: string | null, type: EnrichmentTransformType, transforms: Map<StellarValue, StellarValue>, group?: string): string;
  /** A table of an enrichment config's Stellar transformations. */
  enrichmentTransformPrint(sensorConfig: string | null, type: EnrichmentTransformType): string;
  /** Enrichment config (JSON) without the listed fields' Stellar transformations. */
  enrichmentTransformRemove(sensorConfig: string | null, type: EnrichmentTransformType, fields: string[], group?: string): string;

  /** Parser config (JSON) with Stellar field transformations added. */
  parserTransformAdd(sensorConfig: string | null, transforms: Map<StellarValue, StellarValue>): string;
  /** A table of a parser config's Stellar field transformations. */
  parserTransformPrint(sensorConfig: string | null): string;
  /** Parser config (JSON) without the listed fields' Stellar transformations. */
  parserTransformRemove(sensorConfig: string | null, fields: string[]): string;

  /** Indexing config (JSON) with a writer's batch size and timeout (seconds, 0 = default) set. */
  indexingSetBatch(sensorConfig: string | null, writer: string, size: number, timeout: number): string;
  /** Indexing config (JSON) with a writer enabled or disabled. */
  indexingSetEnabled(sensorConfig: string | null, writer: string, enabled: boolean): string;
  /** Indexing config (JSON) with a writer's index name set. */
  indexingSetIndex(sensorConfig: string | null, writer: string, index: string): string;
}

/** A sensor parser created by PARSER_INIT, owned by the parser module (opaque to Stellar). */
export type ParserRef = object;

/** What the parser module installs under the service name 'parser'. */
export interface ParserService {
  /** A parser for a sensor, from the given config (JSON or map) or else the stored one. */
  create(sensorType: string, config: string | Map<StellarValue, StellarValue> | undefined): ParserRef;
  isParser(value: unknown): value is ParserRef;
  /** Parses raw messages; one map per resulting message, errors as error messages. */
  parse(parser: ParserRef, input: string[]): Map<StellarValue, StellarValue>[];
  /** The parser's configuration (JSON). */
  config(parser: ParserRef): string;
}

const CONFIG_TYPES: readonly ConfigType[] = ['GLOBAL', 'PARSER', 'ENRICHMENT', 'INDEXING', 'PROFILER'];

function configService(ctx: FunctionContext, fn: string): ConfigService {
  return requireService<ConfigService>(ctx, fn, 'config');
}

function configTypeArg(fn: string, args: readonly StellarValue[], i: number): ConfigType {
  const t = stringArg(fn, args, i, 'type').toUpperCase();
  const found = CONFIG_TYPES.find((c) => c === t);
  if (found === undefined) throw new StellarFunctionError(`${fn}: type must be one of ${CONFIG_TYPES.join(', ')}`);
  return found;
}

/** Sensor types that have one config per sensor, so need a sensor name. */
function needsSensor(type: ConfigType): boolean {
  return type === 'PARSER' || type === 'ENRICHMENT' || type === 'INDEXING';
}

function sensorConfigArg(fn: string, args: readonly StellarValue[]): string | null {
  return optionalStringArg(fn, args, 0, 'sensorConfig') ?? null;
}

function transformTypeArg(fn: string, args: readonly StellarValue[], i: number): EnrichmentTransformType {
  const t = stringArg(fn, args, i, 'type').toUpperCase();
  if (t !== 'ENRICHMENT' && t !== 'THREAT_INTEL') throw new StellarFunctionError(`${fn}: type must be ENRICHMENT or THREAT_INTEL`);
  return t;
}

function fieldsArg(fn: string, args: readonly StellarValue[], i: number): string[] {
  const v = args[i];
  const list = Array.isArray(v) ? v : typeof v === 'string' ? [v] : null;
  if (list === null || !list.every((x): x is string => typeof x === 'string')) {
    throw new StellarFunctionError(`${fn}: the transformations to remove must be a list of field names`);
  }
  return list;
}

function parserArg(fn: string, parsers: ParserService, v: StellarValue | undefined): ParserRef {
  if (!parsers.isParser(v)) throw new StellarFunctionError(`${fn}: parser must be a parser from PARSER_INIT`);
  return v;
}

const SENSOR_CONFIG = 'sensorConfig - The sensor config (JSON) to change';
const ENRICH_TYPE = 'type - ENRICHMENT or THREAT_INTEL';
const WRITER = 'writer - The writer to change (e.g. elasticsearch, solr, hdfs)';

export const functions: StellarFunction[] = [
  {
    name: 'CONFIG_GET',
    namespace: 'CONFIG',
    description: 'Reads a Metron configuration from the configuration store.',
    params: [
      'type - One of GLOBAL, PARSER, ENRICHMENT, INDEXING, PROFILER',
      'sensor - (optional) The sensor; needed for PARSER, ENRICHMENT and INDEXING',
      'emptyIfNotPresent - (optional) For sensor configs, return a minimal empty config when none is stored; true by default',
    ],
    returns: 'The configuration as JSON, or null.',
    requires: 'config',
    call(args, ctx) {
      const type = configTypeArg('CONFIG_GET', args, 0);
      // as Metron: GLOBAL and PROFILER take no further arguments (extra ones are ignored)
      if (!needsSensor(type)) return configService(ctx, 'CONFIG_GET').get(type, undefined, true);
      const sensor = stringArg('CONFIG_GET', args, 1, 'sensor');
      const emptyIfNotPresent = optionalBooleanArg('CONFIG_GET', args, 2, 'emptyIfNotPresent') ?? true;
      return configService(ctx, 'CONFIG_GET').get(type, sensor, emptyIfNotPresent);
    },
  },
  {
    name: 'CONFIG_PUT',
    namespace: 'CONFIG',
    description: 'Stores a Metron configuration in the configuration store.',
    params: [
      'type - One of GLOBAL, PARSER, ENRICHMENT, INDEXING, PROFILER',
      'config - The configuration as JSON',
      'sensor - (optional) The sensor; needed for PARSER, ENRICHMENT and INDEXING',
    ],
    returns: 'Nothing (null).',
    requires: 'config',
    call(args, ctx) {
      const type = configTypeArg('CONFIG_PUT', args, 0);
      // as Metron: a null config, or a null sensor where one is needed, writes nothing
      const config = optionalStringArg('CONFIG_PUT', args, 1, 'config');
      if (config === undefined) return null;
      const sensor = needsSensor(type) ? optionalStringArg('CONFIG_PUT', args, 2, 'sensor') : undefined;
      if (needsSensor(type) && sensor === undefined) return null;
      configService(ctx, 'CONFIG_PUT').put(type, config, sensor);
      return null;
    },
  },
  {
    name: 'ENRICHMENT_STELLAR_TRANSFORM_ADD',
    namespace: 'ENRICHMENT_STELLAR_TRANSFORM',
    description: 'Adds Stellar enrichment or threat intel transformations to a sensor enrichment config.',
    params: [SENSOR_CONFIG, ENRICH_TYPE, 'stellarTransforms - Map of field to Stellar expression', 'group - (optional) The group to add them to'],
    returns: 'The changed config (JSON).',
    requires: 'config',
    call(args, ctx) {
      const fn = 'ENRICHMENT_STELLAR_TRANSFORM_ADD';
      const group = optionalStringArg(fn, args, 3, 'group');
      return configService(ctx, fn).enrichmentTransformAdd(sensorConfigArg(fn, args), transformTypeArg(fn, args, 1), mapArg(fn, args, 2, 'stellarTransforms'), group);
    },
  },
  {
    name: 'ENRICHMENT_STELLAR_TRANSFORM_PRINT',
    namespace: 'ENRICHMENT_STELLAR_TRANSFORM',
    description: 'Shows the Stellar enrichment or threat intel transformations of a sensor enrichment config as a table.',
    params: ['sensorConfig - The sensor enrichment config (JSON)', ENRICH_TYPE],
    returns: 'The transformations as a table.',
    requires: 'config',
    call(args, ctx) {
      const fn = 'ENRICHMENT_STELLAR_TRANSFORM_PRINT';
      return configService(ctx, fn).enrichmentTransformPrint(sensorConfigArg(fn, args), transformTypeArg(fn, args, 1));
    },
  },
  {
    name: 'ENRICHMENT_STELLAR_TRANSFORM_REMOVE',
    namespace: 'ENRICHMENT_STELLAR_TRANSFORM',
    description: 'Removes Stellar enrichment or threat intel transformations from a sensor enrichment config.',
    params: [SENSOR_CONFIG, ENRICH_TYPE, 'stellarTransforms - List of the fields whose transformation to remove', 'group - (optional) The group to remove them from'],
    returns: 'The changed config (JSON).',
    requires: 'config',
    call(args, ctx) {
      const fn = 'ENRICHMENT_STELLAR_TRANSFORM_REMOVE';
      const group = optionalStringArg(fn, args, 3, 'group');
      return configService(ctx, fn).enrichmentTransformRemove(sensorConfigArg(fn, args), transformTypeArg(fn, args, 1), fieldsArg(fn, args, 2), group);
    },
  },
  {
    name: 'PARSER_STELLAR_TRANSFORM_ADD',
    namespace: 'PARSER_STELLAR_TRANSFORM',
    description: 'Adds Stellar field transformations to a sensor parser config.',
    params: [SENSOR_CONFIG, 'stellarTransforms - Map of field to Stellar expression'],
    returns: 'The changed config (JSON).',
    requires: 'config',
    call(args, ctx) {
      const fn = 'PARSER_STELLAR_TRANSFORM_ADD';
      return configService(ctx, fn).parserTransformAdd(sensorConfigArg(fn, args), mapArg(fn, args, 1, 'stellarTransforms'));
    },
  },
  {
    name: 'PARSER_STELLAR_TRANSFORM_PRINT',
    namespace: 'PARSER_STELLAR_TRANSFORM',
    description: 'Shows the Stellar field transformations of a sensor parser config as a table.',
    params: ['sensorConfig - The sensor parser config (JSON)'],
    returns: 'The transformations as a table.',
    requires: 'config',
    call(args, ctx) {
      const fn = 'PARSER_STELLAR_TRANSFORM_PRINT';
      return configService(ctx, fn).parserTransformPrint(sensorConfigArg(fn, args));
    },
  },
  {
    name: 'PARSER_STELLAR_TRANSFORM_REMOVE',
    namespace: 'PARSER_STELLAR_TRANSFORM',
    description: 'Removes Stellar field transformations from a sensor parser config.',
    params: [SENSOR_CONFIG, 'stellarTransforms - List of the fields whose transformation to remove'],
    returns: 'The changed config (JSON).',
    requires: 'config',
    call(args, ctx) {
      const fn = 'PARSER_STELLAR_TRANSFORM_REMOVE';
      return configService(ctx, fn).parserTransformRemove(sensorConfigArg(fn, args), fieldsArg(fn, args, 1));
    },
  },
  {
    name: 'INDEXING_SET_BATCH',
    namespace: 'INDEXING',
    description: 'Sets the batch size and batch timeout of an indexing writer.',
    params: [SENSOR_CONFIG, WRITER, 'size - Batch size; 1 disables batching', 'timeout - (optional) Batch timeout in seconds; 0 (system default) by default'],
    returns: 'The changed config (JSON).',
    requires: 'config',
    call(args, ctx) {
      const fn = 'INDEXING_SET_BATCH';
      const writer = stringArg(fn, args, 1, 'writer');
      const size = integerArg(fn, args, 2, 'size');
      const timeout = optionalIntegerArg(fn, args, 3, 'timeout') ?? 0;
      if (size < 1) throw new StellarFunctionError(`${fn}: size must be at least 1`);
      if (timeout < 0) throw new StellarFunctionError(`${fn}: timeout must not be negative`);
      return configService(ctx, fn).indexingSetBatch(sensorConfigArg(fn, args), writer, size, timeout);
    },
  },
  {
    name: 'INDEXING_SET_ENABLED',
    namespace: 'INDEXING',
    description: 'Enables or disables an indexing writer for a sensor.',
    params: [SENSOR_CONFIG, WRITER, 'enabled - (optional) Whether the writer is enabled; true by default'],
    returns: 'The changed config (JSON).',
    requires: 'config',
    call(args, ctx) {
      const fn = 'INDEXING_SET_ENABLED';
      const writer = stringArg(fn, args, 1, 'writer');
      const enabled = optionalBooleanArg(fn, args, 2, 'enabled') ?? true;
      return configService(ctx, fn).indexingSetEnabled(sensorConfigArg(fn, args), writer, enabled);
    },
  },
  {
    name: 'INDEXING_SET_INDEX',
    namespace: 'INDEXING',
    description: 'Sets the index an indexing writer writes a sensor to.',
    params: [SENSOR_CONFIG, WRITER, 'sensor - The index name'],
    returns: 'The changed config (JSON).',
    requires: 'config',
    call(args, ctx) {
      const fn = 'INDEXING_SET_INDEX';
      const writer = stringArg(fn, args, 1, 'writer');
      const index = stringArg(fn, args, 2, 'sensor');
      return configService(ctx, fn).indexingSetIndex(sensorConfigArg(fn, args), writer, index);
    },
  },
  {
    name: 'PARSER_INIT',
    namespace: 'PARSER',
    description: "Creates a parser for a sensor's raw telemetry, from a given config or the stored one.",
    params: ['sensorType - The sensor type', 'config - (optional) The parser config (JSON or map); the stored one by default'],
    returns: 'A parser to use with PARSER_PARSE.',
    requires: 'parser',
    call(args, ctx) {
      const sensorType = stringArg('PARSER_INIT', args, 0, 'sensorType');
      const config = args[1];
      if (config !== undefined && config !== null && typeof config !== 'string' && !(config instanceof Map)) {
        throw new StellarFunctionError('PARSER_INIT: config must be a JSON string or a map');
      }
      return requireService<ParserService>(ctx, 'PARSER_INIT', 'parser').create(sensorType, config ?? undefined);
    },
  },
  {
    name: 'PARSER_PARSE',
    namespace: 'PARSER',
    description: 'Parses one or more raw telemetry messages with a parser from PARSER_INIT.',
    params: ['parser - A parser from PARSER_INIT', 'input - A raw message or a list of raw messages'],
    returns: 'The parsed messages; a message that fails to parse gives an error message in the list.',
    requires: 'parser',
    call(args, ctx) {
      const parsers = requireService<ParserService>(ctx, 'PARSER_PARSE', 'parser');
      const parser = parserArg('PARSER_PARSE', parsers, args[0]);
      const input = args[1];
      const list = Array.isArray(input) ? input : [input];
      const raw = list.map((m) => {
        if (typeof m !== 'string') throw new StellarFunctionError('PARSER_PARSE: input must be a string or a list of strings');
        return m;
      });
      return parsers.parse(parser, raw);
    },
  },
  {
    name: 'PARSER_CONFIG',
    namespace: 'PARSER',
    description: 'Shows the configuration of a parser from PARSER_INIT.',
    params: ['parser - A parser from PARSER_INIT'],
    returns: 'The parser configuration (JSON).',
    requires: 'parser',
    call(args, ctx) {
      const parsers = requireService<ParserService>(ctx, 'PARSER_CONFIG', 'parser');
      return parsers.config(parserArg('PARSER_CONFIG', parsers, args[0]));
    },
  },
];
