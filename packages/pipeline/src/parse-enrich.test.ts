import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { Topics, type Message } from '@metron/core';
import { openDuckDbSearchStore } from '@metron/storage';
import { openLocalLog } from './bus/index.js';
import { Pipeline, type PipelineSensor } from './pipeline.js';

const JSON_MAP = { parserClassName: 'org.apache.metron.parsers.json.JSONMapParser', parserConfig: {} };
const enrichment = {
  enrichment: { fieldMap: { stellar: { config: { proto_upper: 'TO_UPPER(proto)' } } } },
  threatIntel: {
    fieldMap: { stellar: { config: { is_alert: 'ip_dst_port == 22 || ip_dst_port == 23' } } },
    triageConfig: {
      riskLevelRules: [
        { name: 'ssh', rule: 'ip_dst_port == 22', score: 50 },
        { name: 'telnet', rule: 'ip_dst_port == 23', score: 'ip_dst_port / 0' },
      ],
      aggregator: 'MAX',
    },
  },
};
const sensors: Record<string, PipelineSensor> = { json: { parser: JSON_MAP, enrichment }, plain: { parser: JSON_MAP } };
const COUNTERS = ['received', 'parsed', 'messages', 'enriched', 'alerts', 'enrich_errors', 'indexed', 'invalid', 'errors'] as const;

const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  while (cleanups.length) await (cleanups.pop() as () => Promise<void>)();
});

const msg = (port: number, n: number) =>
  Buffer.from(JSON.stringify({ n, ip_src_addr: '10.0.0.5', ip_dst_addr: '8.8.8.8', ip_dst_port: port, proto: 'tcp', timestamp: 1000 + n }));

/**
 * Runs the same input through one process: either all stages in one Pipeline (parse and enrich in
 * one worker task), or split as scale-out workers run them (a parse-only Pipeline, then an
 * enrich + index one, through the `enrichments` topic).
 */
async function run(split: boolean, parseWorkers: number) {
  const dir = await mkdtemp(join(tmpdir(), 'metron-fused-'));
  const bus = await openLocalLog({ dir: join(dir, 'log') });
  const store = await openDuckDbSearchStore({ path: join(dir, 'index.duckdb') });
  const common = { bus, dataDir: dir, parseWorkers, kvPath: join(dir, 'kv'), sensors };
  const pipelines = split
    ? [new Pipeline({ ...common, stages: ['parse'] }), new Pipeline({ ...common, store, stages: ['enrich', 'index'] })]
    : [new Pipeline({ ...common, store })];
  for (const p of pipelines) await p.start();
  cleanups.push(async () => {
    for (const p of pipelines) await p.stop(1000);
    await store.close();
    await bus.close();
    await rm(dir, { recursive: true, force: true });
  });
  const entry = pipelines[0]!;
  await entry.ingest('json', [msg(22, 1), msg(443, 2), msg(23, 3), Buffer.from('{"broken'), msg(80, 4)]);
  await entry.ingest('plain', [msg(22, 5), msg(23, 6)]);
  for (const p of pipelines) await p.waitIdle();
  const counters: Record<string, number> = {};
  for (const sensor of ['json', 'plain']) {
    for (const c of COUNTERS) counters[`${sensor}.${c}`] = pipelines.reduce((n, p) => n + p.metrics.get(sensor, c), 0);
  }
  // guids depend on the topic's epoch (one per log): compare what else the documents hold
  const docs = async (index: string) =>
    (await store.search({ indices: [index], query: '*', size: 100, sort: [{ field: 'timestamp', sortOrder: 'asc' }] })).results.map((r) => {
      const { guid, ...rest } = r.source as Message & { guid: string };
      expect(guid).toMatch(/^[0-9a-f-]{36}$/);
      return rest;
    });
  const errors = (await docs('error')).map((e) => ({ stage: e['stage'], type: e['error_type'], sensor: e['failed_sensor_type'], raw: String(e['raw_message']).replace(/"guid":"[0-9a-f-]{36}"/, '"guid":"-"') }));
  const enrichmentsWritten = (await bus.offsets(Topics.ENRICHMENTS)).reduce((n, p) => n + Number(p.latest), 0);
  return { json: await docs('json'), plain: await docs('plain'), errors, counters, enrichmentsWritten };
}

describe('parse and enrich in one task (a process running both stages)', () => {
  for (const workers of [0, 1]) {
    it(`indexes, alerts, error-indexes and counts as the split stages do, without the enrichments topic (${workers} parse workers)`, async () => {
      const fused = await run(false, workers);
      const split = await run(true, workers);
      expect(fused.enrichmentsWritten).toBe(0);
      expect(split.enrichmentsWritten).toBe(6);
      expect(fused.json).toEqual(split.json);
      expect(fused.plain).toEqual(split.plain);
      expect(fused.errors.sort((a, b) => a.raw.localeCompare(b.raw))).toEqual(split.errors.sort((a, b) => a.raw.localeCompare(b.raw)));
      expect(fused.counters).toEqual(split.counters);
      // and what that is
      expect(fused.json.map((d) => [d['n'], d['proto_upper'], d['is_alert'], d['threat.triage.score']])).toEqual([
        [1, 'TCP', 'true', 50], [2, 'TCP', undefined, undefined], [4, 'TCP', undefined, undefined],
      ]);
      expect(fused.plain.map((d) => d['n'])).toEqual([5, 6]);
      expect(fused.errors.map((e) => [e.stage, e.type]).sort()).toEqual([['enrich', 'threat_intel_error'], ['parse', expect.any(String)]].sort());
      expect(fused.counters).toMatchObject({ 'json.received': 5, 'json.parsed': 4, 'json.messages': 4, 'json.enriched': 3, 'json.alerts': 1, 'json.enrich_errors': 1, 'json.indexed': 3, 'plain.enriched': 2, 'plain.indexed': 2 });
    });
  }
});
