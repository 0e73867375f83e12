/**
 * A sensor's parser as the pipeline runs it: Metron's ParserRunnerImpl for one sensor. Per record:
 * strict UTF-8 decoding, the raw message strategy (DEFAULT: the record is the text; ENVELOPE: the
 * text is a field of a JSON record, see raw-message-strategy.ts), the parser, then per message the
 * metadata merge, `source.type`, field transformations, `guid` (if absent), `original_string` (if
 * absent), the message filter (`filterClassName`; dropped messages are neither output nor errors),
 * Metron's validation (`original_string` and `timestamp` present) and the global `fieldValidations`.
 * Every record ends as messages and/or errors; nothing throws past `parse`.
 */
import { ConfigError, errorMessage, Fields, type Message } from '@metron/core';
import { compileFieldTransformations, type FieldTransform } from './field-transformations.js';
import { compileFieldValidations, type MessageValidator } from './filters/field-validations.js';
import { compileMessageFilter, type MessageFilter } from './filters/message-filter.js';
import { addPrefixed, joinMetadata, readEnvelope, readMetadataSettings, type MetadataSettings, type RawMessageConfig } from './raw-message-strategy.js';
import { getParserDefinition } from './registry.js';
import type { MessageParser, ParserDefinition } from './types.js';
import { ShapeKeeper } from './util/fields.js';
import { decodeUtf8Strict } from './utf8.js';

/** The part of a Metron sensor parser config this package reads (the full schema lives in @metron/core). */
export interface ParserRunnerConfig extends RawMessageConfig {
  parserClassName: string;
  parserConfig?: Record<string, unknown>;
  fieldTransformations?: unknown[];
  filterClassName?: string | null;
}

export interface SensorParserOptions {
  /** Config file named in ConfigError messages; defaults to `parsers/<sensor>.json`. */
  file?: string;
  /** Records longer than this are errors without being parsed. Default 16 MiB. */
  maxRecordBytes?: number;
  /** Parser types to choose from; defaults to the registry (`PARSER_DEFINITIONS`). */
  definitions?: readonly ParserDefinition[];
  /** Metron's global config; its `fieldValidations` apply to every message. */
  global?: Record<string, unknown>;
  /** Global config file named in ConfigError messages; defaults to `global.json`. */
  globalFile?: string;
}

/** Per record: a deterministic guid source (so a re-delivered record gets the same guids) and the clock. */
export interface RecordContext {
  /** guid of the n-th message (0-based, in parser output order) of this record. */
  guid: (n: number) => string;
  /** Epoch ms for "now"; defaults to Date.now(). */
  now?: number;
  /**
   * What the transport knows of the record, unprefixed (Kafka `topic`, `partition`, `offset`, the
   * fields of a JSON Kafka key). Read only when the sensor's `readMetadata` is on; its keys then get
   * the `metadataPrefix` (default `metron.metadata.`).
   */
  metadata?: Readonly<Record<string, unknown>>;
}

/** Metron's error types for the parse stage: the record could not be parsed, or a message failed validation. */
export type ParseErrorType = 'PARSER_INVALID' | 'PARSER_ERROR';

export interface ParseError {
  reason: string;
  /** The whole raw record. */
  raw: Buffer;
  errorType: ParseErrorType;
  /** For PARSER_INVALID: the message that failed validation. */
  message?: Message;
  /** The record's metadata (prefixed keys) when the sensor reads metadata; Metron adds it to error records. */
  metadata?: Record<string, unknown>;
}

export interface SensorParseResult {
  messages: Message[];
  errors: ParseError[];
  /** Set when the record carries no event by design (a header line): why it produced nothing. */
  skipped?: string;
}

export interface SensorParser {
  readonly sensor: string;
  readonly definition: ParserDefinition;
  /**
   * Whether `RecordContext.metadata` is read (the sensor's `readMetadata`, by default on for
   * ENVELOPE): a caller can skip building metadata for sensors that ignore it.
   */
  readonly readsMetadata: boolean;
  parse(raw: Buffer, ctx: RecordContext): SensorParseResult;
}

