/**
 * `metron load` as a user runs it (the built CLI in a child process): every flat-file extractor
 * config among Metron's example configs either loads a realistic CSV (checked row by row) or is
 * refused with its reason; the loaded tables are what ENRICHMENT_EXISTS / ENRICHMENT_GET read; the
 * Redis backend (a real redis-server) ends with the same table as LMDB.
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openLmdbStore, openRedisStore, type KeyValueStore } from '@metron/storage';
import { runCli } from './helpers.js';
import { startTestRedis, type TestRedis } from '../packages/storage/src/kv/test-support/redis-server.js';

const CONFIGS = '/work/shared/conformance/metron/configs';

const metron = (args: string[], input = '') => runCli(args, input);

/** Realistic inputs for the example configs, and the rows each must give: [type, indicator, value]. */
type Expected = { csv: string; table: string; rows: Array<[string, string, Record<string, string>]> } | { refused: RegExp };

const IP_BLOCKLIST = ['# Feodo Tracker style blocklist (first_seen_utc omitted)', '162.243.103.246', '50.16.16.211', '', '107.170.59.186', '# end'].join('\n');

const EXPECTED: Record<string, Expected> = {
  'data_management/enrichment-extractor.json': {
    csv: '10.0.2.15,internal build server\n192.168.66.1,"lab gateway, building 2"\n10.0.2.3,"dns ""resolver"""\n',
    table: 'enrichment',
    rows: [
      ['sample', '10.0.2.15', { ip: '10.0.2.15', message: 'internal build server' }],
      ['sample', '10.0.2.3', { ip: '10.0.2.3', message: 'dns "resolver"' }],
      ['sample', '192.168.66.1', { ip: '192.168.66.1', message: 'lab gateway, building 2' }],
    ],
  },
  'data_management/threatintel-extractor.json': {
    csv: IP_BLOCKLIST,
    table: 'threatintel',
    rows: [
      ['malicious_ip', '107.170.59.186', { ip: '107.170.59.186' }],
      ['malicious_ip', '162.243.103.246', { ip: '162.243.103.246' }],
      ['malicious_ip', '50.16.16.211', { ip: '50.16.16.211' }],
    ],
  },
  // the README's own example line
  'from_docs/metron-platform__metron-data-management__README__01.json': {
    csv: '123.45.123.12,something,the grapevine\n10.10.10.10,ignored,honeypot\n',
    table: 'threatintel',
    rows: [
      ['malicious_ip', '10.10.10.10', { ip: '10.10.10.10', source: 'honeypot' }],
      ['malicious_ip', '123.45.123.12', { ip: '123.45.123.12', source: 'the grapevine' }],
    ],
  },
  'from_docs/metron-platform__metron-data-management__README__02.json': { refused: /\$\.extractor: the STIX extractor is not supported/ },
  // Alexa top-sites layout: rank,domain
  'from_docs/metron-platform__metron-data-management__README__03.json': {
    csv: '1,google.com\n2,youtube.com\n3,facebook.com\n4,baidu.com\n5,wikipedia.org\n6,amazon.co.uk\n7,com\n',
    table: 'enrichment',
    rows: [
      ['top_domains', 'amazon', { rank: '6', domain: 'amazon' }],
      ['top_domains', 'baidu', { rank: '4', domain: 'baidu' }],
      ['top_domains', 'facebook', { rank: '3', domain: 'facebook' }],
      ['top_domains', 'google', { rank: '1', domain: 'google' }],
      ['top_domains', 'wikipedia', { rank: '5', domain: 'wikipedia' }],
      ['top_domains', 'youtube', { rank: '2', domain: 'youtube' }],
    ],
  },
  'from_docs/metron-platform__metron-data-management__README__04.json': { refused: /\$\.config\.state_init: this is a summarizer config/ },
  'from_docs/use-cases__typosquat_detection__README__01.json': { refused: /\$\.config\.state_init: this is a summarizer config/ },
  'from_docs/use-cases__typosquat_detection__README__02.json': { refused: /\$\.config\.state_init: this is a summarizer config/ },
  'from_docs/use-cases__forensic_clustering__README__02.json': {
    csv: '# cowrie attackers\n218.92.0.107\n61.177.172.13\n',
    table: 'threatintel',
    rows: [
      ['blacklist', '218.92.0.107', { ip: '218.92.0.107' }],
      ['blacklist', '61.177.172.13', { ip: '61.177.172.13' }],
    ],
  },
};

