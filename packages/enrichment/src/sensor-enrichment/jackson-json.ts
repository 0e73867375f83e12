/**
 * JSON text laid out as Jackson's default pretty printer writes it (Metron's
 * JSONUtils.toJSON(config, true), which THREAT_TRIAGE_* return): objects one entry per line with
 * `" : "`, arrays inline (`[ 1, 2 ]`), empty ones as `{ }` and `[ ]`, two spaces per object level.
 */
export function jacksonPrettyJson(value: unknown): string {
  return write(value, 0);
}

function write(value: unknown, level: number): string {
  if (value === null || value === undefined) return 'null';
  if (Array.isArray(value)) {
    if (value.length === 0) return '[ ]';
    return `[ ${value.map((v) => write(v, level)).join(', ')} ]`;
  }
  if (typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>).filter(([, v]) => v !== undefined);
    if (entries.length === 0) return '{ }';
    const inner = '  '.repeat(level + 1);
    const lines = entries.map(([k, v]) => `${inner}${JSON.stringify(k)} : ${write(v, level + 1)}`);
    return `{\n${lines.join(',\n')}\n${'  '.repeat(level)}}`;
  }
  if (typeof value === 'number' && !Number.isFinite(value)) return JSON.stringify(String(value));
  return JSON.stringify(value);
}
