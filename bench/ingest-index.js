// Scenario: embedded pipeline, Bro JSON records from a fixed-seed generator, ingest → parse (+
// enrich, pass-through: no enrichment config) → indexing → DuckDB. Reports events/s from first
// ingest to last indexed, and the ingest-to-searchable latency distribution (a record counts as
// searchable when the index writer has committed it to DuckDB, which readers then see): once
// while ingest outruns the pipeline (the backlog's wait included), and once with ingest paced at
// half the measured rate (`latency_at_half_rate_ms`: what a record sees on a pipeline with room).
// The pipeline runs with the product's batch size (BENCH_MAX_BATCH overrides it) and bulk writes
// (BENCH_BULK_ROWS=0 turns them off, for comparison).
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Pipeline, PipelineMetrics, TelemetryGenerator, openLocalLog } from '@metron/pipeline';
import { openDuckDbSearchStore } from '@metron/storage';
import { threadCpu, threadCpuPerEvent } from './thread-cpu.js';

export async function ingestToIndexed({ records, batch = 1000, fsync = 'always' }) {
  const dir = await mkdtemp(join(tmpdir(), 'metron-bench-'));
  const gen = new TelemetryGenerator(1234, () => 1_700_000_000_000);
  const data = Array.from({ length: records }, () => Buffer.from(gen.bro()));
  const bytes = data.reduce((a, b) => a + b.length, 0);
  const bus = await openLocalLog({ dir: join(dir, 'log'), fsync });
  const store = await openDuckDbSearchStore({ path: join(dir, 'index.duckdb') });
  const metrics = new PipelineMetrics();
  const pipeline = new Pipeline({
    bus, store, metrics, dataDir: dir, ...(process.env.BENCH_MAX_BATCH ? { maxBatch: Number(process.env.BENCH_MAX_BATCH) } : {}), ...(process.env.BENCH_BULK_ROWS !== undefined ? { bulkRows: Number(process.env.BENCH_BULK_ROWS) } : {}),
    sensors: { bro: { parser: { parserClassName: 'org.apache.metron.parsers.bro.BasicBroParser', parserConfig: {} } } },
  });
  await pipeline.start();

  // Ingest-ack time of each batch; the latency of batch k ends when `indexed` passes its last record.
  const ackAt = [];
  const doneAt = [];
  let watching = true;
  const watcher = (async () => {
    let k = 0;
    while (watching || k < ackAt.length) {
      const indexed = metrics.get('bro', 'indexed');
      while (k < ackAt.length && indexed >= (k + 1) * batch) doneAt[k++] = performance.now();
      if (!watching && k >= ackAt.length) break;
      await new Promise((r) => setTimeout(r, 2));
    }
  })();

  const cpu0 = process.cpuUsage();
  const threads0 = threadCpu();
  const t0 = performance.now();
  const inflight = [];
  for (let i = 0; i < records; i += batch) {
    const k = i / batch;
    const p = pipeline.ingest('bro', data.slice(i, i + batch)).then(() => { ackAt[k] = performance.now(); });
    inflight.push(p);
    if (inflight.length >= 4) await inflight.shift();
  }
  await Promise.all(inflight);
  const tIngested = performance.now();
  await pipeline.waitIdle(600_000);
  const t1 = performance.now();
  const cpu = process.cpuUsage(cpu0);
  const threads = threadCpuPerEvent(threads0, threadCpu(), records);
  const lat = ackAt.map((a, k) => (doneAt[k] ?? t1) - a).sort((x, y) => x - y);
  const eventsPerSec = Math.round(records / ((t1 - t0) / 1000));
  // DuckDB folds its WAL into the database file (compressing the columns) once the WAL reaches
  // its threshold (256MB: ~370k of these events), so a run this short defers that work. Done
  // here and counted, it gives the rate the pipeline keeps up for good.
  const tc = performance.now();
  const cpuC = process.cpuUsage();
  await store.checkpoint();
  const checkpointMs = performance.now() - tc;
  const checkpointCpu = process.cpuUsage(cpuC);

  // Paced: batches at half the rate just measured, for a few seconds, same data again (new offsets,
  // so new guids). Latency of batch k: from its ack to `indexed` passing its last record.
  const pacedRate = Math.max(batch, Math.round(eventsPerSec / 2));
  const pacedBatches = Math.max(10, Math.min(records / batch, Math.round((5 * pacedRate) / batch)));
  const base = ackAt.length;
  const tPaced = performance.now();
  const paced = [];
  for (let b = 0; b < pacedBatches; b++) {
    const wait = tPaced + (b * batch * 1000) / pacedRate - performance.now();
    if (wait > 0) await new Promise((r) => setTimeout(r, wait));
    const k = base + b;
    const i = (b * batch) % records;
    paced.push(pipeline.ingest('bro', data.slice(i, i + batch)).then(() => { ackAt[k] = performance.now(); }));
  }
  await Promise.all(paced);
  await pipeline.waitIdle(600_000);
  const t2 = performance.now();
  watching = false;
  await watcher;
  const pacedLat = ackAt.slice(base).map((a, j) => (doneAt[base + j] ?? t2) - a).sort((x, y) => x - y);

  const pct = (xs, p) => xs[Math.min(xs.length - 1, Math.floor((p / 100) * xs.length))];
  const summary = (xs) => ({ p50: Math.round(pct(xs, 50)), p90: Math.round(pct(xs, 90)), p99: Math.round(pct(xs, 99)), max: Math.round(xs[xs.length - 1]) });
  const total = (await store.search({ indices: ['bro'], query: '*', size: 1 })).total;
  if (total !== records + pacedBatches * batch) throw new Error(`indexed ${total} of ${records + pacedBatches * batch} events`);
  await pipeline.stop();
  await store.close();
  await bus.close();
  await rm(dir, { recursive: true, force: true });
  return {
    records,
    indexed: total,
    mb: Number((bytes / 1e6).toFixed(1)),
    fsync,
    events_per_sec: eventsPerSec,
    checkpoint: {
      ms: Math.round(checkpointMs),
      cpu_us_per_event: Number(((checkpointCpu.user + checkpointCpu.system) / records).toFixed(1)),
      events_per_sec_counting_it: Math.round(records / ((t1 - t0 + checkpointMs) / 1000)),
    },
    ingest_events_per_sec: Math.round(records / ((tIngested - t0) / 1000)),
    // CPU of every thread of the process (main, parse workers, DuckDB, libuv), per event: the figure
    // that decides throughput on a machine whose cores are all busy.
    cpu_us_per_event: { user: Number((cpu.user / records).toFixed(1)), system: Number((cpu.system / records).toFixed(1)) },
    // The same CPU by thread (Linux): main (log, stage glue, index JS), the parse worker, DuckDB.
    ...(threads ? { cpu_us_per_event_by_thread: threads } : {}),
    latency_ms: summary(lat),
    latency_at_half_rate_ms: { events_per_sec: pacedRate, batches: pacedBatches, ...summary(pacedLat) },
    note: 'ingest -> parse + enrich (pass-through) -> indexing -> DuckDB, one process, 2-core machine; fsync per append batch',
  };
}
