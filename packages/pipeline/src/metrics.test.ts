import { describe, expect, it } from 'vitest';
import { PipelineMetrics } from './metrics.js';

describe('PipelineMetrics: archive counters', () => {
  it('shows no archive until one is attached', async () => {
    const metrics = new PipelineMetrics();
    expect(await metrics.snapshot()).not.toHaveProperty('archive');
    expect(await metrics.prometheus()).not.toContain('metron_archive_');
  });

  it('reads the archive stats at each snapshot, in JSON and Prometheus text', async () => {
    const metrics = new PipelineMetrics();
    const stats = { appended: 12, files: 2, rows: 10, bytes: 4096, rolls: 3, rewrittenParts: 0, rejectedLines: 2, failedRolls: 1 };
    metrics.setArchiveProvider(() => stats);
    expect((await metrics.snapshot())['archive']).toEqual({ files: 2, rows: 10, bytes: 4096, rolls: 3, failedRolls: 1 });
    stats.files = 3;
    stats.bytes = 6000;
    expect((await metrics.snapshot())['archive']).toMatchObject({ files: 3, bytes: 6000 });
    const text = await metrics.prometheus();
    expect(text).toContain('# TYPE metron_archive_files_total counter\nmetron_archive_files_total 3\n');
    for (const line of ['metron_archive_rows_total 10', 'metron_archive_bytes_total 6000', 'metron_archive_rolls_total 3', 'metron_archive_roll_failures_total 1']) {
      expect(text).toContain(`${line}\n`);
    }
  });
});
