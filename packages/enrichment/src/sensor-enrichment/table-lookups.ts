/**
 * The table lookups a sensor's `hbaseEnrichment` and `hbaseThreatIntel` adapters will make for a
 * message, known before it is enriched, so that a batch can fetch them from a remote table store
 * (Redis) in one round trip first; the adapters' synchronous reads are then answered locally.
 *
 * The fields, types and column families resolve as the adapters resolve them (adapters.ts): a
 * field's types from `fieldToTypeMap` (its whole name, else its last dotted segment), a type's
 * column family from `config.typeToColumnFamily`, else the table's; the indicator is the field's
 * value as lookup text. Stellar's ENRICHMENT_GET / ENRICHMENT_EXISTS calls in the config (its
 * stellar adapters and triage rules) are listed too when their type, table and column family are
 * text literals and the indicator is a message field (or a literal). Other lookups, such as those
 * on fields the enrichment stage itself adds, are not listed: they still work, by a blocking read.
 */
import type { Message } from '@metron/core';
import { DEFAULT_LIMITS, parse } from '@metron/stellar';
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
  /** How the field's value becomes the indicator: as the adapters coerce it, or as ENRICHMENT_GET does. */
  readonly text: (value: unknown) => string | undefined;
}

/** A lookup of a Stellar call whose every argument is a literal: the same row for every message. */
type FixedLookup = readonly [table: string, columnFamily: string, type: string, indicator: string];

const STELLAR_LOOKUPS = new Set(['ENRICHMENT_GET', 'ENRICHMENT_EXISTS']);

/** ENRICHMENT_GET's indicator text (String.valueOf of a number or a string); undefined for other values. */
function stellarIndicator(value: unknown): string | undefined {
  return typeof value === 'string' ? value : typeof value === 'number' ? String(value) : undefined;
}

/** A string literal node's text, else undefined. */
function literalText(node: unknown): string | undefined {
  const n = node as { type?: unknown; value?: unknown };
  return n?.type === 'literal' && typeof n.value === 'string' ? n.value : undefined;
}

/**
 * The ENRICHMENT_GET / ENRICHMENT_EXISTS calls of an expression with literal type, table and column
 * family: each with its indicator, a message field (variable) or a literal. An expression that does
 * not parse gives none (its compile reports it).
 */
function stellarLookups(expression: string): Array<{ table: string; columnFamily: string; type: string; field?: string; indicator?: string }> {
  let tree: unknown;
  try {
    tree = parse(expression, DEFAULT_LIMITS);
  } catch {
    return [];
  }
  const found: Array<{ table: string; columnFamily: string; type: string; field?: string; indicator?: string }> = [];
  const visit = (node: unknown): void => {
    if (typeof node !== 'object' || node === null) return;
    if (Array.isArray(node)) {
      for (const child of node) visit(child);
      return;
    }
    const n = node as { type?: unknown; name?: unknown; args?: unknown };
    if (n.type === 'literal') return;
    if (n.type === 'call' && typeof n.name === 'string' && STELLAR_LOOKUPS.has(n.name) && Array.isArray(n.args) && n.args.length === 4) {
      const [typeArg, indicatorArg, tableArg, cfArg] = n.args as unknown[];
      const type = literalText(typeArg);
      const table = literalText(tableArg);
      const columnFamily = literalText(cfArg);
      if (type !== undefined && table !== undefined && columnFamily !== undefined) {
        const variable = indicatorArg as { type?: unknown; name?: unknown };
        if (variable?.type === 'variable' && typeof variable.name === 'string') found.push({ table, columnFamily, type, field: variable.name });
        else {
          const indicator = literalText(indicatorArg);
          if (indicator !== undefined) found.push({ table, columnFamily, type, indicator });
        }
      }
    }
    for (const child of Object.values(node)) visit(child);
  };
  visit(tree);
  return found;
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
  const fixed: FixedLookup[] = [];
  const expressions: string[] = [];
  const sections = [
    { name: 'enrichment', section: config.enrichment, adapter: 'hbaseEnrichment', table: locations.enrichmentTable ?? DEFAULT_ENRICHMENT_TABLE },
    { name: 'threatIntel', section: config.threatIntel, adapter: 'hbaseThreatIntel', table: locations.threatIntelTable ?? DEFAULT_THREAT_INTEL_TABLE },
  ] as const;
  for (const { name, section, adapter, table } of sections) {
    const plan = planSection(section, name, file);
    for (const list of plan.lists) {
      if (list.adapter !== adapter) continue;
      for (const field of list.fields) {
        const types = fieldTypes(field, section.fieldToTypeMap).map((type) => [type, typeColumnFamily(type, section, table)] as const);
        if (types.length > 0) fields.push({ field, table: table.table, types, text: lookupText });
      }
    }
    for (const group of plan.stellar) for (const statement of group.statements) expressions.push(statement.expression);
  }
  for (const rule of config.threatIntel.triageConfig.riskLevelRules) expressions.push(rule.rule, rule.score, ...(rule.reason !== undefined ? [rule.reason] : []));
  for (const expression of expressions) {
    for (const lookup of stellarLookups(expression)) {
      if (lookup.field !== undefined) fields.push({ field: lookup.field, table: lookup.table, types: [[lookup.type, lookup.columnFamily]], text: stellarIndicator });
      else fixed.push([lookup.table, lookup.columnFamily, lookup.type, lookup.indicator!]);
    }
  }
  return {
    empty: fields.length === 0 && fixed.length === 0,
    collect(message, sink) {
      for (const { field, table, types, text } of fields) {
        const value = message[field];
        if (value === null || value === undefined) continue;
        const indicator = text(value);
        if (indicator === undefined) continue;
        for (const [type, columnFamily] of types) sink(table, columnFamily, type, indicator);
      }
      for (const [table, columnFamily, type, indicator] of fixed) sink(table, columnFamily, type, indicator);
    },
  };
}
