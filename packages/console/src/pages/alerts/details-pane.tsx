/**
 * One alert with all its context in one pane: summary and workflow (status, assignee), the
 * network 5-tuple, triage rules with score and reason, threat intel hits with the matching
 * indicator, enrichments grouped by adapter and field, the other fields, the raw
 * `original_string`, comments, and the audit history (`/update/history`). A meta-alert shows its
 * alerts instead, each openable; its status applies to all of them.
 */
import { useCallback, useEffect, useRef, useState, type FormEvent, type ReactNode } from 'react';
import { ALERT_STATUSES, api, errorText, type AuditChange, type Doc, type AlertStatus } from '../../api.ts';
import { formatTime, formatValue } from './format.ts';
import { scoreClass } from './query.ts';
import { enrichmentGroups, threatIntelHits, triageRules } from './doc-groups.ts';

export interface DetailsPaneProps {
  guid: string;
  sensorType: string;
  user: string;
  onClose(): void;
  /** Opens another document (a meta-alert's child). */
  onOpen(guid: string, sensorType: string): void;
  /** The document changed (refresh the list). */
  onChanged(): void;
  /** Changes when the page changed this document by other means (bulk status, meta-alert edits): reload it. */
  reloadToken?: number;
}

const NETWORK = ['ip_src_addr', 'ip_src_port', 'ip_dst_addr', 'ip_dst_port', 'protocol'];
const SUMMARY = ['guid', 'source.type', 'timestamp', 'is_alert'];
const WORKFLOW = ['alert_status', 'alert_assignee', 'comments', 'metaalerts'];
const META = ['metron_alert', 'status', 'groups', 'max', 'min', 'average', 'count', 'sum', 'median'];

interface Comment {
  comment: string;
  username: string;
  timestamp: number;
}

function Fields({ entries, label }: { entries: Array<[string, unknown]>; label: string }) {
  if (entries.length === 0) return null;
  return (
    <dl className="fields" aria-label={label}>
      {entries.map(([k, v]) => (
        <div key={k} className="field">
          <dt>{k}</dt>
          <dd>{formatValue(k, v)}</dd>
        </div>
      ))}
    </dl>
  );
}

function Section({ title, children, open = true }: { title: string; children: ReactNode; open?: boolean }) {
  return (
    <details open={open} className="detail-section">
      <summary><h3>{title}</h3></summary>
      {children}
    </details>
  );
}

/** The users an alert can be assigned to, asked for once per page load (none when the server says no). */
let userNames: Promise<string[]> | undefined;
function knownUsers(): Promise<string[]> {
  userNames ??= api.userNames().catch(() => []);
  return userNames;
}

