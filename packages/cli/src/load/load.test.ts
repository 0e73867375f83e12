/**
 * `metron load` run in-process against both backends: LMDB in a temp data dir, Redis on a real
 * redis-server (the storage package's test support starts one, installing it when missing).
 */
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough, Readable } from 'node:stream';
import { gzipSync } from 'node:zlib';
import { Redis } from 'ioredis';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { EnrichmentTables, openLmdbStore, openRedisStore, type KeyValueStore } from '@metron/storage';
import { startTestRedis, type TestRedis } from '../../../storage/src/kv/test-support/redis-server.js';
import { runLoad } from './load.js';
import { Progress } from './progress.js';

let redis: TestRedis;
let admin: Redis;
let dir: string;

beforeAll(async () => {
  redis = await startTestRedis();
  admin = new Redis(redis.url);
});
afterAll(async () => {
  await admin?.quit();
  await redis?.stop();
});
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'metron-load-'));
  await admin.flushdb();
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

interface Run {
  code: number;
  summary: Record<string, unknown> | undefined;
  err: string;
}

async function load(args: string[], stdin = ''): Promise<Run> {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  let out = '';
  let err = '';
  stdout.on('data', (c: Buffer) => (out += c.toString('utf8')));
  stderr.on('data', (c: Buffer) => (err += c.toString('utf8')));
  const code = await runLoad(args, { stdin: Readable.from([Buffer.from(stdin)]), stdout, stderr });
  const line = out.split('\n').find((l) => l !== '');
  return { code, summary: line === undefined ? undefined : (JSON.parse(line) as Record<string, unknown>), err };
}

const backends = {
  lmdb: () => ['--backend', 'lmdb', '--data-dir', join(dir, 'data')],
  redis: () => ['--backend', 'redis', '--redis-url', redis.url],
};

/** Opens the backend's store in this process, to read what a load wrote. */
async function openBackend(backend: keyof typeof backends, now?: () => number): Promise<KeyValueStore> {
  const clock = now === undefined ? {} : { now };
  return backend === 'lmdb' ? openLmdbStore({ path: join(dir, 'data', 'kv'), ...clock }) : openRedisStore({ url: redis.url, ...clock });
}

async function contents(backend: keyof typeof backends, table: string, now?: () => number): Promise<Array<[string, string]>> {
  const store = await openBackend(backend, now);
  try {
    return [...store.entries(table)];
  } finally {
    await store.close();
  }
}

async function file(name: string, text: string | Buffer): Promise<string> {
  const path = join(dir, name);
  await mkdir(join(path, '..'), { recursive: true });
  await writeFile(path, text);
  return path;
}

const IP_EXTRACTOR = { config: { columns: { ip: 0, source: 2 }, indicator_column: 'ip', type: 'malicious_ip', separator: ',' }, extractor: 'CSV' };
const FEED = ['# abuse feed, 2024-05-01', '185.220.101.1,tor-exit,feodo', '45.9.148.3,c2,urlhaus', '', '185.220.101.1,tor-exit,feodo-again', '203.0.113.9'].join('\n');

