// Scenario: the Parquet archive's write path on its own. Bro messages as the indexing stage receives
// them (a fixed-seed TelemetryGenerator corpus through the Bro sensor parser: JSON text of ~25
// fields with guid and original_string) are appended in batches of 5,000, as the indexing stage
// does (spooled NDJSON, fsynced per batch), then rolled into Parquet (DuckDB read_json → COPY TO
// parquet, zstd) and read back with read_parquet to check the row count.
// Reported: append rows/s (spool + fsync), roll rows/s (JSON → Parquet), overall rows/s
// (append + roll, one after the other: the cost per archived message), CPU µs per row of this
// process (DuckDB's thread included), bytes per row in JSON and in Parquet.
// Run: node bench/run.js archive-write   Env: BENCH_ARCHIVE_ROWS (default 200000).
import { mkdtemp, readdir, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { createSensorParser } from '@metron/parsers';
import { TelemetryGenerator } from '@metron/pipeline';
import { ParquetArchive } from '@metron/storage';

const NOW = Date.UTC(2024, 5, 16, 0, 0, 0);

/** The corpus: parsed Bro messages as JSON lines, the bytes the indexing stage gets from the bus. */
function corpus(rows) {
  const gen = new TelemetryGenerator(1234, () => NOW);
  const parser = createSensorParser('bro', { parserClassName: 'org.apache.metron.parsers.bro.BasicBroParser', parserConfig: {} });
  let n = 0;
  const ctx = { guid: () => `bench-${n++}`, now: NOW };
  const lines = [];
  while (lines.length < rows) {
    for (const m of parser.parse(Buffer.from(gen.bro()), ctx).messages) lines.push(Buffer.from(JSON.stringify(m)));
  }
  return lines.slice(0, rows);
}

async function parquetBytes(dir) {
  let total = 0;
  let files = 0;
  for (const f of await readdir(dir, { recursive: true })) {
    if (!f.endsWith('.parquet')) continue;
    total += (await stat(join(dir, f))).size;
    files++;
  }
  return { total, files };
}

export async function archiveWrite({ rows = Number(process.env.BENCH_ARCHIVE_ROWS ?? 200_000), batch = 5000 } = {}) {
  const dir = await mkdtemp(join(tmpdir(), 'metron-bench-archive-'));
  try {
    const lines = corpus(rows);
    const jsonBytes = lines.reduce((sum, l) => sum + l.length + 1, 0);
    // One part for the whole run (no size or age roll while appending): append and roll measured apart.
    const archive = await ParquetArchive.open({ dir, rollBytes: 2 ** 40, rollMs: 3_600_000, checkIntervalMs: 0, fsync: true });
    const cpu0 = process.cpuUsage();
    const t0 = performance.now();
    for (let i = 0; i < lines.length; i += batch) await archive.append('bro', lines.slice(i, i + batch));
    const t1 = performance.now();
    await archive.flush();
    const t2 = performance.now();
    const cpu = process.cpuUsage(cpu0);
    await archive.close();

    const { total, files } = await parquetBytes(dir);
    const instance = await DuckDBInstance.create(':memory:');
    const connection = await instance.connect();
    const count = Number((await connection.runAndReadAll(`SELECT count(*) FROM read_parquet('${dir}/**/*.parquet', hive_partitioning = true, union_by_name = true)`)).getRows()[0][0]);
    const columns = (await connection.runAndReadAll(`DESCRIBE SELECT * FROM read_parquet('${dir}/**/*.parquet', hive_partitioning = true, union_by_name = true)`)).getRows().length;
    connection.closeSync();
    instance.closeSync();

    const perSec = (ms) => Math.round((rows / ms) * 1000);
    return {
      rows,
      batch,
      columns,
      rows_read_back: count,
      files,
      append_rows_per_sec: perSec(t1 - t0),
      roll_rows_per_sec: perSec(t2 - t1),
      rows_per_sec: perSec(t2 - t0),
      cpu_us_per_row: Number(((cpu.user + cpu.system) / rows).toFixed(2)),
      json_bytes_per_row: Math.round(jsonBytes / rows),
      parquet_bytes_per_row: Number((total / rows).toFixed(1)),
    };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
