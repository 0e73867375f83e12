/**
 * Scale-out on a real Kafka broker: `metron worker` processes per stage, configs from the config
 * topic, and the faults of issue 8 (SIGKILL of workers mid-stream, a broker restart, poison
 * records, a live config change). The workers run the built CLI (`npm run build` first; `npm test`
 * does). This file runs its own broker: it uses Metron's fixed topic names and restarts it.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LocalKafkaBroker, openKafkaBus, type KafkaBus } from '@metron/pipeline';
import { openDuckDbSearchStore, openOpenSearchStore } from '@metron/storage';
import { startScaleOutServer } from './worker-server.js';
import { testOpenSearchUrl } from '../../storage/src/opensearch/test-support/shared-node.js';

const CLI = resolve(dirname(fileURLToPath(import.meta.url)), '..', 'bin', 'metron.js');
const BUILT = resolve(dirname(fileURLToPath(import.meta.url)), '..', 'dist', 'main.js');

let root: string;
let broker: LocalKafkaBroker;
let bus: KafkaBus;
let configDir: string;
let indexDir: string;
const workers = new Set<ChildProcess>();

/** A worker process; resolves once it has joined (its log says so). */
async function worker(stage: string, extra: string[] = [], dataDir?: string): Promise<ChildProcess & { log: string[] }> {
  const dir = dataDir ?? (stage === 'index' ? indexDir : join(root, `${stage}-data`));
  const child = spawn(process.execPath, [CLI, 'worker', stage, '--brokers', broker.bootstrap, '--data-dir', dir, '--parse-threads', '0', ...extra], {
    stdio: ['ignore', 'pipe', 'pipe'],
  }) as ChildProcess & { log: string[] };
  child.log = [];
  workers.add(child);
  child.once('exit', () => workers.delete(child));
  await new Promise<void>((resolveJoin, reject) => {
    const timer = setTimeout(() => reject(new Error(`worker ${stage} did not start: ${child.log.join('')}`)), 60_000);
    child.stderr!.on('data', (d: Buffer) => {
      child.log.push(d.toString());
      if (d.toString().includes('joined Kafka')) {
        clearTimeout(timer);
        resolveJoin();
      }
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`worker ${stage} exited (${code}): ${child.log.join('')}`));
    });
  });
  return child;
}

async function stopWorker(child: ChildProcess, signal: NodeJS.Signals = 'SIGTERM'): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((r) => child.once('exit', r));
  child.kill(signal);
  await exited;
}

/** One unique Bro conn line per sequence number. */
function broLine(i: number): string {
  return JSON.stringify({ conn: { ts: 1_700_000_000 + i / 1000, uid: `C${i}`, 'id.orig_h': '10.0.0.1', 'id.orig_p': 1024 + (i % 60000), 'id.resp_h': '10.0.0.2', 'id.resp_p': 80, proto: 'tcp' } });
}

/** Waits until every stage group has committed everything in its topics. */
async function drained(timeoutMs = 120_000): Promise<void> {
  const groups = [
    ['metron_parse_bro', 'bro'],
    ['metron_enrich', 'enrichments'],
    ['metron_index', 'indexing'],
    ['metron_index', 'error'],
  ] as const;
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    let lag = 0;
    const byGroup: string[] = [];
    for (const [group, topic] of groups) {
      const ends = await bus.offsets(topic);
      const committed = new Map((await bus.groupOffsets(group, topic)).map((o) => [o.partition, o.offset]));
      for (const p of ends) {
        const behind = Number(p.latest - (committed.get(p.partition) ?? p.earliest));
        lag += behind;
        if (behind > 0) byGroup.push(`${group}/${topic}/${p.partition}: ${behind}`);
      }
    }
    if (lag === 0) return;
    if (Date.now() > deadline) {
      const logs = [...workers].map((w) => (w as ChildProcess & { log?: string[] }).log?.join('').slice(-3000)).join('\n---\n');
      throw new Error(`not drained after ${timeoutMs} ms: lag ${lag} (${byGroup.join(', ')})\n${logs}`);
    }
    await new Promise((r) => setTimeout(r, 250));
  }
}

/** Counts indexed messages (the index worker must be stopped: DuckDB has one writer process). */
async function countIndexed(index: string, query = '*'): Promise<number> {
  const store = await openDuckDbSearchStore({ path: join(indexDir, 'index', 'metron.duckdb') });
  try {
    return (await store.search({ indices: [index], query, size: 0 })).total;
  } finally {
    await store.close();
  }
}

async function produce(from: number, to: number, batch = 250): Promise<void> {
  const producer = bus.producer();
  for (let i = from; i < to; i += batch) {
    await producer.send('bro', Array.from({ length: Math.min(batch, to - i) }, (_, k) => ({ value: broLine(i + k) })));
  }
}

