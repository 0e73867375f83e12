/**
 * The global config's settings of the enrich step: the known hosts of the `host` adapter (Metron's
 * `enrichment.host.known_hosts`, inline or from a file) and the table backend (`kv.backend`).
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildEnrichers, enrichBatch } from './enrich-core.js';
import { loadKnownHosts, tableBackend } from './enrichment-settings.js';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'metron-enrich-settings-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

const HOSTS = [
  { ip: '10.1.128.236', local: 'YES', type: 'webserver', asset_value: 'important' },
  { ip: '10.60.10.254', local: 'YES', type: 'printer', asset_value: 'important' },
];
const HOST_CONFIG = { enrichment: { fieldMap: { host: ['ip_src_addr', 'ip_dst_addr'] } } };

/** Enriches one message with the host adapter and the global config's known hosts. */
async function enrichWith(global: Record<string, unknown>, message: Record<string, unknown>): Promise<Record<string, unknown>> {
  const enrichers = await buildEnrichers({ configs: { bro: HOST_CONFIG }, global, configDir: dir });
  try {
    const json = Buffer.from(JSON.stringify(message));
    const out = await enrichBatch(enrichers, { sensors: ['bro'], values: json, lengths: Uint32Array.of(json.length) });
    expect(out.errors).toEqual([]);
    return JSON.parse(Buffer.from(out.messages).toString('utf8')) as Record<string, unknown>;
  } finally {
    await enrichers.close();
  }
}

describe('known hosts from the global config', () => {
  const message = { ip_src_addr: '10.60.10.254', ip_dst_addr: '10.0.0.9', timestamp: 1 };
  const expected = {
    ...message,
    'enrichments.host.ip_src_addr.known_info.local': 'YES',
    'enrichments.host.ip_src_addr.known_info.type': 'printer',
    'enrichments.host.ip_src_addr.known_info.asset_value': 'important',
  };

  it('enrichment.host.known_hosts: a list, or its JSON text as Metron\'s property held it', async () => {
    expect(await enrichWith({ 'enrichment.host.known_hosts': HOSTS }, message)).toEqual(expected);
    expect(await enrichWith({ 'enrichment.host.known_hosts': JSON.stringify(HOSTS) }, message)).toEqual(expected);
  });

  it('enrichment.host.known_hosts.file: a JSON file, relative to the config directory', async () => {
    await writeFile(join(dir, 'known_hosts.json'), JSON.stringify(HOSTS));
    expect(await enrichWith({ 'enrichment.host.known_hosts.file': 'known_hosts.json' }, message)).toEqual(expected);
  });

  it('without known hosts the host adapter adds nothing', async () => {
    expect(await enrichWith({}, message)).toEqual(message);
  });

  it('refuses a bad list, an unreadable file, and both keys at once, with the path', async () => {
    const global = join(dir, 'global.json');
    await expect(loadKnownHosts({ 'enrichment.host.known_hosts': [HOSTS[0], { local: 'NO' }] }, { globalFile: global })).rejects.toThrow(
      `${global}: $['enrichment.host.known_hosts'][1].ip: each known host needs its "ip" (a string)`,
    );
    await expect(loadKnownHosts({ 'enrichment.host.known_hosts': '[{"ip": ' }, { globalFile: global })).rejects.toThrow(`${global}: $['enrichment.host.known_hosts']: the known hosts are not valid JSON`);
    await expect(loadKnownHosts({ 'enrichment.host.known_hosts': { ip: '1.2.3.4' } }, { globalFile: global })).rejects.toThrow(`$['enrichment.host.known_hosts']: must be a list`);
    await expect(loadKnownHosts({ 'enrichment.host.known_hosts.file': 'missing.json' }, { globalFile: global, baseDir: dir })).rejects.toThrow(
      `${global}: $['enrichment.host.known_hosts.file']: cannot read the known hosts file ${join(dir, 'missing.json')}`,
    );
    await writeFile(join(dir, 'bad_hosts.json'), '[{"ip": 5}]');
    await expect(loadKnownHosts({ 'enrichment.host.known_hosts.file': 'bad_hosts.json' }, { globalFile: global, baseDir: dir })).rejects.toThrow(`${join(dir, 'bad_hosts.json')}: $[0].ip:`);
    await expect(loadKnownHosts({ 'enrichment.host.known_hosts': HOSTS, 'enrichment.host.known_hosts.file': 'x.json' }, { globalFile: global })).rejects.toThrow(/give the known hosts once/);
    // the pipeline refuses to start with it
    await expect(buildEnrichers({ configs: { bro: HOST_CONFIG }, global: { 'enrichment.host.known_hosts': [{}] }, configDir: dir })).rejects.toThrow(`$['enrichment.host.known_hosts'][0].ip`);
  });
});

describe('tableBackend', () => {
  it('LMDB by default; Redis with its URL from the config, $METRON_REDIS_URL or the default', () => {
    expect(tableBackend({})).toEqual({ backend: 'lmdb' });
    expect(tableBackend({ 'kv.backend': 'redis', 'kv.redis.url': 'redis://h:1', 'kv.redis.cache.ttl.ms': '500' })).toEqual({ backend: 'redis', url: 'redis://h:1', cacheTtlMs: 500 });
    expect(tableBackend({ 'kv.backend': 'redis' }, 'g.json', { METRON_REDIS_URL: 'rediss://e:2' })).toEqual({ backend: 'redis', url: 'rediss://e:2' });
    expect(tableBackend({ 'kv.backend': 'redis' }, 'g.json', {})).toEqual({ backend: 'redis', url: 'redis://127.0.0.1:6379' });
    expect(() => tableBackend({ 'kv.backend': 'redis', 'kv.redis.cache.ttl.ms': -1 }, 'g.json', {})).toThrow(`g.json: $['kv.redis.cache.ttl.ms']: must be a whole number of milliseconds`);
    expect(() => tableBackend({ 'kv.backend': 'redis', 'kv.redis.url': 7 }, 'g.json')).toThrow(`g.json: $['kv.redis.url']: must be a redis:// or rediss:// URL, got number`);
  });
});
