/**
 * One OpenSearch node shared by every test file of a run. The run's global setup
 * (global-setup.ts) names a state directory; the first to need the node (the global setup itself
 * when the run may include OpenSearch tests, else the first such test file) takes a lock there,
 * starts the node detached, watching the run's main process, and records its URL; everyone else
 * waits for that record. The global teardown stops it. `METRON_TEST_OPENSEARCH_URL` points the
 * tests at an existing node instead (then nothing is started). Never skipped: without Java and
 * Maven the tests fail with a message saying what to install.
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { startLocalOpenSearch, waitForOpenSearch } from '../local-node.js';

/** The environment variable naming an existing node for the tests. */
export const TEST_OPENSEARCH_URL_ENV = 'METRON_TEST_OPENSEARCH_URL';
/** Set by the global setup for the test workers: the shared node's state directory. */
export const TEST_OPENSEARCH_STATE_ENV = 'METRON_TEST_OPENSEARCH_STATE';

export interface NodeRecord {
  url?: string;
  pid?: number;
  /** The node's temp dir (data and log). */
  dir?: string;
  /** The class-data archive the node writes when it exits (kept by the teardown). */
  archiveTmp?: string;
  error?: string;
  /** Milliseconds from the start request to the node answering. */
  startupMs?: number;
}

/** Starts the shared node unless another process already did; records the outcome. */
export async function startSharedNode(stateDir: string, watchPid: number): Promise<void> {
  try {
    mkdirSync(join(stateDir, 'lock'));
  } catch {
    return; // someone else starts it
  }
  const record = join(stateDir, 'node.json');
  const started = Date.now();
  try {
    const node = await startLocalOpenSearch({ watchPid, heapMb: 512 });
    writeFileSync(record, JSON.stringify({
      url: node.url, pid: node.pid, dir: dirname(node.logFile), startupMs: Date.now() - started, ...(node.archiveTmp !== undefined && { archiveTmp: node.archiveTmp }),
    } satisfies NodeRecord));
  } catch (err) {
    writeFileSync(record, JSON.stringify({ error: err instanceof Error ? err.message : String(err) } satisfies NodeRecord));
  }
}

/** The shared node's record, once written. */
export function readNodeRecord(stateDir: string): NodeRecord | undefined {
  const record = join(stateDir, 'node.json');
  if (!existsSync(record)) return undefined;
  try {
    return JSON.parse(readFileSync(record, 'utf8')) as NodeRecord;
  } catch {
    return undefined; // being written
  }
}

/**
 * The URL of the node the tests use, once it answers: METRON_TEST_OPENSEARCH_URL, else the run's
 * shared node (started here if nobody has yet).
 */
export async function testOpenSearchUrl(timeoutMs = 240_000): Promise<string> {
  const given = process.env[TEST_OPENSEARCH_URL_ENV];
  if (given !== undefined && given !== '') {
    await waitForOpenSearch(given, 60_000);
    return given.replace(/\/+$/, '');
  }
  const stateDir = process.env[TEST_OPENSEARCH_STATE_ENV];
  if (stateDir === undefined || stateDir === '') {
    throw new Error(`${TEST_OPENSEARCH_STATE_ENV} is not set: run the tests through vitest.config.ts (its globalSetup shares one OpenSearch node), or set ${TEST_OPENSEARCH_URL_ENV}`);
  }
  const watchPid = Number(readFileSync(join(stateDir, 'main.pid'), 'utf8'));
  // Starts it when the global setup did not (a run of only some files); a no-op otherwise.
  const starting = startSharedNode(stateDir, watchPid);
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const record = readNodeRecord(stateDir);
    if (record?.error !== undefined) throw new Error(`the shared test OpenSearch node did not start: ${record.error}`);
    if (record?.url !== undefined) {
      await starting;
      await waitForOpenSearch(record.url, Math.max(10_000, deadline - Date.now()));
      return record.url;
    }
    if (Date.now() > deadline) throw new Error(`waited ${Math.round(timeoutMs / 1000)} s for the shared test OpenSearch node`);
    await new Promise((r) => setTimeout(r, 250));
  }
}
