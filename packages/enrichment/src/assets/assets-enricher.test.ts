/**
 * The `asset` and `identity` adapters and identity learning through the sensor enricher (the
 * engine the pipeline runs), over a real LMDB store filled as `metron load assets|identities`
 * fills it.
 */
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { ConfigError, type Message } from '@metron/core';
import type { KeyValueStore } from '@metron/storage';
import { compileSensorEnrichment } from '../sensor-enrichment/sensor-enricher.js';
import type { SensorEnrichmentDeps } from '../sensor-enrichment/types.js';
import { AssetInventory, replaceInventory } from './asset-inventory.js';
import { assetFromFields } from './asset-records.js';
import { IdentityStore } from './identity-store.js';
import { lmdbBackend } from './test-support/stores.js';

const H = 3_600_000;
const T0 = Math.floor(Date.now() / H) * H;
const backend = lmdbBackend();
let store: KeyValueStore;
let deps: SensorEnrichmentDeps;
let identities: IdentityStore;

beforeAll(async () => {
  await backend.setup();
  store = await backend.open();
  await replaceInventory(store, [
    assetFromFields({ ip: '10.0.0.1', hostname: 'web01.corp', owner: 'Web team', criticality: '4', os: 'Debian 12', tags: 'pci;dmz', rack: 'r12' }),
    assetFromFields({ hostname: 'printer3', owner: 'Facilities', criticality: 'low' }),
    assetFromFields({ ip: '2001:db8::5', owner: 'DBA', tags: 'db' }),
    assetFromFields({ ip: '10.0.3.0/24', owner: 'HQ floor 3', criticality: '2', tags: 'workstation' }),
  ]);
  identities = new IdentityStore(store);
  await identities.record(
    new Map([
      ['10.0.0.50', [{ user: 'alice', since: T0 - 2 * H }, { user: 'bob', since: T0, until: T0 + H }]],
      ['10.0.0.1', [{ user: 'svc-web', since: T0 - 30 * H }]],
    ]),
  );
  deps = { assets: new AssetInventory(store), identities };
});
afterAll(() => backend.cleanup());

const compile = (config: unknown, extra: Partial<SensorEnrichmentDeps> = {}, sensor = 'bro') => compileSensorEnrichment(sensor, config, { ...deps, ...extra }, `enrichments/${sensor}.json`);

describe('asset adapter', () => {
  const config = { enrichment: { fieldMap: { asset: ['ip_src_addr', 'ip_dst_addr', 'host'] } } };

  it('writes every field of the asset found by address or by host name, under enrichments.asset.<field>', () => {
    const message: Message = { ip_src_addr: '2001:DB8:0::5', ip_dst_addr: '10.0.0.1', host: 'PRINTER3', 'source.type': 'bro', timestamp: T0 };
    const { message: out, errors } = compile(config).enrich(message);
    expect(errors).toEqual([]);
    expect(out).toEqual({
      ip_src_addr: '2001:DB8:0::5',
      ip_dst_addr: '10.0.0.1',
      host: 'PRINTER3',
      'source.type': 'bro',
      timestamp: T0,
      'enrichments.asset.ip_src_addr.ip': '2001:db8::5',
      'enrichments.asset.ip_src_addr.owner': 'DBA',
      'enrichments.asset.ip_src_addr.tags': ['db'],
      'enrichments.asset.ip_dst_addr.ip': '10.0.0.1',
      'enrichments.asset.ip_dst_addr.hostname': 'web01.corp',
      'enrichments.asset.ip_dst_addr.owner': 'Web team',
      'enrichments.asset.ip_dst_addr.criticality': 4,
      'enrichments.asset.ip_dst_addr.os': 'Debian 12',
      'enrichments.asset.ip_dst_addr.tags': ['pci', 'dmz'],
      'enrichments.asset.ip_dst_addr.rack': 'r12',
      'enrichments.asset.host.hostname': 'printer3',
      'enrichments.asset.host.owner': 'Facilities',
      'enrichments.asset.host.criticality': 'low',
    });
  });

  it('writes the network an address belongs to when it has no asset of its own', () => {
    const { message } = compile(config).enrich({ ip_src_addr: '10.0.3.77', 'source.type': 'bro' });
    expect(message).toEqual({
      ip_src_addr: '10.0.3.77',
      'source.type': 'bro',
      'enrichments.asset.ip_src_addr.network': '10.0.3.0/24',
      'enrichments.asset.ip_src_addr.owner': 'HQ floor 3',
      'enrichments.asset.ip_src_addr.criticality': 2,
      'enrichments.asset.ip_src_addr.tags': ['workstation'],
    });
  });

  it('gives each message its own tag list (the cached asset is not shared with messages)', () => {
    const enricher = compile(config);
    const first = enricher.enrich({ ip_dst_addr: '10.0.0.1' }).message!;
    const second = enricher.enrich({ ip_dst_addr: '10.0.0.1' }).message!;
    (first['enrichments.asset.ip_dst_addr.tags'] as string[]).push('changed');
    expect(second['enrichments.asset.ip_dst_addr.tags']).toEqual(['pci', 'dmz']);
    expect(enricher.enrich({ ip_dst_addr: '10.0.0.1' }).message?.['enrichments.asset.ip_dst_addr.tags']).toEqual(['pci', 'dmz']);
  });

  it('adds nothing for an address or name the inventory does not hold, or a field the message lacks', () => {
    const message: Message = { ip_src_addr: '10.9.9.9', host: 'unknown.example', 'source.type': 'bro' };
    expect(compile(config).enrich({ ...message }).message).toEqual(message);
  });

  it('gives triage rules typed values: a numeric criticality, tags as a list', () => {
    const triage = compile({
      enrichment: { fieldMap: { asset: ['ip_dst_addr'] } },
      threatIntel: {
        triageConfig: {
          riskLevelRules: [
            { name: 'critical asset', rule: 'enrichments.asset.ip_dst_addr.criticality >= 4', score: 50 },
            { name: 'pci', rule: "'pci' in enrichments.asset.ip_dst_addr.tags", score: 30, reason: "FORMAT('owner %s', enrichments.asset.ip_dst_addr.owner)" },
          ],
          aggregator: 'SUM',
        },
      },
    });
    const { message } = triage.enrich({ ip_dst_addr: '10.0.0.1', is_alert: true, 'source.type': 'bro' });
    expect(message?.['threat.triage.score']).toBe(80);
    expect(message?.['threat.triage.rules.1.reason']).toBe('owner Web team');
  });

  it('refuses a config using it when the engine has no inventory', () => {
    expect(() => compile(config, { assets: undefined })).toThrow(ConfigError);
    expect(() => compile(config, { assets: undefined })).toThrow("enrichments/bro.json: $.enrichment.fieldMap.asset: the asset adapter needs the asset inventory");
  });
});

