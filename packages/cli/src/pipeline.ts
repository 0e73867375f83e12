/**
 * `metron pipeline`: runs raw records read from stdin (one per line) through what the pipeline does
 * to them — parse (following a parser chain, as the pipeline does), enrichment, threat intel and
 * threat triage — with the stores of the running config: the GeoIP databases and known hosts of
 * the global config, and the enrichment / threat-intel tables in LMDB (<data-dir>/kv) or in Redis
 * (`kv.backend`). The steps are the pipeline's own: its ParsePool runs parse-core and enrich-core,
 * inline. The final messages go to stdout as JSON lines, the form they are indexed in.
 *
 * Failures go to stderr as JSON lines {line, stage, sensor, reason, error_type, raw, raw_base64}
 * (plus `metadata` when the sensor reads it, `guid` for an enrichment failure): `stage` is source
 * (a record over the size limit), parse or enrich; `error_type` is the error index's. A non-fatal
 * enrichment failure (a Stellar group, a table row) is reported and its message still printed,
 * as the pipeline indexes it. Exit code: 0 every record went through, 1 some failed (or a store
 * could not be opened), 2 usage or config error.
 */
import { once } from 'node:events';
import { randomUUID } from 'node:crypto';
import { basename, dirname, join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import type { Readable, Writable } from 'node:stream';
import { ConfigError, errorMessage, MetronError, parserMetadataFlags, Topics } from '@metron/core';
import { loadConfigDir, loadConfigFile } from '@metron/core/node';
import { MAX_INLINE_RAW_BYTES, ParsePool, type PipelineSensor } from '@metron/pipeline';
import { parseFlags } from './args.js';
import { pipelineSensorsFrom } from './config.js';
import { readLines } from './parse.js';
import { resolveConfigDir } from './start.js';

const USAGE = `metron pipeline --sensor NAME [--config-dir DIR] [--data-dir DIR] [options] < raw
metron pipeline --config-file FILE [--enrichment-config FILE] [--global FILE] [--sensor NAME] [options] < raw

Runs raw records (one per line) from stdin through parse, enrichment, threat intel and threat triage,
as the pipeline does, with the stores of the config: GeoIP and known hosts of the global config, and
the enrichment / threat-intel tables in <data-dir>/kv (LMDB) or in Redis (global config kv.backend).
  --sensor NAME          the sensor (its parser config; a parser chain is followed to its end)
  --config-dir DIR       a Metron config directory (default ./config if present, else the built-in configs)
  --data-dir DIR         where the LMDB tables are: DIR/kv (default ./data)
  --config-file FILE     a sensor parser config instead of a config directory; the sensor defaults to its base name
  --enrichment-config FILE  with --config-file: the sensor enrichment config (none: messages are not enriched)
  --global FILE          with --config-file: the global config (relative paths in it resolve against its directory)
  --metadata JSON        a JSON object given to every record as its log key: a sensor that reads metadata
                         gets its fields, with the topic, partition and offset (the line number - 1)
  --max-record-bytes N   longer lines are refused (default ${MAX_INLINE_RAW_BYTES}, the pipeline's limit)
  --batch-size N         most lines enriched together (default 1000; the lines at hand are taken together)
Messages are written to stdout as JSON lines; failures to stderr as JSON lines
{"line", "stage", "sensor", "reason", "error_type", "raw", "raw_base64"}. Exit code: 0 all went through,
1 some failed (or a store, such as Redis, could not be opened), 2 usage or config error.
`;

const DEFAULT_BATCH = 1000;

export interface PipelineIo {
  stdin: Readable;
  stdout: Writable;
  stderr: Writable;
}

/** What runs: the sensors of the chain, the first one, and the stores. */
interface Plan {
  sensors: Record<string, PipelineSensor>;
  first: string;
  global: Record<string, unknown>;
  configDir: string | undefined;
  kvPath: string | undefined;
}

/** One input line waiting in a batch. */
interface Pending {
  line: number;
  bytes: Buffer;
  tooLongLength?: number;
}

type ParseBatchError = Awaited<ReturnType<ParsePool['parse']>>['errors'][number];

/** A parsed message on its way to the enrich step, with where it came from. */
interface Parsed {
  line: number;
  raw: Buffer;
  sensor: string;
  json: Buffer;
}

/** Entry point of `metron pipeline`. Returns the exit code. */
export async function runPipeline(args: string[], io: PipelineIo = { stdin: process.stdin, stdout: process.stdout, stderr: process.stderr }): Promise<number> {
  let plan: Plan;
  let maxRecordBytes: number;
  let batchSize: number;
  let key: string | null = null;
  try {
    const { values } = parseFlags(() =>
      parseArgs({
        args,
        options: {
          sensor: { type: 'string' },
          'config-dir': { type: 'string' },
          'data-dir': { type: 'string' },
          'config-file': { type: 'string' },
          'enrichment-config': { type: 'string' },
          global: { type: 'string' },
          metadata: { type: 'string' },
          'max-record-bytes': { type: 'string' },
          'batch-size': { type: 'string' },
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
    maxRecordBytes = positiveInt(values['max-record-bytes'], MAX_INLINE_RAW_BYTES, '--max-record-bytes');
    batchSize = positiveInt(values['batch-size'], DEFAULT_BATCH, '--batch-size');
    if (values.metadata !== undefined) key = jsonObjectText(values.metadata, '--metadata');
    plan = await makePlan(values);
  } catch (err) {
    io.stderr.write(`metron pipeline: ${errorMessage(err)}\n`);
    if (err instanceof MetronError && err.code === 'INPUT_INVALID') io.stderr.write(`\n${USAGE}`);
    return 2;
  }

  const parserConfigs = Object.fromEntries(Object.entries(plan.sensors).map(([s, c]) => [s, c.parser]));
  const enrichmentConfigs: Record<string, unknown> = {};
  for (const [s, c] of Object.entries(plan.sensors)) if (c.enrichment !== undefined && c.enrichment !== null) enrichmentConfigs[s] = c.enrichment;
  let pool: ParsePool;
  try {
    // No worker threads: the same parse and enrich steps, run on this thread.
    pool = new ParsePool(parserConfigs, 0, plan.global, {
      configs: enrichmentConfigs,
      global: plan.global,
      ...(plan.kvPath !== undefined ? { kvPath: plan.kvPath } : {}),
      ...(plan.configDir !== undefined ? { configDir: plan.configDir } : {}),
    });
    await pool.ready();
  } catch (err) {
    io.stderr.write(`metron pipeline: ${errorMessage(err)}\n`);
    return err instanceof ConfigError || (err instanceof MetronError && err.code.startsWith('CONFIG')) ? 2 : 1;
  }

  const run = new Run(plan, pool, io, key, maxRecordBytes);
  let pending: Pending[] = [];
  const flush = async () => {
    if (pending.length === 0) return;
    const batch = pending;
    pending = [];
    await run.batch(batch);
  };
  try {
    let line = 0;
    // The lines at hand go together (a pipe gives many per read, a terminal one): the batch is
    // enriched once the input has no more for now, or when it is full.
    for await (const l of readLines(flushingBeforeRead(io.stdin, flush), maxRecordBytes)) {
      line++;
      pending.push({ line, bytes: l.bytes, ...(l.tooLongLength !== undefined ? { tooLongLength: l.tooLongLength } : {}) });
      if (pending.length >= batchSize) await flush();
    }
    await flush();
  } finally {
    await pool.close();
  }
  return run.failed ? 1 : 0;
}

/** The input's chunks, calling `beforeRead` each time before waiting for the next one. */
async function* flushingBeforeRead(input: AsyncIterable<Buffer | string>, beforeRead: () => Promise<void>): AsyncGenerator<Buffer | string> {
  const chunks = input[Symbol.asyncIterator]();
  try {
    for (;;) {
      await beforeRead();
      const next = await chunks.next();
      if (next.done === true) return;
      yield next.value;
    }
  } finally {
    await chunks.return?.();
  }
}

interface PlanFlags {
  sensor?: string | undefined;
  'config-dir'?: string | undefined;
  'data-dir'?: string | undefined;
  'config-file'?: string | undefined;
  'enrichment-config'?: string | undefined;
  global?: string | undefined;
}

/** Loads and checks the configs; the sensors of the chain that starts at the sensor. */
async function makePlan(flags: PlanFlags): Promise<Plan> {
  const kvPath = join(resolve(flags['data-dir'] ?? 'data'), 'kv');
  const configFile = flags['config-file'];
  if (configFile !== undefined) {
    if (flags['config-dir'] !== undefined) throw new MetronError('INPUT_INVALID', 'give --config-file or --config-dir, not both');
    const sensor = flags.sensor ?? basename(configFile).replace(/\.json$/i, '');
    if (sensor === '') throw new MetronError('INPUT_INVALID', '--sensor is required (the config file name gives none)');
    const parser = (await loadConfigFile('parser', configFile)) as PipelineSensor['parser'];
    const enrichmentFile = flags['enrichment-config'];
    const enrichment = enrichmentFile === undefined ? undefined : await loadConfigFile('enrichment', enrichmentFile);
    const globalFile = flags.global;
    const global = globalFile === undefined ? {} : ((await loadConfigFile('global', globalFile)) as Record<string, unknown>);
    const output = parser.outputTopic || Topics.ENRICHMENTS;
    if (output !== Topics.ENRICHMENTS) {
      throw new ConfigError(configFile, '$.outputTopic', `hands its messages to topic ${JSON.stringify(output)} (a parser chain): run a chain with --config-dir, where the next sensor's config is`);
    }
    return {
      sensors: { [sensor]: { parser, ...(enrichment !== undefined ? { enrichment } : {}) } },
      first: sensor,
      global,
      configDir: globalFile === undefined ? undefined : dirname(resolve(globalFile)),
      kvPath,
    };
  }
  if (flags['enrichment-config'] !== undefined || flags.global !== undefined) {
    throw new MetronError('INPUT_INVALID', '--enrichment-config and --global go with --config-file (with a config directory, its enrichments/ and global.json are used)');
  }
  const sensor = flags.sensor;
  if (sensor === undefined || sensor === '') throw new MetronError('INPUT_INVALID', '--sensor is required');
  const configDir = resolveConfigDir(flags['config-dir']);
  const configs = await loadConfigDir(configDir);
  const all = pipelineSensorsFrom(configs);
  if (all[sensor] === undefined) {
    const known = Object.keys(all);
    throw new MetronError('CONFIG_NOT_FOUND', `no parser config for sensor "${sensor}" in ${join(configDir, 'parsers')} (sensors: ${known.length > 0 ? known.join(', ') : 'none'})`);
  }
  const sensors: Record<string, PipelineSensor> = {};
  for (const s of chainFrom(sensor, all)) sensors[s] = all[s]!;
  return { sensors, first: sensor, global: configs.global ?? {}, configDir, kvPath };
}

/** The sensor's topic (its `sensorTopic`, else its name), as the pipeline names it. */
function sensorTopic(sensor: string, sensors: Record<string, PipelineSensor>): string {
  return sensors[sensor]?.parser.sensorTopic || sensor;
}

/**
 * The sensors a record of `first` passes: `first`, then each sensor whose topic the previous one's
 * `outputTopic` names, until `enrichments`. Refuses what the pipeline refuses at start: a topic
 * no sensor reads, and a chain that loops.
 */
function chainFrom(first: string, sensors: Record<string, PipelineSensor>): string[] {
  const byTopic = new Map(Object.keys(sensors).map((s) => [sensorTopic(s, sensors), s]));
  const chain = [first];
  let topic = sensors[first]!.parser.outputTopic || Topics.ENRICHMENTS;
  while (topic !== Topics.ENRICHMENTS) {
    const from = chain[chain.length - 1]!;
    const next = byTopic.get(topic);
    if (next === undefined) throw new ConfigError(`parsers/${from}.json`, '$.outputTopic', `topic ${JSON.stringify(topic)} is neither ${Topics.ENRICHMENTS} nor the sensorTopic of a sensor, so nothing would read it`);
    if (chain.includes(next)) throw new ConfigError(`parsers/${from}.json`, '$.outputTopic', `parser chain loops back to sensor ${next}: ${[...chain, next].join(' -> ')}`);
    chain.push(next);
    topic = sensors[next]!.parser.outputTopic || Topics.ENRICHMENTS;
  }
  return chain;
}

/** One run: hands batches through the pool and writes what comes out. */
class Run {
  failed = false;
  /** Stands for the log's topic epoch: guids are unique per run, and derived from the record's place as in the pipeline. */
  private readonly epoch = randomUUID();
  /** The next offset of each sensor's topic (the records each parser of the chain was given). */
  private readonly offsets = new Map<string, bigint>();

  constructor(
    private readonly plan: Plan,
    private readonly pool: ParsePool,
    private readonly io: PipelineIo,
    private readonly key: string | null,
    private readonly maxRecordBytes: number,
  ) {}

  async batch(lines: Pending[]): Promise<void> {
    let errors = '';
    const parsed: Parsed[] = [];
    for (const l of lines) {
      if (l.tooLongLength !== undefined) {
        // refused at ingest, as the pipeline refuses it; only the head of the line was kept
        errors += this.errorLine({ line: l.line, stage: 'source', sensor: this.plan.first, errorType: 'source_refused', reason: `record of ${l.tooLongLength} bytes exceeds the ${this.maxRecordBytes}-byte limit (only its first ${l.bytes.length} bytes are shown)`, raw: l.bytes });
        continue;
      }
      errors += await this.parseChain(l, parsed);
    }
    const out = await this.enrich(parsed);
    errors += out.errors;
    if (errors !== '') {
      this.failed = true;
      await write(this.io.stderr, errors);
    }
    if (out.messages !== '') await write(this.io.stdout, out.messages);
  }

  /** Parses one line through the chain; its messages join `parsed`; returns the error lines. */
  private async parseChain(l: Pending, parsed: Parsed[]): Promise<string> {
    let records = [l.bytes];
    let errors = '';
    let sensor = this.plan.first;
    for (;;) {
      const next: Buffer[] = [];
      for (const record of records) {
        const topic = sensorTopic(sensor, this.plan.sensors);
        const offset = this.offsets.get(topic) ?? 0n;
        this.offsets.set(topic, offset + 1n);
        const result = await this.pool.parse({
          sensor,
          topic,
          partition: [0],
          epoch: [this.epoch],
          offset: [offset.toString()],
          values: new Uint8Array(record.buffer, record.byteOffset, record.byteLength),
          lengths: Uint32Array.of(record.length),
          now: Date.now(),
          ...(this.readsMetadata(sensor) ? { keys: [this.key] } : {}),
        });
        for (const e of result.errors) errors += this.parseError(l.line, sensor, record, e);
        const messages = Buffer.from(result.messages.buffer, result.messages.byteOffset, result.messages.byteLength);
        let pos = 0;
        for (const n of result.lengths) {
          next.push(messages.subarray(pos, pos + n));
          pos += n;
        }
      }
      const output = this.plan.sensors[sensor]!.parser.outputTopic || Topics.ENRICHMENTS;
      if (output === Topics.ENRICHMENTS) {
        for (const json of next) parsed.push({ line: l.line, raw: l.bytes, sensor, json });
        return errors;
      }
      // chained: the next sensor parses these messages as its raw records
      sensor = Object.keys(this.plan.sensors).find((s) => sensorTopic(s, this.plan.sensors) === output)!;
      records = next;
      if (records.length === 0) return errors;
    }
  }

  private parseError(line: number, sensor: string, record: Buffer, e: ParseBatchError): string {
    return this.errorLine({
      line,
      stage: 'parse',
      sensor,
      errorType: e.errorType === 'PARSER_INVALID' ? 'parser_invalid' : 'parser_error',
      reason: e.reason,
      raw: e.raw ? Buffer.from(e.raw) : record,
      ...(e.metadata !== undefined ? { metadata: e.metadata } : {}),
    });
  }

  /** The enrich step on the batch's messages, in order; messages of a sensor without an enrichment config pass as they are. */
  private async enrich(parsed: Parsed[]): Promise<{ messages: string; errors: string }> {
    const enriched: Array<string | null> = parsed.map((p) => p.json.toString('utf8'));
    const toEnrich: number[] = [];
    for (let i = 0; i < parsed.length; i++) if (await this.pool.enriches(parsed[i]!.sensor)) toEnrich.push(i);
    let errors = '';
    if (toEnrich.length > 0) {
      const lengths = Uint32Array.from(toEnrich, (i) => parsed[i]!.json.length);
      const values = Buffer.concat(toEnrich.map((i) => parsed[i]!.json));
      try {
        const result = await this.pool.enrich({ sensors: toEnrich.map((i) => parsed[i]!.sensor), values, lengths });
        for (const i of toEnrich) enriched[i] = null;
        const buf = Buffer.from(result.messages.buffer, result.messages.byteOffset, result.messages.byteLength);
        let pos = 0;
        for (let k = 0; k < result.lengths.length; k++) {
          const n = result.lengths[k]!;
          enriched[toEnrich[result.inputs[k]!]!] = buf.toString('utf8', pos, pos + n);
          pos += n;
        }
        for (const e of result.errors) {
          const p = parsed[toEnrich[e.record]!]!;
          errors += this.errorLine({ line: p.line, stage: 'enrich', sensor: p.sensor, errorType: e.errorType, reason: e.reason, raw: p.raw, guid: guidOf(p.json), fatal: e.fatal });
        }
      } catch (err) {
        // the batch could not be enriched (a table store failed): each of its messages is reported
        for (const i of toEnrich) {
          const p = parsed[i]!;
          enriched[i] = null;
          errors += this.errorLine({ line: p.line, stage: 'enrich', sensor: p.sensor, errorType: 'enrichment_error', reason: `the batch could not be enriched: ${errorMessage(err)}`, raw: p.raw, guid: guidOf(p.json), fatal: true });
        }
      }
    }
    let messages = '';
    for (const m of enriched) if (m !== null) messages += `${m}\n`;
    return { messages, errors };
  }

  private readsMetadata(sensor: string): boolean {
    const parser = this.plan.sensors[sensor]?.parser;
    return parser !== undefined && parserMetadataFlags(parser as Parameters<typeof parserMetadataFlags>[0]).readMetadata;
  }

  private errorLine(e: { line: number; stage: string; sensor: string; errorType: string; reason: string; raw: Buffer; metadata?: Record<string, unknown>; guid?: string | undefined; fatal?: boolean }): string {
    const out: Record<string, unknown> = { line: e.line, stage: e.stage, sensor: e.sensor, reason: e.reason, error_type: e.errorType, raw: e.raw.toString('utf8'), raw_base64: e.raw.toString('base64') };
    if (e.metadata !== undefined) out['metadata'] = e.metadata;
    if (e.guid !== undefined) out['guid'] = e.guid;
    if (e.fatal !== undefined) out['fatal'] = e.fatal;
    return `${JSON.stringify(out)}\n`;
  }
}

/** The guid of a parsed message (its JSON), for telling which message an enrichment failure is about. */
function guidOf(json: Buffer): string | undefined {
  try {
    const guid = (JSON.parse(json.toString('utf8')) as Record<string, unknown>)['guid'];
    return typeof guid === 'string' ? guid : undefined;
  } catch {
    return undefined;
  }
}

async function write(stream: Writable, text: string): Promise<void> {
  if (!stream.write(text)) await once(stream, 'drain');
}

/** A flag holding a JSON object, as its text. */
function jsonObjectText(value: string, name: string): string {
  let parsed: unknown;
  try {
    parsed = JSON.parse(value);
  } catch (err) {
    throw new MetronError('INPUT_INVALID', `${name} must be a JSON object: ${errorMessage(err)}`);
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) throw new MetronError('INPUT_INVALID', `${name} must be a JSON object, got ${value}`);
  return value;
}

function positiveInt(value: string | undefined, fallback: number, name: string): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!Number.isSafeInteger(n) || n <= 0) throw new MetronError('INPUT_INVALID', `${name} must be a positive integer, got '${value}'`);
  return n;
}
