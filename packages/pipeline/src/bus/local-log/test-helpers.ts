/** Temp directories and small helpers shared by the local log tests. */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Consumer, ConsumerRecord } from '../types.js';

const dirs: string[] = [];

export async function tempDir(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'metron-bus-'));
  dirs.push(dir);
  return dir;
}

export async function removeTempDirs(): Promise<void> {
  await Promise.all(dirs.splice(0).map((dir) => rm(dir, { recursive: true, force: true })));
}

/** Polls until `count` records arrived (or fails after `timeoutMs`). */
export async function pollUntil(consumer: Consumer, count: number, timeoutMs = 3000): Promise<ConsumerRecord[]> {
  const out: ConsumerRecord[] = [];
  const deadline = Date.now() + timeoutMs;
  while (out.length < count && Date.now() < deadline) {
    out.push(...(await consumer.poll(count - out.length, Math.max(1, deadline - Date.now()))));
  }
  return out;
}

export function values(records: ConsumerRecord[]): string[] {
  return records.map((record) => record.value.toString());
}
