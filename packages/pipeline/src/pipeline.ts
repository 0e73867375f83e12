import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { createHash, randomUUID } from 'node:crypto';
import { ConfigError, ERROR_SENSOR, MetronError, Topics, errorMessage, parserMetadataFlags, type Message } from '@metron/core';
import type { ParserRunnerConfig } from '@metron/parsers';
import type { ArchiveWriter, SearchStore } from '@metron/storage';
import type { Bus, ConsumerRecord, ProducerRecord } from './bus/types.js';
import { errorRecord, MAX_INLINE_RAW_BYTES, type ErrorType } from './error-record.js';
import { recordGuid } from './guid.js';
import { PipelineMetrics, type LagReading } from './metrics.js';
import { holdLowest, partitionKey, StageLoop } from './stage-loop.js';
import { ParsePool } from './parse-pool.js';
import type { ParseEnrichOutput } from './parse-enrich.js';
import { IndexStage, writerSettings, type IndexWriterConfig } from './index-stage.js';
import { availableParallelism } from 'node:os';

/** Header carrying the sensor name on the `enrichments`, `indexing` and `error` topics. */
const SENSOR_HEADER = 'sensor';

export type { IndexWriterConfig } from './index-stage.js';

export interface PipelineSensor {
  /**
   * Metron's sensor parser config. `outputTopic` (default `enrichments`) may name another sensor's
   * topic: that sensor then parses these messages (parser chaining, usually with
   * `rawMessageStrategy: ENVELOPE`).
   */
  parser: ParserRunnerConfig & { sensorTopic?: string | null; outputTopic?: string | null };
  /**
   * Metron indexing config for the sensor: writer name → settings (`elasticsearch`/`solr`: the
   * search index; `hdfs`: the Parquet archive). See index-stage.ts.
   */
  indexing?: Record<string, IndexWriterConfig | undefined>;
  /**
   * Metron sensor enrichment config (enrichment, threat intel, triage). Without one the sensor's
   * messages pass the enrich stage unchanged.
   */
  enrichment?: unknown;
}

export interface PipelineLogger {
  info(msg: string): void;
  warn(msg: string): void;
  error(msg: string): void;
}

/** A stage of the pipeline; a scale-out worker process runs one (`metron worker <stage>`). */
export type PipelineStage = 'parse' | 'enrich' | 'index';

export interface PipelineOptions {
  bus: Bus & { topicEpoch(topic: string): string };
  /** The search index the index stage writes; only a process that runs the index stage needs one. */
  store?: SearchStore;
  /** Stages this process runs (default all three: the embedded pipeline). */
  stages?: readonly PipelineStage[];
  /** Sensors whose parse stage this process runs (default all; `metron worker parse --sensors`). */
  parseSensors?: readonly string[];
  /** The Parquet archive the indexing stage also writes (Metron's `hdfs` writer); absent: none. */
  archive?: ArchiveWriter;
  /** Clock of the indexing writers' batch timeouts (epoch ms); injectable for tests. */
  now?: () => number;
  sensors: Record<string, PipelineSensor>;
  /** Indexing configs of sensors without a parser config, i.e. the `error` sensor (`indexing/error.json`). */
  indexing?: Record<string, Record<string, IndexWriterConfig | undefined> | undefined>;
  global?: Record<string, unknown>;
  metrics?: PipelineMetrics;
  /** Where over-large raw records of error records are kept whole. */
  dataDir: string;
  /** Records larger than this are refused at ingest (kept in the error index). Default 1 MiB. */
  maxRecordBytes?: number;
  partitions?: number;
  log?: PipelineLogger;
  /** Largest batch a stage takes from the log at once. */
  maxBatch?: number;
  /**
   * Worker threads for parsing; 0 parses on the main thread. Default: one per core beyond the
   * first, at least one.
   */
  parseWorkers?: number;
  /** How long the index stage gathers a light trickle into one write (ms, default 100). */
  indexLingerMs?: number;
  /**
   * Messages per search write while a sensor's parse stage is behind (IndexStageOptions.bulkRows);
   * default: the store's `bulkRows` (DuckDB's row group), 0 for none.
   */
  bulkRows?: number;
  /** The LMDB store of the enrichment and threat-intel tables (`<data-dir>/kv`); absent: none. */
  kvPath?: string;
  /** Where relative paths of the global config (the GeoIP database) resolve. */
  configDir?: string;
}

const silent: PipelineLogger = { info() {}, warn() {}, error() {} };

/**
 * The Kappa pipeline of one process: sensor topics → parse → `enrichments` → enrich → `indexing`
 * → search index and Parquet archive (index-stage.ts); failures → `error` → error index.
 * Each stage commits its input offsets only after its output is durable.
 */
