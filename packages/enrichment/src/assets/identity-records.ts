/**
 * Identity records as loaded from a file (CSV with a header, NDJSON or a JSON array): `ip`,
 * `user`, `timestamp` (alias `since`, `time`) and optionally `end` (alias `until`). Times are epoch
 * ms or ISO 8601 (UTC unless the text gives an offset).
 */
import { canonicalIp } from './addresses.js';
import type { IdentityAssignment } from './identity-store.js';

const ISO_DATE = /^\d{4}-\d{2}-\d{2}(?:[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d{1,9})?)?(?:Z|[+-]\d{2}:?\d{2})?)?$/i;

/** A time as epoch ms: a number, a text of digits, or an ISO 8601 date-time; undefined otherwise. */
export function parseTimeValue(value: unknown): number | undefined {
  if (typeof value === 'number') return Number.isFinite(value) ? Math.trunc(value) : undefined;
  if (typeof value !== 'string') return undefined;
  const text = value.trim();
  if (/^-?\d+(?:\.\d+)?$/.test(text)) {
    const n = Math.trunc(Number(text));
    return Number.isSafeInteger(n) ? n : undefined;
  }
  if (!ISO_DATE.test(text)) return undefined;
  const iso = text.replace(' ', 'T');
  const hasZone = /(?:Z|[+-]\d{2}:?\d{2})$/i.test(iso) && iso.length > 10;
  const n = Date.parse(hasZone || iso.length === 10 ? iso : `${iso}Z`);
  return Number.isFinite(n) ? n : undefined;
}

function field(fields: Readonly<Record<string, unknown>>, names: readonly string[]): unknown {
  for (const key of Object.keys(fields)) {
    if (names.includes(key.toLowerCase())) {
      const v = fields[key];
      if (v !== null && v !== undefined && v !== '') return v;
    }
  }
  return undefined;
}

/** One identity record: its canonical address and assignment. Throws Error with the reason for a bad one. */
export function identityFromFields(fields: Readonly<Record<string, unknown>>): { ip: string; assignment: IdentityAssignment } {
  const ipValue = field(fields, ['ip', 'ip_address', 'ip_addr', 'address']);
  if (ipValue === undefined) throw new Error('an identity needs its "ip"');
  const ip = canonicalIp(String(ipValue));
  if (ip === undefined) throw new Error(`"${String(ipValue)}" is not an IP address`);
  const userValue = field(fields, ['user', 'username', 'user_name']);
  const user = typeof userValue === 'string' ? userValue.trim() : typeof userValue === 'number' ? String(userValue) : '';
  if (user === '') throw new Error('an identity needs its "user" (a text)');
  const timeValue = field(fields, ['timestamp', 'since', 'time']);
  if (timeValue === undefined) throw new Error('an identity needs its "timestamp" (epoch ms or ISO 8601)');
  const since = parseTimeValue(timeValue);
  if (since === undefined) throw new Error(`timestamp ${JSON.stringify(timeValue)} is not epoch ms or an ISO 8601 date-time`);
  const assignment: IdentityAssignment = { user, since };
  const endValue = field(fields, ['end', 'until']);
  if (endValue !== undefined) {
    const until = parseTimeValue(endValue);
    if (until === undefined) throw new Error(`end ${JSON.stringify(endValue)} is not epoch ms or an ISO 8601 date-time`);
    if (until <= since) throw new Error(`end (${until}) is not after timestamp (${since})`);
    assignment.until = until;
  }
  return { ip, assignment };
}
