// Enrichment, threat intel and triage (issue 5's benchmark), three scenarios on the same fixed-seed
// Bro corpus:
//
// - `enrichment-core`: one thread. Parsed Bro messages (the bytes the `enrichments` topic holds, made
//   by the production parse step) through the production enrich entry (the pipeline's enrichBatch on
//   JSON buffers: JSON.parse → SensorEnricher → JSON.stringify), with GeoIP on ip_src_addr and
//   ip_dst_addr, hbaseThreatIntel on both against an LMDB table of 1M indicators, and 20 triage
//   rules; also the SensorEnricher alone (on message objects parsed outside the timed part). A
//   breakdown comes from separate runs of the same entry with parts of the config left out (JSON
//   only, geo only, TI only, geo + TI without rules). Reported: events/s of the median round, µs per
//   event, CPU µs per event over all rounds.
// - `enrichment-e2e`: the embedded pipeline (what `metron start` runs: local log, parse worker,
//   enrich on the worker, DuckDB index) with the same config and table: Bro JSON in → indexed.
// - `syslog-ng`: the same Bro file through Debian's syslog-ng (stdin source, json-parser, geoip2 on
//   the responder address, JSON out to a file), msg/s, and its ratio to the Node figures. When
//   /usr/sbin/syslog-ng or its geoip2 module is missing, the result says so (no failure).
//
// Address mix: initiators mostly internal (2 000 private hosts), responders mostly public: a hot
// set of 500 (Zipf-like, 70% of public picks), a tail of 50 000 (20%) and never-seen addresses
// (10%); 10% of connections inbound, 10% internal to internal. The threat-intel table holds 1M
// public addresses, ten of the hot set and 2% of the tail among them (~2% of events hit). It is
// built once under <tmpdir>/metron-bench-data and reused by later runs.
//
// Uses the built packages: run `npm run build` first.
// Run: node bench/run.js enrichment-core | enrichment-e2e | syslog-ng   (or: node bench/enrichment.js)
// Env: BENCH_ENRICH_EVENTS (corpus, default 100000), BENCH_ENRICH_WARMUP_MS (500),
//      BENCH_ENRICH_MS (2500), BENCH_ENRICH_E2E_EVENTS (default BENCH_RECORDS or 200000),
//      BENCH_DATA_DIR (where the 1M table is kept).
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { seededRandom } from '@metron/core';
import { compileSensorEnrichment, defaultGeoDatabaseFiles, GeoDatabase, installIpServices, installTriageService } from '@metron/enrichment';
import { ParsePool, Pipeline, PipelineMetrics, installStellarModules, openLocalLog } from '@metron/pipeline';
import { defaultRegistry } from '@metron/stellar';
import { EnrichmentTables, lmdbStoreExists, openDuckDbSearchStore, openLmdbStore } from '@metron/storage';
import { threadCpu, threadCpuPerEvent } from './thread-cpu.js';

const EVENTS = Number(process.env.BENCH_ENRICH_EVENTS ?? 100_000);
const WARMUP_MS = Number(process.env.BENCH_ENRICH_WARMUP_MS ?? 500);
const MEASURE_MS = Number(process.env.BENCH_ENRICH_MS ?? 2500);
const E2E_EVENTS = Number(process.env.BENCH_ENRICH_E2E_EVENTS ?? process.env.BENCH_RECORDS ?? 200_000);
const ROUNDS = 5;
const BATCH = 1000;
const SEED = 20_241_204;
const INDICATORS = 1_000_000;
const TARGET = 100_000;
const DATA_DIR = process.env.BENCH_DATA_DIR ?? join(tmpdir(), 'metron-bench-data');
const TABLE_VERSION = 'ti-1m-v1';
const BRO_PARSER = { parserClassName: 'org.apache.metron.parsers.bro.BasicBroParser', parserConfig: {} };
const T0 = Date.UTC(2024, 5, 15, 12, 0, 0);

// ---------------------------------------------------------------------------------------------
// Addresses and records

/** A public unicast IPv4 address (not 10/8, 127/8, 100.64/10, 169.254/16, 172.16/12, 192.168/16, nor 224+). */
function publicAddress(random) {
  for (;;) {
    const a = 1 + Math.floor(random() * 223);
    const b = Math.floor(random() * 256);
    if (a === 10 || a === 127 || (a === 100 && b >= 64 && b < 128) || (a === 169 && b === 254) || (a === 172 && b >= 16 && b < 32) || (a === 192 && b === 168)) continue;
    return `${a}.${b}.${Math.floor(random() * 256)}.${1 + Math.floor(random() * 254)}`;
  }
}

