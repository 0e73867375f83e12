/**
 * Vitest global setup: gives the run a state directory for its shared Kafka broker (started
 * lazily by the first test file that needs it, see shared-broker.ts) and stops that broker after
 * the run. A run that needs no Kafka starts no JVM. A broker left by a run that was killed (its
 * owner process is gone) is stopped at the next run's setup.
 */
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { processAlive } from '@metron/core/node';
import { stopBrokerProcess } from '../local-broker.js';
import { readSharedState, STATE_DIR_ENV } from './shared-broker.js';

const PREFIX = 'metron-test-kafka-';

/** Stops brokers of earlier runs whose vitest process died without its teardown. */
async function reapOrphans(): Promise<void> {
  for (const name of await readdir(tmpdir()).catch(() => [] as string[])) {
    if (!name.startsWith(PREFIX)) continue;
    const dir = join(tmpdir(), name);
    const owner = Number(await readFile(join(dir, 'owner.pid'), 'utf8').catch(() => '0'));
    // No owner recorded (being set up now, or an older layout): not ours to judge.
    if (owner === 0 || processAlive(owner)) continue;
    const state = await readSharedState(dir).catch(() => undefined);
    if (state !== undefined) await stopBrokerProcess(state.pid, 'SIGTERM', 30_000, state.archiveTmp);
    await rm(dir, { recursive: true, force: true });
  }
}

export async function setup(): Promise<() => Promise<void>> {
  await reapOrphans();
  const stateDir = await mkdtemp(join(tmpdir(), PREFIX));
  await writeFile(join(stateDir, 'owner.pid'), String(process.pid));
  process.env[STATE_DIR_ENV] = stateDir;
  return async () => {
    const state = await readSharedState(stateDir);
    if (state !== undefined) await stopBrokerProcess(state.pid, 'SIGTERM', 30_000, state.archiveTmp);
    await rm(stateDir, { recursive: true, force: true });
  };
}