const DEFAULT_MAX_RECORD_BYTES = 16 * 1024 * 1024;
const MAX_REASON_CHARS = 1000;
const NON_WHITESPACE = /\S/;

/** Builds the parser of one sensor from its parser config; throws ConfigError on a bad config. */
export function createSensorParser(sensor: string, config: ParserRunnerConfig, options: SensorParserOptions = {}): SensorParser {
  const file = options.file ?? `parsers/${sensor}.json`;
  const maxRecordBytes = options.maxRecordBytes ?? DEFAULT_MAX_RECORD_BYTES;
  if (typeof sensor !== 'string' || sensor === '') throw new ConfigError(file, '$', 'sensor name is required');
  const definition = getParserDefinition(config.parserClassName, file, options.definitions);
  const parserConfig = config.parserConfig ?? {};
  if (typeof parserConfig !== 'object' || parserConfig === null || Array.isArray(parserConfig)) {
    throw new ConfigError(file, '$.parserConfig', 'must be an object');
  }
  const filter = compileMessageFilter(config.filterClassName, parserConfig, file);
  const transform = compileFieldTransformations(config.fieldTransformations, file, parserConfig);
  const validator = compileFieldValidations(options.global?.['fieldValidations'], options.globalFile ?? 'global.json', options.global);
  const metadataSettings = readMetadataSettings(config, file);
  const parser = definition.build(parserConfig, file);
  return new SensorParserImpl(sensor, definition, parser, { transform, filter, validator }, maxRecordBytes, metadataSettings);
}

class SensorParserImpl implements SensorParser {
  constructor(
    readonly sensor: string,
    readonly definition: ParserDefinition,
    private readonly parser: MessageParser,
    private readonly steps: { transform?: FieldTransform | undefined; filter?: MessageFilter | undefined; validator?: MessageValidator | undefined },
    private readonly maxRecordBytes: number,
    private readonly metadataSettings: MetadataSettings,
  ) {
    this.envelope = metadataSettings.strategy === 'ENVELOPE';
    this.readsTransportMetadata = metadataSettings.strategy === 'DEFAULT' && metadataSettings.readMetadata;
    this.readsMetadata = metadataSettings.readMetadata;
  }

  readonly readsMetadata: boolean;

  /** ENVELOPE strategy: the record is a JSON object holding the text to parse. */
  private readonly envelope: boolean;
  /** DEFAULT strategy with readMetadata: the context's metadata is prefixed and joined. */
  private readonly readsTransportMetadata: boolean;

  /** Keeps the messages of this sensor in V8's fast object layout (see ShapeKeeper). */
  private readonly shapes = new ShapeKeeper();

