/**
 * ENRICHMENT_GET / ENRICHMENT_EXISTS (Metron's SimpleHBaseEnrichmentFunctions) and OBJECT_GET /
 * ENRICHMENT_OBJECT_GET (ObjectGet, EnrichmentObjectGet): thin adapters over the enrichment
 * store ('enrichment') and the serialized-object cache ('object') other modules install.
 */
import type { StellarValue } from '../values.js';
import { StellarFunctionError } from './types.js';
import type { StellarFunction } from './types.js';
import { requireService, stringArg } from './service-adapter.js';

/** Where one enrichment value lives: Metron's HBase row key (type, indicator) in a table/column family. */
export interface EnrichmentKey {
  type: string;
  indicator: string;
  table: string;
  columnFamily: string;
}

/** What the enrichment store installs under the service name 'enrichment'. */
export interface EnrichmentService {
  /** The stored value map of the (type, indicator) row, or null when there is none. */
  get(key: EnrichmentKey): Map<string, StellarValue> | null;
  /** Whether the (type, indicator) row exists. */
  exists(key: EnrichmentKey): boolean;
}

/** What the object-cache module installs under the service name 'object'. */
export interface ObjectService {
  /**
   * The deserialized object stored at a path, or null when absent. Metron keeps one cache per
   * function: 'enrichment' (ENRICHMENT_OBJECT_GET) may be tuned apart under the global config key
   * enrichment.object.get.settings; 'object' (OBJECT_GET) uses the object.cache.* settings.
   */
  get(path: string, cache: 'object' | 'enrichment'): StellarValue;
}

const KEY_USAGE = "all parameters are required: 'enrichment type', 'indicator', 'nosql_table' and 'column_family'";

function enrichmentKey(fn: string, args: readonly StellarValue[]): EnrichmentKey | null {
  if (args.length !== 4) throw new StellarFunctionError(`${fn}: ${KEY_USAGE}`);
  // Metron looks up nothing for a missing type or indicator rather than failing the message.
  if (args[0] === null || args[1] === null) return null;
  if (fn === 'ENRICHMENT_EXISTS' && (args[2] === null || args[3] === null)) return null;
  const type = stringArg(fn, args, 0, 'enrichment_type');
  const indicator = args[1]!;
  const table = stringArg(fn, args, 2, 'nosql_table');
  const columnFamily = stringArg(fn, args, 3, 'column_family');
  return { type, indicator: typeof indicator === 'string' ? indicator : String(indicator), table, columnFamily };
}

const PARAMS_KEY = [
  'enrichment_type - The enrichment type',
  'indicator - The indicator to look up',
  'nosql_table - The table holding the enrichment data',
  'column_family - The column family holding the enrichment data',
];

export const functions: StellarFunction[] = [
  {
    name: 'ENRICHMENT_GET',
    namespace: 'ENRICHMENT',
    description: 'Fetches the value map stored in the enrichment store for an enrichment type and indicator.',
    params: PARAMS_KEY,
    returns: 'The map stored for the indicator and enrichment type, or an empty map when there is none.',
    requires: 'enrichment',
    call(args, ctx) {
      const key = enrichmentKey('ENRICHMENT_GET', args);
      if (key === null) return new Map<StellarValue, StellarValue>();
      const found = requireService<EnrichmentService>(ctx, 'ENRICHMENT_GET', 'enrichment').get(key);
      return found === null ? new Map<StellarValue, StellarValue>() : new Map<StellarValue, StellarValue>(found);
    },
  },
  {
    name: 'ENRICHMENT_EXISTS',
    namespace: 'ENRICHMENT',
    description: 'Tells whether the enrichment store holds a value for an enrichment type and indicator.',
    params: PARAMS_KEY,
    returns: 'True when the indicator exists for the enrichment type, false otherwise.',
    requires: 'enrichment',
    call(args, ctx) {
      const key = enrichmentKey('ENRICHMENT_EXISTS', args);
      if (key === null) return false;
      return requireService<EnrichmentService>(ctx, 'ENRICHMENT_EXISTS', 'enrichment').exists(key);
    },
  },
  {
    name: 'OBJECT_GET',
    namespace: 'OBJECT',
    description: 'Loads a serialized object from storage (through a cache) and returns it.',
    params: ['path - The storage path of the serialized object'],
    returns: 'The deserialized object, or null when the path is null or missing.',
    requires: 'object',
    call(args, ctx) {
      if (args[0] === null || args[0] === undefined) return null;
      if (typeof args[0] !== 'string') throw new StellarFunctionError('OBJECT_GET: unable to retrieve a value that is not a path');
      return requireService<ObjectService>(ctx, 'OBJECT_GET', 'object').get(args[0], 'object');
    },
  },
  {
    name: 'ENRICHMENT_OBJECT_GET',
    namespace: 'ENRICHMENT',
    description: 'Loads a serialized map from storage (through a cache) and returns the value stored for an indicator.',
    params: ['path - The storage path of the serialized map', 'indicator - The indicator to look up'],
    returns: 'The value stored for the indicator, or null.',
    requires: 'object',
    call(args, ctx) {
      if (args.length !== 2) throw new StellarFunctionError('ENRICHMENT_OBJECT_GET expects two arguments: path and indicator');
      const indicator = args[1];
      if (args[0] === null || indicator === null || indicator === undefined) return null;
      const path = stringArg('ENRICHMENT_OBJECT_GET', args, 0, 'path');
      const object = requireService<ObjectService>(ctx, 'ENRICHMENT_OBJECT_GET', 'object').get(path, 'enrichment');
      if (object === null) return null;
      if (!(object instanceof Map)) throw new StellarFunctionError(`ENRICHMENT_OBJECT_GET: the object stored at '${path}' must be a map serialized as JSON`);
      return (object.get(indicator) as StellarValue | undefined) ?? null;
    },
  },
];
