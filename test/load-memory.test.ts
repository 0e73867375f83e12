/**
 * `metron load` reads its inputs as streams: the built CLI, in a child process whose JavaScript
 * heap is capped well below the input's size, loads a 100 MB IOC list and a 100 MB STIX bundle.
 * Reading either file whole would need a string as large as the file in that heap (and a parsed
 * copy of the bundle), so the process would die with "heap out of memory" instead.
 */
import { closeSync, mkdtempSync, openSync, rmSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EnrichmentTables, openLmdbStore } from '@metron/storage';
import { runCli } from './helpers.js';

const HEAP_MB = 64;
const FILE_BYTES = 100 * 1024 * 1024;

/** The built CLI in a child process whose JavaScript heap is capped at HEAP_MB. */
const metron = (args: string[]) => runCli(args, '', [`--max-old-space-size=${HEAP_MB}`]);

/** Writes `total` bytes made by `piece(i)` to a file, a megabyte at a time; returns how many pieces. */
function generate(path: string, head: string, piece: (i: number) => string, tail: string): number {
  const fd = openSync(path, 'w');
  let written = writeSync(fd, head);
  let n = 0;
  let buffer = '';
  while (written + buffer.length < FILE_BYTES) {
    buffer += piece(n++);
    if (buffer.length >= 1 << 20) {
      written += writeSync(fd, buffer);
      buffer = '';
    }
  }
  writeSync(fd, buffer + tail);
  closeSync(fd);
  return n;
}

describe(`metron load in a ${HEAP_MB} MB heap`, () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'metron-load-mem-'));
  });
  afterAll(() => {
    rmSync(dir, { recursive: true, force: true });
  });

  const indicators = (type: string): string[] => {
    const tables = new EnrichmentTables(openLmdbStore({ path: join(dir, 'data', 'kv'), readOnly: true }));
    try {
      return [...tables.indicators('threatintel', 't', type)];
    } finally {
      void tables.store.close();
    }
  };

  it('loads a 100 MB IOC list line by line', async () => {
    const note = `# ${'n'.repeat(8000)}\n`;
    const list = join(dir, 'iocs.txt');
    // every 10th line an address, the rest long comments (skipped, so the test spends its time reading)
    const lines = generate(list, '', (i) => (i % 10 === 0 ? `10.${(i >> 16) & 255}.${(i >> 8) & 255}.${i & 255}\n` : note), '');
    const run = await metron(['load', 'list', '-i', list, '--type', 'malicious_ip', '-q', '--data-dir', join(dir, 'data')]);
    expect(run.stderr).not.toContain('heap out of memory');
    expect(run.code).toBe(0);
    expect(JSON.parse(run.stdout)).toMatchObject({ lines, loaded: Math.ceil(lines / 10), skipped: lines - Math.ceil(lines / 10), failed: 0 });
    expect(indicators('malicious_ip')).toHaveLength(Math.ceil(lines / 10));
  }, 120_000);

  it('loads a 100 MB STIX bundle object by object', async () => {
    // a custom property the table rows do not keep: the file is large, the rows small
    const padding = 'p'.repeat(16_000);
    const bundle = join(dir, 'bundle.json');
    const objects = generate(bundle, '{"type": "bundle", "id": "bundle--00000000-0000-4000-8000-000000000000", "objects": [', (i) => `${i === 0 ? '' : ',\n'}${JSON.stringify({
      type: 'indicator', spec_version: '2.1', id: `indicator--00000000-0000-4000-8000-${String(i).padStart(12, '0')}`,
      created: '2024-01-01T00:00:00Z', modified: '2024-01-01T00:00:00Z', valid_from: '2024-01-01T00:00:00Z',
      pattern_type: 'stix', pattern: `[domain-name:value = 'host${i}.example']`, x_padding: padding,
    })}`, ']}');
    const run = await metron(['load', 'stix', '-i', bundle, '-q', '--data-dir', join(dir, 'data')]);
    expect(run.stderr).not.toContain('heap out of memory');
    expect(run.code).toBe(0);
    expect(JSON.parse(run.stdout)).toMatchObject({ records: objects, indicators: objects, loaded: objects, failed: 0 });
    const loaded = indicators('malicious_domain');
    expect(loaded).toHaveLength(objects);
    expect(loaded).toContain(`host${objects - 1}.example`);
  }, 120_000);

  it('loads a 100 MB identity log record by record', async () => {
    const note = 'x'.repeat(4000);
    const log = join(dir, 'identities.csv');
    const t0 = Date.UTC(2026, 0, 1);
    const records = generate(log, 'ip,user,timestamp,note\n', (i) => `10.9.${(i >> 8) & 3}.${i & 255},user${i},${t0 + i * 1000},${note}\n`, '');
    const run = await metron(['load', 'identities', '-i', log, '--retention', '3650d', '-q', '--data-dir', join(dir, 'data')]);
    expect(run.stderr).not.toContain('heap out of memory');
    expect(run.code).toBe(0);
    expect(JSON.parse(run.stdout)).toMatchObject({ records, loaded: records, failed: 0, addresses: Math.min(records, 1024) });
    const store = openLmdbStore({ path: join(dir, 'data', 'kv'), readOnly: true });
    try {
      // the newest record of the last address, 10.9.3.255, is the last one of its kind in the file
      const last = records - 1 - ((records - 1 - 1023) % 1024);
      const history = JSON.parse(store.get('identities', '10.9.3.255')!) as Array<{ user: string }>;
      expect(history.at(-1)!.user).toBe(`user${last}`);
    } finally {
      await store.close();
    }
  }, 120_000);
});