  parse(raw: Buffer, ctx: RecordContext): SensorParseResult {
    // Metadata (prefixed keys) of this record; undefined unless the sensor reads metadata, so the
    // common path allocates nothing for it.
    let metadata: Record<string, unknown> | undefined;
    if (this.readsTransportMetadata && ctx.metadata !== undefined) metadata = addPrefixed({}, ctx.metadata, this.metadataSettings.keyPrefix);
    if (raw.length > this.maxRecordBytes) return failed(raw, metadata, `record is ${raw.length} bytes, over the limit of ${this.maxRecordBytes}`);
    const decoded = decodeUtf8Strict(raw);
    if (!decoded.ok) return failed(raw, metadata, `invalid UTF-8 at byte ${decoded.offset}`);
    let text = decoded.text;
    if (!hasNonWhitespace(text)) return failed(raw, metadata, raw.length === 0 ? 'empty record' : 'record holds only whitespace');
    if (this.envelope) {
      const read = readEnvelope(text, this.metadataSettings, ctx.metadata);
      metadata = read.metadata;
      if (!read.ok) return failed(raw, metadata, read.reason);
      text = read.text;
      if (!hasNonWhitespace(text)) {
        return failed(raw, metadata, `envelope field ${JSON.stringify(this.metadataSettings.messageField)} ${text === '' ? 'is empty' : 'holds only whitespace'}`);
      }
    }

    const now = ctx.now ?? Date.now();
    let parsed: Message[];
    try {
      const outcome = this.parser.parse(text, { now });
      if (!outcome.ok) return failed(raw, metadata, `${this.definition.shortName} parser: ${outcome.reason}`);
      if (outcome.messages.length === 0 && outcome.skip !== undefined) return { messages: [], errors: [], skipped: outcome.skip };
      parsed = outcome.messages;
    } catch (err) {
      return failed(raw, metadata, `${this.definition.shortName} parser failed: ${errorMessage(err)}`);
    }
    if (parsed.length === 0) return failed(raw, metadata, `${this.definition.shortName} parser returned no message`);

    const messages: Message[] = [];
    const errors: ParseError[] = [];
    const { transform, filter, validator } = this.steps;
    // Metadata not merged into the message is still visible to Stellar transformations.
    const transformMetadata = metadata !== undefined && !this.metadataSettings.mergeMetadata ? metadata : undefined;
    for (let i = 0; i < parsed.length; i++) {
      const message = parsed[i]!;
      try {
        if (metadata !== undefined) joinMetadata(message, metadata, this.metadataSettings);
        message[Fields.SENSOR_TYPE] = this.sensor;
        if (transform !== undefined) transform(message, now, transformMetadata);
        if (message[Fields.GUID] === undefined) message[Fields.GUID] = ctx.guid(i);
        if (message[Fields.ORIGINAL] === undefined) message[Fields.ORIGINAL] = text;
        if (filter !== undefined && !filter(message, now)) continue;
        const invalid = validate(message) ?? validator?.(message, now);
        if (invalid === undefined) {
          this.shapes.observe(message);
          messages.push(message);
        } else {
          errors.push(withMetadata({ reason: invalid, raw, errorType: 'PARSER_INVALID', message }, metadata));
        }
      } catch (err) {
        errors.push(withMetadata({ reason: clip(`message ${i}: ${errorMessage(err)}`), raw, errorType: 'PARSER_ERROR', message }, metadata));
      }
    }
    return { messages, errors };
  }
}

/** The result of a record that failed as a whole: one PARSER_ERROR, no message. */
function failed(raw: Buffer, metadata: Record<string, unknown> | undefined, reason: string): SensorParseResult {
  const error: ParseError = metadata === undefined ? { reason: clip(reason), raw, errorType: 'PARSER_ERROR' } : { reason: clip(reason), raw, errorType: 'PARSER_ERROR', metadata };
  return { messages: [], errors: [error] };
}

/** /\S/.test(text), answered without the regex when the text starts with printable ASCII (a record nearly always does). */
function hasNonWhitespace(text: string): boolean {
  const first = text.charCodeAt(0);
  return (first > 0x20 && first < 0x7f) || NON_WHITESPACE.test(text);
}

/**
 * Metron's BasicParser.validate (original_string and timestamp present), plus: timestamp must be
 * epoch ms. A numeric string is converted, a fraction truncated; anything else makes the message
 * invalid here rather than failing later at the index.
 */
function validate(message: Message): string | undefined {
  if (message[Fields.ORIGINAL] === undefined) return 'message has no original_string';
  const ts = message[Fields.TIMESTAMP];
  if (ts === undefined) return 'message has no timestamp';
  if (typeof ts === 'number' && Number.isFinite(ts)) {
    if (!Number.isInteger(ts)) message[Fields.TIMESTAMP] = Math.trunc(ts);
    return undefined;
  }
  if (typeof ts === 'string' && ts.trim() !== '' && Number.isFinite(Number(ts))) {
    message[Fields.TIMESTAMP] = Math.trunc(Number(ts));
    return undefined;
  }
  return `timestamp ${clip(JSON.stringify(ts), 100)} is not epoch milliseconds`;
}

function withMetadata(error: ParseError, metadata: Record<string, unknown> | undefined): ParseError {
  if (metadata !== undefined) error.metadata = metadata;
  return error;
}

function clip(text: string, max = MAX_REASON_CHARS): string {
  return text.length <= max ? text : `${text.slice(0, max)}…`;
}
