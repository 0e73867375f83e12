/**
 * One Kafka broker shared by every test file of a test run. The vitest global setup
 * (global-setup.ts) names a state directory; the first test file that needs Kafka starts the
 * broker under a lock, later ones (in any worker process) find it running; the global teardown
 * stops it. `METRON_TEST_KAFKA_BROKERS` points the tests at an existing broker instead.
 */
import { existsSync } from 'node:fs';
import { mkdir, readFile, rm, writeFile, rename } from 'node:fs/promises';
import { join } from 'node:path';
import { processAlive } from '@metron/core/node';
import { LocalKafkaBroker, type LocalBrokerState } from '../local-broker.js';

export const STATE_DIR_ENV = 'METRON_TEST_KAFKA_STATE_DIR';
export const BROKERS_ENV = 'METRON_TEST_KAFKA_BROKERS';

/** Takes a directory lock (mkdir is atomic); a lock left by a dead process is broken. */
async function withLock<T>(dir: string, task: () => Promise<T>): Promise<T> {
  const lock = join(dir, 'lock');
  const deadline = Date.now() + 180_000;
  for (;;) {
    try {
      await mkdir(lock);
      await writeFile(join(lock, 'pid'), String(process.pid));
      break;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
      const owner = Number(await readFile(join(lock, 'pid'), 'utf8').catch(() => '0'));
      if (owner > 0 && !processAlive(owner)) await rm(lock, { recursive: true, force: true });
      if (Date.now() > deadline) throw new Error(`Kafka test broker: lock ${lock} held too long`);
      await new Promise((r) => setTimeout(r, 100));
    }
  }
  try {
    return await task();
  } finally {
    await rm(lock, { recursive: true, force: true });
  }
}

/** Reads the state of the run's shared broker, if one was started and is still alive. */
export async function readSharedState(stateDir: string): Promise<LocalBrokerState | undefined> {
  const file = join(stateDir, 'broker.json');
  if (!existsSync(file)) return undefined;
  const state = JSON.parse(await readFile(file, 'utf8')) as LocalBrokerState;
  return processAlive(state.pid) ? state : undefined;
}

/** Bootstrap address of the run's shared broker, starting it on first use. */
export async function sharedKafkaBootstrap(): Promise<string[]> {
  const external = process.env[BROKERS_ENV];
  if (external !== undefined && external.trim() !== '') return external.split(',').map((b) => b.trim());
  const stateDir = process.env[STATE_DIR_ENV];
  if (stateDir === undefined) {
    throw new Error(`Kafka test broker: ${STATE_DIR_ENV} is not set; run the tests through vitest.config.ts (its globalSetup starts the shared broker) or set ${BROKERS_ENV}`);
  }
  await mkdir(stateDir, { recursive: true });
  return withLock(stateDir, async () => {
    const running = await readSharedState(stateDir);
    if (running !== undefined) return [running.bootstrap];
    const broker = new LocalKafkaBroker({ dir: join(stateDir, 'broker'), detached: true, heapMb: 768 });
    await broker.start();
    const state = { ...broker.state(), startMs: broker.lastStartMs };
    await writeFile(join(stateDir, 'broker.json.tmp'), JSON.stringify(state));
    await rename(join(stateDir, 'broker.json.tmp'), join(stateDir, 'broker.json'));
    return [broker.bootstrap];
  });
}
