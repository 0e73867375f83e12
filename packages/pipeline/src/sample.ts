/**
 * "Test with a sample": raw lines of one sensor through what the pipeline does to them — parse
 * (following a parser chain), enrichment, threat intel and triage — with the pipeline's own steps
 * (ParsePool running parse-core and enrich-core, inline) and the stores of the running config
 * (GeoIP and known hosts of the global config, the LMDB or Redis tables, read-only). Nothing is
 * written anywhere (identity learning is left out): the console shows the result before a config is saved.
 */
import { randomUUID } from 'node:crypto';
import { ConfigError, errorMessage, MetronError, parserMetadataFlags, Topics, type Message } from '@metron/core';
import { ParsePool } from './parse-pool.js';
import type { PipelineSensor } from './pipeline.js';

export interface SampleSetup {
  /** Every sensor the chain may pass, with its configs (unsaved ones included). */
  sensors: Record<string, PipelineSensor>;
  global: Record<string, unknown>;
  kvPath?: string;
  configDir?: string;
}

export interface SampleError {
  stage: 'parse' | 'enrich';
  sensor: string;
  errorType: string;
  reason: string;
  /** For enrichment errors: false when the message still went on (it is then in `messages` too). */
  fatal?: boolean;
}

/** What became of one raw line. */
export interface SampleLineResult {
  /** 1-based line number in the request. */
  line: number;
  raw: string;
  /** The messages as they would be indexed (parsed, enriched, triaged). */
  messages: Message[];
  errors: SampleError[];
  /** Set when the parser dropped the line by design (a filter, a header line). */
  dropped?: boolean;
}

/**
 * The enrichment config without identity learning (`enrichment.config.identity.learn`): a sample
 * must not write what it learns into the production tables, so the tables are opened read-only.
 */
export function withoutLearning(config: unknown): unknown {
  const identity = (config as { enrichment?: { config?: { identity?: { learn?: unknown } } } } | null)?.enrichment?.config?.identity;
  if (identity === undefined || identity === null || identity.learn === undefined) return config;
  const copy = structuredClone(config) as { enrichment: { config: { identity: Record<string, unknown> } } };
  delete copy.enrichment.config.identity['learn'];
  return copy;
}

/** Most lines one sample run takes. */
export const MAX_SAMPLE_LINES = 1000;

/** The sensors a record of `first` passes, as the pipeline chains them; refuses what it refuses. */
export function sampleChain(first: string, sensors: Record<string, PipelineSensor>): string[] {
  const topicOf = (s: string): string => sensors[s]?.parser.sensorTopic || s;
  const byTopic = new Map(Object.keys(sensors).map((s) => [topicOf(s), s]));
  const chain = [first];
  let topic = sensors[first]?.parser.outputTopic || Topics.ENRICHMENTS;
  while (topic !== Topics.ENRICHMENTS) {
    const from = chain[chain.length - 1] as string;
    const next = byTopic.get(topic);
    if (next === undefined) throw new ConfigError(`parsers/${from}.json`, '$.outputTopic', `topic ${JSON.stringify(topic)} is neither ${Topics.ENRICHMENTS} nor the sensorTopic of a sensor, so nothing would read it`);
    if (chain.includes(next)) throw new ConfigError(`parsers/${from}.json`, '$.outputTopic', `parser chain loops back to sensor ${next}: ${[...chain, next].join(' -> ')}`);
    chain.push(next);
    topic = sensors[next]?.parser.outputTopic || Topics.ENRICHMENTS;
  }
  return chain;
}

/**
 * Runs `lines` (raw records of `sensor`) through parse, enrichment, threat intel and triage.
 * Throws NOT_FOUND for an unknown sensor, a ConfigError for a config the pipeline would refuse.
 */
