/** GEO_GET and ASN_GET through the Stellar evaluator, with this package's services installed. */
import { rmSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { JInt, JLong, StellarEvalError, compile, defaultRegistry } from '@metron/stellar';
import type { FunctionRegistry, StellarValue } from '@metron/stellar';
import { AsnDatabase } from './asn/asn-database.js';
import { GeoDatabase } from './geo/geo-database.js';
import { asnRecordToMap, geoStellarService, installIpServices } from './stellar-services.js';
import { geoLite2CityPath, writeAsnFixtures } from './test-support/fixtures.js';

const fixtures = writeAsnFixtures();
afterAll(() => rmSync(fixtures.dir, { recursive: true, force: true }));

const map = (entries: [string, StellarValue][]) => new Map<StellarValue, StellarValue>(entries);

describe('GEO_GET and ASN_GET with the services installed', () => {
  let registry: FunctionRegistry;
  let geo: GeoDatabase;
  const run = (expr: string, vars: Record<string, StellarValue> = {}) => compile(expr, { functions: registry }).run(vars);

  beforeAll(async () => {
    registry = defaultRegistry();
    geo = await GeoDatabase.openDefault();
    installIpServices(registry, { geo, asn: AsnDatabase.openSync(fixtures.mmdb) });
  });

  it('GEO_GET(ip) gives the whole geo map', () => {
    expect(run('GEO_GET(ip_dst_addr)', { ip_dst_addr: '81.2.69.192' })).toEqual(
      map([
        ['locID', ''],
        ['country', 'GB'],
        ['city', 'London'],
        ['postalCode', ''],
        ['dmaCode', ''],
        ['latitude', '51.5143'],
        ['longitude', '-0.0912244'],
        ['location_point', '51.5143,-0.0912244'],
      ]),
    );
  });

  it('GEO_GET(ip, [field]) gives the value; several fields give a map of those fields', () => {
    expect(run("GEO_GET('8.8.8.8', ['country'])")).toBe('US');
    expect(run("GEO_GET('1.1.1.1', ['location_point'])")).toBe('-33.8688,151.209');
    expect(run("GEO_GET('8.8.8.8', ['country', 'city', 'latitude'])")).toEqual(map([['country', 'US'], ['city', 'Mountain View'], ['latitude', '37.422']]));
    // an unknown field name is null in the map, as Metron's HashMap.get
    expect(run("GEO_GET('8.8.8.8', ['country', 'region'])")).toEqual(map([['country', 'US'], ['region', null]]));
    expect(run("GEO_GET('8.8.8.8', ['region'])")).toBeNull();
  });

  it('private and unparseable addresses: an empty map without fields, null with fields', () => {
    expect(run("GEO_GET('192.168.1.1')")).toEqual(new Map());
    expect(run("GEO_GET('not an ip')")).toEqual(new Map());
    expect(run("GEO_GET('10.0.0.1', ['country'])")).toBeNull();
    expect(run("GEO_GET('', ['country'])")).toBeNull();
    expect(run('GEO_GET(null)')).toBeNull();
  });

  it('works inside larger expressions (triage-style rules)', () => {
    const rule = "GEO_GET(ip_src_addr, ['country']) in ['CN', 'RU'] && ip_dst_port == 22";
    expect(compile(rule, { functions: registry }).predicate({ ip_src_addr: '114.114.114.114', ip_dst_port: 22 })).toBe(true);
    expect(compile(rule, { functions: registry }).predicate({ ip_src_addr: '8.8.8.8', ip_dst_port: 22 })).toBe(false);
    expect(run("MAP_GET('city', GEO_GET(ip))", { ip: '202.12.27.33' })).toBe('Fujisawa (Endo)');
  });

  it('each call gets its own map: changing a result cannot reach the cache', () => {
    const service = geoStellarService(geo);
    const first = service.lookup('8.8.8.8')!;
    first.set('country', 'XX');
    expect(service.lookup('8.8.8.8')!.get('country')).toBe('US');
    expect(run("GEO_GET('8.8.8.8', ['country'])")).toBe('US');
  });

  it('ASN_GET gives the number as a Java int and selects fields the same way', () => {
    expect(run("ASN_GET('8.8.4.0')")).toEqual(
      map([
        ['autonomous_system_organization', 'Google LLC'],
        ['autonomous_system_number', new JInt(15169)],
        ['network', '8.8.4.0'],
      ]),
    );
    expect(run("ASN_GET('1.1.1.1', ['autonomous_system_number'])")).toEqual(new JInt(13335));
    expect(run("ASN_GET('1.1.1.1', ['autonomous_system_organization', 'network'])")).toEqual(map([['autonomous_system_organization', 'Cloudflare, Inc.'], ['network', '1.1.1.1']]));
    expect(run("ASN_GET('192.168.0.1')")).toEqual(new Map());
    expect(run("ASN_GET('192.168.0.1', ['network'])")).toBeNull();
  });

  it('numbers beyond Java int range become a long', () => {
    const m = asnRecordToMap({ autonomous_system_organization: 'x', autonomous_system_number: 4_200_000_001, network: '1.2.3.4' });
    expect(m.get('autonomous_system_number')).toEqual(new JLong(4_200_000_001n));
  });
});

describe('without the services', () => {
  it('ASN_GET without an ASN database says the module is missing', () => {
    const registry = defaultRegistry();
    installIpServices(registry, { geo: GeoDatabase.openSync(geoLite2CityPath()) });
    expect(compile("GEO_GET('216.160.83.56', ['dmaCode'])", { functions: registry }).run({})).toBe('819');
    expect(() => compile("ASN_GET('8.8.8.8')", { functions: registry }).run({})).toThrow(StellarEvalError);
    expect(() => compile("ASN_GET('8.8.8.8')", { functions: registry }).run({})).toThrow(/needs the asn module/);
  });
});
