// Stage capacities on one thread, same fixed-seed Bro data: the parse step (parse, guid,
// serialize) and the index write (DuckDB, raw JSON path). CPU µs per event explains the
// end-to-end figure on a 2-core machine.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ParsePool, TelemetryGenerator } from '@metron/pipeline';
import { openDuckDbSearchStore } from '@metron/storage';

const cpu = () => {
  const c = process.cpuUsage();
  return c.user + c.system;
};

export async function stageCapacities({ records, batch = 5000 }) {
  const gen = new TelemetryGenerator(1234, () => 1_700_000_000_000);
  const raw = Array.from({ length: records }, () => Buffer.from(gen.bro()));
  const pool = new ParsePool({ bro: { parserClassName: 'org.apache.metron.parsers.bro.BasicBroParser' } }, 0);
  const lines = [];
  let c0 = cpu();
  let t0 = performance.now();
  for (let i = 0; i < records; i += batch) {
    const recs = raw.slice(i, i + batch);
    const out = await pool.parse({
      sensor: 'bro', topic: 'bro', partition: recs.map(() => 0), epoch: recs.map(() => 'bench'),
      offset: recs.map((_, j) => String(i + j)), values: new Uint8Array(Buffer.concat(recs)),
      lengths: new Uint32Array(recs.map((r) => r.length)), now: 0,
    });
    const buf = Buffer.from(out.messages.buffer, out.messages.byteOffset, out.messages.byteLength);
    const group = [];
    let p = 0;
    for (const n of out.lengths) {
      group.push(buf.subarray(p, p + n));
      p += n;
    }
    lines.push(group);
  }
  const parseCpu = (cpu() - c0) / records;
  const parseWall = (performance.now() - t0) / 1000;
  const dir = await mkdtemp(join(tmpdir(), 'metron-bench-'));
  const store = await openDuckDbSearchStore({ path: join(dir, 'index.duckdb') });
  c0 = cpu();
  t0 = performance.now();
  for (const group of lines) await store.writeJson('bro', group);
  const indexCpu = (cpu() - c0) / records;
  const indexWall = (performance.now() - t0) / 1000;
  await store.close();
  await pool.close();
  await rm(dir, { recursive: true, force: true });
  return {
    records,
    parse: { events_per_sec: Math.round(records / parseWall), cpu_us_per_event: Number(parseCpu.toFixed(1)) },
    index: { events_per_sec: Math.round(records / indexWall), cpu_us_per_event: Number(indexCpu.toFixed(1)) },
  };
}
