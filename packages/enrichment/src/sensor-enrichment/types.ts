/** The public types of the sensor enrichment engine, and the output buffer its adapters share. */
import type { JsonValue, Message } from '@metron/core';
import type { FunctionRegistry, StellarLimits } from '@metron/stellar';
import type { AssetLookup } from '../assets/asset-inventory.js';
import type { IdentityLookup } from '../assets/identity-store.js';
import type { GeoRecord } from '../geo/geo-database.js';
import type { KnownHosts } from './known-hosts.js';

/** What the geo adapter needs of a GeoIP database (GeoDatabase: cached lookups). */
export interface GeoLookup {
  lookup(ip: string): GeoRecord | null;
}

/**
 * The enrichment and threat-intel tables the hbase adapters read (Metron's table model: a row per
 * (type, indicator) in a table's column family, its value a JSON map). @metron/storage's
 * EnrichmentTables is one.
 */
export interface EnrichmentTableReader {
  /** The JSON text of the row's value map, or undefined when there is no such row. */
  getText(table: string, columnFamily: string, type: string, indicator: string): string | undefined;
  exists(table: string, columnFamily: string, type: string, indicator: string): boolean;
  /**
   * Optional: a value that changes whenever a write may have been committed (see
   * KeyValueStore.changeMark); lets a batch remember misses from one batch to the next.
   */
  changeMark?(): number | undefined;
}

/** A table and its default column family (a type's `typeToColumnFamily` entry overrides the family). */
export interface TableLocation {
  readonly table: string;
  readonly columnFamily: string;
}

/** Metron's defaults (enrichment_hbase_table / _cf of the enrichment topology). */
export const DEFAULT_ENRICHMENT_TABLE: TableLocation = Object.freeze({ table: 'enrichment', columnFamily: 't' });
/** Metron's defaults (threatintel_hbase_table / _cf). */
export const DEFAULT_THREAT_INTEL_TABLE: TableLocation = Object.freeze({ table: 'threatintel', columnFamily: 't' });

/** What a compiled sensor enrichment uses besides its config. */
export interface SensorEnrichmentDeps {
  /** Stellar functions and their installed services (ENRICHMENT_GET needs 'enrichment', ...). Default: every built-in, no services. */
  readonly functions?: FunctionRegistry;
  /** Limits on each Stellar expression (size, depth at compile; steps, time per evaluation). */
  readonly limits?: Partial<StellarLimits>;
  /** The GeoIP database of the `geo` adapter (required when a config uses geo). */
  readonly geo?: GeoLookup;
  /** The tables of `hbaseEnrichment` and `hbaseThreatIntel` (required when a config uses them). */
  readonly tables?: EnrichmentTableReader;
  /** Where `hbaseEnrichment` looks (default: table "enrichment", column family "t"). */
  readonly enrichmentTable?: TableLocation;
  /** Where `hbaseThreatIntel` looks (default: table "threatintel", column family "t"). */
  readonly threatIntelTable?: TableLocation;
  /** The known hosts of the `host` adapter (parseKnownHosts); none when absent. */
  readonly knownHosts?: KnownHosts;
  /** The asset inventory of the `asset` adapter (AssetInventory over the key-value store). */
  readonly assets?: AssetLookup;
  /** The identity store of the `identity` adapter and of `enrichment.config.identity.learn` (IdentityStore). */
  readonly identities?: IdentityLookup;
  /** "Now" for Stellar time functions (default: the clock). */
  readonly now?: () => number;
}

/** Metron's error types for the two enrichment stages (its error index's `error_type`). */
export type EnrichmentErrorType = 'enrichment_error' | 'threat_intel_error';

