// Scenario: alert updates and meta-alert search on the embedded DuckDB store with N Bro-like
// events (default 1M, BENCH_ALERTS_EVENTS). Measures the latency of an in-place status update
// alone and while ingest batches keep the writer busy (the ingest rate during it too), the cost of
// creating a meta-alert, and search with the meta-alert layer (first page by time of a field:value
// query, a facet on ip_src_addr) against the plain store: without meta-alerts, and with 100 active
// meta-alerts of 10 alerts each.
import { mkdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { openAlertStore, openDuckDbSearchStore } from '@metron/storage';

const T_END = Date.UTC(2023, 10, 14);
const DAY = 86_400_000;
const HOT_SOURCE = '10.0.0.7';

/** Deterministic PRNG (mulberry32), so runs pick the same guids. */
function seeded(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function bulkInsertSql(n) {
  const h = (salt) => `CAST(hash(i + ${salt}) % 1000000007 AS BIGINT)`;
  return `INSERT INTO bro_index BY NAME SELECT
    'g' || i AS guid, 'bro' AS "source.type",
    CAST(${T_END - DAY} + floor(i * ${DAY}.0 / ${n}) AS BIGINT) AS "timestamp",
    CASE WHEN ${h(1)} % 2 = 0 THEN '10.0.0.' || (${h(2)} % 50)
         ELSE '10.' || (${h(2)} % 256) || '.' || (${h(3)} % 256) || '.' || (${h(4)} % 256) END AS ip_src_addr,
    '93.184.' || (${h(6)} % 256) || '.' || (${h(7)} % 256) AS ip_dst_addr,
    CAST(${h(8)} % 65536 AS BIGINT) AS ip_dst_port,
    ${h(17)} % 50 = 0 AS is_alert,
    CASE WHEN ${h(17)} % 50 = 0 THEN CAST(${h(18)} % 100 AS DOUBLE) END AS "threat.triage.score",
    'bro event ' || i AS original_string
  FROM range(${n}) t(i)`;
}

function message(i) {
  return {
    guid: `live-${i}`, 'source.type': 'bro', timestamp: T_END + i, ip_src_addr: `10.1.${(i >> 8) & 255}.${i & 255}`,
    ip_dst_addr: '93.184.0.1', ip_dst_port: 443, is_alert: false, original_string: `live event ${i}`,
  };
}

function percentiles(samples) {
  const sorted = [...samples].sort((a, b) => a - b);
  const at = (q) => Number(sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))].toFixed(2));
  return { p50: at(0.5), p99: at(0.99), max: at(1) };
}

async function time(task, runs = 7) {
  await task();
  const samples = [];
  for (let r = 0; r < runs; r++) {
    const t0 = performance.now();
    await task();
    samples.push(performance.now() - t0);
  }
  return percentiles(samples).p50;
}

async function searchFigures(store, alerts) {
  const page = { indices: ['bro'], query: `ip_src_addr:${HOT_SOURCE}`, size: 10, sort: [{ field: 'timestamp', sortOrder: 'desc' }] };
  const facet = { indices: ['bro'], query: '*', size: 0, facetFields: ['ip_src_addr'] };
  const withMeta = { ...page, indices: ['bro', 'metaalert'] };
  return {
    first_page_plain_ms: await time(() => store.search(page)),
    first_page_meta_aware_ms: await time(() => alerts.search(page)),
    first_page_meta_aware_with_metaalert_index_ms: await time(() => alerts.search(withMeta)),
    facet_ip_src_addr_plain_ms: await time(() => store.search(facet)),
    facet_ip_src_addr_meta_aware_ms: await time(() => alerts.search(facet)),
  };
}

export async function alertsBenchmark({ events = Number(process.env.BENCH_ALERTS_EVENTS ?? 1_000_000) } = {}) {
  const dir = join(tmpdir(), `metron-bench-alerts-${process.pid}`);
  await rm(dir, { recursive: true, force: true });
  await mkdir(dir, { recursive: true });
  const file = join(dir, 'index.duckdb');
  try {
    // Schema by the store's own writer, rows generated inside DuckDB.
    let store = await openDuckDbSearchStore({ path: file });
    await store.write('bro', [{ ...message(0), 'threat.triage.score': 1.5 }]);
    await store.close();
    const instance = await DuckDBInstance.create(file, { threads: '2' });
    const connection = await instance.connect();
    await connection.run('DELETE FROM bro_index');
    await connection.run(bulkInsertSql(events));
    await connection.run('CHECKPOINT');
    connection.closeSync();
    instance.closeSync();

    store = await openDuckDbSearchStore({ path: file });
    const alerts = openAlertStore(store);
    const random = seeded(42);
    const guid = () => `g${Math.floor(random() * events)}`;
    const statuses = ['OPEN', 'ESCALATE', 'DISMISS', 'RESOLVE'];
    try {
      const idle = [];
      for (let i = 0; i < 200; i++) {
        const t0 = performance.now();
        await alerts.setStatus('bench', { guid: guid(), sensorType: 'bro' }, statuses[i % 4]);
        idle.push(performance.now() - t0);
      }

      // Updates while 5,000-message batches are written back to back.
      let stop = false;
      let ingested = 0;
      const ingestStart = performance.now();
      const ingestLoop = (async () => {
        for (let b = 0; !stop; b++) {
          const lines = Array.from({ length: 5000 }, (_, k) => Buffer.from(JSON.stringify(message(b * 5000 + k + 1))));
          await store.writeJson('bro', lines);
          ingested += lines.length;
        }
      })();
      const busy = [];
      for (let i = 0; i < 100; i++) {
        const t0 = performance.now();
        await alerts.setStatus('bench', { guid: guid(), sensorType: 'bro' }, statuses[i % 4]);
        busy.push(performance.now() - t0);
      }
      stop = true;
      await ingestLoop;
      const ingestSeconds = (performance.now() - ingestStart) / 1000;

      const before = await searchFigures(store, alerts);
      const create = [];
      for (let m = 0; m < 100; m++) {
        const children = Array.from({ length: 10 }, () => ({ guid: guid(), sensorType: 'bro' }));
        const t0 = performance.now();
        await alerts.createMetaAlert('bench', { alerts: children, groups: ['ip_src_addr'] });
        create.push(performance.now() - t0);
      }
      const after = await searchFigures(store, alerts);
      const total = (await store.search({ indices: ['bro'], query: '*', size: 0 })).total;
      if (total !== events + ingested) throw new Error(`expected ${events + ingested} documents, found ${total}`);
      return {
        events,
        status_update_ms: percentiles(idle),
        status_update_under_ingest_ms: percentiles(busy),
        ingest_rows_per_sec_during_updates: Math.round(ingested / ingestSeconds),
        metaalert_create_10_alerts_ms: percentiles(create),
        search_without_metaalerts: before,
        search_with_100_metaalerts: after,
      };
    } finally {
      await store.close();
    }
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