export function DetailsPane({ guid, sensorType, user, onClose, onOpen, onChanged, reloadToken = 0 }: DetailsPaneProps) {
  const [doc, setDoc] = useState<Doc | null>(null);
  const [history, setHistory] = useState<AuditChange[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const [comment, setComment] = useState('');
  const [assignee, setAssignee] = useState('');
  const [users, setUsers] = useState<string[]>([]);
  useEffect(() => {
    let live = true;
    void knownUsers().then((names) => live && setUsers(names));
    return () => {
      live = false;
    };
  }, []);
  const heading = useRef<HTMLHeadingElement>(null);

  const load = useCallback(async () => {
    try {
      const [found, trail] = await Promise.all([api.findOne(guid, sensorType), api.history(guid).catch(() => null)]);
      setDoc(found);
      setAssignee(typeof found['alert_assignee'] === 'string' ? found['alert_assignee'] : '');
      setHistory(trail ? trail.changes : null);
      setError(null);
    } catch (err) {
      setError(errorText(err));
    }
  }, [guid, sensorType]);

  useEffect(() => {
    setDoc(null);
    setHistory(null);
    void load();
  }, [load]);

  useEffect(() => {
    if (reloadToken > 0) void load();
  }, [reloadToken, load]);

  useEffect(() => {
    heading.current?.focus();
  }, [guid]);

  async function act(action: () => Promise<unknown>) {
    setBusy(true);
    try {
      await action();
      await load();
      onChanged();
    } catch (err) {
      setError(errorText(err));
    } finally {
      setBusy(false);
    }
  }

  function submitComment(event: FormEvent) {
    event.preventDefault();
    const text = comment.trim();
    if (text === '') return;
    void act(async () => {
      await api.addComment(guid, sensorType, text);
      setComment('');
    });
  }

  function submitAssignee(event: FormEvent) {
    event.preventDefault();
    const name = assignee.trim();
    void act(() => api.assign(guid, sensorType, name === '' ? null : name));
  }

  const isMeta = sensorType === 'metaalert' || doc?.['source.type'] === 'metaalert';
  const status = typeof doc?.['alert_status'] === 'string' ? (doc['alert_status'] as string) : 'NEW';
  const comments = (Array.isArray(doc?.['comments']) ? (doc['comments'] as Comment[]) : []).slice().sort((a, b) => a.timestamp - b.timestamp);
  const rules = doc ? triageRules(doc) : [];
  const intel = doc ? threatIntelHits(doc) : { hits: [], other: [] };
  const enrichments = doc ? enrichmentGroups(doc) : [];
  const children = isMeta && Array.isArray(doc?.['metron_alert']) ? (doc['metron_alert'] as Doc[]) : [];
  const shown = new Set([...NETWORK, ...SUMMARY, ...WORKFLOW, ...META, 'original_string', 'threat.triage.score']);
  const other = doc
    ? Object.entries(doc).filter(([k]) => !shown.has(k) && !k.startsWith('enrichments.') && !k.startsWith('threatintels.') && !k.startsWith('threat.triage.rules.')).sort((a, b) => a[0].localeCompare(b[0]))
    : [];

  return (
    <aside className="details" aria-labelledby="details-title" onKeyDown={(e) => e.key === 'Escape' && onClose()}>
      <header className="details-head">
        <h2 id="details-title" ref={heading} tabIndex={-1}>
          {isMeta ? 'Meta-alert' : 'Alert'} <span className="muted mono">{guid}</span>
        </h2>
        <button type="button" onClick={onClose} aria-label="Close details">×</button>
      </header>
      {error && <p className="error" role="alert">{error}</p>}
      {!doc && !error && <p className="loading" role="status">Loading…</p>}
      {doc && (
        <div className="details-body">
          <div className="summary">
            <span className={`score big ${scoreClass(doc['threat.triage.score'])}`} title="threat.triage.score">
              {doc['threat.triage.score'] === undefined ? '–' : formatValue('threat.triage.score', doc['threat.triage.score'])}
            </span>
            <div>
              <div><strong>{String(doc['source.type'] ?? sensorType)}</strong> · {formatTime(doc['timestamp'])}</div>
              <div className="muted">status <span className={`status status-${status.toLowerCase()}`}>{status}</span>
                {typeof doc['alert_assignee'] === 'string' && <> · assigned to <strong>{doc['alert_assignee']}</strong></>}
              </div>
            </div>
          </div>

          <div className="workflow">
            <div role="group" aria-label="Set status" className="status-buttons">
              {ALERT_STATUSES.map((s) => (
                <button key={s} type="button" aria-pressed={status === s} disabled={busy} onClick={() => void act(() => api.setStatus(guid, sensorType, s as AlertStatus))}>
                  {s}
                </button>
              ))}
            </div>
            <form className="assign" onSubmit={submitAssignee}>
              <label>
                Assignee
                <input value={assignee} onChange={(e) => setAssignee(e.target.value)} placeholder="user name" list="assignee-names" autoComplete="off" />
              </label>
              <datalist id="assignee-names">
                {users.map((name) => <option key={name} value={name} />)}
              </datalist>
              <button type="submit" disabled={busy}>Assign</button>
              <button type="button" disabled={busy} onClick={() => void act(() => api.assign(guid, sensorType, user))}>Assign to me</button>
            </form>
          </div>

          {!isMeta && Array.isArray(doc['metaalerts']) && (doc['metaalerts'] as unknown[]).length > 0 && (
            <p className="part-of">
              Part of meta-alert{(doc['metaalerts'] as unknown[]).length > 1 ? 's' : ''}{' '}
              {(doc['metaalerts'] as unknown[]).map((m) => (
                <button key={String(m)} type="button" className="link mono" onClick={() => onOpen(String(m), 'metaalert')}>{String(m)}</button>
              ))}
            </p>
          )}

          {isMeta && (
            <Section title={`Alerts in this meta-alert (${children.length})`}>
              <ul className="children">
                {children.map((c) => (
                  <li key={String(c['guid'])}>
                    <button type="button" className="link" onClick={() => onOpen(String(c['guid']), String(c['source.type']))}>
                      <span className={`score ${scoreClass(c['threat.triage.score'])}`}>{formatValue('threat.triage.score', c['threat.triage.score'] ?? '–')}</span>{' '}
                      {String(c['source.type'])} {formatTime(c['timestamp'])} {String(c['ip_src_addr'] ?? '')} → {String(c['ip_dst_addr'] ?? '')}
                    </button>
                    <button type="button" className="icon" aria-label={`Remove alert ${String(c['guid'])} from this meta-alert`} disabled={busy}
                      onClick={() => void act(() => api.removeFromMetaAlert(guid, [{ guid: String(c['guid']), sensorType: String(c['source.type']) }]))}>×</button>
                  </li>
                ))}
              </ul>
              <Fields label="Score statistics" entries={['count', 'sum', 'max', 'min', 'average', 'median'].filter((k) => doc[k] !== undefined).map((k) => [k, doc[k]])} />
              <button type="button" className="danger" disabled={busy} onClick={() => void act(async () => {
                await api.metaAlertStatus(guid, 'INACTIVE');
                onClose();
              })}>Dissolve meta-alert (inactive)</button>
            </Section>
          )}

          {!isMeta && (
            <Section title="Network">
              <Fields label="Network" entries={NETWORK.filter((k) => doc[k] !== undefined).map((k) => [k, doc[k]])} />
            </Section>
          )}

          {rules.length > 0 && (
            <Section title="Triage">
              <table className="rules">
                <thead><tr><th>rule</th><th>score</th><th>reason</th></tr></thead>
                <tbody>
                  {rules.map((r) => (
                    <tr key={r.index}>
                      <td>{r.name ?? `rule ${r.index}`}{r.comment && <div className="muted">{r.comment}</div>}</td>
                      <td><span className={`score ${scoreClass(r.score)}`}>{formatValue('score', r.score)}</span></td>
                      <td>{formatValue('reason', r.reason)}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </Section>
          )}

          {(intel.hits.length > 0 || intel.other.length > 0) && (
            <Section title="Threat intel">
              <ul className="intel">
                {intel.hits.map((h) => (
                  <li key={`${h.adapter}.${h.field}.${h.type}`}>
                    <strong>{String(h.indicator)}</strong> in <code>{h.field}</code> matched <code>{h.type}</code> <span className="muted">({h.adapter})</span>
                  </li>
                ))}
              </ul>
              <Fields label="Other threat intel fields" entries={intel.other} />
            </Section>
          )}

          {enrichments.length > 0 && (
            <Section title="Enrichments">
              {enrichments.map((g) => (
                <div key={g.title} className="enrichment-group">
                  <h4>{g.title}</h4>
                  <Fields label={g.title} entries={g.entries} />
                </div>
              ))}
            </Section>
          )}

          <Section title="Fields" open={false}>
            <Fields label="Other fields" entries={[...SUMMARY.filter((k) => doc[k] !== undefined).map((k): [string, unknown] => [k, doc[k]]), ...other]} />
          </Section>

          {typeof doc['original_string'] === 'string' && (
            <Section title="Raw message" open={false}>
              <pre className="raw" aria-label="original_string">{doc['original_string']}</pre>
            </Section>
          )}

          <Section title={`Comments (${comments.length})`}>
            <ul className="comments">
              {comments.map((c) => (
                <li key={`${c.timestamp}-${c.username}-${c.comment}`}>
                  <div className="comment-head"><strong>{c.username}</strong> <span className="muted">{formatTime(c.timestamp)}</span>
                    {c.username === user && (
                      <button type="button" className="icon" aria-label="Delete comment" disabled={busy}
                        onClick={() => void act(() => api.removeComment(guid, sensorType, c.comment, c.username, c.timestamp))}>×</button>
                    )}
                  </div>
                  <div className="comment-text">{c.comment}</div>
                </li>
              ))}
            </ul>
            <form onSubmit={submitComment} className="comment-form">
              <label htmlFor="new-comment" className="visually-hidden">New comment</label>
              <textarea id="new-comment" rows={2} value={comment} onChange={(e) => setComment(e.target.value)} placeholder="Add a comment"
                onKeyDown={(e) => { if (e.key === 'Enter' && (e.ctrlKey || e.metaKey)) submitComment(e); }} />
              <button type="submit" disabled={busy || comment.trim() === ''}>Comment</button>
            </form>
          </Section>

          <Section title="History" open={false}>
            {history === null ? <p className="muted">No history available.</p> : history.length === 0 ? <p className="muted">No changes yet.</p> : (
              <table className="history" aria-label="Audit history">
                <thead><tr><th>when</th><th>who</th><th>what</th><th>from</th><th>to</th></tr></thead>
                <tbody>
                  {history.map((h) => (
                    <tr key={h.guid}>
                      <td>{formatTime(h.timestamp)}</td>
                      <td>{h.user}</td>
                      <td>{h.field} <span className="muted">({h.request})</span></td>
                      <td className="mono">{h.old_value === undefined ? '' : JSON.stringify(h.old_value)}</td>
                      <td className="mono">{h.new_value === undefined ? '' : JSON.stringify(h.new_value)}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            )}
          </Section>
        </div>
      )}
    </aside>
  );
}
