// Scenario: search on the embedded DuckDB store with N Bro-like events over 24 h (default 10M):
// top-10 facet on ip_src_addr, a 24 h histogram (5-minute buckets), a field:value query sorted by
// time (first page), and ingest rows/s through the store's writer (writeJson, the index stage's
// path). Targets (issue 6): facet and histogram <= 200 ms, first page <= 100 ms, ingest >= 100k/s.
//
// The N-event store is generated once with a bulk INSERT ... SELECT inside DuckDB (the schema is
// first made by the store's own writer from real messages) and cached under the temp dir, keyed by
// N and the generator version, so re-runs only measure. BENCH_SEARCH_EVENTS sets N;
// BENCH_SEARCH_THREADS the DuckDB threads of the searching store (default: 1 and 2, both reported).
import { mkdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { openDuckDbSearchStore } from '@metron/storage';

const GENERATOR_VERSION = 4;
const T_END = Date.UTC(2023, 10, 14); // midnight, so 24 h fall in 288 whole 5-minute buckets
const DAY = 86_400_000;
const HOT_SOURCE = '10.0.0.7';

/** Deterministic PRNG (mulberry32). */
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

const METHODS = ['GET', 'GET', 'GET', 'POST', 'HEAD'];
const HOSTS = ['example.com', 'updates.vendor.net', 'cdn.static.org', 'mail.corp.local', 'api.service.io', 'tracker.ads.biz'];
const URIS = ['/', '/index.html', '/login', '/api/v1/items', '/static/app.js', '/favicon.ico', '/download.exe'];

/** Bro-like messages as the parser and enrichment stages write them (JS side, for the ingest measurement). */
function messages(count, seed, startIndex) {
  const random = seeded(seed);
  const out = [];
  for (let k = 0; k < count; k++) {
    const i = startIndex + k;
    const hot = random() < 0.5;
    const src = hot ? `10.0.0.${Math.floor(random() * 50)}` : `10.1.${Math.floor(random() * 256)}.${Math.floor(random() * 256)}`;
    const dst = `93.184.${Math.floor(random() * 256)}.${Math.floor(random() * 256)}`;
    const kind = random();
    const protocol = kind < 0.5 ? 'conn' : kind < 0.8 ? 'http' : 'dns';
    const alert = random() < 0.02;
    const message = {
      guid: `ingest-${i}`, 'source.type': 'bro', timestamp: T_END - DAY + Math.floor((i / 1e7) * DAY),
      ip_src_addr: src, ip_src_port: 1024 + Math.floor(random() * 64511), ip_dst_addr: dst,
      ip_dst_port: protocol === 'dns' ? 53 : protocol === 'http' ? 80 : [443, 22, 3306, 445][Math.floor(random() * 4)],
      protocol, uid: `C${Math.floor(random() * 1e12).toString(36)}`, duration: Math.round(random() * 30e6) / 1e6,
      method: METHODS[Math.floor(random() * METHODS.length)], host: HOSTS[Math.floor(random() * HOSTS.length)],
      uri: URIS[Math.floor(random() * URIS.length)], status_code: [200, 200, 200, 301, 404, 500][Math.floor(random() * 6)],
      response_body_len: Math.floor(random() * 500_000), is_alert: alert,
    };
    if (alert) message['threat.triage.score'] = Math.floor(random() * 100);
    message.original_string = `${protocol} ${message.method} ${message.host}${message.uri} ${src}:${message.ip_src_port} -> ${dst}:${message.ip_dst_port}`;
    out.push(message);
  }
  return out;
}

/**
 * The same shape generated inside DuckDB for N rows: event i at T_END - 24h + i/N * 24h (ingest
 * order is time order), half the traffic from 50 hot addresses, the rest from 65,536 others.
 */
function bulkInsertSql(n) {
  const h = (salt) => `CAST(hash(i + ${salt}) % 1000000007 AS BIGINT)`;
  return `INSERT INTO bro_index BY NAME SELECT
    'g' || i AS guid, 'bro' AS "source.type",
    CAST(${T_END - DAY} + floor(i * ${DAY}.0 / ${n}) AS BIGINT) AS "timestamp",
    CASE WHEN ${h(1)} % 2 = 0 THEN '10.0.0.' || (${h(2)} % 50)
         ELSE '10.1.' || (${h(3)} % 256) || '.' || (${h(4)} % 256) END AS ip_src_addr,
    CAST(1024 + ${h(5)} % 64511 AS BIGINT) AS ip_src_port,
    '93.184.' || (${h(6)} % 256) || '.' || (${h(7)} % 256) AS ip_dst_addr,
    CASE ${h(8)} % 10 WHEN 0 THEN 53 WHEN 1 THEN 53 WHEN 2 THEN 80 WHEN 3 THEN 80 WHEN 4 THEN 80 ELSE [443, 22, 3306, 445][1 + ${h(9)} % 4] END AS ip_dst_port,
    CASE ${h(8)} % 10 WHEN 0 THEN 'dns' WHEN 1 THEN 'dns' WHEN 2 THEN 'http' WHEN 3 THEN 'http' WHEN 4 THEN 'http' ELSE 'conn' END AS protocol,
    'C' || ${h(10)} AS uid,
    round((${h(11)} % 30000000) / 1e6, 6) AS duration,
    ['GET', 'GET', 'GET', 'POST', 'HEAD'][1 + ${h(12)} % 5] AS method,
    ['example.com', 'updates.vendor.net', 'cdn.static.org', 'mail.corp.local', 'api.service.io', 'tracker.ads.biz'][1 + ${h(13)} % 6] AS host,
    ['/', '/index.html', '/login', '/api/v1/items', '/static/app.js', '/favicon.ico', '/download.exe'][1 + ${h(14)} % 7] AS uri,
    [200, 200, 200, 301, 404, 500][1 + ${h(15)} % 6] AS status_code,
    CAST(${h(16)} % 500000 AS BIGINT) AS response_body_len,
    ${h(17)} % 50 = 0 AS is_alert,
    CASE WHEN ${h(17)} % 50 = 0 THEN CAST(${h(18)} % 100 AS DOUBLE) END AS "threat.triage.score",
    'bro event ' || i || ' from ' || (${h(2)} % 256) AS original_string
  FROM range(${n}) t(i)`;
}

/** Path of the cached N-event store, generating it first if needed. */
async function cachedStore(n) {
  const dir = join(tmpdir(), 'metron-bench-search', `v${GENERATOR_VERSION}-${n}`);
  const file = join(dir, 'index.duckdb');
  const marker = join(dir, 'ready.json');
  try {
    const ready = JSON.parse(await readFile(marker, 'utf8'));
    if (ready.events === n) return { file, generatedSeconds: null, cached: true };
  } catch {
    // not generated yet
  }
  await rm(dir, { recursive: true, force: true });
  await mkdir(dir, { recursive: true });
  const t0 = performance.now();
  // The schema exactly as the store's writer makes it from messages (column names, types, key).
  const store = await openDuckDbSearchStore({ path: file });
  await store.write('bro', messages(1000, 7, 0).map((m) => ({ ...m, 'threat.triage.score': 1.5 })));
  await store.close();
  const instance = await DuckDBInstance.create(file, { threads: '2' });
  const connection = await instance.connect();
  await connection.run('DELETE FROM bro_index');
  await connection.run(bulkInsertSql(n));
  await connection.run('CHECKPOINT');
  connection.closeSync();
  instance.closeSync();
  const generatedSeconds = Number(((performance.now() - t0) / 1000).toFixed(1));
  await writeFile(marker, JSON.stringify({ events: n, generatedSeconds }));
  return { file, generatedSeconds, cached: false };
}

/**
 * Runs `task` `runs` times after one warm-up: wall milliseconds {min, median, max}, and the median
 * CPU milliseconds of the process (all DuckDB threads) per call. On a busy machine the wall time
 * grows with the load; with threads=1 the CPU time is what the call takes on an idle core.
 */
async function time(task, runs = 7) {
  await task();
  const wall = [];
  const cpu = [];
  for (let r = 0; r < runs; r++) {
    const c0 = process.cpuUsage();
    const t0 = performance.now();
    await task();
    wall.push(performance.now() - t0);
    const used = process.cpuUsage(c0);
    cpu.push((used.user + used.system) / 1000);
  }
  wall.sort((a, b) => a - b);
  cpu.sort((a, b) => a - b);
  const round = (x) => Number(x.toFixed(1));
  const mid = Math.floor(runs / 2);
  return { min: round(wall[0]), median: round(wall[mid]), max: round(wall[runs - 1]), cpu_median: round(cpu[mid]) };
}

async function queries(file, threads, n) {
  const store = await openDuckDbSearchStore({ path: file, threads, facetLimit: 10 });
  try {
    const facet = await store.search({ indices: ['bro'], query: '*', size: 0, facetFields: ['ip_src_addr'] });
    if (facet.total !== n || Object.keys(facet.facetCounts.ip_src_addr).length !== 10) throw new Error(`unexpected facet result ${JSON.stringify(facet)}`);
    const dayQuery = `timestamp:[${T_END - DAY} TO ${T_END}]`;
    const histogram = await store.histogram({ indices: ['bro'], query: dayQuery, interval: '5m' });
    if (histogram.buckets.length !== 288 || histogram.total !== n) throw new Error(`unexpected histogram: ${histogram.buckets.length} buckets, ${histogram.total} events`);
    const pageRequest = { indices: ['bro'], query: `ip_src_addr:${HOT_SOURCE}`, size: 10, sort: [{ field: 'timestamp', sortOrder: 'desc' }] };
    const page = await store.search(pageRequest);
    if (page.results.length !== 10) throw new Error('first page is not full');
    const rare = { ...pageRequest, query: 'ip_src_addr:10.1.7.7' };
    return {
      threads,
      facet_top10_ip_src_addr_ms: await time(() => store.search({ indices: ['bro'], query: '*', size: 0, facetFields: ['ip_src_addr'] })),
      histogram_24h_5m_ms: await time(() => store.histogram({ indices: ['bro'], query: dayQuery, interval: '5m' })),
      field_value_first_page_by_time_ms: await time(() => store.search(pageRequest)),
      field_value_matches: page.total,
      rare_value_first_page_by_time_ms: await time(() => store.search(rare)),
      rare_value_matches: (await store.search(rare)).total,
    };
  } finally {
    await store.close();
  }
}

/** Rows/s through writeJson (the index stage's write path), 5,000-message batches, into a fresh file store. */
async function ingest(rows) {
  const dir = join(tmpdir(), `metron-bench-ingest-${process.pid}`);
  await rm(dir, { recursive: true, force: true });
  await mkdir(dir, { recursive: true });
  const batch = 5000;
  const batches = [];
  for (let i = 0; i < rows; i += batch) batches.push(messages(Math.min(batch, rows - i), 1000 + i, i).map((m) => Buffer.from(JSON.stringify(m))));
  const store = await openDuckDbSearchStore({ path: join(dir, 'index.duckdb') });
  try {
    const c0 = process.cpuUsage();
    const t0 = performance.now();
    // Two batches in flight, as the index stage keeps the writer busy.
    const inflight = [];
    for (const lines of batches) {
      inflight.push(store.writeJson('bro', lines));
      if (inflight.length >= 2) await inflight.shift();
    }
    await Promise.all(inflight);
    const seconds = (performance.now() - t0) / 1000;
    const cpu = process.cpuUsage(c0);
    const total = (await store.search({ query: '*', size: 0 })).total;
    if (total !== rows) throw new Error(`ingested ${total} of ${rows}`);
    return {
      rows, batch, rows_per_sec: Math.round(rows / seconds),
      // CPU of the whole process (JS thread + DuckDB) per row: the cost that bounds throughput on an idle machine.
      cpu_us_per_row: Number(((cpu.user + cpu.system) / rows).toFixed(1)),
      stats: store.writeStats(),
    };
  } finally {
    await store.close();
    await rm(dir, { recursive: true, force: true });
  }
}

export async function searchBenchmark({ events = Number(process.env.BENCH_SEARCH_EVENTS ?? 10_000_000), ingestRows = Number(process.env.BENCH_SEARCH_INGEST ?? 500_000) } = {}) {
  const { file, generatedSeconds, cached } = await cachedStore(events);
  const size = (await stat(file)).size;
  const threadList = process.env.BENCH_SEARCH_THREADS ? [Number(process.env.BENCH_SEARCH_THREADS)] : [1, 2];
  const results = [];
  for (const threads of threadList) results.push(await queries(file, threads, events));
  return {
    events,
    store_mb: Math.round(size / 1e6),
    generated_seconds: generatedSeconds,
    cached,
    cache_file: file,
    queries: results,
    ingest: await ingest(ingestRows),
    targets: { facet_ms: 200, histogram_ms: 200, first_page_ms: 100, ingest_rows_per_sec: 100_000 },
    load_average: loadavg().map((x) => Number(x.toFixed(1))),
    note: 'DuckDB store on a 2-core machine; wall ms of the store call (SQL + decoding) over 7 runs after a warm-up, and CPU ms per call (median)',
  };
}
