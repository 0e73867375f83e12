/**
 * The indexing stage's writers, driven by Metron's sensor indexing config (`indexing/<sensor>.json`,
 * metron-indexing's README): per writer `index`, `batchSize`, `batchTimeout` (seconds), `enabled`.
 *
 * - `elasticsearch` / `solr` (the first present; `search` too) configure the search index writer
 *   (the DuckDB store embedded, OpenSearch scaled out): `index` names the index the sensor's
 *   messages are searched under.
 * - `hdfs` configures the Parquet archive: `index` names its `sensor=` partition.
 * A writer absent from the config runs with Metron's defaults (enabled, index = sensor name,
 * batchSize 1). A message whose search writer is disabled counts as `not_indexed`.
 *
 * Batching: each writer buffers a sensor's messages until `batchSize` are waiting or the oldest has
 * waited `batchTimeout` seconds (1 s when 0 or absent), then writes them all at once; batchSize 1
 * writes every batch the stage takes from the log as it comes. At-least-once holds across the
 * buffering: the stage loop commits a partition's offsets only up to the first message some
 * writer still holds (`held`), so a crash re-delivers every message not yet written by all of its
 * writers. Re-delivered messages are absorbed by the search index (guid) and may repeat in the
 * archive (deduplicate by guid there).
 *
 * Two ways in: records of the `indexing` and `error` topics (`handle`, the index loop), and, in a
 * process that runs every stage, the parse stage's output straight from the parse worker
 * (`acceptParsed`): the `indexing` topic would only hand the messages from this process to itself
 * (an append, an fsync, a read back, a commit). Their offsets are then the sensor topic's, held
 * the same way, so the parse stage commits a raw record only once its messages are written. The
 * parse worker also gives their field types where it knows them (ParseBatchOutput.fields): a
 * write whose messages all came with them hands them to the store, which then reads no line.
 *
 * Writes go in rounds (the due buffers taken out at once), at most two at a time: one writing
 * while the next is prepared (the store builds its batch at once and queues the insert behind the
 * running one). `flushDue('pipelined')` starts a round and returns without waiting for it, so the
 * parse worker parses the next batch meanwhile; with two rounds running, what becomes due waits
 * in the buffers (larger, cheaper writes under load), and the flush waits only when more than
 * `maxWaiting` messages wait, which bounds the memory. Messages being written stay `held` until
 * they are. A failed write gives its messages back to their buffer and the next `flushDue`
 * throws the failure, so the calling loop backs off and retries.
 *
 * Bulk writes, while a sensor is far behind. A store may name the batch size it writes most
 * cheaply (`bulkRows`: DuckDB writes an insert of exactly a row group, 122,880 rows, straight to
 * the database file, past the WAL, which spares the checkpoint most of its work: ~25% less CPU
 * per message in the store). When the parse stage says at least two bulk writes' worth of
 * records wait upstream (`upstream`), the sensor's search buffer (typed messages only, see
 * `fields`) stops being due at its batchSize or batchTimeout: it fills to exactly `bulkRows` and
 * is sealed as one write. Two, because the store has nothing to do while the first one fills: a
 * shorter backlog would lose more than it gains. The buffer stops filling once the backlog can
 * no longer fill it, after `bulkHoldMs`, on an idle poll (`caughtUp`), when draining, or while
 * other sensors hold a bulk write's worth. One bulk write runs at a time, and one sealed behind
 * it makes a pipelined flush wait, which bounds the memory over all sensors to a few bulk writes'
 * worth: one being written, one sealed, and the buffers filling (~100 MB each for Bro messages).
 * A pipeline with room never fills one (nothing waits upstream): latency is untouched.
 */
import { ConfigError, errorMessage, Topics, type Message } from '@metron/core';
import { mergeFields, type ArchiveWriter, type FieldState, type SearchStore } from '@metron/storage';
import type { ConsumerRecord } from './bus/types.js';
import type { PipelineMetrics } from './metrics.js';
import { holdLowest, partitionKey } from './stage-loop.js';

