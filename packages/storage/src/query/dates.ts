/**
 * Date values in queries on `timestamp` (epoch milliseconds, as Metron stores it). Metron's alerts
 * UI writes its time filter as `timestamp:[<epoch ms> TO <epoch ms>]`; analysts also type dates.
 * Accepted, and read the same way by every backend so they agree on the instant:
 * - epoch milliseconds: `1700000000000`
 * - ISO 8601 dates and date-times: `2023-11-14`, `2023-11-14T22:13:20Z`, `2023-11-14T22:13:20.5+01:00`
 *   (a date or date-time without a zone is UTC, as Elasticsearch reads it)
 * - date math relative to now: `now`, `now-24h`, `now-7d+1h` (units y M w d h H m s, as Elasticsearch)
 */
import { MetronError } from '@metron/core';
import type { QueryNode, RangeBound } from './ast.js';

/** The field that holds a message's event time, in epoch milliseconds. */
export const TIME_FIELD = 'timestamp';

const ISO = /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?(Z|[+-]\d{2}:?\d{2})?)?$/;
const MATH = /^([+-])(\d{1,9})([yMwdhHms])/;
const UNIT_MS: Record<string, number> = { w: 604_800_000, d: 86_400_000, h: 3_600_000, H: 3_600_000, m: 60_000, s: 1_000 };

function invalid(value: string, reason: string): MetronError {
  return new MetronError(
    'QUERY_INVALID',
    `'${value.length > 60 ? `${value.slice(0, 60)}...` : value}' is not a date for ${TIME_FIELD}: ${reason}; use epoch milliseconds, ISO 8601 (2023-11-14T22:13:20Z) or now-24h`,
    { reason },
  );
}

/**
 * Epoch milliseconds for a date value, or throws QUERY_INVALID. `now` is the clock reading to
 * resolve date math against (a query is resolved once, so all its bounds agree).
 */
export function parseDateValue(value: string, now: number): number {
  const text = value.trim();
  if (/^-?\d{1,16}$/.test(text)) return Number(text);
  if (text.startsWith('now')) return dateMath(text, now);
  const m = ISO.exec(text);
  if (m === null) throw invalid(value, 'unrecognized format');
  const [, y, mo, d, h = '0', mi = '0', s = '0', frac = '', zone] = m;
  const ms = Number((frac + '000').slice(0, 3));
  let epoch = Date.UTC(Number(y), Number(mo) - 1, Number(d), Number(h), Number(mi), Number(s), ms);
  const check = new Date(epoch);
  if (check.getUTCMonth() !== Number(mo) - 1 || check.getUTCDate() !== Number(d) || Number(h) > 23 || Number(mi) > 59 || Number(s) > 59) {
    throw invalid(value, 'no such date or time');
  }
  if (zone !== undefined && zone !== 'Z') {
    const sign = zone.startsWith('-') ? -1 : 1;
    const digits = zone.slice(1).replace(':', '');
    epoch -= sign * (Number(digits.slice(0, 2)) * 60 + Number(digits.slice(2))) * 60_000;
  }
  return epoch;
}

/** `now` followed by `+N<unit>` / `-N<unit>` steps; months and years step the calendar in UTC. */
function dateMath(text: string, now: number): number {
  let rest = text.slice(3);
  let at = new Date(now);
  while (rest.length > 0) {
    if (rest.startsWith('/')) throw invalid(text, 'rounding (/d) is not supported');
    const m = MATH.exec(rest);
    if (m === null) throw invalid(text, `cannot read date math '${rest}'`);
    const [whole, sign, amount, unit] = m as unknown as [string, string, string, string];
    const n = Number(amount) * (sign === '-' ? -1 : 1);
    if (unit === 'y') at = new Date(Date.UTC(at.getUTCFullYear() + n, at.getUTCMonth(), at.getUTCDate(), at.getUTCHours(), at.getUTCMinutes(), at.getUTCSeconds(), at.getUTCMilliseconds()));
    else if (unit === 'M') at = new Date(Date.UTC(at.getUTCFullYear(), at.getUTCMonth() + n, at.getUTCDate(), at.getUTCHours(), at.getUTCMinutes(), at.getUTCSeconds(), at.getUTCMilliseconds()));
    else at = new Date(at.getTime() + n * UNIT_MS[unit]!);
    rest = rest.slice(whole.length);
  }
  const epoch = at.getTime();
  if (!Number.isFinite(epoch)) throw invalid(text, 'out of range');
  return epoch;
}

/**
 * The query with every term and range on `timestamp` turned into epoch milliseconds, so the
 * renderers (SQL, OpenSearch DSL) compare plain numbers and agree on what `now` was.
 * Throws QUERY_INVALID for a value that is not a date.
 */
export function resolveDates(node: QueryNode, now: number): QueryNode {
  switch (node.kind) {
    case 'and':
    case 'or':
      return { kind: node.kind, children: node.children.map((child) => resolveDates(child, now)) };
    case 'not':
      return { kind: 'not', child: resolveDates(node.child, now) };
    case 'term':
      return node.field === TIME_FIELD ? { ...node, value: String(parseDateValue(node.value, now)) } : node;
    case 'range': {
      if (node.field !== TIME_FIELD) return node;
      const resolve = (bound: RangeBound | null): RangeBound | null =>
        bound === null ? null : { value: String(parseDateValue(bound.value, now)), inclusive: bound.inclusive };
      return { ...node, lower: resolve(node.lower), upper: resolve(node.upper) };
    }
    default:
      return node;
  }
}
