/**
 * Which database files the geo and ASN enrichments use, from Metron's global config.
 *
 * Metron's keys are `geo.hdfs.file` and `asn.hdfs.file` (an HDFS path in Metron; here a local
 * path). `geo.file` / `asn.file` name a local file and win over the Metron keys, so a Metron
 * global config that points at HDFS can stay as it is. An empty or absent GeoIP key means the
 * shipped DB-IP Lite City database (Metron falls back to its default file the same way); the ASN
 * database has no shipped default, so without a key ASN_GET stays uninstalled.
 */
import { isAbsolute, resolve } from 'node:path';
import { MetronError } from '@metron/core';
import { AsnDatabase } from './asn/asn-database.js';
import { GeoDatabase, defaultGeoDatabaseFiles } from './geo/geo-database.js';

export const GEO_HDFS_FILE = 'geo.hdfs.file';
export const GEO_FILE = 'geo.file';
export const ASN_HDFS_FILE = 'asn.hdfs.file';
export const ASN_FILE = 'asn.file';

/** A database file chosen by config. */
export interface ConfiguredFile {
  readonly path: string;
  /** The key that named it; undefined for the shipped default. */
  readonly key: string | undefined;
}

export interface IpDatabaseSettings {
  /** Relative paths are resolved against this directory (the config directory); default: the working directory. */
  readonly baseDir?: string;
  /** Lookup cache entries per database; 0 turns caching off. */
  readonly cacheSize?: number;
  /** Look IPv6 addresses up too (Metron: IPv4 only). With the shipped database this also loads its IPv6 half. */
  readonly ipv6?: boolean;
}

function configuredPath(globalConfig: Readonly<Record<string, unknown>>, keys: readonly string[], baseDir: string | undefined): ConfiguredFile | undefined {
  for (const key of keys) {
    const value = globalConfig[key];
    if (value === undefined || value === null) continue;
    if (typeof value !== 'string') {
      throw new MetronError('CONFIG_INVALID', `${key}: must be the path of a database file, got ${typeof value}`, { key });
    }
    if (value.trim() === '') continue;
    const path = value.trim();
    const local = path.startsWith('file://') || /^[a-z][a-z0-9+.-]*:\/\//i.test(path) || isAbsolute(path) ? path : resolve(baseDir ?? process.cwd(), path);
    return { path: local, key };
  }
  return undefined;
}

/** The GeoIP database file: `geo.file`, else `geo.hdfs.file`, else the shipped one. */
export function geoDatabaseFile(globalConfig: Readonly<Record<string, unknown>>, baseDir?: string): ConfiguredFile {
  return configuredPath(globalConfig, [GEO_FILE, GEO_HDFS_FILE], baseDir) ?? { path: defaultGeoDatabaseFiles().ipv4, key: undefined };
}

/** The ASN database file: `asn.file`, else `asn.hdfs.file`, else none. */
export function asnDatabaseFile(globalConfig: Readonly<Record<string, unknown>>, baseDir?: string): ConfiguredFile | undefined {
  return configuredPath(globalConfig, [ASN_FILE, ASN_HDFS_FILE], baseDir);
}

/** The databases the geo enrichment, GEO_GET and ASN_GET use. */
export interface IpDatabases {
  readonly geo: GeoDatabase;
  readonly asn: AsnDatabase | undefined;
}

/**
 * Opens the databases the global config names. A missing, unreadable or damaged file fails here
 * with a CONFIG_INVALID error naming the key and the path.
 */
export async function loadIpDatabases(globalConfig: Readonly<Record<string, unknown>>, settings: IpDatabaseSettings = {}): Promise<IpDatabases> {
  const geoFile = geoDatabaseFile(globalConfig, settings.baseDir);
  const asnFile = asnDatabaseFile(globalConfig, settings.baseDir);
  const common = { cacheSize: settings.cacheSize, ipv6: settings.ipv6 };
  const geoPaths = geoFile.key === undefined && settings.ipv6 === true ? [geoFile.path, defaultGeoDatabaseFiles().ipv6] : [geoFile.path];
  const [geo, asn] = await Promise.all([
    GeoDatabase.open(geoPaths, { ...common, configKey: geoFile.key }),
    asnFile === undefined ? undefined : AsnDatabase.open(asnFile.path, { ...common, configKey: asnFile.key }),
  ]);
  return { geo, asn };
}