export class Pipeline {
  readonly metrics: PipelineMetrics;
  private readonly log: PipelineLogger;
  private readonly loops: StageLoop[] = [];
  private readonly producer;
  private readonly maxRecordBytes: number;
  private readonly parsePool: ParsePool;
  private readonly indexStage: IndexStage;
  private started = false;
  private stopping = false;

  private readonly opts: PipelineOptions;
  /** Parse loops by sensor, so a sensor added or removed live starts or stops its own. */
  private readonly parseLoops = new Map<string, StageLoop>();
  /** Per sensor, batches handed to the parse worker and not yet taken in, oldest first (parseAhead). */
  private readonly parsing = new Map<string, ParseInFlight[]>();

  constructor(options: PipelineOptions) {
    // A copy: a live reload (reconfigure) replaces its sensors and global config.
    const opts = { ...options };
    this.opts = opts;
    this.metrics = opts.metrics ?? new PipelineMetrics();
    this.log = opts.log ?? silent;
    this.producer = opts.bus.producer();
    this.maxRecordBytes = opts.maxRecordBytes ?? MAX_INLINE_RAW_BYTES;
    const parserConfigs = Object.fromEntries(Object.entries(opts.sensors).map(([s, c]) => [s, c.parser]));
    this.checkChains(opts.sensors);
    const enrichmentConfigs: Record<string, unknown> = {};
    for (const [s, c] of Object.entries(opts.sensors)) if (c.enrichment !== undefined && c.enrichment !== null) enrichmentConfigs[s] = c.enrichment;
    this.parsePool = new ParsePool(parserConfigs, opts.parseWorkers ?? Math.max(1, availableParallelism() - 1), opts.global ?? {}, {
      configs: enrichmentConfigs,
      global: opts.global ?? {},
      ...(opts.kvPath !== undefined ? { kvPath: opts.kvPath } : {}),
      ...(opts.configDir !== undefined ? { configDir: opts.configDir } : {}),
    });
    this.metrics.setLagProvider(() => this.lag());
    if (opts.store === undefined && this.runs('index')) throw new MetronError('INTERNAL', 'the index stage needs a search store');
    this.indexStage = new IndexStage({
      indexing: (sensor) => (Object.hasOwn(opts.sensors, sensor) ? opts.sensors[sensor]?.indexing : opts.indexing?.[sensor]),
      store: opts.store ?? noStore(),
      ...(opts.archive !== undefined ? { archive: opts.archive } : {}),
      metrics: this.metrics,
      now: opts.now ?? Date.now,
      sensorOf: (r) => r.headers[SENSOR_HEADER] ?? 'unknown',
      indexError: (sensor, reason, raw) => this.buildError(sensor, 'index', 'indexing_error', reason, raw, randomUUID()),
      sendErrors: (errors) => this.sendErrors(errors),
      bulkRows: opts.bulkRows ?? (opts.store as { bulkRows?: number } | undefined)?.bulkRows ?? 0,
    });
    // A bad indexing config refuses the start, with its path.
    for (const sensor of [...this.knownSensors(), ...Object.keys(opts.indexing ?? {})]) this.indexStage.writersOf(sensor);
  }

  /** Messages waiting in the indexing writers' buffers (batchSize / batchTimeout). */
  indexWaiting(): number {
    return this.indexStage.waiting();
  }

  knownSensors(): string[] {
    return Object.keys(this.opts.sensors).sort();
  }

  private sensorTopic(sensor: string): string {
    return this.opts.sensors[sensor]?.parser.sensorTopic || sensor;
  }

  /** Whether the sensor's parser reads per-record metadata (then the parse step is given keys). */
  private readsMetadata(sensor: string): boolean {
    const parser = this.opts.sensors[sensor]?.parser;
    if (parser === undefined) return false;
    return parserMetadataFlags(parser as Parameters<typeof parserMetadataFlags>[0]).readMetadata;
  }

  /** Where a sensor's parsed messages go: `enrichments`, or another sensor's topic (chaining). */
  private outputTopic(sensor: string): string {
    return this.opts.sensors[sensor]?.parser.outputTopic || Topics.ENRICHMENTS;
  }

