/**
 * ASN_GET (Metron's AsnEnrichmentFunctions): a thin adapter over the asn module's GeoLite2-ASN
 * database. The adapter owns Metron's argument and field-selection rules.
 */
import type { StellarValue } from '../values.js';
import { StellarFunctionError } from './types.js';
import type { StellarFunction } from './types.js';
import { requireService, stringsArg } from './service-adapter.js';
import { selectFields } from './geo.js';

/** What the asn module installs under the service name 'asn'. */
export interface AsnService {
  /**
   * The ASN record of an IPv4 address (keys autonomous_system_organization, autonomous_system_number
   * as an int, network), or null when the address is unknown.
   */
  lookup(ip: string): Map<string, StellarValue> | null;
}

export const functions: StellarFunction[] = [
  {
    name: 'ASN_GET',
    namespace: 'ASN',
    description: 'Looks up the autonomous system (number, organization, network) an IPv4 address belongs to.',
    params: [
      'ip - The IPv4 address to look up',
      'fields - (optional) List of fields to return: autonomous_system_organization, autonomous_system_number, network',
    ],
    returns: 'The value of the field when one field is asked for, a map of the fields otherwise (empty when the IP is unknown), or null.',
    requires: 'asn',
    call(args, ctx) {
      if (args.length > 2) throw new StellarFunctionError(`ASN_GET received more arguments than expected: ${args.length}`);
      const ip = args[0];
      if (args.length === 1) {
        if (typeof ip !== 'string' || ip.trim() === '') return null;
        return requireService<AsnService>(ctx, 'ASN_GET', 'asn').lookup(ip.trim()) ?? new Map<StellarValue, StellarValue>();
      }
      // as Metron: with a second argument that is not a list of fields, nothing is looked up
      if (!Array.isArray(args[1]) || typeof ip !== 'string' || ip.trim() === '') return null;
      const fields = stringsArg('ASN_GET', args, 1, 'fields');
      const record = requireService<AsnService>(ctx, 'ASN_GET', 'asn').lookup(ip.trim());
      return record === null ? null : selectFields(record, fields);
    },
  },
];
