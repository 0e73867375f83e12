/**
 * The Health page: per sensor and stage rates over the last minute, invalid / error counts with
 * the sensor's latest error records (the error index), lag per stage (end vs committed offsets),
 * and the silent / low-rate warning with the rule that raises it. Refreshed every 5 s.
 */
import { useEffect, useState } from 'react';
import { api, errorText, type SearchResponse } from '../../api.ts';
import { Link } from '../../layout.tsx';
import { writeView } from '../alerts/url-state.ts';
import { sensorApi, type HealthReport, type SensorHealth } from '../sensors/sensor-api.ts';
import { StateBadge } from '../sensors/sensor-list.tsx';
import '../sensors/sensors.css';

const REFRESH_MS = 5000;

function RecentErrors({ sensor }: { sensor: SensorHealth }) {
  const [errors, setErrors] = useState<SearchResponse | null>(null);
  const [failure, setFailure] = useState<string | null>(null);
  useEffect(() => {
    api.search({ ...sensor.errorSearch, from: 0, size: 10, sort: [{ field: 'timestamp', sortOrder: 'desc' }] }).then(setErrors, (err: unknown) => setFailure(errorText(err)));
  }, [sensor.errorSearch]);
  if (failure) return <p className="error">{failure}</p>;
  if (!errors) return <p className="loading">Loading errors…</p>;
  return (
    <div>
      <p className="muted">
        {errors.total} error records; search <code>{sensor.errorSearch.query}</code> in the <code>{sensor.errorSearch.indices.join(', ')}</code> index
        {' '}(<Link to={`/alerts?${errorsView(sensor.errorSearch.query)}`}>open in Alerts</Link>). Latest:
      </p>
      <table className="grid">
        <thead><tr><th scope="col">Time</th><th scope="col">Stage</th><th scope="col">Type</th><th scope="col">Reason</th><th scope="col">Raw</th></tr></thead>
        <tbody>
          {errors.results.map((r) => (
            <tr key={r.id}>
              <td>{new Date(Number(r.source['timestamp'])).toLocaleString()}</td>
              <td>{String(r.source['stage'] ?? '')}</td>
              <td>{String(r.source['error_type'] ?? '')}</td>
              <td>{String(r.source['message'] ?? '')}</td>
              <td className="mono raw-line">{String(r.source['raw_message'] ?? '').slice(0, 120)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

export default function HealthPage() {
  const [report, setReport] = useState<HealthReport | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [open, setOpen] = useState<string | null>(null);

  useEffect(() => {
    const controller = new AbortController();
    const load = () =>
      sensorApi.health(controller.signal).then(
        (r) => {
          setReport(r);
          setError(null);
        },
        (err: unknown) => {
          if ((err as Error).name !== 'AbortError') setError(errorText(err));
        },
      );
    void load();
    const timer = setInterval(load, REFRESH_MS);
    return () => {
      clearInterval(timer);
      controller.abort();
    };
  }, []);

  if (!report) return error ? <p className="error" role="alert">{error}</p> : <p className="loading">Loading health…</p>;
  const warnings = report.sensors.filter((s) => s.state === 'silent' || s.state === 'low');
  const r = report.rules;
  return (
    <section className="page health-page" aria-labelledby="page-title">
      <h1 id="page-title">Pipeline health</h1>
      {error && <p className="error" role="alert">{error}</p>}
      <p role="status" className={report.status === 'OK' ? 'ok-text' : 'error'}>
        {report.status === 'OK' ? 'All sensors within their usual rates.' : `Warning: ${warnings.map((w) => `${w.sensor} ${w.state} (${w.reason ?? ''})`).join('; ')}`}
      </p>
      <p className="muted">
        A sensor is <b>silent</b> when it received nothing for {r.recentMinutes} min, and <b>low</b> when its rate over the last {r.recentMinutes} min is below{' '}
        {Math.round(r.lowRatio * 100)}% of its usual rate (its average over the {r.baselineMinutes} min before); it is judged once {r.minBaselineMinutes} min of history exist. Rates are over the last minute.
      </p>
      <table className="grid">
        <caption className="visually-hidden">Sensors</caption>
        <thead>
          <tr>
            <th scope="col">Sensor</th>
            <th scope="col">State</th>
            <th scope="col" className="num">Received/s</th>
            <th scope="col" className="num">Parsed/s</th>
            <th scope="col" className="num">Enriched/s</th>
            <th scope="col" className="num">Indexed/s</th>
            <th scope="col" className="num">Alerts/s</th>
            <th scope="col" className="num">Usual/s</th>
            <th scope="col" className="num">Invalid</th>
            <th scope="col" className="num">Errors</th>
            <th scope="col" className="num">Parse lag</th>
            <th scope="col">Error records</th>
          </tr>
        </thead>
        <tbody>
          {report.sensors.map((s) => {
            const errors = (s.totals['errors'] ?? 0) + (s.totals['enrich_errors'] ?? 0) + (s.totals['index_errors'] ?? 0) + (s.totals['refused'] ?? 0);
            return (
              <tr key={s.sensor}>
                <th scope="row">{s.sensor}</th>
                <td><StateBadge state={s.state} reason={s.reason} /></td>
                <td className="num">{s.rates.received}</td>
                <td className="num">{s.rates.parsed}</td>
                <td className="num">{s.rates.enriched}</td>
                <td className="num">{s.rates.indexed}</td>
                <td className="num">{s.rates.alerts}</td>
                <td className="num">{s.usualRate ?? '—'}</td>
                <td className="num">{s.totals['invalid'] ?? 0}</td>
                <td className="num">{errors}</td>
                <td className="num">{s.lag}</td>
                <td>
                  <button type="button" aria-expanded={open === s.sensor} onClick={() => setOpen(open === s.sensor ? null : s.sensor)}>
                    {open === s.sensor ? 'Hide' : 'Show'} errors
                  </button>
                </td>
              </tr>
            );
          })}
        </tbody>
      </table>
      {open && report.sensors.find((s) => s.sensor === open) && (
        <section aria-label={`Errors of ${open}`}>
          <h2>Error records of {open}</h2>
          <RecentErrors sensor={report.sensors.find((s) => s.sensor === open) as SensorHealth} />
        </section>
      )}
      <h2>Stages</h2>
      <table className="grid">
        <thead>
          <tr>
            <th scope="col">Stage</th><th scope="col">Sensor</th><th scope="col">Topic</th><th scope="col">Consumer group</th>
            <th scope="col" className="num">End offset</th><th scope="col" className="num">Committed</th><th scope="col" className="num">Lag</th>
          </tr>
        </thead>
        <tbody>
          {report.stages.map((s) => (
            <tr key={`${s.group}/${s.topic}`}>
              <td>{s.stage}</td><td>{s.sensor}</td><td className="mono">{s.topic}</td><td className="mono">{s.group}</td>
              <td className="num">{s.end}</td><td className="num">{s.committed}</td><td className="num">{s.lag}</td>
            </tr>
          ))}
        </tbody>
      </table>
      <p className="muted">Updated {new Date(report.at).toLocaleTimeString()}.</p>
    </section>
  );
}

/** The alerts page's address showing a sensor's error records: all events (not only alerts), all time. */
export function errorsView(query: string): string {
  return writeView({ query, filters: [], range: { kind: 'all' }, alertsOnly: false, open: null });
}