  /**
   * Refuses output topics nothing in this process reads (the messages would pile up unseen), a
   * sensor feeding itself, and chains that loop back (a message would circle forever).
   */
  private checkChains(sensors: Record<string, PipelineSensor>): void {
    const names = Object.keys(sensors).sort();
    const topicOf = (s: string): string => sensors[s]?.parser.sensorTopic || s;
    const outputOf = (s: string): string => sensors[s]?.parser.outputTopic || Topics.ENRICHMENTS;
    const bySensorTopic = new Map(names.map((s) => [topicOf(s), s]));
    for (const sensor of names) {
      const seen = new Set([sensor]);
      let topic = outputOf(sensor);
      while (topic !== Topics.ENRICHMENTS) {
        const next = bySensorTopic.get(topic);
        if (next === undefined) {
          throw new ConfigError(`parsers/${sensor}.json`, '$.outputTopic', `topic ${JSON.stringify(topic)} is neither ${Topics.ENRICHMENTS} nor the sensorTopic of a sensor of this pipeline, so nothing would read it`);
        }
        if (seen.has(next)) {
          throw new ConfigError(`parsers/${sensor}.json`, '$.outputTopic', `parser chain loops back to sensor ${next}: ${[...seen, next].join(' -> ')}`);
        }
        seen.add(next);
        topic = outputOf(next);
      }
    }
  }

  /** Whether this process runs `stage` (all stages unless `stages` says otherwise). */
  private runs(stage: PipelineStage): boolean {
    return this.opts.stages === undefined || this.opts.stages.includes(stage);
  }

  /** Sensors whose parse loop runs in this process. */
  private parsedHere(): string[] {
    if (!this.runs('parse')) return [];
    const only = this.opts.parseSensors;
    return this.knownSensors().filter((s) => only === undefined || only.includes(s));
  }

  private groups(): Array<{ group: string; topic: string; sensor: string; stage: string }> {
    return this.allGroups().filter((g) => this.runs(g.stage as PipelineStage) && (g.stage !== 'parse' || this.parsedHere().includes(g.sensor)));
  }

  private allGroups(): Array<{ group: string; topic: string; sensor: string; stage: string }> {
    const out = this.knownSensors().map((sensor) => ({
      group: `metron_parse_${sensor}`,
      topic: this.sensorTopic(sensor),
      sensor,
      stage: 'parse',
    }));
    out.push({ group: 'metron_enrich', topic: Topics.ENRICHMENTS, sensor: '*', stage: 'enrich' });
    out.push({ group: 'metron_index', topic: Topics.INDEXING, sensor: '*', stage: 'index' });
    out.push({ group: 'metron_index', topic: Topics.ERROR, sensor: ERROR_SENSOR, stage: 'index' });
    return out;
  }

  async start(): Promise<void> {
    if (this.started) return;
    this.started = true;
    // A bad enrichment config or a missing GeoIP database refuses the start, with its path.
    await this.parsePool.ready();
    const { bus } = this.opts;
    const partitions = this.opts.partitions ?? 1;
    const topics = new Set([...this.knownSensors().map((s) => this.sensorTopic(s)), Topics.ENRICHMENTS, Topics.INDEXING, Topics.ERROR]);
    for (const t of topics) await bus.createTopic(t, { partitions });

    for (const sensor of this.parsedHere()) this.parseLoops.set(sensor, this.parseLoop(sensor));
    if (this.runs('enrich')) this.loops.push(
      new StageLoop({
        name: 'enrich',
        consumer: bus.consumer({ group: 'metron_enrich', topics: [Topics.ENRICHMENTS] }),
        handle: (records) => this.enrichBatch(records),
        maxBatch: this.opts.maxBatch,
        onError: (err, attempt) => this.log.error(`enrich: batch failed (attempt ${attempt}): ${errorMessage(err)}`),
      }),
    );
    if (this.runs('index')) this.loops.push(
      new StageLoop({
        name: 'index',
        consumer: bus.consumer({ group: 'metron_index', topics: [Topics.INDEXING, Topics.ERROR] }),
        handle: (records) => this.indexStage.handle(records),
        held: () => this.indexStage.held(),
        flushDue: () => this.indexStage.flushDue(),
        maxBatch: this.opts.maxBatch,
        lingerMs: this.opts.indexLingerMs ?? 100,
        onError: (err, attempt) => this.log.error(`index: batch failed (attempt ${attempt}): ${errorMessage(err)}`),
      }),
    );
    for (const l of this.loops) l.start();
    for (const l of this.parseLoops.values()) l.start();
  }

