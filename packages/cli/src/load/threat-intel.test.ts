/**
 * `metron load stix|taxii|misp` run in-process into a real LMDB store (and Redis for one case),
 * then read back through the enrichment tables; TAXII against the local TAXII 2.1 test server,
 * MISP over HTTP from a local node:http server.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { createServer as createNetServer, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough, Readable } from 'node:stream';
import { gzipSync } from 'node:zlib';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { compileSensorEnrichment, DEFAULT_INDICATOR_TYPES, mapMispEvent } from '@metron/enrichment';
import { EnrichmentTables, enrichmentRowKey, openLmdbStore, openRedisStore } from '@metron/storage';
import { startTestTaxiiServer, type TestTaxiiServer } from '../../../enrichment/src/threat-intel/test-support/taxii-server.js';
import { startTestRedis, startTestRedisOn, type TestRedis } from '../../../storage/src/kv/test-support/redis-server.js';
import { runLoad } from './load.js';
import { LOAD_STATE_NAMESPACE } from './threat-intel.js';
import { mispEvent } from './test-support/misp-events.js';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'metron-ti-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

interface Run {
  code: number;
  summary: Record<string, unknown> | undefined;
  err: string;
}

async function load(args: string[], env: Record<string, string> = {}, stdin = ''): Promise<Run> {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  let out = '';
  let err = '';
  stdout.on('data', (c: Buffer) => (out += c.toString('utf8')));
  stderr.on('data', (c: Buffer) => (err += c.toString('utf8')));
  const saved = Object.fromEntries(Object.keys(env).map((k) => [k, process.env[k]]));
  Object.assign(process.env, env);
  try {
    const code = await runLoad(args, { stdin: Readable.from(stdin === '' ? [] : [Buffer.from(stdin)]), stdout, stderr });
    await new Promise((r) => setImmediate(r));
    const line = out.split('\n').find((l) => l !== '');
    return { code, summary: line?.startsWith('{') ? (JSON.parse(line) as Record<string, unknown>) : undefined, err };
  } finally {
    for (const [k, v] of Object.entries(saved)) {
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
    }
  }
}

const lmdb = () => ['--data-dir', join(dir, 'data')];

async function file(name: string, content: unknown): Promise<string> {
  const path = join(dir, name);
  await mkdir(join(path, '..'), { recursive: true });
  await writeFile(path, typeof content === 'string' || Buffer.isBuffer(content) ? content : JSON.stringify(content, null, 2));
  return path;
}

/** Reads the tables a load wrote (optionally as seen at another time). */
async function withTables<T>(read: (tables: EnrichmentTables) => T, now?: () => number): Promise<T> {
  const store = openLmdbStore({ path: join(dir, 'data', 'kv'), ...(now ? { now } : {}) });
  try {
    return read(new EnrichmentTables(store));
  } finally {
    await store.close();
  }
}

const rowsOf = (tables: EnrichmentTables, type: string) => [...tables.indicators('threatintel', 't', type)];

const IDENTITY = { type: 'identity', spec_version: '2.1', id: 'identity--11111111-1111-4111-8111-111111111111', name: 'ACME CERT', identity_class: 'organization' };
const ind = (n: number, pattern: string, extra: Record<string, unknown> = {}) => ({
  type: 'indicator',
  spec_version: '2.1',
  id: `indicator--00000000-0000-4000-8000-${String(n).padStart(12, '0')}`,
  created: '2024-03-01T10:00:00.000Z',
  modified: '2024-03-01T10:00:00.000Z',
  pattern,
  pattern_type: 'stix',
  valid_from: '2024-03-01T10:00:00Z',
  ...extra,
});
const bundle = (objects: unknown[]) => ({ type: 'bundle', id: 'bundle--22222222-2222-4222-8222-222222222222', objects });

