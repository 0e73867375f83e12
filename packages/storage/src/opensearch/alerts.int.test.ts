import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MetronError, type JsonValue, type Message } from '@metron/core';
import { openAlertStore, openAlertStoreOn, type AlertStore } from '../duckdb/alerts/alert-store.js';
import { openDuckDbSearchStore, type DuckDbSearchStore } from '../duckdb/store.js';
import { DEFAULT_DATE_FORMAT } from './config.js';
import { openOpenSearchStore, type OpenSearchSearchStore } from './store.js';
import { formatIndexDate } from './templates.js';
import { testOpenSearchUrl } from './test-support/shared-node.js';

// The alert workflow (status, comments, patch, assignee, meta-alerts, audit trail) on a real
// OpenSearch node through the same alert layer as on DuckDB: every step must give the same
// documents, searches and history on both. Sensor names are this file's own (the node is shared).
const T0 = 1_700_000_000_000;
const alerts = (): Message[] => [
  { guid: 'a1', 'source.type': 'al_bro', timestamp: T0 - 3000, ip_src_addr: '10.0.0.1', is_alert: true, 'threat.triage.score': 10, original_string: 'one' },
  { guid: 'a2', 'source.type': 'al_bro', timestamp: T0 - 2000, ip_src_addr: '10.0.0.2', is_alert: true, 'threat.triage.score': 30, original_string: 'two' },
  { guid: 'a3', 'source.type': 'al_bro', timestamp: T0 - 1000, ip_src_addr: '10.0.0.1', is_alert: true, original_string: 'three' },
];
const snort: Message = { guid: 's1', 'source.type': 'al_snort', timestamp: T0 - 1500, ip_src_addr: '10.0.0.1', sig_id: 7, 'threat.triage.score': 5 };
const INDICES = ['al_bro', 'al_snort', 'metaalert'];

interface Backend {
  name: string;
  alerts: AlertStore;
  findOne(guid: string, sensorType: string): Promise<Message | null>;
  metaGuid?: string;
}

/**
 * Replaces a backend's meta-alert guid (random) by a placeholder, and OpenSearch's hourly index
 * names (`bro_index_2023.11.14.22`) by the DuckDB table's (`bro_index`), so the two backends compare.
 */
function normalize(value: unknown, metaGuid: string | undefined): unknown {
  const text = JSON.stringify(value).replace(/"([a-z0-9_.-]+_index)_\d{4}\.\d{2}\.\d{2}\.\d{2}"/g, '"$1"');
  return JSON.parse(metaGuid === undefined ? text : text.split(metaGuid).join('META')) as unknown;
}

async function outcome(promise: Promise<unknown>): Promise<unknown> {
  try {
    return { ok: await promise };
  } catch (err) {
    return { error: err instanceof MetronError ? err.code : String(err) };
  }
}