/** A writer entry of Metron's indexing config (`elasticsearch`, `solr`, `hdfs`, ...). */
export interface IndexWriterConfig {
  index?: string;
  enabled?: boolean;
  batchSize?: number;
  /** Seconds. */
  batchTimeout?: number;
}

/** Rounds of writes running at once: one writing, one prepared behind it. */
const MAX_ROUNDS = 2;

/** The writer keys whose settings drive the search index, in order of preference. */
export const SEARCH_WRITERS = ['search', 'elasticsearch', 'solr'] as const;
/** The writer key whose settings drive the Parquet archive (Metron's HDFS writer). */
export const ARCHIVE_WRITER = 'hdfs';
/** Wait for a partial batch when batchSize > 1 and batchTimeout is 0 or absent. */
export const DEFAULT_BATCH_TIMEOUT_MS = 1000;
/** A writer never holds more than this many messages of a sensor, whatever its batchSize. */
export const MAX_WRITER_BATCH = 50_000;
/** How long a search buffer may wait to fill a bulk write (see the file comment). */
export const DEFAULT_BULK_HOLD_MS = 10_000;

const INDEX_NAME = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,199}$/;

/** One writer's settings for one sensor, defaults applied. */
export interface WriterSettings {
  writer: 'search' | 'archive';
  /** The config key the settings came from (`elasticsearch`, `hdfs`...), or null for defaults. */
  key: string | null;
  index: string;
  enabled: boolean;
  batchSize: number;
  batchTimeoutMs: number;
}

function settingsOf(sensor: string, writer: WriterSettings['writer'], key: string | null, cfg: IndexWriterConfig | undefined): WriterSettings {
  const file = `indexing/${sensor}.json`;
  const at = (field: string) => `$.${key ?? writer}.${field}`;
  const index = cfg?.index || sensor;
  if (!INDEX_NAME.test(index)) throw new ConfigError(file, at('index'), `invalid index name ${JSON.stringify(index)}: use letters, digits, '_', '.', '-'`);
  const batchSize = cfg?.batchSize ?? 1;
  if (!Number.isInteger(batchSize) || batchSize < 1) throw new ConfigError(file, at('batchSize'), `expected a positive integer, got ${JSON.stringify(cfg?.batchSize)}`);
  const batchTimeout = cfg?.batchTimeout ?? 0;
  if (typeof batchTimeout !== 'number' || !Number.isFinite(batchTimeout) || batchTimeout < 0) {
    throw new ConfigError(file, at('batchTimeout'), `expected seconds (0 or more), got ${JSON.stringify(cfg?.batchTimeout)}`);
  }
  return {
    writer,
    key,
    index,
    enabled: cfg?.enabled !== false,
    batchSize: Math.min(batchSize, MAX_WRITER_BATCH),
    batchTimeoutMs: batchTimeout > 0 ? batchTimeout * 1000 : DEFAULT_BATCH_TIMEOUT_MS,
  };
}

/** The search and archive writer settings of a sensor from its indexing config; refuses bad values with their path. */
export function writerSettings(sensor: string, indexing: Record<string, IndexWriterConfig | undefined> | undefined): { search: WriterSettings; archive: WriterSettings } {
  const searchKey = SEARCH_WRITERS.find((w) => indexing?.[w] !== undefined && indexing[w] !== null) ?? null;
  const archiveCfg = indexing?.[ARCHIVE_WRITER] ?? undefined;
  return {
    search: settingsOf(sensor, 'search', searchKey, searchKey === null ? undefined : indexing?.[searchKey]),
    archive: settingsOf(sensor, 'archive', archiveCfg === undefined ? null : ARCHIVE_WRITER, archiveCfg),
  };
}