describe.each(['lmdb', 'redis'] as const)('metron load flatfile (%s)', (backend) => {
  it('loads rows keyed by (column family, type, indicator), reports failed lines with file:line, exits 1, and loads the rest', async () => {
    const extractor = await file('extractor.json', JSON.stringify(IP_EXTRACTOR));
    const input = await file('feed.csv', FEED);
    const r = await load(['flatfile', '-e', extractor, '-i', input, '-t', 'threatintel', '-c', 't', '-q', ...backends[backend]()]);
    expect(r.code).toBe(1);
    expect(r.err).toContain(`metron load: ${input}:6: the line has 1 column(s); column 'source' is at index 2\n`);
    expect(r.err).toMatch(/metron load: 3 rows loaded into table threatintel, column family t \((LMDB|Redis) at .*\) from 6 lines: 2 blank or comment, 0 filtered, 1 failed, 0 already expired; [\d.]+ s, \d+ lines\/s\n/);
    expect(r.summary).toEqual({ table: 'threatintel', column_family: 't', backend, lines: 6, loaded: 3, filtered: 0, skipped: 2, failed: 1, expired: 0, purged: 0, elapsed_ms: expect.any(Number) });
    expect(await contents(backend, 'threatintel')).toEqual([
      ['["t","malicious_ip","185.220.101.1"]', '{"ip":"185.220.101.1","source":"feodo-again"}'],
      ['["t","malicious_ip","45.9.148.3"]', '{"ip":"45.9.148.3","source":"urlhaus"}'],
    ]);
  });

  it('is idempotent: the same input again gives the same table', async () => {
    const extractor = await file('extractor.json', JSON.stringify(IP_EXTRACTOR));
    const input = await file('feed.csv', FEED.split('\n').slice(0, 5).join('\n'));
    const args = ['flatfile', '-e', extractor, '-i', input, '-t', 'ti', '-q', ...backends[backend]()];
    const first = await load(args);
    const after1 = await contents(backend, 'ti');
    const second = await load(args);
    expect(first.code).toBe(0);
    expect(second.code).toBe(0);
    expect({ ...second.summary, elapsed_ms: 0 }).toEqual({ ...first.summary, elapsed_ms: 0 });
    expect(await contents(backend, 'ti')).toEqual(after1);
    expect(after1).toHaveLength(2);
  });

  it('expires rows: --ttl, --expires-at and the expires_at_column; expired rows are not returned and are removed', async () => {
    const extractor = await file('extractor.json', JSON.stringify(IP_EXTRACTOR));
    const input = await file('feed.csv', '10.1.1.1,a,x\n10.1.1.2,b,y\n');
    expect((await load(['flatfile', '-e', extractor, '-i', input, '-t', 'ti', '--ttl', '7d', '-q', ...backends[backend]()])).code).toBe(0);
    const inSixDays = () => Date.now() + 6 * 86_400_000;
    const inEightDays = () => Date.now() + 8 * 86_400_000;
    expect((await contents(backend, 'ti', inSixDays)).map(([k]) => k)).toEqual(['["t","malicious_ip","10.1.1.1"]', '["t","malicious_ip","10.1.1.2"]']);
    expect(await contents(backend, 'ti', inEightDays)).toEqual([]);

    // a load whose expiry has passed removes what an earlier load put there
    const past = await load(['flatfile', '-e', extractor, '-i', input, '-t', 'ti', '--expires-at', '2020-01-01T00:00:00Z', '-q', ...backends[backend]()]);
    expect(past.summary).toMatchObject({ loaded: 0, expired: 2 });
    expect(await contents(backend, 'ti')).toEqual([]);

    const withColumn = await file('until.json', JSON.stringify({ config: { columns: { ip: 0, until: 1 }, indicator_column: 'ip', type: 'malicious_ip', expires_at_column: 'until' }, extractor: 'CSV' }));
    const rows = await file('until.csv', `10.2.2.1,${Date.now() + 3_600_000}\n10.2.2.2,2020-06-01\n10.2.2.3,\n`);
    const r = await load(['flatfile', '-e', withColumn, '-i', rows, '-t', 'ti', '-q', ...backends[backend]()]);
    expect(r.summary).toMatchObject({ loaded: 2, expired: 1, failed: 0 });
    expect((await contents(backend, 'ti')).map(([k]) => k)).toEqual(['["t","malicious_ip","10.2.2.1"]', '["t","malicious_ip","10.2.2.3"]']);
    const inTwoHours = () => Date.now() + 7_200_000;
    expect((await contents(backend, 'ti', inTwoHours)).map(([k]) => k)).toEqual(['["t","malicious_ip","10.2.2.3"]']);
  });
});

