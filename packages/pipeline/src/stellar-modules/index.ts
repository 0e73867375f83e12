/**
 * The services other modules give Stellar's module-backed functions (GROK_*, KAFKA_*,
 * ENRICHMENT_*), and one call that installs them in a registry: used by the REPL and by the
 * pipeline's Stellar contexts.
 */
import type { EnrichmentService, FunctionRegistry } from '@metron/stellar';
import { createGrokStellarService } from '@metron/parsers';
import type { EnrichmentTables } from '@metron/storage';
import { createEnrichmentStellarService } from './enrichment-service.js';
import { createKafkaStellarService } from './kafka-service.js';

export { createKafkaStellarService, KAFKA_FUNCTION_DEFAULTS, type KafkaStellarServiceOptions } from './kafka-service.js';
export { createEnrichmentStellarService, unavailableEnrichmentService } from './enrichment-service.js';
export { stellarValueOfJson } from './json-values.js';

export interface StellarModulesOptions {
  /** The global config, read at each KAFKA_* call; empty when omitted. */
  globalConfig?: () => Readonly<Record<string, unknown>>;
  /** Enrichment tables (or a ready service); ENRICHMENT_* stay uninstalled without. */
  enrichment?: EnrichmentTables | EnrichmentService;
}

/** Installs 'grok', 'kafka' and (when given) 'enrichment' in `registry`. */
export function installStellarModules(registry: FunctionRegistry, options: StellarModulesOptions = {}): void {
  registry.installService('grok', createGrokStellarService());
  registry.installService('kafka', createKafkaStellarService({ globalConfig: options.globalConfig ?? (() => ({})) }));
  if (options.enrichment !== undefined) {
    const service = 'getText' in options.enrichment ? createEnrichmentStellarService(options.enrichment) : options.enrichment;
    registry.installService('enrichment', service);
  }
}
