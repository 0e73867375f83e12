/**
 * Metron's raw message strategies and parser metadata (metron-parsing README, "Metadata"; Metron's
 * RawMessageStrategies, MetadataUtil and ParserChaining.md): what of a record is the text to parse
 * and what is metadata, how metadata keys are named, and how metadata joins each parsed message.
 *
 * - `DEFAULT`: the record is the text; metadata is what the transport knows (Kafka topic,
 *   partition, offset, the fields of a JSON Kafka key), given per record as `RecordContext.metadata`.
 *   Read only when `readMetadata`; merged only when `mergeMetadata` (both default false), and then
 *   it overwrites message fields of the same name.
 * - `ENVELOPE`: the record is a JSON object, typically another sensor's output (parser chaining).
 *   Its `messageField` holds the text to parse; its other fields are metadata, beside the transport
 *   metadata. `readMetadata` and `mergeMetadata` default to true; merged metadata never overwrites a
 *   field the parser produced, but the envelope's `original_string` replaces the message's, so the
 *   original string stays the outermost record's.
 *
 * Metadata keys carry `metadataPrefix` (from `rawMessageStrategyConfig`, default `metron.metadata`)
 * and a dot; an empty or null prefix means none. Metadata that is read but not merged is visible to
 * Stellar field transformations as variables (after the message and `parserConfig`).
 */
import { ConfigError, Fields } from '@metron/core';
import { isJsonObject, setField } from './util/fields.js';

export const RAW_MESSAGE_STRATEGIES = ['DEFAULT', 'ENVELOPE'] as const;
export type RawMessageStrategyName = (typeof RAW_MESSAGE_STRATEGIES)[number];

/** Metron's default key prefix (MetadataUtil.METADATA_PREFIX). */
export const DEFAULT_METADATA_PREFIX = 'metron.metadata';

/** The sensor parser config keys this module reads (their schema is SensorParserConfigSchema in @metron/core). */
export interface RawMessageConfig {
  readMetadata?: boolean | string | null | undefined;
  mergeMetadata?: boolean | string | null | undefined;
  rawMessageStrategy?: string | null | undefined;
  rawMessageStrategyConfig?: Record<string, unknown> | null | undefined;
}

/** The settings in effect, with the strategy's defaults applied. */
export interface MetadataSettings {
  readonly strategy: RawMessageStrategyName;
  readonly readMetadata: boolean;
  readonly mergeMetadata: boolean;
  /** Key prefix including its trailing dot; '' when keys are not prefixed. */
  readonly keyPrefix: string;
  /** ENVELOPE only: the envelope field holding the text to parse. */
  readonly messageField: string | undefined;
  /** ENVELOPE only: the metadata key under which the envelope's `original_string` is found. */
  readonly originalStringKey: string;
}

/** Reads and checks the metadata settings of a sensor parser config; throws ConfigError naming the key. */
export function readMetadataSettings(config: RawMessageConfig, file: string): MetadataSettings {
  const strategyValue = config.rawMessageStrategy ?? 'DEFAULT';
  const strategy = RAW_MESSAGE_STRATEGIES.find((s) => s === strategyValue);
  if (strategy === undefined) {
    throw new ConfigError(file, '$.rawMessageStrategy', `must be one of ${RAW_MESSAGE_STRATEGIES.join(', ')}, got ${JSON.stringify(strategyValue)}`);
  }
  const strategyConfig = config.rawMessageStrategyConfig ?? {};
  if (!isJsonObject(strategyConfig)) throw new ConfigError(file, '$.rawMessageStrategyConfig', 'must be an object');
  const prefix = strategyConfig['metadataPrefix'] === undefined ? DEFAULT_METADATA_PREFIX : strategyConfig['metadataPrefix'];
  if (prefix !== null && typeof prefix !== 'string') {
    throw new ConfigError(file, '$.rawMessageStrategyConfig.metadataPrefix', `must be a string, got ${JSON.stringify(prefix)}`);
  }
  const keyPrefix = prefix === null || prefix === '' ? '' : `${prefix}.`;
  let messageField: string | undefined;
  if (strategy === 'ENVELOPE') {
    const field = strategyConfig['messageField'];
    if (typeof field !== 'string' || field === '') {
      throw new ConfigError(file, '$.rawMessageStrategyConfig.messageField', 'is required with rawMessageStrategy ENVELOPE: the envelope field holding the text to parse');
    }
    messageField = field;
  }
  const envelope = strategy === 'ENVELOPE';
  return {
    strategy,
    readMetadata: readFlag(config.readMetadata, '$.readMetadata', envelope, file),
    mergeMetadata: readFlag(config.mergeMetadata, '$.mergeMetadata', envelope, file),
    keyPrefix,
    messageField,
    originalStringKey: keyPrefix + Fields.ORIGINAL,
  };
}

