/**
 * The enrich step on a batch of messages (the `enrichments` topic), shared by the inline path and
 * the worker threads: Metron's enrichment, threat intel and threat triage per the sensor's
 * enrichment config (@metron/enrichment), with GeoIP from the global config's database and the
 * enrichment / threat-intel tables of the key-value store (LMDB under the data directory).
 * Output travels like the parse step's: one buffer of JSON messages plus their byte lengths.
 */
import { existsSync } from 'node:fs';
import type { Message } from '@metron/core';
import { compileSensorEnrichment, installIpServices, installTriageService, loadIpDatabases, type SensorEnricher, type SensorEnrichmentDeps } from '@metron/enrichment';
import { defaultRegistry } from '@metron/stellar';
import { EnrichmentTables, lmdbStoreExists, openLmdbStore } from '@metron/storage';
import { installStellarModules } from './stellar-modules/index.js';

export interface EnrichSetup {
  /** Sensor → its enrichment config (the parsed `enrichments/<sensor>.json`). */
  configs: Record<string, unknown>;
  global: Record<string, unknown>;
  /** The LMDB key-value store of the enrichment and threat-intel tables; absent: no tables. */
  kvPath?: string;
  /** Directory relative database paths of the global config resolve against. */
  configDir?: string;
}

export interface EnrichBatchInput {
  /** The sensor of each message. */
  sensors: string[];
  /** All messages' JSON back to back, with each one's byte length. */
  values: Uint8Array;
  lengths: Uint32Array;
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
}

export type SensorEnrichers = Map<string, SensorEnricher>;

/** Compiles every sensor's enrichment config; throws ConfigError naming the file for a bad one. */
export async function buildEnrichers(setup: EnrichSetup): Promise<SensorEnrichers> {
  const enrichers: SensorEnrichers = new Map();
  const sensors = Object.keys(setup.configs);
  if (sensors.length === 0) return enrichers;
  const ip = await loadIpDatabases(setup.global, setup.configDir !== undefined ? { baseDir: setup.configDir } : {});
  let tables: EnrichmentTables | undefined;
  if (setup.kvPath !== undefined) {
    // An empty store until `metron load` fills it: lookups miss instead of the config failing.
    if (!lmdbStoreExists(setup.kvPath)) await openLmdbStore({ path: setup.kvPath }).close();
    tables = new EnrichmentTables(openLmdbStore({ path: setup.kvPath, readOnly: true }));
  }
  const functions = defaultRegistry();
  installStellarModules(functions, { globalConfig: () => setup.global, ...(tables ? { enrichment: tables } : {}) });
  installIpServices(functions, { geo: ip.geo, ...(ip.asn ? { asn: ip.asn } : {}) });
  installTriageService(functions);
  const deps: SensorEnrichmentDeps = { functions, geo: ip.geo, ...(tables ? { tables } : {}) };
  for (const sensor of sensors) {
    enrichers.set(sensor, compileSensorEnrichment(sensor, setup.configs[sensor], deps, `enrichments/${sensor}.json`));
  }
  return enrichers;
}

/** Whether a key-value store directory is there to open (for messages about missing tables). */
export function kvStorePresent(path: string): boolean {
  return existsSync(path) && lmdbStoreExists(path);
}

const IS_ALERT = 'is_alert';

export function enrichBatch(enrichers: SensorEnrichers, input: EnrichBatchInput): EnrichBatchOutput {
  const values = Buffer.from(input.values.buffer, input.values.byteOffset, input.values.byteLength);
  const json: string[] = [];
  const inputs: number[] = [];
  const alerts: number[] = [];
  const errors: EnrichBatchError[] = [];
  let pos = 0;
  for (let i = 0; i < input.lengths.length; i++) {
    const len = input.lengths[i] as number;
    const raw = values.subarray(pos, pos + len);
    pos += len;
    const enricher = enrichers.get(input.sensors[i] as string);
    let message: Message;
    try {
      message = JSON.parse(raw.toString('utf8')) as Message;
    } catch (err) {
      errors.push({ record: i, reason: `unreadable message: ${(err as Error).message}`, errorType: 'enrichment_error', fatal: true });
      continue;
    }
    let out: Message | null = message;
    if (enricher !== undefined) {
      const result = enricher.enrich(message);
      for (const e of result.errors) errors.push({ record: i, reason: e.message, errorType: e.errorType, fatal: e.fatal });
      out = result.message;
    }
    if (out === null) continue;
    json.push(JSON.stringify(out));
    inputs.push(i);
    const alert = out[IS_ALERT];
    alerts.push(alert === true || alert === 'true' ? 1 : 0);
  }
  const lengths = new Uint32Array(json.length);
  let total = 0;
  for (let i = 0; i < json.length; i++) {
    const n = Buffer.byteLength(json[i] as string, 'utf8');
    lengths[i] = n;
    total += n;
  }
  const buf = Buffer.allocUnsafe(total);
  let at = 0;
  for (const s of json) at += buf.write(s, at, 'utf8');
  return {
    messages: new Uint8Array(buf.buffer, buf.byteOffset, total),
    lengths,
    inputs: Uint32Array.from(inputs),
    alerts: Uint8Array.from(alerts),
    errors,
  };
}
