/**
 * The facets panel: for each facet field, its top values with counts from the search answer's
 * `facetCounts`. Click filters on a value, shift-click (or the "exclude" button) excludes it;
 * active filters are listed on top and removed with one click.
 */
import type { MouseEvent } from 'react';
import type { FacetFilter } from './query.ts';

export interface FacetsProps {
  fields: string[];
  counts: Record<string, Record<string, number>> | null | undefined;
  filters: FacetFilter[];
  onToggle(filter: FacetFilter): void;
  onRemove(filter: FacetFilter): void;
  onClear(): void;
  /** How many values to list per field. */
  limit?: number;
}

/** A short label of a field for the panel (`enrichments.geo.ip_dst_addr.country` stays whole). */
function fieldLabel(field: string): string {
  return field;
}

export function Facets({ fields, counts, filters, onToggle, onRemove, onClear, limit = 8 }: FacetsProps) {
  const has = (field: string, value: string) => filters.find((f) => f.field === field && f.value === value);
  return (
    <aside className="facets" aria-label="Facets">
      {filters.length > 0 && (
        <section className="active-filters" aria-label="Active filters">
          <div className="facet-head">
            <h2>Filters</h2>
            <button type="button" className="link" onClick={onClear}>Clear all</button>
          </div>
          <ul>
            {filters.map((f) => (
              <li key={`${f.field}\u0000${f.value}\u0000${f.exclude}`}>
                <button type="button" className={`chip ${f.exclude ? 'exclude' : ''}`} onClick={() => onRemove(f)} aria-label={`Remove filter ${f.exclude ? 'not ' : ''}${f.field} ${f.value}`}>
                  {f.exclude ? 'NOT ' : ''}{f.field}: {f.value} ×
                </button>
              </li>
            ))}
          </ul>
        </section>
      )}
      {fields.map((field) => {
        const values = Object.entries(counts?.[field] ?? {}).sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0])).slice(0, limit);
        return (
          <section key={field} className="facet" aria-label={`Facet ${field}`}>
            <h2 title={field}>{fieldLabel(field)}</h2>
            {values.length === 0 ? (
              <p className="muted">no values</p>
            ) : (
              <ul>
                {values.map(([value, count]) => {
                  const active = has(field, value);
                  const click = (event: MouseEvent) => onToggle({ field, value, exclude: event.shiftKey });
                  return (
                    <li key={value} className={active ? (active.exclude ? 'excluded' : 'included') : undefined}>
                      <button type="button" className="facet-value" onClick={click} title="Click to filter, shift-click to exclude" aria-pressed={active ? true : false}>
                        <span className="facet-name">{value === '' ? '(empty)' : value}</span>
                        <span className="facet-count">{count.toLocaleString()}</span>
                      </button>
                      <button type="button" className="icon exclude-button" aria-label={`Exclude ${field} ${value}`} title="Exclude" onClick={() => onToggle({ field, value, exclude: true })}>
                        −
                      </button>
                    </li>
                  );
                })}
              </ul>
            )}
          </section>
        );
      })}
    </aside>
  );
}
