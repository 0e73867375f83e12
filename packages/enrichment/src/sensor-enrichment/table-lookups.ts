/**
 * The table lookups a sensor's `hbaseEnrichment` and `hbaseThreatIntel` adapters will make for a
 * message, known before it is enriched, so that a batch can fetch them from a remote table store
 * (Redis) in one round trip first; the adapters' synchronous reads are then answered locally.
 *
 * The fields, types and column families resolve as the adapters resolve them (adapters.ts): a
 * field's types from `fieldToTypeMap` (its whole name, else its last dotted segment), a type's
 * column family from `config.typeToColumnFamily`, else the table's; the indicator is the field's
 * value as lookup text. Lookups on fields that the enrichment stage itself adds, and Stellar's
 * ENRICHMENT_GET / ENRICHMENT_EXISTS, are not listed: they still work, by a blocking read.
 */
import type { Message } from '@metron/core';
import { planSection, type EnrichmentSettings, type NormalizedSensorEnrichmentConfig } from './config.js';
import { lookupText } from './java-values.js';
import { DEFAULT_ENRICHMENT_TABLE, DEFAULT_THREAT_INTEL_TABLE, type TableLocation } from './types.js';

/** Receives one lookup: the table, its column family, the enrichment type and the indicator. */
export type TableLookupSink = (table: string, columnFamily: string, type: string, indicator: string) => void;

/** The table lookups of one sensor's enrichment config. */
export interface TableLookupPlan {
  /** True when no adapter of the config reads the tables. */
  readonly empty: boolean;
  /** Gives `sink` every lookup the table adapters will make for `message` (as it is before enrichment). */
  collect(message: Message, sink: TableLookupSink): void;
}

interface FieldLookups {
  readonly field: string;
  readonly table: string;
  /** The (type, column family) pairs the field is looked up as. */
  readonly types: ReadonlyArray<readonly [type: string, columnFamily: string]>;
}

/** A field's enrichment types: its whole name in fieldToTypeMap, else its last dotted segment (Metron). */
function fieldTypes(field: string, fieldToTypeMap: Readonly<Record<string, string[]>>): readonly string[] {
  if (Object.hasOwn(fieldToTypeMap, field)) return fieldToTypeMap[field]!;
  const segment = field.slice(field.lastIndexOf('.') + 1);
  return Object.hasOwn(fieldToTypeMap, segment) ? fieldToTypeMap[segment]! : [];
}

/** A type's column family: the section's `typeToColumnFamily` entry, else the table's default. */
function typeColumnFamily(type: string, section: EnrichmentSettings, table: TableLocation): string {
  const map = section.config['typeToColumnFamily'];
  if (typeof map === 'object' && map !== null && Object.hasOwn(map, type)) {
    const cf = (map as Record<string, unknown>)[type];
    if (cf !== null && cf !== undefined) return String(cf);
  }
  return table.columnFamily;
}

/**
 * Plans the table lookups of a normalized sensor enrichment config. `file` names the config in
 * errors (the config is checked as compileSensorEnrichment checks it); the table locations are
 * those given to the enrichment engine (Metron's defaults otherwise).
 */
export function planTableLookups(
  config: NormalizedSensorEnrichmentConfig,
  file: string,
  locations: { enrichmentTable?: TableLocation; threatIntelTable?: TableLocation } = {},
): TableLookupPlan {
  const fields: FieldLookups[] = [];
  const sections = [
    { name: 'enrichment', section: config.enrichment, adapter: 'hbaseEnrichment', table: locations.enrichmentTable ?? DEFAULT_ENRICHMENT_TABLE },
    { name: 'threatIntel', section: config.threatIntel, adapter: 'hbaseThreatIntel', table: locations.threatIntelTable ?? DEFAULT_THREAT_INTEL_TABLE },
  ] as const;
  for (const { name, section, adapter, table } of sections) {
    for (const list of planSection(section, name, file).lists) {
      if (list.adapter !== adapter) continue;
      for (const field of list.fields) {
        const types = fieldTypes(field, section.fieldToTypeMap).map((type) => [type, typeColumnFamily(type, section, table)] as const);
        if (types.length > 0) fields.push({ field, table: table.table, types });
      }
    }
  }
  return {
    empty: fields.length === 0,
    collect(message, sink) {
      for (const { field, table, types } of fields) {
        const value = message[field];
        if (value === null || value === undefined) continue;
        const indicator = lookupText(value);
        if (indicator === undefined) continue;
        for (const [type, columnFamily] of types) sink(table, columnFamily, type, indicator);
      }
    },
  };
}