describe('metron load', () => {
  it('gives both backends the same table contents', async () => {
    const extractor = await file('extractor.json', JSON.stringify(IP_EXTRACTOR));
    const input = await file('feed.csv', FEED);
    await load(['flatfile', '-e', extractor, '-i', input, '-q', ...backends.lmdb()]);
    await load(['flatfile', '-e', extractor, '-i', input, '-q', ...backends.redis()]);
    const fromLmdb = await contents('lmdb', 'threatintel');
    expect(fromLmdb).toHaveLength(2);
    expect(await contents('redis', 'threatintel')).toEqual(fromLmdb);
  });

  it('loads a list, one indicator per line, from files, directories, .gz files and stdin', async () => {
    await file('lists/a.txt', '# domains\nevil.example\n\n  bad.example  \r\n');
    await file('lists/sub/b.txt.gz', gzipSync('worse.example\n'));
    const single = await file('one.txt', 'single.example\n');
    const r = await load(['list', '-i', `${join(dir, 'lists')},${single},-`, '--type', 'malicious_domain', '--value', '{"source":"test feed"}', '-q', ...backends.lmdb()], 'stdin.example\n');
    expect(r.code).toBe(0);
    expect(r.summary).toMatchObject({ table: 'threatintel', column_family: 't', lines: 7, loaded: 5, skipped: 2 });
    const tables = new EnrichmentTables(openLmdbStore({ path: join(dir, 'data', 'kv'), readOnly: true }));
    try {
      expect([...tables.indicators('threatintel', 't', 'malicious_domain')]).toEqual(['bad.example', 'evil.example', 'single.example', 'stdin.example', 'worse.example']);
      expect(tables.get('threatintel', 't', 'malicious_domain', 'bad.example')).toEqual({ source: 'test feed' });
    } finally {
      await tables.store.close();
    }
  });

  it('loads URL indicators too long to be a store key, and finds them (LMDB)', async () => {
    const long = `http://phish.example/login?session=${'x'.repeat(3000)}`;
    const list = await file('urls.txt', `${long}\nhttp://short.example/\n`);
    const r = await load(['list', '-i', list, '--type', 'malicious_url', '-q', ...backends.lmdb()]);
    expect(r.code).toBe(0);
    expect(r.summary).toMatchObject({ lines: 2, loaded: 2 });
    const tables = new EnrichmentTables(openLmdbStore({ path: join(dir, 'data', 'kv'), readOnly: true }));
    try {
      expect(tables.exists('threatintel', 't', 'malicious_url', long)).toBe(true);
      expect(tables.exists('threatintel', 't', 'malicious_url', `${long}y`)).toBe(false);
      expect(tables.exists('threatintel', 't', 'malicious_url', 'http://short.example/')).toBe(true);
    } finally {
      await tables.store.close();
    }
  });

  it("reads WHOLE_FILE input as one record per file, and takes flatfile_loader.sh's option names", async () => {
    const extractor = await file('wf.json', JSON.stringify({ config: { columns: { host: 0, meta: 2 }, indicator_column: 'host', type: 'enrichment' }, extractor: 'CSV', inputFormat: 'WHOLE_FILE' }));
    const one = await file('f1.csv', 'google1.com,1,foo2\n');
    const two = await file('f2.csv', 'google2.com,2,foo2\n');
    const r = await load(['flatfile', '--extractor_config', extractor, '-i', `${one},${two}`, '--hbase_table', 'enrichment', '--hbase_cf', 'cf', '--batchSize', '1', '-p', '2', '-q', ...backends.lmdb()]);
    expect(r.code).toBe(0);
    expect(await contents('lmdb', 'enrichment')).toEqual([
      ['["cf","enrichment","google1.com"]', '{"host":"google1.com","meta":"foo2"}'],
      ['["cf","enrichment","google2.com"]', '{"host":"google2.com","meta":"foo2"}'],
    ]);
  });

  it('purges rows that expired since an earlier load (LMDB; Redis expires them itself)', async () => {
    // rows that expired an hour ago, written by a store whose clock is two hours behind
    const behind = openLmdbStore({ path: join(dir, 'data', 'kv'), now: () => Date.now() - 7_200_000 });
    const expiredAt = Date.now() - 3_600_000;
    await new EnrichmentTables(behind).load('threatintel', 't', [
      { type: 'd', indicator: 'a.example', value: {}, expiresAt: expiredAt },
      { type: 'd', indicator: 'b.example', value: {}, expiresAt: expiredAt },
    ]);
    await behind.close();
    const other = await file('m.txt', 'c.example\n');
    const r = await load(['list', '-i', other, '--type', 'd', '-q', ...backends.lmdb()]);
    expect(r.summary).toMatchObject({ loaded: 1, purged: 2 });
    expect(r.err).toMatch(/2 expired rows purged/);
  });

  it('refuses bad usage with exit 2 and the reason', async () => {
    const extractor = await file('extractor.json', JSON.stringify(IP_EXTRACTOR));
    const input = await file('feed.csv', FEED);
    const cases: Array<[string[], RegExp]> = [
      [['flatfile', '-e', extractor], /--input \(-i\) is required/],
      [['flatfile', '-i', input], /--extractor \(-e\) is required/],
      [['flatfile', '-e', join(dir, 'nope.json'), '-i', input], /cannot read the extractor config/],
      [['flatfile', '-e', input, '-i', input], /\$: invalid JSON/],
      [['flatfile', '-e', extractor, '-i', join(dir, 'absent.csv')], /no such file or directory/],
      [['flatfile', '-e', extractor, '-i', input, '--ttl', '5 fortnights'], /--ttl must be a positive duration/],
      [['flatfile', '-e', extractor, '-i', input, '--ttl', '1d', '--expires-at', '0'], /--ttl or --expires-at, not both/],
      [['flatfile', '-e', extractor, '-i', input, '--expires-at', 'soon'], /--expires-at must be epoch ms or an ISO 8601/],
      [['flatfile', '-e', extractor, '-i', input, '--backend', 'hbase'], /--backend must be lmdb or redis/],
      [['flatfile', '-e', extractor, '-i', input, '--redis-url', 'redis://x'], /--redis-url goes with --backend redis/],
      [['flatfile', '-e', extractor, '-i', input, '--backend', 'redis', '--redis-url', 'http://x'], /must be a redis:\/\/ or rediss:\/\/ URL/],
      [['flatfile', '-e', extractor, '-i', input, '-n', 'enrichment_config.json'], /--enrichment_config \(-n\) is not supported/],
      [['flatfile', '-e', extractor, '-i', input, '-m', 'MR'], /--import_mode MR is not supported/],
      [['flatfile', '-e', extractor, '-i', input, '-t', 'a', '--hbase_table', 'b'], /--table and --hbase_table disagree/],
      [['flatfile', '-e', extractor, '-i', input, '--bogus'], /Unknown option '--bogus'/],
      [['flatfile', '-e', extractor, '-i', await file('x.zip', 'PK')], /zip archives are not read/],
      [['list', '-i', input], /--type is required/],
      [['list', '-i', input, '--type', 't', '--value', '[1]'], /--value must be a JSON object/],
      [['snapshot'], /unknown load kind 'snapshot'/],
    ];
    for (const [args, reason] of cases) {
      const r = await load(args.includes('--backend') ? args : [...args, '--data-dir', join(dir, 'data')]);
      expect(r.code, args.join(' ')).toBe(2);
      expect(r.err, args.join(' ')).toMatch(reason);
      expect(r.summary).toBeUndefined();
    }
  });

  it('exits 1 naming the server when Redis cannot be reached', async () => {
    const list = await file('l.txt', 'a.example\n');
    const r = await load(['list', '-i', list, '--type', 'd', '--backend', 'redis', '--redis-url', 'redis://127.0.0.1:1']);
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/^metron load: cannot reach Redis at redis:\/\/127\.0\.0\.1:1: /);
  });

  it('fails a corrupt .gz input with exit 1, keeping what was loaded before it', async () => {
    const good = await file('a.txt', 'a.example\n');
    const bad = await file('b.txt.gz', Buffer.from('not gzip at all'));
    const r = await load(['list', '-i', `${good},${bad}`, '--type', 'd', '-q', '--batch-size', '1', ...backends.lmdb()]);
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/metron load: .*(header|gzip|format)/i);
    expect((await contents('lmdb', 'threatintel')).map(([k]) => k)).toEqual(['["t","d","a.example"]']);
  });
});