function privateAddress(random) {
  const r = random();
  const n = () => Math.floor(random() * 256);
  if (r < 0.6) return `10.${n()}.${n()}.${1 + Math.floor(random() * 254)}`;
  if (r < 0.9) return `192.168.${n()}.${1 + Math.floor(random() * 254)}`;
  return `172.${16 + Math.floor(random() * 16)}.${n()}.${1 + Math.floor(random() * 254)}`;
}

/** The address population: internal hosts, a hot public set, a public tail, and the TI picks among them. */
function population() {
  const random = seededRandom(SEED);
  const internal = Array.from({ length: 2000 }, () => privateAddress(random));
  const hot = Array.from({ length: 500 }, () => publicAddress(random));
  const tail = Array.from({ length: 50_000 }, () => publicAddress(random));
  // known-bad: ten hot addresses (from the middle of the skew) and every 50th of the tail
  const bad = [...hot.slice(50, 60), ...tail.filter((_, i) => i % 50 === 7)];
  return { internal, hot, tail, bad };
}

const METHODS = ['GET', 'GET', 'GET', 'POST', 'HEAD', 'PUT'];
const HOSTS = ['www.example.com', 'cdn.example.net', 'api.github.com', 'login.example.org', 'update.vendor.io', 'mail.example.com', 'x9f2kq.badcdn.biz', 'static.wikimedia.org'];
const URIS = ['/', '/index.html', '/login', '/api/v1/items?id=42', '/wp-admin/', '/download/setup.exe', '/static/app.js', '/shell.php?cmd=id'];
const AGENTS = ['Mozilla/5.0 (Windows NT 10.0; Win64; x64)', 'curl/8.5.0', 'python-requests/2.31', 'Mozilla/5.0 (Macintosh; Intel Mac OS X 14_2)'];
const QUERIES = ['www.example.com', 'api.github.com', 'x9f2kq.badcdn.biz', 'a8f7d6e5c4b3a2918f7e6d5c4b3a2918.tunnel.example.net', 'time.windows.com'];

/** The fixed-seed Bro corpus (raw lines as a sensor topic holds them). */
export function broCorpus(count = EVENTS) {
  const { internal, hot, tail } = population();
  const random = seededRandom(SEED + 1);
  const int = (lo, hi) => lo + Math.floor(random() * (hi - lo + 1));
  const pick = (xs) => xs[Math.floor(random() * xs.length)];
  const publicPick = () => {
    const r = random();
    if (r < 0.7) return hot[Math.floor(hot.length * random() ** 3)];
    if (r < 0.9) return tail[Math.floor(random() * tail.length)];
    return publicAddress(random);
  };
  const uid = () => {
    const chars = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
    let s = 'C';
    for (let i = 0; i < 17; i++) s += chars[Math.floor(random() * chars.length)];
    return s;
  };
  const lines = new Array(count);
  let bytes = 0;
  for (let i = 0; i < count; i++) {
    const d = random();
    const [src, dst] = d < 0.8 ? [pick(internal), publicPick()] : d < 0.9 ? [publicPick(), pick(internal)] : [pick(internal), pick(internal)];
    const ts = Number(((T0 + i * 3) / 1000).toFixed(6));
    const kind = random();
    let record;
    if (kind < 0.5) {
      const port = pick([443, 80, 22, 53, 3306, 445, 8080, 3389, 4444]);
      record = {
        conn: {
          ts, uid: uid(), 'id.orig_h': src, 'id.orig_p': int(1024, 65535), 'id.resp_h': dst, 'id.resp_p': port,
          proto: port === 53 ? 'udp' : 'tcp', service: port === 443 ? 'ssl' : port === 80 ? 'http' : port === 22 ? 'ssh' : '-',
          duration: Number((random() * 30).toFixed(6)), orig_bytes: int(40, 50_000), resp_bytes: int(0, 2_000_000),
          conn_state: pick(['SF', 'S0', 'REJ', 'RSTO', 'SH']), missed_bytes: 0, history: pick(['ShADadFf', 'S', 'ShR', 'Dd']),
          orig_pkts: int(1, 400), orig_ip_bytes: int(40, 60_000), resp_pkts: int(0, 2000), resp_ip_bytes: int(0, 2_100_000), tunnel_parents: [],
        },
      };
    } else if (kind < 0.8) {
      record = {
        http: {
          ts, uid: uid(), 'id.orig_h': src, 'id.orig_p': int(1024, 65535), 'id.resp_h': dst, 'id.resp_p': 80,
          trans_depth: 1, method: pick(METHODS), host: pick(HOSTS), uri: pick(URIS), user_agent: pick(AGENTS),
          request_body_len: int(0, 2000), response_body_len: int(0, 500_000), status_code: pick([200, 200, 200, 301, 404, 500]),
          status_msg: 'OK', tags: [], resp_fuids: [uid()], resp_mime_types: ['text/html'],
        },
      };
    } else {
      record = {
        dns: {
          ts, uid: uid(), 'id.orig_h': src, 'id.orig_p': int(1024, 65535), 'id.resp_h': dst, 'id.resp_p': 53,
          proto: 'udp', trans_id: int(1, 65535), query: pick(QUERIES), qclass: 1, qclass_name: 'C_INTERNET', qtype: 1, qtype_name: 'A',
          rcode: 0, rcode_name: 'NOERROR', AA: false, TC: false, RD: true, RA: true, Z: 0, answers: [publicPick()], TTLs: [int(30, 3600)], rejected: false,
        },
      };
    }
    lines[i] = Buffer.from(JSON.stringify(record));
    bytes += lines[i].length;
  }
  return { lines, bytes };
}

