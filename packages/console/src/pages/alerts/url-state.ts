/**
 * The alerts page's view in the address bar, so a reload or a shared link shows the same thing:
 * `q` (the analyst's query), `f` (facet filters as JSON), `range` (`<ms>`, `all` or
 * `<from>-<to>`), `alerts=0` (all events, not only alerts) and `open` (`<sensor>/<guid>` of the
 * document in the details pane). Anything unreadable falls back to the default.
 */
import { RELATIVE_RANGES, type FacetFilter, type TimeRange } from './query.ts';

export interface AlertsView {
  query: string;
  filters: FacetFilter[];
  range: TimeRange;
  alertsOnly: boolean;
  open: { guid: string; sensorType: string } | null;
}

export const DEFAULT_RANGE: TimeRange = { kind: 'relative', ...RELATIVE_RANGES[2]! };

function isFilter(x: unknown): x is FacetFilter {
  if (typeof x !== 'object' || x === null) return false;
  const f = x as Record<string, unknown>;
  return typeof f['field'] === 'string' && typeof f['value'] === 'string' && typeof f['exclude'] === 'boolean';
}

/** Reads the view from a query string. */
export function readView(search: string): AlertsView {
  const params = new URLSearchParams(search);
  let filters: FacetFilter[] = [];
  try {
    const parsed: unknown = JSON.parse(params.get('f') ?? '[]');
    if (Array.isArray(parsed)) filters = parsed.filter(isFilter).map((f) => ({ field: f.field, value: f.value, exclude: f.exclude }));
  } catch {
    // keep none
  }
  let range = DEFAULT_RANGE;
  const r = params.get('range');
  if (r === 'all') range = { kind: 'all' };
  else if (r && /^\d+-\d+$/.test(r)) {
    const [from, to] = r.split('-').map(Number) as [number, number];
    range = { kind: 'absolute', from, to };
  } else if (r) {
    const relative = RELATIVE_RANGES.find((x) => String(x.ms) === r);
    if (relative) range = { kind: 'relative', ...relative };
  }
  const open = params.get('open');
  const slash = open ? open.indexOf('/') : -1;
  return {
    query: params.get('q') ?? '',
    filters,
    range,
    alertsOnly: params.get('alerts') !== '0',
    open: open && slash > 0 && slash < open.length - 1 ? { sensorType: open.slice(0, slash), guid: open.slice(slash + 1) } : null,
  };
}

/** Writes the view as a query string (empty for the default view). */
export function writeView(view: AlertsView): string {
  const params = new URLSearchParams();
  if (view.query.trim() !== '') params.set('q', view.query);
  if (view.filters.length > 0) params.set('f', JSON.stringify(view.filters));
  const range = view.range;
  if (range.kind === 'all') params.set('range', 'all');
  else if (range.kind === 'absolute') params.set('range', `${Math.round(range.from)}-${Math.round(range.to)}`);
  else if (range.kind === 'relative' && !(DEFAULT_RANGE.kind === 'relative' && range.ms === DEFAULT_RANGE.ms)) params.set('range', String(range.ms));
  if (!view.alertsOnly) params.set('alerts', '0');
  if (view.open) params.set('open', `${view.open.sensorType}/${view.open.guid}`);
  return params.toString();
}