/** A failure while enriching one message. */
export interface EnrichmentError {
  readonly errorType: EnrichmentErrorType;
  /** What failed, in Metron's words ("ENRICHMENT error with stellar failed: ..."). */
  readonly message: string;
  /** The adapter or step: 'stellar', 'hbaseEnrichment', 'threat_triage', 'is_alert'. */
  readonly adapter: string;
  /** Where in the sensor's enrichment config the failing part is. */
  readonly jsonPath: string;
  /**
   * What Metron puts in the error record's raw_message: for an adapter, the unit of work that failed
   * (a Stellar group: `{"<group>": {its variables}, "source.type": ...}`); for a fatal error, the message.
   */
  readonly rawMessage: Readonly<Record<string, unknown>>;
  /**
   * True when the message cannot go on (a triage rule or is_alert failed): Metron sends it to the
   * error topic only. Otherwise the message goes on without the failed adapter's outputs.
   */
  readonly fatal: boolean;
  /** In a batch: the message's position in the input. */
  readonly index?: number;
}

/** The outcome of enriching one message. */
export interface EnrichmentResult {
  /** The enriched message (the input object, changed in place); null when a fatal error stopped it. */
  readonly message: Message | null;
  readonly errors: readonly EnrichmentError[];
}

/**
 * The outcome of SensorEnricher.enrichJsonTail: the enriched JSON is either the input text with
 * `tail` written before its closing brace (`json` undefined; `tail` '' when nothing was added), or
 * `json` as a whole (null when a fatal error stopped the message). The tail form lets a caller
 * holding the input's UTF-8 bytes copy them instead of encoding the whole text again.
 */
export interface JsonTailEnrichmentResult {
  readonly json: string | null | undefined;
  readonly tail: string;
  readonly alert: boolean;
  readonly errors: readonly EnrichmentError[];
}

/**
 * Told what enrichJsonTail writes of a message, for a caller that keeps account of the fields of
 * its output (the search index's column types) without reading the output again.
 */
export interface EnrichmentObserver {
  /** A member written in the tail (or in the whole JSON of a message that had no keys). */
  appended(key: string, value: JsonValue): void;
  /** The message read from its text, before the enrichment changes it (the whole-JSON way). */
  read(message: Message): void;
  /** The message whose JSON.stringify is `json` (the whole-JSON way). */
  written(message: Message): void;
}

/** The outcome of enriching one message given as JSON text (SensorEnricher.enrichJson). */
export interface JsonEnrichmentResult {
  /** The enriched message's JSON (as JSON.stringify writes it); null when a fatal error stopped it. */
  readonly json: string | null;
  /** Whether the enriched message is an alert (`is_alert` true or "true"). */
  readonly alert: boolean;
  readonly errors: readonly EnrichmentError[];
}

/** The outcome of enriching a batch. */
export interface EnrichmentBatchResult {
  /** The enriched messages in input order, without those a fatal error stopped. */
  readonly messages: Message[];
  /** Every error of the batch, each with the `index` of its message. */
  readonly errors: EnrichmentError[];
}

/**
 * The outputs of one stage's adapters for one message, in order, before they are joined into the
 * message (adapters of a stage run as if in parallel: none sees another's outputs). Reused across
 * messages.
 */
export class OutputBuffer {
  readonly keys: string[] = [];
  readonly values: JsonValue[] = [];
  /**
   * Optional JSON text of outputs, for enrichJson's text path: at an output's index, the text of it
   * and of the `count - 1` outputs after it, each as `,"key":value` (those whose value is null or ""
   * left out); the following ones hold "". Undefined: none given.
   */
  readonly texts: (string | undefined)[] = [];
  length = 0;

  push(key: string, value: JsonValue): void {
    this.keys[this.length] = key;
    this.values[this.length] = value;
    this.texts[this.length] = undefined;
    this.length++;
  }

  /** Pushes `keys` with `values` and their JSON text (as `texts` describes it). */
  pushAll(keys: readonly string[], values: readonly JsonValue[], text: string): void {
    for (let i = 0; i < keys.length; i++) {
      this.keys[this.length] = keys[i]!;
      this.values[this.length] = values[i]!;
      this.texts[this.length] = i === 0 ? text : '';
      this.length++;
    }
  }

  reset(): void {
    // drop references to the previous message's values
    for (let i = 0; i < this.length; i++) {
      this.values[i] = null;
      this.texts[i] = undefined;
    }
    this.length = 0;
  }
}

/** Where adapters report failures of one message. */
export interface ErrorSink {
  add(error: Omit<EnrichmentError, 'index'>): void;
}
