/**
 * Zeek logs in both of Zeek's own encodings, normalized onto the fields Metron's Bro parser gives
 * (zeek-message.ts):
 * - TSV (the default `LogAscii` writer; zeek-tsv.ts). The record stream is stateful: header lines
 *   set the layout of the data lines after them and give no message (ok, zero messages); a
 *   `#separator` line starts a new header block. Header-less TSV is read with `parserConfig.fields`
 *   (and optionally `types`).
 * - JSON, one object per line (`LogAscii::use_json=T`, or the JSON the Kafka/Metron plugins write):
 *   flat dotted keys, `ts` as epoch seconds, ISO 8601 (`JSON::TS_ISO8601`) or epoch ms
 *   (`JSON::TS_MILLIS`); also Metron's wrapped shape `{"<log type>": {...}}`, a `_path` field
 *   naming the log type, and nested objects (flattened with dots).
 * A record of several lines is read line by line (each line one message, `original_string` its own
 * line); a line that fails fails the record.
 */
import type { Message } from '@metron/core';
import type { MessageParser, ParseContext, ParseOutcome } from '../types.js';
import { isJsonObject } from '../util/fields.js';
import type { ZeekConfig } from './config.js';
import { dottedKey } from '../suricata/dotted-keys.js';
import { LogTypeGuess, roleOf, ZeekMessageBuilder, zeekIsoTime } from './zeek-message.js';
import { compileSchema, DEFAULT_SEPARATORS, readTsvLine, unescapeZeek, type TsvSchema, type ZeekSeparators } from './zeek-tsv.js';

const UNCLEAN_KEY = /[^._a-zA-Z0-9]/;
const UNCLEAN_KEY_RUNS = /[^._a-zA-Z0-9]+/g;
const SEPARATOR_HEADER = '#separator';

/** A line's result: a message, null for a header line, or the reason it failed. */
type LineResult = Message | null | string;

export class ZeekParser implements MessageParser {
  private separators: ZeekSeparators = { ...DEFAULT_SEPARATORS };
  private fields: readonly string[] | undefined;
  private types: readonly string[] | undefined;
  private typesFromHeader = false;
  private headerPath: string | undefined;
  /** The compiled layout; undefined when headers changed since it was compiled. */
  private schema: TsvSchema | string | undefined;

  constructor(private readonly config: ZeekConfig) {
    this.resetHeaders();
  }

  parse(text: string, ctx: ParseContext): ParseOutcome {
    if (text.indexOf('\n') < 0) {
      const result = this.parseLine(stripCr(text), ctx.now);
      if (typeof result === 'string') return { ok: false, reason: result };
      return result === null ? { ok: true, messages: [], skip: 'Zeek header line' } : { ok: true, messages: [result] };
    }
    const lines = text.split('\n');
    const messages: Message[] = [];
    for (let i = 0; i < lines.length; i++) {
      const line = stripCr(lines[i]!);
      if (line.trim() === '') continue;
      const result = this.parseLine(line, ctx.now);
      if (typeof result === 'string') return { ok: false, reason: `line ${i + 1}: ${result}` };
      if (result !== null) messages.push(result);
    }
    return messages.length === 0 ? { ok: true, messages, skip: 'Zeek header lines only' } : { ok: true, messages };
  }

  private parseLine(line: string, now: number): LineResult {
    const { format } = this.config;
    let first = line.charCodeAt(0);
    if (first === 32 || first === 9) first = line.trimStart().charCodeAt(0);
    if (format === 'json' || (format === 'auto' && first === 123 /* { */)) return this.parseJsonLine(line, now);
    if (line.charCodeAt(0) === 35 /* # */) return this.readHeader(line);
    return this.parseTsvLine(line, now);
  }

  private resetHeaders(): void {
    this.separators = { ...DEFAULT_SEPARATORS };
    this.fields = this.config.fields;
    this.types = this.config.types;
    this.typesFromHeader = false;
    this.headerPath = undefined;
    this.schema = undefined;
  }

