import { appendFile, mkdir, mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { afterEach, describe, expect, it } from 'vitest';
import { messageTimestamp, ParquetArchive, type ParquetArchiveOptions } from './parquet-archive.js';

const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  while (cleanups.length > 0) await cleanups.pop()!();
});

const DAY1 = Date.UTC(2026, 0, 1, 12);
const DAY2 = Date.UTC(2026, 0, 2, 3);

async function tempDir(): Promise<string> {
  const dir = await mkdtemp(path.join(tmpdir(), 'metron-archive-'));
  cleanups.push(() => rm(dir, { recursive: true, force: true }));
  return dir;
}

async function openArchive(dir: string, opts: Partial<ParquetArchiveOptions> = {}): Promise<ParquetArchive> {
  const archive = await ParquetArchive.open({ dir, checkIntervalMs: 0, ...opts });
  cleanups.push(() => archive.close().catch(() => undefined));
  return archive;
}

/** Runs SQL on a fresh DuckDB and returns rows as JSON-friendly objects. */
async function query(sql: string): Promise<Array<Record<string, unknown>>> {
  const instance = await DuckDBInstance.create(':memory:');
  const connection = await instance.connect();
  try {
    return (await connection.runAndReadAll(sql)).getRowObjectsJson() as Array<Record<string, unknown>>;
  } finally {
    connection.closeSync();
    instance.closeSync();
  }
}

const lines = (messages: object[]) => messages.map((m) => Buffer.from(JSON.stringify(m)));

/** Every file under `dir`, relative, sorted. */
async function files(dir: string): Promise<string[]> {
  return ((await readdir(dir, { recursive: true, withFileTypes: true })) as Array<{ name: string; parentPath: string; isFile(): boolean }>)
    .filter((e) => e.isFile())
    .map((e) => path.relative(dir, path.join(e.parentPath, e.name)))
    .sort();
}

