// GeoIP lookups per second on one core: the shipped DB-IP Lite City database, uncached
// (cacheSize 0: screening + tree walk + record decode + Metron map every time) against the LRU
// cache (default 10 000 entries), on the same fixed-seed address mix. The mix imitates traffic:
// a hot set of 500 public addresses takes ~70% of lookups (Zipf-like), a long tail of 50 000
// random public addresses ~15%, private/loopback addresses (skipped before any lookup) ~15%.
// Also GEO_GET through a compiled Stellar expression with the cached service installed.
// Uses the built packages: run `npm run build` first.
// Run: node bench/run.js geo-lookups   (or: node bench/geo.js)
import { pathToFileURL } from 'node:url';
import { seededRandom } from '@metron/core';
import { GeoDatabase, installIpServices } from '@metron/enrichment';
import { compile, defaultRegistry } from '@metron/stellar';

const LOOKUPS = Number(process.env.BENCH_GEO_LOOKUPS ?? 400_000);
const WARMUP_MS = Number(process.env.BENCH_GEO_WARMUP_MS ?? 300);
const MEASURE_MS = Number(process.env.BENCH_GEO_MS ?? 1500);

/** A public unicast IPv4 address (first octet 1-223, not 10/127/100.64/169.254/172.16/192.168). */
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
  if (r < 0.5) return `10.${n()}.${n()}.${1 + Math.floor(random() * 254)}`;
  if (r < 0.8) return `192.168.${n()}.${1 + Math.floor(random() * 254)}`;
  if (r < 0.95) return `172.${16 + Math.floor(random() * 16)}.${n()}.${1 + Math.floor(random() * 254)}`;
  return '127.0.0.1';
}

/** The fixed-seed address sequence. */
export function addressMix(count, seed = 20_240_601) {
  const random = seededRandom(seed);
  const hot = Array.from({ length: 500 }, () => publicAddress(random));
  const tail = Array.from({ length: 50_000 }, () => publicAddress(random));
  const out = new Array(count);
  for (let i = 0; i < count; i++) {
    const r = random();
    if (r < 0.7) out[i] = hot[Math.floor(hot.length * random() ** 3)]; // skewed towards the first hot addresses
    else if (r < 0.85) out[i] = tail[Math.floor(random() * tail.length)];
    else out[i] = privateAddress(random);
  }
  return out;
}

/** Runs fn over the addresses for ~ms milliseconds; returns lookups per second. */
function rate(addresses, fn, ms) {
  let n = 0;
  let found = 0;
  const t0 = performance.now();
  let elapsed = 0;
  do {
    for (let i = 0; i < 10_000; i++) if (fn(addresses[(n + i) % addresses.length]) !== null) found++;
    n += 10_000;
    elapsed = performance.now() - t0;
  } while (elapsed < ms);
  if (found < 0) console.error(found); // keeps the results alive
  return (n / elapsed) * 1000;
}

export async function geoLookups() {
  const addresses = addressMix(LOOKUPS);
  const t0 = performance.now();
  const uncached = await GeoDatabase.openDefault({ cacheSize: 0 });
  const openMs = performance.now() - t0;
  const cached = await GeoDatabase.openDefault();

  // same answers either way
  for (const ip of addresses.slice(0, 2000)) {
    if (JSON.stringify(uncached.lookup(ip)) !== JSON.stringify(cached.lookup(ip))) throw new Error(`cached and uncached lookups differ for ${ip}`);
  }
  uncached.clearCache();
  cached.clearCache();

  rate(addresses, (ip) => uncached.lookup(ip), WARMUP_MS);
  const uncachedRate = rate(addresses, (ip) => uncached.lookup(ip), MEASURE_MS);
  rate(addresses, (ip) => cached.lookup(ip), WARMUP_MS);
  const before = cached.stats();
  const cachedRate = rate(addresses, (ip) => cached.lookup(ip), MEASURE_MS);
  const after = cached.stats();
  const hits = after.cacheHits - before.cacheHits;
  const misses = after.cacheMisses - before.cacheMisses;

  const registry = defaultRegistry();
  installIpServices(registry, { geo: cached });
  const expr = "GEO_GET(ip_src_addr, ['country'])";
  const geoGet = compile(expr, { functions: registry });
  const vars = { ip_src_addr: '' };
  const stellarFn = (ip) => {
    vars.ip_src_addr = ip;
    return geoGet.run(vars);
  };
  rate(addresses, stellarFn, WARMUP_MS);
  const stellarRate = rate(addresses, stellarFn, MEASURE_MS);

  const stats = uncached.stats();
  const eligible = stats.lookups - Object.values(stats.ineligible).reduce((a, b) => a + b, 0);
  return {
    database: cached.files[0].databaseType,
    open_ms: Math.round(openMs),
    addresses: addresses.length,
    distinct_addresses: new Set(addresses).size,
    private_share: Math.round((1 - eligible / stats.lookups) * 1000) / 1000,
    found_share: Math.round(((eligible - stats.notFound) / stats.lookups) * 1000) / 1000,
    uncached_per_sec: Math.round(uncachedRate),
    cached_per_sec: Math.round(cachedRate),
    speedup: Math.round((cachedRate / uncachedRate) * 100) / 100,
    cache_hit_rate: Math.round((hits / (hits + misses)) * 1000) / 1000,
    cache_size: after.cacheCapacity,
    stellar_geo_get_cached_per_sec: Math.round(stellarRate),
    node: process.version,
  };
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  process.stdout.write(JSON.stringify(await geoLookups()) + '\n');
}
