/**
 * ASN lookups. No npm package ships an ASN-layout .mmdb, so these run on files written by
 * test-support/mmdb-writer.ts in MaxMind's GeoLite2-ASN layout and in the ip-location-db layout
 * (see test-support/fixtures.ts); the reader underneath is the same maxmind library as for GeoIP.
 */
import { rmSync } from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import { geoLite2CityPath, writeAsnFixtures } from '../test-support/fixtures.js';
import { ASN_FIELDS, AsnDatabase, asnRecordFrom } from './asn-database.js';

const fixtures = writeAsnFixtures();
afterAll(() => rmSync(fixtures.dir, { recursive: true, force: true }));

const google = (network: string) => ({ autonomous_system_organization: 'Google LLC', autonomous_system_number: 15169, network });

describe('AsnDatabase', () => {
  it("gives Metron's ASN map (as GeoLiteAsnDatabaseTest: 8.8.4.0 → Google LLC, 15169, network 8.8.4.0)", () => {
    const db = AsnDatabase.openSync(fixtures.mmdb);
    const found = db.lookup('8.8.4.0');
    expect(found).toEqual(google('8.8.4.0'));
    expect(Object.keys(found!)).toEqual([...ASN_FIELDS]);
    // network is the looked-up address (GeoIP2-java 2.12 getIpAddress()), not the record's CIDR
    expect(db.lookup('8.8.4.4')).toEqual(google('8.8.4.4'));
    expect(db.lookup('1.1.1.1')).toEqual({ autonomous_system_organization: 'Cloudflare, Inc.', autonomous_system_number: 13335, network: '1.1.1.1' });
    expect(db.lookup('193.0.6.139')?.autonomous_system_number).toBe(3333);
    // an organization missing from the record is "" (Metron's convertNullToEmptyString)
    expect(db.lookup('45.0.0.7')).toEqual({ autonomous_system_organization: '', autonomous_system_number: 64496, network: '45.0.0.7' });
  });

  it('gives nothing for local, special and unknown addresses (Metron: 192.168.0.1 and 203.0.113.1)', () => {
    const db = AsnDatabase.openSync(fixtures.mmdb);
    for (const ip of ['192.168.0.1', '203.0.113.1', '10.0.0.1', '127.0.0.1', '224.0.0.1', 'nonsense', '9.9.9.9', '2001:4860:4860::8888']) {
      expect(db.lookup(ip), ip).toBeNull();
    }
  });

  it('looks IPv6 up when asked to; network is then Java\'s full IPv6 text', () => {
    const db = AsnDatabase.openSync(fixtures.mmdb, { ipv6: true });
    expect(db.lookup('2001:4860:4860::8888')).toEqual(google('2001:4860:4860:0:0:0:0:8888'));
    expect(db.lookup('::ffff:8.8.8.8')).toEqual(google('8.8.8.8'));
    expect(db.lookup('fe80::1')).toBeNull();
  });

  it('reads the .mmdb.gz and .tar.gz forms and the ip-location-db layout the same way', async () => {
    for (const path of [fixtures.mmdbGz, fixtures.tarGz, fixtures.ipLocationDb]) {
      const db = await AsnDatabase.open(path);
      expect(db.lookup('8.8.4.0'), path).toEqual(google('8.8.4.0'));
      expect(db.lookup('192.168.0.1'), path).toBeNull();
    }
    expect((await AsnDatabase.open(fixtures.ipLocationDb)).files).toEqual([
      { path: fixtures.ipLocationDb, databaseType: 'asn ipv4', ipVersion: 4, buildEpoch: new Date(1_700_000_000_000) },
    ]);
  });

  it('caches by address', () => {
    const db = AsnDatabase.openSync(fixtures.mmdb, { cacheSize: 10 });
    const a = db.lookup('1.1.1.1');
    expect(db.lookup('1.1.1.1')).toBe(a);
    expect(db.stats()).toMatchObject({ lookups: 2, cacheHits: 1, cacheMisses: 1, cacheSize: 1, cacheCapacity: 10 });
  });

  it('refuses a City database and names the key and the path', () => {
    const city = geoLite2CityPath();
    expect(() => AsnDatabase.openSync(city, { configKey: 'asn.hdfs.file' })).toThrow(
      `asn.hdfs.file: cannot load ASN database ${city}: database type "GeoLite2-City" is not an ASN database`,
    );
  });

  it('maps odd records defensively', () => {
    expect(asnRecordFrom({ autonomous_system_number: 'x' }, '1.2.3.4')).toEqual({ autonomous_system_organization: '', autonomous_system_number: null, network: '1.2.3.4' });
    expect(asnRecordFrom(null, '1.2.3.4')).toEqual({ autonomous_system_organization: '', autonomous_system_number: null, network: '1.2.3.4' });
  });
});
