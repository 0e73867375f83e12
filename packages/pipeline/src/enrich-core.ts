/**
 * The enrich step on a batch of messages (the `enrichments` topic), shared by the inline path and
 * the worker threads: Metron's enrichment, threat intel and threat triage per the sensor's
 * enrichment config (@metron/enrichment), with GeoIP from the global config's database, the known
 * hosts of the global config, and the enrichment / threat-intel tables of the key-value store the
 * global config chooses (LMDB under the data directory, or Redis; enrichment-settings.ts). With a
 * remote store a batch first fetches every table row its adapters will read, in one round trip.
 * Output travels like the parse step's: one buffer of JSON messages plus their byte lengths.
 */
import { isUtf8 } from 'node:buffer';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { JsonValue, Message } from '@metron/core';
import {
  AssetIdentityPrefetch,
  assetIdentityDeps,
  compileSensorEnrichment,
  installIpServices,
  installTriageService,
  learnsIdentities,
  loadIpDatabases,
  planTableLookups,
  type EnrichmentObserver,
  type JsonTailEnrichmentResult,
  type SensorEnricher,
  type SensorEnrichmentDeps,
  type TableLookupPlan,
} from '@metron/enrichment';
import { defaultRegistry } from '@metron/stellar';
import { EnrichmentTables, lmdbStoreExists, mergeFields, openLmdbStore, openRedisStore, StringifiedFields, type EnrichmentLookup, type FieldState } from '@metron/storage';
import { loadKnownHosts, tableBackend } from './enrichment-settings.js';
import { installStellarModules } from './stellar-modules/index.js';
import { JsonOutput } from './json-output.js';

export interface EnrichSetup {
  /** Sensor → its enrichment config (the parsed `enrichments/<sensor>.json`). */
  configs: Record<string, unknown>;
  global: Record<string, unknown>;
  /**
   * The LMDB key-value store of the enrichment and threat-intel tables; absent: no LMDB tables.
   * Unused when the global config puts the tables in Redis (`kv.backend`).
   */
  kvPath?: string;
  /** Directory relative paths of the global config (databases, known hosts) resolve against. */
  configDir?: string;
}

export interface EnrichBatchInput {
  /** The sensor of each message. */
  sensors: string[];
  /** All messages' JSON back to back, with each one's byte length. */
  values: Uint8Array;
  lengths: Uint32Array;
  /**
   * The messages' fields, when they are JSON.stringify's text with distinct made guids (the parse
   * step's ParseBatchOutput.fields): the output's are then worked out too (EnrichBatchOutput.fields).
   */
  fields?: Map<string, FieldState>;
}

export interface EnrichBatchError {
  /** Index of the input message. */
  record: number;
  reason: string;
  errorType: 'enrichment_error' | 'threat_intel_error';
  /** True when the message could not go on (it is then only in the error index). */
  fatal: boolean;
}

export interface EnrichBatchOutput {
  /** JSON of the messages that go on, back to back, with their byte lengths and input indexes. */
  messages: Uint8Array;
  lengths: Uint32Array;
  inputs: Uint32Array;
  /** Per output message: 1 when it is an alert (`is_alert` true). */
  alerts: Uint8Array;
  errors: EnrichBatchError[];
  /** The output messages' fields, as the search index types them, when the input's were given and carry over exactly (see OutputFields). */
  fields?: Map<string, FieldState>;
}

/**
 * The fields of a batch's enriched messages, from those of its input and what the enrichment
 * writes (EnrichmentObserver): a message written as its input plus a tail has the input's fields
 * plus the tail's; one written whole is observed whole. The account is exact or given up: it is
 * given up when a message is dropped (its input fields would stay counted), or written whole
 * without one of its input fields or with another type for it. The fields are listed (and a new
 * table's columns made) in the input's order, then the enrichment's, where a scan of the lines
 * lists them in the order lines first show them.
 */
class OutputFields implements EnrichmentObserver {
  readonly output = new StringifiedFields();
  exact = true;
  private before: StringifiedFields | undefined;
  /** Members appended to the current message so far. */
  private slot = 0;

  constructor(input: ReadonlyMap<string, FieldState>) {
    mergeFields(this.output.fields, input);
  }

  /** Call when a message is written. */
  next(): void {
    this.slot = 0;
  }

  appended(key: string, value: JsonValue): void {
    if (this.exact && !this.output.observeMember(key, value, this.slot++)) this.exact = false;
  }

  read(message: Message): void {
    if (!this.exact) return;
    this.before = new StringifiedFields();
    if (!this.before.observe(message)) this.exact = false;
  }

  written(message: Message): void {
    if (!this.exact) return;
    const after = new StringifiedFields();
    if (!after.observe(message)) {
      this.exact = false;
      return;
    }
    for (const [field, state] of this.before?.fields ?? []) {
      if (after.fields.get(field)?.type !== state.type) {
        this.exact = false;
        return;
      }
    }
    mergeFields(this.output.fields, after.fields);
  }
}

