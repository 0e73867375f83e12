/**
 * GEO_GET (Metron's GeoEnrichmentFunctions): a thin adapter over the geo module's IP database.
 * The adapter owns Metron's argument and field-selection rules; the module only looks IPs up.
 */
import type { StellarValue } from '../values.js';
import { StellarFunctionError } from './types.js';
import type { StellarFunction } from './types.js';
import { requireService, stringsArg } from './service-adapter.js';

/** What the geo module installs under the service name 'geo'. */
export interface GeoService {
  /**
   * The full GeoLite-style record for an IPv4 address (keys such as locID, country, city,
   * postalCode, dmaCode, latitude, longitude, location_point), or null when the address is unknown.
   */
  lookup(ip: string): Map<string, StellarValue> | null;
}

/** Keeps only the requested fields: one field gives its value, several give a map (missing ones null). */
export function selectFields(record: Map<string, StellarValue>, fields: readonly string[]): StellarValue {
  if (fields.length === 1) return record.get(fields[0]!) ?? null;
  const selected = new Map<StellarValue, StellarValue>();
  for (const field of fields) selected.set(field, record.get(field) ?? null);
  return selected;
}

export const functions: StellarFunction[] = [
  {
    name: 'GEO_GET',
    namespace: 'GEO',
    description: 'Looks up the geographic location of an IPv4 address in the GeoIP database.',
    params: [
      'ip - The IPv4 address to look up',
      'fields - (optional) List of fields to return: locID, country, city, postalCode, dmaCode, latitude, longitude, location_point',
    ],
    returns: 'The value of the field when one field is asked for, a map of the fields otherwise (empty when the IP is unknown), or null.',
    requires: 'geo',
    call(args, ctx) {
      if (args.length > 2) throw new StellarFunctionError(`GEO_GET received more arguments than expected: ${args.length}`);
      const ip = args[0];
      if (args.length === 1) {
        if (typeof ip !== 'string' || ip.trim() === '') return null;
        return requireService<GeoService>(ctx, 'GEO_GET', 'geo').lookup(ip.trim()) ?? new Map<StellarValue, StellarValue>();
      }
      // as Metron: with a second argument that is not a list of fields, nothing is looked up
      if (!Array.isArray(args[1]) || typeof ip !== 'string' || ip.trim() === '') return null;
      const fields = stringsArg('GEO_GET', args, 1, 'fields');
      const record = requireService<GeoService>(ctx, 'GEO_GET', 'geo').lookup(ip.trim());
      return record === null ? null : selectFields(record, fields);
    },
  },
];
