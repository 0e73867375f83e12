/**
 * Issue 8's slow-writer fault on a real Kafka broker: a `metron worker index` process whose writer
 * is stalled on purpose (the test-only METRON_TEST_INDEX_WRITE_DELAY_FILE, see worker.ts) is fed
 * 100 times more records than its consumer may buffer (`kafka.maxBufferedRecords` from the config
 * dir's global.json). The consumer must pause — the backlog waits in Kafka as lag — the process's
 * resident memory (VmRSS of /proc) must grow far less than buffering the backlog would take (with
 * the cap raised to 1,000,000 it grows ~140 MB for the ~98 MB produced, and this test fails), and
 * once the writer is released and catches up every record must be indexed once. Runs its own broker: the worker uses Metron's fixed topic
 * names. The worker runs the built CLI (`npm run build` first; `npm test` does).
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LocalKafkaBroker, openKafkaBus, type KafkaBus } from '@metron/pipeline';
import { openDuckDbSearchStore } from '@metron/storage';

const CLI = resolve(dirname(fileURLToPath(import.meta.url)), '..', 'bin', 'metron.js');
const BUILT = resolve(dirname(fileURLToPath(import.meta.url)), '..', 'dist', 'main.js');

/** Records produced: 100 times the consumer's buffer cap. */
const RECORDS = 100_000;
const MAX_BUFFERED = 1000;
/** While stalled, each index write waits this long (longer than the backlog's produce and sampling). */
const STALL_MS = 30_000;
const BATCH = 500;
/** Records indexed before the RSS baseline is taken. */
const WARM_UP = 5000;

let root: string;
let broker: LocalKafkaBroker;
let bus: KafkaBus;
let configDir: string;
let child: ChildProcess | undefined;

/** Resident set size of a process in bytes, from /proc/<pid>/status. */
function rssBytes(pid: number): number {
  const m = /^VmRSS:\s+(\d+) kB$/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  if (m === null) throw new Error(`no VmRSS in /proc/${pid}/status`);
  return Number(m[1]) * 1024;
}

/** Records of the `indexing` topic the index worker has not committed yet. */
async function indexLag(): Promise<number> {
  const ends = await bus.offsets('indexing');
  const committed = new Map((await bus.groupOffsets('metron_index', 'indexing')).map((o) => [o.partition, o.offset]));
  return ends.reduce((sum, p) => sum + Number(p.latest - (committed.get(p.partition) ?? p.earliest)), 0);
}

/** Waits until the index worker has committed everything in `indexing`. */
async function drained(log: string[], timeoutMs = 90_000): Promise<number[]> {
  const deadline = Date.now() + timeoutMs;
  const lags: number[] = [];
  for (;;) {
    const lag = await indexLag();
    lags.push(lag);
    if (lag === 0) return lags;
    if (Date.now() > deadline) throw new Error(`index worker not drained: lag ${lag}\n${log.join('').slice(-3000)}`);
    await new Promise((r) => setTimeout(r, 500));
  }
}

/** An enriched Bro message of ~1 KB as the enrich stage writes it to `indexing` (random padding: no compression helps). */
function message(i: number): string {
  return JSON.stringify({
    guid: `slow-${i}`,
    'source:type': 'bro',
    timestamp: 1_700_000_000_000 + i,
    uid: `C${i}`,
    ip_src_addr: '10.0.0.1',
    ip_dst_addr: '10.0.0.2',
    payload: randomBytes(660).toString('base64'),
  });
}

beforeAll(async () => {
  if (!existsSync(BUILT)) throw new Error(`the CLI is not built (${BUILT}); run \`npm run build\``);
  root = await mkdtemp(join(tmpdir(), 'metron-slow-writer-'));
  broker = new LocalKafkaBroker({ dir: join(root, 'broker') });
  await broker.start();
  bus = await openKafkaBus({ brokers: [broker.bootstrap], defaultPartitions: 4 });
  configDir = join(root, 'config');
  await mkdir(join(configDir, 'parsers'), { recursive: true });
  await mkdir(join(configDir, 'indexing'), { recursive: true });
  await writeFile(join(configDir, 'global.json'), JSON.stringify({ 'kafka.brokers': broker.bootstrap, 'kafka.partitions': 4, 'kafka.maxBufferedRecords': MAX_BUFFERED }));
  await writeFile(join(configDir, 'parsers', 'bro.json'), JSON.stringify({ parserClassName: 'org.apache.metron.parsers.bro.BasicBroParser', sensorTopic: 'bro', parserConfig: {} }));
  await writeFile(join(configDir, 'indexing', 'bro.json'), JSON.stringify({ elasticsearch: { index: 'bro', batchSize: BATCH, enabled: true } }));
  const push = spawnSync(process.execPath, [CLI, 'config', 'push', '--config-dir', configDir], { encoding: 'utf8' });
  expect(push.status, push.stderr).toBe(0);
}, 180_000);

