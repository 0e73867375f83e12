// Scenario: embedded pipeline, Bro JSON records from a fixed-seed generator, ingest → parse →
// enrichments → indexing → DuckDB. Reports events/s from first ingest to last indexed, and the
// ingest-to-searchable latency distribution (a record counts as searchable when the index writer
// has committed it to DuckDB, which readers then see).
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
    bus, store, metrics, dataDir: dir, maxBatch: Number(process.env.BENCH_MAX_BATCH ?? 5000),
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
  watching = false;
  await watcher;

  const lat = ackAt.map((a, k) => (doneAt[k] ?? t1) - a).sort((x, y) => x - y);
  const pct = (p) => lat[Math.min(lat.length - 1, Math.floor((p / 100) * lat.length))];
  const total = (await store.search({ indices: ['bro'], query: '*', size: 1 })).total;
  await pipeline.stop();
  await store.close();
  await bus.close();
  await rm(dir, { recursive: true, force: true });
  return {
    records,
    indexed: total,
    mb: Number((bytes / 1e6).toFixed(1)),
    fsync,
    events_per_sec: Math.round(records / ((t1 - t0) / 1000)),
    ingest_events_per_sec: Math.round(records / ((tIngested - t0) / 1000)),
    // CPU of every thread of the process (main, parse workers, DuckDB, libuv), per event: the figure
    // that decides throughput on a machine whose cores are all busy.
    cpu_us_per_event: { user: Number((cpu.user / records).toFixed(1)), system: Number((cpu.system / records).toFixed(1)) },
    // The same CPU by thread (Linux): main (log, stage glue, index JS), the parse worker, DuckDB.
    ...(threads ? { cpu_us_per_event_by_thread: threads } : {}),
    latency_ms: { p50: Math.round(pct(50)), p90: Math.round(pct(90)), p99: Math.round(pct(99)), max: Math.round(lat[lat.length - 1]) },
    note: 'ingest -> parse -> enrichments (pass-through) -> indexing -> DuckDB, one process, 2-core machine',
  };
}