describe('load progress', () => {
  const capture = (isTTY: boolean, columns?: number) => {
    const stream = new PassThrough() as PassThrough & { isTTY?: boolean; columns?: number };
    stream.isTTY = isTTY;
    if (columns !== undefined) stream.columns = columns;
    let text = '';
    stream.on('data', (c: Buffer) => (text += c.toString('utf8')));
    return { stream, text: async () => (await new Promise((r) => setImmediate(r)), text) };
  };
  /** A clock the test moves. */
  const clock = () => {
    let t = 1_000_000;
    return { now: () => t, advance: (ms: number) => (t += ms) };
  };
  const view = { unit: 'lines', done: 10_000, loaded: 8000, filtered: 1000, failed: 1000 };

  it('writes a plain line per interval when stderr is not a terminal', async () => {
    const pipe = capture(false);
    const c = clock();
    const progress = new Progress(pipe.stream, false, { now: c.now });
    c.advance(4999);
    progress.update(view); // within the default 5 s interval: nothing
    c.advance(1);
    progress.update(view);
    c.advance(5000);
    progress.update({ ...view, done: 20_000, fraction: 0.5 });
    progress.breakLine();
    expect(await pipe.text()).toBe(
      'metron load: 10000 lines, 8000 rows loaded, 1000 filtered, 1000 failed, 2000 lines/s\n' + 'metron load: 50%, 20000 lines, 8000 rows loaded, 1000 filtered, 1000 failed, 2000 lines/s\n',
    );
  });

  it('draws a bar in place on a terminal: filled to the share done, with the time left; a sweeping block when the total is unknown', async () => {
    const tty = capture(true);
    const c = clock();
    const progress = new Progress(tty.stream, false, { now: c.now, barWidth: 10 });
    c.advance(2000);
    progress.update({ ...view, fraction: 0.25 });
    c.advance(50); // within the 100 ms interval: nothing
    progress.update({ ...view, fraction: 0.3 });
    c.advance(2000);
    progress.update({ unit: 'objects', done: 400, loaded: 300, failed: 0 });
    c.advance(100);
    progress.update({ unit: 'objects', done: 500, loaded: 400, failed: 0 });
    progress.breakLine();
    expect((await tty.text()).split('\u001b[K')).toEqual([
      '\r[███░░░░░░░]  25% 10000 lines, 8000 rows loaded, 1000 filtered, 1000 failed, 5000 lines/s, 6s left',
      '\r[███       ] 400 objects, 300 rows loaded, 0 failed, 99 objects/s',
      '\r[ ███      ] 500 objects, 400 rows loaded, 0 failed, 120 objects/s',
      '\n',
    ]);
  });

  it('fits the line to the terminal width, and says nothing when quiet', async () => {
    const narrow = capture(true, 30);
    const c = clock();
    const progress = new Progress(narrow.stream, false, { now: c.now, barWidth: 10 });
    c.advance(1000);
    progress.update({ ...view, fraction: 1 });
    expect(await narrow.text()).toBe('\r[██████████] 100% 10000 lines\u001b[K');
    const unknownWidth = capture(true, 0); // a terminal that reports no width: nothing cut
    const wide = new Progress(unknownWidth.stream, false, { now: c.now, barWidth: 10 });
    c.advance(1000);
    wide.update({ ...view, fraction: 1 });
    expect(await unknownWidth.text()).toBe('\r[██████████] 100% 10000 lines, 8000 rows loaded, 1000 filtered, 1000 failed, 10000 lines/s\u001b[K');
    const quiet = capture(false);
    const silent = new Progress(quiet.stream, true, { now: c.now, intervalMs: 0 });
    c.advance(10_000);
    silent.update(view);
    expect(await quiet.text()).toBe('');
  });
});

