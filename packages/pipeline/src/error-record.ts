import { createHash } from 'node:crypto';
import { hostname } from 'node:os';
import { ERROR_SENSOR, ErrorFields, Fields, type Message, type Stage } from '@metron/core';

/** Metron's error types, lower-cased as its error index holds them. */
export type ErrorType = 'parser_invalid' | 'parser_error' | 'source_refused' | 'enrichment_error' | 'threat_intel_error' | 'indexing_error';

/** Raw bytes above this size are kept in full in a quarantine file, referenced from the record. */
export const MAX_INLINE_RAW_BYTES = 1024 * 1024;
/** The readable `raw_message` is cut here; the bytes are kept whole in `raw_message_bytes`. */
const MAX_RAW_TEXT_CHARS = 64 * 1024;

const host = hostname();

export interface ErrorRecordInput {
  stage: Stage;
  sensor: string;
  errorType: ErrorType;
  reason: string;
  raw: Buffer;
  guid: string;
  now?: number;
  /** Set when the raw bytes were too large to inline and were written to a file. */
  rawFile?: string;
  /** The record's metadata (prefixed keys) when its sensor reads metadata; added as Metron does. */
  metadata?: Record<string, unknown>;
}

/**
 * Builds an error-index record: the reason, where it failed, and the raw bytes (base64, so invalid
 * UTF-8 and binary junk survive byte for byte) with a readable text form.
 */
export function errorRecord(input: ErrorRecordInput): Message {
  const { raw } = input;
  const inline = raw.length <= MAX_INLINE_RAW_BYTES;
  const text = raw.subarray(0, MAX_RAW_TEXT_CHARS * 4).toString('utf8').slice(0, MAX_RAW_TEXT_CHARS);
  const msg: Message = {
    [Fields.GUID]: input.guid,
    [Fields.SENSOR_TYPE]: ERROR_SENSOR,
    [Fields.TIMESTAMP]: input.now ?? Date.now(),
    [ErrorFields.MESSAGE]: input.reason,
    [ErrorFields.EXCEPTION]: input.reason,
    [ErrorFields.ERROR_TYPE]: input.errorType,
    [ErrorFields.STAGE]: input.stage,
    [ErrorFields.FAILED_SENSOR_TYPE]: input.sensor,
    [ErrorFields.HOSTNAME]: host,
    [ErrorFields.ERROR_HASH]: createHash('sha256').update(raw).digest('hex'),
    [ErrorFields.RAW_MESSAGE]: text,
    raw_message_length: raw.length,
  };
  if (input.metadata !== undefined) {
    // Never over the error record's own fields.
    for (const [k, v] of Object.entries(input.metadata)) if (!(k in msg) && v !== undefined) msg[k] = v as Message[string];
  }
  if (inline) msg[ErrorFields.RAW_MESSAGE_BYTES] = raw.toString('base64');
  if (input.rawFile) msg['raw_message_file'] = input.rawFile;
  return msg;
}