  private readHeader(line: string): null | string {
    if (line.startsWith(SEPARATOR_HEADER)) {
      // `#separator \x09`: the one header whose value follows a space, not the separator itself.
      const value = unescapeZeek(line.slice(SEPARATOR_HEADER.length + 1));
      if (value === '') return '#separator header has no separator';
      this.resetHeaders();
      this.separators.separator = value;
      return null;
    }
    const parts = line.split(this.separators.separator);
    const value = parts[1];
    switch (parts[0]) {
      case '#set_separator':
        if (value === undefined || value === '') return '#set_separator header has no separator';
        this.separators.setSeparator = unescapeZeek(value);
        break;
      case '#empty_field':
        this.separators.emptyField = unescapeZeek(value ?? '');
        break;
      case '#unset_field':
        this.separators.unsetField = unescapeZeek(value ?? '');
        break;
      case '#path':
        this.headerPath = value === undefined || value === '' ? undefined : value;
        break;
      case '#fields':
        this.fields = parts.slice(1);
        if (!this.typesFromHeader) this.types = undefined;
        break;
      case '#types':
        this.types = parts.slice(1);
        this.typesFromHeader = true;
        break;
      default:
        // #open, #close and comments carry nothing for the messages
        return null;
    }
    this.schema = undefined;
    return null;
  }

  private parseTsvLine(line: string, now: number): LineResult {
    let schema = this.schema;
    if (schema === undefined) {
      schema =
        this.fields === undefined
          ? 'TSV data line before any #fields header, and parserConfig.fields is not set'
          : compileSchema(this.fields, this.types, { ...this.separators }, this.headerPath ?? this.config.path);
      this.schema = schema;
    }
    if (typeof schema === 'string') return schema;
    const builder = readTsvLine(line, schema);
    if (typeof builder === 'string') return builder;
    return builder.finish(schema.logType, line, now);
  }

  private parseJsonLine(line: string, now: number): LineResult {
    let root: unknown;
    try {
      root = JSON.parse(line);
    } catch (err) {
      return `invalid JSON: ${(err as Error).message}`;
    }
    if (!isJsonObject(root)) return 'Zeek JSON record is not an object';
    let payload = root;
    let logType: string | undefined;
    let onlyKey = '';
    let keyCount = 0;
    for (const key in root) {
      onlyKey = key;
      if (++keyCount > 1) break;
    }
    if (keyCount === 1) {
      // Metron's Bro plugin shape: {"<log type>": {...}}; the type cleaned as Metron's JSONCleaner does.
      const inner = root[onlyKey];
      if (isJsonObject(inner)) {
        payload = inner;
        logType = UNCLEAN_KEY.test(onlyKey) ? onlyKey.replace(UNCLEAN_KEY_RUNS, '') : onlyKey;
      }
    }
    const builder = new ZeekMessageBuilder();
    const guess = this.config.path === undefined ? new LogTypeGuess() : undefined;
    let fieldCount = 0;
    for (const key in payload) {
      const value = payload[key];
      if (key === '_path' && typeof value === 'string') {
        logType ??= value;
        continue;
      }
      fieldCount++;
      addJsonValue(builder, key, value, guess);
    }
    if (fieldCount === 0) return 'Zeek JSON record has no fields';
    if (logType === undefined) logType = this.config.path;
    const type = builder.message['type'];
    if (logType === undefined && typeof type === 'string') logType = type;
    if (logType === undefined) logType = guess?.result();
    return builder.finish(logType, line, now);
  }
}

/** Adds a JSON value under `name`, leaving out null and empty values and unfolding objects with dots. */
function addJsonValue(builder: ZeekMessageBuilder, name: string, value: unknown, guess: LogTypeGuess | undefined): void {
  guess?.see(name);
  if (value === null || value === '') return;
  if (typeof value === 'object') {
    if (Array.isArray(value)) {
      if (value.length > 0) builder.add(roleOf(name), name, value);
      return;
    }
    const nested = value as Record<string, unknown>;
    for (const key in nested) addJsonValue(builder, dottedKey(name, key), nested[key], guess);
    return;
  }
  if (typeof value === 'string' && name !== 'ts') {
    const seconds = zeekIsoTime(value);
    if (seconds !== undefined) {
      builder.add(roleOf(name), name, seconds);
      return;
    }
  }
  builder.add(roleOf(name), name, value);
}

function stripCr(line: string): string {
  return line.charCodeAt(line.length - 1) === 13 ? line.slice(0, -1) : line;
}
