import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { openAlertStoreOn, type AlertStore } from '../duckdb/alerts/alert-store.js';
import { DEFAULT_DATE_FORMAT } from './config.js';
import { openOpenSearchStore, type OpenSearchSearchStore } from './store.js';
import { indexName } from './templates.js';
import { testOpenSearchUrl } from './test-support/shared-node.js';

const DAY = 86_400_000;
// A time of this file's own: its meta-alert index (one per hour) is nobody else's on the shared node.
const NOW = 1_600_000_000_000;
const SENSOR = 'rt_bro';

// Index retention with meta-alerts on OpenSearch, as alerts/retention.test.ts on DuckDB: an alert
// held by an active meta-alert and the active meta-alert itself are kept; both age out once it is
// inactive; an alert removed from it ages out as any alert.
describe('index retention and meta-alerts on OpenSearch', () => {
  let url: string;
  let store: OpenSearchSearchStore;
  let alerts: AlertStore;
  const metaIndex = indexName('metaalert', NOW - 35 * DAY, DEFAULT_DATE_FORMAT);

  beforeAll(async () => {
    url = await testOpenSearchUrl();
    store = openOpenSearchStore({ urls: [url], replicas: 0, refreshOnWrite: true });
  }, 300_000);
  afterAll(async () => {
    await store?.close();
  });
  beforeEach(async () => {
    await fetch(`${url}/${SENSOR}_index_*,${metaIndex}?ignore_unavailable=true`, { method: 'DELETE' });
    await store.write(SENSOR, [
      { guid: 'old1', 'source.type': SENSOR, timestamp: NOW - 40 * DAY, 'threat.triage.score': 10 },
      { guid: 'old2', 'source.type': SENSOR, timestamp: NOW - 40 * DAY, 'threat.triage.score': 20 },
      { guid: 'old3', 'source.type': SENSOR, timestamp: NOW - 40 * DAY },
      { guid: 'new1', 'source.type': SENSOR, timestamp: NOW - DAY },
    ]);
    await store.refresh();
    alerts = openAlertStoreOn(store.alertBackend(), { now: () => NOW - 35 * DAY });
  });

  const guids = async (indices: string[]): Promise<string[]> =>
    (await store.search({ indices, query: '*', size: 100 })).results.map((r) => r.id).sort();
  /** What alert search lists of this file's documents (the shared node holds other files' meta-alerts). */
  const listed = async (meta: string): Promise<string[]> =>
    (await alerts.search({ indices: [SENSOR, 'metaalert'], query: `source.type:${SENSOR} OR guid:${meta}`, size: 10 })).results.map((r) => r.id).sort();

  it('keeps the alerts of an active meta-alert and the meta-alert itself; both age out once it is inactive', async () => {
    const { guid: meta } = await alerts.createMetaAlert('alice', { alerts: [{ guid: 'old1', sensorType: SENSOR }, { guid: 'old2', sensorType: SENSOR }], groups: [] });
    const cutoff = NOW - 30 * DAY;

    expect(await store.deleteBefore(SENSOR, cutoff)).toBe(1);
    expect(await store.deleteBefore('metaalert', cutoff)).toBe(0);
    expect(await guids([SENSOR])).toEqual(['new1', 'old1', 'old2']);
    // The meta-alert still lists and updates its alerts.
    expect(await listed(meta)).toEqual([meta, 'new1'].sort());
    await alerts.setStatus('alice', { guid: meta, sensorType: 'metaalert' }, 'RESOLVE');
    expect((await store.findOne({ guid: 'old2', sensorType: SENSOR }))?.['alert_status']).toBe('RESOLVE');

    // Inactive: it releases its alerts, and nothing is left naming it once both are deleted.
    await alerts.updateMetaAlertStatus('alice', meta, 'INACTIVE');
    expect(await store.deleteBefore(SENSOR, cutoff)).toBe(2);
    expect(await store.deleteBefore('metaalert', cutoff)).toBe(1);
    expect(await guids([SENSOR])).toEqual(['new1']);
    expect(await store.findOne({ guid: meta, sensorType: 'metaalert' })).toBeNull();
    expect(await listed(meta)).toEqual(['new1']);
  }, 120_000);

  it('deletes alerts of a meta-alert that was removed from it, and keeps those still held', async () => {
    const { guid: meta } = await alerts.createMetaAlert('alice', { alerts: [{ guid: 'old1', sensorType: SENSOR }, { guid: 'old2', sensorType: SENSOR }], groups: [] });
    await alerts.removeAlertsFromMetaAlert('alice', meta, [{ guid: 'old2', sensorType: SENSOR }]);
    expect(await store.deleteBefore(SENSOR, NOW - 30 * DAY)).toBe(2);
    expect(await guids([SENSOR])).toEqual(['new1', 'old1']);
  }, 120_000);
});
