/**
 * Metron's enrichment table model (SimpleHBaseEnrichmentFunctions, EnrichmentConverter) on a
 * KeyValueStore: a table (HBase table, here a namespace) holds rows keyed by (enrichment type,
 * indicator) in a column family; each row's value is a map of fields, stored as its JSON text the
 * way Metron stores it in the row's `v` column. Table and column family names are those Metron's
 * ENRICHMENT_GET(type, indicator, nosql_table, column_family) and the loaders take. A row may
 * expire (threat indicators age out): an expired row reads as absent.
 */
import { createHash } from 'node:crypto';
import type { KeyValueEntry, KeyValueStore } from './key-value-store.js';
import { LMDB_MAX_KEY_BYTES } from './lmdb-store.js';

/** One row to load: what Metron's LookupKV<EnrichmentKey, EnrichmentValue> holds. */
export interface EnrichmentRow {
  type: string;
  indicator: string;
  /** The value map; or its JSON text, stored as given. */
  value: Readonly<Record<string, unknown>> | string;
  /** When the row stops being returned (epoch ms); none: never. */
  expiresAt?: number | undefined;
}

/** One lookup of a batch to prefetch. */
export interface EnrichmentLookup {
  type: string;
  indicator: string;
}

/**
 * The longest store key in UTF-8 bytes; a longer one names its indicator by digest (LMDB's key
 * limit: a long URL indicator must load and match in every store alike).
 */
const MAX_KEY_BYTES = LMDB_MAX_KEY_BYTES;
/** Starts the indicator part of a key that names its indicator by digest (no indicator starts so unhashed). */
const DIGEST_MARK = '\u0000sha256:';

/**
 * The store key of a row: the column family, type and indicator as a JSON array (unambiguous,
 * prefix-scannable). Where that is over MAX_KEY_BYTES, or the indicator starts with NUL, the
 * indicator is given as DIGEST_MARK and the hex SHA-256 of its UTF-8 text.
 */
export function enrichmentRowKey(columnFamily: string, type: string, indicator: string): string {
  const key = JSON.stringify([columnFamily, type, indicator]);
  if (indicator.charCodeAt(0) !== 0 && (key.length * 3 <= MAX_KEY_BYTES || Buffer.byteLength(key) <= MAX_KEY_BYTES)) return key;
  return JSON.stringify([columnFamily, type, DIGEST_MARK + createHash('sha256').update(indicator).digest('hex')]);
}

/** Enrichment and threat-intel tables over a key-value store. */
export class EnrichmentTables {
  constructor(readonly store: KeyValueStore) {}

  /** The JSON text of the row's value map, or undefined when there is no such row. */
  getText(table: string, columnFamily: string, type: string, indicator: string): string | undefined {
    return this.store.get(table, enrichmentRowKey(columnFamily, type, indicator));
  }

  /** The row's value map, or undefined when there is no such row. */
  get(table: string, columnFamily: string, type: string, indicator: string): Record<string, unknown> | undefined {
    const text = this.getText(table, columnFamily, type, indicator);
    return text === undefined ? undefined : (JSON.parse(text) as Record<string, unknown>);
  }

  exists(table: string, columnFamily: string, type: string, indicator: string): boolean {
    return this.store.has(table, enrichmentRowKey(columnFamily, type, indicator));
  }

  /** Changes whenever a write may have been committed (KeyValueStore.changeMark); undefined when the store cannot tell. */
  changeMark(): number | undefined {
    return this.store.changeMark?.();
  }

  /**
   * The indicators of one enrichment type in a table's column family, in key order; one too long
   * to be a key is listed as its digest (NUL, `sha256:`, the hex SHA-256 of its text).
   */
  *indicators(table: string, columnFamily: string, type: string): Iterable<string> {
    const prefix = enrichmentRowKey(columnFamily, type, '').slice(0, -3);
    for (const [key] of this.store.entries(table, prefix)) {
      const parts = JSON.parse(key) as unknown;
      if (Array.isArray(parts) && parts.length === 3 && typeof parts[2] === 'string') yield parts[2];
    }
  }

  /**
   * Makes the lookups a batch is about to make cheap (the Redis store fetches them in one round
   * trip; LMDB has nothing to do). Call it before enriching a batch, with every (type, indicator)
   * the batch's rules and adapters will look up.
   */
  async prefetch(table: string, columnFamily: string, lookups: Iterable<EnrichmentLookup>): Promise<void> {
    const keys: string[] = [];
    for (const { type, indicator } of lookups) keys.push(enrichmentRowKey(columnFamily, type, indicator));
    await this.store.prefetch(table, keys);
  }

  /**
   * Writes rows (replacing existing ones) in one commit; resolves to the number written. A row
   * whose expiry has passed removes the row instead.
   */
  async load(table: string, columnFamily: string, rows: Iterable<EnrichmentRow>): Promise<number> {
    const entries: KeyValueEntry[] = [];
    for (const row of rows) {
      const text = typeof row.value === 'string' ? row.value : JSON.stringify(row.value);
      entries.push([enrichmentRowKey(columnFamily, row.type, row.indicator), text, row.expiresAt]);
    }
    await this.store.putAll(table, entries);
    return entries.length;
  }

  /** Removes a row; resolves to whether it was there (and unexpired). */
  async remove(table: string, columnFamily: string, type: string, indicator: string): Promise<boolean> {
    return this.store.delete(table, enrichmentRowKey(columnFamily, type, indicator));
  }
}