/** Messages of one sensor waiting for one writer. */
interface WriterBuffer {
  sensor: string;
  settings: WriterSettings;
  raws: Buffer[];
  /**
   * The search index's field types of `raws`, given by the parse worker with its messages (see
   * ParseBatchOutput.fields); null once a message came without them (the index then scans them).
   */
  fields: Map<string, FieldState> | null;
  /** When the oldest waiting message arrived (the stage's clock). */
  since: number;
  /** Per partition, the offset of the first waiting message. */
  first: Map<string, bigint>;
  /** The partition last noted in `first` (most records of a batch share one). */
  lastTopic: string | undefined;
  lastPartition: number;
  fromErrorTopic: boolean;
  /** Records of the sensor waiting upstream (not yet parsed), as last told by acceptParsed. */
  upstream: number;
  /** Filling a bulk write: set when the backlog is deep, cleared when it can no longer fill one. */
  filling: boolean;
}

export interface IndexStageOptions {
  /** Indexing config per sensor; sensors not listed (the `error` sensor) get the defaults. */
  indexing: (sensor: string) => Record<string, IndexWriterConfig | undefined> | undefined;
  store: SearchStore;
  archive?: ArchiveWriter;
  metrics: PipelineMetrics;
  now: () => number;
  /** Sensor of a record on the `indexing` / `error` topics. */
  sensorOf(record: ConsumerRecord): string;
  /**
   * Messages the writers' buffers may hold while a write runs before a pipelined flush waits for
   * it (default 10,000).
   */
  maxWaiting?: number;
  /**
   * Messages per search write the store takes most cheaply, written while a sensor is behind
   * (see the file comment); absent or 0: no bulk writes.
   */
  bulkRows?: number;
  /** Longest wait to fill a bulk write, ms (default 10 s). */
  bulkHoldMs?: number;
  /** Builds the error record of a message the search index refused. */
  indexError(sensor: string, reason: string, raw: Buffer): Promise<Message>;
  sendErrors(errors: Message[]): Promise<void>;
}

/** Messages taken out of a buffer for one write. */
interface WriteJob {
  buffer: WriterBuffer;
  raws: Buffer[];
  fields: Map<string, FieldState> | null;
  first: Map<string, bigint>;
  since: number;
  /** A bulk write: a search buffer sealed at `bulkRows` messages. */
  bulk: boolean;
}

/** The indexing stage: buffers per writer and sensor, flushes on size and time. See the file comment. */
export class IndexStage {
  /** When set, every waiting message is due (the pipeline is stopping). */
  draining = false;
  private readonly buffers = new Map<string, WriterBuffer>();
  /** Writes taken out of their buffers and not yet done (held until they are). */
  private readonly inFlight = new Set<WriteJob>();
  /** Rounds of writes running. */
  private readonly rounds = new Set<Promise<void>>();
  /** The first failure of a write since the last flushDue, thrown by the next one. */
  private failure: { err: unknown } | undefined;
  /**
   * Set when a failure was thrown, until a flush is seen through: meanwhile every flush waits for
   * its writes, so a loop retrying a failing store does not take in more batches.
   */
  private recovering = false;
  private readonly settings = new Map<string, { search: WriterSettings; archive: WriterSettings }>();
  /** The batch last taken in; the stage loop retries a failed batch with the same array. */
  private accepted: ConsumerRecord[] | undefined;
  /** Bulk writes sealed and not yet started, oldest first (also in inFlight: held). */
  private readonly sealed: WriteJob[] = [];
  /** Bulk writes taken out of `sealed` and not yet done (one at a time, except when draining). */
  private bulkTaken = 0;

  private readonly maxWaiting: number;
  private readonly bulkRows: number;
  private readonly bulkHoldMs: number;

  constructor(private readonly opts: IndexStageOptions) {
    this.maxWaiting = opts.maxWaiting ?? 10_000;
    this.bulkRows = opts.bulkRows !== undefined && opts.bulkRows > 0 ? Math.floor(opts.bulkRows) : 0;
    this.bulkHoldMs = opts.bulkHoldMs ?? DEFAULT_BULK_HOLD_MS;
  }

