import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CORPUS_CASES, CORPUS_DOCUMENTS, CORPUS_NOW } from '../query/test-corpus.js';
import { openDuckDbSearchStore, type DuckDbSearchStore } from './store.js';

// The shared corpus (../query/test-corpus.ts) on the DuckDB store, with the corpus clock.
describe('DuckDB store: shared search corpus', () => {
  let store: DuckDbSearchStore;

  beforeAll(async () => {
    store = await openDuckDbSearchStore({ path: ':memory:', clock: () => CORPUS_NOW });
    for (const sensor of ['bro', 'snort']) {
      await store.write(sensor, CORPUS_DOCUMENTS.filter((d) => d.sensor === sensor).map((d) => d.message));
    }
  });
  afterAll(async () => {
    await store.close();
  });

  it.each(CORPUS_CASES)('$query → $guids', async ({ query, guids, indices }) => {
    const response = await store.search({ query, ...(indices && { indices }), size: 100 });
    expect(response.results.map((r) => r.id).sort()).toEqual([...guids].sort());
    expect(response.total).toBe(guids.length);
  });
});
