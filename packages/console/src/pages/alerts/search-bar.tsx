/**
 * The Lucene search bar: field-name autocomplete (from `/search/column/metadata`) as an ARIA
 * combobox, and a menu of saved and recent searches kept in localStorage.
 */
import { useEffect, useId, useRef, useState, type FormEvent, type KeyboardEvent } from 'react';
import { useCaretAfterRender } from '../../caret.ts';
import { fieldPrefixAt, suggestFields } from './query.ts';
import { prefs, type SavedSearch } from './prefs.ts';
import { SaveSearchDialog } from './save-search-dialog.tsx';

export interface SearchBarProps {
  value: string;
  onChange(value: string): void;
  /** Runs the search (Enter or the button). */
  onSubmit(value: string): void;
  fields: string[];
  error?: string | null;
}

export function SearchBar({ value, onChange, onSubmit, fields, error }: SearchBarProps) {
  const listId = useId();
  const inputRef = useRef<HTMLInputElement>(null);
  const placeCaret = useCaretAfterRender(inputRef, value);
  const [suggestions, setSuggestions] = useState<string[]>([]);
  const [active, setActive] = useState(0);
  const [menuOpen, setMenuOpen] = useState(false);
  const [saved, setSaved] = useState<SavedSearch[]>(() => prefs.savedSearches());
  const [recent, setRecent] = useState<string[]>(() => prefs.recentSearches());
  /** The query being named in the save dialog, while it is open. */
  const [saving, setSaving] = useState<string | null>(null);

  // "/" anywhere on the page (outside inputs) focuses the search bar.
  useEffect(() => {
    function onKey(event: globalThis.KeyboardEvent) {
      const target = event.target as HTMLElement | null;
      if (event.key !== '/' || event.ctrlKey || event.metaKey || event.altKey) return;
      if (target && (target.isContentEditable || ['INPUT', 'TEXTAREA', 'SELECT'].includes(target.tagName))) return;
      event.preventDefault();
      inputRef.current?.focus();
    }
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, []);

  function update(next: string, caret: number) {
    onChange(next);
    const at = fieldPrefixAt(next, caret);
    setSuggestions(at ? suggestFields(fields, at.prefix) : []);
    setActive(0);
  }

  function accept(field: string) {
    const input = inputRef.current;
    const caret = input?.selectionStart ?? value.length;
    const at = fieldPrefixAt(value, caret);
    if (!at) return;
    const escaped = field.replace(/:/g, '\\:');
    const next = value.slice(0, at.start) + escaped + ':' + value.slice(caret);
    onChange(next);
    setSuggestions([]);
    placeCaret(at.start + escaped.length + 1);
  }


  function onKeyDown(event: KeyboardEvent<HTMLInputElement>) {
    if (suggestions.length === 0) return;
    if (event.key === 'ArrowDown') {
      event.preventDefault();
      setActive((a) => (a + 1) % suggestions.length);
    } else if (event.key === 'ArrowUp') {
      event.preventDefault();
      setActive((a) => (a - 1 + suggestions.length) % suggestions.length);
    } else if (event.key === 'Enter' || event.key === 'Tab') {
      const pick = suggestions[active];
      if (pick) {
        event.preventDefault();
        accept(pick);
      }
    } else if (event.key === 'Escape') {
      setSuggestions([]);
    }
  }

  function submit(event: FormEvent) {
    event.preventDefault();
    setSuggestions([]);
    setRecent(prefs.addRecentSearch(value));
    onSubmit(value);
  }

  function save() {
    const q = value.trim();
    if (q !== '') setSaving(q);
  }

  function keep(name: string) {
    if (saving === null) return;
    const list = [{ name, query: saving }, ...saved.filter((s) => s.name !== name)];
    prefs.setSavedSearches(list);
    setSaved(list);
    setSaving(null);
  }

  function removeSaved(name: string) {
    const list = saved.filter((s) => s.name !== name);
    prefs.setSavedSearches(list);
    setSaved(list);
  }

  function run(query: string) {
    setMenuOpen(false);
    onChange(query);
    setRecent(prefs.addRecentSearch(query));
    onSubmit(query);
  }

  const expanded = suggestions.length > 0;
  return (
    <>
      <form className="search-bar" role="search" onSubmit={submit}>
        <div className="search-input">
          <input
            ref={inputRef}
            type="search"
            role="combobox"
            aria-label="Search query (Lucene syntax)"
            aria-autocomplete="list"
            aria-expanded={expanded}
            aria-controls={listId}
            aria-activedescendant={expanded ? `${listId}-${active}` : undefined}
            aria-invalid={error ? true : undefined}
            placeholder='Search, e.g. ip_src_addr:10.0.0.1 AND protocol:dns   (press / to focus)'
            spellCheck={false}
            autoComplete="off"
            value={value}
            onChange={(e) => update(e.target.value, e.target.selectionStart ?? e.target.value.length)}
            onKeyDown={onKeyDown}
            // Closed a moment after the focus leaves (a click elsewhere), unless it came back by
            // then: a stale timer must not close the list of what is typed after a quick return.
            onBlur={() => setTimeout(() => {
              const input = inputRef.current;
              if (input === null || input !== input.ownerDocument.activeElement) setSuggestions([]);
            }, 150)}
          />
          {expanded && (
            <ul id={listId} role="listbox" className="suggestions" aria-label="Field names">
              {suggestions.map((s, i) => (
                <li
                  key={s}
                  id={`${listId}-${i}`}
                  role="option"
                  aria-selected={i === active}
                  className={i === active ? 'active' : undefined}
                  onMouseDown={(e) => {
                    e.preventDefault();
                    accept(s);
                  }}
                >
                  {s}
                </li>
              ))}
            </ul>
          )}
        </div>
        <button type="submit" className="primary">Search</button>
        <button type="button" onClick={save} title="Save this search">Save</button>
        <div className="menu-anchor">
          <button type="button" aria-haspopup="true" aria-expanded={menuOpen} onClick={() => setMenuOpen((o) => !o)}>
            Searches ▾
          </button>
          {menuOpen && (
            <div className="menu" role="dialog" aria-label="Saved and recent searches" onKeyDown={(e) => e.key === 'Escape' && setMenuOpen(false)}>
              <h2>Saved</h2>
              {saved.length === 0 && <p className="muted">None yet: “Save” keeps the current query.</p>}
              <ul>
                {saved.map((s) => (
                  <li key={s.name}>
                    <button type="button" className="link" onClick={() => run(s.query)} title={s.query}>{s.name}</button>
                    <button type="button" className="icon" aria-label={`Delete saved search ${s.name}`} onClick={() => removeSaved(s.name)}>×</button>
                  </li>
                ))}
              </ul>
              <h2>Recent</h2>
              {recent.length === 0 && <p className="muted">No searches yet.</p>}
              <ul>
                {recent.map((q) => (
                  <li key={q}>
                    <button type="button" className="link" onClick={() => run(q)}>{q}</button>
                  </li>
                ))}
              </ul>
            </div>
          )}
        </div>
      </form>
      {saving !== null && <SaveSearchDialog query={saving} taken={saved.map((s) => s.name)} onSave={keep} onClose={() => setSaving(null)} />}
    </>
  );
}