/** Every example config that is a flat-file extractor config (it names an extractor). */
function extractorConfigs(): string[] {
  const index = JSON.parse(readFileSync(join(CONFIGS, 'INDEX.json'), 'utf8')) as Array<{ file: string }>;
  return index
    .map((e) => e.file)
    .filter((f) => {
      if (!f.endsWith('.json')) return false; // Solr schemas are XML
      const text = readFileSync(join(CONFIGS, f), 'utf8');
      try {
        const json = JSON.parse(text) as unknown;
        return typeof json === 'object' && json !== null && 'extractor' in json;
      } catch {
        // a docs block that is not strict JSON: counted if it looks like an extractor config
        return /"extractor"\s*:/.test(text);
      }
    });
}

function tableRows(store: KeyValueStore, table: string): Array<[string, string, Record<string, string>]> {
  return [...store.entries(table)].map(([key, value]) => {
    const [, type, indicator] = JSON.parse(key) as [string, string, string];
    return [type, indicator, JSON.parse(value) as Record<string, string>];
  });
}

let dir: string;
let redis: TestRedis;
beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'metron-load-cli-'));
  redis = await startTestRedis();
});
afterAll(async () => {
  await redis?.stop();
  rmSync(dir, { recursive: true, force: true });
});

describe("metron load flatfile with Metron's example extractor configs", () => {
  const files = extractorConfigs();

  it('finds the nine extractor configs, and knows what each must give', () => {
    expect(files.sort()).toEqual(Object.keys(EXPECTED).sort());
    expect(files).toHaveLength(9);
  });

  it.each(Object.keys(EXPECTED))('%s', async (name) => {
    const expected = EXPECTED[name]!;
    const dataDir = join(dir, name.replace(/\W/g, '_'));
    const csv = join(dataDir, 'input.csv');
    const extractor = join(CONFIGS, name);
    if ('refused' in expected) {
      const r = await metron(['load', 'flatfile', '-e', extractor, '-i', join(CONFIGS, 'INDEX.json'), '--data-dir', dataDir]);
      expect(r.code).toBe(2);
      expect(r.stdout).toBe('');
      expect(r.stderr).toMatch(expected.refused);
      expect(r.stderr.startsWith(`metron load: ${extractor}: `)).toBe(true);
      return;
    }
    mkdirSync(dataDir, { recursive: true });
    writeFileSync(csv, expected.csv);
    const r = await metron(['load', 'flatfile', '-e', extractor, '-i', csv, '-t', expected.table, '--data-dir', dataDir]);
    expect(r.stderr).toMatch(new RegExp(`metron load: ${expected.rows.length} rows loaded into table ${expected.table}, column family t \\(LMDB at ${dataDir}/kv\\) from \\d+ lines: .* \\d+ lines/s\\n$`));
    expect(r.code).toBe(0);
    const summary = JSON.parse(r.stdout) as Record<string, unknown>;
    expect(summary).toMatchObject({ table: expected.table, column_family: 't', backend: 'lmdb', loaded: expected.rows.length, failed: 0 });
    const store = openLmdbStore({ path: join(dataDir, 'kv'), readOnly: true });
    try {
      expect(tableRows(store, expected.table)).toEqual(expected.rows);
    } finally {
      await store.close();
    }
  });
});

