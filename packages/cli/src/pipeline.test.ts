/**
 * `metron pipeline` in-process: parse → enrichment → threat intel → triage on stdin lines with the
 * stores of a config directory: tables in LMDB (<data-dir>/kv) or in Redis (a real redis-server),
 * known hosts of the global config; failures on stderr with the line, stage and reason.
 */
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough, Readable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EnrichmentTables, openLmdbStore, openRedisStore, type KeyValueStore } from '@metron/storage';
import { startTestRedis, type TestRedis } from '../../storage/src/kv/test-support/redis-server.js';
import { runParse } from './parse.js';
import { runPipeline } from './pipeline.js';

const JSON_MAP = { parserClassName: 'org.apache.metron.parsers.json.JSONMapParser' };
const ENRICHMENT = {
  enrichment: {
    fieldMap: { hbaseEnrichment: ['ip_dst_addr'], host: ['ip_src_addr'], stellar: { config: { dst_port_class: "if ip_dst_port < 1024 then 'system' else 'user'" } } },
    fieldToTypeMap: { ip_dst_addr: ['whois'] },
  },
  threatIntel: {
    fieldMap: { hbaseThreatIntel: ['ip_src_addr'] },
    fieldToTypeMap: { ip_src_addr: ['malicious_ip'] },
    triageConfig: {
      riskLevelRules: [
        { name: 'listed source', comment: 'abuse.ch', rule: 'exists(threatintels.hbaseThreatIntel.ip_src_addr.malicious_ip)', score: 'ip_dst_port / 10', reason: "FORMAT('%s is listed', ip_src_addr)" },
        { name: 'printer', rule: "enrichments.host.ip_src_addr.known_info.type == 'printer'", score: 20 },
      ],
      aggregator: 'MAX',
    },
  },
};
const KNOWN_HOSTS = [{ ip: '203.0.113.66', type: 'printer', local: 'YES' }];

let redis: TestRedis;
let root: string;
beforeAll(async () => {
  redis = await startTestRedis();
  root = await mkdtemp(join(tmpdir(), 'metron-pipeline-cli-'));
});
afterAll(async () => {
  await redis?.stop();
  await rm(root, { recursive: true, force: true });
});

/** A config directory with the given global config (the sensors: tenant, and a syslog → cef chain). */
async function configDir(name: string, global: Record<string, unknown>): Promise<string> {
  const dir = join(root, name);
  await mkdir(join(dir, 'parsers'), { recursive: true });
  await mkdir(join(dir, 'enrichments'), { recursive: true });
  const files: Record<string, unknown> = {
    'global.json': global,
    'parsers/tenant.json': JSON_MAP,
    'enrichments/tenant.json': ENRICHMENT,
    'parsers/syslog.json': { parserClassName: 'Syslog5424', outputTopic: 'cef_raw' },
    'parsers/cef.json': { parserClassName: 'CEF', sensorTopic: 'cef_raw', rawMessageStrategy: 'ENVELOPE', rawMessageStrategyConfig: { messageField: 'syslog.message', metadataPrefix: '' } },
    'enrichments/cef.json': { threatIntel: { fieldMap: { hbaseThreatIntel: ['ip_dst_addr'] }, fieldToTypeMap: { ip_dst_addr: ['malicious_ip'] } } },
  };
  for (const [file, json] of Object.entries(files)) await writeFile(join(dir, file), JSON.stringify(json));
  return dir;
}

/** The rows `metron load` would write: a listed address and a whois row. */
async function loadRows(store: KeyValueStore): Promise<void> {
  const tables = new EnrichmentTables(store);
  await tables.load('threatintel', 't', [{ type: 'malicious_ip', indicator: '203.0.113.66', value: { source: 'abuse.ch' } }]);
  await tables.load('enrichment', 't', [{ type: 'whois', indicator: '8.8.8.8', value: { owner: 'Google' } }]);
  await store.close();
}

type Json = Record<string, unknown>;

async function run(command: typeof runPipeline | typeof runParse, args: string[], input: string) {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  const out: Buffer[] = [];
  const err: Buffer[] = [];
  stdout.on('data', (c: Buffer) => out.push(c));
  stderr.on('data', (c: Buffer) => err.push(c));
  const code = await command(args, { stdin: Readable.from([Buffer.from(input)]), stdout, stderr });
  const lines = (chunks: Buffer[]) =>
    Buffer.concat(chunks)
      .toString('utf8')
      .split('\n')
      .filter((l) => l !== '');
  return { code, out: lines(out), err: lines(err) };
}

const LISTED = JSON.stringify({ ip_src_addr: '203.0.113.66', ip_dst_addr: '8.8.8.8', ip_dst_port: 443, timestamp: 1000 });
const CLEAN = JSON.stringify({ ip_src_addr: '10.0.0.5', ip_dst_addr: '192.0.2.9', ip_dst_port: 8080, timestamp: 2000 });
const INPUT = `${LISTED}\nnot json\n${CLEAN}\n`;