/** Java Boolean as Jackson binds it: a JSON boolean, or the text true / false. */
function readFlag(value: unknown, path: string, fallback: boolean, file: string): boolean {
  if (value === undefined || value === null) return fallback;
  if (typeof value === 'boolean') return value;
  if (typeof value === 'string') {
    const text = value.trim().toLowerCase();
    if (text === 'true') return true;
    if (text === 'false') return false;
  }
  throw new ConfigError(file, path, `must be true or false, got ${JSON.stringify(value)}`);
}

/** Copies `source` into `into` with every key prefixed. */
export function addPrefixed(into: Record<string, unknown>, source: Readonly<Record<string, unknown>>, keyPrefix: string): Record<string, unknown> {
  for (const key of Object.keys(source)) {
    const value = source[key];
    if (value !== undefined) setField(into, keyPrefix + key, value);
  }
  return into;
}

/** The text to parse and the metadata of an enveloped record, or why there is none. */
export type EnvelopeRead =
  | { ok: true; text: string; metadata: Record<string, unknown> | undefined }
  | { ok: false; reason: string; metadata: Record<string, unknown> | undefined };

/**
 * ENVELOPE: reads the JSON object `envelopeText`; its `messageField` (a string) is the text to
 * parse. With readMetadata, the metadata is the transport metadata plus every other envelope field
 * (an envelope field wins on a clash), all prefixed; without, there is none.
 */
export function readEnvelope(envelopeText: string, settings: MetadataSettings, transport: Readonly<Record<string, unknown>> | undefined): EnvelopeRead {
  const field = settings.messageField!;
  const metadata = settings.readMetadata && transport !== undefined ? addPrefixed({}, transport, settings.keyPrefix) : undefined;
  let envelope: unknown;
  try {
    envelope = JSON.parse(envelopeText);
  } catch (err) {
    return { ok: false, reason: `envelope is not JSON: ${(err as Error).message}`, metadata };
  }
  if (!isJsonObject(envelope)) return { ok: false, reason: 'envelope is not a JSON object', metadata };
  const text = Object.hasOwn(envelope, field) ? envelope[field] : undefined;
  if (text === undefined || text === null) return { ok: false, reason: `envelope has no field ${JSON.stringify(field)}`, metadata };
  if (typeof text !== 'string') return { ok: false, reason: `envelope field ${JSON.stringify(field)} is not a string`, metadata };
  if (!settings.readMetadata) return { ok: true, text, metadata: undefined };
  const all = metadata ?? {};
  for (const key of Object.keys(envelope)) {
    if (key !== field) setField(all, settings.keyPrefix + key, envelope[key]);
  }
  return { ok: true, text, metadata: all };
}

/**
 * Joins metadata to one parsed message, before any other step (as Metron's ParserRunnerImpl).
 * DEFAULT: with mergeMetadata, every metadata field is set (overwriting). ENVELOPE: with
 * mergeMetadata, metadata fills only fields the message lacks (absent or null); in any case the
 * envelope's `original_string`, when there is one, becomes the message's.
 */
export function joinMetadata(message: Record<string, unknown>, metadata: Readonly<Record<string, unknown>>, settings: MetadataSettings): void {
  if (settings.strategy === 'DEFAULT') {
    if (settings.mergeMetadata) addPrefixed(message, metadata, '');
    return;
  }
  if (settings.mergeMetadata) {
    for (const key of Object.keys(metadata)) {
      const present = Object.hasOwn(message, key) ? message[key] : undefined;
      if (present === undefined || present === null) setField(message, key, metadata[key]);
    }
  }
  const original = Object.hasOwn(metadata, settings.originalStringKey) ? metadata[settings.originalStringKey] : undefined;
  if (original !== undefined && original !== null) {
    if (typeof original !== 'string') throw new Error(`envelope ${settings.originalStringKey} is not a string`);
    message[Fields.ORIGINAL] = original;
  }
}
