/**
 * `metron load assets|identities` end to end through `metron load`: files in, the key-value store
 * (LMDB under the data directory, or a real redis-server) read back with the readers the
 * enrichment adapters use.
 */
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough, Readable } from 'node:stream';
import { Redis } from 'ioredis';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { AssetInventory, IdentityStore } from '@metron/enrichment';
import { openLmdbStore, openRedisStore, type KeyValueStore } from '@metron/storage';
import { startTestRedis, type TestRedis } from '../../../storage/src/kv/test-support/redis-server.js';
import { runLoad } from './load.js';

let redis: TestRedis;
let admin: Redis;
let dir: string;

beforeAll(async () => {
  // this file's own server: emptying it touches no other test file
  redis = await startTestRedis();
  admin = new Redis(redis.url);
});
afterAll(async () => {
  await admin?.quit();
  await redis?.stop();
});
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'metron-load-assets-'));
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
  return { code, summary: line?.startsWith('{') ? (JSON.parse(line) as Record<string, unknown>) : undefined, err };
}

async function file(name: string, text: string): Promise<string> {
  const path = join(dir, name);
  await writeFile(path, text);
  return path;
}

const H = 3_600_000;
const T0 = Math.floor(Date.now() / H) * H;

type BackendName = 'lmdb' | 'redis';
const flags = (backend: BackendName): string[] => (backend === 'lmdb' ? ['--data-dir', join(dir, 'data')] : ['--backend', 'redis', '--redis-url', redis.url]);

/** Reads what a load wrote, in this process. */
async function withStore<T>(backend: BackendName, read: (store: KeyValueStore) => T): Promise<T> {
  const store = backend === 'lmdb' ? openLmdbStore({ path: join(dir, 'data', 'kv') }) : await openRedisStore({ url: redis.url, cacheTtlMs: 0 });
  try {
    return read(store);
  } finally {
    await store.close();
  }
}

const ASSETS_CSV = [
  'ip,hostname,owner,criticality,os,tags,location',
  '10.0.0.1,web01.corp,Web team,4,Debian 12,"pci,dmz",Rack 12',
  '10.0.0.2,db01.corp,DBA,5,RHEL 9,db,',
  'not-an-ip,x,y,1,z,,',
  '10.0.0.3,short row',
  ',printer3,Facilities,low,,lab,Floor 2',
  ',,nobody,,,,',
].join('\n');