describe('metron load stix', () => {
  it('loads indicators into the table with their metadata, reports what it cannot load with its location, exits 1 on failed items', async () => {
    const c2 = ind(1, "[ipv4-addr:value = '198.51.100.7'] OR [domain-name:value = 'c2.evil.example']", {
      name: 'C2 servers',
      indicator_types: ['malicious-activity'],
      labels: ['c2'],
      confidence: 90,
      valid_until: '2099-01-01T00:00:00Z',
      created_by_ref: IDENTITY.id,
    });
    await file('stix/a.json', bundle([IDENTITY, c2, ind(2, "[file:hashes.'SHA-256' = 'E3B0C44298FC1C149AFBF4C8996FB92427AE41E4649B934CA495991B7852B855' AND file:name = 'x.exe']")]));
    await file('stix/b.json.gz', gzipSync(JSON.stringify(bundle([ind(3, "[url:value MATCHES '^http://bad'] OR [ipv6-addr:value = '2001:DB8::7/128']"), ind(4, "[ipv4-addr:value = '1.2.3.4'")]))));
    const broken = await file('stix/c.json', '{\n  "type": "bundle",\n  "objects": [\n    {"type": "indicator",}\n  ]\n}\n');
    const r = await load(['stix', '-i', join(dir, 'stix'), '-q', ...lmdb()]);
    expect(r.code).toBe(1);
    const a = join(dir, 'stix', 'a.json');
    const b = join(dir, 'stix', 'b.json.gz');
    expect(r.err.split('\n').filter((l) => l.startsWith('metron load: ') || l.startsWith('    '))).toEqual([
      `metron load: ${a}: objects[2] (${ind(2, '').id}): not loaded: file:name: no table type for this object path (loaded: ipv4-addr, ipv6-addr, domain-name, url, email-addr values, file and artifact hashes, network-traffic src_ref/dst_ref values)`,
      `metron load: ${b}: objects[0] (${ind(3, '').id}): not loaded: operator MATCHES in 'url:value MATCHES ...' the tables answer exact matches (=, IN) only`,
      `metron load: ${b}: objects[1] (${ind(4, '').id}): invalid STIX pattern: expected ']' to close the observation expression, found the end of the pattern at offset 28:`,
      "    [ipv4-addr:value = '1.2.3.4'",
      '                                ^',
      expect.stringMatching(new RegExp(`^metron load: ${broken.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}:4:26: invalid JSON: `)),
      expect.stringMatching(/^metron load: 4 rows loaded into table threatintel, column family t \(LMDB at .*\) from 5 STIX objects \(4 indicators\): 0 removed \(revoked or deleted\), 0 already expired, 1 skipped, 2 not loadable, 2 failed; [\d.]+ s, \d+ objects\/s$/),
    ]);
    expect(r.summary).toEqual({
      table: 'threatintel',
      column_family: 't',
      backend: 'lmdb',
      format: 'stix',
      records: 5,
      indicators: 4,
      loaded: 4,
      removed: 0,
      expired: 0,
      skipped: 1,
      unsupported: 2,
      failed: 2,
      purged: 0,
      elapsed_ms: expect.any(Number),
      files: 3,
    });
    await withTables((tables) => {
      expect(tables.get('threatintel', 't', 'malicious_ip', '198.51.100.7')).toEqual({
        'source-type': 'STIX',
        'indicator-type': 'malicious_ip',
        stix_id: c2.id,
        name: 'C2 servers',
        pattern: c2.pattern,
        indicator_types: 'malicious-activity',
        labels: 'c2',
        valid_from: '2024-03-01T10:00:00Z',
        valid_until: '2099-01-01T00:00:00Z',
        confidence: 90,
        created: '2024-03-01T10:00:00.000Z',
        modified: '2024-03-01T10:00:00.000Z',
        source: 'ACME CERT',
        observable: 'ipv4-addr:value',
      });
      expect(rowsOf(tables, 'malicious_ip')).toEqual(['198.51.100.7', '2001:db8::7']);
      expect(rowsOf(tables, 'malicious_domain')).toEqual(['c2.evil.example']);
      expect(rowsOf(tables, 'malicious_hash')).toEqual(['e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855']);
      expect(tables.get('threatintel', 't', 'malicious_hash', 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855')).toMatchObject({ hash_type: 'SHA-256', observable: "file:hashes.'SHA-256'" });
      expect(tables.exists('threatintel', 't', 'malicious_url', 'http://bad')).toBe(false);
    });
  });

  it('is idempotent, expires rows at valid_until, and removes the rows of an indicator revoked later', async () => {
    const soon = new Date(Date.now() + 3_600_000).toISOString();
    const v1 = ind(5, "[ipv4-addr:value = '203.0.113.5' OR ipv4-addr:value = '203.0.113.6']");
    const input = await file('one.json', bundle([v1, ind(6, "[domain-name:value = 'soon.example']", { valid_until: soon }), ind(7, "[domain-name:value = 'gone.example']", { valid_until: '2020-01-01T00:00:00Z' })]));
    const args = ['stix', '-i', input, '-q', '--type-map', 'domain=domain:FQDN', ...lmdb()];
    const first = await load(args);
    expect(first.code).toBe(0);
    expect(first.summary).toMatchObject({ loaded: 3, expired: 1, removed: 0 });
    const before = await withTables((t) => [...t.store.entries('threatintel')]);
    const second = await load(args);
    expect({ ...second.summary, elapsed_ms: 0 }).toEqual({ ...first.summary, elapsed_ms: 0 });
    expect(await withTables((t) => [...t.store.entries('threatintel')])).toEqual(before);
    expect(await withTables((t) => rowsOf(t, 'domain:FQDN'))).toEqual(['soon.example']);
    expect(await withTables((t) => rowsOf(t, 'domain:FQDN'), () => Date.now() + 7_200_000)).toEqual([]);

    const revoked = await file('two.json', bundle([{ ...v1, modified: '2024-04-01T00:00:00.000Z', revoked: true }, ind(8, "[ipv4-addr:value = '203.0.113.6']")]));
    const r = await load(['stix', '-i', revoked, '-q', ...lmdb()]);
    expect(r.summary).toMatchObject({ records: 2, indicators: 2, loaded: 1, removed: 1 });
    expect(await withTables((t) => rowsOf(t, 'malicious_ip'))).toEqual(['203.0.113.6']);
    expect(await withTables((t) => t.get('threatintel', 't', 'malicious_ip', '203.0.113.6')?.['stix_id'])).toBe(ind(8, '').id);
  });

  it("gives Metron's hbaseThreatIntel adapter its hits: a sensor config's fieldToTypeMap finds what the load wrote", async () => {
    const input = await file(
      'hits.json',
      bundle([ind(20, "[ipv4-addr:value = '198.51.100.20'] OR [ipv6-addr:value = '2001:0db8:0000:0000:0000:0000:0000:0020'] OR [domain-name:value = 'Bad.Example'] OR [file:hashes.MD5 = 'D41D8CD98F00B204E9800998ECF8427E']")]),
    );
    expect((await load(['stix', '-i', input, '-q', ...lmdb()])).code).toBe(0);
    // the shape of Metron's bro threat-intel config (conformance configs/enrichments/bro.json), plus domain and hash fields
    const config = {
      threatIntel: {
        fieldMap: { hbaseThreatIntel: ['ip_src_addr', 'ip_dst_addr', 'query', 'md5'] },
        fieldToTypeMap: { ip_src_addr: ['malicious_ip'], ip_dst_addr: ['malicious_ip'], query: ['malicious_domain'], md5: ['malicious_hash'] },
      },
    };
    await withTables((tables) => {
      const enricher = compileSensorEnrichment('bro', config, { tables }, 'enrichments/bro.json');
      const hit = enricher.enrich({ 'source.type': 'bro', ip_src_addr: '10.0.0.1', ip_dst_addr: '198.51.100.20', query: 'bad.example', md5: 'd41d8cd98f00b204e9800998ecf8427e' });
      expect(hit.errors).toEqual([]);
      expect(hit.message).toMatchObject({
        'threatintels.hbaseThreatIntel.ip_dst_addr.malicious_ip': 'alert',
        'threatintels.hbaseThreatIntel.query.malicious_domain': 'alert',
        'threatintels.hbaseThreatIntel.md5.malicious_hash': 'alert',
        is_alert: 'true',
      });
      expect(hit.message?.['threatintels.hbaseThreatIntel.ip_src_addr.malicious_ip']).toBeUndefined();
      const v6 = enricher.enrich({ 'source.type': 'bro', ip_src_addr: '2001:db8::20', ip_dst_addr: '10.0.0.2' });
      expect(v6.message?.['threatintels.hbaseThreatIntel.ip_src_addr.malicious_ip']).toBe('alert');
      const miss = enricher.enrich({ 'source.type': 'bro', ip_src_addr: '10.0.0.1', ip_dst_addr: '198.51.100.21' });
      expect(miss.message?.['is_alert']).toBeUndefined();
    });
  });

  it('reads a bundle from stdin and from a URL', async () => {
    const text = JSON.stringify(bundle([ind(30, "[ipv4-addr:value = '192.0.2.30']")]));
    const fromStdin = await load(['stix', '-i', '-', '-q', ...lmdb()], {}, text);
    expect(fromStdin.summary).toMatchObject({ records: 1, loaded: 1, files: 1 });
    const http: Server = createServer((req, res) => {
      if (req.headers.authorization !== `Basic ${Buffer.from('u:p').toString('base64')}`) {
        res.writeHead(401);
        res.end();
        return;
      }
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify(bundle([ind(31, "[ipv4-addr:value = '192.0.2.31']")])));
    });
    await new Promise<void>((r) => http.listen(0, '127.0.0.1', r));
    try {
      const url = `http://127.0.0.1:${(http.address() as AddressInfo).port}/bundle.json`;
      const denied = await load(['stix', '--url', url, '-q', ...lmdb()]);
      expect(denied.code).toBe(1);
      expect(denied.err).toContain(`metron load: ${url}: cannot read: GET ${url}: HTTP 401 Unauthorized\n`);
      const r = await load(['stix', '--url', url, '--user', 'u', '-q', ...lmdb()], { METRON_LOAD_PASSWORD: 'p' });
      expect(r.summary).toMatchObject({ records: 1, loaded: 1 });
    } finally {
      await new Promise((r) => http.close(r));
    }
    expect(await withTables((t) => rowsOf(t, 'malicious_ip'))).toEqual(['192.0.2.30', '192.0.2.31']);
  });

  it('writes to Redis the same rows as to LMDB', async () => {
    const redis: TestRedis = await startTestRedis();
    try {
      const input = await file('r.json', bundle([ind(9, "[ipv4-addr:value = '192.0.2.9' AND url:value = 'http://x.example/a']")]));
      const r = await load(['stix', '-i', input, '-q', '--backend', 'redis', '--redis-url', redis.url]);
      expect(r.summary).toMatchObject({ backend: 'redis', loaded: 2 });
      await load(['stix', '-i', input, '-q', ...lmdb()]);
      const store = await openRedisStore({ url: redis.url });
      try {
        expect([...store.entries('threatintel')]).toEqual(await withTables((t) => [...t.store.entries('threatintel')]));
      } finally {
        await store.close();
      }
    } finally {
      await redis.stop();
    }
  });

  it('a load that stops on a failing store counts as loaded only the rows it wrote (MISP over HTTP into Redis)', async () => {
    const port = await new Promise<number>((resolve) => {
      const probe = createNetServer().listen(0, '127.0.0.1', () => {
        const { port: p } = probe.address() as AddressInfo;
        probe.close(() => resolve(p));
      });
    });
    const redis = await startTestRedisOn(port);
    const id = (n: number) => `00000000-0000-4000-8000-${String(n).padStart(12, '0')}`;
    // a MISP feed of two events of 100 addresses each; the second is served once the test says so
    const event = (e: number) => JSON.stringify({
      Event: {
        uuid: id(e),
        Attribute: Array.from({ length: 100 }, (_, i) => ({ uuid: id(1000 * e + i), type: 'ip-dst', value: `198.18.${e}.${i}`, to_ids: true })),
      },
    });
    const manifest = JSON.stringify({ [id(1)]: { timestamp: 1 }, [id(2)]: { timestamp: 2 } });
    let release!: () => void;
    const released = new Promise<void>((r) => (release = r));
    const http: Server = createServer((req, res) => {
      const name = (req.url ?? '').split('/').pop()!;
      if (name === 'manifest.json') res.end(manifest);
      else if (name === `${id(1)}.json`) res.end(event(1));
      else void released.then(() => res.end(event(2)));
    });
    await new Promise<void>((r) => http.listen(0, '127.0.0.1', r));
    try {
      const url = `http://127.0.0.1:${(http.address() as AddressInfo).port}/feed`;
      const loading = load(['misp', '--url', url, '-b', '10', '-q', '--backend', 'redis', '--redis-url', redis.url]);
      const written = async () => {
        const store = await openRedisStore({ url: redis.url, cacheTtlMs: 0 });
        try {
          return [...store.entries('threatintel')].length;
        } finally {
          await store.close();
        }
      };
      const deadline = Date.now() + 20_000;
      while ((await written()) < 100 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
      expect(await written()).toBe(100);
      await redis.stop();
      release();
      const r = await loading;
      expect(r.code).toBe(1);
      expect(r.summary).toMatchObject({ loaded: 100 });
    } finally {
      release();
      http.closeAllConnections();
      await new Promise((r) => http.close(r));
      await redis.stop();
    }
  }, 60_000);

  it('refuses bad usage with exit 2', async () => {
    const input = await file('u.json', bundle([]));
    const cases: Array<[string[], RegExp]> = [
      [['stix'], /give --input FILES \(STIX files or directories; - for stdin\) or --url BUNDLE_URL/],
      [['stix', '-i', input, '--url', 'http://x'], /give --input FILES .* or --url BUNDLE_URL \(one of them\)/],
      [['stix', '-i', input, '--collection', 'x'], /--collection does not go with stix \(only with taxii\)/],
      [['stix', '-i', input, '--type-map', 'mac=x'], /--type-map: 'mac=x': the kind must be one of/],
      [['stix', '-i', input, '--ttl', '1d', '--expires-at', '0'], /--ttl or --expires-at, not both/],
      [['taxii'], /--url is required/],
      [['taxii', '--url', 'ftp://x'], /--url must be an http:\/\/ or https:\/\/ URL/],
      [['taxii', '--url', 'http://x', '--full', '--added-after', '2024-01-01T00:00:00Z'], /--added-after or --full, not both/],
      [['taxii', '--url', 'http://x', '--added-after', 'yesterday'], /--added-after must be epoch ms or an ISO 8601/],
      [['misp'], /give --input DIR or --url FEED_URL/],
      [['misp', '-i', dir, '--collection', 'x'], /--collection does not go with misp/],
      [['stix', '-i', input, '--full'], /--full does not go with stix \(only with taxii, misp\)/],
    ];
    for (const [args, reason] of cases) {
      const r = await load([...args, ...lmdb()]);
      expect(r.code, args.join(' ')).toBe(2);
      expect(r.err, args.join(' ')).toMatch(reason);
    }
    const help = await load(['--help']);
    expect(help.code).toBe(0);
    expect(help.summary).toBeUndefined();
  });
});

describe('metron load taxii', () => {
  let server: TestTaxiiServer;
  const password = 'pa55:word';
  beforeAll(async () => {
    server = await startTestTaxiiServer({
      collections: [
        { id: '91a7b528-80eb-42ed-a74d-c6fbd5a26116', title: 'High value indicators' },
        { id: 'b2c1c7a0-0000-4000-8000-000000000002', title: 'Other' },
        { id: 'c3000000-0000-4000-8000-000000000003', title: 'Write only', can_read: false },
      ],
      users: { analyst: password },
      maxPageSize: 2,
    });
  });
  afterAll(async () => {
    await server?.stop();
  });

  it('discovers, lists collections, pages, and re-runs incrementally from the stored X-TAXII-Date-Added-Last', async () => {
    const high = '91a7b528-80eb-42ed-a74d-c6fbd5a26116';
    server.add(high, [IDENTITY, ind(11, "[ipv4-addr:value = '198.51.100.11']", { created_by_ref: IDENTITY.id }), ind(12, "[domain-name:value = 'twelve.example']"), ind(13, "[url:value = 'http://13.example/']"), ind(14, "[ipv4-addr:value ISSUBSET '10.0.0.0/8']")]);
    server.add('b2c1c7a0-0000-4000-8000-000000000002', [ind(15, "[file:hashes.MD5 = 'd41d8cd98f00b204e9800998ecf8427e']")]);
    const env = { METRON_LOAD_USER: 'analyst', METRON_LOAD_PASSWORD: password };
    const args = ['taxii', '--url', server.discoveryUrl, '-q', ...lmdb()];

    const first = await load(args, env);
    expect(first.code).toBe(0);
    expect(first.err).toContain(`metron load: collection ${high} page 3 objects[0] (${ind(14, '').id}): not loaded: operator ISSUBSET`);
    expect(first.summary).toEqual({
      table: 'threatintel',
      column_family: 't',
      backend: 'lmdb',
      format: 'taxii',
      records: 6,
      indicators: 5,
      loaded: 4,
      removed: 0,
      expired: 0,
      skipped: 1,
      unsupported: 1,
      failed: 0,
      purged: 0,
      elapsed_ms: expect.any(Number),
      api_root: server.apiRootUrl,
      collections: [
        { id: high, title: 'High value indicators', added_after: null, objects: 5, pages: 3, date_added_last: server.lastDateAdded(high) },
        { id: 'b2c1c7a0-0000-4000-8000-000000000002', title: 'Other', added_after: null, objects: 1, pages: 1, date_added_last: server.lastDateAdded('b2c1c7a0-0000-4000-8000-000000000002') },
      ],
    });
    await withTables((t) => {
      expect(rowsOf(t, 'malicious_ip')).toEqual(['198.51.100.11']);
      expect(t.get('threatintel', 't', 'malicious_ip', '198.51.100.11')).toMatchObject({ source: 'ACME CERT', feed: 'TAXII Test API root / High value indicators' });
      expect(rowsOf(t, 'malicious_hash')).toEqual(['d41d8cd98f00b204e9800998ecf8427e']);
      expect([...t.store.entries(LOAD_STATE_NAMESPACE)].map(([k, v]) => [k, (JSON.parse(v) as { added_after: string }).added_after])).toEqual([
        [JSON.stringify(['taxii', server.apiRootUrl, high]), server.lastDateAdded(high)],
        [JSON.stringify(['taxii', server.apiRootUrl, 'b2c1c7a0-0000-4000-8000-000000000002']), server.lastDateAdded('b2c1c7a0-0000-4000-8000-000000000002')],
      ]);
    });

    // nothing new: one request per collection, with added_after, and nothing loaded
    const requestsBefore = server.requests.length;
    const second = await load(args, env);
    expect(second.summary).toMatchObject({ records: 0, loaded: 0 });
    const objectRequests = server.requests.slice(requestsBefore).filter((q) => q.path.endsWith('/objects/'));
    expect(objectRequests.map((q) => q.query['added_after'])).toEqual([server.lastDateAdded(high), server.lastDateAdded('b2c1c7a0-0000-4000-8000-000000000002')]);

    // something new in one collection: only that is fetched; a newer revoked version removes rows
    server.add(high, [ind(16, "[ipv4-addr:value = '198.51.100.16']"), { ...ind(12, "[domain-name:value = 'twelve.example']"), modified: '2024-06-01T00:00:00.000Z', revoked: true }]);
    const third = await load([...args, '--collection', 'High value indicators'], env);
    expect(third.summary).toMatchObject({ records: 2, indicators: 2, loaded: 1, removed: 1, collections: [{ id: high, objects: 2, pages: 1 }] });
    await withTables((t) => {
      expect(rowsOf(t, 'malicious_ip')).toEqual(['198.51.100.11', '198.51.100.16']);
      expect(rowsOf(t, 'malicious_domain')).toEqual([]);
    });

    // --full asks for everything again (the revoked version is the newest, so the domain stays out)
    const full = await load([...args, '--full', '--collection', high], env);
    expect(full.summary).toMatchObject({ records: 7, collections: [{ added_after: null, objects: 7, pages: 4 }] });
    expect(await withTables((t) => rowsOf(t, 'malicious_domain'))).toEqual([]);
  });

  it('reports server errors with exit 1, never the password', async () => {
    const wrong = await load(['taxii', '--url', server.discoveryUrl, '--user', 'analyst', '--password', 'guess-me', '-q', ...lmdb()]);
    expect(wrong.code).toBe(1);
    expect(wrong.err).toContain(`metron load: GET ${server.discoveryUrl}: HTTP 401 Unauthorized: Unauthorized: valid credentials are required`);
    expect(wrong.err + JSON.stringify(wrong.summary)).not.toContain('guess-me');
    expect(wrong.summary).toMatchObject({ loaded: 0, error: expect.stringContaining('HTTP 401') });
    const env = { METRON_LOAD_USER: 'analyst', METRON_LOAD_PASSWORD: password };
    const unknown = await load(['taxii', '--url', server.apiRootUrl, '--collection', 'nope', '-q', ...lmdb()], env);
    expect(unknown.code).toBe(1);
    expect(unknown.err).toContain("no collection 'nope'; the collections are: 91a7b528-80eb-42ed-a74d-c6fbd5a26116 (High value indicators), ");
    const closed = await load(['taxii', '--url', server.apiRootUrl, '--collection', 'Write only', '-q', ...lmdb()], env);
    expect(closed.err).toContain('cannot be read (can_read is false)');
  });
});

describe('metron load misp', () => {
  const EVENT = 'aaaaaaaa-1111-4111-8111-111111111111';
  const EVENT2 = 'bbbbbbbb-2222-4222-8222-222222222222';
  const event = (uuid: string, attributes: unknown[]) => ({ Event: { uuid, info: `event ${uuid.slice(0, 4)}`, date: '2024-05-01', threat_level_id: '2', Orgc: { name: 'CIRCL' }, Attribute: attributes } });
  const attr = (n: number, type: string, value: string, extra: Record<string, unknown> = {}) => ({ uuid: `00000000-0000-4000-8000-${String(n).padStart(12, '0')}`, type, category: 'Network activity', value, to_ids: true, timestamp: '1714521600', ...extra });

  async function feedDir(): Promise<string> {
    const feed = join(dir, 'feed');
    await file('feed/manifest.json', { [EVENT]: { info: 'one', timestamp: '1714521600' }, [EVENT2]: { info: 'two', timestamp: '1714608000' } });
    await file(`feed/${EVENT}.json`, event(EVENT, [attr(1, 'ip-dst', '198.51.100.31'), attr(2, 'domain', 'misp.example', { to_ids: false }), attr(3, 'regkey', 'HKLM\\a'), attr(4, 'regkey', 'HKLM\\b'), attr(5, 'md5', 'nothex')]));
    await file(`feed/${EVENT2}.json`, event(EVENT2, [attr(6, 'url', 'http://misp.example/x'), attr(7, 'sha256', 'E3B0C44298FC1C149AFBF4C8996FB92427AE41E4649B934CA495991B7852B855')]));
    await file('feed/hashes.csv', 'ignored');
    return feed;
  }

  it('loads a feed directory through its manifest, to_ids only, reporting other types once per type', async () => {
    const feed = await feedDir();
    const r = await load(['misp', '-i', feed, '-q', ...lmdb()]);
    expect(r.code).toBe(1);
    const at = (n: number) => `${join(feed, `${EVENT}.json`)}: Event.Attribute[${n - 1}] (00000000-0000-4000-8000-${String(n).padStart(12, '0')})`;
    expect(r.err).toContain(`metron load: ${at(3)}: not loaded: attribute type 'regkey' has no table type\n`);
    expect(r.err).not.toContain(at(4));
    expect(r.err).toContain(`metron load: ${at(5)}: md5: not a MD5 hash (32 hex digits): 'nothex'\n`);
    expect(r.err).toContain("metron load: not loaded: 2 items of MISP attribute type 'regkey'\n");
    expect(r.summary).toMatchObject({ format: 'misp', records: 7, indicators: 6, loaded: 3, skipped: 1, unsupported: 2, failed: 1, events: 2 });
    await withTables((t) => {
      expect(t.get('threatintel', 't', 'malicious_ip', '198.51.100.31')).toEqual({
        'source-type': 'MISP',
        'indicator-type': 'malicious_ip',
        misp_event_uuid: EVENT,
        misp_event_info: `event ${EVENT.slice(0, 4)}`,
        org: 'CIRCL',
        threat_level: 'Medium',
        event_date: '2024-05-01',
        feed: 'feed',
        misp_type: 'ip-dst',
        misp_attribute_uuid: '00000000-0000-4000-8000-000000000001',
        category: 'Network activity',
        timestamp: '2024-05-01T00:00:00.000Z',
        to_ids: true,
      });
      expect(rowsOf(t, 'malicious_domain')).toEqual([]);
      expect(rowsOf(t, 'malicious_url')).toEqual(['http://misp.example/x']);
      expect(rowsOf(t, 'malicious_hash')).toEqual(['e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855']);
    });
    // a re-run reads only events whose manifest timestamp changed
    const again = await load(['misp', '-i', feed, '-q', ...lmdb()]);
    expect(again.summary).toMatchObject({ records: 0, loaded: 0, events: 2, events_unchanged: 2 });
    expect(again.code).toBe(0);
    await file('feed/manifest.json', { [EVENT]: { info: 'one', timestamp: '1714521600' }, [EVENT2]: { info: 'two', timestamp: '1714700000' } });
    await file(`feed/${EVENT2}.json`, event(EVENT2, [attr(6, 'url', 'http://misp.example/x', { deleted: true }), attr(7, 'sha256', 'E3B0C44298FC1C149AFBF4C8996FB92427AE41E4649B934CA495991B7852B855')]));
    const changed = await load(['misp', '-i', feed, '-q', ...lmdb()]);
    expect(changed.summary).toMatchObject({ records: 2, loaded: 1, removed: 1, events_unchanged: 1 });
    expect(await withTables((t) => rowsOf(t, 'malicious_url'))).toEqual([]);
    // --full reads every event again
    const all = await load(['misp', '-i', feed, '-q', '--full', '--all-attributes', '--ttl', '1d', ...lmdb()]);
    expect(all.summary).toMatchObject({ loaded: 3, removed: 1, skipped: 0, events_unchanged: 0 });
    expect(await withTables((t) => rowsOf(t, 'malicious_domain'))).toEqual(['misp.example']);
    expect(await withTables((t) => rowsOf(t, 'malicious_domain'), () => Date.now() + 2 * 86_400_000)).toEqual([]);
  });

  it('loads a feed over HTTP, reporting a missing event file with its URL', async () => {
    const feed = await feedDir();
    await rm(join(feed, `${EVENT2}.json`));
    const http: Server = createServer((req, res) => {
      readFile(join(feed, (req.url ?? '/').slice('/feeds/circl/'.length)))
        .then((body) => {
          res.writeHead(200, { 'content-type': 'application/json' });
          res.end(body);
        })
        .catch(() => {
          res.writeHead(404);
          res.end();
        });
    });
    await new Promise<void>((r) => http.listen(0, '127.0.0.1', r));
    try {
      const url = `http://127.0.0.1:${(http.address() as AddressInfo).port}/feeds/circl`;
      const r = await load(['misp', '--url', url, '-q', ...lmdb()]);
      expect(r.code).toBe(1);
      expect(r.err).toContain(`metron load: ${url}/${EVENT2}.json: cannot read the event: GET ${url}/${EVENT2}.json: HTTP 404 Not Found\n`);
      expect(r.summary).toMatchObject({ records: 5, loaded: 1, events: 2 });
      expect(await withTables((t) => t.get('threatintel', 't', 'malicious_ip', '198.51.100.31')?.['feed'])).toBe(url);
    } finally {
      await new Promise((r) => http.close(r));
    }
  });
});

describe('metron load misp: event files streamed', () => {
  const uuid = (n: number) => `${String(n).repeat(8)}-0000-4000-8000-000000000000`;

  /**
   * What loading these events gives when each is mapped whole (mapMispEvent, as the loader did
   * before it streamed them): the summary's counts and the table's rows, as stored.
   */
  function wholeTextLoad(events: Array<[where: string, text: string]>, feed: string) {
    const counts = { records: 0, indicators: 0, loaded: 0, removed: 0, expired: 0, skipped: 0, unsupported: 0, failed: 0 };
    const table = new Map<string, string>();
    for (const [where, text] of events) {
      const chunk = mapMispEvent(text, where, { types: DEFAULT_INDICATOR_TYPES, feed });
      counts.records += chunk.attributes;
      counts.indicators += chunk.indicators;
      counts.skipped += chunk.skipped;
      for (const issue of chunk.issues) counts[issue.kind]++;
      for (const row of chunk.rows) {
        const key = enrichmentRowKey('t', row.type, row.indicator);
        if (row.remove === true) {
          counts.removed++;
          table.delete(key);
        } else {
          counts.loaded++;
          table.set(key, JSON.stringify(row.value));
        }
      }
    }
    return { counts, rows: [...table].sort(([a], [b]) => (a < b ? -1 : 1)) };
  }

  const tableRows = () => withTables((t) => [...t.store.entries('threatintel')].sort(([a], [b]) => (a < b ? -1 : 1)));

  it('loads a feed directory as the whole-text mapping would: a truncated event, one with a stray character, a large one, good ones', async () => {
    const big = JSON.stringify(mispEvent(5, { attributes: 12_000, objects: 400, order: 'lists-first' }));
    const small = JSON.stringify(mispEvent(6, { attributes: 300, objects: 20, order: 'objects-first' }), null, 2);
    const texts = [big.slice(0, big.length >> 1), `${small.slice(0, 5000)}x${small.slice(5000)}`, big, small, JSON.stringify(mispEvent(7, { attributes: 200, objects: 30, order: 'shuffled' }))];
    const feed = join(dir, 'feed');
    await file('feed/manifest.json', Object.fromEntries(texts.map((_, i) => [uuid(i + 1), { timestamp: 1714521600 + i }])));
    for (const [i, text] of texts.entries()) await file(`feed/${uuid(i + 1)}.json`, text);
    const expected = wholeTextLoad(texts.map((text, i) => [join(feed, `${uuid(i + 1)}.json`), text]), 'feed');
    expect(expected.counts).toMatchObject({ failed: expect.any(Number), removed: expect.any(Number) });
    expect(expected.counts.removed).toBeGreaterThan(0);

    const r = await load(['misp', '-i', feed, '-q', ...lmdb()]);
    expect(r.code).toBe(1);
    expect(r.summary).toMatchObject({ ...expected.counts, events: 5, events_unchanged: 0 });
    expect(await tableRows()).toEqual(expected.rows);
    // the first issues shown: the two broken files, each stopped at its error
    const lines = texts[0]!.split('\n');
    const issues = r.err.split('\n');
    expect(issues[0]).toBe(`metron load: ${join(feed, `${uuid(1)}.json`)}:${lines.length}:${lines.at(-1)!.length + 1}: invalid JSON: Unterminated string`);
    expect(issues[1]).toMatch(new RegExp(`^metron load: ${join(feed, uuid(2))}\\.json:\\d+:\\d+: invalid JSON: `));
    // the broken events count as read: a re-run reads none of them again, and changes nothing
    const again = await load(['misp', '-i', feed, '-q', ...lmdb()]);
    expect(again.summary).toMatchObject({ records: 0, events_unchanged: 5 });
    const full = await load(['misp', '-i', feed, '-q', '--full', ...lmdb()]);
    expect(full.summary).toMatchObject(expected.counts);
    expect(await tableRows()).toEqual(expected.rows);
  });

  it('reads .json.gz event files, and reports one it cannot decompress or find', async () => {
    const one = JSON.stringify(mispEvent(8, { attributes: 100, objects: 10, order: 'metadata-first' }));
    const two = `\ufeff${JSON.stringify(mispEvent(9, { attributes: 20, objects: 0, order: 'metadata-first' }))}`;
    await file('events/a.json.gz', Buffer.from('not gzip'));
    await file('events/b.json', two);
    await file('events/c.json.gz', gzipSync(one));
    const expected = wholeTextLoad([[join(dir, 'events', 'b.json'), two], [join(dir, 'events', 'c.json.gz'), one]], 'events');
    const r = await load(['misp', '-i', join(dir, 'events'), '-q', ...lmdb()]);
    expect(r.summary).toMatchObject({ ...expected.counts, failed: expected.counts.failed + 1, events: 3 });
    expect(r.err).toContain(`metron load: ${join(dir, 'events', 'a.json.gz')}: cannot read the event: incorrect header check\n`);
    // a byte order mark is not JSON, for JSON.parse as for the stream
    expect(r.err).toContain(`metron load: ${join(dir, 'events', 'b.json')}:1:1: invalid JSON: `);
    expect(await tableRows()).toEqual(expected.rows);

    await file('feed/manifest.json', { [uuid(1)]: { timestamp: 1 } });
    const missing = await load(['misp', '-i', join(dir, 'feed'), '-q', ...lmdb()]);
    expect(missing.err).toContain(`metron load: ${join(dir, 'feed', `${uuid(1)}.json`)}: cannot read the event: ENOENT: no such file or directory, open '${join(dir, 'feed', `${uuid(1)}.json`)}'\n`);
  });

  /**
   * A MISP feed over HTTP at `<url>/feeds/f`: manifest.json names `events` (as uuid(1), uuid(2)...),
   * and `answer` answers the request for event i. Stopped (its connections closed) after the test.
   */
  async function mispFeed(events: string[], answer: (i: number, res: ServerResponse) => void, authorized: (req: IncomingMessage) => boolean = () => true): Promise<string> {
    const manifest = JSON.stringify(Object.fromEntries(events.map((_, i) => [uuid(i + 1), { timestamp: 1714521600 + i }])));
    const http: Server = createServer((req, res) => {
      if (!authorized(req)) {
        res.writeHead(403);
        res.end();
        return;
      }
      const name = (req.url ?? '').split('/').pop()!;
      if (name === 'manifest.json') res.end(manifest);
      else answer(events.findIndex((_, j) => name === `${uuid(j + 1)}.json`), res);
    });
    await new Promise<void>((r) => http.listen(0, '127.0.0.1', r));
    stops.push(async () => {
      http.closeAllConnections();
      await new Promise((r) => http.close(r));
    });
    return `http://127.0.0.1:${(http.address() as AddressInfo).port}/feeds/f`;
  }
  const stops: Array<() => Promise<void>> = [];
  afterEach(async () => {
    for (const stop of stops.splice(0).reverse()) await stop();
  });

  it('downloads the events of a feed URL to temporary files, with the API key, and removes them, also after a failed download', async () => {
    const key = 'misp-api-key-1';
    const events = ['broken', JSON.stringify(mispEvent(10, { attributes: 12_000, objects: 100, order: 'lists-first' })), JSON.stringify(mispEvent(11, { attributes: 50, objects: 5, order: 'shuffled' }))];
    const url = await mispFeed(events, (i, res) => {
      if (events[i] === 'broken') {
        // half the body, then the connection drops
        res.writeHead(200, { 'content-length': '100000' });
        res.write('{"Event": {"Attribute": [');
        setTimeout(() => res.destroy(), 20);
        return;
      }
      res.end(events[i]);
    }, (req) => req.headers.authorization === key);
    const tmp = join(dir, 'tmp');
    await mkdir(tmp);
    const r = await load(['misp', '--url', url, '-q', ...lmdb()], { METRON_LOAD_TOKEN: key, TMPDIR: tmp });
    const expected = wholeTextLoad([[`${url}/${uuid(2)}.json`, events[1]!], [`${url}/${uuid(3)}.json`, events[2]!]], url);
    expect(r.summary).toMatchObject({ ...expected.counts, failed: expected.counts.failed + 1, events: 3 });
    expect(r.err.split('\n')[0]).toMatch(new RegExp(`^metron load: ${url}/${uuid(1)}\\.json: cannot read the event: \\w`));
    expect(r.err + JSON.stringify(r.summary)).not.toContain(key);
    expect(await tableRows()).toEqual(expected.rows);
    // the downloads and the scratch store of the large event's rows are gone
    expect(await readdir(tmp)).toEqual([]);
  });

  it('fails a download whose server stops sending for --timeout seconds, and loads the rest; a slow body that keeps coming loads', async () => {
    const events = [JSON.stringify(mispEvent(20, { attributes: 30, objects: 2, order: 'shuffled' })), 'stalls', JSON.stringify(mispEvent(22, { attributes: 30, objects: 2, order: 'shuffled' }))];
    const open = new Set<ReturnType<typeof setInterval>>();
    const url = await mispFeed(events, (i, res) => {
      if (events[i] === 'stalls') {
        res.writeHead(200);
        res.write('{"Event": {"Attribute": [');
        return; // and nothing more
      }
      // the first event trickles in over ~1.5 s: longer than the timeout, never idle that long
      const body = events[i]!;
      const step = Math.ceil(body.length / 6);
      let at = 0;
      res.writeHead(200);
      const timer = setInterval(() => {
        res.write(body.slice(at, at + step));
        at += step;
        if (at >= body.length) {
          clearInterval(timer);
          open.delete(timer);
          res.end();
        }
      }, i === 0 ? 250 : 0);
      open.add(timer);
    });
    stops.push(async () => {
      for (const timer of open) clearInterval(timer);
    });
    const started = Date.now();
    const r = await load(['misp', '--url', url, '--timeout', '1', '-q', ...lmdb()]);
    expect(Date.now() - started).toBeLessThan(15_000);
    const expected = wholeTextLoad([[`${url}/${uuid(1)}.json`, events[0]!], [`${url}/${uuid(3)}.json`, events[2]!]], url);
    expect(r.summary).toMatchObject({ ...expected.counts, failed: expected.counts.failed + 1, events: 3 });
    expect(r.err).toContain(`metron load: ${url}/${uuid(2)}.json: cannot read the event: GET ${url}/${uuid(2)}.json: the body broke off: no data for 1 s`);
    expect(await tableRows()).toEqual(expected.rows);
  });
});

describe("metron load stix|taxii|misp: the global config's kv.backend", () => {
  let redis: TestRedis;
  let taxii: TestTaxiiServer;
  beforeAll(async () => {
    redis = await startTestRedis();
    taxii = await startTestTaxiiServer({ collections: [{ id: 'd4000000-0000-4000-8000-000000000004', title: 'Feed' }], users: { reader: 'reader-pw' } });
    taxii.add('d4000000-0000-4000-8000-000000000004', [ind(41, "[ipv4-addr:value = '192.0.2.41']")]);
  });
  afterAll(async () => {
    await taxii?.stop();
    await redis?.stop();
  });

  const redisRows = async (): Promise<string[]> => {
    const store = await openRedisStore({ url: redis.url, cacheTtlMs: 0 });
    try {
      return [...new EnrichmentTables(store).indicators('threatintel', 't', 'malicious_ip')];
    } finally {
      await store.close();
    }
  };

  it('loads into the Redis that --config-dir names (kv.backend, kv.redis.url), for every format', async () => {
    const configDir = join(dir, 'config');
    await file('config/global.json', { 'kv.backend': 'redis', 'kv.redis.url': redis.url });
    const stix = await file('c.json', bundle([ind(40, "[ipv4-addr:value = '192.0.2.40']")]));
    await file('feed/manifest.json', { 'eeeeeeee-4444-4444-8444-444444444444': { info: 'x', timestamp: '1714521600' } });
    await file('feed/eeeeeeee-4444-4444-8444-444444444444.json', {
      Event: { uuid: 'eeeeeeee-4444-4444-8444-444444444444', info: 'x', date: '2024-05-01', Attribute: [{ uuid: '00000000-0000-4000-8000-000000000042', type: 'ip-dst', category: 'Network activity', value: '192.0.2.42', to_ids: true, timestamp: '1714521600' }] },
    });
    for (const args of [['stix', '-i', stix], ['misp', '-i', join(dir, 'feed')], ['taxii', '--url', taxii.discoveryUrl]]) {
      const r = await load([...args, '-q', '--config-dir', configDir], { METRON_LOAD_USER: 'reader', METRON_LOAD_PASSWORD: 'reader-pw' });
      expect(r.code, `${args[0]}: ${r.err}`).toBe(0);
      expect(r.summary).toMatchObject({ backend: 'redis', loaded: 1 });
      expect(r.err).toContain(`(Redis at ${redis.url})`);
    }
    expect(await redisRows()).toEqual(['192.0.2.40', '192.0.2.41', '192.0.2.42']);
    // LMDB was not touched; --data-dir still chooses it, with a note that the pipeline reads Redis.
    const lmdbRun = await load(['stix', '-i', stix, '-q', '--config-dir', configDir, ...lmdb()]);
    expect(lmdbRun.summary).toMatchObject({ backend: 'lmdb', loaded: 1 });
    expect(lmdbRun.err).toContain(`note: loading LMDB at ${join(dir, 'data', 'kv')}, while ${join(configDir, 'global.json')} sets kv.backend redis`);
  });

  it('refuses a bad kv setting with its path, exit 2', async () => {
    await file('config/global.json', { 'kv.backend': 'redis', 'kv.redis.url': 'http://nope' });
    const r = await load(['stix', '-i', await file('d.json', bundle([])), '--config-dir', join(dir, 'config')]);
    expect(r.code).toBe(2);
    expect(r.err).toContain(`${join(dir, 'config', 'global.json')}: $['kv.redis.url']: `);
  });
});
