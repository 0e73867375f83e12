/** The sensors with their live rates (from the pipeline health report, refreshed every 5 s), and a form to add one. */
import { useEffect, useState } from 'react';
import { errorText, get, post } from '../../api.ts';
import { Link } from '../../layout.tsx';
import { navigate } from '../../router.ts';
import { sensorApi, type HealthReport, type Json, type ParserInfo } from './sensor-api.ts';

const REFRESH_MS = 5000;

export function StateBadge({ state, reason }: { state: string; reason?: string | undefined }) {
  return <span className={`state state-${state}`} title={reason}>{state.replace('_', ' ')}</span>;
}

function NewSensor({ parsers }: { parsers: ParserInfo[] }) {
  const [name, setName] = useState('');
  const [parser, setParser] = useState('');
  const [error, setError] = useState<string | null>(null);
  async function create() {
    setError(null);
    try {
      await sensorApi.save('parser', name.trim(), { parserClassName: parser || parsers[0]?.className || 'JSONMap', parserConfig: {} });
      navigate(`/sensors/${encodeURIComponent(name.trim())}`);
    } catch (err) {
      setError(errorText(err));
    }
  }
  return (
    <form className="row new-sensor" onSubmit={(e) => { e.preventDefault(); void create(); }} aria-label="New sensor">
      <input aria-label="New sensor name" placeholder="new sensor name" value={name} onChange={(e) => setName(e.target.value)} />
      <select aria-label="Parser of the new sensor" value={parser} onChange={(e) => setParser(e.target.value)}>
        {parsers.map((p) => <option key={p.className} value={p.className}>{p.shortName}</option>)}
      </select>
      <button type="submit" disabled={name.trim() === ''}>Add sensor</button>
      {error && <span className="error" role="alert">{error}</span>}
    </form>
  );
}

/** The global config as JSON: shown on demand, saved (admin) and applied to the running pipeline. */
function GlobalConfig({ admin }: { admin: boolean }) {
  const [open, setOpen] = useState(false);
  const [text, setText] = useState<string | null>(null);
  const [status, setStatus] = useState<{ ok: boolean; text: string } | null>(null);
  useEffect(() => {
    if (!open || text !== null) return;
    get<Json>('/global/config').then((g) => setText(JSON.stringify(g, null, 2)), (err: unknown) => setStatus({ ok: false, text: errorText(err) }));
  }, [open, text]);
  async function save() {
    setStatus(null);
    let value: unknown;
    try {
      value = JSON.parse(text ?? '');
      if (value === null || typeof value !== 'object' || Array.isArray(value)) throw new Error('expected a JSON object');
    } catch (err) {
      setStatus({ ok: false, text: `JSON: ${(err as Error).message}` });
      return;
    }
    try {
      await post('/global/config', value);
      setStatus({ ok: true, text: 'Saved global.json and applied to the running pipeline.' });
    } catch (err) {
      setStatus({ ok: false, text: errorText(err) });
    }
  }
  return (
    <section className="global-config" aria-label="Global config">
      <button type="button" aria-expanded={open} onClick={() => setOpen(!open)}>{open ? 'Hide' : 'Show'} global config</button>
      {open && text !== null && (
        <div className="json-view">
          <label htmlFor="global-json">global.json</label>
          <textarea id="global-json" className="mono" rows={14} spellCheck={false} value={text} onChange={(e) => setText(e.target.value)} />
          <button type="button" className="primary" disabled={!admin} title={admin ? undefined : 'saving needs the admin role'} onClick={() => void save()}>Save and apply</button>
        </div>
      )}
      {status && <p className={status.ok ? 'ok-text' : 'error'} role={status.ok ? 'status' : 'alert'}>{status.text}</p>}
    </section>
  );
}

export function SensorList({ admin }: { admin: boolean }) {
  const [configs, setConfigs] = useState<Record<string, Json> | null>(null);
  const [health, setHealth] = useState<HealthReport | null>(null);
  const [parsers, setParsers] = useState<ParserInfo[]>([]);
  const [error, setError] = useState<string | null>(null);

  useEffect(() => {
    Promise.all([sensorApi.list('parser'), sensorApi.parsers()])
      .then(([c, p]) => {
        setConfigs(c);
        setParsers(p);
      })
      .catch((err: unknown) => setError(errorText(err)));
    const controller = new AbortController();
    const load = () => sensorApi.health(controller.signal).then(setHealth, () => undefined);
    void load();
    const timer = setInterval(load, REFRESH_MS);
    return () => {
      clearInterval(timer);
      controller.abort();
    };
  }, []);

  if (error) return <p className="error" role="alert">{error}</p>;
  if (!configs) return <p className="loading">Loading sensors…</p>;
  const bySensor = new Map((health?.sensors ?? []).map((s) => [s.sensor, s]));
  return (
    <section className="page sensors-page" aria-labelledby="page-title">
      <h1 id="page-title">Sensors</h1>
      <table className="grid">
        <caption className="visually-hidden">Sensors with their rates over the last minute</caption>
        <thead>
          <tr>
            <th scope="col">Sensor</th>
            <th scope="col">Parser</th>
            <th scope="col">State</th>
            <th scope="col" className="num">Received/s</th>
            <th scope="col" className="num">Indexed/s</th>
            <th scope="col" className="num">Alerts/s</th>
            <th scope="col" className="num">Invalid + errors</th>
            <th scope="col" className="num">Lag</th>
          </tr>
        </thead>
        <tbody>
          {Object.entries(configs).map(([name, cfg]) => {
            const h = bySensor.get(name);
            return (
              <tr key={name}>
                <th scope="row"><Link to={`/sensors/${encodeURIComponent(name)}`}>{name}</Link></th>
                <td className="mono">{String(cfg['parserClassName'] ?? '').split('.').pop()}</td>
                <td>{h ? <StateBadge state={h.state} reason={h.reason} /> : <span className="muted">—</span>}</td>
                <td className="num">{h?.rates.received ?? '—'}</td>
                <td className="num">{h?.rates.indexed ?? '—'}</td>
                <td className="num">{h?.rates.alerts ?? '—'}</td>
                <td className="num">{h ? (h.totals['invalid'] ?? 0) + (h.totals['errors'] ?? 0) : '—'}</td>
                <td className="num">{h?.lag ?? '—'}</td>
              </tr>
            );
          })}
        </tbody>
      </table>
      {admin ? <NewSensor parsers={parsers} /> : <p className="muted">Adding and editing sensors needs the admin role.</p>}
      <GlobalConfig admin={admin} />
    </section>
  );
}