describe("metron load flatfile|list: the global config's kv.backend", () => {
  it('loads into the Redis that --config-dir names, unless a flag chooses LMDB', async () => {
    const configDir = join(dir, 'config');
    await file('config/global.json', JSON.stringify({ 'kv.backend': 'redis', 'kv.redis.url': redis.url }));
    const extractor = await file('extractor.json', JSON.stringify(IP_EXTRACTOR));
    const feed = await file('feed.csv', '10.9.9.1,a,x\n');
    const list = await file('list.txt', 'evil.example\n');
    const flat = await load(['flatfile', '-e', extractor, '-i', feed, '-q', '--config-dir', configDir]);
    expect(flat.summary).toMatchObject({ backend: 'redis', loaded: 1 });
    const listed = await load(['list', '-i', list, '--type', 'malicious_domain', '-q', '--config-dir', configDir]);
    expect(listed.summary).toMatchObject({ backend: 'redis', loaded: 1 });
    expect(listed.err).toContain(`(Redis at ${redis.url})`);
    expect((await contents('redis', 'threatintel')).map(([k]) => k)).toEqual(['["t","malicious_domain","evil.example"]', '["t","malicious_ip","10.9.9.1"]']);

    const local = await load(['list', '-i', list, '--type', 'malicious_domain', '-q', '--config-dir', configDir, '--data-dir', join(dir, 'data')]);
    expect(local.summary).toMatchObject({ backend: 'lmdb', loaded: 1 });
    expect(local.err).toContain('sets kv.backend redis: the pipeline reads Redis');
    expect((await contents('lmdb', 'threatintel')).map(([k]) => k)).toEqual(['["t","malicious_domain","evil.example"]']);

    await file('config/global.json', JSON.stringify({ 'kv.backend': 'memcached' }));
    const bad = await load(['list', '-i', list, '--type', 'malicious_domain', '--config-dir', configDir]);
    expect(bad.code).toBe(2);
    expect(bad.err).toContain(`${join(configDir, 'global.json')}: $['kv.backend']: `);
    expect(bad.err).toContain('"memcached"');
  });
});
