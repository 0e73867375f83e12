export {
  GeoDatabase,
  GEO_FIELDS,
  defaultGeoDatabaseFiles,
  detectGeoSchema,
  geoRecordFromGeoIp2,
  geoRecordFromIpLocationDb,
  type GeoDatabaseOptions,
  type GeoRecord,
  type GeoSchema,
} from './geo/geo-database.js';
export { AsnDatabase, ASN_FIELDS, asnRecordFrom, type AsnDatabaseOptions, type AsnRecord } from './asn/asn-database.js';
export { DEFAULT_CACHE_SIZE, type LookupStats } from './mmdb/cached-lookup.js';
export { classifyAddress, parseIPv4, parseIPv6, type AddressClass, type IneligibleReason } from './mmdb/ip-address.js';
export { DatabaseLoadError, type SourceLabel } from './mmdb/open.js';
export { LruCache } from './mmdb/lru-cache.js';
export {
  asnRecordToMap,
  asnStellarService,
  geoRecordToMap,
  geoStellarService,
  installIpServices,
  type IpLookupService,
} from './stellar-services.js';
export {
  ASN_FILE,
  ASN_HDFS_FILE,
  GEO_FILE,
  GEO_HDFS_FILE,
  asnDatabaseFile,
  geoDatabaseFile,
  loadIpDatabases,
  type ConfiguredFile,
  type IpDatabases,
  type IpDatabaseSettings,
} from './config.js';
export * from './sensor-enrichment/index.js';
export * from './triage/index.js';
export * from './assets/index.js';
export * from './threat-intel/index.js';