describe('metron load, end to end', () => {
  it("loads the forensic-clustering blacklist where that use case's rule finds it (ENRICHMENT_EXISTS)", async () => {
    const dataDir = join(dir, 'forensic');
    const csv = join(dir, 'blacklist.csv');
    writeFileSync(csv, '218.92.0.107\n61.177.172.13\n');
    const loaded = await metron(['load', 'flatfile', '-e', join(CONFIGS, 'from_docs/use-cases__forensic_clustering__README__02.json'), '-i', csv, '-t', 'threatintel', '-c', 't', '-q', '--data-dir', dataDir]);
    expect(loaded.code).toBe(0);
    // the rule of use-cases/forensic_clustering's enrichment config
    const rule = (ip: string) => JSON.stringify({ expr: "ENRICHMENT_EXISTS('blacklist', src_ip, 'threatintel', 't')", variables: { src_ip: ip } });
    const get = JSON.stringify({ expr: "ENRICHMENT_GET('blacklist', '61.177.172.13', 'threatintel', 't')" });
    const r = await metron(['stellar', '--json', '--data-dir', dataDir], `${rule('218.92.0.107')}\n${rule('8.8.8.8')}\n${get}\n`);
    expect(r.code).toBe(0);
    expect(r.stdout.trim().split('\n').map((l) => JSON.parse(l) as unknown)).toEqual([
      { result: true, type: 'boolean' },
      { result: false, type: 'boolean' },
      { result: { ip: '61.177.172.13' }, type: 'map' },
    ]);
  });

  it('loads the same table into Redis as into LMDB, and again to the same result (list from stdin, flatfile)', async () => {
    const dataDir = join(dir, 'both');
    const csv = join(dir, 'top.csv');
    writeFileSync(csv, '1,google.com\n2,youtube.com\n3,mail.yahoo.co.uk\n');
    const extractor = join(CONFIGS, 'from_docs/metron-platform__metron-data-management__README__03.json');
    const list = '# phishing domains\nlogin-micros0ft.example\npaypa1.example\n';
    const runs = async (backend: string[]) => {
      const flat = await metron(['load', 'flatfile', '-e', extractor, '-i', csv, '-t', 'enrichment', '-q', ...backend]);
      const fromList = await metron(['load', 'list', '-i', '-', '--type', 'phishing_domain', '-q', ...backend], list);
      return [flat, fromList];
    };
    for (const r of [...(await runs(['--data-dir', dataDir])), ...(await runs(['--backend', 'redis', '--redis-url', redis.url]))]) {
      expect(r.stderr).toMatch(/rows loaded/);
      expect(r.code).toBe(0);
    }
    const lmdb = openLmdbStore({ path: join(dataDir, 'kv'), readOnly: true });
    const fromRedis = await openRedisStore({ url: redis.url, readOnly: true });
    try {
      for (const table of ['enrichment', 'threatintel']) expect(tableRows(fromRedis, table)).toEqual(tableRows(lmdb, table));
      expect(tableRows(lmdb, 'threatintel')).toEqual([
        ['phishing_domain', 'login-micros0ft.example', {}],
        ['phishing_domain', 'paypa1.example', {}],
      ]);
      expect((tableRows(lmdb, 'enrichment')).map(([, indicator]) => indicator)).toEqual(['google', 'mail.yahoo', 'youtube']);
      const before = [...fromRedis.entries('enrichment')];
      // the same load again: the same table
      const again = await runs(['--backend', 'redis', '--redis-url', redis.url]);
      expect(again.map((r) => r.code)).toEqual([0, 0]);
      fromRedis.clearCache();
      expect([...fromRedis.entries('enrichment')]).toEqual(before);
    } finally {
      await lmdb.close();
      await fromRedis.close();
    }
   }, 120_000); // six metron processes: on a loaded 2-core machine each may take seconds to start

  it('exits 1 with the reason when Redis cannot be reached, and 2 for usage errors', async () => {
    const unreachable = await metron(['load', 'list', '-i', '-', '--type', 't', '--backend', 'redis', '--redis-url', 'redis://127.0.0.1:1'], 'x\n');
    expect(unreachable.code).toBe(1);
    expect(unreachable.stderr).toMatch(/^metron load: cannot reach Redis at redis:\/\/127\.0\.0\.1:1: /);
    const usage = await metron(['load', 'flatfile', '-i', '-']);
    expect(usage.code).toBe(2);
    expect(usage.stderr).toMatch(/^metron load: --extractor \(-e\) is required/);
    expect(usage.stderr).toContain('metron load flatfile -e EXTRACTOR.json');
  });
});
