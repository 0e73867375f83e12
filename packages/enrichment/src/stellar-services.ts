/**
 * The services GEO_GET and ASN_GET call (declared in @metron/stellar's functions/geo.ts and
 * asn.ts: `lookup(ip)` giving a map or null), implemented over the databases of this package.
 * The Stellar functions own Metron's argument and field-selection rules; these only look up.
 */
import { JInt, JLong } from '@metron/stellar';
import type { FunctionRegistry, StellarValue } from '@metron/stellar';
import type { AsnDatabase, AsnRecord } from './asn/asn-database.js';
import type { GeoDatabase, GeoRecord } from './geo/geo-database.js';
import { GEO_FIELDS } from './geo/geo-database.js';

/** The shape of @metron/stellar's GeoService and AsnService (installed as 'geo' and 'asn'). */
export interface IpLookupService {
  lookup(ip: string): Map<string, StellarValue> | null;
}

/** The geo record as the Stellar map GEO_GET returns (all values strings, as Metron's Map<String, String>). */
export function geoRecordToMap(record: GeoRecord): Map<string, StellarValue> {
  const map = new Map<string, StellarValue>();
  for (const field of GEO_FIELDS) map.set(field, record[field]);
  return map;
}

/** The ASN record as the Stellar map ASN_GET returns (the number a Java int, as Metron's Integer). */
export function asnRecordToMap(record: AsnRecord): Map<string, StellarValue> {
  const n = record.autonomous_system_number;
  // 32-bit ASNs above Java's int range (private-use 42xxxxxxxx) would not fit a Java Integer
  const number = n === null ? null : n <= 0x7fffffff ? new JInt(n) : new JLong(BigInt(n));
  return new Map<string, StellarValue>([
    ['autonomous_system_organization', record.autonomous_system_organization],
    ['autonomous_system_number', number],
    ['network', record.network],
  ]);
}

/**
 * The 'geo' service over a GeoDatabase. Each call gets its own map, so nothing an expression does
 * with the result can reach the database's cache.
 */
export function geoStellarService(db: GeoDatabase): IpLookupService {
  return {
    lookup(ip) {
      const record = db.lookup(ip);
      return record === null ? null : geoRecordToMap(record);
    },
  };
}

/** The 'asn' service over an AsnDatabase. */
export function asnStellarService(db: AsnDatabase): IpLookupService {
  return {
    lookup(ip) {
      const record = db.lookup(ip);
      return record === null ? null : asnRecordToMap(record);
    },
  };
}

/** Installs the 'geo' and (when given) 'asn' services in a Stellar function registry. */
export function installIpServices(registry: FunctionRegistry, databases: { geo?: GeoDatabase | undefined; asn?: AsnDatabase | undefined }): void {
  if (databases.geo !== undefined) registry.installService('geo', geoStellarService(databases.geo));
  if (databases.asn !== undefined) registry.installService('asn', asnStellarService(databases.asn));
}
