/**
 * "Test with a sample": raw lines through the pipeline's own parse, enrichment, threat intel and
 * triage (POST /api/v1/sensor/sample), with the drafts being edited (unsaved) or the saved configs.
 * Nothing is written or indexed.
 */
import { useId, useState } from 'react';
import { errorText } from '../../api.ts';
import { sensorApi, type Json, type SampleLine } from './sensor-api.ts';

/** Triage and alert fields first, then the rest in name order. */
function orderedFields(doc: Record<string, unknown>): Array<[string, unknown]> {
  const rank = (k: string) => (k === 'is_alert' || k.startsWith('threat.triage') ? 0 : k.startsWith('threatintels.') ? 1 : k.startsWith('enrichments.') ? 2 : 3);
  return Object.entries(doc).sort(([a], [b]) => rank(a) - rank(b) || (a < b ? -1 : a > b ? 1 : 0));
}

export function SamplePanel({ sensor, parser, enrichment }: { sensor: string; parser: Json | null; enrichment: Json | null }) {
  const id = useId();
  const [text, setText] = useState('');
  const [useDrafts, setUseDrafts] = useState(true);
  const [results, setResults] = useState<SampleLine[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [running, setRunning] = useState(false);

  async function run() {
    setRunning(true);
    setError(null);
    try {
      const out = await sensorApi.sample({
        sensorType: sensor,
        sampleData: text,
        ...(useDrafts && parser ? { sensorParserConfig: parser } : {}),
        ...(useDrafts && enrichment ? { sensorEnrichmentConfig: enrichment } : {}),
      });
      setResults(out.results);
    } catch (err) {
      setResults(null);
      setError(errorText(err));
    } finally {
      setRunning(false);
    }
  }

  return (
    <section className="sample-panel" aria-labelledby={`${id}-title`}>
      <h2 id={`${id}-title`}>Test with a sample</h2>
      <label htmlFor={`${id}-raw`}>Raw records, one per line</label>
      <textarea id={`${id}-raw`} className="mono" rows={6} value={text} spellCheck={false} onChange={(e) => setText(e.target.value)} placeholder="paste raw log lines here" />
      <div className="row">
        <label className="inline"><input type="checkbox" checked={useDrafts} onChange={(e) => setUseDrafts(e.target.checked)} /> use the unsaved edits</label>
        <button type="button" className="primary" disabled={running || text.trim() === ''} onClick={() => void run()}>{running ? 'Running…' : 'Run sample'}</button>
      </div>
      {error && <p className="error" role="alert">{error}</p>}
      {results && (
        <ol className="sample-results" aria-label="Sample results">
          {results.map((r) => (
            <li key={r.line} className={r.errors.some((e) => e.fatal !== false) ? 'failed' : undefined}>
              <div className="mono raw-line">line {r.line}: {r.raw.length > 200 ? `${r.raw.slice(0, 200)}…` : r.raw}</div>
              {r.dropped && r.messages.length === 0 && <p className="muted">dropped by the parser (filter or header line)</p>}
              {r.errors.map((e, i) => (
                <p key={i} className="error">{e.stage} ({e.errorType}{e.fatal === false ? ', message kept' : ''}): {e.reason}</p>
              ))}
              {r.messages.map((m, i) => (
                <table key={i} className="sample-message">
                  <tbody>
                    {orderedFields(m).map(([k, v]) => (
                      <tr key={k} className={k === 'is_alert' || k.startsWith('threat.triage') ? 'triage' : undefined}>
                        <th scope="row" className="mono">{k}</th>
                        <td className="mono">{typeof v === 'string' ? v : JSON.stringify(v)}</td>
                      </tr>
                    ))}
                  </tbody>
                </table>
              ))}
            </li>
          ))}
        </ol>
      )}
    </section>
  );
}
