import { createSocket } from 'node:dgram';
import { appendFile, mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startEmbedded, type EmbeddedHandle } from '@metron/cli';
import { TelemetryGenerator } from '@metron/pipeline';
import { ADMIN_PASSWORD, api, eventually, tempEnv } from './helpers.js';

const quiet = { info() {}, warn() {}, error() {} };

describe('embedded Metron: ingest → parse → index → search over REST', () => {
  let env: Awaited<ReturnType<typeof tempEnv>>;
  let handle: EmbeddedHandle;
  let base: string;
  let tailFile: string;

  beforeAll(async () => {
    const dir = await mkdtemp(join(tmpdir(), 'metron-tail-'));
    tailFile = join(dir, 'events.log');
    await writeFile(tailFile, '{"event":"first","user":{"name":"ann"}}\n{"event":"second","user":{"name":"bob"}}\n');
    env = await tempEnv([
      { type: 'syslog-udp', sensor: 'syslog', host: '127.0.0.1', port: 0 },
      { type: 'syslog-tcp', sensor: 'syslog', host: '127.0.0.1', port: 0 },
      { type: 'file', sensor: 'json', path: tailFile, pollMs: 50 },
    ]);
    handle = await startEmbedded({ configDir: env.configDir, dataDir: env.dataDir, port: 0, host: '127.0.0.1', adminPassword: ADMIN_PASSWORD, log: quiet });
    base = handle.url;
  });
  afterAll(async () => {
    await handle?.stop();
    await env?.cleanup();
  });

  it('answers 401 without credentials except for health', async () => {
    expect((await fetch(`${base}/api/v1/health`)).status).toBe(200);
    for (const [method, path] of [['POST', '/api/v1/search/search'], ['POST', '/api/v1/ingest/bro'], ['GET', '/api/v1/metrics'], ['GET', '/metrics']] as const) {
      const res = await fetch(base + path, { method });
      expect(res.status, `${method} ${path}`).toBe(401);
    }
    const wrong = await api(base, 'GET', '/api/v1/metrics', undefined, { authorization: 'Basic ' + Buffer.from('admin:nope').toString('base64') });
    expect(wrong.status).toBe(401);
  });

  it('reports the Parquet archive in /api/v1/metrics and /metrics', async () => {
    const archive = (await api(base, 'GET', '/api/v1/metrics')).json.archive;
    expect(Object.keys(archive).sort()).toEqual(['bytes', 'failedRolls', 'files', 'rolls', 'rows']);
    expect(archive.failedRolls).toBe(0);
    const text = await (await fetch(`${base}/metrics`, { headers: { authorization: 'Basic ' + Buffer.from(`admin:${ADMIN_PASSWORD}`).toString('base64') } })).text();
    expect(text).toMatch(/^metron_archive_files_total \d+$/m);
    expect(text).toMatch(/^metron_archive_roll_failures_total 0$/m);
  });

  it('indexes Bro records ingested over HTTP and finds them with field queries', async () => {
    const gen = new TelemetryGenerator(99, () => 1_700_000_000_000);
    const lines = Array.from({ length: 200 }, () => gen.bro());
    const res = await api(base, 'POST', '/api/v1/ingest/bro', lines.join('\n') + '\n', { 'content-type': 'application/x-ndjson' });
    expect(res.status).toBe(202);
    expect(res.json.accepted).toBe(200);

    const all = await eventually(async () => {
      const r = await api(base, 'POST', '/api/v1/search/search', { indices: ['bro'], query: '*', from: 0, size: 500 });
      return r.json?.total === 200 ? r.json : undefined;
    });
    expect(all.results).toHaveLength(200);
    const originals = new Set(lines.map((l) => Object.keys(JSON.parse(l))[0]));
    for (const hit of all.results) {
      expect(hit.index).toBe('bro_index');
      expect(hit.id).toBe(hit.source.guid);
      expect(hit.source['source.type']).toBe('bro');
      expect(typeof hit.source.timestamp).toBe('number');
      expect(hit.source.timestamp).toBe(1_700_000_000_000);
      expect(originals.has(String(hit.source.protocol).toLowerCase())).toBe(true);
      expect(typeof hit.source.original_string).toBe('string');
      expect(hit.source.guid).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-8[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    }

    // field:value on an address (dots escaped as Metron's UI sends them, and plain)
    const first = all.results[0].source;
    const src = String(first.ip_src_addr);
    const expected = all.results.filter((h: any) => h.source.ip_src_addr === src).length;
    for (const q of [`ip_src_addr:${src.replace(/\./g, '\\.')}`, `ip_src_addr:"${src}"`]) {
      const r = await api(base, 'POST', '/api/v1/search/search', { indices: ['bro'], query: q, size: 500, facetFields: ['protocol'] });
      expect(r.status, q).toBe(200);
      expect(r.json.total, q).toBe(expected);
      expect(r.json.results.every((h: any) => h.source.ip_src_addr === src)).toBe(true);
      const facetTotal = Object.values(r.json.facetCounts.protocol as Record<string, number>).reduce((a, b) => a + b, 0);
      expect(facetTotal).toBe(expected);
    }

    const one = await api(base, 'POST', '/api/v1/search/findOne', { guid: first.guid, sensorType: 'bro' });
    expect(one.status).toBe(200);
    expect(one.json).toEqual(first);
  });

  it('keeps bad input in the error index with its raw bytes and reason, and stays up', async () => {
    const invalidUtf8 = Buffer.from([0x7b, 0x22, 0x61, 0x22, 0x3a, 0xff, 0xfe, 0x7d]);
    const junk = Buffer.from(Array.from({ length: 64 }, (_, i) => (i * 37) % 256));
    const big = Buffer.alloc(10_000_000, 0x61); // a 10 MB line: over the 1 MiB record limit
    const body = Buffer.concat([invalidUtf8, Buffer.from('\n'), Buffer.from('   \n'), Buffer.from('{"not bro": true}\n')]);
    expect((await api(base, 'POST', '/api/v1/ingest/bro', body, { 'content-type': 'text/plain' })).status).toBe(202);
    expect((await api(base, 'POST', '/api/v1/ingest/bro', junk, { 'content-type': 'application/json' })).status).toBe(202);
    expect((await api(base, 'POST', '/api/v1/ingest/bro', big, { 'content-type': 'text/plain' })).status).toBe(202);
    const tooBig = await api(base, 'POST', '/api/v1/ingest/bro', Buffer.alloc(11 * 1024 * 1024, 0x61), { 'content-type': 'text/plain' });
    expect(tooBig.status).toBe(413);
    expect(tooBig.json.message).toMatch(/limit|large/i);

    const errors = await eventually(async () => {
      const r = await api(base, 'POST', '/api/v1/search/search', { indices: ['error'], query: 'failed_sensor_type:bro', size: 50 });
      return r.json?.total === 5 ? r.json.results.map((h: any) => h.source) : undefined;
    });
    const byRaw = (raw: Buffer) => errors.find((e: any) => e.raw_message_bytes === raw.toString('base64') || (e.raw_message_length === raw.length && e.raw_message_file));
    const utf = byRaw(invalidUtf8);
    expect(utf.message).toMatch(/UTF-8/);
    expect(utf.stage).toBe('parse');
    expect(utf['source.type']).toBe('error');
    expect(byRaw(Buffer.from('   ')).message).toMatch(/whitespace/i);
    expect(byRaw(Buffer.from('{"not bro": true}')).error_type).toMatch(/parser_/);
    expect(byRaw(junk)).toBeDefined();
    const large = byRaw(big);
    expect(large.stage).toBe('source');
    expect(large.error_type).toBe('source_refused');
    expect(large.message).toMatch(/exceeds/);
    // every byte of the oversized record is kept
    expect((await readFile(large.raw_message_file)).equals(big)).toBe(true);
    expect((await fetch(`${base}/api/v1/health`)).status).toBe(200);
  });

  it('survives a UDP syslog flood and accounts for every datagram', async () => {
    const source = handle.sources.find((s) => s.name.includes('udp'));
    const addr = source?.address?.();
    expect(addr).toBeDefined();
    const sock = createSocket('udp4');
    const n = 3000;
    for (let i = 0; i < n; i++) {
      const line = `<34>1 2024-01-01T00:00:${String(i % 60).padStart(2, '0')}Z host app ${i} - - flood message ${i}`;
      await new Promise<void>((res, rej) => sock.send(line, addr!.port, addr!.host, (e) => (e ? rej(e) : res())));
      // Sender and receiver share this event loop: pause now and then so the receiver can drain
      // the kernel's socket buffer (a real flood comes from other processes).
      if (i % 100 === 99) await new Promise((r) => setTimeout(r, 15));
    }
    sock.close();
    const counters = await eventually(async () => {
      const r = await api(base, 'GET', '/api/v1/metrics');
      const s = r.json?.sensors?.syslog;
      const acct = r.json?.accounting?.syslog;
      return s && s.received > 0 && acct.recordsInFlight === 0 && acct.messagesInFlight === 0 && Date.now() ? { s, acct } : undefined;
    });
    // UDP may drop in the kernel under a flood; what was received is all accounted for.
    const s = counters.s;
    expect(s.received).toBeGreaterThan(n * 0.9);
    expect(s.parsed).toBe(s.received);
    expect(s.received).toBe(s.refused + s.invalid + s.errors + s.filtered + s.parsed);
    expect(s.messages).toBe(s.indexed + s.index_errors);
    expect((await fetch(`${base}/api/v1/health`)).status).toBe(200);
  });

  it('tails a file (JSON lines, nested maps unfolded) and takes syslog over TCP with both framings', async () => {
    await appendFile(tailFile, '{"event":"third","user":{"name":"cy"}}\n');
    const hits = await eventually(async () => {
      const r = await api(base, 'POST', '/api/v1/search/search', { indices: ['json'], query: '*', size: 10, sort: [{ field: 'event', sortOrder: 'asc' }] });
      return r.json?.total === 3 ? r.json.results.map((h: any) => h.source) : undefined;
    });
    expect(hits.map((h: any) => [h.event, h['user.name']])).toEqual([['first', 'ann'], ['second', 'bob'], ['third', 'cy']]);

    const tcp = handle.sources.find((s) => s.name.includes('tcp'))!.address!();
    const before = (await api(base, 'GET', '/api/v1/metrics')).json.sensors.syslog?.indexed ?? 0;
    const a = '<13>1 2024-05-01T10:00:00Z web-1 nginx 42 - - octet counted frame';
    const b = '<13>1 2024-05-01T10:00:01Z web-1 nginx 42 - - newline framed';
    await new Promise<void>((res, rej) => {
      const sock = connect(tcp.port, tcp.host, () => sock.end(`${Buffer.byteLength(a)} ${a}${b}\n`));
      sock.on('close', () => res());
      sock.on('error', rej);
    });
    const found = await eventually(async () => {
      const r = await api(base, 'POST', '/api/v1/search/search', { indices: ['syslog'], query: 'syslog.header.hostName:web-1', size: 10 });
      return r.json?.total === 2 ? r.json.results.map((h: any) => h.source['syslog.message']).sort() : undefined;
    });
    expect(found).toEqual(['newline framed', 'octet counted frame']);
    expect((await api(base, 'GET', '/api/v1/metrics')).json.sensors.syslog.indexed).toBeGreaterThanOrEqual(before + 2);
  });

  it('exposes per-sensor counters as JSON and Prometheus text', async () => {
    const json = await api(base, 'GET', '/api/v1/metrics');
    expect(json.status).toBe(200);
    const bro = json.json.sensors.bro;
    expect(bro.received).toBe(205);
    expect(bro.parsed).toBe(200);
    expect(bro.refused).toBe(1);
    expect(bro.invalid + bro.errors).toBe(4);
    expect(bro.indexed).toBe(200);
    expect(json.json.accounting.bro).toEqual({ recordsInFlight: 0, messagesInFlight: 0 });
    expect(json.json.lag.every((l: any) => typeof l.lag === 'number')).toBe(true);
    const prom = await api(base, 'GET', '/metrics');
    expect(prom.headers.get('content-type')).toMatch(/text\/plain/);
    expect(prom.text).toContain('metron_indexed_total{sensor="bro"} 200');
    expect(prom.text).toContain('metron_received_total{sensor="bro"} 205');
  });
});