beforeAll(async () => {
  if (!existsSync(BUILT)) throw new Error(`the CLI is not built (${BUILT}); run \`npm run build\``);
  root = await mkdtemp(join(tmpdir(), 'metron-worker-kafka-'));
  broker = new LocalKafkaBroker({ dir: join(root, 'broker') });
  await broker.start();
  bus = await openKafkaBus({ brokers: [broker.bootstrap], defaultPartitions: 4 });
  configDir = join(root, 'config');
  indexDir = join(root, 'index-data');
  await mkdir(join(configDir, 'parsers'), { recursive: true });
  await mkdir(join(configDir, 'indexing'), { recursive: true });
  await writeFile(join(configDir, 'global.json'), JSON.stringify({ 'kafka.brokers': broker.bootstrap, 'kafka.partitions': 4 }));
  await writeFile(join(configDir, 'parsers', 'bro.json'), JSON.stringify({ parserClassName: 'org.apache.metron.parsers.bro.BasicBroParser', sensorTopic: 'bro', parserConfig: {} }));
  await writeFile(join(configDir, 'indexing', 'bro.json'), JSON.stringify({ elasticsearch: { index: 'bro', batchSize: 200, enabled: true } }));
  await writeFile(join(configDir, 'indexing', 'error.json'), JSON.stringify({ elasticsearch: { index: 'error', batchSize: 50, enabled: true } }));
  const push = spawnSync(process.execPath, [CLI, 'config', 'push', '--config-dir', configDir], { encoding: 'utf8' });
  expect(push.stderr).toContain('published 4 config records');
  expect(push.status).toBe(0);
}, 180_000);

afterAll(async () => {
  await Promise.all([...workers].map((w) => stopWorker(w, 'SIGKILL')));
  await bus?.close();
  await broker?.stop();
  if (root) await rm(root, { recursive: true, force: true });
}, 120_000);

