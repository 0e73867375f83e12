import { readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { openDuckDbSearchStore, type SearchStore } from '@metron/storage';
import { openLocalLog } from './bus/index.js';
import { ParsePool } from './parse-pool.js';
import { Pipeline } from './pipeline.js';

const JSON_MAP = { parserClassName: 'org.apache.metron.parsers.json.JSONMapParser', parserConfig: {} };
const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  while (cleanups.length) await (cleanups.pop() as () => Promise<void>)();
});

async function setup(wrap?: (s: SearchStore) => SearchStore, parseWorkers = 0, global: Record<string, unknown> = {}) {
  const dir = await mkdtemp(join(tmpdir(), 'metron-pipeline-'));
  const bus = await openLocalLog({ dir: join(dir, 'log') });
  const real = await openDuckDbSearchStore({ path: join(dir, 'index.duckdb') });
  const store = wrap ? wrap(real) : real;
  const pipeline = new Pipeline({ bus, store, dataDir: dir, parseWorkers, global, sensors: { json: { parser: JSON_MAP } } });
  await pipeline.start();
  cleanups.push(async () => {
    await pipeline.stop(1000);
    await real.close();
    await bus.close();
    await rm(dir, { recursive: true, force: true });
  });
  return { pipeline, store: real };
}

describe('Pipeline', () => {
  for (const workers of [0, 1]) {
    it(`parses, indexes and error-indexes, accounting for every record (${workers} parse workers)`, async () => {
      const { pipeline, store } = await setup(undefined, workers);
      const good = Array.from({ length: 50 }, (_, i) => Buffer.from(JSON.stringify({ n: i, host: `h${i % 3}`, timestamp: 1000 + i })));
      const bad = [Buffer.from('{"n": '), Buffer.from([0xc3, 0x28]), Buffer.from('[1,2]')];
      await pipeline.ingest('json', [...good.slice(0, 25), ...bad, ...good.slice(25)]);
      await pipeline.waitIdle();
      const m = pipeline.metrics;
      expect(m.get('json', 'received')).toBe(53);
      expect(m.get('json', 'parsed')).toBe(50);
      expect(m.get('json', 'invalid') + m.get('json', 'errors')).toBe(3);
      expect(m.get('json', 'indexed')).toBe(50);
      expect(m.accounting()['json']).toEqual({ recordsInFlight: 0, messagesInFlight: 0 });

      const hits = await store.search({ indices: ['json'], query: '*', size: 100, sort: [{ field: 'n', sortOrder: 'asc' }] });
      expect(hits.total).toBe(50);
      expect(hits.results.map((h) => h.source['n'])).toEqual(Array.from({ length: 50 }, (_, i) => i));
      for (const h of hits.results) {
        expect(h.source['source.type']).toBe('json');
        expect(h.source['original_string']).toBe(good[h.source['n'] as number]?.toString());
        expect(h.source['timestamp']).toBe(1000 + (h.source['n'] as number));
      }
      const errors = await store.search({ indices: ['error'], query: 'failed_sensor_type:json', size: 10 });
      expect(errors.total).toBe(3);
      const raws = errors.results.map((e) => Buffer.from(String(e.source['raw_message_bytes']), 'base64'));
      for (const b of bad) expect(raws.some((r) => r.equals(b))).toBe(true);
      for (const e of errors.results) {
        expect(e.source['stage']).toBe('parse');
        expect(String(e.source['message']).length).toBeGreaterThan(5);
      }
    });
  }

  it('isolates a message the index refuses and error-indexes it with the reason', async () => {
    const { pipeline, store } = await setup((real) => {
      const s = real as SearchStore & { writeJson?(sensor: string, lines: Buffer[]): Promise<void> };
      return Object.assign(Object.create(Object.getPrototypeOf(s)) as object, s, {
        writeJson: async (sensor: string, lines: Buffer[]) => {
          if (sensor !== 'error' && lines.some((l) => l.includes('poison'))) throw new Error('refused by the test store');
          return s.writeJson!.call(real, sensor, lines);
        },
        write: real.write.bind(real),
        search: real.search.bind(real),
      }) as SearchStore;
    });
    const lines = ['{"a":1}', '{"a":2,"tag":"poison"}', '{"a":3}'].map((l) => Buffer.from(l));
    await pipeline.ingest('json', lines);
    await pipeline.waitIdle();
    const m = pipeline.metrics;
    expect(m.get('json', 'indexed')).toBe(2);
    expect(m.get('json', 'index_errors')).toBe(1);
    expect(m.accounting()['json']).toEqual({ recordsInFlight: 0, messagesInFlight: 0 });
    const hits = await store.search({ indices: ['json'], query: '*', size: 10 });
    expect(hits.results.map((h) => h.source['a']).sort()).toEqual([1, 3]);
    const errors = await store.search({ indices: ['error'], query: 'stage:index', size: 10 });
    expect(errors.total).toBe(1);
    expect(errors.results[0]?.source['message']).toMatch(/refused by the test store/);
    expect(errors.results[0]?.source['error_type']).toBe('indexing_error');
  });

  it('refuses records over the size limit into the error index, keeping every byte', async () => {
    const { pipeline, store } = await setup();
    const big = Buffer.alloc(2 * 1024 * 1024, 0x7a);
    await pipeline.ingest('json', [big, Buffer.from('{"ok":true}')]);
    await pipeline.waitIdle();
    expect(pipeline.metrics.get('json', 'refused')).toBe(1);
    expect(pipeline.metrics.get('json', 'indexed')).toBe(1);
    const errors = await store.search({ indices: ['error'], query: 'stage:source', size: 10 });
    expect(errors.total).toBe(1);
    expect(errors.results[0]?.source['raw_message_length']).toBe(big.length);
    expect(typeof errors.results[0]?.source['raw_message_file']).toBe('string');
  });

  for (const workers of [0, 1]) {
    it(`applies the global config's fieldValidations (${workers} parse workers)`, async () => {
      const global = { fieldValidations: [{ input: ['ip'], validation: 'IP' }] };
      const { pipeline, store } = await setup(undefined, workers, global);
      await pipeline.ingest('json', [Buffer.from('{"ip":"10.0.0.1"}'), Buffer.from('{"ip":"999.1.1.1"}')]);
      await pipeline.waitIdle();
      expect(pipeline.metrics.get('json', 'parsed')).toBe(1);
      expect(pipeline.metrics.get('json', 'invalid')).toBe(1);
      const errors = await store.search({ indices: ['error'], query: 'stage:parse', size: 10 });
      expect(errors.total).toBe(1);
      expect(errors.results[0]?.source['error_type']).toBe('parser_invalid');
      expect(String(errors.results[0]?.source['message'])).toMatch(/validation IP/);
    });
  }

  it('chains parsers: outputTopic feeds another sensor, whose messages are indexed under it', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'metron-pipeline-'));
    const bus = await openLocalLog({ dir: join(dir, 'log') });
    const store = await openDuckDbSearchStore({ path: join(dir, 'index.duckdb') });
    const pipeline = new Pipeline({
      bus, store, dataDir: dir, parseWorkers: 0,
      sensors: {
        outer: { parser: { ...JSON_MAP, outputTopic: 'inner_raw' } },
        inner: { parser: { ...JSON_MAP, sensorTopic: 'inner_raw' } },
      },
    });
    await pipeline.start();
    cleanups.push(async () => {
      await pipeline.stop(1000);
      await store.close();
      await bus.close();
      await rm(dir, { recursive: true, force: true });
    });
    await pipeline.ingest('outer', [Buffer.from('{"a":1,"timestamp":5}'), Buffer.from('{"a":2,"timestamp":6}'), Buffer.from('{')]);
    await pipeline.waitIdle();
    const m = pipeline.metrics;
    expect(m.get('outer', 'forwarded')).toBe(2);
    expect(m.get('outer', 'indexed')).toBe(0);
    expect(m.get('inner', 'received')).toBe(2);
    expect(m.get('inner', 'indexed')).toBe(2);
    expect(m.accounting()['outer']).toEqual({ recordsInFlight: 0, messagesInFlight: 0 });
    expect(m.accounting()['inner']).toEqual({ recordsInFlight: 0, messagesInFlight: 0 });
    expect((await store.search({ indices: ['outer'], query: '*', size: 10 })).total).toBe(0);
    const hits = await store.search({ indices: ['inner'], query: '*', size: 10, sort: [{ field: 'a', sortOrder: 'asc' }] });
    expect(hits.results.map((h) => h.source['a'])).toEqual([1, 2]);
    for (const h of hits.results) {
      expect(h.source['source.type']).toBe('inner');
      // JSONMap keeps the first sensor's fields (original_string included: the raw outer line);
      // source.type is the second sensor's.
      expect(h.source['original_string']).toBe(`{"a":${String(h.source['a'])},"timestamp":${String(h.source['timestamp'])}}`);
    }
    const errors = await store.search({ indices: ['error'], query: 'failed_sensor_type:outer', size: 10 });
    expect(errors.total).toBe(1);
  });

  it('chains syslog into CEF with the ENVELOPE strategy, as Metron\'s parser chaining does', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'metron-pipeline-'));
    const bus = await openLocalLog({ dir: join(dir, 'log') });
    const store = await openDuckDbSearchStore({ path: join(dir, 'index.duckdb') });
    const pipeline = new Pipeline({
      bus, store, dataDir: dir, parseWorkers: 1,
      sensors: {
        syslog: { parser: { parserClassName: 'Syslog5424', outputTopic: 'cef_raw' } },
        cef: { parser: { parserClassName: 'CEF', sensorTopic: 'cef_raw', rawMessageStrategy: 'ENVELOPE', rawMessageStrategyConfig: { messageField: 'syslog.message', metadataPrefix: '' } } as never },
      },
    });
    await pipeline.start();
    cleanups.push(async () => {
      await pipeline.stop(1000);
      await store.close();
      await bus.close();
      await rm(dir, { recursive: true, force: true });
    });
    const line = '<134>1 2024-06-15T10:11:12.000Z fw01 cef-agent 4242 - - CEF:0|Acme|Firewall|2.1|100|Blocked connection|7|src=10.1.2.3 dst=203.0.113.9 spt=51515 dpt=443 act=blocked';
    await pipeline.ingest('syslog', [Buffer.from(line)]);
    await pipeline.waitIdle();
    expect(pipeline.metrics.get('syslog', 'forwarded')).toBe(1);
    expect(pipeline.metrics.get('cef', 'indexed')).toBe(1);
    const hits = await store.search({ indices: ['cef'], query: '*', size: 10 });
    expect(hits.total).toBe(1);
    const m = hits.results[0]!.source;
    // the CEF parser's fields ...
    expect(m).toMatchObject({
      DeviceVendor: 'Acme', DeviceProduct: 'Firewall', Name: 'Blocked connection', Severity: 7,
      ip_src_addr: '10.1.2.3', ip_dst_addr: '203.0.113.9', ip_src_port: 51515, ip_dst_port: 443, deviceAction: 'blocked',
      'source.type': 'cef',
    });
    // ... with the syslog envelope's fields merged in, and the outermost record as original_string
    expect(m['syslog.header.hostName']).toBe('fw01');
    expect(m['syslog.header.appName']).toBe('cef-agent');
    expect(m['original_string']).toBe(line);
    expect((await store.search({ indices: ['error'], query: '*', size: 10 })).total).toBe(0);

    // A syslog line whose message is not CEF: the CEF sensor's error record carries the envelope's
    // fields (its metadata), as Metron's error messages do.
    const bad = '<134>1 2024-06-15T10:11:13.000Z fw02 cef-agent 4243 - - not a CEF line';
    await pipeline.ingest('syslog', [Buffer.from(bad)]);
    await pipeline.waitIdle();
    const errors = await store.search({ indices: ['error'], query: 'failed_sensor_type:cef', size: 10 });
    expect(errors.total).toBe(1);
    const e = errors.results[0]!.source;
    expect(e['syslog.header.hostName']).toBe('fw02');
    expect(e['original_string']).toBe(bad);
    expect(e['stage']).toBe('parse');
  });

  it('refuses an outputTopic nothing reads, and chains that loop', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'metron-pipeline-'));
    cleanups.push(() => rm(dir, { recursive: true, force: true }));
    const bus = await openLocalLog({ dir: join(dir, 'log') });
    cleanups.push(() => bus.close());
    const store = await openDuckDbSearchStore({ path: join(dir, 'index.duckdb') });
    cleanups.push(() => store.close());
    const make = (sensors: Record<string, { parser: typeof JSON_MAP & { outputTopic?: string; sensorTopic?: string } }>) =>
      () => new Pipeline({ bus, store, dataDir: dir, parseWorkers: 0, sensors });
    expect(make({ a: { parser: { ...JSON_MAP, outputTopic: 'nowhere' } } })).toThrow(/parsers\/a\.json.*outputTopic.*nowhere.*nothing would read it/);
    expect(make({
      a: { parser: { ...JSON_MAP, outputTopic: 'b' } },
      b: { parser: { ...JSON_MAP, outputTopic: 'a' } },
    })).toThrow(/loops back/);
  });

  it('reads a Zeek TSV log with its headers on a parse worker: headers are skipped, lines parsed with their layout', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'metron-pipeline-'));
    const bus = await openLocalLog({ dir: join(dir, 'log') });
    const store = await openDuckDbSearchStore({ path: join(dir, 'index.duckdb') });
    const pipeline = new Pipeline({ bus, store, dataDir: dir, parseWorkers: 1, sensors: { zeek: { parser: { parserClassName: 'Zeek', parserConfig: {} } } } });
    await pipeline.start();
    cleanups.push(async () => {
      await pipeline.stop(1000);
      await store.close();
      await bus.close();
      await rm(dir, { recursive: true, force: true });
    });
    const log = readFileSync(new URL('../../parsers/src/zeek/fixtures/conn.log', import.meta.url), 'utf8').split('\n').filter((l) => l !== '');
    const headers = log.filter((l) => l.startsWith('#')).length;
    const lines = log.length - headers;
    expect(lines).toBeGreaterThan(2);
    // one record per batch, so the header state must survive between batches
    for (const l of log) await pipeline.ingest('zeek', [Buffer.from(l)]);
    await pipeline.waitIdle();
    const m = pipeline.metrics;
    expect(m.get('zeek', 'skipped')).toBe(headers);
    expect(m.get('zeek', 'parsed')).toBe(lines);
    expect(m.get('zeek', 'errors') + m.get('zeek', 'invalid')).toBe(0);
    expect(m.accounting()['zeek']).toEqual({ recordsInFlight: 0, messagesInFlight: 0 });
    const hits = await store.search({ indices: ['zeek'], query: 'protocol:conn', size: 100 });
    expect(hits.total).toBe(lines);
    expect(hits.results.every((h) => typeof h.source['ip_src_addr'] === 'string' && typeof h.source['uid'] === 'string')).toBe(true);
  });

  it('enriches (geo, stellar), marks alerts and scores them by the triage rules of the sensor\'s enrichment config', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'metron-pipeline-'));
    const bus = await openLocalLog({ dir: join(dir, 'log') });
    const store = await openDuckDbSearchStore({ path: join(dir, 'index.duckdb') });
    const enrichment = {
      enrichment: { fieldMap: { geo: ['ip_dst_addr'], stellar: { config: { proto_upper: 'TO_UPPER(proto)' } } } },
      threatIntel: {
        fieldMap: { stellar: { config: { is_alert: 'ip_dst_port == 22 || ip_dst_port == 23' } } },
        triageConfig: {
          riskLevelRules: [
            { name: 'ssh', comment: 'ssh out', rule: 'ip_dst_port == 22', score: 50, reason: "FORMAT('ssh to %s', ip_dst_addr)" },
            { name: 'telnet', rule: 'ip_dst_port == 23', score: 'ip_dst_port / 0' },
          ],
          aggregator: 'MAX',
        },
      },
    };
    const pipeline = new Pipeline({
      bus, store, dataDir: dir, parseWorkers: 1, kvPath: join(dir, 'kv'),
      sensors: { json: { parser: JSON_MAP, enrichment }, plain: { parser: JSON_MAP } },
    });
    await pipeline.start();
    cleanups.push(async () => {
      await pipeline.stop(1000);
      await store.close();
      await bus.close();
      await rm(dir, { recursive: true, force: true });
    });
    const msg = (port: number, n: number) => Buffer.from(JSON.stringify({ n, ip_src_addr: '10.0.0.5', ip_dst_addr: '8.8.8.8', ip_dst_port: port, proto: 'tcp', timestamp: 1000 + n }));
    await pipeline.ingest('json', [msg(22, 1), msg(443, 2), msg(23, 3)]);
    await pipeline.ingest('plain', [msg(22, 4)]);
    await pipeline.waitIdle();
    const m = pipeline.metrics;
    expect(m.get('json', 'alerts')).toBe(1);
    expect(m.get('json', 'enrich_errors')).toBe(1);
    expect(m.get('json', 'indexed')).toBe(2);
    expect(m.accounting()['json']).toEqual({ recordsInFlight: 0, messagesInFlight: 0 });

    const hits = await store.search({ indices: ['json'], query: '*', size: 10, sort: [{ field: 'n', sortOrder: 'asc' }] });
    expect(hits.results.map((h) => h.source['n'])).toEqual([1, 2]);
    const [ssh, https] = hits.results.map((h) => h.source);
    for (const e of [ssh!, https!]) {
      expect(e['enrichments.geo.ip_dst_addr.country']).toBe('US');
      expect(typeof e['enrichments.geo.ip_dst_addr.latitude']).toBe('string');
      expect(e['proto_upper']).toBe('TCP');
    }
    expect(ssh!['is_alert']).toBe('true');
    expect(ssh!['threat.triage.score']).toBe(50);
    expect(ssh!['threat.triage.rules.0.name']).toBe('ssh');
    expect(ssh!['threat.triage.rules.0.comment']).toBe('ssh out');
    expect(ssh!['threat.triage.rules.0.reason']).toBe('ssh to 8.8.8.8');
    expect(https!['is_alert']).toBeUndefined();
    expect(https!['threat.triage.score']).toBeUndefined();

    // the failing score expression: error-indexed from the enrich stage, with the message
    const errors = await store.search({ indices: ['error'], query: 'stage:enrich', size: 10 });
    expect(errors.total).toBe(1);
    expect(errors.results[0]!.source['failed_sensor_type']).toBe('json');
    expect(errors.results[0]!.source['error_type']).toBe('threat_intel_error');
    expect(String(errors.results[0]!.source['raw_message'])).toContain('"n":3');

    // a sensor without an enrichment config passes unchanged
    const plain = await store.search({ indices: ['plain'], query: '*', size: 10 });
    expect(plain.total).toBe(1);
    expect(plain.results[0]!.source['is_alert']).toBeUndefined();
    expect(plain.results[0]!.source['enrichments.geo.ip_dst_addr.country']).toBeUndefined();
  });

  it('refuses a bad enrichment config at start, naming its file', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'metron-pipeline-'));
    cleanups.push(() => rm(dir, { recursive: true, force: true }));
    const bus = await openLocalLog({ dir: join(dir, 'log') });
    cleanups.push(() => bus.close());
    const store = await openDuckDbSearchStore({ path: join(dir, 'index.duckdb') });
    cleanups.push(() => store.close());
    const pipeline = new Pipeline({
      bus, store, dataDir: dir, parseWorkers: 0,
      sensors: { json: { parser: JSON_MAP, enrichment: { threatIntel: { triageConfig: { riskLevelRules: [{ rule: 'ip_dst_port ==', score: 1 }], aggregator: 'MAX' } } } } },
    });
    await expect(pipeline.start()).rejects.toThrow(/enrichments\/json\.json/);
  });

  it('replaces a parse worker that dies mid-stream: its batches are parsed again, every record indexed once', async () => {
    const { pipeline, store } = await setup(undefined, 1);
    const pool = (pipeline as unknown as { parsePool: { replacedWorkers: number; workers: Array<{ worker: { terminate(): Promise<number> } }> } }).parsePool;
    const batch = (b: number) => Array.from({ length: 500 }, (_, i) => Buffer.from(JSON.stringify({ n: b * 500 + i, timestamp: 1_700_000_000_000 + i })));
    for (let b = 0; b < 4; b++) await pipeline.ingest('json', batch(b));
    await pool.workers[0]!.worker.terminate();
    for (let b = 4; b < 8; b++) await pipeline.ingest('json', batch(b));
    await pipeline.waitIdle(30_000);
    expect(pool.replacedWorkers).toBe(1);
    expect((await store.search({ indices: ['json'], query: '*', size: 0 })).total).toBe(4000);
    // counted once each: no batch was written twice
    expect(pipeline.metrics.get('json', 'indexed')).toBe(4000);
  }, 60_000);

  it('waits longer and longer to start again a parse worker that cannot start, failing its tasks with the reason meanwhile', async () => {
    // a Node option workers refuse: every worker dies at its start
    const pool = new ParsePool({ json: JSON_MAP }, 1, {}, undefined, { execArgv: ['--input-type=module'] });
    cleanups.push(() => pool.close());
    const input = () => ({ sensor: 'json', topic: 'json', partition: [0], epoch: 'e', offset: ['0'], values: new Uint8Array(Buffer.from('{"a":1}')), lengths: new Uint32Array([7]), now: 0 });
    await expect(pool.parse(input())).rejects.toThrow(/--input-type/);
    const deadline = Date.now() + 5000;
    while (pool.replacedWorkers === 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 5));
    await expect(pool.parse(input())).rejects.toThrow(/--input-type/);
    await new Promise((r) => setTimeout(r, 1500));
    // waits of 100, 200, 400, 800 ms: a handful of starts in 1.5 s (it was thousands, at full speed)
    expect(pool.replacedWorkers).toBeGreaterThan(1);
    expect(pool.replacedWorkers).toBeLessThan(10);
  });

  it('rejects unknown sensors', async () => {
    const { pipeline } = await setup();
    await expect(pipeline.ingest('nope', [Buffer.from('x')])).rejects.toThrow(/unknown sensor/);
  });
});