/** The compiled enrichment of every sensor that has a config, and the tables they read. */
export class SensorEnrichers extends Map<string, SensorEnricher> {
  /** The tables the enrichers read; undefined without any. */
  tables: EnrichmentTables | undefined;
  /** Per sensor: the table rows its adapters read, fetched per batch first when `prefetch` is set. */
  readonly lookupPlans = new Map<string, TableLookupPlan>();
  /** Whether the tables are remote (Redis): a batch then fetches its rows in one round trip first. */
  prefetch = false;
  /** With `prefetch`: the asset inventory and identity reads of a batch, fetched first as well. */
  assetPrefetch: AssetIdentityPrefetch | undefined;

  /** Closes the table store (a Redis connection would otherwise keep the process alive). */
  async close(): Promise<void> {
    const tables = this.tables;
    this.tables = undefined;
    await tables?.store.close();
  }
}

/**
 * Compiles every sensor's enrichment config; throws ConfigError naming the file for a bad one (or
 * the global config for a bad table or known-hosts setting), and a clear error when Redis, if
 * configured, cannot be reached.
 */
export async function buildEnrichers(setup: EnrichSetup): Promise<SensorEnrichers> {
  const enrichers = new SensorEnrichers();
  const sensors = Object.keys(setup.configs);
  if (sensors.length === 0) return enrichers;
  const globalFile = setup.configDir !== undefined ? join(setup.configDir, 'global.json') : 'global.json';
  const backend = tableBackend(setup.global, globalFile);
  const knownHosts = await loadKnownHosts(setup.global, { globalFile, ...(setup.configDir !== undefined ? { baseDir: setup.configDir } : {}) });
  const ip = await loadIpDatabases(setup.global, setup.configDir !== undefined ? { baseDir: setup.configDir } : {});
  // Read-only: the pipeline reads tables, `metron load` writes them; unless a sensor learns identities.
  const readOnly = !learnsIdentities(setup.configs);
  if (backend.backend === 'redis') {
    // reconnectForever: a batch that fails while Redis is away is retried, and goes through once it is back
    enrichers.tables = new EnrichmentTables(
      await openRedisStore({ url: backend.url, readOnly, reconnectForever: true, ...(backend.cacheTtlMs !== undefined ? { cacheTtlMs: backend.cacheTtlMs } : {}) }),
    );
    enrichers.prefetch = true;
  } else if (setup.kvPath !== undefined) {
    // An empty store until `metron load` fills it: lookups miss instead of the config failing.
    if (!lmdbStoreExists(setup.kvPath)) await openLmdbStore({ path: setup.kvPath }).close();
    enrichers.tables = new EnrichmentTables(openLmdbStore({ path: setup.kvPath, readOnly }));
  }
  const tables = enrichers.tables;
  try {
    const functions = defaultRegistry();
    installStellarModules(functions, { globalConfig: () => setup.global, ...(tables ? { enrichment: tables } : {}) });
    installIpServices(functions, { geo: ip.geo, ...(ip.asn ? { asn: ip.asn } : {}) });
    installTriageService(functions);
    const assetIdentity = tables ? assetIdentityDeps(tables.store) : undefined;
    const deps: SensorEnrichmentDeps = { functions, geo: ip.geo, ...(tables ? { tables, ...assetIdentity } : {}), ...(knownHosts ? { knownHosts } : {}) };
    for (const sensor of sensors) {
      const file = `enrichments/${sensor}.json`;
      const enricher = compileSensorEnrichment(sensor, setup.configs[sensor], deps, file);
      enrichers.set(sensor, enricher);
      if (enrichers.prefetch) {
        const plan = planTableLookups(enricher.config, file);
        if (!plan.empty) enrichers.lookupPlans.set(sensor, plan);
      }
    }
    if (enrichers.prefetch && assetIdentity !== undefined) {
      const plan = new AssetIdentityPrefetch(assetIdentity, enrichers);
      if (!plan.empty) enrichers.assetPrefetch = plan;
    }
  } catch (err) {
    await enrichers.close();
    throw err;
  }
  return enrichers;
}

/** Whether a key-value store directory is there to open (for messages about missing tables). */
export function kvStorePresent(path: string): boolean {
  return existsSync(path) && lmdbStoreExists(path);
}

/** Fetches, in one round trip per table and column family, every row the batch's adapters will read. */
async function prefetchRows(enrichers: SensorEnrichers, sensors: readonly string[], messages: ReadonlyArray<Message | undefined>): Promise<void> {
  const tables = enrichers.tables;
  if (tables === undefined || enrichers.lookupPlans.size === 0) return;
  // table → column family → lookups
  const wanted = new Map<string, Map<string, EnrichmentLookup[]>>();
  const sink = (table: string, columnFamily: string, type: string, indicator: string) => {
    let families = wanted.get(table);
    if (families === undefined) wanted.set(table, (families = new Map()));
    let list = families.get(columnFamily);
    if (list === undefined) families.set(columnFamily, (list = []));
    list.push({ type, indicator });
  };
  for (let i = 0; i < messages.length; i++) {
    const message = messages[i];
    if (message !== undefined) enrichers.lookupPlans.get(sensors[i] as string)?.collect(message, sink);
  }
  const fetches: Array<Promise<void>> = [];
  for (const [table, families] of wanted) for (const [columnFamily, lookups] of families) fetches.push(tables.prefetch(table, columnFamily, lookups));
  await Promise.all(fetches);
}