// ---------------------------------------------------------------------------------------------
// The sensor enrichment config: geo on both addresses, threat intel on both, 20 triage rules

const BAD_COUNTRIES = "['RU', 'CN', 'KP', 'IR', 'SY']";
const PRIVATE_NETS = "'10.0.0.0/8', '172.16.0.0/12', '192.168.0.0/16'";

/** 20 risk level rules of the shapes people write: comparisons, `in`, string functions, exists, subnets, regexes. */
export const TRIAGE_RULES = [
  { name: 'TI: known-bad source', rule: 'exists(threatintels.hbaseThreatIntel.ip_src_addr.malicious_ip)', score: 80, reason: "FORMAT('%s is on a threat-intel list', ip_src_addr)" },
  { name: 'TI: known-bad destination', rule: 'exists(threatintels.hbaseThreatIntel.ip_dst_addr.malicious_ip)', score: 70, reason: "FORMAT('%s is on a threat-intel list', ip_dst_addr)" },
  { name: 'remote admin port', rule: 'ip_dst_port in [22, 23, 3389, 5900]', score: 40, reason: "FORMAT('remote admin port %d', ip_dst_port)" },
  { name: 'HTTP upload', rule: "protocol == 'http' && method in ['POST', 'PUT']", score: 20 },
  { name: 'SMB from inside', rule: `IN_SUBNET(ip_src_addr, '10.0.0.0/8') && ip_dst_port == 445`, score: 30 },
  { name: 'failed connection', rule: "exists(conn_state) && TO_UPPER(conn_state) in ['S0', 'REJ']", score: 10 },
  { name: 'large download', rule: 'exists(resp_bytes) && resp_bytes > 1000000', score: 'resp_bytes / 40000', reason: "FORMAT('%d bytes received', resp_bytes)" },
  { name: 'scripted client', rule: "exists(user_agent) && (STARTS_WITH(TO_LOWER(user_agent), 'curl') || STARTS_WITH(user_agent, 'python'))", score: 15 },
  { name: 'destination country', rule: `enrichments.geo.ip_dst_addr.country in ${BAD_COUNTRIES}`, score: 50, reason: "FORMAT('destination in %s', enrichments.geo.ip_dst_addr.country)" },
  { name: 'source country', rule: `enrichments.geo.ip_src_addr.country in ${BAD_COUNTRIES}`, score: 50, reason: "FORMAT('source in %s', enrichments.geo.ip_src_addr.country)" },
  { name: 'long DNS name', rule: "protocol == 'dns' && exists(query) && LENGTH(query) > 40", score: 25 },
  { name: 'odd TLD', rule: "exists(host) && (ENDS_WITH(host, '.biz') || ENDS_WITH(host, '.top'))", score: 20 },
  { name: 'server error', rule: 'exists(status_code) && status_code >= 500', score: 5 },
  { name: 'long connection', rule: 'exists(duration) && duration > 25.0', score: 5 },
  { name: 'web attack path', rule: "exists(uri) && REGEXP_MATCH(uri, '.*(wp-admin|\\\\.php|cmd=).*')", score: 30, reason: "FORMAT('request for %s', uri)" },
  { name: 'privileged source port', rule: 'ip_src_port < 1024 && ip_dst_port > 1024', score: 10 },
  { name: 'exfiltration shape', rule: 'exists(orig_bytes) && exists(resp_bytes) && orig_bytes > resp_bytes * 10', score: 35 },
  { name: 'database from outside', rule: `ip_dst_port == 3306 && not(IN_SUBNET(ip_src_addr, ${PRIVATE_NETS}))`, score: 45 },
  { name: 'backdoor port', rule: 'ip_dst_port in [4444, 6667, 1337, 31337]', score: 60, reason: "FORMAT('port %d is a common backdoor', ip_dst_port)" },
  { name: 'any alert', rule: "is_alert == 'true'", score: 1, comment: 'every alert gets a base score' },
];

