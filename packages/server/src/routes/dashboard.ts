/**
 * `POST /api/v1/dashboard`: the console dashboard's data in one call, from the search store's own
 * histogram and facet queries (bound parameters, the store's limits): events over time per sensor,
 * alerts over time, top source and destination addresses, the triage rules that fired most, and
 * the points of geo-enriched addresses (`enrichments.geo.<field>.location_point`, "lat,lon").
 * Metron had no such endpoint (its dashboards were Kibana's).
 *
 * With meta-alerts (the server passes the alert layer's view, as to search), every panel counts
 * what search lists: an alert held by an active meta-alert is not counted on its own, and the
 * alert panels over the whole store (no `sensors` asked) count the active meta-alert instead,
 * once, where its alerts match; an inactive meta-alert is not counted.
 */
import type { FastifyInstance } from 'fastify';
import { ERROR_SENSOR } from '@metron/core';
import type { HistogramResponse, SearchResponse, SearchStore } from '@metron/storage';
import { HttpError } from '../errors.js';

const METAALERT_INDEX = 'metaalert';
/** Indices that hold no sensor's events. */
const NOT_SENSORS = new Set([ERROR_SENSOR, METAALERT_INDEX]);
/** Address fields whose geo enrichment is plotted. */
export const GEO_FIELDS = ['ip_src_addr', 'ip_dst_addr'] as const;
const RULE_NAME_FIELD = /^threat\.triage\.rules\.(\d+)\.name$/;
/** Most triage rule positions counted (a message rarely fires more than a few rules). */
const MAX_RULE_POSITIONS = 32;

export const dashboardRequestSchema = {
  type: 'object',
  additionalProperties: false,
  properties: {
    /** Time range, epoch ms (default: the last 24 hours). */
    from: { type: 'integer', minimum: 0 },
    to: { type: 'integer', minimum: 0 },
    /** Bucket width: ms or a duration such as `5m`, `1h` (default: about 60 buckets over the range). */
    interval: { anyOf: [{ type: 'integer', minimum: 1000 }, { type: 'string', pattern: '^[0-9]{1,6}(ms|s|m|h|d|w)$' }] },
    /** A Lucene query narrowing every panel (default `*`). */
    query: { type: 'string', maxLength: 10_000 },
    /** Sensors to show (default: every sensor index). */
    sensors: { type: 'array', maxItems: 100, items: { type: 'string', minLength: 1, maxLength: 64 } },
    /** Entries in each top list (default 10). */
    top: { type: 'integer', minimum: 1, maximum: 100 },
  },
} as const;

export interface DashboardRequest {
  from?: number;
  to?: number;
  interval?: number | string;
  query?: string;
  sensors?: string[];
  top?: number;
}

export interface GeoPoint {
  lat: number;
  lon: number;
  count: number;
  /** The address field the point is of (`ip_src_addr` / `ip_dst_addr`). */
  field: string;
}

export interface DashboardResponse {
  from: number;
  to: number;
  interval: number;
  sensors: string[];
  /** Per sensor: events per bucket (`key` the bucket's start, epoch ms). */
  eventsOverTime: Record<string, HistogramResponse['buckets']>;
  alertsOverTime: HistogramResponse['buckets'];
  totals: { events: number; alerts: number };
  topSources: Array<{ value: string; count: number }>;
  topDestinations: Array<{ value: string; count: number }>;
  topRules: Array<{ value: string; count: number }>;
  geo: GeoPoint[];
}

const DAY = 86_400_000;
/** Bucket widths to pick from for about 60 buckets over the range. */
const NICE_INTERVALS = [60_000, 300_000, 600_000, 1_800_000, 3_600_000, 10_800_000, 21_600_000, 43_200_000, DAY, 7 * DAY];

function topOf(counts: Record<string, number> | undefined, n: number): Array<{ value: string; count: number }> {
  return Object.entries(counts ?? {})
    .map(([value, count]) => ({ value, count }))
    .sort((a, b) => b.count - a.count || (a.value < b.value ? -1 : 1))
    .slice(0, n);
}