  /** The writers of a sensor (validated and cached). */
  writersOf(sensor: string): { search: WriterSettings; archive: WriterSettings } {
    let s = this.settings.get(sensor);
    if (s === undefined) {
      s = writerSettings(sensor, this.opts.indexing(sensor));
      this.settings.set(sensor, s);
    }
    return s;
  }

  /** Forgets a sensor's cached writer settings (its indexing config changed live); the next batch reads them anew. */
  forget(sensor: string): void {
    this.settings.delete(sensor);
  }

  /** Takes a batch from the log into the writers' buffers and writes what is due. */
  async handle(records: ConsumerRecord[]): Promise<void> {
    if (records !== this.accepted) {
      this.accept(records);
      this.accepted = records;
    }
    await this.flushDue();
  }

  /**
   * Takes a sensor's parsed (and enriched) messages straight from the parse stage: `values[k]`
   * was made from `records[sources[k]]`, whose topic, partition and offset it is held under.
   * `fields`: the messages' field types, when the parse worker gives them. `upstream`: records of
   * the sensor waiting to be parsed, at least (for bulk writes; see the file comment).
   */
  acceptParsed(sensor: string, records: ConsumerRecord[], values: Buffer[], sources: Uint32Array, fields?: Map<string, FieldState>, upstream = 0): void {
    if (values.length === 0) return;
    const now = this.opts.now();
    const writers = this.writersOf(sensor);
    const first = records[sources[0] as number] as ConsumerRecord;
    const search = writers.search.enabled ? this.bufferOf(sensor, writers.search, first, now) : undefined;
    const archive = writers.archive.enabled && this.opts.archive !== undefined ? this.bufferOf(sensor, writers.archive, first, now) : undefined;
    if (search === undefined) this.opts.metrics.add(sensor, 'not_indexed', values.length);
    else {
      search.upstream = upstream;
      // Deep enough for bulk writes to pay for the store's wait while the first one fills.
      if (this.bulkRows > 0 && upstream + search.raws.length >= 2 * this.bulkRows) search.filling = true;
      if (search.fields !== null) {
        if (fields === undefined) search.fields = null;
        else mergeFields(search.fields, fields);
      }
    }
    // A typed search buffer is sealed as a bulk write when it reaches bulkRows. The fields of the
    // whole batch go with both parts (a field of one part only becomes a column a write early).
    const bulk = search !== undefined && search.fields !== null && this.bulkRows > 0 ? this.bulkRows : Infinity;
    for (let k = 0; k < values.length; k++) {
      const r = records[sources[k] as number] as ConsumerRecord;
      const value = values[k] as Buffer;
      if (search !== undefined) {
        this.pushValue(search, r, value, now);
        if (search.raws.length >= bulk) this.seal(search, fields);
      }
      if (archive !== undefined) this.pushValue(archive, r, value, now);
    }
  }

  /** Takes a search buffer out as a bulk write, to be started by the next flush; `fields` starts the next buffer's types. */
  private seal(buffer: WriterBuffer, fields: Map<string, FieldState> | undefined): void {
    const job = this.takeOut(buffer);
    job.bulk = true;
    if (fields !== undefined) mergeFields(buffer.fields as Map<string, FieldState>, fields);
    this.sealed.push(job);
  }

  /** Whether a search buffer waits to fill a bulk write (see the file comment); stops filling for good once it cannot. */
  private holding(buffer: WriterBuffer, now: number): boolean {
    if (!buffer.filling) return false;
    buffer.filling = !this.draining
      && buffer.fields !== null
      && buffer.upstream >= this.bulkRows - buffer.raws.length
      && now - buffer.since < this.bulkHoldMs
      && this.heldForBulkByOthers(buffer) < this.bulkRows;
    return buffer.filling;
  }