/** The sensor enrichment config, with parts left out for the breakdown runs. */
export function enrichmentConfig({ geo = true, threatIntel = true, rules = true, geoFields = ['ip_src_addr', 'ip_dst_addr'] } = {}) {
  const fields = ['ip_src_addr', 'ip_dst_addr'];
  return {
    enrichment: { fieldMap: geo ? { geo: geoFields } : {} },
    threatIntel: {
      fieldMap: threatIntel ? { hbaseThreatIntel: fields } : {},
      fieldToTypeMap: threatIntel ? { ip_src_addr: ['malicious_ip'], ip_dst_addr: ['malicious_ip'] } : {},
      triageConfig: {
        riskLevelRules: rules ? TRIAGE_RULES.map((r) => ({ ...r, score: String(r.score) })) : [],
        aggregator: 'MAX',
      },
    },
  };
}

// ---------------------------------------------------------------------------------------------
// The 1M-indicator threat-intel table (LMDB), built once

/** The LMDB store holding threatintel:t malicious_ip rows; built on first use, reused after. */
export async function threatIntelStore() {
  const path = join(DATA_DIR, TABLE_VERSION);
  const marker = join(path, 'complete.json');
  if (existsSync(marker) && lmdbStoreExists(path)) {
    return { path, built: false, ...JSON.parse(await readFile(marker, 'utf8')) };
  }
  await rm(path, { recursive: true, force: true });
  await mkdir(path, { recursive: true });
  const t0 = performance.now();
  const { bad } = population();
  const random = seededRandom(SEED + 2);
  const seen = new Set(bad);
  const indicators = [...bad];
  while (indicators.length < INDICATORS) {
    const ip = publicAddress(random);
    if (!seen.has(ip)) {
      seen.add(ip);
      indicators.push(ip);
    }
  }
  const store = openLmdbStore({ path });
  const tables = new EnrichmentTables(store);
  const sources = ['abuse.ch', 'emergingthreats', 'blocklist.de', 'spamhaus-drop'];
  for (let i = 0; i < indicators.length; i += 100_000) {
    const rows = indicators.slice(i, i + 100_000).map((indicator, k) => ({ type: 'malicious_ip', indicator, value: { source: sources[(i + k) % sources.length] } }));
    await tables.load('threatintel', 't', rows);
  }
  await store.close();
  const info = { indicators: indicators.length, build_ms: Math.round(performance.now() - t0), mb: Number((dirBytes(path) / 1e6).toFixed(0)) };
  await writeFile(marker, JSON.stringify(info));
  return { path, built: true, ...info };
}

function dirBytes(path) {
  let total = 0;
  for (const f of ['data.mdb', 'lock.mdb']) if (existsSync(join(path, f))) total += statSync(join(path, f)).size;
  return total;
}

// ---------------------------------------------------------------------------------------------
// enrichment-core

const cpuMicros = () => {
  const c = process.cpuUsage();
  return c.user + c.system;
};

/** The corpus through the production parse step: batches as the `enrichments` topic hands them to enrich. */
export async function parsedBatches(lines) {
  const pool = new ParsePool({ bro: BRO_PARSER }, 0);
  const batches = [];
  let messages = 0;
  for (let i = 0; i < lines.length; i += BATCH) {
    const recs = lines.slice(i, i + BATCH);
    const out = await pool.parse({
      sensor: 'bro', topic: 'bro', partition: recs.map(() => 0), epoch: recs.map(() => 'bench'),
      offset: recs.map((_, j) => String(i + j)), values: new Uint8Array(Buffer.concat(recs)),
      lengths: new Uint32Array(recs.map((r) => r.length)), now: T0,
    });
    if (out.errors?.length) throw new Error(`the Bro corpus did not parse: ${JSON.stringify(out.errors[0])}`);
    const values = new Uint8Array(out.messages.byteLength);
    values.set(out.messages);
    batches.push({ sensors: Array.from(out.lengths, () => 'bro'), values, lengths: Uint32Array.from(out.lengths) });
    messages += out.lengths.length;
  }
  await pool.close();
  return { batches, messages };
}

/** The enrichers of one config, built as the pipeline builds them (enrich-core's buildEnrichers via ParsePool). */
export async function productionPool(config, kvPath) {
  const pool = new ParsePool({ bro: BRO_PARSER }, 0, {}, { configs: { bro: config }, global: {}, kvPath });
  await pool.ready();
  return pool;
}

