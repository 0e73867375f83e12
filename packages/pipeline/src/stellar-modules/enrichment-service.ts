/**
 * The 'enrichment' service of Stellar's ENRICHMENT_GET / ENRICHMENT_EXISTS over the enrichment
 * tables of a key-value store (LMDB embedded): the stored JSON text of a row is read as Jackson
 * reads it for Metron (ints, longs past 32 bits, doubles, insertion-ordered maps).
 */
import { JsonSyntaxError, parseJsonText, StellarFunctionError, type EnrichmentKey, type EnrichmentService, type StellarValue } from '@metron/stellar';
import type { EnrichmentTables } from '@metron/storage';

/** Creates the service to install as 'enrichment' in a Stellar FunctionRegistry. */
export function createEnrichmentStellarService(tables: EnrichmentTables): EnrichmentService {
  return {
    get(key: EnrichmentKey): Map<string, StellarValue> | null {
      const text = tables.getText(key.table, key.columnFamily, key.type, key.indicator);
      if (text === undefined) return null;
      let value: StellarValue;
      try {
        value = parseJsonText(text);
      } catch (e) {
        if (!(e instanceof JsonSyntaxError)) throw e;
        value = null;
      }
      if (!(value instanceof Map)) {
        throw new StellarFunctionError(`the value stored for ${key.type} '${key.indicator}' in table ${key.table}:${key.columnFamily} is not a JSON map`);
      }
      return value as Map<string, StellarValue>;
    },
    exists(key: EnrichmentKey): boolean {
      return tables.exists(key.table, key.columnFamily, key.type, key.indicator);
    },
  };
}

/** An 'enrichment' service for when there is no store to read: every lookup fails with `reason`. */
export function unavailableEnrichmentService(reason: string): EnrichmentService {
  const fail = (): never => {
    throw new StellarFunctionError(reason);
  };
  return { get: fail, exists: fail };
}
