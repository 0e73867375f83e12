/**
 * The alerts page: search bar, time range, alerts-only switch and auto-refresh on top; facets on
 * the left; the virtualized results grid in the middle; the details pane on the right. A result
 * loads its first block with the facet counts, then blocks of rows as they scroll into view, up
 * to the server's paging limit (10,000 rows). Selected rows take bulk status changes and become
 * or join meta-alerts.
 */
import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import { ALERT_STATUSES, api, ApiError, errorText, type AlertStatus, type SearchResult, type SortField } from '../../api.ts';
import { useSession } from '../../session.tsx';
import { ConfigDialog } from './config-dialog.tsx';
import { DetailsPane } from './details-pane.tsx';
import { Facets } from './facets.tsx';
import { MetaAlertDialog } from './meta-alert-dialog.tsx';
import { prefs } from './prefs.ts';
import { buildQuery, RELATIVE_RANGES, type FacetFilter, type TimeRange } from './query.ts';
import { readView, writeView } from './url-state.ts';
import { ResultsTable } from './results-table.tsx';
import { SearchBar } from './search-bar.tsx';
import { Timeline } from './timeline.tsx';

/** Rows per request while scrolling. */
const BLOCK = 200;
/** The server's paging limit (`from + size` ≤ 10,000). */
const MAX_ROWS = 10_000;
const REFRESH_MS = 10_000;

export const DEFAULT_COLUMNS = ['timestamp', 'threat.triage.score', 'source.type', 'ip_src_addr', 'ip_src_port', 'ip_dst_addr', 'ip_dst_port', 'protocol', 'alert_status', 'alert_assignee', 'threat.triage.rules.0.name'];
export const DEFAULT_FACETS = ['source.type', 'alert_status', 'threat.triage.rules.0.name', 'ip_src_addr', 'ip_dst_addr', 'enrichments.geo.ip_dst_addr.country', 'protocol'];
/** Fields every row needs whatever the columns. */
const ROW_FIELDS = ['guid', 'source.type', 'timestamp', 'threat.triage.score', 'alert_status', 'count'];

interface Ref {
  guid: string;
  sensorType: string;
}

function refOf(result: SearchResult): Ref {
  return { guid: result.id, sensorType: String(result.source['source.type'] ?? result.index.replace(/_index$/, '')) };
}

/** Runs `tasks` at most `limit` at a time; answers how many failed, with the first error. */
async function runLimited(tasks: Array<() => Promise<unknown>>, limit = 4): Promise<{ failed: number; first?: unknown }> {
  let next = 0;
  let failed = 0;
  let first: unknown;
  async function worker() {
    while (next < tasks.length) {
      const task = tasks[next++]!;
      try {
        await task();
      } catch (err) {
        failed++;
        first ??= err;
      }
    }
  }
  await Promise.all(Array.from({ length: Math.min(limit, tasks.length) }, worker));
  return { failed, first };
}