/** What `metron parse` makes of the good lines (without guids): the pipeline adds to exactly these. */
async function parsed(dir: string): Promise<Json[]> {
  const result = await run(runParse, ['--sensor', 'tenant', '--config-dir', dir], `${LISTED}\n${CLEAN}\n`);
  expect(result.code).toBe(0);
  return result.out.map((l) => {
    const { guid: _, ...m } = JSON.parse(l) as Json;
    return m;
  });
}

/** The enrichment, threat intel and triage fields the two messages get. */
const ADDED = [
  {
    'enrichments.hbaseEnrichment.ip_dst_addr.whois.owner': 'Google',
    'enrichments.host.ip_src_addr.known_info.type': 'printer',
    'enrichments.host.ip_src_addr.known_info.local': 'YES',
    dst_port_class: 'system',
    'threatintels.hbaseThreatIntel.ip_src_addr.malicious_ip': 'alert',
    is_alert: 'true',
    'threat.triage.score': 44,
    'threat.triage.rules.0.name': 'listed source',
    'threat.triage.rules.0.comment': 'abuse.ch',
    'threat.triage.rules.0.score': 44,
    'threat.triage.rules.0.reason': '203.0.113.66 is listed',
    'threat.triage.rules.1.name': 'printer',
    'threat.triage.rules.1.comment': null,
    'threat.triage.rules.1.score': 20,
    'threat.triage.rules.1.reason': null,
  },
  { dst_port_class: 'user' },
];

function checkRun(result: Awaited<ReturnType<typeof run>>, base: Json[]): void {
  expect(result.code).toBe(1);
  const messages = result.out.map((l) => JSON.parse(l) as Json);
  expect(messages).toEqual(base.map((m, i) => ({ ...m, ...ADDED[i], guid: expect.stringMatching(/^[0-9a-f-]{36}$/) })));
  expect(new Set(messages.map((m) => m['guid'])).size).toBe(2);
  expect(result.err.map((l) => JSON.parse(l) as Json)).toEqual([
    {
      line: 2,
      stage: 'parse',
      sensor: 'tenant',
      reason: expect.stringContaining('not json') as unknown,
      error_type: 'parser_error',
      raw: 'not json',
      raw_base64: Buffer.from('not json').toString('base64'),
    },
  ]);
}

