import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { busContract } from '../test-support/contract.js';
import { openLocalLog } from '../index.js';

busContract('local log', () => {
  const dir = mkdtemp(join(tmpdir(), 'metron-bus-contract-'));
  return {
    open: async () => openLocalLog({ dir: await dir }),
    name: (base) => base,
    // The local log assigns partitions when a consumer is created.
    settled: async () => undefined,
    cleanup: async () => rm(await dir, { recursive: true, force: true }),
    joinMs: 100,
    waitMs: 3000,
  };
});
