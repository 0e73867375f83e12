export { renderQueryDsl, type QueryDsl } from './query-dsl.js';
export {
  openOpenSearchStore, openOpenSearchStoreFromConfig, adaptToMapping, type OpenSearchSearchStore, type OpenSearchStoreOptions,
} from './store.js';
export { indexBackend, openSearchSettings, redactUrl, INDEX_BACKEND_KEY, DEFAULT_DATE_FORMAT, type OpenSearchSettings } from './config.js';
export { indexName, indexNamePattern, indexTemplate, formatIndexDate, TEMPLATE_NAME, IP_FIELDS } from './templates.js';
export { type BulkWriterStats } from './writer.js';
export { classifyItem, isRetryableStatus, backoffMs } from './retry.js';
export { startLocalOpenSearch, waitForOpenSearch, checkJavaAndMaven, type LocalOpenSearch, type LocalOpenSearchOptions } from './local-node.js';
export { openSearchIndex, type SearchIndex, type SearchIndexOptions } from './backend.js';
