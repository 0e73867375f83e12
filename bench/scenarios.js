import { geoLookups } from './geo.js';
import { ingestToIndexed } from './ingest-index.js';
import { parserThroughput } from './parsers.js';
import { stageCapacities } from './stages.js';
import { stellarEvaluations } from './stellar.js';

const records = Number(process.env.BENCH_RECORDS ?? 200_000);
export const scenarios = [
  { name: 'embedded-ingest-index', run: () => ingestToIndexed({ records }) },
  { name: 'stage-capacities', run: () => stageCapacities({ records: Math.min(records, 100_000) }) },
  { name: 'stellar-evaluations', run: () => stellarEvaluations() },
  { name: 'geo-lookups', run: () => geoLookups() },
  { name: 'parsers', run: () => parserThroughput() },
];
