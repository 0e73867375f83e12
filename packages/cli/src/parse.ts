/**
 * `metron parse`: runs one sensor's parser over raw records read from stdin, one per line, exactly
 * as the pipeline's parse stage builds it (createSensorParser with the sensor parser config and
 * the global config). Parsed messages go to stdout as JSON lines; failed or invalid records go to
 * stderr as JSON lines {raw, raw_base64, reason, error_type, metadata?}. `--metadata` gives every
 * record the metadata a Kafka record would bring, to try a sensor's readMetadata / mergeMetadata /
 * ENVELOPE settings. Exit code 0 when every record parsed, 1 when any failed, 2 for usage or config errors.
 */
import { once } from 'node:events';
import { randomUUID } from 'node:crypto';
import { basename, join } from 'node:path';
import { parseArgs } from 'node:util';
import type { Readable, Writable } from 'node:stream';
import { errorMessage, MetronError } from '@metron/core';
import { loadConfigDir, loadConfigFile } from '@metron/core/node';
import { createSensorParser, type ParserRunnerConfig, type SensorParser } from '@metron/parsers';
import { parseFlags } from './args.js';

const USAGE = `metron parse --config-file FILE [--sensor NAME] [--global FILE] [--metadata JSON] < raw
metron parse --sensor NAME --config-dir DIR [--metadata JSON] < raw

Parses raw records (one per line) from stdin with a sensor's parser config, as the pipeline does.
  --config-file FILE  the sensor parser config (parsers/<sensor>.json); the sensor defaults to its base name
  --global FILE       the global config (global.json), for fieldValidations
  --config-dir DIR    a Metron config directory: parsers/<sensor>.json and global.json
  --sensor NAME       the sensor (source.type)
  --max-record-bytes N  longer lines are errors (default 16 MiB)
  --metadata JSON     metadata of every record, as a Kafka record would bring it (a JSON object such as
                      '{"topic": "bro", "customer_id": "acme"}'); used when the config sets readMetadata
                      (or rawMessageStrategy ENVELOPE), under the metadataPrefix (default metron.metadata.)
Messages are written to stdout as JSON lines; failed records to stderr as JSON lines
{"raw", "raw_base64", "reason", "error_type"} (plus "metadata" when the sensor reads it). Exit code: 0 all parsed, 1 some failed, 2 usage or config error.
`;

const DEFAULT_MAX_RECORD_BYTES = 16 * 1024 * 1024;
/** How much of an over-long line is kept to show in its error. */
const TOO_LONG_HEAD_BYTES = 1024;

export interface ParseIo {
  stdin: Readable;
  stdout: Writable;
  stderr: Writable;
}

/** A line of stdin: its bytes (without the line break), and its full length when it was cut. */
interface Line {
  bytes: Buffer;
  /** Set when the line was longer than the limit; `bytes` then holds only its head. */
  tooLongLength?: number;
}

/** Entry point of `metron parse`. Returns the exit code. */
export async function runParse(args: string[], io: ParseIo = { stdin: process.stdin, stdout: process.stdout, stderr: process.stderr }): Promise<number> {
  let parser: SensorParser;
  let maxRecordBytes: number;
  let metadata: Record<string, unknown> | undefined;
  try {
    const { values } = parseFlags(() =>
      parseArgs({
        args,
        options: {
          'config-file': { type: 'string' },
          'config-dir': { type: 'string' },
          global: { type: 'string' },
          sensor: { type: 'string' },
          'max-record-bytes': { type: 'string' },
          metadata: { type: 'string' },
          help: { type: 'boolean', short: 'h' },
        },
        strict: true,
        allowPositionals: false,
      }),
    );
    if (values.help) {
      io.stdout.write(USAGE);
      return 0;
    }
    maxRecordBytes = positiveInt(values['max-record-bytes'], DEFAULT_MAX_RECORD_BYTES, '--max-record-bytes');
    metadata = jsonObjectFlag(values.metadata, '--metadata');
    parser = await buildParser(values, maxRecordBytes);
  } catch (err) {
    io.stderr.write(`metron parse: ${errorMessage(err)}\n`);
    if (err instanceof MetronError && err.code === 'INPUT_INVALID') io.stderr.write(`\n${USAGE}`);
    return 2;
  }

  let failed = false;
  for await (const line of readLines(io.stdin, maxRecordBytes)) {
    let out = '';
    let err = '';
    if (line.tooLongLength !== undefined) {
      err = errorLine(line.bytes, `record is longer than the limit of ${maxRecordBytes} bytes (only its first ${line.bytes.length} bytes are shown)`, 'PARSER_ERROR');
    } else {
      const result = parser.parse(line.bytes, metadata === undefined ? { guid: () => randomUUID() } : { guid: () => randomUUID(), metadata });
      for (const message of result.messages) out += `${JSON.stringify(message)}\n`;
      for (const error of result.errors) err += errorLine(error.raw, error.reason, error.errorType, error.metadata);
    }
    if (err !== '') {
      failed = true;
      await write(io.stderr, err);
    }
    if (out !== '') await write(io.stdout, out);
  }
  return failed ? 1 : 0;
}

interface ParseFlags {
  'config-file'?: string | undefined;
  'config-dir'?: string | undefined;
  global?: string | undefined;
  sensor?: string | undefined;
}

