/**
 * One sensor's configs: parser, enrichment, triage and indexing, each as a form and as JSON, saved
 * through the REST API (which applies them to the running pipeline), and the sample panel.
 */
import { useEffect, useState } from 'react';
import { ApiError, errorText } from '../../api.ts';
import { Link } from '../../layout.tsx';
import { navigate } from '../../router.ts';
import { EnrichmentForm, IndexingForm, ParserForm, TriageForm } from './forms.tsx';
import { SamplePanel } from './sample-panel.tsx';
import { sensorApi, type Json, type ParserInfo, type SensorConfigKind } from './sensor-api.ts';

type Tab = 'parser' | 'enrichment' | 'triage' | 'indexing' | 'sample';
const TABS: Array<{ tab: Tab; title: string }> = [
  { tab: 'parser', title: 'Parser' },
  { tab: 'enrichment', title: 'Enrichment' },
  { tab: 'triage', title: 'Triage' },
  { tab: 'indexing', title: 'Indexing' },
  { tab: 'sample', title: 'Test with a sample' },
];
/** The config file each tab edits (triage rules live in the enrichment config). */
const KIND_OF: Record<Exclude<Tab, 'sample'>, SensorConfigKind> = { parser: 'parser', enrichment: 'enrichment', triage: 'enrichment', indexing: 'indexing' };

type Drafts = Record<SensorConfigKind, Json | null>;

async function readOrNull(kind: SensorConfigKind, name: string): Promise<Json | null> {
  try {
    return await sensorApi.read(kind, name);
  } catch (err) {
    if (err instanceof ApiError && err.status === 404) return null;
    throw err;
  }
}

/** The whole config as JSON text; edits that are not a JSON object are not handed up. */
function JsonView({ value, onChange }: { value: Json | null; onChange(v: Json): void }) {
  const [text, setText] = useState(() => JSON.stringify(value ?? {}, null, 2));
  const [error, setError] = useState<string | null>(null);
  return (
    <div className="json-view">
      <label htmlFor="config-json">Config as JSON</label>
      <textarea
        id="config-json"
        className="mono"
        rows={24}
        spellCheck={false}
        value={text}
        aria-invalid={error !== null}
        onChange={(e) => {
          setText(e.target.value);
          try {
            const parsed = JSON.parse(e.target.value) as unknown;
            if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) throw new Error('expected a JSON object');
            setError(null);
            onChange(parsed as Json);
          } catch (err) {
            setError((err as Error).message);
          }
        }}
      />
      {error && <p className="error" role="alert">JSON: {error}</p>}
    </div>
  );
}

