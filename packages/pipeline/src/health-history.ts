/** The file `metron start` keeps its pipeline health samples in across restarts (see health.ts). */
import { readFile } from 'node:fs/promises';
import { errorMessage } from '@metron/core';
import { writeFileAtomic } from './bus/local-log/durable-file.js';
import type { PipelineHealth } from './health.js';

/**
 * Restores the samples kept in `path` into `health`. A missing file is a first start; a file that
 * cannot be read or is not a history is left alone (the next save replaces it) and reported.
 */
export async function restoreHealthHistory(health: PipelineHealth, path: string, warn: (message: string) => void, now = Date.now()): Promise<void> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (err) {
    if ((err as { code?: unknown }).code !== 'ENOENT') warn(`health history ${path} not read: ${errorMessage(err)}`);
    return;
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (err) {
    warn(`health history ${path} ignored: not JSON (${errorMessage(err)})`);
    return;
  }
  const why = health.restore(value, now);
  if (why !== undefined) warn(`health history ${path} ignored: ${why}`);
}

/** Writes the samples of `health` to `path` (replaced atomically). */
export async function saveHealthHistory(health: PipelineHealth, path: string): Promise<void> {
  await writeFileAtomic(path, JSON.stringify(health.history()));
}
