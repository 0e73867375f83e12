/** Display of field values in the table and the details pane. */

/** A timestamp (epoch ms) as local date and time with seconds. */
export function formatTime(value: unknown): string {
  const n = typeof value === 'number' ? value : typeof value === 'string' && /^\d+$/.test(value) ? Number(value) : NaN;
  if (!Number.isFinite(n)) return value === undefined || value === null ? '' : String(value);
  const d = new Date(n);
  const pad = (x: number, w = 2) => String(x).padStart(w, '0');
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())} ${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}`;
}

/** Any field value as text. */
export function formatValue(field: string, value: unknown): string {
  if (value === undefined || value === null) return '';
  if (field === 'timestamp' || field.endsWith('.timestamp')) return formatTime(value);
  if (typeof value === 'number') return Number.isInteger(value) ? String(value) : String(Math.round(value * 100) / 100);
  if (typeof value === 'object') return JSON.stringify(value);
  return String(value);
}
