import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { openDuckDbSearchStore } from '@metron/storage';
import { openLocalLog } from './bus/index.js';
import { healthPrometheus, PipelineHealth } from './health.js';
import { restoreHealthHistory, saveHealthHistory } from './health-history.js';
import { PipelineMetrics } from './metrics.js';
import { Pipeline } from './pipeline.js';

const JSON_MAP = { parserClassName: 'org.apache.metron.parsers.json.JSONMapParser', parserConfig: {} };
const MIN = 60_000;

const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  while (cleanups.length) await (cleanups.pop() as () => Promise<void>)();
});

async function setup() {
  const dir = await mkdtemp(join(tmpdir(), 'metron-health-'));
  const bus = await openLocalLog({ dir: join(dir, 'log') });
  const store = await openDuckDbSearchStore({ path: join(dir, 'index.duckdb') });
  const pipeline = new Pipeline({ bus, store, dataDir: dir, parseWorkers: 0, sensors: { steady: { parser: JSON_MAP }, fading: { parser: JSON_MAP }, quiet: { parser: JSON_MAP } } });
  await pipeline.start();
  cleanups.push(async () => {
    await pipeline.stop(1000);
    await store.close();
    await bus.close();
    await rm(dir, { recursive: true, force: true });
  });
  const health = new PipelineHealth(pipeline.metrics, () => pipeline.lag(), () => pipeline.knownSensors());
  return { pipeline, health };
}

const records = (n: number, tag: string) => Array.from({ length: n }, (_, i) => Buffer.from(JSON.stringify({ i, tag })));