describe('identity adapter', () => {
  const config = (maxAge?: string) => ({ enrichment: { fieldMap: { identity: ['ip_src_addr', 'ip_dst_addr'] }, config: maxAge === undefined ? {} : { identity: { maxAge } } } });

  it('writes the user who had the address at the message time, with since (and until when it ends)', () => {
    const { message, errors } = compile(config()).enrich({ ip_src_addr: '10.0.0.50', ip_dst_addr: '10.0.0.1', timestamp: T0 + 10 * 60_000, 'source.type': 'bro' });
    expect(errors).toEqual([]);
    expect(message).toEqual({
      ip_src_addr: '10.0.0.50',
      ip_dst_addr: '10.0.0.1',
      timestamp: T0 + 10 * 60_000,
      'source.type': 'bro',
      'enrichments.identity.ip_src_addr.user': 'bob',
      'enrichments.identity.ip_src_addr.since': T0,
      'enrichments.identity.ip_src_addr.until': T0 + H,
    });
  });

  it('answers by the message time: before, between and after the assignments', () => {
    const enricher = compile(config());
    const userAt = (timestamp: number) => enricher.enrich({ ip_src_addr: '10.0.0.50', timestamp })?.message?.['enrichments.identity.ip_src_addr.user'];
    expect(userAt(T0 - 2 * H - 1)).toBeUndefined();
    expect(userAt(T0 - 2 * H)).toBe('alice');
    expect(userAt(T0 - 1)).toBe('alice');
    expect(userAt(T0)).toBe('bob');
    expect(userAt(T0 + H)).toBeUndefined(); // bob's session ended
  });

  it('uses no assignment older than maxAge (24h by default, or the config\'s)', () => {
    // svc-web since T0-30h: too old for the default 24h, fine for 2d
    const message = { ip_dst_addr: '10.0.0.1', timestamp: T0 };
    expect(compile(config()).enrich({ ...message }).message).toEqual(message);
    expect(compile(config('2d')).enrich({ ...message }).message?.['enrichments.identity.ip_dst_addr.user']).toBe('svc-web');
    expect(compile(config('30h')).enrich({ ...message }).message?.['enrichments.identity.ip_dst_addr.user']).toBe('svc-web');
    expect(compile(config('29h')).enrich({ ...message }).message?.['enrichments.identity.ip_dst_addr.user']).toBeUndefined();
  });

  it('takes a timestamp given as text, and the clock when the message has none', () => {
    const enricher = compile(config(), { now: () => T0 - H });
    expect(enricher.enrich({ ip_src_addr: '10.0.0.50', timestamp: String(T0) }).message?.['enrichments.identity.ip_src_addr.user']).toBe('bob');
    expect(enricher.enrich({ ip_src_addr: '10.0.0.50' }).message?.['enrichments.identity.ip_src_addr.user']).toBe('alice');
  });

  it('refuses bad identity settings with their path', () => {
    const bad = (identity: unknown, path: string, reason: string) => {
      expect(() => compile({ enrichment: { fieldMap: { identity: ['ip_src_addr'] }, config: { identity } } })).toThrow(`enrichments/bro.json: ${path}: ${reason}`);
    };
    bad({ maxAge: 'soon' }, '$.enrichment.config.identity.maxAge', 'must be a duration such as 30m, 12h or 7d (or ms), got "soon"');
    bad({ maxage: '1h' }, '$.enrichment.config.identity.maxage', 'unknown key "maxage"; the keys are maxAge and learn');
    bad('1h', '$.enrichment.config.identity', 'must be an object');
    bad({ learn: { ip: 'ip_src_addr' } }, '$.enrichment.config.identity.learn.user', 'must name the message field holding the user');
    bad({ learn: [{ ip: 'a', user: 'b', when: 'x' }] }, '$.enrichment.config.identity.learn[0].when', 'unknown key "when"');
    bad({ learn: { ip: 'a', user: 'b', filter: 'action ==' } }, '$.enrichment.config.identity.learn.filter', 'invalid Stellar expression');
    expect(() => compile(config(), { identities: undefined })).toThrow('$.enrichment.fieldMap.identity: the identity adapter needs the identity store');
  });
});