/** Runs `step(batch)` over the batches for `ms`; events, wall and CPU time. */
async function runFor(batches, ms, step) {
  let events = 0;
  let sink = 0;
  const c0 = cpuMicros();
  const t0 = performance.now();
  let elapsed = 0;
  for (let i = 0; elapsed < ms; i = (i + 1) % batches.length) {
    const r = step(batches[i]);
    sink += typeof r === 'number' ? r : (await r).lengths.length;
    events += batches[i].lengths.length;
    elapsed = performance.now() - t0;
  }
  return { events, wallMs: elapsed, cpuUs: cpuMicros() - c0, sink };
}

/** Warm-up plus ROUNDS rounds; the median round's rate and the CPU over all rounds. */
async function measure(batches, step) {
  await runFor(batches, WARMUP_MS, step);
  const rounds = [];
  for (let r = 0; r < ROUNDS; r++) rounds.push(await runFor(batches, MEASURE_MS / ROUNDS, step));
  const rate = (run) => (run.events / run.wallMs) * 1000;
  rounds.sort((a, b) => rate(a) - rate(b));
  const median = rounds[Math.floor(ROUNDS / 2)];
  const events = rounds.reduce((s, r) => s + r.events, 0);
  const cpu = rounds.reduce((s, r) => s + r.cpuUs, 0);
  return {
    events_per_sec: Math.round(rate(median)),
    events_per_sec_best: Math.round(rate(rounds[ROUNDS - 1])),
    us_per_event: Number(((median.wallMs * 1000) / median.events).toFixed(2)),
    cpu_us_per_event: Number((cpu / events).toFixed(2)),
  };
}

/** What one enriched batch says about the config's effect (alerts, TI hits, geo fields). */
function outcome(out) {
  const text = Buffer.from(out.messages.buffer, out.messages.byteOffset, out.messages.byteLength).toString('utf8');
  const count = (needle) => text.split(needle).length - 1;
  return {
    messages: out.lengths.length,
    alerts: out.alerts.reduce((a, b) => a + b, 0),
    ti_hits: count('"threatintels.hbaseThreatIntel.'),
    geo_countries: count('.country":'),
    triaged: count('"threat.triage.score":'),
    errors: out.errors.length,
  };
}

export async function enrichmentCore() {
  const table = await threatIntelStore();
  const { lines, bytes } = broCorpus(EVENTS);
  const { batches, messages } = await parsedBatches(lines);

  // what the config does to the corpus: one checking pass with the full config
  const full = await productionPool(enrichmentConfig(), table.path);
  const totals = { messages: 0, alerts: 0, ti_hits: 0, geo_countries: 0, triaged: 0, errors: 0 };
  for (const b of batches) {
    const o = outcome(await full.enrich(b));
    for (const k of Object.keys(totals)) totals[k] += o[k];
  }
  if (totals.errors > 0 || totals.messages !== messages) throw new Error(`enrichment lost messages: ${JSON.stringify(totals)}`);

  // production entry, full config
  const production = await measure(batches, (b) => full.enrich(b));
  await full.close();

  // breakdown: the same entry with parts left out
  const variants = {
    json_only: enrichmentConfig({ geo: false, threatIntel: false, rules: false }),
    geo_only: enrichmentConfig({ threatIntel: false, rules: false }),
    threat_intel_only: enrichmentConfig({ geo: false, rules: false }),
    geo_and_threat_intel: enrichmentConfig({ rules: false }),
  };
  const runs = {};
  for (const [name, config] of Object.entries(variants)) {
    const pool = await productionPool(config, table.path);
    runs[name] = await measure(batches, (b) => pool.enrich(b));
    await pool.close();
  }
  const cpuOf = (name) => runs[name].cpu_us_per_event;
  const breakdown = {
    json_parse_stringify: cpuOf('json_only'),
    geo_two_fields: Number((cpuOf('geo_only') - cpuOf('json_only')).toFixed(2)),
    threat_intel_two_fields: Number((cpuOf('threat_intel_only') - cpuOf('json_only')).toFixed(2)),
    triage_20_rules: Number((production.cpu_us_per_event - cpuOf('geo_and_threat_intel')).toFixed(2)),
  };

  // the SensorEnricher alone: messages parsed outside the timed part
  const enricherAlone = await sensorEnricherAlone(batches, table.path);

  return {
    node: process.version,
    target_events_per_sec: TARGET,
    met: production.events_per_sec >= TARGET,
    corpus: { events: messages, raw_mb: Number((bytes / 1e6).toFixed(1)), batch: BATCH },
    threat_intel_table: { indicators: table.indicators, mb: table.mb, built_this_run: table.built, build_ms: table.build_ms },
    effect: {
      alert_share: Number((totals.alerts / messages).toFixed(4)),
      ti_hit_share: Number((totals.ti_hits / messages).toFixed(4)),
      geo_fields_with_country_per_event: Number((totals.geo_countries / messages).toFixed(3)),
      triaged_share: Number((totals.triaged / messages).toFixed(4)),
    },
    enrich_batch: production,
    sensor_enricher_alone: enricherAlone,
    breakdown_cpu_us_per_event: breakdown,
    breakdown_runs: runs,
    warmup_ms: WARMUP_MS,
    measure_ms: MEASURE_MS,
    rounds: ROUNDS,
    note: 'one thread; enrich_batch = production entry (JSON buffers in and out); breakdown = differences of CPU µs/event between runs with parts of the config left out',
  };
}

