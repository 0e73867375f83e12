/**
 * A Stellar expression editor: syntax errors (with the failing span) and function autocomplete are
 * computed in the browser by the project's own Stellar package (@metron/stellar, whose core does no
 * I/O), so nothing is sent to the server while typing.
 */
import { useId, useMemo, useRef, useState, type KeyboardEvent } from 'react';
import { defaultRegistry, validate } from '@metron/stellar';
import { useCaretAfterRender } from '../../caret.ts';

/** A function as the autocomplete shows it. */
export interface FunctionDoc {
  name: string;
  description: string;
  params: string[];
  returns: string;
}

let functionDocs: FunctionDoc[] | undefined;

/** Every Stellar function with its documentation (built once, from the same registry the server uses). */
export function stellarFunctions(): FunctionDoc[] {
  functionDocs ??= defaultRegistry().list().map((f) => ({ name: f.name, description: f.description, params: f.params, returns: f.returns }));
  return functionDocs;
}

/** The parse error of an expression, or null when it is valid Stellar. */
export function stellarError(expression: string): { message: string; line: number; column: number; caret: string; position: number; end: number } | null {
  const result = validate(expression);
  if (result.ok) return null;
  const e = result.error;
  return { message: e.message, line: e.line, column: e.column, caret: e.caret(), position: e.position, end: e.end };
}

/** The identifier being typed just before `cursor`, and where it starts. */
function wordBefore(text: string, cursor: number): { word: string; start: number } {
  const match = /[A-Za-z_][A-Za-z0-9_]*$/.exec(text.slice(0, cursor));
  return match ? { word: match[0], start: cursor - match[0].length } : { word: '', start: cursor };
}

const MAX_SUGGESTIONS = 8;

export function StellarEditor({ label, value, onChange, rows = 2, placeholder }: { label: string; value: string; onChange(value: string): void; rows?: number; placeholder?: string }) {
  const id = useId();
  const area = useRef<HTMLTextAreaElement>(null);
  const [cursor, setCursor] = useState(0);
  const placeCaret = useCaretAfterRender(area, value, setCursor);
  const [open, setOpen] = useState(false);
  const [active, setActive] = useState(0);
  const error = useMemo(() => stellarError(value), [value]);
  const { word, start } = wordBefore(value, cursor);
  const suggestions = useMemo(() => {
    if (word.length < 2) return [];
    const upper = word.toUpperCase();
    return stellarFunctions().filter((f) => f.name.startsWith(upper) && f.name !== word).slice(0, MAX_SUGGESTIONS);
  }, [word]);
  const showing = open && suggestions.length > 0;

  function accept(fn: FunctionDoc) {
    const next = `${value.slice(0, start)}${fn.name}(${value.slice(cursor)}`;
    onChange(next);
    setOpen(false);
    placeCaret(start + fn.name.length + 1);
  }

  function onKeyDown(event: KeyboardEvent<HTMLTextAreaElement>) {
    if (!showing) return;
    if (event.key === 'ArrowDown') {
      event.preventDefault();
      setActive((a) => (a + 1) % suggestions.length);
    } else if (event.key === 'ArrowUp') {
      event.preventDefault();
      setActive((a) => (a - 1 + suggestions.length) % suggestions.length);
    } else if (event.key === 'Enter' || event.key === 'Tab') {
      event.preventDefault();
      const fn = suggestions[Math.min(active, suggestions.length - 1)];
      if (fn) accept(fn);
    } else if (event.key === 'Escape') {
      event.preventDefault();
      setOpen(false);
    }
  }

  const selected = suggestions[Math.min(active, suggestions.length - 1)];
  return (
    <div className="stellar-editor">
      <label htmlFor={id}>{label}</label>
      <textarea
        id={id}
        ref={area}
        className={`mono${error ? ' invalid' : ''}`}
        rows={rows}
        value={value}
        placeholder={placeholder}
        spellCheck={false}
        aria-invalid={error !== null}
        aria-describedby={error ? `${id}-error` : undefined}
        aria-autocomplete="list"
        aria-controls={showing ? `${id}-list` : undefined}
        aria-activedescendant={showing && selected ? `${id}-opt-${selected.name}` : undefined}
        onChange={(e) => {
          onChange(e.target.value);
          setCursor(e.target.selectionStart);
          setOpen(true);
          setActive(0);
        }}
        onSelect={(e) => setCursor(e.currentTarget.selectionStart)}
        onKeyDown={onKeyDown}
        onBlur={() => setTimeout(() => setOpen(false), 150)}
      />
      {showing && (
        <ul className="stellar-suggestions" role="listbox" id={`${id}-list`} aria-label="Stellar functions">
          {suggestions.map((f, i) => (
            <li
              key={f.name}
              id={`${id}-opt-${f.name}`}
              role="option"
              aria-selected={i === active}
              className={i === active ? 'active' : undefined}
              onMouseDown={(e) => {
                e.preventDefault();
                accept(f);
              }}
            >
              <span className="mono">{f.name}({f.params.map((p) => p.split(' ')[0]).join(', ')})</span>
              <span className="muted"> {f.description}</span>
            </li>
          ))}
        </ul>
      )}
      {error && (
        <div className="stellar-error" id={`${id}-error`} role="alert">
          <span className="error">
            line {error.line}, column {error.column}: {error.message}
          </span>
          <pre className="mono">{error.caret}</pre>
        </div>
      )}
    </div>
  );
}
