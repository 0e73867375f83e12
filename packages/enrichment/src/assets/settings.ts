/**
 * The identity settings of a sensor enrichment config, under `enrichment.config.identity` (a free
 * map in Metron's SensorEnrichmentConfig, so a Metron config directory with them still loads in
 * Metron, which ignores them):
 *
 *   "identity": {
 *     "maxAge": "12h",                 lookups: an assignment older than this at the message's time is not used (default 24h)
 *     "learn": {                       this sensor's messages establish identities (an object or a list of them)
 *       "ip": "ip_src_addr",           the field holding the address
 *       "user": "user",                the field holding the user
 *       "timestamp": "timestamp",      when the assignment starts (default: the message's timestamp)
 *       "end": "lease_end",            optional: when it ends
 *       "filter": "action == 'login'"  optional Stellar predicate: only messages it accepts
 *     }
 *   }
 */
import { ConfigError } from '@metron/core';

export const DEFAULT_MAX_AGE_MS = 86_400_000;

export interface LearnRule {
  ip: string;
  user: string;
  timestamp: string;
  end?: string;
  filter?: string;
  jsonPath: string;
}

export interface IdentitySettings {
  maxAgeMs: number;
  learn: LearnRule[];
}

const UNITS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000, w: 604_800_000 };

/** A duration as ms: a number of ms, or a text such as 90s, 30m, 24h, 7d, 2w; undefined when not one. */
export function parseDurationMs(value: unknown): number | undefined {
  if (typeof value === 'number') return Number.isFinite(value) && value > 0 ? value : undefined;
  if (typeof value !== 'string') return undefined;
  const m = /^\s*(\d+(?:\.\d+)?)\s*(ms|s|m|h|d|w)?\s*$/.exec(value);
  if (m === null) return undefined;
  const ms = Number(m[1]) * UNITS[m[2] ?? 'ms']!;
  return Number.isFinite(ms) && ms > 0 ? Math.round(ms) : undefined;
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

const BASE = '$.enrichment.config.identity';

function fieldName(rule: Record<string, unknown>, key: string, path: string, file: string, fallback?: string): string {
  const value = rule[key] ?? fallback;
  if (typeof value !== 'string' || value.trim() === '') throw new ConfigError(file, `${path}.${key}`, `must name the message field holding the ${key === 'ip' ? 'IP address' : key}`);
  return value.trim();
}

function learnRule(value: unknown, path: string, file: string): LearnRule {
  if (!isObject(value)) throw new ConfigError(file, path, 'must be an object naming the fields: {"ip": "...", "user": "...", "timestamp"?: "...", "end"?: "...", "filter"?: "Stellar"}');
  for (const key of Object.keys(value)) {
    if (!['ip', 'user', 'timestamp', 'end', 'filter'].includes(key)) throw new ConfigError(file, `${path}.${key}`, `unknown key "${key}"; the keys are ip, user, timestamp, end, filter`);
  }
  const rule: LearnRule = { ip: fieldName(value, 'ip', path, file), user: fieldName(value, 'user', path, file), timestamp: fieldName(value, 'timestamp', path, file, 'timestamp'), jsonPath: path };
  if (value['end'] !== undefined) rule.end = fieldName(value, 'end', path, file);
  if (value['filter'] !== undefined) {
    if (typeof value['filter'] !== 'string') throw new ConfigError(file, `${path}.filter`, 'must be a Stellar predicate (a string)');
    rule.filter = value['filter'];
  }
  return rule;
}

/** The identity settings of `enrichment.config`; defaults when absent. Throws ConfigError naming the path. */
export function identitySettings(config: Readonly<Record<string, unknown>>, file: string): IdentitySettings {
  const value = config['identity'];
  if (value === undefined || value === null) return { maxAgeMs: DEFAULT_MAX_AGE_MS, learn: [] };
  if (!isObject(value)) throw new ConfigError(file, BASE, 'must be an object: {"maxAge": "24h", "learn": {...}}');
  for (const key of Object.keys(value)) {
    if (key !== 'maxAge' && key !== 'learn') throw new ConfigError(file, `${BASE}.${key}`, `unknown key "${key}"; the keys are maxAge and learn`);
  }
  let maxAgeMs = DEFAULT_MAX_AGE_MS;
  if (value['maxAge'] !== undefined) {
    const parsed = parseDurationMs(value['maxAge']);
    if (parsed === undefined) throw new ConfigError(file, `${BASE}.maxAge`, `must be a duration such as 30m, 12h or 7d (or ms), got ${JSON.stringify(value['maxAge'])}`);
    maxAgeMs = parsed;
  }
  const learn = value['learn'];
  const rules = learn === undefined ? [] : Array.isArray(learn) ? learn.map((r, i) => learnRule(r, `${BASE}.learn[${i}]`, file)) : [learnRule(learn, `${BASE}.learn`, file)];
  return { maxAgeMs, learn: rules };
}
