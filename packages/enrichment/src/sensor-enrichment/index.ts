export { compileSensorEnrichment, compileNormalizedSensorEnrichment, IS_ALERT, THREAT_TRIAGE_SCORE, type SensorEnricher } from './sensor-enricher.js';
export {
  ENRICHMENT_ADAPTERS,
  THREAT_INTEL_ADAPTERS,
  dedupeRules,
  emptySensorEnrichmentConfig,
  normalizeSensorEnrichmentConfig,
  planSection,
  sensorEnrichmentConfigJson,
  type EnrichmentSettings,
  type ListAdapterConfig,
  type NormalizedSensorEnrichmentConfig,
  type RiskLevelRuleConfig,
  type SectionName,
  type SectionPlan,
  type StellarGroupConfig,
  type StellarStatement,
  type ThreatIntelSettings,
  type ThreatTriageSettings,
} from './config.js';
export { parseKnownHosts, type KnownHosts } from './known-hosts.js';
export { planTableLookups, type TableLookupPlan, type TableLookupSink } from './table-lookups.js';
export {
  DEFAULT_ENRICHMENT_TABLE,
  DEFAULT_THREAT_INTEL_TABLE,
  type EnrichmentBatchResult,
  type EnrichmentError,
  type EnrichmentErrorType,
  type EnrichmentResult,
  type EnrichmentTableReader,
  type GeoLookup,
  type JsonEnrichmentResult,
  type JsonTailEnrichmentResult,
  type EnrichmentObserver,
  type SensorEnrichmentDeps,
  type TableLocation,
} from './types.js';
export { jacksonPrettyJson } from './jackson-json.js';