describe('metron pipeline', () => {
  it('with LMDB tables in <data-dir>/kv and the known hosts of the global config', async () => {
    const dir = await configDir('lmdb', { 'enrichment.host.known_hosts': KNOWN_HOSTS });
    const dataDir = join(root, 'lmdb-data');
    await loadRows(openLmdbStore({ path: join(dataDir, 'kv') }));
    checkRun(await run(runPipeline, ['--sensor', 'tenant', '--config-dir', dir, '--data-dir', dataDir], INPUT), await parsed(dir));
  });

  it('with the tables in Redis (kv.backend), fetched per batch', async () => {
    const dir = await configDir('redis', { 'enrichment.host.known_hosts': KNOWN_HOSTS, 'kv.backend': 'redis', 'kv.redis.url': redis.url });
    await loadRows(await openRedisStore({ url: redis.url, cacheTtlMs: 0 }));
    // one line per batch, then the whole input as one batch: the same output
    checkRun(await run(runPipeline, ['--sensor', 'tenant', '--config-dir', dir, '--batch-size', '1'], INPUT), await parsed(dir));
    checkRun(await run(runPipeline, ['--sensor', 'tenant', '--config-dir', dir], INPUT), await parsed(dir));
  });

  it('follows a parser chain to its end and enriches with the last sensor\'s config', async () => {
    const dir = await configDir('chain', {});
    const dataDir = join(root, 'chain-data');
    await loadRows(openLmdbStore({ path: join(dataDir, 'kv') }));
    const line = '<134>1 2024-06-15T10:11:12.000Z fw01 cef-agent 4242 - - CEF:0|Acme|Firewall|2.1|100|Blocked connection|7|src=10.1.2.3 dst=203.0.113.66 spt=51515 dpt=443 act=blocked';
    const result = await run(runPipeline, ['--sensor', 'syslog', '--config-dir', dir, '--data-dir', dataDir], `${line}\n`);
    expect(result.err).toEqual([]);
    expect(result.code).toBe(0);
    expect(result.out).toHaveLength(1);
    const message = JSON.parse(result.out[0]!) as Json;
    expect(message).toMatchObject({ 'source.type': 'cef', ip_src_addr: '10.1.2.3', ip_dst_addr: '203.0.113.66', 'threatintels.hbaseThreatIntel.ip_dst_addr.malicious_ip': 'alert', is_alert: 'true' });
  });

  it('--config-file with --enrichment-config and --global; a record over the size limit is refused at the source', async () => {
    const dir = await configDir('files', { 'enrichment.host.known_hosts': KNOWN_HOSTS });
    const dataDir = join(root, 'files-data');
    await loadRows(openLmdbStore({ path: join(dataDir, 'kv') }));
    const long = JSON.stringify({ ip_src_addr: '10.0.0.1', pad: 'x'.repeat(300) });
    const result = await run(
      runPipeline,
      ['--config-file', join(dir, 'parsers', 'tenant.json'), '--enrichment-config', join(dir, 'enrichments', 'tenant.json'), '--global', join(dir, 'global.json'), '--data-dir', dataDir, '--max-record-bytes', '200'],
      `${LISTED}\n${long}\n`,
    );
    expect(result.code).toBe(1);
    expect(result.out.map((l) => JSON.parse(l) as Json)).toEqual([{ ...(await parsed(dir))[0], ...ADDED[0], guid: expect.any(String) }]);
    expect(result.err.map((l) => JSON.parse(l) as Json)).toEqual([
      // the head kept of an over-long line: the limit plus one byte
      { line: 2, stage: 'source', sensor: 'tenant', reason: `record of ${long.length} bytes exceeds the 200-byte limit (only its first 201 bytes are shown)`, error_type: 'source_refused', raw: long.slice(0, 201), raw_base64: Buffer.from(long.slice(0, 201)).toString('base64') },
    ]);
  });

  it('reports an enrichment failure with the line and the message guid, and still prints the message', async () => {
    const dir = await configDir('failing', {});
    await writeFile(join(dir, 'enrichments', 'tenant.json'), JSON.stringify({ enrichment: { fieldMap: { stellar: { config: { bad: 'TO_INTEGER(ip_src_addr) + 1 / 0' } } } } }));
    const result = await run(runPipeline, ['--sensor', 'tenant', '--config-dir', dir, '--data-dir', join(root, 'failing-data')], `${CLEAN}\n`);
    expect(result.code).toBe(1);
    const [message] = result.out.map((l) => JSON.parse(l) as Json);
    expect(message!['bad']).toBeUndefined();
    expect(result.err.map((l) => JSON.parse(l) as Json)).toEqual([
      { line: 1, stage: 'enrich', sensor: 'tenant', reason: expect.stringContaining('stellar') as unknown, error_type: 'enrichment_error', raw: CLEAN, raw_base64: Buffer.from(CLEAN).toString('base64'), guid: message!['guid'], fatal: false },
    ]);
  });

  it('--metadata: a sensor that reads metadata gets the log key\'s fields, topic, partition and offset', async () => {
    const dir = await configDir('metadata', {});
    await writeFile(join(dir, 'parsers', 'tenant.json'), JSON.stringify({ ...JSON_MAP, readMetadata: true, mergeMetadata: true }));
    const result = await run(runPipeline, ['--sensor', 'tenant', '--config-dir', dir, '--data-dir', join(root, 'metadata-data'), '--metadata', '{"customer_id": "acme"}'], `${CLEAN}\n${CLEAN}\n`);
    expect(result).toMatchObject({ code: 0, err: [] });
    const metadata = result.out.map((l) => Object.entries(JSON.parse(l) as Json).filter(([k]) => k.startsWith('metron.metadata.')));
    expect(metadata).toEqual([0, 1].map((offset) => [
      ['metron.metadata.topic', 'tenant'],
      ['metron.metadata.partition', 0],
      ['metron.metadata.offset', offset],
      ['metron.metadata.customer_id', 'acme'],
    ]));
    expect((await run(runPipeline, ['--sensor', 'tenant', '--config-dir', dir, '--metadata', '[1]'], '')).code).toBe(2);
  });

  it('refuses usage and config errors with exit code 2, an unreachable Redis with 1', async () => {
    const dir = await configDir('errors', { 'kv.backend': 'redis', 'kv.redis.url': 'redis://127.0.0.1:1' });
    expect((await run(runPipeline, ['--config-dir', dir], '')).code).toBe(2);
    const unknown = await run(runPipeline, ['--sensor', 'nope', '--config-dir', dir], '');
    expect(unknown).toMatchObject({ code: 2, out: [] });
    expect(unknown.err[0]).toContain('no parser config for sensor "nope"');
    const down = await run(runPipeline, ['--sensor', 'tenant', '--config-dir', dir], `${CLEAN}\n`);
    expect(down).toMatchObject({ code: 1, out: [], err: [expect.stringMatching(/^metron pipeline: cannot reach Redis at redis:\/\/127\.0\.0\.1:1: .*ECONNREFUSED/)] });
    const bad = await configDir('bad-global', { 'kv.backend': 'hbase' });
    const refused = await run(runPipeline, ['--sensor', 'tenant', '--config-dir', bad], '');
    expect(refused.code).toBe(2);
    expect(refused.err.join('\n')).toContain(`$['kv.backend']`);
  });
});
