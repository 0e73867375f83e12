/**
 * `POST /api/v1/ingest/:sensor`: raw records into a sensor's topic over HTTP.
 *
 * Bodies stay bytes end to end (records may be invalid UTF-8; the parser stage reports those as
 * errors with their raw bytes). The 202 answer is sent only after `ingest` resolved, i.e. once the
 * records are durable in the log: an acknowledged record is never lost.
 */
import type { FastifyInstance, FastifyPluginAsync } from 'fastify';
import { MetronError, reservedIndexReason } from '@metron/core';
import { HttpError } from '../errors.js';

export const SENSOR_NAME_PATTERN = /^[A-Za-z0-9_.-]{1,64}$/;

/** Content types the ingest route takes, and how each body splits into records. */
export const INGEST_CONTENT_TYPES = {
  /** One record per non-blank line. */
  'text/plain': 'lines',
  /** Newline-delimited JSON: one record per non-blank line, kept as the raw line bytes. */
  'application/x-ndjson': 'lines',
  /** The whole body is one record. */
  'application/json': 'whole',
} as const;

export type SplitMode = (typeof INGEST_CONTENT_TYPES)[keyof typeof INGEST_CONTENT_TYPES];

export interface IngestRoutesOptions {
  ingest(sensor: string, records: Buffer[]): Promise<void>;
  knownSensors(): string[];
  bodyLimitBytes: number;
}

function isBlank(bytes: Buffer): boolean {
  for (const b of bytes) {
    if (b !== 0x20 && b !== 0x09 && b !== 0x0d && b !== 0x0a) return false;
  }
  return true;
}

/** Splits a body into records without decoding it: LF or CRLF separated lines, blank lines skipped. */
export function splitRecords(body: Buffer, mode: SplitMode): Buffer[] {
  return splitRecordsCounted(body, mode).records;
}

/**
 * Splits a body into records and counts the empty lines it skipped (a blank line is framing, not
 * a record; the count is reported to the sender). A line of only spaces is a record: the parser
 * refuses it into the error index with a reason.
 */
export function splitRecordsCounted(body: Buffer, mode: SplitMode): { records: Buffer[]; emptyLines: number } {
  if (mode === 'whole') return { records: isBlank(body) ? [] : [body], emptyLines: 0 };
  const records: Buffer[] = [];
  let emptyLines = 0;
  let start = 0;
  while (start < body.length) {
    let end = body.indexOf(0x0a, start);
    if (end < 0) end = body.length;
    let lineEnd = end;
    if (lineEnd > start && body[lineEnd - 1] === 0x0d) lineEnd--;
    if (lineEnd > start) records.push(body.subarray(start, lineEnd));
    else emptyLines++;
    start = end + 1;
  }
  return { records, emptyLines };
}

function mediaType(contentType: string | undefined): string {
  return (contentType ?? '').split(';')[0]!.trim().toLowerCase();
}

const sensorParams = {
  type: 'object',
  additionalProperties: false,
  required: ['sensor'],
  properties: { sensor: { type: 'string', pattern: SENSOR_NAME_PATTERN.source } },
} as const;

/** The ingest route, as an encapsulated plugin: its byte-preserving body parsers apply to it only. */
export const ingestRoutes: FastifyPluginAsync<IngestRoutesOptions> = async (app: FastifyInstance, options) => {
  const { bodyLimitBytes } = options;
  app.removeAllContentTypeParsers();
  app.addContentTypeParser(Object.keys(INGEST_CONTENT_TYPES), { parseAs: 'buffer', bodyLimit: bodyLimitBytes }, (_request, body, done) => {
    done(null, body);
  });
  app.addContentTypeParser('*', (request, _payload, done) => {
    const type = mediaType(request.headers['content-type']) || '(none)';
    done(new HttpError(415, 'UNSUPPORTED_MEDIA_TYPE', `content type ${type} is not accepted; use one of ${Object.keys(INGEST_CONTENT_TYPES).join(', ')}`), undefined);
  });

  app.post<{ Params: { sensor: string }; Body: Buffer | undefined }>('/api/v1/ingest/:sensor', {
    bodyLimit: bodyLimitBytes,
    schema: {
      summary: 'Ingests raw records (text lines, NDJSON or one JSON document) into a sensor; answers once they are durable',
      params: sensorParams,
    },
  }, async (request, reply) => {
    const { sensor } = request.params;
    // Refused even if a running pipeline knew it: its messages would land in the platform's own index.
    const reserved = reservedIndexReason(sensor);
    if (reserved !== null) throw new MetronError('INPUT_INVALID', `invalid sensor name: ${reserved}`);
    if (!options.knownSensors().includes(sensor)) throw new MetronError('NOT_FOUND', `unknown sensor '${sensor}'`);
    const mode = INGEST_CONTENT_TYPES[mediaType(request.headers['content-type']) as keyof typeof INGEST_CONTENT_TYPES];
    const body = request.body;
    if (mode === undefined || !Buffer.isBuffer(body)) throw new MetronError('INPUT_INVALID', 'request body is empty; send one record per line');
    const { records, emptyLines } = splitRecordsCounted(body, mode);
    if (records.length === 0) throw new MetronError('INPUT_INVALID', 'request body holds no records');
    await options.ingest(sensor, records);
    return reply.code(202).send(emptyLines > 0 ? { accepted: records.length, emptyLinesSkipped: emptyLines } : { accepted: records.length });
  });
};
