import type { Message } from '@metron/core';
import { createSensorParser, type ParserRunnerConfig } from '@metron/parsers';
import { StringifiedFields, type FieldState } from '@metron/storage';
import { recordGuid } from './guid.js';
import { JsonOutput } from './json-output.js';

/**
 * The parse step on a batch of raw records, shared by the inline path and the worker threads:
 * parse, stamp deterministic guids, serialize. Output travels as one buffer of JSON messages plus
 * their byte lengths, so handing it between threads copies nothing per message.
 */

export interface ParseBatchInput {
  sensor: string;
  topic: string;
  partition: number[];
  /** The topic's epoch (one for the batch), or each record's. */
  epoch: string | string[];
  /** Offsets as decimal strings (bigint does not cross postMessage cheaply), or as numbers. */
  offset: string[] | Float64Array;
  /** All raw values back to back, with each value's length. */
  values: Uint8Array;
  lengths: Uint32Array;
  now: number;
  /**
   * Set for sensors that read metadata (`readMetadata`, or the ENVELOPE strategy): each record's
   * key as UTF-8 text (null without one). Its presence turns on the per-record metadata `topic`,
   * `partition`, `offset` and the fields of a JSON object key, as Metron reads them from Kafka.
   */
  keys?: Array<string | null>;
}

export interface ParseBatchError {
  /** Index of the raw record in the batch. */
  record: number;
  reason: string;
  errorType: 'PARSER_INVALID' | 'PARSER_ERROR';
  /** Offset of the failing raw bytes in `values` and their length (a parser may narrow them). */
  raw?: Uint8Array;
  /** The record's metadata when the sensor reads it (Metron puts it on error records). */
  metadata?: Record<string, unknown>;
}

export interface ParseBatchOutput {
  /** JSON messages back to back, and each one's byte length. */
  messages: Uint8Array;
  lengths: Uint32Array;
  /** Per message: the index of the raw record it was parsed from. */
  sources: Uint32Array;
  parsed: number;
  invalid: number;
  failed: number;
  filtered: number;
  /** Records that carry no event by design (header lines). */
  skipped: number;
  errors: ParseBatchError[];
  /**
   * The fields of `messages` as the search index types them, when every message has the guid made
   * from its record's position (so none repeats another's) and StringifiedFields could walk it
   * exactly: the index then neither scans nor deduplicates them. Absent otherwise.
   */
  fields?: Map<string, FieldState>;
}

export type SensorParsers = Map<string, ReturnType<typeof createSensorParser>>;

export function buildParsers(configs: Record<string, ParserRunnerConfig>, global: Record<string, unknown> = {}): SensorParsers {
  const parsers: SensorParsers = new Map();
  for (const [sensor, cfg] of Object.entries(configs)) parsers.set(sensor, createSensorParser(sensor, cfg, { global }));
  return parsers;
}

/** What the bus knows of a record, as Metron's Kafka metadata: topic, partition, offset, key fields. */
export function transportMetadata(topic: string, partition: number, offset: bigint, key: string | null): Record<string, unknown> {
  const metadata: Record<string, unknown> = { topic, partition, offset: Number(offset) };
  if (key !== null) {
    // A JSON object key contributes its fields (Metron); any other key is not metadata.
    let parsed: unknown;
    try {
      parsed = JSON.parse(key);
    } catch {
      parsed = undefined;
    }
    if (parsed !== null && typeof parsed === 'object' && !Array.isArray(parsed)) {
      for (const [k, v] of Object.entries(parsed as Record<string, unknown>)) if (!(k in metadata)) metadata[k] = v;
    }
  }
  return metadata;
}

export function parseBatch(parsers: SensorParsers, input: ParseBatchInput): ParseBatchOutput {
  const parser = parsers.get(input.sensor);
  if (!parser) throw new Error(`no parser for sensor ${input.sensor}`);
  const values = Buffer.from(input.values.buffer, input.values.byteOffset, input.values.byteLength);
  // Messages are usually about twice their raw record (original_string holds the record).
  const output = new JsonOutput(values.length * 2.5);
  const sources: number[] = [];
  const errors: ParseBatchError[] = [];
  let parsed = 0;
  let invalid = 0;
  let failed = 0;
  let filtered = 0;
  let skipped = 0;
  // Set to undefined at the first message the index must scan itself.
  let fields: StringifiedFields | undefined = new StringifiedFields();
  /** The guids this record's messages were given (a message may bring its own). */
  const made: string[] = [];
  let pos = 0;
  for (let i = 0; i < input.lengths.length; i++) {
    const len = input.lengths[i] as number;
    const raw = values.subarray(pos, pos + len);
    pos += len;
    const epoch = typeof input.epoch === 'string' ? input.epoch : (input.epoch[i] as string);
    const partition = input.partition[i] as number;
    const offset = BigInt(input.offset[i] as string | number);
    made.length = 0;
    const guid = (n: number): string => {
      const g = recordGuid(epoch, input.topic, partition, offset, n);
      made.push(g);
      return g;
    };
    const result = parser.parse(raw, input.keys === undefined
      ? { guid, now: input.now }
      : { guid, now: input.now, metadata: transportMetadata(input.topic, partition, offset, input.keys[i] ?? null) });
    if (result.errors.length > 0) {
      for (const e of result.errors) {
        errors.push({
          record: i,
          reason: e.reason,
          errorType: e.errorType,
          ...(e.raw !== raw ? { raw: new Uint8Array(e.raw) } : {}),
          ...(e.metadata !== undefined ? { metadata: e.metadata } : {}),
        });
      }
      if (result.errors[0]?.errorType === 'PARSER_INVALID') invalid++;
      else failed++;
      continue;
    }
    if (result.messages.length === 0) {
      if (result.skipped !== undefined) skipped++;
      else filtered++;
      continue;
    }
    parsed++;
    for (const m of result.messages as Message[]) {
      if (fields !== undefined && !(made.includes(m['guid'] as string) && fields.observe(m))) fields = undefined;
      output.push(JSON.stringify(m));
      sources.push(i);
    }
  }
  const { messages, lengths } = output.finish();
  const out: ParseBatchOutput = { messages, lengths, sources: Uint32Array.from(sources), parsed, invalid, failed, filtered, skipped, errors };
  if (fields !== undefined && lengths.length > 0) out.fields = fields.fields;
  return out;
}