describe('PipelineHealth', () => {
  it('reports rates, lag and errors per sensor, and warns when a sensor goes silent or drops below 10% of its usual rate', async () => {
    const { pipeline, health } = await setup();
    const t0 = 1_700_000_000_000;
    // 20 minutes of steady traffic: 60 records a minute (1/s) to steady and fading
    for (let m = 0; m <= 20; m++) {
      await pipeline.ingest('steady', records(60, 's'));
      await pipeline.ingest('fading', records(60, 'f'));
      await pipeline.waitIdle();
      health.sample(t0 + m * MIN);
    }
    let report = await health.report(t0 + 20 * MIN);
    expect(report.status).toBe('OK');
    const steady = report.sensors.find((s) => s.sensor === 'steady');
    expect(steady).toMatchObject({ state: 'ok', rates: { received: 1, parsed: 1, indexed: 1 }, lag: 0, errorSearch: { indices: ['error'], query: 'failed_sensor_type:"steady"' } });
    expect(steady?.usualRate).toBe(1);
    expect(report.sensors.find((s) => s.sensor === 'quiet')?.state).toBe('idle');

    // five more minutes: steady keeps going, fading sends 10 records, then an invalid one
    for (let m = 21; m <= 25; m++) {
      await pipeline.ingest('steady', records(60, 's'));
      if (m === 23) await pipeline.ingest('fading', [...records(10, 'f'), Buffer.from('not json')]);
      await pipeline.waitIdle();
      health.sample(t0 + m * MIN);
    }
    report = await health.report(t0 + 25 * MIN);
    expect(report.status).toBe('WARNING');
    const fading = report.sensors.find((s) => s.sensor === 'fading');
    expect(fading?.state).toBe('low');
    expect(fading?.reason).toMatch(/below 10% of the usual 1\/s/);
    expect((fading?.totals.invalid ?? 0) + (fading?.totals.errors ?? 0)).toBe(1);
    expect(report.sensors.find((s) => s.sensor === 'steady')?.state).toBe('ok');

    // then nothing at all from fading for five minutes
    for (let m = 26; m <= 30; m++) {
      await pipeline.ingest('steady', records(60, 's'));
      await pipeline.waitIdle();
      health.sample(t0 + m * MIN);
    }
    report = await health.report(t0 + 30 * MIN);
    expect(report.sensors.find((s) => s.sensor === 'fading')).toMatchObject({ state: 'silent', recentRate: 0 });
    expect(report.sensors.find((s) => s.sensor === 'fading')?.rates.received).toBe(0);
    const text = healthPrometheus(report);
    expect(text).toContain('metron_sensor_health{sensor="fading",state="silent"} 1\n');
    expect(text).toContain('metron_sensor_health{sensor="fading",state="ok"} 0\n');
    expect(text).toContain('metron_sensor_health{sensor="steady",state="ok"} 1\n');
    expect(text).toContain('metron_sensor_usual_rate{sensor="steady"} 1\n');
    expect(text).toContain('metron_sensor_health{sensor="quiet",state="idle"} 1\n');

    // lag per stage: end and committed offsets, all caught up
    const parseSteady = report.stages.find((s) => s.stage === 'parse' && s.sensor === 'steady');
    expect(parseSteady).toMatchObject({ lag: 0, end: 31 * 60, committed: 31 * 60, topic: 'steady' });
    expect(report.stages.map((s) => s.stage)).toEqual(expect.arrayContaining(['parse', 'enrich', 'index']));
  });

  it('says warming_up until enough history exists, and counts lag before a stage catches up', async () => {
    const { pipeline, health } = await setup();
    const t0 = 1_700_000_000_000;
    await pipeline.ingest('steady', records(5, 's'));
    const report = await health.report(t0);
    expect(report.sensors.find((s) => s.sensor === 'steady')?.state).toBe('warming_up');
    const stage = report.stages.find((s) => s.stage === 'parse' && s.sensor === 'steady');
    expect((stage?.end ?? 0) - (stage?.committed ?? 0)).toBe(stage?.lag);
    expect(stage?.end).toBe(5);
  });

  describe('across a restart', () => {
    /** A PipelineHealth over its own counters (a process), with no stages. */
    const process = (sensors: string[]) => {
      const metrics = new PipelineMetrics();
      return { metrics, health: new PipelineHealth(metrics, async () => [], () => sensors) };
    };
    const t0 = 1_700_000_040_000; // on a minute

    it('judges its sensors once the recent window has filled, on the samples kept before the restart', async () => {
      const first = process(['steady', 'fading']);
      for (let m = 0; m <= 20; m++) {
        first.metrics.add('steady', 'received', 60);
        first.metrics.add('fading', 'received', 60);
        first.health.sample(t0 + m * MIN);
      }
      const kept = JSON.parse(JSON.stringify(first.health.history())) as unknown;

      // down for two minutes; then steady goes on and fading sends nothing
      const second = process(['steady', 'fading']);
      const without = process(['steady', 'fading']);
      expect(second.health.restore(kept, t0 + 22 * MIN)).toBeUndefined();
      for (let m = 22; m <= 27; m++) {
        for (const p of [second, without]) {
          p.metrics.add('steady', 'received', 60);
          p.health.sample(t0 + m * MIN);
        }
      }
      const report = await second.health.report(t0 + 27 * MIN);
      expect(report.sensors.find((s) => s.sensor === 'fading')).toMatchObject({ state: 'silent', recentRate: 0 });
      const steady = report.sensors.find((s) => s.sensor === 'steady');
      expect(steady?.state).toBe('ok');
      // the two minutes down count as silence in the baseline: the usual rate is a little under 1/s
      expect(steady?.usualRate).toBeGreaterThan(0.85);
      expect(steady?.usualRate).toBeLessThan(1);
      expect(steady?.rates.received).toBe(1); // continuous across the restart's counter reset
      expect(steady?.totals.received).toBe(6 * 60); // counters since this start
      // without the samples kept, the same process can judge nothing yet
      expect((await without.health.report(t0 + 27 * MIN)).sensors.map((s) => [s.sensor, s.state])).toEqual([['fading', 'idle'], ['steady', 'warming_up']]);
      // a record that came after the latest sample makes a sensor no longer idle at once
      without.metrics.add('fading', 'received', 1);
      expect((await without.health.report(t0 + 27 * MIN + 1000)).sensors.find((s) => s.sensor === 'fading')?.state).toBe('warming_up');
    });

    it('keeps one sample a minute and the newest; refuses what is not a history, changing nothing', async () => {
      const { metrics, health } = process(['a']);
      for (let s = 0; s <= 150; s += 5) {
        metrics.add('a', 'received', 5);
        health.sample(t0 + s * 1000);
      }
      const kept = health.history();
      expect(kept.samples.map((s) => (s.at - t0) / 1000)).toEqual([0, 60, 120, 150]);
      expect(kept.samples.at(-1)?.totals['a']?.received).toBe(155);

      const other = process(['a']);
      for (const bad of [null, [], { version: 2, samples: [] }, { version: 1 }, { version: 1, samples: [{ at: 'x', totals: {} }] }, { version: 1, samples: [{ at: 1, totals: { a: { received: -1 } } }] }]) {
        expect(other.health.restore(bad, t0)).toMatch(/./);
      }
      other.metrics.add('a', 'received', 1);
      other.health.sample(t0 + 200_000);
      expect(other.health.history().samples).toEqual([{ at: t0 + 200_000, totals: { a: expect.objectContaining({ received: 1 }) } }]);
    });

    it('is kept in a file: a missing file is a first start, a bad one is reported and left', async () => {
      const dir = await mkdtemp(join(tmpdir(), 'metron-health-file-'));
      cleanups.push(() => rm(dir, { recursive: true, force: true }));
      const file = join(dir, 'health-history.json');
      const warnings: string[] = [];
      const first = process(['a']);
      await restoreHealthHistory(first.health, file, (m) => warnings.push(m));
      expect(warnings).toEqual([]);
      first.metrics.add('a', 'received', 7);
      first.health.sample(t0);
      await saveHealthHistory(first.health, file);

      const second = process(['a']);
      await restoreHealthHistory(second.health, file, (m) => warnings.push(m), t0 + MIN);
      expect(warnings).toEqual([]);
      second.metrics.add('a', 'received', 1);
      second.health.sample(t0 + MIN);
      expect(second.health.history().samples.map((s) => s.totals['a']?.received)).toEqual([7, 8]);

      await writeFile(file, '{"version":1,"samples":[');
      await restoreHealthHistory(process(['a']).health, file, (m) => warnings.push(m));
      await writeFile(file, '{"version":9}');
      await restoreHealthHistory(process(['a']).health, file, (m) => warnings.push(m));
      expect(warnings).toEqual([expect.stringMatching(/health-history\.json ignored: not JSON/), expect.stringMatching(/health-history\.json ignored: unknown version 9/)]);
    });
  });
});
