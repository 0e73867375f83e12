/** Picks an active meta-alert to add the selected alerts to (`/metaalert/search`). */
import { useEffect, useState } from 'react';
import { api, errorText, type SearchResult } from '../../api.ts';
import { formatTime, formatValue } from './format.ts';
import { scoreClass } from './query.ts';
import { Modal } from './modal.tsx';

export function MetaAlertDialog({ count, onPick, onClose }: { count: number; onPick(guid: string): void; onClose(): void }) {
  const [list, setList] = useState<SearchResult[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    api.searchMetaAlerts({ indices: ['metaalert'], query: '*', from: 0, size: 100, sort: [{ field: 'timestamp', sortOrder: 'desc' }] })
      .then((answer) => setList(answer.results), (err: unknown) => setError(errorText(err)));
  }, []);
  return (
    <Modal labelledBy="meta-title" onClose={onClose}>
        <h2 id="meta-title">Add {count} alert{count === 1 ? '' : 's'} to a meta-alert</h2>
        {error && <p className="error" role="alert">{error}</p>}
        {list === null && !error && <p className="loading" role="status">Loading…</p>}
        {list && list.length === 0 && <p className="muted">No active meta-alerts. Use “Create meta-alert” instead.</p>}
        {list && list.length > 0 && (
          <ul className="meta-list">
            {list.map((m) => (
              <li key={m.id}>
                <button type="button" className="link" onClick={() => onPick(m.id)}>
                  <span className={`score ${scoreClass(m.source['threat.triage.score'])}`}>{formatValue('threat.triage.score', m.source['threat.triage.score'] ?? '–')}</span>{' '}
                  {String(m.source['count'] ?? '?')} alerts · {formatTime(m.source['timestamp'])} · {String(m.source['alert_status'] ?? 'NEW')} <span className="muted mono">{m.id}</span>
                </button>
              </li>
            ))}
          </ul>
        )}
        <div className="modal-actions">
          <button type="button" onClick={onClose} autoFocus>Cancel</button>
        </div>
    </Modal>
  );
}