/** Loads and validates the configs with the core loader, then builds the parser as the pipeline does. */
async function buildParser(flags: ParseFlags, maxRecordBytes: number): Promise<SensorParser> {
  const configFile = flags['config-file'];
  const configDir = flags['config-dir'];
  if ((configFile === undefined) === (configDir === undefined)) {
    throw new MetronError('INPUT_INVALID', 'give exactly one of --config-file and --config-dir');
  }
  if (configFile !== undefined) {
    const sensor = flags.sensor ?? basename(configFile).replace(/\.json$/i, '');
    if (sensor === '') throw new MetronError('INPUT_INVALID', '--sensor is required (the config file name gives none)');
    const config: ParserRunnerConfig = await loadConfigFile('parser', configFile);
    const globalFile = flags.global;
    const global = globalFile === undefined ? undefined : await loadConfigFile('global', globalFile);
    return createSensorParser(sensor, config, { file: configFile, maxRecordBytes, ...(global ? { global, globalFile } : {}) });
  }
  if (flags.global !== undefined) throw new MetronError('INPUT_INVALID', '--global goes with --config-file (with --config-dir, DIR/global.json is used)');
  const sensor = flags.sensor;
  if (sensor === undefined || sensor === '') throw new MetronError('INPUT_INVALID', '--sensor is required with --config-dir');
  const set = await loadConfigDir(configDir!);
  const config = set.parsers[sensor];
  if (config === undefined) {
    const known = Object.keys(set.parsers);
    throw new MetronError('CONFIG_NOT_FOUND', `no parser config for sensor "${sensor}" in ${join(configDir!, 'parsers')} (sensors: ${known.length > 0 ? known.join(', ') : 'none'})`);
  }
  return createSensorParser(sensor, config, {
    file: join(configDir!, 'parsers', `${sensor}.json`),
    maxRecordBytes,
    global: set.global,
    globalFile: join(configDir!, 'global.json'),
  });
}

/**
 * The lines of a byte stream, split at LF (a CR before it is dropped); empty lines are skipped.
 * Memory stays bounded: a line longer than `maxBytes` keeps only its head.
 */
export async function* readLines(input: AsyncIterable<Buffer | string>, maxBytes: number): AsyncGenerator<Line> {
  let parts: Buffer[] = [];
  let kept = 0;
  let length = 0;
  const take = (piece: Buffer) => {
    length += piece.length;
    const room = Math.max(0, maxBytes + 1 - kept);
    if (room > 0 && piece.length > 0) {
      const slice = piece.length <= room ? piece : piece.subarray(0, room);
      parts.push(slice);
      kept += slice.length;
    }
  };
  const finish = (): Line | undefined => {
    let bytes = parts.length === 1 ? parts[0]! : Buffer.concat(parts, kept);
    const total = length;
    parts = [];
    kept = 0;
    length = 0;
    if (total > maxBytes + 1 || (total === maxBytes + 1 && bytes[bytes.length - 1] !== 0x0d)) {
      return { bytes: Buffer.from(bytes.subarray(0, TOO_LONG_HEAD_BYTES)), tooLongLength: total };
    }
    if (bytes.length > 0 && bytes[bytes.length - 1] === 0x0d) bytes = bytes.subarray(0, bytes.length - 1);
    return bytes.length === 0 ? undefined : { bytes };
  };
  for await (const chunk of input) {
    const buf = typeof chunk === 'string' ? Buffer.from(chunk) : chunk;
    let start = 0;
    for (let nl = buf.indexOf(0x0a, start); nl >= 0; nl = buf.indexOf(0x0a, start)) {
      take(buf.subarray(start, nl));
      const line = finish();
      if (line) yield line;
      start = nl + 1;
    }
    // copy the remainder: the chunk's memory may be reused by the stream
    if (start < buf.length) take(Buffer.from(buf.subarray(start)));
  }
  if (length > 0) {
    const line = finish();
    if (line) yield line;
  }
}

function errorLine(raw: Buffer, reason: string, errorType: string, metadata?: Record<string, unknown>): string {
  const line = { raw: raw.toString('utf8'), raw_base64: raw.toString('base64'), reason, error_type: errorType };
  return `${JSON.stringify(metadata === undefined ? line : { ...line, metadata })}\n`;
}

async function write(stream: Writable, text: string): Promise<void> {
  if (!stream.write(text)) await once(stream, 'drain');
}

/** A flag holding a JSON object; undefined when the flag is absent. */
function jsonObjectFlag(value: string | undefined, name: string): Record<string, unknown> | undefined {
  if (value === undefined) return undefined;
  let parsed: unknown;
  try {
    parsed = JSON.parse(value);
  } catch (err) {
    throw new MetronError('INPUT_INVALID', `${name} must be a JSON object: ${errorMessage(err)}`);
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) throw new MetronError('INPUT_INVALID', `${name} must be a JSON object, got ${value}`);
  return parsed as Record<string, unknown>;
}

function positiveInt(value: string | undefined, fallback: number, name: string): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!Number.isSafeInteger(n) || n <= 0) throw new MetronError('INPUT_INVALID', `${name} must be a positive integer, got '${value}'`);
  return n;
}
