/**
 * The autonomous-system lookup behind ASN_GET (Metron's GeoLiteAsnDatabase): an IP address in,
 * Metron's ASN map out. Reads MaxMind GeoLite2-ASN / GeoIP2-ISP files and ip-location-db ASN
 * files, which use the same two keys (`autonomous_system_number`, `autonomous_system_organization`).
 *
 * As Metron (GeoIP2-java 2.12's AsnResponse.getIpAddress()), `network` holds the address that was
 * looked up, in Java's InetAddress.getHostAddress() form, not the CIDR block of the record.
 */
import { CachedLookup, DEFAULT_CACHE_SIZE } from '../mmdb/cached-lookup.js';
import type { LookupStats } from '../mmdb/cached-lookup.js';
import { DatabaseLoadError, openMmdbFile, openMmdbFileSync } from '../mmdb/open.js';
import type { MmdbFile, SourceLabel } from '../mmdb/open.js';

/** Metron's ASN map (GeoLiteAsnDatabase.AsnProps). */
export interface AsnRecord {
  readonly autonomous_system_organization: string;
  /** A Java Integer in Metron: null when the record has no number. */
  readonly autonomous_system_number: number | null;
  readonly network: string;
}

export const ASN_FIELDS = ['autonomous_system_organization', 'autonomous_system_number', 'network'] as const;

export interface AsnDatabaseOptions {
  /** Entries of the lookup cache (by address text) and of the reader's record cache; 0 turns both off. Default 10 000. */
  readonly cacheSize?: number;
  /** Look IPv6 addresses up too. Off by default: Metron takes dotted-quad IPv4 only. */
  readonly ipv6?: boolean;
  /** The config key that named the file(s), for error messages. */
  readonly configKey?: string;
}

const NOT_ASN_TYPE = /(^|[-_ ])(city|country|anonymous|connection|domain)([-_ ]|$)/i;

/** Metron's ASN map from a decoded record and the looked-up address. */
export function asnRecordFrom(record: unknown, address: string): AsnRecord {
  const r = typeof record === 'object' && record !== null ? (record as Record<string, unknown>) : {};
  const number = r['autonomous_system_number'];
  const organization = r['autonomous_system_organization'];
  return Object.freeze({
    autonomous_system_organization: typeof organization === 'string' ? organization : '',
    autonomous_system_number: typeof number === 'number' && Number.isInteger(number) ? number : null,
    network: address,
  });
}

function asnLabel(options: AsnDatabaseOptions): SourceLabel {
  return { what: 'ASN database', configKey: options.configKey };
}

function checkAsnFile(file: MmdbFile, options: AsnDatabaseOptions): MmdbFile {
  if (NOT_ASN_TYPE.test(file.databaseType)) {
    throw new DatabaseLoadError(file.path, asnLabel(options), `database type "${file.databaseType}" is not an ASN database`);
  }
  return file;
}

/**
 * An ASN database: one file, or an IPv4 file and an IPv6 file. Lookups never throw: an address
 * that is not public, not parseable or not in the database gives null.
 */
export class AsnDatabase {
  private readonly table: CachedLookup<AsnRecord>;
  readonly files: readonly { path: string; databaseType: string; ipVersion: 4 | 6; buildEpoch: Date }[];

  private constructor(files: readonly MmdbFile[], options: AsnDatabaseOptions) {
    if (files.length === 0) throw new Error('AsnDatabase needs at least one database file');
    for (const f of files) checkAsnFile(f, options);
    this.files = files.map((f) => ({ path: f.path, databaseType: f.databaseType, ipVersion: f.ipVersion, buildEpoch: f.buildEpoch }));
    const ipv6File = files.find((f) => f.ipVersion === 6);
    const ipv4File = files.find((f) => f.ipVersion === 4) ?? ipv6File;
    const find = (lookupText: string, version: 4 | 6): AsnRecord | null => {
      const file = version === 4 ? ipv4File : ipv6File;
      const raw: unknown = file?.reader.get(lookupText);
      return raw === null || raw === undefined ? null : asnRecordFrom(raw, lookupText);
    };
    this.table = new CachedLookup(find, options.cacheSize ?? DEFAULT_CACHE_SIZE, options.ipv6 ?? false);
  }

  /** Opens database file(s) (.mmdb, .mmdb.gz or .tar.gz, e.g. MaxMind's GeoLite2-ASN.tar.gz). */
  static async open(paths: string | readonly string[], options: AsnDatabaseOptions = {}): Promise<AsnDatabase> {
    const list = typeof paths === 'string' ? [paths] : paths;
    const reader = { recordCacheSize: options.cacheSize ?? DEFAULT_CACHE_SIZE };
    return new AsnDatabase(await Promise.all(list.map((p) => openMmdbFile(p, asnLabel(options), reader))), options);
  }

  /** As open(), reading the files synchronously. */
  static openSync(paths: string | readonly string[], options: AsnDatabaseOptions = {}): AsnDatabase {
    const list = typeof paths === 'string' ? [paths] : paths;
    const reader = { recordCacheSize: options.cacheSize ?? DEFAULT_CACHE_SIZE };
    return new AsnDatabase(list.map((p) => openMmdbFileSync(p, asnLabel(options), reader)), options);
  }

  /** Metron's ASN map for an address, or null (not public, not an address, or not in the database). */
  lookup(ip: string): AsnRecord | null {
    return this.table.lookup(ip);
  }

  /** Lookup counters (a snapshot). */
  stats(): LookupStats {
    return this.table.stats();
  }

  /** Empties the lookup cache (counters stay). */
  clearCache(): void {
    this.table.clearCache();
  }
}
