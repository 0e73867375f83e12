import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openDuckDbSearchStore, type DuckDbSearchStore } from '../store.js';
import { openAlertStore, type AlertStore } from './alert-store.js';

const DAY = 86_400_000;
const NOW = 1_700_000_000_000;

// Index retention with meta-alerts: what is kept and what ages out (docs/alerts.md, "Retention").
describe('index retention and meta-alerts', () => {
  let store: DuckDbSearchStore;
  let alerts: AlertStore;

  beforeEach(async () => {
    store = await openDuckDbSearchStore({ path: ':memory:' });
    await store.write('bro', [
      { guid: 'old1', 'source.type': 'bro', timestamp: NOW - 40 * DAY, 'threat.triage.score': 10 },
      { guid: 'old2', 'source.type': 'bro', timestamp: NOW - 40 * DAY, 'threat.triage.score': 20 },
      { guid: 'old3', 'source.type': 'bro', timestamp: NOW - 40 * DAY },
      { guid: 'new1', 'source.type': 'bro', timestamp: NOW - DAY },
    ]);
    alerts = openAlertStore(store, { now: () => NOW - 35 * DAY });
  });
  afterEach(async () => {
    await store.close();
  });

  const guids = async (indices: string[]): Promise<string[]> =>
    (await store.search({ indices, query: '*', size: 100 })).results.map((r) => r.id).sort();

  it('keeps the alerts of an active meta-alert and the meta-alert itself; both age out once it is inactive', async () => {
    const { guid: meta } = await alerts.createMetaAlert('alice', { alerts: [{ guid: 'old1', sensorType: 'bro' }, { guid: 'old2', sensorType: 'bro' }], groups: [] });
    const cutoff = NOW - 30 * DAY;

    expect(await store.deleteBefore('bro', cutoff)).toBe(1);
    expect(await store.deleteBefore('metaalert', cutoff)).toBe(0);
    expect(await guids(['bro'])).toEqual(['new1', 'old1', 'old2']);
    // The meta-alert still lists and updates its alerts.
    expect((await alerts.search({ query: '*', size: 10 })).results.map((r) => r.id).sort()).toEqual([meta, 'new1'].sort());
    await alerts.setStatus('alice', { guid: meta, sensorType: 'metaalert' }, 'RESOLVE');
    expect((await store.findOne({ guid: 'old2', sensorType: 'bro' }))?.['alert_status']).toBe('RESOLVE');

    // Inactive: it releases its alerts, and nothing is left naming it once both are deleted.
    await alerts.updateMetaAlertStatus('alice', meta, 'INACTIVE');
    expect(await store.deleteBefore('bro', cutoff)).toBe(2);
    expect(await store.deleteBefore('metaalert', cutoff)).toBe(1);
    expect(await guids(['bro', 'metaalert'])).toEqual(['new1']);
    expect((await alerts.search({ query: '*', size: 10 })).results.map((r) => r.id)).toEqual(['new1']);
  });

  it('deletes alerts of a meta-alert that was removed from it, and keeps those still held', async () => {
    const { guid: meta } = await alerts.createMetaAlert('alice', { alerts: [{ guid: 'old1', sensorType: 'bro' }, { guid: 'old2', sensorType: 'bro' }], groups: [] });
    await alerts.removeAlertsFromMetaAlert('alice', meta, [{ guid: 'old2', sensorType: 'bro' }]);
    expect(await store.deleteBefore('bro', NOW - 30 * DAY)).toBe(2);
    expect(await guids(['bro'])).toEqual(['new1', 'old1']);
  });
});
