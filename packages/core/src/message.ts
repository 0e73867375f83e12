/**
 * The message model. A message is a flat JSON object with dotted keys, exactly as Metron writes
 * them (`ip_src_addr`, `enrichments.geo.ip_dst_addr.country`, `threat.triage.score`, ...).
 */
export type JsonPrimitive = string | number | boolean | null;
export type JsonValue = JsonPrimitive | JsonValue[] | { [key: string]: JsonValue };

/** One normalized telemetry record. Keys are Metron field names; values are JSON. */
export type Message = Record<string, JsonValue>;

/** Standard field names every parsed message carries (Metron's `Constants.Fields`). */
export const Fields = {
  GUID: 'guid',
  SENSOR_TYPE: 'source.type',
  TIMESTAMP: 'timestamp',
  ORIGINAL: 'original_string',
  SRC_ADDR: 'ip_src_addr',
  SRC_PORT: 'ip_src_port',
  DST_ADDR: 'ip_dst_addr',
  DST_PORT: 'ip_dst_port',
  PROTOCOL: 'protocol',
  INCLUDES_REVERSE_TRAFFIC: 'includes_reverse_traffic',
} as const;

/** Fields of an error record, as Metron's error index holds them. */
export const ErrorFields = {
  MESSAGE: 'message',
  EXCEPTION: 'exception',
  STACK: 'stack',
  RAW_MESSAGE: 'raw_message',
  RAW_MESSAGE_BYTES: 'raw_message_bytes',
  ERROR_TYPE: 'error_type',
  ERROR_HASH: 'error_hash',
  ERROR_FIELDS: 'error_fields',
  FAILED_SENSOR_TYPE: 'failed_sensor_type',
  HOSTNAME: 'hostname',
  STAGE: 'stage',
} as const;

/** The sensor name under which error records are indexed (Metron: `error`). */
export const ERROR_SENSOR = 'error';

/** Topic names of the Kappa pipeline (Metron's defaults). */
export const Topics = {
  ENRICHMENTS: 'enrichments',
  INDEXING: 'indexing',
  ERROR: 'error',
} as const;

/** Pipeline stages, used in metrics and error records. */
export type Stage = 'source' | 'parse' | 'enrich' | 'index';
