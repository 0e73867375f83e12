/**
 * Opens the search index a deployment's global config asks for (`index.backend`): the DuckDB
 * file, or OpenSearch. One call for every process that indexes or searches (`metron start`, the
 * index worker, the scale-out server), so they choose the backend the same way.
 */
import type { SearchStore } from '../types.js';
import { openAlertStore, openAlertStoreOn, type AlertStore, type AlertStoreOptions } from '../duckdb/alerts/alert-store.js';
import type { DuckDbSearchStore } from '../duckdb/store.js';
import { indexBackend } from './config.js';
import { openOpenSearchStoreFromConfig } from './store.js';

/** The opened index: the store, its alert layer, and a line saying what it is (no credentials). */
export interface SearchIndex {
  backend: 'duckdb' | 'opensearch';
  store: SearchStore & { deleteBefore(sensor: string, cutoffMs: number): Promise<number> };
  /** The alert layer (updates, audit trail, meta-alerts) over this store. */
  alerts(options?: AlertStoreOptions): AlertStore;
  description: string;
  close(): Promise<void>;
}

export interface SearchIndexOptions {
  /** Opens the DuckDB store when the config chooses it (the caller knows its path and settings). */
  openDuckDb: () => Promise<DuckDbSearchStore>;
  /** Told of documents OpenSearch refused (recorded in the error index); for metrics. */
  onDropped?: (sensor: string, count: number) => void;
  /** Wait for the cluster and install the index template before answering (default true). */
  connect?: boolean;
}

/** Opens the configured search index; refuses a bad config with its path. */
export async function openSearchIndex(global: Record<string, unknown>, file: string, options: SearchIndexOptions): Promise<SearchIndex> {
  if (indexBackend(global, file) === 'opensearch') {
    const store = openOpenSearchStoreFromConfig(global, file, options.onDropped !== undefined ? { onDropped: options.onDropped } : {});
    if (options.connect !== false) {
      try {
        await store.ensureTemplate();
      } catch (err) {
        await store.close();
        throw err;
      }
    }
    return {
      backend: 'opensearch',
      store,
      alerts: (alertOptions) => openAlertStoreOn(store.alertBackend(), alertOptions),
      description: `OpenSearch at ${store.urls.join(', ')} (one index per sensor and hour)`,
      close: () => store.close(),
    };
  }
  const store = await options.openDuckDb();
  return {
    backend: 'duckdb',
    store,
    alerts: (alertOptions) => openAlertStore(store, alertOptions),
    description: `DuckDB ${store.path}`,
    close: () => store.close(),
  };
}
