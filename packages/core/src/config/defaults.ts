/**
 * Metron's defaults for settings a config may leave out. Parsed configs keep exactly what the
 * file says (so they can be written back unchanged); these functions give the values in
 * effect, as Metron computed them (ParserTopologyBuilder, SensorParserConfig,
 * IndexingConfigurations, ThreatTriageConfig).
 */
import type { SensorEnrichmentConfig } from './enrichment.js';
import type { GlobalConfig } from './global.js';
import type { IndexingWriterConfig, SensorIndexingConfig } from './indexing.js';
import type { ConfigSet } from './kinds.js';
import type { SensorParserConfig } from './parser.js';

export const METRON_DEFAULTS = {
  /** Topic parsed messages go to. */
  outputTopic: 'enrichments',
  /**
   * Topic parser errors go to when neither the sensor's `errorTopic` nor the global
   * `parser.error.topic` is set: Metron's shipped global.json and its parser docs say `indexing`,
   * so errors are indexed like any sensor (as sensor type `error`).
   */
  parserErrorTopic: 'indexing',
  /** Indexing writer defaults; the index name defaults to the sensor name. */
  batchSize: 1,
  batchTimeout: 0,
  enabled: true,
  /** Threat triage score aggregation. */
  aggregator: 'MAX',
} as const;

/** Topics a sensor's parser reads and writes. */
export function parserTopics(sensor: string, parser: SensorParserConfig | undefined, global: GlobalConfig = {}) {
  return {
    sensorTopic: parser?.sensorTopic ?? sensor,
    outputTopic: parser?.outputTopic ?? METRON_DEFAULTS.outputTopic,
    errorTopic: parser?.errorTopic ?? global['parser.error.topic'] ?? METRON_DEFAULTS.parserErrorTopic,
  };
}
export type ParserTopics = ReturnType<typeof parserTopics>;

/** Whether metadata is read and merged: explicit values, else the raw message strategy's default. */
export function parserMetadataFlags(parser: SensorParserConfig) {
  const envelope = parser.rawMessageStrategy === 'ENVELOPE';
  return {
    rawMessageStrategy: parser.rawMessageStrategy ?? 'DEFAULT',
    readMetadata: parser.readMetadata ?? envelope,
    mergeMetadata: parser.mergeMetadata ?? envelope,
  };
}
export type ParserMetadataFlags = ReturnType<typeof parserMetadataFlags>;

/**
 * One writer's settings for a sensor, with Metron's defaults: a sensor without an indexing
 * config (or without this writer in it) is indexed, one message per write, into an index
 * named after the sensor. Unknown settings are passed through.
 */
export function indexingWriterSettings(sensor: string, writer: string, indexing: SensorIndexingConfig | undefined) {
  const present = indexing !== undefined && Object.hasOwn(indexing, writer);
  const configured: IndexingWriterConfig = (present ? indexing[writer] : undefined) ?? {};
  return {
    ...configured,
    index: configured.index ?? sensor,
    batchSize: configured.batchSize ?? METRON_DEFAULTS.batchSize,
    batchTimeout: configured.batchTimeout ?? METRON_DEFAULTS.batchTimeout,
    enabled: configured.enabled ?? METRON_DEFAULTS.enabled,
    /** True when the sensor's config did not mention this writer at all (Metron's isDefault). */
    isDefault: !present,
  };
}
export type IndexingWriterSettings = ReturnType<typeof indexingWriterSettings>;

/** The same, looked up in a ConfigSet. */
export function sensorIndexingSettings(set: ConfigSet, sensor: string, writer: string): IndexingWriterSettings {
  const indexing = Object.hasOwn(set.indexing, sensor) ? set.indexing[sensor] : undefined;
  return indexingWriterSettings(sensor, writer, indexing);
}

/**
 * Threat triage as Metron ran it: rules with the same `rule` text after the first are
 * dropped (ThreatTriageConfig did so), the aggregator defaults to MAX.
 */
export function triageSettings(enrichment: SensorEnrichmentConfig | undefined) {
  const triage = enrichment?.threatIntel?.triageConfig;
  const seen = new Set<string>();
  const riskLevelRules = (triage?.riskLevelRules ?? []).filter((r) => !seen.has(r.rule) && seen.add(r.rule));
  return {
    riskLevelRules,
    aggregator: triage?.aggregator ?? METRON_DEFAULTS.aggregator,
    aggregationConfig: triage?.aggregationConfig ?? {},
  };
}
export type TriageSettings = ReturnType<typeof triageSettings>;