const IS_ALERT = 'is_alert';

/** A message of a sensor without enrichment config: as it is, re-serialized. */
function passThrough(text: string, observer: EnrichmentObserver | undefined): JsonTailEnrichmentResult {
  const message = JSON.parse(text) as Message;
  observer?.read(message);
  observer?.written(message);
  const alert = message[IS_ALERT];
  return { json: JSON.stringify(message), tail: '', alert: alert === true || alert === 'true', errors: [] };
}

/**
 * Enriches a batch. Unreadable messages and enrichment failures are reported per message; a
 * failing table store (Redis unreachable) rejects the whole batch, for the caller to retry.
 */
export async function enrichBatch(enrichers: SensorEnrichers, input: EnrichBatchInput): Promise<EnrichBatchOutput> {
  const values = Buffer.from(input.values.buffer, input.values.byteOffset, input.values.byteLength);
  // Enriched messages grow by their enrichment fields.
  const output = new JsonOutput(values.length * 1.5);
  const inputs: number[] = [];
  const alerts: number[] = [];
  const errors: EnrichBatchError[] = [];
  const messages: Array<Message | undefined> = new Array(input.lengths.length);
  const texts: string[] = enrichers.prefetch ? new Array(input.lengths.length) : [];
  // table reads remembered for the batch (and misses while the store has no new writes)
  for (const enricher of enrichers.values()) enricher.beginBatch();
  // Where the batch is valid UTF-8, a message the enrichment only appended to is written as its
  // input bytes plus the new members (each message's text is then exactly its bytes decoded).
  const bytesAreText = isUtf8(values);
  // The output's fields, worked out where the input's are given.
  const fields = input.fields === undefined ? undefined : new OutputFields(input.fields);
  const write = (result: JsonTailEnrichmentResult, raw: Buffer, text: string, i: number): void => {
    fields?.next();
    for (const e of result.errors) errors.push({ record: i, reason: e.message, errorType: e.errorType, fatal: e.fatal });
    if (result.json === null) {
      if (fields !== undefined) fields.exact = false;
      return;
    }
    if (result.json !== undefined) output.push(result.json);
    else if (bytesAreText) output.pushWithTail(raw, result.tail);
    else output.push(result.tail === '' ? text : `${text.slice(0, -1)}${result.tail}}`);
    inputs.push(i);
    alerts.push(result.alert ? 1 : 0);
  };
  let pos = 0;
  for (let i = 0; i < input.lengths.length; i++) {
    const len = input.lengths[i] as number;
    const raw = values.subarray(pos, pos + len);
    pos += len;
    if (!enrichers.prefetch) {
      // Tables at hand (LMDB): each message straight from its text (enrichJson builds no object for most).
      try {
        const enricher = enrichers.get(input.sensors[i] as string);
        const text = raw.toString('utf8');
        write(enricher !== undefined ? enricher.enrichJsonTail(text, fields) : passThrough(text, fields), raw, text, i);
      } catch (err) {
        if (!(err instanceof SyntaxError)) throw err;
        errors.push({ record: i, reason: `unreadable message: ${err.message}`, errorType: 'enrichment_error', fatal: true });
        if (fields !== undefined) fields.exact = false;
      }
      continue;
    }
    // Remote tables: the batch's messages are read first, to fetch every row they need in one round trip.
    const text = raw.toString('utf8');
    texts[i] = text;
    try {
      messages[i] = JSON.parse(text) as Message;
    } catch (err) {
      errors.push({ record: i, reason: `unreadable message: ${(err as Error).message}`, errorType: 'enrichment_error', fatal: true });
      if (fields !== undefined) fields.exact = false;
    }
  }
  if (enrichers.prefetch) {
    await Promise.all([prefetchRows(enrichers, input.sensors, messages), enrichers.assetPrefetch?.prefetch(input.sensors, messages)]);
    // then each message from its text, as with local tables (the parsed objects served the prefetch only)
    pos = 0;
    for (let i = 0; i < messages.length; i++) {
      const len = input.lengths[i] as number;
      const raw = values.subarray(pos, pos + len);
      pos += len;
      if (messages[i] === undefined) continue;
      const enricher = enrichers.get(input.sensors[i] as string);
      const text = texts[i] as string;
      write(enricher !== undefined ? enricher.enrichJsonTail(text, fields) : passThrough(text, fields), raw, text, i);
    }
  }
  for (const enricher of enrichers.values()) enricher.endBatch();
  // errors in input order, as the messages they belong to
  errors.sort((a, b) => a.record - b.record);
  const { messages: out, lengths } = output.finish();
  const result: EnrichBatchOutput = {
    messages: out,
    lengths,
    inputs: Uint32Array.from(inputs),
    alerts: Uint8Array.from(alerts),
    errors,
  };
  if (fields?.exact === true && lengths.length > 0) result.fields = fields.output.fields;
  return result;
}