  /** The parse stage of one sensor: its topic → its parser → `enrichments` (or the next sensor of a chain). */
  private parseLoop(sensor: string): StageLoop {
    return new StageLoop({
      name: `parse:${sensor}`,
      consumer: this.opts.bus.consumer({ group: `metron_parse_${sensor}`, topics: [this.sensorTopic(sensor)] }),
      maxBatch: this.opts.maxBatch,
      onError: (err, attempt) => this.log.error(`parse ${sensor}: batch failed (attempt ${attempt}): ${errorMessage(err)}`),
      // Where the parse stage feeds the index stage directly (see parseBatch), a raw record is
      // committed only once the writers hold none of its messages; writes overlap the next parse.
      ...(!this.indexesParsed()
        ? { handle: (records: ConsumerRecord[]) => this.parseBatch(sensor, records) }
        : {
            handle: async (records: ConsumerRecord[]) => {
              if (this.outputTopic(sensor) === Topics.ENRICHMENTS) return this.parseAhead(sensor, records);
              // chained since a reconfigure: what is with the worker goes first, in order
              await this.finishParsing(sensor);
              return this.parseBatch(sensor, records);
            },
            held: () => this.heldOf(sensor),
            flushDue: async (idle: boolean) => {
              if (idle) {
                await this.finishParsing(sensor);
                this.indexStage.caughtUp(sensor);
              }
              await this.indexStage.flushDue('pipelined');
            },
            settle: async () => {
              await this.finishParsing(sensor);
              await this.indexStage.settle();
            },
            lingerMs: this.opts.indexLingerMs ?? 100,
            // While a batch is with the worker, waiting for a writer or being written, an idle poll
            // comes soon, to take it in, write and commit it without waiting for more traffic.
            pollTimeoutMs: () => ((this.parsing.get(sensor)?.length ?? 0) > 0 || this.indexStage.waiting() > 0 ? 10 : 200),
          }),
    });
  }

  /** Whether this process runs every stage, so parsed messages go from the parse stage straight to the index stage. */
  private indexesParsed(): boolean {
    return this.runs('parse') && this.runs('enrich') && this.runs('index');
  }

  /**
   * Applies changed configs while running (a config saved through the REST API): `sensors` is the
   * whole new set (parser, enrichment and indexing config per sensor), `global` the global config
   * when it changed. Everything is checked and compiled first: a bad config throws a ConfigError
   * naming its file and nothing changes. Then the parse workers switch (batches already handed to
   * them finish with the old configs), the index stage re-reads the indexing configs, a new sensor
   * gets its topic and parse loop, and a removed sensor's parse loop stops (its unparsed records
   * stay in its topic). A sensor whose `sensorTopic` changes is taken as removed and added.
   * `indexing`, when given, replaces the indexing configs of sensors without a parser (`error`).
   */
  async reconfigure(sensors: Record<string, PipelineSensor>, global?: Record<string, unknown>, indexing?: PipelineOptions['indexing']): Promise<void> {
    if (this.stopping) throw new MetronError('BUS_CLOSED', 'the pipeline is shutting down');
    this.checkChains(sensors);
    for (const [sensor, c] of Object.entries(sensors)) writerSettings(sensor, c.indexing);
    for (const [sensor, c] of Object.entries(indexing ?? {})) writerSettings(sensor, c);
    const nextGlobal = global ?? this.opts.global ?? {};
    const before = this.opts.sensors;
    const changed = Object.keys(sensors).filter((s) => global !== undefined || JSON.stringify(before[s]?.parser) !== JSON.stringify(sensors[s]?.parser));
    const enrichmentConfigs: Record<string, unknown> = {};
    for (const [s, c] of Object.entries(sensors)) if (c.enrichment !== undefined && c.enrichment !== null) enrichmentConfigs[s] = c.enrichment;
    await this.parsePool.reconfigure(
      Object.fromEntries(Object.entries(sensors).map(([s, c]) => [s, c.parser])),
      nextGlobal,
      {
        configs: enrichmentConfigs,
        global: nextGlobal,
        ...(this.opts.kvPath !== undefined ? { kvPath: this.opts.kvPath } : {}),
        ...(this.opts.configDir !== undefined ? { configDir: this.opts.configDir } : {}),
      },
      changed,
    );
    const topicOf = (all: Record<string, PipelineSensor>, s: string): string | undefined => (all[s] === undefined ? undefined : all[s]?.parser.sensorTopic || s);
    const stopped = Object.keys(before).filter((s) => topicOf(sensors, s) !== topicOf(before, s));
    this.opts.sensors = { ...sensors };
    this.opts.global = nextGlobal;
    if (indexing !== undefined) this.opts.indexing = { ...indexing };
    for (const sensor of new Set([...Object.keys(before), ...Object.keys(sensors), ...Object.keys(this.opts.indexing ?? {})])) this.indexStage.forget(sensor);
    for (const sensor of stopped) {
      const loop = this.parseLoops.get(sensor);
      this.parseLoops.delete(sensor);
      await loop?.stop();
    }
    if (!this.started) return;
    for (const sensor of this.parsedHere()) {
      if (this.parseLoops.has(sensor)) continue;
      await this.opts.bus.createTopic(this.sensorTopic(sensor), { partitions: this.opts.partitions ?? 1 });
      const loop = this.parseLoop(sensor);
      this.parseLoops.set(sensor, loop);
      loop.start();
    }
    this.log.info(`configs reloaded${changed.length > 0 ? ` (parsers rebuilt: ${changed.join(', ')})` : ''}`);
  }

