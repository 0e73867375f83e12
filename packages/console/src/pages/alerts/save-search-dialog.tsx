/** Names a query to keep among the saved searches (a name already used is replaced, and says so). */
import { useState, type FormEvent } from 'react';
import { Modal } from './modal.tsx';

export function SaveSearchDialog({ query, taken, onSave, onClose }: { query: string; taken: readonly string[]; onSave(name: string): void; onClose(): void }) {
  const [name, setName] = useState(query.length > 40 ? query.slice(0, 40) + '…' : query);
  const trimmed = name.trim();
  function submit(event: FormEvent) {
    event.preventDefault();
    if (trimmed !== '') onSave(trimmed);
  }
  return (
    <Modal labelledBy="save-search-title" onClose={onClose}>
      <form onSubmit={submit}>
        <h2 id="save-search-title">Save search</h2>
        <p className="muted mono">{query}</p>
        <label>
          Name <input value={name} onChange={(e) => setName(e.target.value)} autoFocus onFocus={(e) => e.currentTarget.select()} maxLength={200} />
        </label>
        {taken.includes(trimmed) && <p className="muted" role="status">Replaces the saved search of that name.</p>}
        <div className="modal-actions">
          <button type="button" onClick={onClose}>Cancel</button>
          <button type="submit" className="primary" disabled={trimmed === ''}>Save</button>
        </div>
      </form>
    </Modal>
  );
}