  /** Messages other sensors hold for bulk writes (filling or sealed): with one bulk write's worth, a buffer stops filling. */
  private heldForBulkByOthers(buffer: WriterBuffer): number {
    let n = 0;
    for (const b of this.buffers.values()) if (b !== buffer && b.filling) n += b.raws.length;
    for (const job of this.sealed) if (job.buffer !== buffer) n += job.raws.length;
    return n;
  }

  private accept(records: ConsumerRecord[]): void {
    const now = this.opts.now();
    const notIndexed = new Map<string, number>();
    // The writers' buffers of the previous record's sensor: a batch mostly holds runs of one sensor.
    let sensor: string | undefined;
    let search: WriterBuffer | undefined;
    let archive: WriterBuffer | undefined;
    for (const r of records) {
      const next = this.opts.sensorOf(r);
      if (next !== sensor) {
        sensor = next;
        const writers = this.writersOf(sensor);
        search = writers.search.enabled ? this.bufferOf(sensor, writers.search, r, now) : undefined;
        archive = writers.archive.enabled && this.opts.archive !== undefined ? this.bufferOf(sensor, writers.archive, r, now) : undefined;
      }
      if (search !== undefined) this.push(search, r, now);
      else notIndexed.set(sensor, (notIndexed.get(sensor) ?? 0) + 1);
      if (archive !== undefined) this.push(archive, r, now);
    }
    for (const [s, n] of notIndexed) this.opts.metrics.add(s, 'not_indexed', n);
  }

  /** The buffer of one writer of a sensor, made on the sensor's first record. */
  private bufferOf(sensor: string, settings: WriterSettings, r: ConsumerRecord, now: number): WriterBuffer {
    const key = `${settings.writer}\u0000${sensor}`;
    let buffer = this.buffers.get(key);
    if (buffer === undefined) {
      buffer = { sensor, settings, raws: [], fields: new Map(), since: now, first: new Map(), lastTopic: undefined, lastPartition: -1, fromErrorTopic: r.topic === Topics.ERROR, upstream: 0, filling: false };
      this.buffers.set(key, buffer);
    }
    return buffer;
  }

  private push(buffer: WriterBuffer, r: ConsumerRecord, now: number): void {
    buffer.fields = null;
    this.pushValue(buffer, r, r.value, now);
  }

  /** Adds a message to a buffer, noting the first offset it holds of the record's partition. */
  private pushValue(buffer: WriterBuffer, r: ConsumerRecord, value: Buffer, now: number): void {
    if (buffer.raws.length === 0) buffer.since = now;
    buffer.raws.push(value);
    if (r.partition === buffer.lastPartition && r.topic === buffer.lastTopic) return;
    buffer.lastTopic = r.topic;
    buffer.lastPartition = r.partition;
    holdLowest(buffer.first, partitionKey(r.topic, r.partition), r.offset);
  }

  /** Per partition, the first offset some writer still holds or is writing (see StageLoopOptions.held). */
  held(): Map<string, bigint> {
    const out = new Map<string, bigint>();
    for (const buffer of this.buffers.values()) for (const [p, offset] of buffer.first) holdLowest(out, p, offset);
    for (const job of this.inFlight) for (const [p, offset] of job.first) holdLowest(out, p, offset);
    return out;
  }

  /** Messages waiting in writer buffers or being written (a message waiting for two writers counts twice). */
  waiting(): number {
    let n = this.buffered();
    for (const job of this.inFlight) n += job.raws.length;
    return n;
  }