  /**
   * Appends raw records to the sensor's topic; resolves once they are durable in the log, so a
   * source may acknowledge after it. Records over the size limit are refused into the error index.
   */
  async ingest(sensor: string, records: Buffer[]): Promise<void> {
    if (this.stopping) throw new MetronError('BUS_CLOSED', 'the pipeline is shutting down');
    if (!this.opts.sensors[sensor]) throw new MetronError('NOT_FOUND', `unknown sensor '${sensor}'`);
    const accepted: ProducerRecord[] = [];
    let bytes = 0;
    const refused: Buffer[] = [];
    for (const r of records) {
      bytes += r.length;
      if (r.length > this.maxRecordBytes) refused.push(r);
      else accepted.push({ value: r });
    }
    this.metrics.add(sensor, 'received', records.length);
    this.metrics.add(sensor, 'received_bytes', bytes);
    if (accepted.length > 0) await this.producer.send(this.sensorTopic(sensor), accepted);
    for (const r of refused) {
      await this.refuse(sensor, `record of ${r.length} bytes exceeds the ${this.maxRecordBytes}-byte limit`, r, false);
    }
  }

  /**
   * A record refused at the source (oversize, bad framing): counted as received and refused, and
   * written to the error topic with its raw bytes and the reason.
   */
  async refuse(sensor: string, reason: string, raw: Buffer, countReceived = true): Promise<void> {
    if (countReceived) {
      this.metrics.add(sensor, 'received');
      this.metrics.add(sensor, 'received_bytes', raw.length);
    }
    const guid = randomUUID();
    await this.sendErrors([await this.buildError(sensor, 'source', 'source_refused', reason, raw, guid)]);
    this.metrics.add(sensor, 'refused');
  }

  private async buildError(
    sensor: string,
    stage: 'source' | 'parse' | 'enrich' | 'index',
    errorType: ErrorType,
    reason: string,
    raw: Buffer,
    guid: string,
    metadata?: Record<string, unknown>,
  ): Promise<Message> {
    let rawFile: string | undefined;
    if (raw.length > MAX_INLINE_RAW_BYTES) {
      // Too large to inline in the index: keep every byte in a quarantine file.
      const dir = join(this.opts.dataDir, 'quarantine');
      await mkdir(dir, { recursive: true });
      rawFile = join(dir, `${createHash('sha256').update(raw).digest('hex')}.raw`);
      await writeFile(rawFile, raw);
    }
    return errorRecord({ stage, sensor, errorType, reason, raw, guid, ...(rawFile ? { rawFile } : {}), ...(metadata ? { metadata } : {}) });
  }

  private async sendErrors(errors: Message[]): Promise<void> {
    if (errors.length === 0) return;
    await this.producer.send(
      Topics.ERROR,
      errors.map((e) => ({ value: JSON.stringify(e), headers: { [SENSOR_HEADER]: ERROR_SENSOR } })),
    );
  }

  /**
   * The parse stage on one batch of a sensor's raw records. Where this process also runs the enrich
   * stage and the sensor's output goes to `enrichments`, the same worker task enriches the parsed
   * messages too (parse-enrich.ts) and they go straight to `indexing`: the `enrichments` topic would
   * only hand them from this process to itself. Either way the input is committed only after every
   * output (messages, then error records) is durable.
   */
  private async parseBatch(sensor: string, records: ConsumerRecord[]): Promise<void> {
    const started = this.startParse(sensor, records);
    await this.takeParsed(sensor, records, started, await started.task);
  }

  /**
   * Where the index stage takes the parse output here, the parse loop keeps the worker fed: a
   * batch is handed to the worker, then the batch before it (parsed meanwhile) is taken in, so
   * the worker parses while this thread takes in, writes and polls. The batch left with the
   * worker is held (not committed) until it is taken in, by the next batch or an idle poll.
   * A failed parse is handed to the worker again, and the loop retries the batch.
   */
  private async parseAhead(sensor: string, records: ConsumerRecord[]): Promise<void> {
    let queue = this.parsing.get(sensor);
    if (queue === undefined) this.parsing.set(sensor, (queue = []));
    // a retried batch was handed over already
    if (!queue.some((p) => p.records === records)) queue.push({ records, started: this.startParse(sensor, records), first: firstOffsets(records) });
    while (queue.length > 1) await this.takeOldest(sensor, queue);
  }

