import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { afterAll, describe, expect, it } from 'vitest';
import { openLocalLog, Pipeline, TelemetryGenerator } from '@metron/pipeline';
import { openDuckDbSearchStore, ParquetArchive } from '@metron/storage';

const README = new URL('../README.md', import.meta.url);
const T0 = Date.UTC(2024, 5, 14, 20);

/** The SQL block of the README's Archive section, exactly as written there. */
async function readmeQuery(): Promise<string> {
  const text = await readFile(README, 'utf8');
  const section = text.slice(text.indexOf('## Archive (Parquet)'));
  const match = /```sql\n([\s\S]*?)```/.exec(section);
  if (match === null) throw new Error('no sql block in the README Archive section');
  return match[1]!;
}

describe('README Archive query', () => {
  let dir: string;
  afterAll(async () => {
    if (dir !== undefined) await rm(dir, { recursive: true, force: true });
  });

  it('runs as written against data archived by the pipeline, counting each message once', async () => {
    dir = await mkdtemp(join(tmpdir(), 'metron-readme-'));
    const dataDir = join(dir, 'data');
    const bus = await openLocalLog({ dir: join(dataDir, 'log') });
    const store = await openDuckDbSearchStore({ path: join(dataDir, 'index.duckdb') });
    const archive = await ParquetArchive.open({ dir: join(dataDir, 'archive'), checkIntervalMs: 0 });
    const pipeline = new Pipeline({
      bus, store, archive, dataDir, parseWorkers: 0,
      sensors: { bro: { parser: { parserClassName: 'org.apache.metron.parsers.bro.BasicBroParser', parserConfig: {} }, indexing: { hdfs: { batchSize: 1 } } } },
    });
    await pipeline.start();
    // Three hours apart: the records span several days.
    let tick = 0;
    const gen = new TelemetryGenerator(77, () => T0 + 3 * 3_600_000 * tick++);
    const raws = Array.from({ length: 40 }, () => gen.bro());
    await pipeline.ingest('bro', raws.map((r) => Buffer.from(r)));
    await pipeline.waitIdle();
    await pipeline.stop();
    // Re-delivery after a crash repeats messages in the archive: append some again.
    const again = (await store.search({ indices: ['bro'], query: '*', size: 10 })).results.map((r) => Buffer.from(JSON.stringify(r.source)));
    await archive.append('bro', again);
    await archive.close();
    await store.close();
    await bus.close();

    // What the query should say, from the raw records.
    const expected = new Map<string, number>();
    for (const raw of raws) {
      const record = Object.values(JSON.parse(raw) as Record<string, { ts: number; 'id.orig_h': string }>)[0]!;
      const key = `${new Date(Math.round(record.ts * 1000)).toISOString().slice(0, 10)}|${record['id.orig_h']}`;
      expected.set(key, (expected.get(key) ?? 0) + 1);
    }
    const expectedRows = [...expected]
      .map(([key, connections]) => ({ day: key.split('|')[0]!, ip_src_addr: key.split('|')[1]!, connections: String(connections) }))
      .sort((a, b) => a.day.localeCompare(b.day) || Number(b.connections) - Number(a.connections) || a.ip_src_addr.localeCompare(b.ip_src_addr));
    expect(new Set(expectedRows.map((r) => r.day)).size).toBeGreaterThan(1);

    // The README's query, byte for byte, with relative paths resolved from the directory holding data/.
    const instance = await DuckDBInstance.create(':memory:');
    const connection = await instance.connect();
    try {
      await connection.run(`SET file_search_path = '${dir.replaceAll("'", "''")}'`);
      const rows = (await connection.runAndReadAll(await readmeQuery())).getRowObjectsJson();
      expect(rows).toEqual(expectedRows);
    } finally {
      connection.closeSync();
      instance.closeSync();
    }
  });
});
