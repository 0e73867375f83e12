/**
 * vitest global setup: one OpenSearch node per test run, shared by the test files (see
 * shared-node.ts). It starts in the background right away when the run may include the
 * OpenSearch tests (no file filter, or a filter matching them), so its ~25 s start-up overlaps
 * other tests; otherwise it starts only if a test file asks for it. Teardown stops it.
 */
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stopDetachedNode } from '../local-node.js';
import { TEST_OPENSEARCH_STATE_ENV, TEST_OPENSEARCH_URL_ENV, readNodeRecord, startSharedNode } from './shared-node.js';

/** Paths of the test files that use the node, as vitest filters match them (substrings). */
const OPENSEARCH_TEST_FILES = [
  'packages/storage/src/opensearch/corpus.int.test.ts',
  'packages/storage/src/opensearch/writer.int.test.ts',
  'packages/storage/src/opensearch/alerts.int.test.ts',
  'packages/storage/src/opensearch/auth-tls.int.test.ts',
  'packages/cli/src/start-opensearch.int.test.ts',
];

/** True when the command line has no file filter, or one that selects an OpenSearch test file. */
function runMayIncludeOpenSearch(argv: string[]): boolean {
  const at = argv.findIndex((arg) => arg === 'run' || arg === 'watch' || arg === 'related');
  const filters = (at < 0 ? argv.slice(2) : argv.slice(at + 1)).filter((arg) => !arg.startsWith('-') && !arg.includes('='));
  if (filters.length === 0) return true;
  return filters.some((filter) => OPENSEARCH_TEST_FILES.some((file) => file.includes(filter.replace(/^\.\//, ''))));
}

let stateDir: string | undefined;

export function setup(): void {
  if ((process.env[TEST_OPENSEARCH_URL_ENV] ?? '') !== '') return;
  stateDir = mkdtempSync(join(tmpdir(), 'metron-test-opensearch-'));
  writeFileSync(join(stateDir, 'main.pid'), String(process.pid));
  process.env[TEST_OPENSEARCH_STATE_ENV] = stateDir;
  if (runMayIncludeOpenSearch(process.argv)) {
    // Not awaited: the node comes up while other test files run; its users wait for it.
    void startSharedNode(stateDir, process.pid);
  }
}

export async function teardown(): Promise<void> {
  if (stateDir === undefined) return;
  const dir = stateDir;
  // A start still in progress records its node when done; wait for it so it is stopped too.
  const deadline = Date.now() + 200_000;
  let record = readNodeRecord(dir);
  const started = existsSync(join(dir, 'lock'));
  while (started && record === undefined && Date.now() < deadline) {
    await new Promise((r) => setTimeout(r, 250));
    record = readNodeRecord(dir);
  }
  // Stopped in the background: a node writing its class-data archive takes longer to exit than
  // vitest gives a teardown.
  if (record?.pid !== undefined) stopDetachedNode(record.pid, record.archiveTmp, record.dir);
  rmSync(dir, { recursive: true, force: true });
}