describe('alert workflow on OpenSearch, step by step as on DuckDB', () => {
  let duckdb: DuckDbSearchStore;
  let opensearch: OpenSearchSearchStore;
  const backends: Backend[] = [];

  beforeAll(async () => {
    const url = await testOpenSearchUrl();
    // Only this file's hour of the shared meta-alert and audit indices (retention.int.test.ts has its own).
    const hour = formatIndexDate(T0, DEFAULT_DATE_FORMAT);
    await fetch(`${url}/al_*_index_*,metaalert_index_${hour},audit_index_${hour}?ignore_unavailable=true`, { method: 'DELETE' });
    let duckClock = T0;
    let osClock = T0;
    duckdb = await openDuckDbSearchStore({ path: ':memory:' });
    opensearch = openOpenSearchStore({ urls: [url], replicas: 0, refreshOnWrite: true });
    for (const store of [duckdb, opensearch]) {
      await store.write('al_bro', alerts());
      await store.write('al_snort', [snort]);
    }
    backends.push(
      { name: 'duckdb', alerts: openAlertStore(duckdb, { now: () => duckClock++ }), findOne: (guid, sensorType) => duckdb.findOne({ guid, sensorType }) },
      { name: 'opensearch', alerts: openAlertStoreOn(opensearch.alertBackend(), { now: () => osClock++ }), findOne: (guid, sensorType) => opensearch.findOne({ guid, sensorType }) },
    );
  }, 300_000);
  afterAll(async () => {
    await duckdb?.close();
    await opensearch?.close();
  });

  /** Runs a step on both backends and expects the same outcome; returns it. */
  async function same(step: (b: Backend) => Promise<unknown>): Promise<unknown> {
    const [onDuckDb, onOpenSearch] = [await outcome(step(backends[0]!)), await outcome(step(backends[1]!))];
    const normalized = normalize(onOpenSearch, backends[1]!.metaGuid);
    expect(normalized).toEqual(normalize(onDuckDb, backends[0]!.metaGuid));
    return normalized;
  }
  const ids = async (b: Backend, query: string) =>
    (await b.alerts.search({ indices: INDICES, query, size: 50, sort: [{ field: 'timestamp', sortOrder: 'asc' }] })).results.map((r) => r.id);

  it('sets status and assignee, adds and removes comments, patches: same documents, searchable at once', async () => {
    const ref = { guid: 'a1', sensorType: 'al_bro' };
    expect(await same((b) => b.alerts.setStatus('alice', ref, 'OPEN'))).toMatchObject({ ok: { document: { alert_status: 'OPEN' } } });
    await same((b) => b.alerts.setStatus('alice', ref, 'BOGUS'));
    await same((b) => b.alerts.assign('alice', { guid: 'a3', sensorType: 'al_bro' }, 'bob'));
    const comment = { comment: 'looks bad', username: 'alice', timestamp: T0 + 5 };
    await same((b) => b.alerts.addComment('alice', ref, comment));
    expect(await same((b) => b.alerts.removeComment('mallory', ref, comment, false))).toEqual({ error: 'FORBIDDEN' });
    await same((b) => b.alerts.patch('carol', { guid: 'a2', sensorType: 'al_bro' }, [
      { op: 'add', path: '/triage_note', value: 'check host' }, { op: 'replace', path: '/threat.triage.score', value: 42.5 }, { op: 'remove', path: '/original_string' },
    ]));
    await same((b) => b.alerts.patch('carol', { guid: 'nope', sensorType: 'al_bro' }, [{ op: 'add', path: '/x', value: 1 }]));
    await same((b) => b.findOne('a1', 'al_bro'));
    await same((b) => b.findOne('a2', 'al_bro'));
    expect(await same((b) => ids(b, 'alert_status:OPEN'))).toEqual({ ok: ['a1'] });
    await same((b) => ids(b, 'alert_assignee:bob OR triage_note:"check host"'));
    await same((b) => ids(b, '_exists_:comments'));
  }, 120_000);

  it('groups alerts into a meta-alert: children hidden behind it, status inherited, history recorded', async () => {
    for (const b of backends) {
      const created = await b.alerts.createMetaAlert('alice', { alerts: [{ guid: 'a1', sensorType: 'al_bro' }, { guid: 'a2', sensorType: 'al_bro' }], groups: ['ip_src_addr'] });
      b.metaGuid = created.guid;
    }
    const listed = (await same((b) => ids(b, '*'))) as { ok: string[] };
    expect([...listed.ok].sort()).toEqual(['META', 'a3', 's1']);
    // a meta-alert is found by its children's fields
    expect(await same((b) => ids(b, 'triage_note:"check host"'))).toEqual({ ok: ['META'] });
    await same((b) => b.alerts.searchByAlert('a2'));
    await same((b) => b.alerts.group({ indices: INDICES, query: '*', scoreField: 'threat.triage.score', groups: [{ field: 'ip_src_addr' }] }));
    await same((b) => b.alerts.setStatus('alice', { guid: b.metaGuid!, sensorType: 'metaalert' }, 'ESCALATE'));
    expect(await same((b) => b.findOne('a2', 'al_bro'))).toMatchObject({ ok: { alert_status: 'ESCALATE', metaalerts: ['META'] } });
    await same((b) => b.alerts.addAlertsToMetaAlert('alice', b.metaGuid!, [{ guid: 's1', sensorType: 'al_snort' }]));
    await same((b) => b.findOne(b.metaGuid!, 'metaalert'));
    await same((b) => b.alerts.removeAlertsFromMetaAlert('alice', b.metaGuid!, [{ guid: 'a1', sensorType: 'al_bro' }]));
    await same((b) => b.alerts.updateMetaAlertStatus('alice', b.metaGuid!, 'INACTIVE'));
    const after = (await same((b) => ids(b, '*'))) as { ok: string[] };
    expect([...after.ok].sort()).toEqual(['a1', 'a2', 'a3', 's1']);
  }, 120_000);

  it('a meta-alert whose alerts were all removed is still a meta-alert: listed while active, hidden once inactive, never grouped', async () => {
    const empty = new Map<string, string>();
    for (const b of backends) {
      empty.set(b.name, (await b.alerts.createMetaAlert('alice', { alerts: [{ guid: 'a3', sensorType: 'al_bro' }], groups: [] })).guid);
    }
    const emptyGuid = (b: Backend) => empty.get(b.name)!;
    /** The ids listed, the empty meta-alert's guid replaced (the other meta-alert is inactive by now). */
    const listed = async (b: Backend) => (await ids(b, '*')).map((id) => (id === emptyGuid(b) ? 'EMPTY' : id)).sort();
    const grouped = (b: Backend) => b.alerts.group({ indices: INDICES, query: '*', groups: [{ field: 'source.type' }] });
    expect(await same(listed)).toEqual({ ok: ['EMPTY', 'a1', 'a2', 's1'] });
    expect(await same((b) => b.alerts.removeAlertsFromMetaAlert('alice', emptyGuid(b), [{ guid: 'a3', sensorType: 'al_bro' }]))).toEqual({ ok: true });
    expect((await same((b) => b.findOne(emptyGuid(b), 'metaalert').then((doc) => doc?.['metron_alert'])))).toEqual({ ok: [] });
    expect(await same(listed)).toEqual({ ok: ['EMPTY', 'a1', 'a2', 'a3', 's1'] });
    await same(grouped);
    expect(await same((b) => b.alerts.updateMetaAlertStatus('alice', emptyGuid(b), 'INACTIVE'))).toEqual({ ok: true });
    expect(await same(listed)).toEqual({ ok: ['a1', 'a2', 'a3', 's1'] });
    expect(await same((b) => ids(b, 'status:inactive'))).toEqual({ ok: [] });
    await same(grouped);
  }, 120_000);

  it('keeps the same audit trail', async () => {
    const history = async (b: Backend, guid: string) => {
      const h = await b.alerts.history(guid);
      return { ...h, changes: h.changes.map(({ guid: _g, change_id: _c, ...rest }) => rest as Record<string, JsonValue>) };
    };
    const trail = (await same((b) => history(b, 'a1'))) as { ok: { total: number; changes: Array<Record<string, JsonValue>> } };
    expect(trail.ok.changes.map((c) => [c['user'], c['request'], c['field']])).toContainEqual(['alice', 'status', 'alert_status']);
    expect(trail.ok.total).toBe(trail.ok.changes.length);
    expect(trail.ok.changes.map((c) => c['request'])).toEqual(['status', 'comment_add', 'metaalert_create', 'status', 'metaalert_remove_alert']);
    await same((b) => history(b, 'a2'));
    await same((b) => history(b, b.metaGuid!));
    await same((b) => b.alerts.history('never-was'));
  }, 120_000);
});