export function SensorDetail({ name, admin }: { name: string; admin: boolean }) {
  const [tab, setTab] = useState<Tab>('parser');
  const [asJson, setAsJson] = useState(false);
  const [saved, setSaved] = useState<Drafts | null>(null);
  const [drafts, setDrafts] = useState<Drafts | null>(null);
  const [parsers, setParsers] = useState<ParserInfo[]>([]);
  const [aggregators, setAggregators] = useState<string[]>([]);
  const [status, setStatus] = useState<{ kind: 'ok' | 'error'; text: string } | null>(null);
  const [busy, setBusy] = useState(false);
  const [loadError, setLoadError] = useState<string | null>(null);

  useEffect(() => {
    let live = true;
    Promise.all([readOrNull('parser', name), readOrNull('enrichment', name), readOrNull('indexing', name), sensorApi.parsers(), sensorApi.aggregators()])
      .then(([parser, enrichment, indexing, p, a]) => {
        if (!live) return;
        const loaded = { parser, enrichment, indexing };
        setSaved(loaded);
        setDrafts(loaded);
        setParsers(p);
        setAggregators(a);
      })
      .catch((err: unknown) => live && setLoadError(errorText(err)));
    return () => {
      live = false;
    };
  }, [name]);

  if (loadError) return <p className="error" role="alert">{loadError}</p>;
  if (!drafts || !saved) return <p className="loading">Loading {name}…</p>;

  const kind = tab === 'sample' ? null : KIND_OF[tab];
  const draft = kind ? drafts[kind] : null;
  const dirty = kind !== null && JSON.stringify(draft) !== JSON.stringify(saved[kind]);
  const setDraft = (k: SensorConfigKind, v: Json) => {
    setDrafts({ ...drafts, [k]: v });
    setStatus(null);
  };

  async function save() {
    if (!kind || !drafts) return;
    const value = drafts[kind];
    if (!value) return;
    setBusy(true);
    setStatus(null);
    try {
      await sensorApi.save(kind, name, value);
      setSaved({ ...(saved as Drafts), [kind]: value });
      setStatus({ kind: 'ok', text: `Saved ${kind}s/${name}.json and applied to the running pipeline.` });
    } catch (err) {
      setStatus({ kind: 'error', text: errorText(err) });
    } finally {
      setBusy(false);
    }
  }

  async function remove() {
    if (!kind || !window.confirm(`Delete the ${kind} config of ${name}?`)) return;
    setBusy(true);
    try {
      await sensorApi.remove(kind, name);
      if (kind === 'parser') {
        navigate('/sensors');
        return;
      }
      setSaved({ ...saved!, [kind]: null });
      setDrafts({ ...drafts!, [kind]: null });
      setStatus({ kind: 'ok', text: `Deleted the ${kind} config; the pipeline no longer uses it.` });
    } catch (err) {
      setStatus({ kind: 'error', text: errorText(err) });
    } finally {
      setBusy(false);
    }
  }

  const formFor = (t: Exclude<Tab, 'sample'>) => {
    const k = KIND_OF[t];
    const value = drafts[k] ?? {};
    const change = (v: Json) => setDraft(k, v);
    if (t === 'parser') return <ParserForm config={value} onChange={change} parsers={parsers} />;
    if (t === 'enrichment') return <EnrichmentForm config={value} onChange={change} />;
    if (t === 'triage') return <TriageForm config={value} onChange={change} aggregators={aggregators} />;
    return <IndexingForm config={value} onChange={change} />;
  };

  return (
    <section className="page sensor-detail" aria-labelledby="page-title">
      <p><Link to="/sensors">← Sensors</Link></p>
      <h1 id="page-title">Sensor {name}</h1>
      <div
        role="tablist"
        aria-label="Configs"
        className="tabs"
        onKeyDown={(e) => {
          // WAI-ARIA tabs: arrows move between tabs, Home / End to the first / last
          const i = TABS.findIndex((t) => t.tab === tab);
          const to = e.key === 'ArrowRight' ? (i + 1) % TABS.length : e.key === 'ArrowLeft' ? (i - 1 + TABS.length) % TABS.length : e.key === 'Home' ? 0 : e.key === 'End' ? TABS.length - 1 : -1;
          const next = TABS[to];
          if (!next) return;
          e.preventDefault();
          setTab(next.tab);
          setStatus(null);
          document.getElementById(`tab-${next.tab}`)?.focus();
        }}
      >
        {TABS.map((t) => (
          <button key={t.tab} type="button" role="tab" id={`tab-${t.tab}`} aria-selected={tab === t.tab} tabIndex={tab === t.tab ? 0 : -1} aria-controls="tab-panel" className={tab === t.tab ? 'pressed' : undefined} onClick={() => { setTab(t.tab); setStatus(null); }}>
            {t.title}
          </button>
        ))}
      </div>
      <div role="tabpanel" id="tab-panel" aria-labelledby={`tab-${tab}`}>
        {tab === 'sample' ? (
          <SamplePanel sensor={name} parser={drafts.parser} enrichment={drafts.enrichment} />
        ) : (
          <>
            <div className="row toolbar">
              <label className="inline"><input type="checkbox" checked={asJson} onChange={(e) => setAsJson(e.target.checked)} /> edit as JSON</label>
              {draft === null && <span className="muted">No {KIND_OF[tab]} config yet{tab === 'indexing' ? ' (defaults apply)' : ''}: saving creates it.</span>}
              <span className="spacer" />
              {dirty && <span className="notice">unsaved changes</span>}
              <button type="button" disabled={!dirty} onClick={() => setDrafts({ ...drafts, [KIND_OF[tab]]: saved[KIND_OF[tab]] })}>Revert</button>
              <button type="button" className="primary" disabled={!admin || busy || !dirty} title={admin ? undefined : 'saving needs the admin role'} onClick={() => void save()}>Save and apply</button>
              {saved[KIND_OF[tab]] !== null && <button type="button" className="danger" disabled={!admin || busy} onClick={() => void remove()}>Delete</button>}
            </div>
            {status && <p className={status.kind === 'ok' ? 'ok-text' : 'error'} role={status.kind === 'ok' ? 'status' : 'alert'}>{status.text}</p>}
            {asJson ? <JsonView key={`${tab}-json`} value={draft} onChange={(v) => setDraft(KIND_OF[tab], v)} /> : <div key={`${tab}-form`}>{formFor(tab)}</div>}
          </>
        )}
      </div>
    </section>
  );
}
