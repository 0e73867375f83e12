import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterAll, describe, expect, it } from 'vitest';
import { MetronError } from '@metron/core';
import { geoLite2AsnBytes, writeAsnFixtures } from '../test-support/fixtures.js';
import { writeTar } from '../test-support/mmdb-writer.js';
import { DatabaseLoadError, openMmdbBytes, openMmdbFile, openMmdbFileSync } from './open.js';

const fixtures = writeAsnFixtures();
afterAll(() => rmSync(fixtures.dir, { recursive: true, force: true }));
const label = { what: 'ASN database', configKey: 'asn.hdfs.file' };

describe('opening MaxMind DB files', () => {
  it('reads .mmdb, .mmdb.gz and .tar.gz alike, with the metadata', async () => {
    for (const path of [fixtures.mmdb, fixtures.mmdbGz, fixtures.tarGz]) {
      const file = await openMmdbFile(path, label);
      expect(file.path).toBe(path);
      expect(file.databaseType).toBe('GeoLite2-ASN');
      expect(file.ipVersion).toBe(6);
      expect(file.languages).toEqual(['en']);
      expect(file.buildEpoch.toISOString()).toBe('2023-11-14T22:13:20.000Z');
      expect(file.reader.get('8.8.4.4')).toEqual({ autonomous_system_number: 15169, autonomous_system_organization: 'Google LLC' });
      expect(openMmdbFileSync(path, label).reader.get('2606:4700::1111')).toEqual({ autonomous_system_number: 13335, autonomous_system_organization: 'Cloudflare, Inc.' });
    }
  });

  it('finds the .mmdb in a plain (not gzip\'d) tar too, after a long-name entry', () => {
    const longName = `${'d'.repeat(120)}/GeoLite2-ASN.mmdb`;
    const gnuLong = { name: '././@LongLink', data: Buffer.from(longName + '\0') };
    const tar = writeTar([gnuLong, { name: 'truncated-name', data: geoLite2AsnBytes() }]);
    // mark the first entry as a GNU long-name record ('L')
    tar.write('L', 156, 'latin1');
    fixChecksum(tar, 0);
    const file = openMmdbBytes(tar, 'x.tar', label);
    expect(file.reader.get('1.1.1.1')).toEqual({ autonomous_system_number: 13335, autonomous_system_organization: 'Cloudflare, Inc.' });
  });

  it('names the key, the path and the reason when a file cannot be used', async () => {
    const cases: [string, RegExp][] = [
      [join(fixtures.dir, 'missing.mmdb'), /file not found$/],
      [fixtures.dir, /is a directory/],
      [fixtures.truncated, /damaged MaxMind DB file/],
      [fixtures.notMmdb, /not a MaxMind DB \(\.mmdb\) file/],
      [fixtures.emptyTar, /the tar archive holds no \.mmdb file/],
      ['hdfs://namenode:8020/apps/metron/geo/default/GeoLite2-City.tar.gz', /only local files can be read/],
    ];
    for (const [path, reason] of cases) {
      const err = await openMmdbFile(path, label).catch((e: unknown) => e);
      expect(err, path).toBeInstanceOf(DatabaseLoadError);
      expect(err, path).toBeInstanceOf(MetronError);
      const e = err as DatabaseLoadError;
      expect(e.code).toBe('CONFIG_INVALID');
      expect(e.message.startsWith(`asn.hdfs.file: cannot load ASN database ${path}: `), e.message).toBe(true);
      expect(e.message).toMatch(reason);
      expect(e.path).toBe(path);
      expect(() => openMmdbFileSync(path, label)).toThrow(e.message);
    }
  });

  it('refuses damaged gzip data, a file cut short and a damaged search tree', () => {
    const gz = gzipSync(geoLite2AsnBytes());
    const whole = geoLite2AsnBytes();
    expect(() => openMmdbBytes(whole.subarray(0, whole.length >> 1), 'half.mmdb', label)).toThrow(/half\.mmdb: not a MaxMind DB \(\.mmdb\) file: no metadata section/);
    expect(() => openMmdbBytes(gz.subarray(0, gz.length / 2), 'half.mmdb.gz', label)).toThrow(/damaged gzip data/);
    // a tree whose root points past the data section
    const bytes = Buffer.from(geoLite2AsnBytes());
    bytes.writeUIntBE(0xfffff0, 0, 3);
    bytes.writeUIntBE(0xfffff0, 3, 3);
    expect(() => openMmdbBytes(bytes, 'bad-tree.mmdb', label)).toThrow(DatabaseLoadError);
  });

  it('accepts file:// paths', () => {
    const file = openMmdbFileSync(`file://${fixtures.mmdb}`, label);
    expect(file.reader.get('8.8.8.8')).not.toBeNull();
  });
});

function fixChecksum(tar: Buffer, offset: number): void {
  tar.write('        ', offset + 148, 'latin1');
  let sum = 0;
  for (let i = 0; i < 512; i++) sum += tar[offset + i]!;
  tar.write(sum.toString(8).padStart(6, '0') + '\0 ', offset + 148, 'latin1');
}
