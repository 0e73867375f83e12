/**
 * Building the Lucene query the alerts page sends (docs/search.md): the analyst's own query,
 * the time range, "alerts only", and the facet filters, each a clause joined with AND. Values are
 * quoted and field names escaped, so a value with spaces or Lucene's special characters filters
 * exactly that value.
 */

/** A facet filter: `field:"value"`, or its exclusion. */
export interface FacetFilter {
  field: string;
  value: string;
  exclude: boolean;
}

/** A time range: the last N ms, an absolute range, or everything. */
export type TimeRange = { kind: 'all' } | { kind: 'relative'; ms: number; label: string } | { kind: 'absolute'; from: number; to: number };

export const RELATIVE_RANGES: Array<{ label: string; ms: number }> = [
  { label: 'Last 15 minutes', ms: 15 * 60_000 },
  { label: 'Last hour', ms: 3_600_000 },
  { label: 'Last 24 hours', ms: 86_400_000 },
  { label: 'Last 7 days', ms: 7 * 86_400_000 },
  { label: 'Last 30 days', ms: 30 * 86_400_000 },
];

const SPECIAL = /[+\-!(){}[\]^"~*?:\\/&| ]/g;

/** A field name with Lucene's special characters escaped (`source:type` → `source\:type`). */
export function escapeField(field: string): string {
  return field.replace(SPECIAL, (c) => '\\' + c);
}

/** A value as a quoted phrase (exact match of the whole value). */
export function quoteValue(value: string): string {
  return '"' + value.replace(/[\\"]/g, (c) => '\\' + c) + '"';
}

/** The clause of a facet filter. */
export function filterClause(filter: FacetFilter): string {
  return `${filter.exclude ? '-' : ''}${escapeField(filter.field)}:${quoteValue(filter.value)}`;
}

/** The clause of a time range at `now`, or undefined for all time. */
export function timeClause(range: TimeRange, now: number): string | undefined {
  if (range.kind === 'all') return undefined;
  if (range.kind === 'relative') return `timestamp:[${Math.floor(now - range.ms)} TO ${Math.ceil(now)}]`;
  return `timestamp:[${Math.floor(range.from)} TO ${Math.ceil(range.to)}]`;
}

/** Whether a query means everything. */
function isMatchAll(query: string): boolean {
  const q = query.trim();
  return q === '' || q === '*' || q === '*:*';
}

/** The whole query sent to the server. */
export function buildQuery(options: { query: string; range: TimeRange; alertsOnly: boolean; filters: FacetFilter[]; now: number }): string {
  const clauses: string[] = [];
  if (!isMatchAll(options.query)) clauses.push(`(${options.query.trim()})`);
  const time = timeClause(options.range, options.now);
  if (time) clauses.push(time);
  if (options.alertsOnly) clauses.push('is_alert:true');
  const includes = options.filters.filter((f) => !f.exclude);
  const excludes = options.filters.filter((f) => f.exclude);
  // Several values of one field widen the filter (OR); different fields narrow it (AND).
  const byField = new Map<string, FacetFilter[]>();
  for (const f of includes) byField.set(f.field, [...(byField.get(f.field) ?? []), f]);
  for (const group of byField.values()) {
    clauses.push(group.length === 1 ? filterClause(group[0]!) : `(${group.map(filterClause).join(' OR ')})`);
  }
  // A query of exclusions alone would be read as "anything but" only after a positive clause.
  if (clauses.length === 0 && excludes.length > 0) clauses.push('*');
  for (const f of excludes) clauses.push(filterClause(f));
  return clauses.length === 0 ? '*' : clauses.join(' AND ');
}

/** The field name being typed at `caret` (for autocomplete), with where it starts; undefined inside a value. */
export function fieldPrefixAt(query: string, caret: number): { prefix: string; start: number } | undefined {
  let start = caret;
  while (start > 0 && /[\w.@\\:-]/.test(query[start - 1]!) && !(query[start - 1] === ':' && query[start - 2] !== '\\')) start--;
  const prefix = query.slice(start, caret);
  if (prefix.length === 0) return undefined;
  // after an unescaped colon we are typing a value, not a field
  if (start > 0 && query[start - 1] === ':' && query[start - 2] !== '\\') return undefined;
  if (/^(AND|OR|NOT|TO)$/.test(prefix)) return undefined;
  // inside quotes: a value
  const quotes = (query.slice(0, start).match(/(?<!\\)"/g) ?? []).length;
  if (quotes % 2 === 1) return undefined;
  return { prefix: prefix.replace(/^[-+!]/, ''), start: start + (/^[-+!]/.test(prefix) ? 1 : 0) };
}

/** Field names matching a typed prefix: names that start with it first, then names containing it. */
export function suggestFields(fields: string[], prefix: string, limit = 12): string[] {
  const p = prefix.replace(/\\/g, '').toLowerCase();
  if (p === '') return [];
  const starts: string[] = [];
  const contains: string[] = [];
  for (const f of fields) {
    const lower = f.toLowerCase();
    if (lower === p) continue;
    if (lower.startsWith(p)) starts.push(f);
    else if (lower.includes(p)) contains.push(f);
  }
  starts.sort();
  contains.sort();
  return [...starts, ...contains].slice(0, limit);
}

/** Colour class of a triage score: Metron's 0-100 scale, higher is worse. */
export function scoreClass(score: unknown): string {
  const n = typeof score === 'number' ? score : typeof score === 'string' ? Number(score) : NaN;
  if (!Number.isFinite(n) || n <= 0) return 'score-none';
  if (n >= 80) return 'score-critical';
  if (n >= 60) return 'score-high';
  if (n >= 30) return 'score-medium';
  return 'score-low';
}