/** SensorEnricher.enrichBatch on message objects; JSON.parse of each batch is outside the timed part. */
async function sensorEnricherAlone(batches, kvPath) {
  const geo = await GeoDatabase.openDefault();
  const store = openLmdbStore({ path: kvPath, readOnly: true });
  const tables = new EnrichmentTables(store);
  const functions = defaultRegistry();
  installStellarModules(functions, { globalConfig: () => ({}), enrichment: tables });
  installIpServices(functions, { geo });
  installTriageService(functions);
  const enricher = compileSensorEnrichment('bro', enrichmentConfig(), { functions, geo, tables }, 'enrichments/bro.json');
  const objects = (b) => {
    const buf = Buffer.from(b.values.buffer, b.values.byteOffset, b.values.byteLength);
    const out = new Array(b.lengths.length);
    let p = 0;
    for (let i = 0; i < b.lengths.length; i++) {
      out[i] = JSON.parse(buf.toString('utf8', p, p + b.lengths[i]));
      p += b.lengths[i];
    }
    return out;
  };
  const pass = (ms) => {
    let events = 0;
    let wall = 0;
    let cpu = 0;
    for (let i = 0; wall < ms; i = (i + 1) % batches.length) {
      const msgs = objects(batches[i]);
      const c0 = cpuMicros();
      const t0 = performance.now();
      enricher.enrichBatch(msgs);
      wall += performance.now() - t0;
      cpu += cpuMicros() - c0;
      events += msgs.length;
    }
    return { events, wallMs: wall, cpuUs: cpu };
  };
  pass(WARMUP_MS);
  const rounds = [];
  for (let r = 0; r < ROUNDS; r++) rounds.push(pass(MEASURE_MS / ROUNDS));
  await store.close();
  const rate = (run) => (run.events / run.wallMs) * 1000;
  rounds.sort((a, b) => rate(a) - rate(b));
  const median = rounds[Math.floor(ROUNDS / 2)];
  const events = rounds.reduce((s, r) => s + r.events, 0);
  return {
    events_per_sec: Math.round(rate(median)),
    us_per_event: Number(((median.wallMs * 1000) / median.events).toFixed(2)),
    cpu_us_per_event: Number((rounds.reduce((s, r) => s + r.cpuUs, 0) / events).toFixed(2)),
  };
}

// ---------------------------------------------------------------------------------------------
// enrichment-e2e

export async function enrichmentEndToEnd({ records = E2E_EVENTS, batch = 1000, fsync = 'always', config = enrichmentConfig() } = {}) {
  const table = await threatIntelStore();
  const dir = await mkdtemp(join(tmpdir(), 'metron-bench-'));
  const { lines, bytes } = broCorpus(records);
  const bus = await openLocalLog({ dir: join(dir, 'log'), fsync });
  const store = await openDuckDbSearchStore({ path: join(dir, 'index.duckdb') });
  const metrics = new PipelineMetrics();
  const pipeline = new Pipeline({
    bus, store, metrics, dataDir: dir, kvPath: table.path, ...(process.env.BENCH_MAX_BATCH ? { maxBatch: Number(process.env.BENCH_MAX_BATCH) } : {}),
    sensors: { bro: { parser: BRO_PARSER, enrichment: config } },
  });
  await pipeline.start();
  const cpu0 = process.cpuUsage();
  const threads0 = threadCpu();
  const t0 = performance.now();
  const inflight = [];
  for (let i = 0; i < records; i += batch) {
    inflight.push(pipeline.ingest('bro', lines.slice(i, i + batch)));
    if (inflight.length >= 4) await inflight.shift();
  }
  await Promise.all(inflight);
  const tIngested = performance.now();
  await pipeline.waitIdle(600_000);
  const t1 = performance.now();
  const cpu = process.cpuUsage(cpu0);
  const threads = threadCpuPerEvent(threads0, threadCpu(), records);
  const total = (await store.search({ indices: ['bro'], query: '*', size: 1 })).total;
  const alerts = metrics.get('bro', 'alerts');
  await pipeline.stop();
  await store.close();
  await bus.close();
  await rm(dir, { recursive: true, force: true });
  const eventsPerSec = Math.round(records / ((t1 - t0) / 1000));
  return {
    records,
    indexed: total,
    alerts,
    mb: Number((bytes / 1e6).toFixed(1)),
    fsync,
    target_events_per_sec: TARGET,
    met: eventsPerSec >= TARGET,
    events_per_sec: eventsPerSec,
    ingest_events_per_sec: Math.round(records / ((tIngested - t0) / 1000)),
    cpu_us_per_event: { user: Number((cpu.user / records).toFixed(1)), system: Number((cpu.system / records).toFixed(1)) },
    // main: log, stage glue, index JS; the busiest other thread: the parse worker (parse + enrich in one task)
    ...(threads ? { cpu_us_per_event_by_thread: threads } : {}),
    note: 'ingest -> parse + enrich in one worker task (geo x2, TI x2 on 1M indicators, 20 triage rules) -> indexing -> DuckDB, one process, 2-core machine',
  };
}

