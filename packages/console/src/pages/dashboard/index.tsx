/**
 * The Dashboard: events over time per sensor, alerts over time, top talkers, the triage rules that
 * fired most, and a world map of geo-enriched addresses, from `POST /api/v1/dashboard` (the search
 * store's histogram and facet queries). Refreshed every 30 s.
 */
import { useEffect, useId, useState } from 'react';
import { errorText, post } from '../../api.ts';
import { BarList, PALETTE, TimeChart, WorldMap } from './charts.tsx';
import '../sensors/sensors.css';

interface Dashboard {
  from: number;
  to: number;
  interval: number;
  sensors: string[];
  eventsOverTime: Record<string, Array<{ key: number; count: number }>>;
  alertsOverTime: Array<{ key: number; count: number }>;
  totals: { events: number; alerts: number };
  topSources: Array<{ value: string; count: number }>;
  topDestinations: Array<{ value: string; count: number }>;
  topRules: Array<{ value: string; count: number }>;
  geo: Array<{ lat: number; lon: number; count: number; field: string }>;
}

const RANGES = [
  { label: 'Last hour', ms: 3_600_000 },
  { label: 'Last 6 hours', ms: 6 * 3_600_000 },
  { label: 'Last 24 hours', ms: 86_400_000 },
  { label: 'Last 7 days', ms: 7 * 86_400_000 },
  { label: 'Last 30 days', ms: 30 * 86_400_000 },
];
const REFRESH_MS = 30_000;

export default function DashboardPage() {
  const id = useId();
  const [range, setRange] = useState(RANGES[0]!.ms);
  const [query, setQuery] = useState('');
  const [applied, setApplied] = useState('');
  const [data, setData] = useState<Dashboard | null>(null);
  const [error, setError] = useState<string | null>(null);

  useEffect(() => {
    const controller = new AbortController();
    const load = () => {
      const to = Date.now();
      post<Dashboard>('/dashboard', { from: to - range, to, ...(applied.trim() !== '' ? { query: applied } : {}) }, controller.signal).then(
        (d) => {
          setData(d);
          setError(null);
        },
        (err: unknown) => {
          if ((err as Error).name !== 'AbortError') setError(errorText(err));
        },
      );
    };
    load();
    const timer = setInterval(load, REFRESH_MS);
    return () => {
      clearInterval(timer);
      controller.abort();
    };
  }, [range, applied]);

  const colorOf = (i: number) => PALETTE[i % PALETTE.length] as string;
  return (
    <section className="page dashboard-page" aria-labelledby="page-title">
      <h1 id="page-title">Dashboard</h1>
      <form className="row" onSubmit={(e) => { e.preventDefault(); setApplied(query); }}>
        <label htmlFor={`${id}-range`}>Time range</label>
        <select id={`${id}-range`} value={range} onChange={(e) => setRange(Number(e.target.value))}>
          {RANGES.map((r) => <option key={r.ms} value={r.ms}>{r.label}</option>)}
        </select>
        <label htmlFor={`${id}-q`}>Filter</label>
        <input id={`${id}-q`} className="mono" size={40} placeholder="Lucene query, e.g. ip_src_addr:10.0.0.1" value={query} onChange={(e) => setQuery(e.target.value)} />
        <button type="submit">Apply</button>
      </form>
      {error && <p className="error" role="alert">{error}</p>}
      {!data ? (
        !error && <p className="loading">Loading…</p>
      ) : (
        <>
          <p role="status">{data.totals.events} events and {data.totals.alerts} alerts in {data.sensors.length} sensors.</p>
          <div className="cards">
            <div className="card">
              <h2>Events over time per sensor</h2>
              <TimeChart label="Events over time per sensor" from={data.from} to={data.to} interval={data.interval} series={data.sensors.map((s, i) => ({ name: s, buckets: data.eventsOverTime[s] ?? [], color: colorOf(i) }))} />
              <div className="legend">{data.sensors.map((s, i) => <span key={s}><i style={{ background: colorOf(i) }} />{s}</span>)}</div>
            </div>
            <div className="card">
              <h2>Alerts over time</h2>
              <TimeChart label="Alerts over time" bars from={data.from} to={data.to} interval={data.interval} series={[{ name: 'alerts', buckets: data.alertsOverTime, color: '#c92a2a' }]} />
            </div>
            <div className="card">
              <h2>Top sources</h2>
              <BarList label="Top source addresses" items={data.topSources} onPick={(v) => setQuery(`ip_src_addr:${v}`)} />
            </div>
            <div className="card">
              <h2>Top destinations</h2>
              <BarList label="Top destination addresses" items={data.topDestinations} onPick={(v) => setQuery(`ip_dst_addr:${v}`)} />
            </div>
            <div className="card">
              <h2>Top firing triage rules</h2>
              <BarList label="Top firing triage rules" items={data.topRules} />
            </div>
            <div className="card">
              <h2>Geo-enriched addresses</h2>
              <WorldMap points={data.geo} />
            </div>
          </div>
        </>
      )}
    </section>
  );
}