for (const backend of ['lmdb', 'redis'] as const) {
  describe(`metron load assets (${backend})`, () => {
    it('loads the good records, reports each bad one by file and line, and serves the inventory', async () => {
      const input = await file('assets.csv', ASSETS_CSV);
      const run = await load(['assets', '-i', input, ...flags(backend)]);
      expect(run.code).toBe(1);
      expect(run.err).toContain(`${input}:4: "not-an-ip" is not an IP address`);
      expect(run.err).toContain(`${input}:5: 2 cells, but the header has 7 columns`);
      expect(run.err).toContain(`${input}:7: an asset needs an "ip" or a "hostname"`);
      expect(run.summary).toMatchObject({ kind: 'assets', backend, records: 6, loaded: 3, failed: 3, duplicates: 0, generation: 1 });
      await withStore(backend, (store) => {
        const inventory = new AssetInventory(store);
        expect(inventory.lookup('10.0.0.1')).toEqual({ ip: '10.0.0.1', hostname: 'web01.corp', owner: 'Web team', criticality: 4, os: 'Debian 12', tags: ['pci', 'dmz'], location: 'Rack 12' });
        expect(inventory.lookup('DB01.corp')).toEqual({ ip: '10.0.0.2', hostname: 'db01.corp', owner: 'DBA', criticality: 5, os: 'RHEL 9', tags: ['db'] });
        expect(inventory.lookup('printer3')).toEqual({ hostname: 'printer3', owner: 'Facilities', criticality: 'low', tags: ['lab'], location: 'Floor 2' });
      });
    });

    it('replaces the inventory on each run: the same file gives the same inventory, a removed asset is gone', async () => {
      const input = await file('assets.json', JSON.stringify([{ ip: '10.0.0.1', owner: 'a' }, { ip: '10.0.0.2', owner: 'b', tags: ['x'] }], null, 2));
      expect((await load(['assets', '-i', input, '-q', ...flags(backend)])).code).toBe(0);
      const again = await load(['assets', '-i', input, '-q', ...flags(backend)]);
      expect(again).toMatchObject({ code: 0, err: '' });
      expect(again.summary).toMatchObject({ loaded: 2, generation: 2, removed_keys: 2 });
      await writeFile(input, '[{"ip": "10.0.0.2", "owner": "b2"}]');
      expect((await load(['assets', '-i', input, '-q', ...flags(backend)])).summary).toMatchObject({ loaded: 1, generation: 3, removed_keys: 2 });
      await withStore(backend, (store) => {
        const inventory = new AssetInventory(store);
        expect(inventory.lookup('10.0.0.1')).toBeUndefined();
        expect(inventory.lookup('10.0.0.2')).toEqual({ ip: '10.0.0.2', owner: 'b2' });
      });
    });

    it('replaces nothing when an input cannot be read, or when every record is bad', async () => {
      const good = await file('good.ndjson', '{"ip": "10.0.0.1", "owner": "kept"}\n');
      await load(['assets', '-i', good, ...flags(backend)]);
      const broken = await file('broken.json', '[{"ip": "10.0.0.9"},');
      const run = await load(['assets', '-i', `${good},${broken}`, ...flags(backend)]);
      expect(run.code).toBe(1);
      expect(run.err).toContain(`${broken}: line 1: the JSON array is not closed`);
      expect(run.err).toContain('nothing replaced: the inventory in service stays as it was');
      const allBad = await file('bad.csv', 'ip,owner\nx,y\n');
      expect((await load(['assets', '-i', allBad, ...flags(backend)])).code).toBe(1);
      await withStore(backend, (store) => expect(new AssetInventory(store).lookup('10.0.0.1')).toEqual({ ip: '10.0.0.1', owner: 'kept' }));
    });

    it('combines several inputs (stdin too) and says which record wins a repeated key', async () => {
      const first = await file('a.csv', 'ip,owner\n10.0.0.1,first\n');
      const run = await load(['assets', '-i', `${first},-`, '--format', 'ndjson', ...flags(backend)], '{"ip": "10.0.0.1", "owner": "second"}\n{"hostname": "h1"}\n');
      // --format applies to every input: the CSV file is then not NDJSON
      expect(run.code).toBe(1);
      expect(run.err).toContain(`${first}:1: not JSON`);
      const ok = await load(['assets', '-i', `${first},-`, ...flags(backend)], '{"ip": "10.0.0.1", "owner": "second"}\n{"hostname": "h1"}\n');
      expect(ok.code).toBe(0);
      expect(ok.err).toContain(`(stdin):1: 10.0.0.1 is also at ${first}:2; this later record wins`);
      expect(ok.summary).toMatchObject({ loaded: 3, duplicates: 1 });
      await withStore(backend, (store) => expect(new AssetInventory(store).lookup('10.0.0.1')?.owner).toBe('second'));
    });
  });

  describe(`metron load identities (${backend})`, () => {
    it('adds identities over time, reports bad records, and re-loading the same file changes nothing', async () => {
      const input = await file(
        'ids.csv',
        ['ip,user,timestamp,end', `10.0.0.50,alice,${T0 - 2 * H},`, `10.0.0.50,bob,${new Date(T0).toISOString()},${T0 + H}`, '10.0.0.51,,1,', `10.0.0.52,carol,yesterday,`].join('\n'),
      );
      const run = await load(['identities', '-i', input, ...flags(backend)]);
      expect(run.code).toBe(1);
      expect(run.err).toContain(`${input}:4: an identity needs its "user"`);
      expect(run.err).toContain(`${input}:5: timestamp "yesterday" is not epoch ms or an ISO 8601 date-time`);
      expect(run.summary).toMatchObject({ kind: 'identities', records: 4, loaded: 2, failed: 2, addresses: 1, expired: 0 });
      const again = await load(['identities', '-i', input, '-q', ...flags(backend)]);
      expect(again.summary).toMatchObject({ loaded: 2, addresses: 1 });
      const more = await file('more.ndjson', `{"ip": "10.0.0.50", "user": "dave", "timestamp": ${T0 + 2 * H}}\n{"ip": "2001:DB8::1", "user": "erin", "timestamp": ${T0}}\n`);
      expect((await load(['identities', '-i', more, '-q', ...flags(backend)])).code).toBe(0);
      await withStore(backend, (store) => {
        const identities = new IdentityStore(store);
        const day = 24 * H;
        expect(identities.lookup('10.0.0.50', T0 - H, day)).toEqual({ user: 'alice', since: T0 - 2 * H });
        expect(identities.lookup('10.0.0.50', T0 + 1, day)).toEqual({ user: 'bob', since: T0, until: T0 + H });
        expect(identities.lookup('10.0.0.50', T0 + H, day)).toBeUndefined();
        expect(identities.lookup('10.0.0.50', T0 + 3 * H, day)).toEqual({ user: 'dave', since: T0 + 2 * H });
        expect(identities.lookup('2001:db8::1', T0, day)).toEqual({ user: 'erin', since: T0 });
        expect(JSON.parse(store.get('identities', '10.0.0.50')!)).toHaveLength(3);
      });
    });

    it('reads a large log in pieces, recording identities group by group; an unreadable tail keeps what came before', async () => {
      // 120,000 DHCP-style records, 30 in a row per address (4,000 addresses): more than two groups
      // of 50,000, and address 1,666 has records on both sides of the first group's end
      const ipOf = (a: number) => `10.1.${Math.floor(a / 250)}.${a % 250}`;
      const lines = ['ip,user,timestamp'];
      for (let i = 0; i < 120_000; i++) lines.push(`${ipOf(Math.floor(i / 30))},user${i},${T0 - 2 * H + i}`);
      const input = await file('dhcp.csv', lines.join('\n') + '\n');
      const run = await load(['identities', '-i', input, '-q', ...flags(backend)]);
      expect(run.code).toBe(0);
      expect(run.summary).toMatchObject({ records: 120_000, loaded: 120_000, failed: 0, addresses: 4_000 });
      await withStore(backend, (store) => {
        const identities = new IdentityStore(store);
        const users = (a: number) => (JSON.parse(store.get('identities', ipOf(a))!) as Array<{ user: string }>).map((h) => h.user);
        // the newest 16 of each address are kept (the identity store's cap)
        expect(users(0)).toEqual(Array.from({ length: 16 }, (_, k) => `user${14 + k}`));
        expect(users(1_666)).toEqual(Array.from({ length: 16 }, (_, k) => `user${49_994 + k}`));
        expect(users(3_999)).toEqual(Array.from({ length: 16 }, (_, k) => `user${119_984 + k}`));
        expect(identities.lookup(ipOf(1_666), T0, 24 * H)).toEqual({ user: 'user50009', since: T0 - 2 * H + 50_009 });
      });

      const broken = await file('broken.json', `[{"ip": "10.2.0.1", "user": "zed", "timestamp": ${T0}}`);
      const partial = await load(['identities', '-i', `${input},${broken}`, '-q', ...flags(backend)]);
      expect(partial.code).toBe(1);
      expect(partial.err).toContain(`${broken}: line 1: the JSON array is not closed`);
      expect(partial.err).toContain('120000 identities were loaded before an input turned out unreadable');
      expect(partial.summary).toMatchObject({ loaded: 120_000 });
    }, 60_000);

    it('counts records already older than the retention', async () => {
      const input = await file('old.ndjson', `{"ip": "10.0.0.60", "user": "old", "timestamp": ${T0 - 3 * H}}\n`);
      const run = await load(['identities', '-i', input, '--retention', '2h', ...flags(backend)]);
      expect(run.summary).toMatchObject({ loaded: 1, expired: 1 });
      await withStore(backend, (store) => expect(store.get('identities', '10.0.0.60')).toBeUndefined());
    });
  });
}

