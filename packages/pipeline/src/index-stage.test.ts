import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { afterEach, describe, expect, it } from 'vitest';
import { ConfigError, type Message } from '@metron/core';
import { openDuckDbSearchStore, ParquetArchive, StringifiedFields, type DuckDbSearchStore, type FieldState } from '@metron/storage';
import { openLocalLog } from './bus/index.js';
import type { ConsumerRecord } from './bus/types.js';
import { IndexStage } from './index-stage.js';
import { PipelineMetrics } from './metrics.js';
import { Pipeline, type PipelineOptions, type PipelineSensor } from './pipeline.js';
import { partitionKey } from './stage-loop.js';

const JSON_MAP = { parserClassName: 'org.apache.metron.parsers.json.JSONMapParser', parserConfig: {} };
const T0 = Date.UTC(2026, 2, 14, 9);
const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  while (cleanups.length) await cleanups.pop()!();
});

/** Polls until `check` returns true (waiting for the pipeline's loops, not for a clock). */
async function until(check: () => boolean | Promise<boolean>, what: string, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

/** A local log and a DuckDB store in a temp dir, and a pipeline started on them by `start`; all stopped and removed after the test. */
async function inTempDir(prefix: string) {
  const dir = await mkdtemp(join(tmpdir(), prefix));
  const bus = await openLocalLog({ dir: join(dir, 'log') });
  const store = await openDuckDbSearchStore({ path: join(dir, 'index.duckdb') });
  let pipeline: Pipeline | undefined;
  cleanups.push(async () => {
    await pipeline?.stop(2000);
    await store.close();
    await bus.close();
    await rm(dir, { recursive: true, force: true });
  });
  const start = async (options: Omit<PipelineOptions, 'bus' | 'dataDir'>): Promise<Pipeline> => {
    pipeline = new Pipeline({ bus, dataDir: dir, ...options });
    await pipeline.start();
    return pipeline;
  };
  return { bus, store, start };
}

async function setup(indexing: PipelineSensor['indexing'], errorIndexing?: PipelineSensor['indexing']) {
  const dir = await mkdtemp(join(tmpdir(), 'metron-indexing-'));
  const bus = await openLocalLog({ dir: join(dir, 'log') });
  const store = await openDuckDbSearchStore({ path: join(dir, 'index.duckdb') });
  const archive = await ParquetArchive.open({ dir: join(dir, 'archive'), checkIntervalMs: 0 });
  const clock = { now: T0 };
  const pipeline = new Pipeline({
    bus, store, archive, dataDir: dir, parseWorkers: 0, now: () => clock.now,
    sensors: { json: { parser: JSON_MAP, ...(indexing !== undefined ? { indexing } : {}) } },
    ...(errorIndexing !== undefined ? { indexing: { error: errorIndexing } } : {}),
  });
  await pipeline.start();
  cleanups.push(async () => {
    await pipeline.stop(2000);
    await archive.close();
    await store.close();
    await bus.close();
    await rm(dir, { recursive: true, force: true });
  });
  return { dir, pipeline, store, archive, clock };
}

const events = (from: number, n: number) =>
  Array.from({ length: n }, (_, i) => Buffer.from(JSON.stringify({ n: from + i, host: `h${(from + i) % 3}`, timestamp: T0 + from + i, ratio: (from + i) / 4 })));

async function parquetRows(dir: string, where = ''): Promise<Array<Record<string, unknown>>> {
  const instance = await DuckDBInstance.create(':memory:');
  const connection = await instance.connect();
  try {
    const sql = `SELECT * EXCLUDE (day), CAST(day AS VARCHAR) AS day FROM read_parquet('${join(dir, 'archive')}/**/*.parquet', hive_partitioning = true, union_by_name = true) ${where} ORDER BY n`;
    return (await connection.runAndReadAll(sql)).getRowObjectsJson() as Array<Record<string, unknown>>;
  } finally {
    connection.closeSync();
    instance.closeSync();
  }
}

async function parquetFiles(dir: string): Promise<string[]> {
  const all = (await readdir(join(dir, 'archive'), { recursive: true })) as string[];
  return all.filter((f) => f.endsWith('.parquet')).sort();
}

async function indexed(store: DuckDbSearchStore, index: string) {
  return store.search({ indices: [index], query: '*', size: 1000, sort: [{ field: 'n', sortOrder: 'asc' }] });
}

describe('indexing stage: search index and Parquet archive per the indexing config', () => {
  it('writes every message to the search index and to Parquet, the same fields in both', async () => {
    const { dir, pipeline, store, archive } = await setup(undefined);
    await pipeline.ingest('json', events(0, 30));
    await pipeline.waitIdle();
    await archive.flush();
    const hits = await indexed(store, 'json');
    expect(hits.total).toBe(30);
    const rows = await parquetRows(dir);
    expect(rows).toHaveLength(30);
    for (const [i, row] of rows.entries()) {
      const doc = hits.results[i]!.source;
      expect(row['sensor']).toBe('json');
      expect(row['day']).toBe('2026-03-14');
      for (const field of ['guid', 'host', 'original_string', 'source.type']) expect(row[field]).toBe(doc[field]);
      for (const field of ['n', 'timestamp']) expect(Number(row[field])).toBe(doc[field]);
      expect(row['ratio']).toBe(doc['ratio']);
      expect(Object.keys(row).sort()).toEqual([...Object.keys(doc), 'sensor', 'day'].sort());
    }
    expect(pipeline.metrics.get('json', 'indexed')).toBe(30);
    expect(pipeline.metrics.get('json', 'archived')).toBe(30);
    expect(pipeline.metrics.accounting()['json']).toEqual({ recordsInFlight: 0, messagesInFlight: 0 });
  });

  it('`index` names the search index (elasticsearch) and the archive partition (hdfs)', async () => {
    const { dir, pipeline, store, archive } = await setup({ elasticsearch: { index: 'web_logs' }, hdfs: { index: 'web_archive' } });
    await pipeline.ingest('json', events(0, 5));
    await pipeline.waitIdle();
    await archive.flush();
    expect((await indexed(store, 'web_logs')).total).toBe(5);
    expect((await indexed(store, 'json')).total).toBe(0);
    expect(await store.indices()).toEqual(['web_logs']);
    const files = await parquetFiles(dir);
    expect(files.length).toBe(1);
    expect(files[0]).toMatch(/^sensor=web_archive\/day=2026-03-14\/part-\d+-\d+\.parquet$/);
  });

  it('uses the solr entry when there is no elasticsearch entry', async () => {
    const { pipeline, store } = await setup({ solr: { index: 'from_solr' } });
    await pipeline.ingest('json', events(0, 3));
    await pipeline.waitIdle();
    expect((await indexed(store, 'from_solr')).total).toBe(3);
  });

  it('`enabled: false` on the search writer: not indexed (counted as not_indexed), still archived', async () => {
    const { dir, pipeline, store, archive } = await setup({ elasticsearch: { enabled: false } });
    await pipeline.ingest('json', events(0, 7));
    await pipeline.waitIdle();
    await archive.flush();
    expect(await store.indices()).toEqual([]);
    expect(pipeline.metrics.get('json', 'indexed')).toBe(0);
    expect(pipeline.metrics.get('json', 'not_indexed')).toBe(7);
    expect(pipeline.metrics.get('json', 'archived')).toBe(7);
    expect(pipeline.metrics.accounting()['json']).toEqual({ recordsInFlight: 0, messagesInFlight: 0 });
    expect((await parquetRows(dir)).map((r) => Number(r['n']))).toEqual([0, 1, 2, 3, 4, 5, 6]);
  });

  it('`enabled: false` on hdfs: indexed, no Parquet; both disabled: neither, all counted', async () => {
    const one = await setup({ hdfs: { enabled: false } });
    await one.pipeline.ingest('json', events(0, 4));
    await one.pipeline.waitIdle();
    await one.archive.flush();
    expect((await indexed(one.store, 'json')).total).toBe(4);
    expect(await parquetFiles(one.dir)).toEqual([]);
    expect(one.pipeline.metrics.get('json', 'archived')).toBe(0);

    const both = await setup({ elasticsearch: { enabled: false }, hdfs: { enabled: false } });
    await both.pipeline.ingest('json', events(0, 4));
    await both.pipeline.waitIdle();
    await both.archive.flush();
    expect(await both.store.indices()).toEqual([]);
    expect(await parquetFiles(both.dir)).toEqual([]);
    expect(both.pipeline.metrics.get('json', 'not_indexed')).toBe(4);
    expect(both.pipeline.metrics.accounting()['json']).toEqual({ recordsInFlight: 0, messagesInFlight: 0 });
  });

  it('`batchSize` and `batchTimeout` trigger writes per writer; held messages are not committed', async () => {
    const { pipeline, store, clock } = await setup({
      elasticsearch: { batchSize: 10, batchTimeout: 60 },
      hdfs: { batchSize: 3, batchTimeout: 30 },
    });
    const m = pipeline.metrics;
    // One process runs every stage, so the parse stage hands its messages to the writers and holds
    // the raw records: what a writer holds is uncommitted on the sensor topic.
    const indexLag = async () => (await pipeline.lag()).find((l) => l.stage === 'parse' && l.topic === 'json')!.lag;

    await pipeline.ingest('json', events(0, 2));
    await until(() => pipeline.indexWaiting() === 4, 'two messages waiting in each writer');
    expect(m.get('json', 'indexed')).toBe(0);
    expect(m.get('json', 'archived')).toBe(0);
    expect(await indexLag()).toBe(2);

    await pipeline.ingest('json', events(2, 1));
    await until(() => m.get('json', 'archived') === 3, 'the archive batch of 3');
    expect(m.get('json', 'indexed')).toBe(0);
    expect(pipeline.indexWaiting()).toBe(3);
    // Archived but not indexed: the offsets stay uncommitted until both writers have them.
    expect(await indexLag()).toBe(3);
    expect((await indexed(store, 'json')).total).toBe(0);

    clock.now += 59_999;
    await new Promise((r) => setTimeout(r, 300)); // a few idle polls: not due yet
    expect(m.get('json', 'indexed')).toBe(0);
    clock.now += 1;
    await until(() => m.get('json', 'indexed') === 3, 'the timed-out search batch');
    await until(async () => (await indexLag()) === 0, 'the commit');
    expect((await indexed(store, 'json')).total).toBe(3);

    await pipeline.ingest('json', events(3, 10));
    // The search batch fills at 10; the archive writes whenever 3 or more wait (how the 10 arrive
    // in polls decides whether one or two are left waiting for the timeout).
    // (Both writers' flushes must have run: the search write lands before the archive's.)
    await until(() => m.get('json', 'indexed') === 13 && pipeline.indexWaiting() < 3, 'the full batches');
    expect(m.get('json', 'archived') + pipeline.indexWaiting()).toBe(13);
    clock.now += 30_000;
    await until(() => m.get('json', 'archived') === 13 && pipeline.indexWaiting() === 0, 'the timed-out archive batch');
    await pipeline.waitIdle();
  });

  it('writes what is held when the pipeline stops', async () => {
    const { pipeline, store } = await setup({ elasticsearch: { batchSize: 1000, batchTimeout: 3600 } });
    await pipeline.ingest('json', events(0, 5));
    await until(() => pipeline.indexWaiting() === 5 && pipeline.metrics.get('json', 'archived') === 5, 'held messages');
    expect((await indexed(store, 'json')).total).toBe(0);
    await pipeline.stop(5000);
    expect((await indexed(store, 'json')).total).toBe(5);
  });

  it('applies the `error` sensor\'s indexing config (indexing/error.json) to error records', async () => {
    const { dir, pipeline, store, archive } = await setup(undefined, { elasticsearch: { index: 'parse_failures' }, hdfs: { enabled: false } });
    await pipeline.ingest('json', [Buffer.from('not json'), ...events(0, 2)]);
    await pipeline.waitIdle();
    await archive.flush();
    expect(await store.indices()).toEqual(['json', 'parse_failures']);
    const errors = await store.search({ indices: ['parse_failures'], query: '*', size: 10 });
    expect(errors.total).toBe(1);
    expect(errors.results[0]!.source['failed_sensor_type']).toBe('json');
    expect(await parquetFiles(dir)).toEqual([expect.stringMatching(/^sensor=json\//)]);
  });

  it('refuses bad writer settings at construction, naming the file and key', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'metron-indexing-'));
    cleanups.push(() => rm(dir, { recursive: true, force: true }));
    const bus = await openLocalLog({ dir: join(dir, 'log') });
    cleanups.push(() => bus.close());
    const store = await openDuckDbSearchStore({ path: ':memory:' });
    cleanups.push(() => store.close());
    const make = (indexing: PipelineSensor['indexing']) => () => new Pipeline({ bus, store, dataDir: dir, parseWorkers: 0, sensors: { json: { parser: JSON_MAP, indexing } } });
    expect(make({ elasticsearch: { batchSize: 0 } })).toThrow(ConfigError);
    expect(make({ elasticsearch: { batchSize: 0 } })).toThrow('indexing/json.json: $.elasticsearch.batchSize: expected a positive integer, got 0');
    expect(make({ hdfs: { index: '../x' } })).toThrow('indexing/json.json: $.hdfs.index: invalid index name "../x"');
    expect(make({ solr: { batchTimeout: -1 } })).toThrow('indexing/json.json: $.solr.batchTimeout: expected seconds (0 or more), got -1');
  });
});

describe('indexing stage: parse output straight to the writers, writes overlapping the next batch', () => {
  it('in one process the `indexing` topic is skipped: raw records are committed once their messages are written', async () => {
    const { pipeline, store, dir, archive } = await setup(undefined);
    await pipeline.ingest('json', events(0, 20));
    await pipeline.waitIdle();
    expect((await indexed(store, 'json')).total).toBe(20);
    expect(pipeline.metrics.get('json', 'indexed')).toBe(20);
    expect(pipeline.metrics.accounting()['json']).toEqual({ recordsInFlight: 0, messagesInFlight: 0 });
    const lag = await pipeline.lag();
    expect(lag.find((l) => l.stage === 'index' && l.topic === 'indexing')!.end).toBe(0);
    expect(lag.find((l) => l.stage === 'parse' && l.topic === 'json')).toMatchObject({ lag: 0, committed: 20 });
    await archive.flush();
    expect(await parquetRows(dir)).toHaveLength(20);
  });

  it('a parse stage behind by two bulk writes makes the index write whole bulk writes, then catches up in smaller ones', async () => {
    const { bus, store, start } = await inTempDir('metron-indexing-bulk-');
    const writes: number[] = [];
    const recording = Object.assign(Object.create(store) as DuckDbSearchStore, {
      writeJson: (index: string, lines: Buffer[], fields?: Map<string, FieldState>) => {
        if (index === 'json') writes.push(lines.length);
        return store.writeJson(index, lines, fields);
      },
    });
    // the backlog is in the log before the pipeline starts
    await bus.createTopic('json', { partitions: 1 });
    await bus.producer().send('json', events(0, 300).map((value) => ({ value })));
    const pipeline = await start({ store: recording, parseWorkers: 0, maxBatch: 10, bulkRows: 50, sensors: { json: { parser: JSON_MAP } } });
    await until(() => pipeline.metrics.get('json', 'indexed') === 300, 'the backlog to be indexed');
    expect(writes.reduce((a, n) => a + n, 0)).toBe(300);
    // bulk writes while at least two are waiting (300 - 2 x 50 = 200 records' worth), then smaller ones
    expect(writes.slice(0, 4)).toEqual([50, 50, 50, 50]);
    const all = await store.search({ indices: ['json'], query: '*', size: 1000, sort: [{ field: 'n', sortOrder: 'asc' }] });
    expect(all.results.map((r) => r.source['n'])).toEqual(Array.from({ length: 300 }, (_, i) => i));
    await pipeline.waitIdle();
    expect((await pipeline.lag()).find((l) => l.stage === 'parse' && l.topic === 'json')).toMatchObject({ lag: 0, committed: 300 });
  });

  it('never commits a raw record before its message is written, while batches are with the parse worker or being written', async () => {
    const { store, start } = await inTempDir('metron-indexing-ahead-');
    const pipeline = await start({ store, parseWorkers: 1, maxBatch: 300, sensors: { json: { parser: JSON_MAP } } });
    const committed = async () => (await pipeline.lag()).find((l) => l.stage === 'parse' && l.topic === 'json')!.committed ?? 0;
    const ingest = (async () => {
      for (let b = 0; b < 30; b++) await pipeline.ingest('json', events(b * 200, 200));
    })();
    let samples = 0;
    let partial = 0;
    for (let done = false; !done; samples++) {
      // read the commit first: the count indexed can only grow after it
      const c = await committed();
      const indexed = pipeline.metrics.get('json', 'indexed');
      expect(c).toBeLessThanOrEqual(indexed);
      if (c > 0 && c < 6000) partial++;
      done = c === 6000;
      await new Promise((r) => setTimeout(r, 2));
    }
    await ingest;
    expect((await store.search({ indices: ['json'], query: '*', size: 0 })).total).toBe(6000);
    expect(partial).toBeGreaterThan(0); // the check ran while the stream was under way
  }, 60_000);

  /** An IndexStage over a real store and archive whose writes wait at a gate, or fail once. */
  async function stageWithGate(options: { maxWaiting?: number; bulkRows?: number; bulkHoldMs?: number; now?: () => number } = {}) {
    const dir = await mkdtemp(join(tmpdir(), 'metron-indexing-gate-'));
    const store = await openDuckDbSearchStore({ path: join(dir, 'index.duckdb') });
    const archive = await ParquetArchive.open({ dir: join(dir, 'archive'), checkIntervalMs: 0 });
    const metrics = new PipelineMetrics();
    let gate: { promise: Promise<void>; open: () => void } | undefined;
    const writes: number[] = [];
    /** Per write, whether the stage gave the lines' field types. */
    const typed: boolean[] = [];
    const searchFailures: Error[] = [];
    const gatedStore = Object.assign(Object.create(store) as DuckDbSearchStore, {
      writeJson: async (index: string, lines: Buffer[], fields?: Map<string, FieldState>) => {
        writes.push(lines.length);
        typed.push(fields !== undefined);
        if (gate !== undefined) await gate.promise;
        const failure = searchFailures.shift();
        if (failure !== undefined) throw failure;
        return store.writeJson(index, lines, fields);
      },
    });
    const archiveFailures: Error[] = [];
    const failingArchive = Object.assign(Object.create(archive) as ParquetArchive, {
      append: async (partition: string, lines: Buffer[]) => {
        const failure = archiveFailures.shift();
        if (failure !== undefined) throw failure;
        return archive.append(partition, lines);
      },
    });
    const stage = new IndexStage({
      ...options,
      indexing: () => undefined,
      store: gatedStore,
      archive: failingArchive,
      metrics,
      now: options.now ?? Date.now,
      sensorOf: () => 'json',
      indexError: () => Promise.reject(new Error('not expected')),
      sendErrors: async (errors) => {
        if (errors.length > 0) throw new Error('not expected');
      },
    });
    cleanups.push(async () => {
      gate?.open();
      await stage.settle();
      await archive.close();
      await store.close();
      await rm(dir, { recursive: true, force: true });
    });
    const close = () => {
      let open!: () => void;
      const promise = new Promise<void>((r) => (open = r));
      gate = { promise, open };
      return () => {
        gate = undefined;
        open();
      };
    };
    /** Raw records at offsets [from, from + n) of partition 0 of `json`, each giving one message. */
    const batch = (from: number, n: number) => {
      const records: ConsumerRecord[] = events(from, n).map((value, i) => ({ topic: 'json', partition: 0, offset: BigInt(from + i), timestamp: 0, key: null, value, headers: {} }));
      const values = records.map((r, i) => Buffer.from(JSON.stringify({ ...JSON.parse(r.value.toString()), guid: `g-${from + i}`, 'source.type': 'json' })));
      return { records, values, sources: Uint32Array.from(values.keys()) };
    };
    return { stage, store, metrics, writes, typed, close, archiveFailures, searchFailures, batch, archive };
  }

  /** The fields of messages as the parse worker observes them. */
  const observed = (values: Buffer[]) => {
    const fields = new StringifiedFields();
    for (const value of values) expect(fields.observe(JSON.parse(value.toString()) as Message)).toBe(true);
    return fields.fields;
  };

  it('gives the store the field types that came with the parsed messages, unless a message of the write came without', async () => {
    const { stage, store, typed, batch } = await stageWithGate();
    const scanned = await openDuckDbSearchStore({ path: ':memory:' });
    cleanups.push(() => scanned.close());
    // two batches with their types merge into one write: ratio is BIGINT in the first, DOUBLE in both
    const a = batch(0, 1);
    const b = batch(1, 3);
    stage.acceptParsed('json', a.records, a.values, a.sources, observed(a.values));
    stage.acceptParsed('json', b.records, b.values, b.sources, observed(b.values));
    await stage.flushDue();
    expect(typed).toEqual([true]);
    await scanned.writeJson('json', [...a.values, ...b.values]);
    // a batch without types makes its write scan every line
    const c = batch(4, 2);
    const d = batch(6, 2);
    stage.acceptParsed('json', c.records, c.values, c.sources, observed(c.values));
    stage.acceptParsed('json', d.records, d.values, d.sources);
    await stage.flushDue();
    expect(typed).toEqual([true, false]);
    await scanned.writeJson('json', [...c.values, ...d.values]);
    // as do records taken from a topic
    const e = batch(8, 2);
    stage.acceptParsed('json', e.records, e.values, e.sources, observed(e.values));
    await stage.handle(batch(10, 1).records.map((r) => ({ ...r, value: batch(10, 1).values[0]! })));
    expect(typed).toEqual([true, false, false]);
    await scanned.writeJson('json', [...e.values, ...batch(10, 1).values]);
    expect(store.fields('json')).toEqual(scanned.fields('json'));
    expect(store.fields('json').find((f) => f.field === 'ratio')?.type).toBe('DOUBLE');
    expect((await indexed(store, 'json')).results).toEqual((await indexed(scanned, 'json')).results);
  });

  it('a pipelined flush returns while its write runs, holding the offsets; a second round is prepared behind it, a third waits', async () => {
    const { stage, store, metrics, writes, close, batch } = await stageWithGate();
    const open = close();
    const a = batch(0, 5);
    stage.acceptParsed('json', a.records, a.values, a.sources);
    await stage.flushDue('pipelined');
    await until(() => writes.length === 1, 'the first write to start');
    expect(metrics.get('json', 'indexed')).toBe(0);
    expect(stage.held()).toEqual(new Map([[partitionKey('json', 0), 0n]]));
    expect(stage.waiting()).toBe(10); // search and archive

    // the next batch goes to the store at once, queued behind the running write
    const b = batch(5, 3);
    stage.acceptParsed('json', b.records, b.values, b.sources);
    await stage.flushDue('pipelined');
    await until(() => writes.length === 2, 'the second round to reach the store');
    expect(writes).toEqual([5, 3]);
    // with two rounds running, a third batch waits in the buffers
    const c = batch(8, 2);
    stage.acceptParsed('json', c.records, c.values, c.sources);
    await stage.flushDue('pipelined');
    expect(writes).toEqual([5, 3]);
    expect(stage.waiting()).toBe(20);
    expect(stage.held()).toEqual(new Map([[partitionKey('json', 0), 0n]]));
    open();
    await stage.settle();
    expect(metrics.get('json', 'indexed')).toBe(8);
    expect(stage.held()).toEqual(new Map([[partitionKey('json', 0), 8n]]));
    await stage.flushDue('pipelined');
    await stage.settle();
    expect(writes).toEqual([5, 3, 2]);
    expect(metrics.get('json', 'indexed')).toBe(10);
    expect(metrics.get('json', 'archived')).toBe(10);
    expect(stage.held()).toEqual(new Map());
    expect((await indexed(store, 'json')).results.map((r) => r.source['n'])).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
  });

  it('a pipelined flush waits for the running writes once more than maxWaiting messages wait', async () => {
    const { stage, writes, close, batch } = await stageWithGate({ maxWaiting: 4 });
    const open = close();
    for (const [from, n] of [[0, 5], [5, 3]] as const) {
      const x = batch(from, n);
      stage.acceptParsed('json', x.records, x.values, x.sources);
      await stage.flushDue('pipelined');
    }
    await until(() => writes.length === 2, 'two rounds at the store');
    const c = batch(8, 3); // 6 messages waiting (search and archive): over 4
    stage.acceptParsed('json', c.records, c.values, c.sources);
    let returned = false;
    const flushing = stage.flushDue('pipelined').then(() => (returned = true));
    await new Promise((r) => setTimeout(r, 50));
    expect(returned).toBe(false);
    open();
    await flushing;
    await stage.settle();
    expect(writes).toEqual([5, 3, 3]);
  });

  it('a failed write keeps its messages held; the next flush throws, then waits until a write succeeds', async () => {
    const { stage, metrics, archiveFailures, batch, archive } = await stageWithGate();
    archiveFailures.push(new Error('disk full'));
    const a = batch(10, 4);
    stage.acceptParsed('json', a.records, a.values, a.sources);
    await stage.flushDue('pipelined');
    await stage.settle();
    expect(metrics.get('json', 'indexed')).toBe(4);
    expect(metrics.get('json', 'archived')).toBe(0);
    // The archive's share is back in its buffer, still held: a commit stops before offset 10.
    expect(stage.held()).toEqual(new Map([[partitionKey('json', 0), 10n]]));
    expect(stage.waiting()).toBe(4);

    const b = batch(14, 2);
    stage.acceptParsed('json', b.records, b.values, b.sources);
    await expect(stage.flushDue('pipelined')).rejects.toThrow('disk full');
    // Recovering: a flush now waits for its write, so a retrying loop takes nothing more in.
    archiveFailures.push(new Error('still full'));
    await expect(stage.flushDue('pipelined')).rejects.toThrow('still full');
    expect(stage.waiting()).toBe(6);
    await stage.flushDue('pipelined');
    expect(metrics.get('json', 'archived')).toBe(6); // written before the flush returned
    expect(stage.held()).toEqual(new Map());
    await archive.flush();
    expect(archive.stats.appended).toBe(6);
  });

  describe('bulk writes while the sensor is behind (the store\'s bulkRows)', () => {
    /** The values of the search index, in order of n. */
    const ns = async (store: DuckDbSearchStore) => (await indexed(store, 'json')).results.map((r) => r.source['n']);
    const range = (from: number, to: number) => Array.from({ length: to - from }, (_, i) => from + i);

    it('a deep backlog fills writes of exactly bulkRows; what cannot fill one is written as it comes', async () => {
      const { stage, store, metrics, writes, typed, batch } = await stageWithGate({ bulkRows: 10 });
      // 30 records wait upstream: two bulk writes deep, so the buffer waits to fill one
      for (const [from, upstream] of [[0, 30], [4, 22], [8, 18]] as const) {
        const x = batch(from, 4);
        stage.acceptParsed('json', x.records, x.values, x.sources, observed(x.values), upstream);
        await stage.flushDue('pipelined');
        await stage.settle();
      }
      expect(writes).toEqual([10]);
      expect(metrics.get('json', 'indexed')).toBe(10);
      // 10 and 11 wait in the buffer, held
      expect(stage.held()).toEqual(new Map([[partitionKey('json', 0), 10n]]));
      expect(stage.waiting()).toBe(2);
      // 2 records upstream cannot fill the next one: the buffer is due as usual (batchSize 1)
      const d = batch(12, 4);
      stage.acceptParsed('json', d.records, d.values, d.sources, observed(d.values), 2);
      await stage.flushDue('pipelined');
      await stage.settle();
      expect(writes).toEqual([10, 6]);
      expect(typed).toEqual([true, true]);
      expect(metrics.get('json', 'indexed')).toBe(16);
      expect(metrics.get('json', 'archived')).toBe(16); // the archive is not held
      expect(stage.held()).toEqual(new Map());
      expect(await ns(store)).toEqual(range(0, 16));
    });

    it('does not hold for a shallow backlog, for messages without field types, or without bulkRows', async () => {
      for (const { bulkRows, upstream, typedFields } of [
        { bulkRows: 10, upstream: 15, typedFields: true },
        { bulkRows: 10, upstream: 100, typedFields: false },
        { bulkRows: 0, upstream: 100, typedFields: true },
      ]) {
        const { stage, writes, batch } = await stageWithGate({ bulkRows });
        const x = batch(0, 4);
        stage.acceptParsed('json', x.records, x.values, x.sources, typedFields ? observed(x.values) : undefined, upstream);
        await stage.flushDue('pipelined');
        await stage.settle();
        expect(writes).toEqual([4]);
      }
    });

    it('stops waiting on an idle poll (caughtUp), after bulkHoldMs, and when draining', async () => {
      const clock = { now: T0 };
      const { stage, store, writes, batch } = await stageWithGate({ bulkRows: 10, bulkHoldMs: 5000, now: () => clock.now });
      const accept = (from: number, n: number, upstream: number) => {
        const x = batch(from, n);
        stage.acceptParsed('json', x.records, x.values, x.sources, observed(x.values), upstream);
      };
      const flush = async () => {
        await stage.flushDue('pipelined');
        await stage.settle();
      };
      accept(0, 4, 50);
      await flush();
      expect(writes).toEqual([]);
      stage.caughtUp('json');
      await flush();
      expect(writes).toEqual([4]);

      accept(4, 4, 50);
      clock.now += 4999;
      await flush();
      expect(writes).toEqual([4]);
      clock.now += 1;
      await flush();
      expect(writes).toEqual([4, 4]);

      // draining: the sealed bulk writes all go, then what the buffer holds
      accept(8, 25, 50);
      await stage.flushDue('pipelined'); // the first bulk write starts
      stage.draining = true;
      await stage.flushDue();
      await stage.settle();
      expect(writes).toEqual([4, 4, 10, 10, 5]);
      expect(stage.held()).toEqual(new Map());
      expect(await ns(store)).toEqual(range(0, 33));
    });

    it('a sensor stops filling while other sensors hold a bulk write\'s worth', async () => {
      const { stage, writes, batch } = await stageWithGate({ bulkRows: 10 });
      const accept = (sensor: string, from: number, n: number) => {
        const x = batch(from, n);
        stage.acceptParsed(sensor, x.records, x.values, x.sources, observed(x.values), 50);
      };
      accept('a', 0, 8);
      accept('b', 100, 4); // a holds 8: b may fill too
      await stage.flushDue('pipelined');
      await stage.settle();
      expect(writes).toEqual([]);
      accept('a', 8, 4); // a seals 10 and keeps 2: 12 held by a, so b is written as it is
      await stage.flushDue('pipelined');
      await stage.settle();
      expect(writes).toEqual([10, 4]);
      expect(stage.waiting()).toBe(2);
    });

    it('runs one bulk write at a time: a second one sealed behind it makes the flush wait', async () => {
      const { stage, metrics, writes, close, batch } = await stageWithGate({ bulkRows: 10, maxWaiting: 5 });
      const open = close();
      const a = batch(0, 10);
      stage.acceptParsed('json', a.records, a.values, a.sources, observed(a.values), 40);
      await stage.flushDue('pipelined');
      await until(() => writes.length === 1, 'the first bulk write to start');
      const b = batch(10, 10);
      stage.acceptParsed('json', b.records, b.values, b.sources, observed(b.values), 30);
      let returned = false;
      const flushing = stage.flushDue('pipelined').then(() => (returned = true));
      await new Promise((r) => setTimeout(r, 50));
      expect(returned).toBe(false);
      expect(writes).toEqual([10]);
      expect(stage.held()).toEqual(new Map([[partitionKey('json', 0), 0n]]));
      open();
      await flushing;
      await stage.settle();
      expect(writes).toEqual([10, 10]);
      expect(metrics.get('json', 'indexed')).toBe(20);
    });

    it('a refused bulk write is written again in halves, not message by message', async () => {
      const { stage, store, metrics, writes, searchFailures, batch } = await stageWithGate({ bulkRows: 8 });
      searchFailures.push(new Error('refused once'));
      const a = batch(0, 8);
      stage.acceptParsed('json', a.records, a.values, a.sources, observed(a.values), 40);
      await stage.flushDue('pipelined');
      await stage.settle();
      expect(writes).toEqual([8, 4, 4]);
      expect(metrics.get('json', 'indexed')).toBe(8);
      expect(metrics.get('json', 'index_errors')).toBe(0);
      expect(stage.held()).toEqual(new Map());
      expect(await ns(store)).toEqual(range(0, 8));
    });
  });
});
