/**
 * Choosing the table's columns and the facet fields: an ordered list per kind (move up/down,
 * remove) and a field input with the known fields as suggestions. Saved in localStorage.
 */
import { useId, useState, type FormEvent } from 'react';
import { Modal } from './modal.tsx';

function FieldList({ title, fields, known, onChange }: { title: string; fields: string[]; known: string[]; onChange(fields: string[]): void }) {
  const [adding, setAdding] = useState('');
  const listId = useId();
  function move(index: number, by: number) {
    const next = fields.slice();
    const [item] = next.splice(index, 1);
    next.splice(Math.max(0, Math.min(next.length, index + by)), 0, item!);
    onChange(next);
  }
  function add(event: FormEvent) {
    event.preventDefault();
    const f = adding.trim();
    if (f === '' || fields.includes(f)) return;
    onChange([...fields, f]);
    setAdding('');
  }
  return (
    <section aria-label={title} className="field-list">
      <h3>{title}</h3>
      <ol>
        {fields.map((f, i) => (
          <li key={f}>
            <span className="mono">{f}</span>
            <button type="button" className="icon" aria-label={`Move ${f} up`} disabled={i === 0} onClick={() => move(i, -1)}>↑</button>
            <button type="button" className="icon" aria-label={`Move ${f} down`} disabled={i === fields.length - 1} onClick={() => move(i, 1)}>↓</button>
            <button type="button" className="icon" aria-label={`Remove ${f}`} onClick={() => onChange(fields.filter((x) => x !== f))}>×</button>
          </li>
        ))}
      </ol>
      <form onSubmit={add} className="add-field">
        <input list={listId} value={adding} onChange={(e) => setAdding(e.target.value)} aria-label={`Add to ${title}`} placeholder="field name" />
        <datalist id={listId}>
          {known.filter((k) => !fields.includes(k)).map((k) => <option key={k} value={k} />)}
        </datalist>
        <button type="submit">Add</button>
      </form>
    </section>
  );
}

export interface ConfigDialogProps {
  columns: string[];
  facetFields: string[];
  known: string[];
  onColumns(columns: string[]): void;
  onFacetFields(fields: string[]): void;
  onReset(): void;
  onClose(): void;
}

export function ConfigDialog(props: ConfigDialogProps) {
  return (
    <Modal labelledBy="config-title" onClose={props.onClose}>
        <h2 id="config-title">Columns and facets</h2>
        <div className="config-lists">
          <FieldList title="Columns" fields={props.columns} known={props.known} onChange={props.onColumns} />
          <FieldList title="Facets" fields={props.facetFields} known={props.known} onChange={props.onFacetFields} />
        </div>
        <div className="modal-actions">
          <button type="button" onClick={props.onReset}>Reset to defaults</button>
          <button type="button" className="primary" onClick={props.onClose} autoFocus>Done</button>
        </div>
    </Modal>
  );
}
