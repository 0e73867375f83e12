import { ingestToIndexed } from './ingest-index.js';

export const scenarios = [
  { name: 'embedded-ingest-index', run: () => ingestToIndexed({ records: Number(process.env.BENCH_RECORDS ?? 200_000) }) },
];
