// Scenario: the scale-out pipeline on a real Kafka broker (KRaft, kafka_2.13 from Maven Central)
// with `metron worker` processes: 1 worker per stage, then 2 parse + 2 enrich workers (the index
// stage stays one DuckDB writer: two index writers need the shared OpenSearch index). Fixed-seed
// Bro records are produced to the `bro` topic (4 partitions) once the workers have joined; the
// figure is events/s from the first send until every stage group has committed everything.
// CPU per event sums the worker processes and the broker (from /proc), the figure that decides
// throughput when the cores are all busy. The embedded pipeline runs on the same data to compare.
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { LocalKafkaBroker, TelemetryGenerator, openKafkaBus, publishConfigs } from '@metron/pipeline';
import { ingestToIndexed } from './ingest-index.js';

const CLI = resolve(dirname(fileURLToPath(import.meta.url)), '..', 'packages', 'cli', 'bin', 'metron.js');
const CLOCK_TICKS = 100; // USER_HZ on Linux

/** User + system CPU seconds of a process so far (Linux /proc), or 0 when it is gone. */
function procCpuSeconds(pid) {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) / CLOCK_TICKS;
  } catch {
    return 0;
  }
}

function startWorker(stage, brokers, dataDir) {
  const child = spawn(process.execPath, [CLI, 'worker', stage, '--brokers', brokers, '--data-dir', dataDir, '--parse-threads', '0'], { stdio: ['ignore', 'ignore', 'pipe'] });
  let log = '';
  const joined = new Promise((resolveJoin, reject) => {
    child.stderr.on('data', (d) => {
      log += d.toString();
      if (log.includes('joined Kafka')) resolveJoin();
      if (log.length > 100_000) log = log.slice(-10_000);
    });
    child.once('exit', (code) => reject(new Error(`worker ${stage} exited ${code}: ${log.slice(-2000)}`)));
  });
  return { child, joined, stage };
}

async function drained(bus, timeoutMs) {
  const groups = [['metron_parse_bro', 'bro'], ['metron_enrich', 'enrichments'], ['metron_index', 'indexing']];
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    let lag = 0;
    for (const [group, topic] of groups) {
      const ends = await bus.offsets(topic);
      const committed = new Map((await bus.groupOffsets(group, topic)).map((o) => [o.partition, o.offset]));
      for (const p of ends) lag += Number(p.latest - (committed.get(p.partition) ?? p.earliest));
    }
    if (lag === 0) return;
    if (Date.now() > deadline) throw new Error(`not drained after ${timeoutMs} ms (lag ${lag})`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** One run: fresh topics (a fresh broker), `counts` workers per stage, `records` produced. */
async function run(root, data, counts) {
  const broker = new LocalKafkaBroker({ dir: join(root, `broker-${counts.parse}`), fastStart: false, heapMb: 1024 });
  await broker.start();
  const bus = await openKafkaBus({ brokers: [broker.bootstrap], defaultPartitions: 4 });
  const workers = [];
  try {
    await publishConfigs(bus, {
      global: { 'kafka.partitions': 4 },
      parsers: { bro: { parserClassName: 'org.apache.metron.parsers.bro.BasicBroParser', sensorTopic: 'bro', parserConfig: {} } },
      enrichments: {},
      indexing: { bro: { elasticsearch: { index: 'bro', batchSize: 5000, enabled: true } } },
    });
    for (const [stage, n] of Object.entries(counts)) {
      for (let i = 0; i < n; i++) workers.push(startWorker(stage, broker.bootstrap, join(root, `${stage}-${counts.parse}-${i}`)));
    }
    await Promise.all(workers.map((w) => w.joined));
    // Let every group finish its first join before the clock starts.
    await new Promise((r) => setTimeout(r, 5000));
    const cpu0 = workers.map((w) => procCpuSeconds(w.child.pid));
    const brokerCpu0 = procCpuSeconds(broker.pid);
    const producer = bus.producer();
    const t0 = performance.now();
    const inflight = [];
    for (let i = 0; i < data.length; i += 1000) {
      const sent = producer.send('bro', data.slice(i, i + 1000).map((value) => ({ value })));
      // Awaited below; without a handler meanwhile, one failure would end the process before
      // the finally block stops the broker and the workers.
      sent.catch(() => undefined);
      inflight.push(sent);
      if (inflight.length >= 8) await inflight.shift();
    }
    await Promise.all(inflight);
    const tProduced = performance.now();
    await drained(bus, 900_000);
    const t1 = performance.now();
    const workerCpu = workers.reduce((sum, w, i) => sum + procCpuSeconds(w.child.pid) - cpu0[i], 0);
    const brokerCpu = procCpuSeconds(broker.pid) - brokerCpu0;
    return {
      workers: counts,
      events_per_sec: Math.round(data.length / ((t1 - t0) / 1000)),
      produce_events_per_sec: Math.round(data.length / ((tProduced - t0) / 1000)),
      cpu_us_per_event: {
        workers: Number(((workerCpu * 1e6) / data.length).toFixed(1)),
        broker: Number(((brokerCpu * 1e6) / data.length).toFixed(1)),
      },
    };
  } finally {
    for (const w of workers) w.child.kill('SIGKILL');
    await bus.close();
    await broker.stop();
  }
}

export async function kafkaScaleOut({ records = Number(process.env.BENCH_KAFKA_RECORDS ?? 50_000) } = {}) {
  const root = await mkdtemp(join(tmpdir(), 'metron-bench-kafka-'));
  try {
    const gen = new TelemetryGenerator(1234, () => 1_700_000_000_000);
    const data = Array.from({ length: records }, () => Buffer.from(gen.bro()));
    const one = await run(root, data, { parse: 1, enrich: 1, index: 1 });
    const two = await run(root, data, { parse: 2, enrich: 2, index: 1 });
    const embedded = await ingestToIndexed({ records });
    return {
      records,
      one_worker_per_stage: one,
      two_workers_per_stage: two,
      scaling_ratio: Number((two.events_per_sec / one.events_per_sec).toFixed(2)),
      embedded_events_per_sec: embedded.events_per_sec,
      note: 'Kafka 3.9.1 KRaft single broker on 127.0.0.1, 4 partitions per topic, workers as separate processes with parse on their main thread; the index stage is one DuckDB writer in both runs (two need OpenSearch); 2-core machine shared by broker, workers and producer',
    };
  } finally {
    await rm(root, { recursive: true, force: true });
  }
}