/** Builds the dashboard from the store's histogram and facet queries (the meta-alert view's, when given it). */
export async function dashboard(store: SearchStore, request: DashboardRequest, now = Date.now()): Promise<DashboardResponse> {
  const to = request.to ?? now;
  const from = request.from ?? to - DAY;
  if (from >= to) throw new HttpError(400, 'INPUT_INVALID', 'body.from: must be before body.to');
  const interval = request.interval ?? NICE_INTERVALS.find((i) => (to - from) / i <= 60) ?? 7 * DAY;
  const top = request.top ?? 10;
  const indices = await store.indices();
  const sensors = (request.sensors ?? indices.filter((i) => !NOT_SENSORS.has(i))).filter((s) => indices.includes(s)).sort();
  // The alert panels: the meta-alert index too when the whole store is shown (one alert per meta-alert).
  const alertIndices = request.sensors === undefined && indices.includes(METAALERT_INDEX) ? [...sensors, METAALERT_INDEX] : sensors;
  const range = `timestamp:[${from} TO ${to}]`;
  const query = request.query !== undefined && request.query.trim() !== '' && request.query.trim() !== '*' ? `${range} AND (${request.query})` : range;
  const empty: DashboardResponse = {
    from, to, interval: typeof interval === 'number' ? interval : 0, sensors, eventsOverTime: {}, alertsOverTime: [], totals: { events: 0, alerts: 0 },
    topSources: [], topDestinations: [], topRules: [], geo: [],
  };
  if (sensors.length === 0) return empty;

  const columns = await store.columnMetadata(sensors);
  const ruleFields = Object.keys(columns)
    .filter((f) => RULE_NAME_FIELD.test(f))
    .sort((a, b) => Number(RULE_NAME_FIELD.exec(a)?.[1]) - Number(RULE_NAME_FIELD.exec(b)?.[1]))
    .slice(0, MAX_RULE_POSITIONS);
  const geoFields = GEO_FIELDS.map((f) => `enrichments.geo.${f}.location_point`).filter((f) => columns[f] !== undefined);
  const addressFields = ['ip_src_addr', 'ip_dst_addr'].filter((f) => columns[f] !== undefined);

  const none: SearchResponse = { total: 0, results: [], facetCounts: {} };
  const [perSensor, alerts, facets, ruleFacets] = await Promise.all([
    Promise.all(sensors.map((s) => store.histogram({ indices: [s], query, interval }))),
    store.histogram({ indices: alertIndices, query: `${query} AND is_alert:true`, interval }),
    addressFields.length + geoFields.length > 0
      ? store.search({ indices: sensors, query, size: 0, facetFields: [...addressFields, ...geoFields] })
      : Promise.resolve(none),
    ruleFields.length > 0
      ? store.search({ indices: sensors, query: `${query} AND is_alert:true`, size: 0, facetFields: ruleFields })
      : Promise.resolve(none),
  ]);
  const eventsOverTime: Record<string, HistogramResponse['buckets']> = {};
  let events = 0;
  sensors.forEach((s, i) => {
    const h = perSensor[i] as HistogramResponse;
    eventsOverTime[s] = h.buckets;
    events += h.total;
  });
  const ruleCounts: Record<string, number> = {};
  for (const f of ruleFields) for (const [name, n] of Object.entries(ruleFacets.facetCounts?.[f] ?? {})) ruleCounts[name] = (ruleCounts[name] ?? 0) + n;
  const geo: GeoPoint[] = [];
  for (const f of geoFields) {
    const field = f.slice('enrichments.geo.'.length, -'.location_point'.length);
    for (const [point, count] of Object.entries(facets.facetCounts?.[f] ?? {})) {
      const [lat, lon] = point.split(',').map(Number);
      if (lat === undefined || lon === undefined || !Number.isFinite(lat) || !Number.isFinite(lon) || Math.abs(lat) > 90 || Math.abs(lon) > 180) continue;
      geo.push({ lat, lon, count, field });
    }
  }
  return {
    ...empty,
    interval: alerts.interval,
    eventsOverTime,
    alertsOverTime: alerts.buckets,
    totals: { events, alerts: alerts.total },
    topSources: topOf(facets.facetCounts?.['ip_src_addr'], top),
    topDestinations: topOf(facets.facetCounts?.['ip_dst_addr'], top),
    topRules: topOf(ruleCounts, top),
    geo: geo.sort((a, b) => b.count - a.count),
  };
}

export function registerDashboardRoutes(app: FastifyInstance, store: SearchStore): void {
  app.post<{ Body: DashboardRequest }>('/api/v1/dashboard', {
    schema: {
      summary: 'Dashboard data: events over time per sensor, alerts over time, top talkers, top triage rules, geo points',
      body: dashboardRequestSchema,
    },
  }, async (request) => dashboard(store, request.body ?? {}));
}