describe('metron load assets: where the pipeline reads', () => {
  it("follows the config directory's kv.backend and kv.redis.url when no backend flag is given", async () => {
    const configDir = join(dir, 'config');
    await mkdir(configDir);
    await writeFile(join(configDir, 'global.json'), JSON.stringify({ 'kv.backend': 'redis', 'kv.redis.url': redis.url }));
    const input = await file('a.csv', 'ip,owner\n10.0.0.1,via config\n');
    const run = await load(['assets', '-i', input, '--config-dir', configDir]);
    expect(run.code).toBe(0);
    expect(run.summary).toMatchObject({ backend: 'redis', loaded: 1 });
    await withStore('redis', (store) => expect(new AssetInventory(store).lookup('10.0.0.1')?.owner).toBe('via config'));
    // an explicit --data-dir still means LMDB
    expect((await load(['assets', '-i', input, '--config-dir', configDir, '--data-dir', join(dir, 'data')])).summary).toMatchObject({ backend: 'lmdb' });
    await writeFile(join(configDir, 'global.json'), JSON.stringify({ 'kv.backend': 'mongo' }));
    const bad = await load(['assets', '-i', input, '--config-dir', configDir]);
    expect(bad.code).toBe(2);
    expect(bad.err).toContain(`${join(configDir, 'global.json')}: $['kv.backend']: `);
    expect(bad.err).toContain('got "mongo"');
  });
});

describe('metron load assets: usage', () => {
  it('refuses bad flags with exit code 2', async () => {
    for (const [args, message] of [
      [['assets'], '--input (-i) is required'],
      [['assets', '-i', 'x.csv', '--format', 'xml'], '--format must be csv, json or ndjson'],
      [['assets', '-i', 'x.csv', '--retention', '1d'], '--retention goes with identities'],
      [['identities', '-i', 'x.csv', '--retention', '100'], '--retention must be a duration'],
      [['assets', '-i', join(tmpdir(), 'no-such-file.csv')], 'cannot read'],
      [['assets', '-i', 'x.csv', '--backend', 'mongo'], "--backend must be lmdb or redis, got 'mongo'"],
      [['assets', '-i', 'x.csv', '--ttl', '1d'], "Unknown option '--ttl'"],
    ] as const) {
      const run = await load([...args]);
      expect(run.code, args.join(' ')).toBe(2);
      expect(run.err).toContain(message);
    }
    expect((await load(['assets', '--help'])).code).toBe(0);
  });
});