// ---------------------------------------------------------------------------------------------
// syslog-ng

const SYSLOG_NG = '/usr/sbin/syslog-ng';

/** Where syslog-ng's modules live (the geoip2 one must be among them). */
function syslogNgModule(name) {
  const out = spawnSync(SYSLOG_NG, ['--version'], { encoding: 'utf8' });
  const dir = /Module-Directory:\s*(\S+)/.exec(out.stdout ?? '')?.[1] ?? '/usr/lib/syslog-ng';
  const candidates = [join(dir, name)];
  for (const v of ['3.38', '3.35', '4.0']) candidates.push(join('/usr/lib/syslog-ng', v, name));
  return candidates.some((p) => existsSync(p));
}

/** A syslog-ng config: stdin (exits at EOF) → json-parser → geoip2 on the responder address → JSON lines in a file. */
function syslogNgConfig(out, mmdb) {
  // Bro records are {"<type>": {...}}: the responder address is under one of the three types
  const resp = '${.bro.conn.id.resp_h}${.bro.http.id.resp_h}${.bro.dns.id.resp_h}';
  return `@version: 3.35
options { threaded(yes); stats-freq(0); log-msg-size(65536); };
source s_in { stdin(flags(no-parse) log-iw-size(10000) log-fetch-limit(1000)); };
parser p_json { json-parser(prefix(".bro.")); };
parser p_geo { geoip2("${resp}" prefix(".geo.") database("${mmdb}")); };
destination d_out { file("${out}" template("$(format-json --scope dot-nv-pairs)\\n") flush-lines(1000)); };
log { source(s_in); parser(p_json); parser(p_geo); destination(d_out); };
`;
}