  /** Takes in every batch of `sensor` still with the worker (an idle poll, a stop). */
  private async finishParsing(sensor: string): Promise<void> {
    const queue = this.parsing.get(sensor);
    while (queue !== undefined && queue.length > 0) await this.takeOldest(sensor, queue);
  }

  private async takeOldest(sensor: string, queue: ParseInFlight[]): Promise<void> {
    const oldest = queue[0] as ParseInFlight;
    let result: ParseEnrichOutput;
    try {
      result = await oldest.started.task;
    } catch (err) {
      oldest.started = this.startParse(sensor, oldest.records);
      throw err;
    }
    await this.takeParsed(sensor, oldest.records, oldest.started, result);
    queue.shift();
  }

  /** Records of a sensor waiting to be parsed after `records`: with the worker, and not yet polled. */
  private upstream(sensor: string, records: ConsumerRecord[]): number {
    let n = this.parseLoops.get(sensor)?.behind() ?? 0;
    for (const p of this.parsing.get(sensor) ?? []) if (p.records !== records) n += p.records.length;
    return n;
  }

  /** Per partition, the first offset held by the index writers or by a batch still with the worker. */
  private heldOf(sensor: string): Map<string, bigint> {
    const held = this.indexStage.held();
    for (const p of this.parsing.get(sensor) ?? []) for (const [key, offset] of p.first) holdLowest(held, key, offset);
    return held;
  }

  /** Hands a batch of raw records to the parse worker (the parse step, fused with enrichment where this process enriches). */
  private startParse(sensor: string, records: ConsumerRecord[]): StartedParse {
    const count = records.length;
    const lengths = new Uint32Array(count);
    const partition: number[] = new Array(count);
    const offset = new Float64Array(count);
    let total = 0;
    for (let i = 0; i < count; i++) {
      const r = records[i] as ConsumerRecord;
      const n = r.value.length;
      lengths[i] = n;
      total += n;
      partition[i] = r.partition;
      offset[i] = Number(r.offset);
    }
    // Every byte is written below: no zero-fill. Its own memory (not the pool's): it is transferred.
    const values = new Uint8Array(Buffer.allocUnsafeSlow(total).buffer, 0, total);
    let at = 0;
    for (const r of records) {
      values.set(r.value, at);
      at += r.value.length;
    }
    const topic = records[0]?.topic ?? this.sensorTopic(sensor);
    const epoch = this.opts.bus.topicEpoch(topic);
    const outputTopic = this.outputTopic(sensor);
    const fused = outputTopic === Topics.ENRICHMENTS && this.runs('enrich');
    const input = {
      sensor,
      topic,
      partition,
      epoch,
      offset,
      values,
      lengths,
      now: Date.now(),
      ...(this.readsMetadata(sensor) ? { keys: records.map((r) => (r.key === null ? null : r.key.toString('utf8'))) } : {}),
    };
    const task = fused ? this.parsePool.parseEnrich(input) : this.parsePool.parse(input);
    // A batch parsed ahead is awaited later: its failure is handled then, not an unhandled rejection now.
    task.catch(() => undefined);
    return { task, fused, epoch, outputTopic };
  }

