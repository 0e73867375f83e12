import { alertsBenchmark } from './alerts.js';
import { archiveWrite } from './archive.js';
import { consoleScroll } from './console-scroll.js';
import { enrichmentCore, enrichmentEndToEnd, syslogNgScenario } from './enrichment.js';
import { geoLookups } from './geo.js';
import { ingestToIndexed } from './ingest-index.js';
import { kafkaScaleOut } from './kafka.js';
import { openSearchIngest } from './opensearch.js';
import { parserThroughput } from './parsers.js';
import { searchBenchmark } from './search.js';
import { stageCapacities } from './stages.js';
import { stellarEvaluations } from './stellar.js';

const records = Number(process.env.BENCH_RECORDS ?? 200_000);
/** Figures of this run's enrichment scenarios, for the syslog-ng comparison that follows them. */
const enrichmentFigures = {};
export const scenarios = [
  { name: 'embedded-ingest-index', run: () => ingestToIndexed({ records }) },
  // Three times as many: a backlog deep enough for bulk writes, with DuckDB's checkpoint inside the run.
  { name: 'embedded-ingest-index-sustained', run: () => ingestToIndexed({ records: records * 3 }) },
  { name: 'stage-capacities', run: () => stageCapacities({ records: Math.min(records, 100_000) }) },
  { name: 'stellar-evaluations', run: () => stellarEvaluations() },
  { name: 'geo-lookups', run: () => geoLookups() },
  { name: 'parsers', run: () => parserThroughput() },
  {
    name: 'enrichment-core',
    run: async () => {
      const r = await enrichmentCore();
      enrichmentFigures.enrichment_core = r.enrich_batch.events_per_sec;
      return r;
    },
  },
  {
    name: 'enrichment-e2e',
    run: async () => {
      const r = await enrichmentEndToEnd({ records: Number(process.env.BENCH_ENRICH_E2E_EVENTS ?? Math.min(records, 100_000)) });
      enrichmentFigures.enrichment_e2e = r.events_per_sec;
      return r;
    },
  },
  { name: 'syslog-ng', run: () => syslogNgScenario(enrichmentFigures) },
  { name: 'archive-write', run: () => archiveWrite() },
  { name: 'alerts', run: () => alertsBenchmark() },
  { name: 'search', run: () => searchBenchmark() },
  { name: 'console-scroll', run: () => consoleScroll() },
  { name: 'opensearch-ingest', run: () => openSearchIngest() },
  { name: 'kafka-scale-out', run: () => kafkaScaleOut() },
];