export default function AlertsPage() {
  const { user } = useSession();
  const [initial] = useState(() => readView(window.location.search));
  const [draft, setDraft] = useState(initial.query);
  const [query, setQuery] = useState(initial.query);
  const [range, setRange] = useState<TimeRange>(initial.range);
  const [alertsOnly, setAlertsOnly] = useState(initial.alertsOnly);
  const [filters, setFilters] = useState<FacetFilter[]>(initial.filters);
  const [sort, setSort] = useState<SortField>({ field: 'timestamp', sortOrder: 'desc' });
  const [columns, setColumnsState] = useState(() => prefs.columns(DEFAULT_COLUMNS));
  const [facetFields, setFacetFieldsState] = useState(() => prefs.facetFields(DEFAULT_FACETS));
  const [autoRefresh, setAutoRefresh] = useState(false);
  const [knownFields, setKnownFields] = useState<string[]>([]);
  const [error, setError] = useState<string | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const [total, setTotal] = useState<number | null>(null);
  const [facetCounts, setFacetCounts] = useState<Record<string, Record<string, number>> | null>(null);
  const [version, setVersion] = useState(0);
  const [refreshTick, setRefreshTick] = useState(0);
  const [tookMs, setTookMs] = useState<number | null>(null);
  const [selected, setSelected] = useState<Map<string, Ref>>(new Map());
  const [anchor, setAnchor] = useState<number | null>(null);
  const [open, setOpen] = useState<Ref | null>(initial.open);
  const [showConfig, setShowConfig] = useState(false);
  const [metaDialog, setMetaDialog] = useState(false);
  const [busy, setBusy] = useState(false);
  const [detailsToken, setDetailsToken] = useState(0);
  /** The query and time window of the results shown, for the timeline. */
  const [shown, setShown] = useState<{ query: string; from: number; to: number } | null>(null);

  const blocks = useRef(new Map<number, SearchResult[]>());
  const pending = useRef(new Set<number>());
  /** Blocks of the previous answer to the same search, shown until fetched again. */
  const stale = useRef(new Map<number, SearchResult[]>());
  const searchKey = useRef('');
  const generation = useRef(0);
  const request = useRef<{ query: string; sort: SortField; fields: string[] } | null>(null);

  const setColumns = (next: string[]) => {
    setColumnsState(next);
    prefs.setColumns(next);
  };
  const setFacetFields = (next: string[]) => {
    setFacetFieldsState(next);
    prefs.setFacetFields(next);
  };

  useEffect(() => {
    api.columnMetadata([]).then((meta) => setKnownFields(Object.keys(meta).sort()), () => setKnownFields([]));
  }, [refreshTick]);

  // Facet fields the indices have (a facet on an unknown field would only show "no values").
  const activeFacets = useMemo(() => (knownFields.length === 0 ? facetFields : facetFields.filter((f) => knownFields.includes(f))), [facetFields, knownFields]);
  const fields = useMemo(() => [...new Set([...ROW_FIELDS, ...columns])], [columns]);

  // A new search: the first block with the facet counts; other blocks follow the scroll.
  useEffect(() => {
    const gen = ++generation.current;
    const now = Date.now();
    const built = buildQuery({ query, range, alertsOnly, filters, now });
    const span = range.kind === 'relative' ? { from: now - range.ms, to: now } : range.kind === 'absolute' ? { from: range.from, to: range.to } : null;
    const started = performance.now();
    const controller = new AbortController();
    api.search({ indices: [], query: built, from: 0, size: BLOCK, sort: [sort], fields, facetFields: activeFacets }, controller.signal).then(
      (answer) => {
        if (gen !== generation.current) return;
        request.current = { query: built, sort, fields };
        // A refresh of the same search keeps showing the rows it had until their blocks are
        // fetched again, so rows in view do not flash "loading" every auto-refresh.
        const key = JSON.stringify([query, range, alertsOnly, filters, sort]);
        stale.current = key === searchKey.current ? new Map([...stale.current, ...blocks.current]) : new Map();
        searchKey.current = key;
        blocks.current = new Map([[0, answer.results]]);
        pending.current = new Set();
        setTotal(answer.total);
        setFacetCounts(answer.facetCounts ?? null);
        setTookMs(Math.round(performance.now() - started));
        setShown(span ? { query: built, ...span } : null);
        setError(null);
        setVersion((v) => v + 1);
      },
      async (err: unknown) => {
        if ((err as Error).name === 'AbortError' || gen !== generation.current) return;
        // A query error is located in the whole query sent; the analyst's own part alone points
        // the caret into what they typed.
        if (err instanceof ApiError && err.code === 'QUERY_INVALID' && query.trim() !== '') {
          try {
            await api.search({ indices: [], query, from: 0, size: 0 }, controller.signal);
          } catch (own) {
            if (gen === generation.current && own instanceof ApiError && own.code === 'QUERY_INVALID') {
              setError(own.message);
              return;
            }
          }
        }
        if (gen === generation.current) setError(errorText(err));
      },
    );
    return () => controller.abort();
  }, [query, range, alertsOnly, filters, sort, fields, activeFacets, refreshTick]);

  // The view goes to the address bar (replacing the entry: the back button leaves the page).
  useEffect(() => {
    const search = writeView({ query, filters, range, alertsOnly, open });
    const target = window.location.pathname + (search ? `?${search}` : '');
    if (target !== window.location.pathname + window.location.search) window.history.replaceState(null, '', target);
  }, [query, filters, range, alertsOnly, open]);

  useEffect(() => {
    if (!autoRefresh) return;
    const timer = setInterval(() => setRefreshTick((t) => t + 1), REFRESH_MS);
    return () => clearInterval(timer);
  }, [autoRefresh]);

  const rowCount = Math.min(total ?? 0, MAX_ROWS);
  const resetKey = useMemo(() => JSON.stringify([query, range, alertsOnly, filters, sort]), [query, range, alertsOnly, filters, sort]);

  const onNeedRange = useCallback((start: number, end: number) => {
    const req = request.current;
    if (!req) return;
    const gen = generation.current;
    for (let b = Math.floor(start / BLOCK); b * BLOCK < end; b++) {
      if (blocks.current.has(b) || pending.current.has(b)) continue;
      pending.current.add(b);
      const from = b * BLOCK;
      const size = Math.min(BLOCK, MAX_ROWS - from);
      api.search({ indices: [], query: req.query, from, size, sort: [req.sort], fields: req.fields }).then(
        (answer) => {
          if (gen !== generation.current) return;
          blocks.current.set(b, answer.results);
          pending.current.delete(b);
          setVersion((v) => v + 1);
        },
        (err: unknown) => {
          if (gen !== generation.current) return;
          pending.current.delete(b);
          setError(errorText(err));
        },
      );
    }
  }, []);

  const row = useCallback((index: number) => {
    const b = Math.floor(index / BLOCK);
    return (blocks.current.get(b) ?? stale.current.get(b))?.[index % BLOCK];
  }, []);

  const onSelect = useCallback((index: number, mode: 'toggle' | 'range') => {
    setSelected((current) => {
      const next = new Map(current);
      if (mode === 'range' && anchor !== null) {
        const [a, b] = anchor < index ? [anchor, index] : [index, anchor];
        for (let i = a; i <= b; i++) {
          const r = row(i);
          if (r) next.set(r.id, refOf(r));
        }
      } else {
        const r = row(index);
        if (!r) return current;
        if (next.has(r.id)) next.delete(r.id);
        else next.set(r.id, refOf(r));
      }
      return next;
    });
    setAnchor(index);
  }, [anchor, row]);

  const onSelectAll = useCallback(() => {
    setSelected((current) => {
      if (current.size > 0) return new Map();
      const next = new Map<string, Ref>();
      for (const block of blocks.current.values()) for (const r of block) next.set(r.id, refOf(r));
      return next;
    });
  }, []);

  const onOpen = useCallback((index: number) => {
    const r = row(index);
    if (r) setOpen(refOf(r));
  }, [row]);

  const onSort = useCallback((field: string) => {
    setSort((s) => (s.field === field ? { field, sortOrder: s.sortOrder === 'asc' ? 'desc' : 'asc' } : { field, sortOrder: 'desc' }));
  }, []);

  function toggleFilter(filter: FacetFilter) {
    setFilters((current) => {
      const same = current.find((f) => f.field === filter.field && f.value === filter.value);
      if (same && same.exclude === filter.exclude) return current.filter((f) => f !== same);
      return [...current.filter((f) => f !== same), filter];
    });
  }

  const refresh = useCallback(() => setRefreshTick((t) => t + 1), []);

  async function bulkStatus(status: AlertStatus) {
    const refs = [...selected.values()];
    setBusy(true);
    const { failed, first } = await runLimited(refs.map((r) => () => api.setStatus(r.guid, r.sensorType, status)));
    setBusy(false);
    setNotice(failed === 0 ? `${refs.length} set to ${status}` : `${refs.length - failed} of ${refs.length} set to ${status}; ${failed} failed: ${errorText(first)}`);
    setDetailsToken((t) => t + 1);
    refresh();
  }

  async function createMetaAlert() {
    const refs = [...selected.values()].filter((r) => r.sensorType !== 'metaalert');
    if (refs.length === 0) return;
    setBusy(true);
    try {
      const created = await api.createMetaAlert(refs);
      setNotice(`Meta-alert created from ${refs.length} alert${refs.length === 1 ? '' : 's'}`);
      setSelected(new Map());
      setOpen({ guid: created.guid, sensorType: 'metaalert' });
      refresh();
    } catch (err) {
      setError(errorText(err));
    } finally {
      setBusy(false);
    }
  }

  async function addToMetaAlert(metaGuid: string) {
    const refs = [...selected.values()].filter((r) => r.sensorType !== 'metaalert');
    setMetaDialog(false);
    setBusy(true);
    try {
      const changed = await api.addToMetaAlert(metaGuid, refs);
      setNotice(changed ? `Added ${refs.length} alert${refs.length === 1 ? '' : 's'} to the meta-alert` : 'The meta-alert already held them');
      setSelected(new Map());
      setOpen({ guid: metaGuid, sensorType: 'metaalert' });
      setDetailsToken((t) => t + 1);
      refresh();
    } catch (err) {
      setError(errorText(err));
    } finally {
      setBusy(false);
    }
  }

  const selectedAlerts = [...selected.values()].filter((r) => r.sensorType !== 'metaalert').length;

  return (
    <div className={`alerts-page ${open ? 'with-details' : ''}`}>
      <h1 className="visually-hidden">Alerts</h1>
      <div className="toolbar">
        <SearchBar value={draft} onChange={setDraft} onSubmit={(q) => setQuery(q)} fields={knownFields} error={error} />
        <label className="inline">
          <span className="visually-hidden">Time range</span>
          <select
            aria-label="Time range"
            value={range.kind === 'relative' ? String(range.ms) : range.kind}
            onChange={(e) => {
              const v = e.target.value;
              if (v === 'all') setRange({ kind: 'all' });
              else if (v === 'absolute') setRange({ kind: 'absolute', from: Date.now() - 86_400_000, to: Date.now() });
              else {
                const r = RELATIVE_RANGES.find((x) => String(x.ms) === v);
                if (r) setRange({ kind: 'relative', ...r });
              }
            }}
          >
            {RELATIVE_RANGES.map((r) => <option key={r.ms} value={String(r.ms)}>{r.label}</option>)}
            <option value="all">All time</option>
            <option value="absolute">Between…</option>
          </select>
        </label>
        {range.kind === 'absolute' && (
          <span className="absolute-range">
            <input type="datetime-local" aria-label="From" value={toLocalInput(range.from)} onChange={(e) => setRange({ ...range, from: fromLocalInput(e.target.value, range.from) })} />
            <input type="datetime-local" aria-label="To" value={toLocalInput(range.to)} onChange={(e) => setRange({ ...range, to: fromLocalInput(e.target.value, range.to) })} />
          </span>
        )}
        <label className="inline"><input type="checkbox" checked={alertsOnly} onChange={(e) => setAlertsOnly(e.target.checked)} /> Alerts only</label>
        <label className="inline"><input type="checkbox" checked={autoRefresh} onChange={(e) => setAutoRefresh(e.target.checked)} /> Auto-refresh</label>
        <button type="button" onClick={refresh} aria-label="Refresh now">↻</button>
        <button type="button" onClick={() => setShowConfig(true)}>Columns…</button>
      </div>
      {error && (error.includes('\n')
        ? <pre className="error banner query-error" role="alert">{error}</pre>
        : <p className="error banner" role="alert">{error}</p>)}
      <div className="alerts-main">
        <Facets fields={activeFacets} counts={facetCounts} filters={filters} onToggle={toggleFilter}
          onRemove={(f) => setFilters((c) => c.filter((x) => x !== f))} onClear={() => setFilters([])} />
        <section className="results-area" aria-label="Results">
          <div className="result-bar">
            <span role="status" aria-live="polite" className="result-count">
              {total === null ? 'Searching…' : `${total.toLocaleString()} result${total === 1 ? '' : 's'}${total > MAX_ROWS ? ` (first ${MAX_ROWS.toLocaleString()} listed)` : ''}`}
              {tookMs !== null && <span className="muted"> · {tookMs} ms</span>}
            </span>
            {selected.size > 0 && (
              <div className="bulk" role="toolbar" aria-label="Selected alerts">
                <span>{selected.size} selected</span>
                {ALERT_STATUSES.map((s) => (
                  <button key={s} type="button" disabled={busy} onClick={() => void bulkStatus(s)}>{s}</button>
                ))}
                <button type="button" disabled={busy || selectedAlerts === 0} onClick={() => void createMetaAlert()}>Create meta-alert</button>
                <button type="button" disabled={busy || selectedAlerts === 0} onClick={() => setMetaDialog(true)}>Add to meta-alert…</button>
                <button type="button" className="link" onClick={() => setSelected(new Map())}>Clear selection</button>
              </div>
            )}
            {notice && <span className="notice" role="status">{notice}</span>}
          </div>
          {shown && (
            <Timeline query={shown.query} from={shown.from} to={shown.to} refreshKey={refreshTick}
              onRange={(from, to) => setRange({ kind: 'absolute', from, to })} />
          )}
          <ResultsTable
            columns={columns}
            rowCount={rowCount}
            row={row}
            onNeedRange={onNeedRange}
            sort={sort}
            onSort={onSort}
            selected={new Set(selected.keys())}
            onSelect={onSelect}
            onSelectAll={onSelectAll}
            openId={open?.guid ?? null}
            onOpen={onOpen}
            version={version}
            resetKey={resetKey}
          />
        </section>
        {open && user && (
          <DetailsPane
            key={open.guid}
            guid={open.guid}
            sensorType={open.sensorType}
            user={user}
            onClose={() => setOpen(null)}
            onOpen={(guid, sensorType) => setOpen({ guid, sensorType })}
            onChanged={refresh}
            reloadToken={detailsToken}
          />
        )}
      </div>
      {showConfig && (
        <ConfigDialog columns={columns} facetFields={facetFields} known={knownFields} onColumns={setColumns} onFacetFields={setFacetFields}
          onReset={() => { setColumns(DEFAULT_COLUMNS); setFacetFields(DEFAULT_FACETS); }} onClose={() => setShowConfig(false)} />
      )}
      {metaDialog && <MetaAlertDialog count={selectedAlerts} onPick={(g) => void addToMetaAlert(g)} onClose={() => setMetaDialog(false)} />}
    </div>
  );
}

function toLocalInput(ms: number): string {
  const d = new Date(ms - new Date(ms).getTimezoneOffset() * 60_000);
  return d.toISOString().slice(0, 16);
}

function fromLocalInput(value: string, fallback: number): number {
  const t = new Date(value).getTime();
  return Number.isFinite(t) ? t : fallback;
}
