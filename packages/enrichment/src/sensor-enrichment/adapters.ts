/**
 * The field-list adapters of Metron's enrichment topology, by their fieldMap names, each writing
 * the keys Metron writes (EnrichmentUtils / ThreatIntelUtils: `<stage prefix>.<adapter>.<field>.`):
 * - geo (GeoAdapter): `enrichments.geo.<field>.<locID|country|city|postalCode|dmaCode|latitude|longitude|location_point>`
 * - host (HostFromJSONListAdapter): `enrichments.host.<field>.known_info.<key>`
 * - hbaseEnrichment (SimpleHBaseAdapter): `enrichments.hbaseEnrichment.<field>.<type>.<key>` for each
 *   key of the (type, value) row of each type `fieldToTypeMap` gives the field
 * - hbaseThreatIntel (ThreatIntelAdapter): `threatintels.hbaseThreatIntel.<field>.<type>` = "alert"
 *   when the (type, value) row exists
 * A field whose value is null or absent is skipped (Metron makes no task of it). Key strings that
 * do not depend on the data are built once, here.
 */
import type { JsonValue, Message } from '@metron/core';
import { GEO_FIELDS, type GeoRecord } from '../geo/geo-database.js';
import type { ListAdapterConfig, EnrichmentSettings } from './config.js';
import { lookupText } from './java-values.js';
import type { KnownHosts } from './known-hosts.js';
import type { EnrichmentErrorType, EnrichmentTableReader, ErrorSink, GeoLookup, OutputBuffer, TableLocation } from './types.js';

/** One adapter of a stage, compiled. */
export interface StageStep {
  /** Adds its outputs for `message` to `out`; true when it had work to do (a Metron task). */
  run(message: Message, out: OutputBuffer, errors: ErrorSink): boolean;
  /**
   * Set by steps that read only these message fields, keep no state and write only keys under
   * `enrichments.` or `threatintels.`, each key once per message: such steps can run on a message's
   * JSON text (sensor-enricher's enrichJson). Absent: the step needs the whole message.
   */
  readonly fieldReads?: { readonly fields: readonly string[]; readonly adapter: string };
}

function hasValue(v: unknown): boolean {
  return v !== null && v !== undefined;
}

export function geoStep(adapter: ListAdapterConfig, geo: GeoLookup): StageStep {
  const fields = adapter.fields;
  const keys = fields.map((f) => GEO_FIELDS.map((g) => `enrichments.geo.${f}.${g}`));
  // per field, each record's outputs rendered once (records are shared across lookups of their network)
  const rendered = fields.map(() => new WeakMap<GeoRecord, RenderedGeo>());
  return {
    fieldReads: { fields, adapter: 'geo' },
    run(message, out) {
      let ran = false;
      for (let i = 0; i < fields.length; i++) {
        const value = message[fields[i]!];
        if (!hasValue(value)) continue;
        ran = true;
        const ip = lookupText(value);
        const record = ip === undefined ? null : geo.lookup(ip);
        if (record === null) continue;
        const fieldKeys = keys[i]!;
        let outputs = rendered[i]!.get(record);
        if (outputs === undefined) {
          outputs = renderGeo(fieldKeys, record);
          rendered[i]!.set(record, outputs);
        }
        out.pushAll(fieldKeys, outputs.values, outputs.text);
      }
      return ran;
    },
  };
}

/** A geo record's outputs for one field: values in GEO_FIELDS order, and their JSON text (OutputBuffer.texts). */
interface RenderedGeo {
  readonly values: readonly string[];
  readonly text: string;
}

function renderGeo(keys: readonly string[], record: GeoRecord): RenderedGeo {
  const values = GEO_FIELDS.map((g) => record[g]);
  let text = '';
  for (let j = 0; j < values.length; j++) if (values[j] !== '') text += `,${JSON.stringify(keys[j])}:${JSON.stringify(values[j])}`;
  return { values, text };
}

export function hostStep(adapter: ListAdapterConfig, knownHosts: KnownHosts): StageStep {
  const fields = adapter.fields;
  const prefixes = fields.map((f) => `enrichments.host.${f}.`);
  return {
    fieldReads: { fields, adapter: 'host' },
    run(message, out) {
      let ran = false;
      for (let i = 0; i < fields.length; i++) {
        const value = message[fields[i]!];
        if (!hasValue(value)) continue;
        ran = true;
        const host = lookupText(value);
        const known = host === undefined ? undefined : knownHosts.get(host);
        if (known === undefined) continue;
        const prefix = prefixes[i]!;
        for (const [key, detail] of known) out.push(prefix + key, detail as JsonValue);
      }
      return ran;
    },
  };
}