  /** Takes in what the worker made of a batch: messages to the index stage or the next topic, errors to `error`, counts. */
  private async takeParsed(sensor: string, records: ConsumerRecord[], started: StartedParse, result: ParseEnrichOutput): Promise<void> {
    const { fused, epoch, outputTopic } = started;
    const outputs: Buffer[] = new Array(result.lengths.length);
    const messages = Buffer.from(result.messages.buffer, result.messages.byteOffset, result.messages.byteLength);
    let pos = 0;
    for (let i = 0; i < result.lengths.length; i++) {
      const n = result.lengths[i] as number;
      outputs[i] = messages.subarray(pos, pos + n);
      pos += n;
    }
    const errors: Message[] = [];
    const perRecord = new Map<number, number>();
    for (const e of result.errors) {
      const rec = records[e.record] as ConsumerRecord;
      // Deterministic per raw record too, so a re-delivered bad record is error-indexed once.
      const n = perRecord.get(e.record) ?? 0;
      perRecord.set(e.record, n + 1);
      const guid = recordGuid(epoch, `${rec.topic}#error`, rec.partition, rec.offset, n);
      const type: ErrorType = e.errorType === 'PARSER_INVALID' ? 'parser_invalid' : 'parser_error';
      const raw = e.raw ? Buffer.from(e.raw) : rec.value;
      errors.push(await this.buildError(sensor, 'parse', type, e.reason, raw, guid, e.metadata));
    }
    let enrichFatal = 0;
    if (result.enrich !== undefined) {
      const perSource = new Map<number, number>();
      for (const e of result.enrich.errors) {
        const rec = records[e.source] as ConsumerRecord;
        const n = perSource.get(e.source) ?? 0;
        perSource.set(e.source, n + 1);
        // Its own namespace: the record's parse errors use `#error`.
        const guid = recordGuid(epoch, `${rec.topic}#enrich-error`, rec.partition, rec.offset, n);
        errors.push(await this.buildError(sensor, 'enrich', e.errorType, e.reason, Buffer.from(e.raw), guid));
        if (e.fatal) enrichFatal++;
      }
    }
    // Downstream first, then the error topic; the loop commits the input only after both (and,
    // where the index stage takes the messages here, once its writers no longer hold them).
    if (fused && this.indexesParsed()) {
      this.indexStage.acceptParsed(sensor, records, outputs, result.sources, result.fields, this.upstream(sensor, records));
    } else if (outputs.length > 0) {
      const headers = { [SENSOR_HEADER]: sensor };
      await this.producer.send(fused ? Topics.INDEXING : outputTopic, outputs.map((value): ProducerRecord => ({ value, headers })));
    }
    await this.sendErrors(errors);
    this.metrics.add(sensor, 'parsed', result.parsed);
    // Messages the parser made (with enrichment fused, those enrichment stopped included).
    this.metrics.add(sensor, 'messages', result.enrich?.parsedMessages ?? outputs.length);
    if (fused) {
      this.metrics.add(sensor, 'enriched', outputs.length);
      if (result.enrich !== undefined) {
        let alerts = 0;
        for (const a of result.enrich.alerts) alerts += a;
        if (alerts > 0) this.metrics.add(sensor, 'alerts', alerts);
        if (enrichFatal > 0) this.metrics.add(sensor, 'enrich_errors', enrichFatal);
      }
    }
    // Chained: the next sensor receives them as raw records; for this sensor they are done.
    if (outputTopic !== Topics.ENRICHMENTS) {
      const next = this.knownSensors().find((s) => this.sensorTopic(s) === outputTopic) as string;
      this.metrics.add(sensor, 'forwarded', outputs.length);
      this.metrics.add(next, 'received', outputs.length);
      this.metrics.add(next, 'received_bytes', outputs.reduce((n, v) => n + v.length, 0));
    }
    this.metrics.add(sensor, 'invalid', result.invalid);
    this.metrics.add(sensor, 'errors', result.failed);
    this.metrics.add(sensor, 'filtered', result.filtered);
    this.metrics.add(sensor, 'skipped', result.skipped);
  }

  /**
   * Enrichment, threat intel and triage per the sensor's enrichment config (on the parse workers);
   * messages of sensors without one pass byte for byte. A message a fatal error stopped (a failing
   * triage rule) goes to the error index only; a failing adapter is error-indexed and the message
   * goes on without that adapter's fields, as in Metron.
   */
  private async enrichBatch(records: ConsumerRecord[]): Promise<void> {
    const sensors: string[] = new Array(records.length);
    const toEnrich: number[] = [];
    const enriches = new Map<string, boolean>();
    for (let i = 0; i < records.length; i++) {
      const sensor = (records[i] as ConsumerRecord).headers[SENSOR_HEADER] ?? 'unknown';
      sensors[i] = sensor;
      let yes = enriches.get(sensor);
      if (yes === undefined) enriches.set(sensor, (yes = await this.parsePool.enriches(sensor)));
      if (yes) toEnrich.push(i);
    }
    // Output in input order: pass-through records as they are, enriched ones from the worker.
    const outputs: Array<ProducerRecord | null> = records.map((r) => ({ value: r.value, headers: r.headers, timestamp: r.timestamp }));
    const errors: Message[] = [];
    const alerts = new Map<string, number>();
    if (toEnrich.length > 0) {
      const lengths = new Uint32Array(toEnrich.length);
      let total = 0;
      for (let k = 0; k < toEnrich.length; k++) total += lengths[k] = (records[toEnrich[k] as number] as ConsumerRecord).value.length;
      const values = new Uint8Array(total);
      let at = 0;
      for (const i of toEnrich) {
        const v = (records[i] as ConsumerRecord).value;
        values.set(v, at);
        at += v.length;
      }
      const result = await this.parsePool.enrich({ sensors: toEnrich.map((i) => sensors[i] as string), values, lengths });
      for (const i of toEnrich) outputs[i] = null;
      const buf = Buffer.from(result.messages.buffer, result.messages.byteOffset, result.messages.byteLength);
      let pos = 0;
      for (let k = 0; k < result.lengths.length; k++) {
        const n = result.lengths[k] as number;
        const i = toEnrich[result.inputs[k] as number] as number;
        const rec = records[i] as ConsumerRecord;
        outputs[i] = { value: buf.subarray(pos, pos + n), headers: rec.headers, timestamp: rec.timestamp };
        pos += n;
        if (result.alerts[k] === 1) alerts.set(sensors[i] as string, (alerts.get(sensors[i] as string) ?? 0) + 1);
      }
      const perRecord = new Map<number, number>();
      for (const e of result.errors) {
        const i = toEnrich[e.record] as number;
        const rec = records[i] as ConsumerRecord;
        const n = perRecord.get(i) ?? 0;
        perRecord.set(i, n + 1);
        const guid = recordGuid(this.opts.bus.topicEpoch(rec.topic), `${rec.topic}#error`, rec.partition, rec.offset, n);
        errors.push(await this.buildError(sensors[i] as string, 'enrich', e.errorType, e.reason, rec.value, guid));
        if (e.fatal) this.metrics.add(sensors[i] as string, 'enrich_errors');
      }
    }
    const out = outputs.filter((o): o is ProducerRecord => o !== null);
    if (out.length > 0) await this.producer.send(Topics.INDEXING, out);
    await this.sendErrors(errors);
    const counts = new Map<string, number>();
    for (let i = 0; i < records.length; i++) if (outputs[i] !== null) counts.set(sensors[i] as string, (counts.get(sensors[i] as string) ?? 0) + 1);
    for (const [s, n] of counts) this.metrics.add(s, 'enriched', n);
    for (const [s, n] of alerts) this.metrics.add(s, 'alerts', n);
  }

