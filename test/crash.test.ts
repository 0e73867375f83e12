import { spawn, type ChildProcess } from 'node:child_process';
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TelemetryGenerator } from '@metron/pipeline';
import { ADMIN_PASSWORD, api, eventually, tempEnv } from './helpers.js';

const BIN = fileURLToPath(new URL('../packages/cli/bin/metron.js', import.meta.url));

/** Starts `metron start` as a child process and resolves with its base URL. */
function startMetron(configDir: string, dataDir: string): Promise<{ child: ChildProcess; url: string; output: () => string; exited: Promise<number | null> }> {
  const child = spawn(process.execPath, [BIN, 'start', '--config-dir', configDir, '--data-dir', dataDir, '--port', '0'], {
    env: { ...process.env, METRON_ADMIN_PASSWORD: ADMIN_PASSWORD },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  // Listen for the exit from the start: it can come before anyone awaits it.
  const exited = new Promise<number | null>((r) => child.once('exit', (code) => r(code)));
  let out = '';
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`metron did not start:\n${out}`)), 30_000);
    const onData = (d: Buffer) => {
      out += d.toString();
      const m = /Metron is up at (http:\/\/[0-9.:]+)/.exec(out);
      if (m) {
        clearTimeout(timer);
        resolve({ child, url: m[1] as string, output: () => out, exited });
      }
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', onData);
    child.on('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`metron exited with ${code}:\n${out}`));
    });
  });
}

/** The `archived` counter of the bro sensor (0 if the process is gone). */
async function archivedBro(url: string): Promise<number> {
  try {
    return (await api(url, 'GET', '/api/v1/metrics')).json?.sensors?.bro?.archived ?? 0;
  } catch {
    return 0;
  }
}

describe('crash safety: kill -9 mid-stream loses no acknowledged record and duplicates none', () => {
  let env: Awaited<ReturnType<typeof tempEnv>>;
  let running: ChildProcess | undefined;
  beforeAll(async () => {
    env = await tempEnv();
  });
  afterAll(async () => {
    running?.kill('SIGKILL');
    await env?.cleanup();
  });

  it('every acknowledged record is indexed exactly once after SIGKILL and restart', async () => {
    const first = await startMetron(env.configDir, env.dataDir);
    running = first.child;
    const gen = new TelemetryGenerator(2024, () => 1_700_000_000_000);
    const batches = Array.from({ length: 40 }, () => Array.from({ length: 100 }, () => gen.bro()));
    const uidOf = (line: string) => (Object.values(JSON.parse(line))[0] as { uid: string }).uid;
    const acknowledged = new Set<string>();
    const sent = new Set<string>();
    let killed = false;

    // Several senders in flight; kill -9 once a third of the batches are acknowledged.
    let next = 0;
    const sender = async () => {
      while (next < batches.length && !killed) {
        const batch = batches[next++] as string[];
        batch.forEach((l) => sent.add(uidOf(l)));
        try {
          const r = await api(first.url, 'POST', '/api/v1/ingest/bro', batch.join('\n'), { 'content-type': 'application/x-ndjson' });
          if (r.status === 202) batch.forEach((l) => acknowledged.add(uidOf(l)));
        } catch {
          // the connection died with the process: not acknowledged
        }
        // ... and once the archive has spooled some of them, so the kill leaves open parts.
        if (!killed && acknowledged.size >= 1300 && (await archivedBro(first.url)) > 0) {
          killed = true;
          first.child.kill('SIGKILL');
        }
      }
    };
    await Promise.all([sender(), sender(), sender()]);
    if (!killed) {
      // Every batch went in before the archive had spooled any: kill as soon as it has.
      await eventually(async () => (await archivedBro(first.url)) > 0, 30_000, 5);
      killed = true;
      first.child.kill('SIGKILL');
    }
    await first.exited;
    expect(killed).toBe(true);
    // The kill left open archive parts (spools) behind, for the restart to complete.
    const spooled = (await readdir(join(env.dataDir, 'archive', '_spool'), { recursive: true })) as string[];
    expect(spooled.filter((f) => f.endsWith('.ndjson')).length).toBeGreaterThan(0);
    expect(acknowledged.size).toBeGreaterThanOrEqual(1300);

    const second = await startMetron(env.configDir, env.dataDir);
    running = second.child;
    const hits = await eventually(async () => {
      const m = await api(second.url, 'GET', '/api/v1/metrics');
      if (!m.json.lag.every((l: { lag: number }) => l.lag === 0)) return undefined;
      const r = await api(second.url, 'POST', '/api/v1/search/search', { indices: ['bro'], query: '*', size: 10000, fields: ['uid', 'guid'] });
      return r.json.total >= acknowledged.size ? r.json : undefined;
    }, 60_000, 200);
    const counts = new Map<string, number>();
    for (const h of hits.results) counts.set(h.source.uid, (counts.get(h.source.uid) ?? 0) + 1);
    const missing = [...acknowledged].filter((u) => !counts.has(u));
    const duplicated = [...counts].filter(([, c]) => c > 1);
    expect(missing).toEqual([]);
    expect(duplicated).toEqual([]);
    expect(hits.total).toBe(counts.size);
    for (const u of counts.keys()) expect(sent.has(u)).toBe(true);

    // SIGTERM drains and exits cleanly.
    second.child.kill('SIGTERM');
    const code = await second.exited;
    expect(code).toBe(0);
    running = undefined;

    // The Parquet archive has every acknowledged record too (re-delivery may repeat some: the
    // archive is at-least-once), in complete files only: the spools left by the kill were rolled.
    const archive = join(env.dataDir, 'archive');
    const left = (await readdir(archive, { recursive: true })) as string[];
    expect(left.filter((f) => f.endsWith('.ndjson') || f.endsWith('.tmp'))).toEqual([]);
    const instance = await DuckDBInstance.create(':memory:');
    const connection = await instance.connect();
    const rows = (await connection.runAndReadAll(
      `SELECT uid, count(*) AS n FROM read_parquet('${archive}/sensor=bro/**/*.parquet', hive_partitioning = true, union_by_name = true) GROUP BY uid`,
    )).getRowObjectsJson() as Array<{ uid: string; n: string }>;
    connection.closeSync();
    instance.closeSync();
    const archived = new Set(rows.map((r) => r.uid));
    expect([...acknowledged].filter((u) => !archived.has(u))).toEqual([]);
    for (const u of archived) expect(sent.has(u)).toBe(true);
  }, 120_000);
});