describe('metron worker on Kafka', () => {
  it('refuses to start without brokers, and with a sensor the config topic does not know', async () => {
    const none = spawnSync(process.execPath, [CLI, 'worker', 'parse'], { encoding: 'utf8', env: { ...process.env, METRON_KAFKA_BROKERS: '' } });
    expect(none.status).toBe(1);
    expect(none.stderr).toContain('kafka.brokers');
    const unknown = spawnSync(process.execPath, [CLI, 'worker', 'parse', '--brokers', broker.bootstrap, '--sensors', 'nosuch', '--data-dir', join(root, 'x')], { encoding: 'utf8' });
    expect(unknown.status).toBe(1);
    expect(unknown.stderr).toContain("no parser config for sensor 'nosuch'");
    expect(spawnSync(process.execPath, [CLI, 'worker', 'sideways'], { encoding: 'utf8' }).status).toBe(2);
  }, 60_000);

  it('runs the pipeline with two parse and two enrich workers; SIGKILL of one of each and of the index writer mid-stream loses nothing, duplicates nothing; poison records go to the error index', async () => {
    const parseA = await worker('parse', ['--sensors', 'bro']);
    const parseB = await worker('parse');
    const enrichA = await worker('enrich');
    const enrichB = await worker('enrich');
    const firstIndex = await worker('index');
    await produce(0, 3000);
    // Poison: not JSON for the Bro parser; each goes to the error topic and its partition moves on.
    await bus.producer().send('bro', [{ value: '{"conn": {"ts": ' }, { value: 'not json at all' }, { value: '\u0000\u0001' }]);
    await produce(3000, 4000);
    await stopWorker(parseA, 'SIGKILL');
    await stopWorker(enrichA, 'SIGKILL');
    await produce(4000, 6000);
    // The index writer dies mid-stream too: its successor re-reads what was not committed, and
    // the index keeps each guid once.
    await stopWorker(firstIndex, 'SIGKILL');
    const index = await worker('index');
    await produce(6000, 8000);
    await drained();
    await stopWorker(index);
    expect(await countIndexed('bro')).toBe(8000);
    expect(await countIndexed('bro', 'uid:C7999')).toBe(1);
    expect(await countIndexed('error')).toBe(3);
    // The survivors own every partition now.
    expect(parseB.exitCode).toBeNull();
    expect(enrichB.exitCode).toBeNull();
  }, 300_000);

  it('keeps working through a broker restart, and applies a config pushed to the topic live', async () => {
    const index = await worker('index');
    await produce(8000, 9000);
    await broker.stop();
    await new Promise((r) => setTimeout(r, 1000));
    await broker.start();
    // The test's own client reconnects too.
    await produce(9000, 10_000);
    // A parser change through the config topic: new records carry the added field.
    await writeFile(
      join(configDir, 'parsers', 'bro.json'),
      JSON.stringify({ parserClassName: 'org.apache.metron.parsers.bro.BasicBroParser', sensorTopic: 'bro', parserConfig: {}, fieldTransformations: [{ transformation: 'STELLAR', output: ['deployment'], config: { deployment: "'scaled-out'" } }] }),
    );
    const push = spawnSync(process.execPath, [CLI, 'config', 'push', '--config-dir', configDir], { encoding: 'utf8' });
    expect(push.status).toBe(0);
    await new Promise((r) => setTimeout(r, 3000));
    await produce(10_000, 10_500);
    await drained();
    await stopWorker(index);
    expect(await countIndexed('bro')).toBe(10_500);
    expect(await countIndexed('bro', 'deployment:"scaled-out"')).toBeGreaterThanOrEqual(500);
    expect(await countIndexed('bro', 'uid:C10499 AND deployment:"scaled-out"')).toBe(1);
  }, 300_000);

  it('scales the index stage too with OpenSearch: two index workers, one killed mid-stream, every record indexed once; metron server ingests to Kafka and searches what the workers indexed', async () => {
    const url = await testOpenSearchUrl();
    const index = `kbro${Date.now().toString(36)}`;
    await writeFile(join(configDir, 'global.json'), JSON.stringify({ 'kafka.brokers': broker.bootstrap, 'kafka.partitions': 4, 'index.backend': 'opensearch', 'opensearch.url': url, 'opensearch.index.replicas': 0 }));
    await writeFile(join(configDir, 'indexing', 'bro.json'), JSON.stringify({ elasticsearch: { index, batchSize: 200, enabled: true } }));
    await writeFile(join(configDir, 'indexing', 'error.json'), JSON.stringify({ elasticsearch: { index: `${index}err`, batchSize: 50, enabled: true } }));
    const push = spawnSync(process.execPath, [CLI, 'config', 'push', '--config-dir', configDir], { encoding: 'utf8' });
    expect(push.status).toBe(0);
    const first = await worker('index', [], join(root, 'os-index-1'));
    const second = await worker('index', [], join(root, 'os-index-2'));
    expect(first.log.join('') + second.log.join('')).toContain('writes OpenSearch');
    await produce(20_000, 21_500);
    await stopWorker(first, 'SIGKILL');
    await produce(21_500, 23_000);
    await drained();
    const store = openOpenSearchStore({ urls: [url], replicas: 0 });
    try {
      const deadline = Date.now() + 30_000;
      let total = 0;
      while (Date.now() < deadline && total < 3000) {
        total = (await store.search({ indices: [index], query: '*', size: 0 })).total;
        if (total < 3000) await new Promise((r) => setTimeout(r, 500));
      }
      expect(total).toBe(3000);
      expect((await store.search({ indices: [index], query: 'uid:C22999', size: 0 })).total).toBe(1);

      // metron server: ingest through REST into Kafka, search what the workers indexed.
      const server = await startScaleOutServer({ brokers: [broker.bootstrap], dataDir: join(root, 'server'), port: 0, host: '127.0.0.1', adminPassword: 'admin-password-1', log: { info() {}, warn() {}, error() {} } });
      try {
        const auth = { authorization: `Basic ${Buffer.from('admin:admin-password-1').toString('base64')}` };
        const lines = Array.from({ length: 10 }, (_, i) => broLine(30_000 + i)).join('\n');
        const ingested = await fetch(`${server.url}/api/v1/ingest/bro`, { method: 'POST', headers: { ...auth, 'content-type': 'text/plain' }, body: lines });
        expect(ingested.status).toBeLessThan(300);
        expect((await fetch(`${server.url}/api/v1/ingest/nosuch`, { method: 'POST', headers: { ...auth, 'content-type': 'text/plain' }, body: 'x' })).status).toBe(404);
        let found = 0;
        const until = Date.now() + 60_000;
        while (found < 10 && Date.now() < until) {
          const res = await fetch(`${server.url}/api/v1/search/search`, { method: 'POST', headers: { ...auth, 'content-type': 'application/json' }, body: JSON.stringify({ indices: [index], query: 'uid:C30000 OR uid:C30009 OR uid:C30005', size: 10 }) });
          expect(res.status).toBe(200);
          found = ((await res.json()) as { total: number }).total === 3 ? 10 : 0;
          if (found < 10) await new Promise((r) => setTimeout(r, 500));
        }
        expect(found).toBe(10);
        const metrics = await (await fetch(`${server.url}/metrics`, { headers: auth })).text();
        expect(metrics).toMatch(/metron_kafka_consumer_lag\{group="metron_enrich",topic="enrichments"\} \d+/);
      } finally {
        await server.stop();
      }
    } finally {
      await store.close();
      await stopWorker(second);
    }
  }, 300_000);
});