  /**
   * Writes every buffer that is full, timed out, or draining, after the writes already running.
   * `wait` (default): resolves when they are written. `pipelined`: resolves once they have
   * started (see the file comment). Throws the failure of an earlier write, whose messages are
   * back in their buffer, due again.
   */
  async flushDue(mode: 'wait' | 'pipelined' = 'wait'): Promise<void> {
    if (mode === 'pipelined' && !this.recovering && this.rounds.size > 0) {
      // Writes are running: start the next round behind them, or leave what is due in the
      // buffers for a later one unless too much waits.
      if (this.rounds.size < MAX_ROUNDS && this.failure === undefined) {
        const jobs = this.takeDue();
        if (jobs.length > 0) this.startRound(jobs);
        // a bulk write sealed behind the one running waits (see pressing)
        if (this.sealed.length === 0) return;
      }
      if (this.pressing() <= this.maxWaiting) return;
    }
    // The rounds running now (a round others start meanwhile takes messages they gave).
    await Promise.all([...this.rounds]);
    this.throwFailure();
    const jobs = this.takeDue();
    if (jobs.length === 0) return;
    const round = this.startRound(jobs);
    if (mode === 'wait' || this.recovering) {
      await round;
      this.throwFailure();
      this.recovering = false;
    }
  }

  /** Messages in the writers' buffers, not yet taken by a write. */
  private buffered(): number {
    let n = 0;
    for (const b of this.buffers.values()) n += b.raws.length;
    return n;
  }

  /** Messages a pipelined flush counts against maxWaiting: those in buffers not filling a bulk write, and sealed bulk writes. */
  private pressing(): number {
    const now = this.opts.now();
    let n = 0;
    for (const b of this.buffers.values()) if (!this.holding(b, now)) n += b.raws.length;
    for (const job of this.sealed) n += job.raws.length;
    return n;
  }

  /**
   * Takes out for writing: a sealed bulk write when none runs (all when draining), then every
   * buffer that is full, timed out or draining, except those filling a bulk write.
   */
  private takeDue(): WriteJob[] {
    const now = this.opts.now();
    const jobs: WriteJob[] = [];
    for (const buffer of this.buffers.values()) {
      if (buffer.raws.length === 0) continue;
      // a bulk write given back after a failure, with what came meanwhile
      if (this.bulkRows > 0 && buffer.settings.writer === 'search' && buffer.fields !== null && buffer.raws.length >= this.bulkRows) {
        this.seal(buffer, undefined);
        continue;
      }
      if (this.holding(buffer, now)) continue;
      const due = this.draining || buffer.raws.length >= buffer.settings.batchSize || now - buffer.since >= buffer.settings.batchTimeoutMs;
      if (due) jobs.push(this.takeOut(buffer));
    }
    // Bulk writes go first: their messages came before what their buffer holds now.
    const bulk: WriteJob[] = [];
    while (this.sealed.length > 0 && (this.bulkTaken === 0 || this.draining)) {
      bulk.push(this.sealed.shift() as WriteJob);
      this.bulkTaken++;
    }
    return bulk.length === 0 ? jobs : bulk.concat(jobs);
  }

  /** Takes a buffer's messages out as a write (held until written). */
  private takeOut(buffer: WriterBuffer): WriteJob {
    const job: WriteJob = { buffer, raws: buffer.raws, fields: buffer.fields, first: buffer.first, since: buffer.since, bulk: false };
    buffer.raws = [];
    buffer.fields = new Map();
    buffer.first = new Map();
    buffer.lastTopic = undefined;
    buffer.lastPartition = -1;
    this.inFlight.add(job);
    return job;
  }

  /** Says that nothing of the sensor waits upstream (its parse stage polled nothing): its search buffer stops filling a bulk write. */
  caughtUp(sensor: string): void {
    for (const buffer of this.buffers.values()) {
      if (buffer.sensor !== sensor) continue;
      buffer.upstream = 0;
      buffer.filling = false;
    }
  }

  /** Resolves when no write is running (for a loop that stops). */
  async settle(): Promise<void> {
    while (this.rounds.size > 0) await Promise.all([...this.rounds]);
  }

  private throwFailure(): void {
    const failure = this.failure;
    if (failure === undefined) return;
    this.failure = undefined;
    this.recovering = true;
    throw failure.err;
  }

