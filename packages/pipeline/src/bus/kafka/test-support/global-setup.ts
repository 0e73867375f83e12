/**
 * Vitest global setup: gives the run a state directory for its shared Kafka broker (started
 * lazily by the first test file that needs it, see shared-broker.ts) and stops that broker after
 * the run. A run that needs no Kafka starts no JVM.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stopBrokerProcess } from '../local-broker.js';
import { readSharedState, STATE_DIR_ENV } from './shared-broker.js';

export async function setup(): Promise<() => Promise<void>> {
  const stateDir = await mkdtemp(join(tmpdir(), 'metron-test-kafka-'));
  process.env[STATE_DIR_ENV] = stateDir;
  return async () => {
    const state = await readSharedState(stateDir);
    if (state !== undefined) await stopBrokerProcess(state.pid, 'SIGTERM', 30_000, state.archiveTmp);
    await rm(stateDir, { recursive: true, force: true });
  };
}