afterAll(async () => {
  if (child !== undefined && child.exitCode === null && child.signalCode === null) {
    const exited = new Promise((r) => child!.once('exit', r));
    child.kill('SIGKILL');
    await exited;
  }
  await bus?.close();
  await broker?.stop();
  if (root) await rm(root, { recursive: true, force: true });
}, 120_000);

describe('metron worker index with a slow writer on Kafka', () => {
  it('pauses its consumer while the writer is stalled: the backlog stays in Kafka as lag, RSS grows far less than the produced bytes; once the writer catches up every record is indexed once', async () => {
    const dataDir = join(root, 'index-data');
    const delayFile = join(root, 'write-delay-ms');
    await writeFile(delayFile, '0');
    const log: string[] = [];
    const worker = spawn(process.execPath, [CLI, 'worker', 'index', '--config-dir', configDir, '--data-dir', dataDir], {
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, METRON_TEST_INDEX_WRITE_DELAY_FILE: delayFile },
    });
    child = worker;
    await new Promise<void>((joined, reject) => {
      const timer = setTimeout(() => reject(new Error(`index worker did not start: ${log.join('')}`)), 60_000);
      worker.stderr!.on('data', (d: Buffer) => {
        log.push(d.toString());
        if (log.join('').includes('joined Kafka')) {
          clearTimeout(timer);
          joined();
        }
      });
      worker.once('exit', (code) => {
        clearTimeout(timer);
        reject(new Error(`index worker exited (${code}): ${log.join('')}`));
      });
    });
    expect(log.join('')).toContain('test-only slow writer');
    const pid = worker.pid!;
    const producer = bus.producer();
    const send = async (from: number, to: number): Promise<number> => {
      let bytes = 0;
      for (let i = from; i < to; i += 1000) {
        const values = Array.from({ length: Math.min(1000, to - i) }, (_, k) => message(i + k));
        bytes += values.reduce((n, v) => n + Buffer.byteLength(v), 0);
        await producer.send('indexing', values.map((value) => ({ value, headers: { sensor: 'bro' } })));
      }
      return bytes;
    };
    // Warm-up at full speed: the index table, the archive spool and the client's buffers exist
    // before the baseline is taken.
    await send(RECORDS, RECORDS + WARM_UP);
    await drained(log);
    await new Promise((r) => setTimeout(r, 1000));

    // Stall the writer, then produce the whole backlog as fast as the broker takes it.
    await writeFile(delayFile, String(STALL_MS));
    const baseline = rssBytes(pid);
    let peak = baseline;
    const sampler = setInterval(() => {
      try {
        peak = Math.max(peak, rssBytes(pid));
      } catch {
        // exited: the assertions below say why
      }
    }, 50);
    let producedBytes: number;
    let lags: number[];
    try {
      producedBytes = await send(0, RECORDS);
      // Give the consumer time to fetch all it would if nothing stopped it.
      await new Promise((r) => setTimeout(r, 3000));
      lags = [await indexLag()];
    } finally {
      clearInterval(sampler);
    }
    // The produce is complete and nearly all of it is still in Kafka: the consumer holds at most
    // its cap plus the writer's batch in hand.
    expect(lags[0]).toBeGreaterThan(RECORDS - 5 * MAX_BUFFERED);
    // Buffering the backlog would take at least the produced bytes (~100 MB of values, more as JS
    // objects); a paused consumer holds a few MB of records and at most one fetch response more.
    expect(producedBytes).toBeGreaterThan(RECORDS * 900);
    const growth = peak - baseline;
    expect(growth, `RSS ${Math.round(baseline / 2 ** 20)} MB, peak ${Math.round(peak / 2 ** 20)} MB while ${Math.round(producedBytes / 2 ** 20)} MB waited in Kafka`).toBeLessThan(producedBytes / 4);

    // Release the writer: the paused consumer resumes as it catches up, and the lag falls to 0.
    await writeFile(delayFile, '0');
    lags.push(...(await drained(log)));
    expect(lags.filter((l, i) => i > 0 && l < (lags[i - 1] as number)).length).toBeGreaterThan(3);
    const exited = new Promise((r) => worker.once('exit', r));
    worker.kill('SIGTERM');
    await exited;
    const store = await openDuckDbSearchStore({ path: join(dataDir, 'index', 'metron.duckdb') });
    try {
      expect((await store.search({ indices: ['bro'], query: '*', size: 0 })).total).toBe(RECORDS + WARM_UP);
      expect((await store.search({ indices: ['bro'], query: 'uid:C0', size: 0 })).total).toBe(1);
      expect((await store.search({ indices: ['bro'], query: `uid:C${RECORDS - 1}`, size: 0 })).total).toBe(1);
    } finally {
      await store.close();
    }
  }, 180_000);
});