describe('learning identities from a sensor\'s messages', () => {
  let learned: IdentityStore;
  beforeEach(() => {
    learned = new IdentityStore(store, { freshMs: 0 });
  });
  afterEach(() => learned.flush());

  const authConfig = {
    enrichment: {
      fieldMap: { identity: ['ip_src_addr'] },
      config: { identity: { learn: { ip: 'ip_src_addr', user: 'user', filter: "action == 'login' and result == 'success'" } } },
    },
  };

  it('learns from the messages the filter accepts, enriches the learning message itself, and persists for other sensors', async () => {
    const auth = compile(authConfig, { identities: learned }, 'auth');
    const login: Message = { ip_src_addr: '10.0.2.7', user: 'erin', action: 'login', result: 'success', timestamp: T0, 'source.type': 'auth' };
    const { message, errors } = auth.enrich(login);
    expect(errors).toEqual([]);
    expect(message?.['enrichments.identity.ip_src_addr.user']).toBe('erin');
    expect(message?.['enrichments.identity.ip_src_addr.since']).toBe(T0);
    // failed logins and other actions establish nothing
    auth.enrich({ ip_src_addr: '10.0.2.8', user: 'mallory', action: 'login', result: 'failure', timestamp: T0 });
    auth.enrich({ ip_src_addr: '10.0.2.9', user: 'x', action: 'logout', result: 'success', timestamp: T0 });
    await learned.flush();
    // another worker (its own identity store over the same LMDB) enriches another sensor's traffic
    const bro = compile({ enrichment: { fieldMap: { identity: ['ip_src_addr'] } } }, { identities: new IdentityStore(store) });
    const user = (ip: string, timestamp: number) => bro.enrich({ ip_src_addr: ip, timestamp }).message?.['enrichments.identity.ip_src_addr.user'];
    expect(user('10.0.2.7', T0 + 5 * 60_000)).toBe('erin');
    expect(user('10.0.2.7', T0 - 1)).toBeUndefined();
    expect(user('10.0.2.8', T0)).toBeUndefined();
    expect(user('10.0.2.9', T0)).toBeUndefined();
  });

  it('reads the start and end from the named fields (DHCP leases), skipping messages without them', async () => {
    const dhcp = compile(
      { enrichment: { fieldMap: {}, config: { identity: { learn: [{ ip: 'assigned_ip', user: 'host_name', timestamp: 'lease_start', end: 'lease_end' }] } } } },
      { identities: learned },
      'dhcp',
    );
    const lease = { assigned_ip: '10.0.3.4', host_name: 'laptop-42', lease_start: new Date(T0).toISOString(), lease_end: T0 + H, timestamp: T0 + 5 };
    expect(dhcp.enrich({ ...lease }).message).toEqual(lease); // learning adds no field
    dhcp.enrich({ assigned_ip: '10.0.3.5', lease_start: T0 }); // no user: nothing learned
    dhcp.enrich({ assigned_ip: 'n/a', host_name: 'x', lease_start: T0 });
    expect(learned.lookup('10.0.3.4', T0 + H - 1, 24 * H)).toEqual({ user: 'laptop-42', since: T0, until: T0 + H });
    expect(learned.lookup('10.0.3.4', T0 + H, 24 * H)).toBeUndefined();
    expect(learned.lookup('10.0.3.5', T0, 24 * H)).toBeUndefined();
  });

  it('reports a filter that fails on a message, learns nothing from it, and lets the message go on', () => {
    const auth = compile({ enrichment: { fieldMap: {}, config: { identity: { learn: { ip: 'ip_src_addr', user: 'user', filter: "TO_INTEGER(code) > 'x'" } } } } }, { identities: learned }, 'auth');
    const message = { ip_src_addr: '10.0.2.20', user: 'zed', code: '7', timestamp: T0 };
    const result = auth.enrich({ ...message });
    expect(result.message).toEqual(message);
    expect(result.errors).toHaveLength(1);
    expect(result.errors[0]).toMatchObject({ errorType: 'enrichment_error', adapter: 'identity', jsonPath: '$.enrichment.config.identity.learn.filter', fatal: false });
    expect(result.errors[0]?.message).toMatch(/^ENRICHMENT error with identity failed: the learn filter failed: /);
    expect(learned.lookup('10.0.2.20', T0, H)).toBeUndefined();
  });
});
