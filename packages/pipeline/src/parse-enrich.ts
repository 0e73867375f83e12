/**
 * The parse and enrich steps on one batch in one go, for a process that runs both stages: the
 * parse output (JSON text) goes straight into the sensor's enrichment on the same thread, instead
 * of through the `enrichments` topic (an append, an fsync, a read back, a commit) and a second
 * hand-off to a worker. The messages and the counts are those of the two steps run apart.
 */
import { parseBatch, type ParseBatchInput, type ParseBatchOutput, type SensorParsers } from './parse-core.js';
import { enrichBatch, type EnrichBatchError, type SensorEnrichers } from './enrich-core.js';

/** An enrichment failure of one parsed message. */
export interface FusedEnrichError extends EnrichBatchError {
  /** Index of the raw record the message was parsed from. */
  source: number;
  /** The parsed message's JSON (what the enrich stage would have read from `enrichments`). */
  raw: Uint8Array;
}

/**
 * The parse step's output; when the sensor has an enrichment config, `messages`, `lengths` and
 * `sources` are those of the enriched messages that go on, and `enrich` says what enrichment did.
 */
export interface ParseEnrichOutput extends ParseBatchOutput {
  enrich?: {
    /** Messages the parser made (those enrichment stopped are not in `messages`). */
    parsedMessages: number;
    /** Per output message: 1 when it is an alert. */
    alerts: Uint8Array;
    errors: FusedEnrichError[];
  };
}

/** Parses a batch, then enriches its messages if the sensor has an enrichment config. */
export async function parseEnrichBatch(parsers: SensorParsers, enrichers: SensorEnrichers, input: ParseBatchInput): Promise<ParseEnrichOutput> {
  const parsed = parseBatch(parsers, input);
  if (!enrichers.has(input.sensor) || parsed.lengths.length === 0) return parsed;
  const starts = new Uint32Array(parsed.lengths.length);
  for (let k = 1; k < starts.length; k++) starts[k] = (starts[k - 1] as number) + (parsed.lengths[k - 1] as number);
  const enriched = await enrichBatch(enrichers, {
    sensors: new Array<string>(parsed.lengths.length).fill(input.sensor),
    values: parsed.messages,
    lengths: parsed.lengths,
    ...(parsed.fields !== undefined ? { fields: parsed.fields } : {}),
  });
  const sources = new Uint32Array(enriched.inputs.length);
  for (let k = 0; k < sources.length; k++) sources[k] = parsed.sources[enriched.inputs[k] as number] as number;
  const errors = enriched.errors.map((e): FusedEnrichError => {
    const start = starts[e.record] as number;
    return { ...e, source: parsed.sources[e.record] as number, raw: parsed.messages.slice(start, start + (parsed.lengths[e.record] as number)) };
  });
  // The parser's field types are not those of the enriched messages: the enrichment gives theirs.
  const { fields: _parsedFields, ...counts } = parsed;
  const out: ParseEnrichOutput = { ...counts, messages: enriched.messages, lengths: enriched.lengths, sources, enrich: { parsedMessages: parsed.lengths.length, alerts: enriched.alerts, errors } };
  if (enriched.fields !== undefined) out.fields = enriched.fields;
  return out;
}