  /** Starts a round: its writes one after another; it never rejects (a failure is kept for the next flushDue). */
  private startRound(jobs: WriteJob[]): Promise<void> {
    const round = (async () => {
      for (const job of jobs) {
        try {
          if (job.buffer.settings.writer === 'search') await this.writeSearch(job.buffer, job.raws, job.fields);
          else await this.writeArchive(job.buffer, job.raws);
        } catch (err) {
          this.failure ??= { err };
          this.giveBack(job);
        }
        this.inFlight.delete(job);
        if (job.bulk) this.bulkTaken--;
      }
    })();
    this.rounds.add(round);
    void round.then(() => this.rounds.delete(round));
    return round;
  }

  /** Puts a failed write's messages back in front of their buffer, its offsets held again. */
  private giveBack(job: WriteJob): void {
    const { buffer } = job;
    if (buffer.raws.length === 0 || job.since < buffer.since) buffer.since = job.since;
    buffer.raws = buffer.raws.length === 0 ? job.raws : job.raws.concat(buffer.raws);
    if (job.fields === null) buffer.fields = null;
    else if (buffer.fields !== null) mergeFields(buffer.fields, job.fields);
    for (const [p, offset] of job.first) holdLowest(buffer.first, p, offset);
    buffer.lastTopic = undefined;
    buffer.lastPartition = -1;
  }

  private async writeArchive(buffer: WriterBuffer, raws: Buffer[]): Promise<void> {
    await this.opts.archive!.append(buffer.settings.index, raws);
    this.opts.metrics.add(buffer.sensor, 'archived', raws.length);
  }

  /**
   * Writes to the search index. A refused batch is written in halves, each half that is refused
   * in halves again, down to the messages the index refuses, which go to the error index with the
   * reason (a bulk write with one bad message takes ~2 x 17 writes, not 122,880). Error records
   * themselves have nowhere else to go, so their batch is retried.
   */
  private async writeSearch(buffer: WriterBuffer, raws: Buffer[], fields: Map<string, FieldState> | null): Promise<void> {
    try {
      await this.writeIndex(buffer.settings.index, raws, fields ?? undefined);
      this.opts.metrics.add(buffer.sensor, 'indexed', raws.length);
      return;
    } catch (err) {
      if (buffer.fromErrorTopic) throw err;
      const errors: Message[] = [];
      await this.writeApart(buffer, raws, err, errors);
      await this.opts.sendErrors(errors);
    }
  }

  /** Writes a refused batch in halves (see writeSearch); `failure` is why `raws` was refused. */
  private async writeApart(buffer: WriterBuffer, raws: Buffer[], failure: unknown, errors: Message[]): Promise<void> {
    const { sensor } = buffer;
    if (raws.length === 1) {
      errors.push(await this.opts.indexError(sensor, `index write failed: ${errorMessage(failure)}`, raws[0] as Buffer));
      this.opts.metrics.add(sensor, 'index_errors');
      return;
    }
    const mid = raws.length >>> 1;
    for (const part of [raws.slice(0, mid), raws.slice(mid)]) {
      try {
        await this.writeIndex(buffer.settings.index, part);
        this.opts.metrics.add(sensor, 'indexed', part.length);
      } catch (err) {
        await this.writeApart(buffer, part, err, errors);
      }
    }
  }

  /** Writes raw JSON messages, through the store's byte path when it has one (with their field types when known). */
  private async writeIndex(index: string, raws: Buffer[], fields?: Map<string, FieldState>): Promise<void> {
    const store = this.opts.store as SearchStore & { writeJson?(sensor: string, lines: Buffer[], fields?: Map<string, FieldState>): Promise<void> };
    if (typeof store.writeJson === 'function') return fields === undefined ? store.writeJson(index, raws) : store.writeJson(index, raws, fields);
    const messages = raws.map((r) => {
      try {
        return JSON.parse(r.toString('utf8')) as Message;
      } catch (err) {
        throw new Error(`unreadable message: ${errorMessage(err)}`);
      }
    });
    await store.write(index, messages);
  }
}