export async function runSample(setup: SampleSetup, sensor: string, lines: readonly string[], now = Date.now()): Promise<SampleLineResult[]> {
  if (setup.sensors[sensor] === undefined) throw new MetronError('NOT_FOUND', `no parser config for sensor '${sensor}'`);
  if (lines.length > MAX_SAMPLE_LINES) throw new MetronError('INPUT_TOO_LARGE', `a sample holds at most ${MAX_SAMPLE_LINES} lines, got ${lines.length}`);
  const chain = sampleChain(sensor, setup.sensors);
  const sensors = Object.fromEntries(chain.map((s) => [s, setup.sensors[s] as PipelineSensor]));
  const enrichmentConfigs: Record<string, unknown> = {};
  for (const [s, c] of Object.entries(sensors)) if (c.enrichment !== undefined && c.enrichment !== null) enrichmentConfigs[s] = withoutLearning(c.enrichment);
  const pool = new ParsePool(Object.fromEntries(Object.entries(sensors).map(([s, c]) => [s, c.parser])), 0, setup.global, {
    configs: enrichmentConfigs,
    global: setup.global,
    ...(setup.kvPath !== undefined ? { kvPath: setup.kvPath } : {}),
    ...(setup.configDir !== undefined ? { configDir: setup.configDir } : {}),
  });
  try {
    await pool.ready();
    const epoch = randomUUID();
    const offsets = new Map<string, bigint>();
    const results: SampleLineResult[] = [];
    const parsed: Array<{ result: SampleLineResult; sensor: string; json: Buffer }> = [];
    for (let i = 0; i < lines.length; i++) {
      const raw = lines[i] as string;
      const result: SampleLineResult = { line: i + 1, raw, messages: [], errors: [] };
      results.push(result);
      let records: Buffer[] = [Buffer.from(raw, 'utf8')];
      for (let k = 0; k < chain.length && records.length > 0; k++) {
        const s = chain[k] as string;
        const topic = sensors[s]?.parser.sensorTopic || s;
        const next: Buffer[] = [];
        for (const record of records) {
          const offset = offsets.get(topic) ?? 0n;
          offsets.set(topic, offset + 1n);
          const readsMetadata = parserMetadataFlags(sensors[s]?.parser as Parameters<typeof parserMetadataFlags>[0]).readMetadata;
          const out = await pool.parse({
            sensor: s,
            topic,
            partition: [0],
            epoch: [epoch],
            offset: [offset.toString()],
            values: new Uint8Array(record.buffer, record.byteOffset, record.byteLength),
            lengths: Uint32Array.of(record.length),
            now,
            ...(readsMetadata ? { keys: [null] } : {}),
          });
          for (const e of out.errors) result.errors.push({ stage: 'parse', sensor: s, errorType: e.errorType === 'PARSER_INVALID' ? 'parser_invalid' : 'parser_error', reason: e.reason });
          if (out.filtered + out.skipped > 0) result.dropped = true;
          const buf = Buffer.from(out.messages.buffer, out.messages.byteOffset, out.messages.byteLength);
          let pos = 0;
          for (const n of out.lengths) {
            next.push(buf.subarray(pos, pos + n));
            pos += n;
          }
        }
        records = next;
      }
      const last = chain[chain.length - 1] as string;
      for (const json of records) parsed.push({ result, sensor: last, json });
    }
    const enrich = parsed.length > 0 && (await pool.enriches(parsed[0]?.sensor as string));
    if (!enrich) {
      for (const p of parsed) p.result.messages.push(JSON.parse(p.json.toString('utf8')) as Message);
      return results;
    }
    const out = await pool.enrich({ sensors: parsed.map((p) => p.sensor), values: Buffer.concat(parsed.map((p) => p.json)), lengths: Uint32Array.from(parsed, (p) => p.json.length) });
    const buf = Buffer.from(out.messages.buffer, out.messages.byteOffset, out.messages.byteLength);
    let pos = 0;
    for (let k = 0; k < out.lengths.length; k++) {
      const n = out.lengths[k] as number;
      (parsed[out.inputs[k] as number] as (typeof parsed)[number]).result.messages.push(JSON.parse(buf.toString('utf8', pos, pos + n)) as Message);
      pos += n;
    }
    for (const e of out.errors) {
      const p = parsed[e.record] as (typeof parsed)[number];
      p.result.errors.push({ stage: 'enrich', sensor: p.sensor, errorType: e.errorType, reason: e.reason, fatal: e.fatal });
    }
    return results;
  } catch (err) {
    if (err instanceof MetronError) throw err;
    throw new MetronError('INPUT_INVALID', `the sample could not be run: ${errorMessage(err)}`);
  } finally {
    await pool.close();
  }
}