interface TypeLookup {
  readonly type: string;
  readonly columnFamily: string;
  /** The output key (threat intel) or key prefix (enrichment). */
  readonly key: string;
}

/**
 * The enrichment types of a field. Metron looks the field up by its last dotted segment only
 * (EnrichmentUtils.toTopLevelField), so a dotted field name never matched its own entry; the
 * whole name is tried first here, then Metron's segment.
 */
function typesOf(field: string, fieldToTypeMap: Readonly<Record<string, string[]>>): readonly string[] {
  if (Object.hasOwn(fieldToTypeMap, field)) return fieldToTypeMap[field]!;
  const last = field.slice(field.lastIndexOf('.') + 1);
  return Object.hasOwn(fieldToTypeMap, last) ? fieldToTypeMap[last]! : [];
}

/** The column family of a type: `config.typeToColumnFamily[type]`, else the table's default. */
function columnFamilyOf(type: string, section: EnrichmentSettings, table: TableLocation): string {
  const map = section.config['typeToColumnFamily'];
  if (typeof map === 'object' && map !== null && Object.hasOwn(map, type)) {
    const cf = (map as Record<string, unknown>)[type];
    if (cf !== null && cf !== undefined) return String(cf);
  }
  return table.columnFamily;
}

function typeLookups(adapter: ListAdapterConfig, section: EnrichmentSettings, table: TableLocation, keyOf: (field: string, type: string) => string): TypeLookup[][] {
  return adapter.fields.map((field) =>
    typesOf(field, section.fieldToTypeMap).map((type) => ({ type, columnFamily: columnFamilyOf(type, section, table), key: keyOf(field, type) })),
  );
}

export function hbaseEnrichmentStep(adapter: ListAdapterConfig, section: EnrichmentSettings, tables: EnrichmentTableReader, table: TableLocation, errorType: EnrichmentErrorType): StageStep {
  const fields = adapter.fields;
  const lookups = typeLookups(adapter, section, table, (field, type) => `enrichments.hbaseEnrichment.${field}.${type}.`);
  return {
    fieldReads: { fields, adapter: 'hbaseEnrichment' },
    run(message, out, errors) {
      let ran = false;
      for (let i = 0; i < fields.length; i++) {
        const value = message[fields[i]!];
        if (!hasValue(value)) continue;
        ran = true;
        const indicator = lookupText(value);
        if (indicator === undefined) continue;
        for (const { type, columnFamily, key } of lookups[i]!) {
          const text = tables.getText(table.table, columnFamily, type, indicator);
          if (text === undefined) continue;
          let row: unknown;
          try {
            row = JSON.parse(text);
          } catch (err) {
            errors.add({
              errorType,
              message: `ENRICHMENT error with hbaseEnrichment failed: the ${type} row of '${indicator}' in table ${table.table}:${columnFamily} is not JSON: ${err instanceof Error ? err.message : String(err)}`,
              adapter: 'hbaseEnrichment',
              jsonPath: adapter.jsonPath,
              rawMessage: { [`enrichments.hbaseEnrichment.${fields[i]!}`]: value, 'source.type': message['source.type'] ?? null },
              fatal: false,
            });
            continue;
          }
          if (typeof row !== 'object' || row === null || Array.isArray(row)) continue;
          for (const k of Object.keys(row)) out.push(key + k, (row as Record<string, JsonValue>)[k]!);
        }
      }
      return ran;
    },
  };
}

export function hbaseThreatIntelStep(adapter: ListAdapterConfig, section: EnrichmentSettings, tables: EnrichmentTableReader, table: TableLocation): StageStep {
  const fields = adapter.fields;
  const lookups = typeLookups(adapter, section, table, (field, type) => `threatintels.hbaseThreatIntel.${field}.${type}`);
  return {
    fieldReads: { fields, adapter: 'hbaseThreatIntel' },
    run(message, out) {
      let ran = false;
      for (let i = 0; i < fields.length; i++) {
        const value = message[fields[i]!];
        if (!hasValue(value)) continue;
        ran = true;
        const indicator = lookupText(value);
        if (indicator === undefined) continue;
        for (const { type, columnFamily, key } of lookups[i]!) {
          if (tables.exists(table.table, columnFamily, type, indicator)) out.push(key, 'alert');
        }
      }
      return ran;
    },
  };
}