export async function syslogNgComparison({ records = EVENTS } = {}) {
  const base = { records, pipeline: 'stdin -> json-parser -> geoip2 (one field) -> format-json -> file' };
  if (!existsSync(SYSLOG_NG)) {
    return { ...base, error: `${SYSLOG_NG} is missing: apt-get install syslog-ng-core syslog-ng-mod-geoip2 (Debian) to run this comparison` };
  }
  if (!syslogNgModule('libgeoip2-plugin.so')) {
    return { ...base, error: 'the syslog-ng geoip2 module is missing: apt-get install syslog-ng-mod-geoip2 (Debian) to run this comparison' };
  }
  const dir = await mkdtemp(join(tmpdir(), 'metron-bench-syslog-ng-'));
  try {
    const { lines, bytes } = broCorpus(records);
    const input = join(dir, 'bro.json');
    await writeFile(input, Buffer.concat(lines.flatMap((l) => [l, Buffer.from('\n')])));
    const out = join(dir, 'out.json');
    const conf = join(dir, 'syslog-ng.conf');
    await writeFile(conf, syslogNgConfig(out, defaultGeoDatabaseFiles().ipv4));
    const args = ['-F', '--no-caps', '-f', conf, '-R', join(dir, 'persist'), '-p', join(dir, 'pid'), '-c', join(dir, 'ctl')];
    const check = spawnSync(SYSLOG_NG, [...args, '--syntax-only'], { encoding: 'utf8' });
    if (check.status !== 0) return { ...base, error: `syslog-ng refused the config: ${(check.stderr || check.stdout).trim().slice(0, 400)}` };
    const version = /syslog-ng \S+ \(([^)]+)\)/.exec(spawnSync(SYSLOG_NG, ['--version'], { encoding: 'utf8' }).stdout ?? '')?.[1] ?? 'unknown';

    const t0 = performance.now();
    const result = await new Promise((resolve) => {
      // through bash, whose `times` gives syslog-ng's CPU time once it has exited (on stderr, last line)
      const script = '"$0" "$@"; status=$?; times >&2; exit $status';
      const child = spawn('bash', ['-c', script, SYSLOG_NG, ...args], { stdio: ['pipe', 'ignore', 'pipe'], detached: true });
      let stderr = '';
      child.stderr.on('data', (d) => { stderr += d; });
      child.on('exit', (code, signal) => resolve({ code, signal, stderr }));
      const feed = readFileSync(input);
      child.stdin.on('error', () => undefined);
      child.stdin.end(feed);
      // stdin() exits at end of input; in case it does not, the output file tells when it is done
      const watch = setInterval(() => {
        if (existsSync(out) && countLines(out) >= records) {
          clearInterval(watch);
          setTimeout(() => process.kill(-child.pid, 'SIGTERM'), 50);
        }
      }, 100);
      child.on('exit', () => clearInterval(watch));
    });
    const wallMs = performance.now() - t0;
    const written = existsSync(out) ? countLines(out) : 0;
    if (written < records) return { ...base, error: `syslog-ng wrote ${written} of ${records} messages (exit ${result.code ?? result.signal}): ${result.stderr.trim().slice(0, 400)}` };
    const text = readFileSync(out, 'utf8');
    const withGeo = text.split('"_geo":{').length - 1;
    // `times`: "0m1.234s 0m0.056s" for the children (syslog-ng), after the shell's own line
    const clock = /(\d+)m([\d.]+)s (\d+)m([\d.]+)s\s*$/.exec(result.stderr.trim());
    const cpuSeconds = clock === null ? null : Number(clock[1]) * 60 + Number(clock[2]) + Number(clock[3]) * 60 + Number(clock[4]);
    return {
      ...base,
      syslog_ng: version,
      mb: Number((bytes / 1e6).toFixed(1)),
      msgs_per_sec: Math.round(records / (wallMs / 1000)),
      cpu_us_per_msg: cpuSeconds === null ? null : Number(((cpuSeconds * 1e6) / records).toFixed(2)),
      geo_share: Number((withGeo / records).toFixed(3)),
        note: 'wall clock from spawn to exit, process start included (~tens of ms); CPU of all its threads',
    };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

function countLines(path) {
  const buf = readFileSync(path);
  let n = 0;
  for (let i = buf.indexOf(10); i !== -1; i = buf.indexOf(10, i + 1)) n++;
  return n;
}

/**
 * The `syslog-ng` scenario: syslog-ng's rate, the like-for-like Node figure (the production enrich
 * entry doing JSON parse + geo on the responder address + JSON out, one thread, same file), and
 * the ratios of that and of the figures of this run's other scenarios (`nodeFigures`) to syslog-ng.
 */
export async function syslogNgScenario(nodeFigures = {}) {
  const ng = await syslogNgComparison();
  if (ng.error !== undefined) return ng;
  const table = await threatIntelStore();
  const { lines } = broCorpus(EVENTS);
  const { batches } = await parsedBatches(lines);
  const pool = await productionPool(enrichmentConfig({ threatIntel: false, rules: false, geoFields: ['ip_dst_addr'] }), table.path);
  const likeForLike = await measure(batches, (b) => pool.enrich(b));
  await pool.close();
  const figures = { node_json_geo_one_field_one_thread: likeForLike.events_per_sec, ...nodeFigures };
  const ratios = {};
  for (const [name, value] of Object.entries(figures)) if (typeof value === 'number') ratios[name] = { events_per_sec: value, vs_syslog_ng: Number((value / ng.msgs_per_sec).toFixed(2)) };
  // CPU per message: steadier than rates when the machine is shared
  if (ng.cpu_us_per_msg !== null) {
    ratios.node_json_geo_one_field_one_thread.cpu_us_per_event = likeForLike.cpu_us_per_event;
    ratios.node_json_geo_one_field_one_thread.syslog_ng_cpu_per_msg_over_node = Number((ng.cpu_us_per_msg / likeForLike.cpu_us_per_event).toFixed(2));
  }
  return { ...ng, node: ratios };
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const core = await enrichmentCore();
  process.stdout.write(`${JSON.stringify({ scenario: 'enrichment-core', ...core })}\n`);
  const e2e = await enrichmentEndToEnd();
  process.stdout.write(`${JSON.stringify({ scenario: 'enrichment-e2e', ...e2e })}\n`);
  const ng = await syslogNgScenario({ enrichment_core: core.enrich_batch.events_per_sec, enrichment_e2e: e2e.events_per_sec });
  process.stdout.write(`${JSON.stringify({ scenario: 'syslog-ng', ...ng })}\n`);
}
