import { JInt, JLong, type StellarValue } from '@metron/stellar';

/**
 * A parsed JSON value (a config file's) as Stellar sees what Jackson gives Metron: whole numbers
 * int, long past 32 bits; other numbers double; objects as maps, arrays as lists.
 */
export function stellarValueOfJson(v: unknown): StellarValue {
  if (v === null || v === undefined) return null;
  if (typeof v === 'number') {
    if (!Number.isInteger(v)) return v;
    return v >= -2147483648 && v <= 2147483647 ? new JInt(v) : new JLong(BigInt(v));
  }
  if (typeof v === 'string' || typeof v === 'boolean') return v;
  if (Array.isArray(v)) return v.map(stellarValueOfJson);
  if (typeof v === 'object') {
    const m = new Map<StellarValue, StellarValue>();
    for (const [k, x] of Object.entries(v as Record<string, unknown>)) m.set(k, stellarValueOfJson(x));
    return m;
  }
  return String(v);
}