describe('ParquetArchive', () => {
  it('writes Hive-partitioned Parquet by sensor and UTC day that read_parquet reads back field by field', async () => {
    const dir = await tempDir();
    const archive = await openArchive(dir, { now: () => DAY2 });
    await archive.append('bro', lines([
      { guid: 'g1', timestamp: DAY1, ip_src_addr: '10.0.0.1', ip_src_port: 5353, 'source.type': 'bro', score: 1.5, is_alert: true, tags: ['a', 'b'], ctx: { k: 1 } },
      { guid: 'g2', timestamp: DAY2, ip_src_addr: '10.0.0.2', ip_src_port: 80, 'source.type': 'bro', score: 2, is_alert: false, 'enrichments.geo.ip_dst_addr.country': 'US' },
      { guid: 'g3', 'source.type': 'bro', note: 'no timestamp: filed under the arrival day' },
    ]));
    await archive.append('snort', lines([{ guid: 's1', timestamp: DAY1, sig_id: 7, 'source.type': 'snort' }]));
    // Nothing is visible until a part is rolled.
    expect((await files(dir)).filter((f) => f.endsWith('.parquet'))).toEqual([]);
    await archive.flush();

    const parquet = (await files(dir)).filter((f) => f.endsWith('.parquet'));
    expect(parquet).toHaveLength(3);
    expect(parquet.map((f) => path.dirname(f)).sort()).toEqual(['sensor=bro/day=2026-01-01', 'sensor=bro/day=2026-01-02', 'sensor=snort/day=2026-01-01']);
    for (const f of parquet) expect(path.basename(f)).toMatch(/^part-\d+-\d+\.parquet$/);
    expect((await files(dir)).filter((f) => !f.endsWith('.parquet'))).toEqual([]);

    const rows = await query(`SELECT * EXCLUDE (day), CAST(day AS VARCHAR) AS day FROM read_parquet('${dir}/**/*.parquet', hive_partitioning = true, union_by_name = true) ORDER BY guid`);
    expect(rows).toEqual([
      { guid: 'g1', timestamp: String(DAY1), ip_src_addr: '10.0.0.1', ip_src_port: '5353', 'source.type': 'bro', score: 1.5, is_alert: true, tags: '["a","b"]', ctx: '{"k":1}', 'enrichments.geo.ip_dst_addr.country': null, note: null, sig_id: null, sensor: 'bro', day: '2026-01-01' },
      { guid: 'g2', timestamp: String(DAY2), ip_src_addr: '10.0.0.2', ip_src_port: '80', 'source.type': 'bro', score: 2, is_alert: false, tags: null, ctx: null, 'enrichments.geo.ip_dst_addr.country': 'US', note: null, sig_id: null, sensor: 'bro', day: '2026-01-02' },
      { guid: 'g3', timestamp: null, ip_src_addr: null, ip_src_port: null, 'source.type': 'bro', score: null, is_alert: null, tags: null, ctx: null, 'enrichments.geo.ip_dst_addr.country': null, note: 'no timestamp: filed under the arrival day', sig_id: null, sensor: 'bro', day: '2026-01-02' },
      { guid: 's1', timestamp: String(DAY1), ip_src_addr: null, ip_src_port: null, 'source.type': 'snort', score: null, is_alert: null, tags: null, ctx: null, 'enrichments.geo.ip_dst_addr.country': null, note: null, sig_id: '7', sensor: 'snort', day: '2026-01-01' },
    ]);
    const types = await query(`SELECT column_name, column_type FROM (DESCRIBE SELECT * FROM read_parquet('${dir}/sensor=bro/**/*.parquet', hive_partitioning = true, union_by_name = true))`);
    const typeOf = Object.fromEntries(types.map((t) => [t['column_name'], t['column_type']]));
    expect(typeOf).toMatchObject({ guid: 'VARCHAR', timestamp: 'BIGINT', ip_src_port: 'BIGINT', score: 'DOUBLE', is_alert: 'BOOLEAN', tags: 'JSON', ctx: 'JSON', day: 'DATE', sensor: 'VARCHAR' });
    const sizes = await Promise.all(parquet.map(async (f) => (await stat(path.join(dir, f))).size));
    expect(archive.stats).toEqual({
      appended: 4, files: 3, rows: 4, bytes: sizes.reduce((a, b) => a + b, 0), rolls: 3, rewrittenParts: 0, rejectedLines: 0, failedRolls: 0,
    });
  });

  it('counts a failed roll and keeps its spool; the retry counts as a roll', async () => {
    const dir = await tempDir();
    const archive = await openArchive(dir, { log: { info: () => undefined, warn: () => undefined, error: () => undefined } });
    // A file where the partition directory must go: the roll cannot create it.
    await writeFile(path.join(dir, 'sensor=bro'), 'in the way');
    await archive.append('bro', lines([{ guid: 'g1', timestamp: DAY1 }]));
    await archive.flush();
    expect(archive.stats).toMatchObject({ appended: 1, files: 0, rows: 0, bytes: 0, rolls: 0, failedRolls: 1 });
    await archive.close();
    await rm(path.join(dir, 'sensor=bro'));
    const reopened = await openArchive(dir);
    await reopened.flush();
    expect(reopened.stats).toMatchObject({ files: 1, rows: 1, rolls: 1, failedRolls: 0 });
    expect(reopened.stats.bytes).toBeGreaterThan(0);
  });

  it('rolls by size and by age (injected clock), each file complete', async () => {
    const dir = await tempDir();
    let now = DAY1;
    const archive = await openArchive(dir, { now: () => now, rollBytes: 2000, rollMs: 60_000 });
    const batch = (from: number, n: number) => lines(Array.from({ length: n }, (_, i) => ({ guid: `g${from + i}`, timestamp: DAY1, pad: 'x'.repeat(80) })));
    await archive.append('bro', batch(0, 10)); // ~1.2 KB: stays open
    await archive.settled();
    expect(archive.openParts()).toEqual([{ sensor: 'bro', day: '2026-01-01', rows: 10, bytes: expect.any(Number) }]);
    await archive.append('bro', batch(10, 10)); // over 2,000 bytes: rolled
    await archive.settled();
    expect(archive.openParts()).toEqual([]);
    expect((await files(dir)).filter((f) => f.endsWith('.parquet'))).toHaveLength(1);

    await archive.append('bro', batch(20, 3));
    now += 59_999;
    await archive.rollDue();
    await archive.settled();
    expect(archive.openParts()).toHaveLength(1);
    now += 1;
    await archive.rollDue();
    await archive.settled();
    expect(archive.openParts()).toEqual([]);
    const parquet = (await files(dir)).filter((f) => f.endsWith('.parquet'));
    expect(parquet).toHaveLength(2);
    const counts = await query(`SELECT filename, count(*) AS n FROM read_parquet('${dir}/**/*.parquet', filename = true) GROUP BY filename ORDER BY n DESC`);
    expect(counts.map((c) => c['n'])).toEqual(['20', '3']);
  });

  it('reads across files whose fields and types changed (union_by_name)', async () => {
    const dir = await tempDir();
    const archive = await openArchive(dir, { now: () => DAY1 });
    await archive.append('fw', lines([{ guid: 'a', timestamp: DAY1, port: 80 }]));
    await archive.flush();
    await archive.append('fw', lines([{ guid: 'b', timestamp: DAY1, port: 'http', action: 'deny' }, { guid: 'c', timestamp: DAY1, port: 443 }]));
    await archive.flush();
    const rows = await query(`SELECT guid, port, action FROM read_parquet('${dir}/**/*.parquet', hive_partitioning = true, union_by_name = true) ORDER BY guid`);
    expect(rows).toEqual([
      { guid: 'a', port: '80', action: null },
      { guid: 'b', port: 'http', action: 'deny' },
      { guid: 'c', port: '443', action: null },
    ]);
  });

  it('archives what DuckDB cannot read as is: unpaired surrogates, duplicate keys, case twins, partition-named fields; rejects non-objects by line number', async () => {
    const dir = await tempDir();
    const warnings: string[] = [];
    const archive = await openArchive(dir, { now: () => DAY1, log: { info() {}, warn: (m) => warnings.push(m), error: (m) => warnings.push(m) } });
    await archive.append('odd', [
      Buffer.from(JSON.stringify({ guid: 'a', timestamp: DAY1, text: 'x\ud800y', host: 'h', Host: 'H', sensor: 'inner', day: 'monday' })),
      Buffer.from(`{"guid":"b","timestamp":${DAY1},"dup":1,"dup":2}`),
      Buffer.from('[1,2,3]'),
      Buffer.from(`{"guid":"c",\n"timestamp":${DAY1}}`),
    ]);
    await archive.flush();
    const rows = await query(`SELECT * EXCLUDE (day) FROM read_parquet('${dir}/**/*.parquet', hive_partitioning = true, union_by_name = true) ORDER BY guid`);
    expect(rows).toEqual([
      { guid: 'a', timestamp: String(DAY1), text: 'x\ufffdy', host: 'h', Host_1: 'H', _sensor: 'inner', _day: 'monday', dup: null, sensor: 'odd' },
      { guid: 'b', timestamp: String(DAY1), text: null, host: null, Host_1: null, _sensor: null, _day: null, dup: '2', sensor: 'odd' },
      { guid: 'c', timestamp: String(DAY1), text: null, host: null, Host_1: null, _sensor: null, _day: null, dup: null, sensor: 'odd' },
    ]);
    expect(archive.stats).toMatchObject({ rewrittenParts: 1, rejectedLines: 1, rows: 3, failedRolls: 0 });
    expect(warnings.join('\n')).toMatch(/1 line\(s\) of odd 2026-01-01 part-\d+-\d+ are not JSON objects \(lines 3\)/);
    const rejected = (await files(dir)).filter((f) => f.startsWith('_rejected/'));
    expect(rejected).toHaveLength(1);
    expect(await readFile(path.join(dir, rejected[0]!), 'utf8')).toBe('[1,2,3]\n');
  });

  it('after a crash, completes the spools left behind: torn last line cut, rolled once under its own name', async () => {
    const dir = await tempDir();
    const first = await openArchive(dir, { now: () => DAY1 });
    await first.append('bro', lines(Array.from({ length: 5 }, (_, i) => ({ guid: `g${i}`, timestamp: DAY1 }))));
    // The process dies: no close, no roll. A write in flight tore the spool's last line.
    const spools = (await files(dir)).filter((f) => f.endsWith('.ndjson'));
    expect(spools).toHaveLength(1);
    await appendFile(path.join(dir, spools[0]!), '{"guid":"torn","times');

    const second = await openArchive(dir, { now: () => DAY1 + 1000 });
    const after = await files(dir);
    expect(after.filter((f) => f.endsWith('.ndjson'))).toEqual([]);
    const parquet = after.filter((f) => f.endsWith('.parquet'));
    expect(parquet).toEqual([spools[0]!.replace(/^_spool\//, '').replace(/\.ndjson$/, '.parquet')]);
    const rows = await query(`SELECT guid FROM read_parquet('${dir}/**/*.parquet') ORDER BY guid`);
    expect(rows.map((r) => r['guid'])).toEqual(['g0', 'g1', 'g2', 'g3', 'g4']);

    // A later part never reuses that name.
    await second.append('bro', lines([{ guid: 'g5', timestamp: DAY1 }]));
    await second.flush();
    expect((await files(dir)).filter((f) => f.endsWith('.parquet'))).toHaveLength(2);
  });

  it('a crash between rename and spool deletion rewrites the same file, not a second copy', async () => {
    const dir = await tempDir();
    const first = await openArchive(dir, { now: () => DAY1 });
    await first.append('bro', lines([{ guid: 'g0', timestamp: DAY1 }, { guid: 'g1', timestamp: DAY1 }]));
    const spool = (await files(dir)).find((f) => f.endsWith('.ndjson'))!;
    const kept = await readFile(path.join(dir, spool));
    await first.flush();
    // Put the spool back as if the process had died before deleting it; also a stale temporary file.
    await mkdir(path.join(dir, path.dirname(spool)), { recursive: true });
    await writeFile(path.join(dir, spool), kept);
    const parquet = (await files(dir)).find((f) => f.endsWith('.parquet'))!;
    await writeFile(path.join(dir, path.dirname(parquet), '.part-1-1.parquet.tmp'), 'partial');
    await openArchive(dir, { now: () => DAY1 });
    expect(await files(dir)).toEqual([parquet]);
    const rows = await query(`SELECT guid FROM read_parquet('${dir}/**/*.parquet') ORDER BY guid`);
    expect(rows.map((r) => r['guid'])).toEqual(['g0', 'g1']);
  });

  it('deletes day partitions before a day, per sensor or all', async () => {
    const dir = await tempDir();
    const archive = await openArchive(dir, { now: () => DAY2 });
    const day = (d: number) => Date.UTC(2026, 0, d, 5);
    for (const sensor of ['bro', 'snort']) {
      await archive.append(sensor, lines([1, 2, 3].map((d) => ({ guid: `${sensor}${d}`, timestamp: day(d) }))));
    }
    await archive.flush();
    await archive.append('bro', lines([{ guid: 'open', timestamp: day(1) }])); // still spooled
    expect(await archive.deleteDaysBefore('2026-01-02', 'bro')).toEqual([{ sensor: 'bro', day: '2026-01-01' }]);
    expect(await archive.deleteDaysBefore('2026-01-03')).toEqual([{ sensor: 'bro', day: '2026-01-02' }, { sensor: 'snort', day: '2026-01-01' }, { sensor: 'snort', day: '2026-01-02' }]);
    const rows = await query(`SELECT guid FROM read_parquet('${dir}/**/*.parquet') ORDER BY guid`);
    expect(rows.map((r) => r['guid'])).toEqual(['bro3', 'snort3']);
    expect(await archive.partitions()).toEqual([{ sensor: 'bro', day: '2026-01-03' }, { sensor: 'snort', day: '2026-01-03' }]);
    await expect(archive.deleteDaysBefore('yesterday')).rejects.toThrow(/expected YYYY-MM-DD/);
  });

  it('refuses partition names that are not sensor names', async () => {
    const archive = await openArchive(await tempDir());
    await expect(archive.append('../etc', lines([{ guid: 'x' }]))).rejects.toThrow(/invalid archive partition/);
    await expect(archive.append('a/b', lines([{ guid: 'x' }]))).rejects.toThrow(/invalid archive partition/);
  });

  it('reads the top-level timestamp from the JSON bytes', () => {
    const t = (s: string) => messageTimestamp(Buffer.from(s));
    expect(t('{"a":1,"timestamp":1700000000123,"b":2}')).toBe(1700000000123);
    expect(t('{"timestamp":1.5e3}')).toBe(1500);
    expect(t('{"timestamp":"soon"}')).toBeUndefined();
    expect(t('{"x":{"timestamp":5},"timestamp":7}')).toBe(7);
    expect(t('{"original_string":"{\\"timestamp\\":5}"}')).toBeUndefined();
    expect(t('{"a":1}')).toBeUndefined();
  });
});
