import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { ConfigError, MetronError } from '@metron/core';
import { openDuckDbSearchStore, type SearchStore } from '@metron/storage';
import { openLocalLog } from './bus/index.js';
import { Pipeline, type PipelineSensor } from './pipeline.js';

const JSON_MAP = { parserClassName: 'org.apache.metron.parsers.json.JSONMapParser', parserConfig: {} };

/** An enrichment config that makes every message an alert and scores it with `rules`. */
function triage(rules: Array<{ name: string; rule: string; score: number }>): unknown {
  return {
    enrichment: { fieldMap: {} },
    threatIntel: { fieldMap: { stellar: { config: { is_alert: 'true' } } }, triageConfig: { riskLevelRules: rules, aggregator: 'MAX' } },
  };
}

const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  while (cleanups.length) await (cleanups.pop() as () => Promise<void>)();
});

async function setup(parseWorkers: number, sensors: Record<string, PipelineSensor>) {
  const dir = await mkdtemp(join(tmpdir(), 'metron-reconfigure-'));
  const bus = await openLocalLog({ dir: join(dir, 'log') });
  const store = await openDuckDbSearchStore({ path: join(dir, 'index.duckdb') });
  const pipeline = new Pipeline({ bus, store, dataDir: dir, parseWorkers, sensors, kvPath: join(dir, 'kv') });
  await pipeline.start();
  cleanups.push(async () => {
    await pipeline.stop(1000);
    await store.close();
    await bus.close();
    await rm(dir, { recursive: true, force: true });
  });
  return { pipeline, store };
}

async function byN(store: SearchStore, index: string, n: number): Promise<Record<string, unknown> | undefined> {
  const hits = await store.search({ indices: [index], query: `n:${n}`, size: 1 });
  return hits.results[0]?.source;
}

describe('Pipeline.reconfigure', () => {
  for (const workers of [0, 1]) {
    it(`scores new events with a triage rule saved while running, and refuses a bad one without change (${workers} parse workers)`, async () => {
      const { pipeline, store } = await setup(workers, { json: { parser: JSON_MAP, enrichment: triage([{ name: 'old rule', rule: "level == 'high'", score: 10 }]) } });
      await pipeline.ingest('json', [Buffer.from('{"n":1,"level":"high"}')]);
      await pipeline.waitIdle();
      expect(await byN(store, 'json', 1)).toMatchObject({ 'threat.triage.score': 10, 'threat.triage.rules.0.name': 'old rule' });

      await pipeline.reconfigure({ json: { parser: JSON_MAP, enrichment: triage([{ name: 'new rule', rule: "level == 'high'", score: 75 }]) } });
      await pipeline.ingest('json', [Buffer.from('{"n":2,"level":"high"}')]);
      await pipeline.waitIdle();
      expect(await byN(store, 'json', 2)).toMatchObject({ 'threat.triage.score': 75, 'threat.triage.rules.0.name': 'new rule' });
      // what was indexed before stays as it was scored
      expect(await byN(store, 'json', 1)).toMatchObject({ 'threat.triage.score': 10 });

      const bad = pipeline.reconfigure({ json: { parser: JSON_MAP, enrichment: triage([{ name: 'broken', rule: "level == ('high'", score: 99 }]) } });
      await expect(bad).rejects.toBeInstanceOf(ConfigError);
      await expect(bad).rejects.toThrow(/enrichments\/json\.json/);
      await pipeline.ingest('json', [Buffer.from('{"n":3,"level":"high"}')]);
      await pipeline.waitIdle();
      expect(await byN(store, 'json', 3)).toMatchObject({ 'threat.triage.score': 75, 'threat.triage.rules.0.name': 'new rule' });
      expect(pipeline.metrics.accounting()['json']).toEqual({ recordsInFlight: 0, messagesInFlight: 0 });
    });
  }

  it('starts a sensor added while running and stops one removed, and re-reads indexing configs', async () => {
    const { pipeline, store } = await setup(1, { json: { parser: JSON_MAP } });
    await pipeline.reconfigure({ json: { parser: JSON_MAP }, extra: { parser: JSON_MAP } });
    expect(pipeline.knownSensors()).toEqual(['extra', 'json']);
    await pipeline.ingest('extra', [Buffer.from('{"n":10}')]);
    await pipeline.waitIdle();
    expect(await byN(store, 'extra', 10)).toMatchObject({ 'source.type': 'extra' });

    // the search writer turned off for json: its next messages are counted as not indexed
    await pipeline.reconfigure({ json: { parser: JSON_MAP, indexing: { elasticsearch: { index: 'json', enabled: false } } } });
    expect(pipeline.knownSensors()).toEqual(['json']);
    await expect(pipeline.ingest('extra', [Buffer.from('{"n":11}')])).rejects.toSatisfy((e: unknown) => e instanceof MetronError && e.code === 'NOT_FOUND');
    await pipeline.ingest('json', [Buffer.from('{"n":12}')]);
    await pipeline.waitIdle();
    expect(pipeline.metrics.get('json', 'not_indexed')).toBe(1);
    expect(await byN(store, 'json', 12)).toBeUndefined();
  });

  it("re-reads the error sensor's indexing config", async () => {
    const { pipeline, store } = await setup(0, { json: { parser: JSON_MAP } });
    await pipeline.reconfigure({ json: { parser: JSON_MAP } }, undefined, { error: { elasticsearch: { index: 'error', enabled: false } } });
    await pipeline.ingest('json', [Buffer.from('not json')]);
    await pipeline.waitIdle();
    expect(pipeline.metrics.get('error', 'not_indexed')).toBe(1);
    expect((await store.search({ indices: ['error'], query: '*', size: 1 })).total).toBe(0);
  });

  it('refuses a parser chain that loops, naming the file', async () => {
    const { pipeline } = await setup(0, { json: { parser: JSON_MAP } });
    await expect(pipeline.reconfigure({ json: { parser: { ...JSON_MAP, outputTopic: 'json' } } })).rejects.toThrow(/parsers\/json\.json/);
    expect(pipeline.knownSensors()).toEqual(['json']);
  });
});
