import type { Message } from '@metron/core';

/** What a parser may know about the record beyond its text. */
export interface ParseContext {
  /** Epoch ms used where Metron fills "now" (JSONMap without a `timestamp` field). */
  readonly now: number;
}

/**
 * A message parser turns one raw record into zero or more messages. The sensor parser has already
 * decoded the bytes (strict UTF-8, leading BOM removed) and refused empty records.
 * It should not throw: a record it cannot read is returned as `ok: false` with a reason (the sensor
 * parser still catches anything thrown).
 */
export interface MessageParser {
  parse(text: string, ctx: ParseContext): ParseOutcome;
}

export type ParseOutcome =
  /**
   * `skip`: the record carries no event by design (a Zeek `#fields` header, a CSV comment) and
   * says why; it is then neither an error nor a message. Without it, zero messages is an error.
   */
  | { ok: true; messages: Message[]; skip?: string }
  | { ok: false; reason: string };

/**
 * Builds a parser from a sensor parser config's `parserConfig`. Throws ConfigError (naming `file`
 * and the JSON path `$.parserConfig.<key>`) on bad config. Unknown keys are ignored, as in Metron
 * (`parserConfig` also carries writer settings such as `batchSize`).
 */
export type ParserFactory = (parserConfig: Record<string, unknown>, file: string) => MessageParser;

/** One parser type of the registry (`registry.ts`). */
export interface ParserDefinition {
  /** Component type id, snake_case (`json_map`). */
  readonly id: string;
  /** Metron's parser class name (`org.apache.metron.parsers.json.JSONMapParser`). */
  readonly className: string;
  /** Short name accepted in `parserClassName`, case-insensitive (`JSONMap`). */
  readonly shortName: string;
  /** Further accepted names, case-insensitive (e.g. the simple Java class name). */
  readonly aliases: readonly string[];
  /** One sentence for docs and the UI. */
  readonly description: string;
  /** The `parserConfig` keys it reads, for docs and config validation hints. */
  readonly configKeys: readonly string[];
  readonly build: ParserFactory;
}