  /** Records not yet processed, per stage group and topic. */
  async lag(): Promise<LagReading[]> {
    const out: LagReading[] = [];
    for (const g of this.groups()) {
      const ends = await this.opts.bus.offsets(g.topic);
      const committed = await this.opts.bus.groupOffsets(g.group, g.topic);
      let lag = 0;
      let end = 0;
      let done = 0;
      for (const p of ends) {
        const c = committed.find((x) => x.partition === p.partition)?.offset ?? p.earliest;
        const from = c > p.earliest ? c : p.earliest;
        lag += Number(p.latest - from);
        end += Number(p.latest);
        done += Number(from);
      }
      out.push({ sensor: g.sensor, stage: g.stage, topic: g.topic, group: g.group, lag, end, committed: done });
    }
    return out;
  }

  /** Resolves when every stage has committed everything in the log (for tests and drains). */
  async waitIdle(timeoutMs = 30_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const lag = await this.lag();
      if (lag.every((l) => l.lag === 0)) return;
      if (Date.now() > deadline) throw new Error(`pipeline not idle after ${timeoutMs} ms: ${JSON.stringify(lag.filter((l) => l.lag > 0))}`);
      await new Promise((r) => setTimeout(r, 20));
    }
  }

  /** Stops accepting input, lets every stage drain what is in the log, commits and stops. */
  async stop(drainTimeoutMs = 10_000): Promise<void> {
    this.stopping = true;
    // Writers holding partial batches write them now, so the drain can commit everything.
    this.indexStage.draining = true;
    try {
      await this.waitIdle(drainTimeoutMs);
    } catch (err) {
      this.log.warn(`stopping before the pipeline drained: ${errorMessage(err)}`);
    }
    await Promise.all([...this.parseLoops.values(), ...this.loops].map((l) => l.stop()));
    await this.parsePool.close();
  }
}

/** A batch handed to the parse worker: its task, and what taking in its output needs. */
interface StartedParse {
  task: Promise<ParseEnrichOutput>;
  fused: boolean;
  epoch: string;
  outputTopic: string;
}

/** A batch with the parse worker, held until taken in: its records and first offset per partition. */
interface ParseInFlight {
  records: ConsumerRecord[];
  started: StartedParse;
  first: Map<string, bigint>;
}

/** Per partition key, the lowest offset among `records`. */
function firstOffsets(records: ConsumerRecord[]): Map<string, bigint> {
  const first = new Map<string, bigint>();
  let topic: string | undefined;
  let partition = -1;
  for (const r of records) {
    if (r.partition === partition && r.topic === topic) continue;
    topic = r.topic;
    partition = r.partition;
    holdLowest(first, partitionKey(r.topic, r.partition), r.offset);
  }
  return first;
}

/** The store of a process without an index stage: any use is a bug, reported as such. */
function noStore(): SearchStore {
  return new Proxy({} as SearchStore, {
    get: () => () => {
      throw new MetronError('INTERNAL', 'this process runs no index stage and has no search store');
    },
  });
}
