/**
 * A value and its optional expiry kept in one stored string, so that one read (LMDB get, Redis
 * MGET) gives both. A value without expiry is stored as it is, unless it begins with the marker
 * character U+0001; otherwise the stored string is
 *   U+0001 <expiresAt in epoch ms, decimal; empty for none> U+0001 <value>.
 * Values written before expiry existed (plain strings) read back unchanged.
 */

const MARK = '\u0001';
const MARK_CODE = 1;

export interface StoredValue {
  value: string;
  /** Epoch ms; undefined when the value never expires. */
  expiresAt?: number;
}

/** The stored form of a value with its expiry. */
export function encodeStoredValue(value: string, expiresAt?: number): string {
  if (expiresAt === undefined && value.charCodeAt(0) !== MARK_CODE) return value;
  return `${MARK}${expiresAt === undefined ? '' : String(Math.trunc(expiresAt))}${MARK}${value}`;
}

/** Reads a stored string back; a malformed envelope is read as a plain value. */
export function decodeStoredValue(stored: string): StoredValue {
  if (stored.charCodeAt(0) !== MARK_CODE) return { value: stored };
  const end = stored.indexOf(MARK, 1);
  if (end < 0) return { value: stored };
  const expiry = stored.slice(1, end);
  const value = stored.slice(end + 1);
  if (expiry === '') return { value };
  if (!/^-?\d+$/.test(expiry)) return { value: stored };
  return { value, expiresAt: Number(expiry) };
}

/** The live value of a stored string at `now`, or undefined when it has expired. */
export function liveValue(stored: string, now: number): string | undefined {
  if (stored.charCodeAt(0) !== MARK_CODE) return stored;
  const { value, expiresAt } = decodeStoredValue(stored);
  return expiresAt !== undefined && expiresAt <= now ? undefined : value;
}
