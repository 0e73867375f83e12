/**
 * OpenSearch settings from Metron's global config (`global.json`). Metron's own keys are read
 * where Metron had them (metron-indexing / metron-elasticsearch READMEs):
 *
 *   "index.backend": "opensearch"         this project's: search index on OpenSearch instead of DuckDB
 *   "opensearch.url": "https://h1:9200,https://h2:9200"   this project's; else Metron's:
 *   "es.ip": "h1:9200,h2" / ["h1", "h2"]  hosts (a host without a port takes es.port)
 *   "es.port": 9200
 *   "es.date.format": "yyyy.MM.dd.HH"     the index name's date suffix (Metron's default: one index per hour)
 *   "es.xpack.username", "es.xpack.password.file"   basic auth (Metron's keys; the password is read from the file)
 *   "opensearch.username", "opensearch.password.file"  the same under this project's names;
 *                                          METRON_OPENSEARCH_PASSWORD in the environment also gives the password
 *   "opensearch.tls.ca": "/path/ca.pem"   trust this CA for https
 *   "opensearch.tls.insecure": false      skip certificate checks (test clusters only)
 *   "opensearch.index.shards": 1, "opensearch.index.replicas": 1   settings of the index template
 *   "opensearch.index.refresh.interval": "30s"   the template's refresh_interval (absent: OpenSearch's 1 s)
 *   "opensearch.bulk.max.docs": 5000, "opensearch.bulk.max.bytes": 10485760   one bulk request's size
 *   "opensearch.retry.max.ms": 300000     how long a bulk keeps retrying 429/5xx/timeouts before it fails
 *
 * A bad value is refused with its path; the password never appears in a message.
 */
import { readFileSync } from 'node:fs';
import { ConfigError, errorMessage } from '@metron/core';

export interface OpenSearchSettings {
  /** Node base URLs (requests go round-robin, failing over to the next). */
  urls: string[];
  username?: string;
  password?: string;
  /** PEM text of extra trusted CAs. */
  ca?: string;
  insecure: boolean;
  /** Metron's `es.date.format` (Java SimpleDateFormat letters yyyy MM dd HH mm, UTC). */
  dateFormat: string;
  shards: number;
  replicas: number;
  /** The index template's `refresh_interval` (`30s`, `-1`), when set. */
  refreshInterval?: string;
  bulkMaxDocs: number;
  bulkMaxBytes: number;
  retryMaxMs: number;
}

export const DEFAULT_DATE_FORMAT = 'yyyy.MM.dd.HH';
export const INDEX_BACKEND_KEY = 'index.backend';
export const PASSWORD_ENV = 'METRON_OPENSEARCH_PASSWORD';

const path = (key: string) => `$['${key}']`;

/** `duckdb` (default) or `opensearch`, from `index.backend`. */
export function indexBackend(global: Readonly<Record<string, unknown>>, file = 'global.json'): 'duckdb' | 'opensearch' {
  const value = global[INDEX_BACKEND_KEY] ?? 'duckdb';
  if (value !== 'duckdb' && value !== 'opensearch') throw new ConfigError(file, path(INDEX_BACKEND_KEY), `must be "duckdb" or "opensearch", got ${JSON.stringify(value)}`);
  return value;
}

/** Reads the OpenSearch keys of the global config; refuses bad values with their path. */
export function openSearchSettings(global: Readonly<Record<string, unknown>>, file = 'global.json', env: NodeJS.ProcessEnv = process.env): OpenSearchSettings {
  const string = (key: string): string | undefined => {
    const v = global[key];
    if (v === undefined || v === null) return undefined;
    if (typeof v !== 'string' || v.trim() === '') throw new ConfigError(file, path(key), `expected a non-empty string, got ${JSON.stringify(v)}`);
    return v.trim();
  };
  const integer = (key: string, fallback: number, min: number): number => {
    const v = global[key];
    if (v === undefined || v === null) return fallback;
    const n = typeof v === 'string' && v.trim() !== '' ? Number(v) : v;
    if (typeof n !== 'number' || !Number.isSafeInteger(n) || n < min) throw new ConfigError(file, path(key), `expected a whole number of at least ${min}, got ${JSON.stringify(v)}`);
    return n;
  };
  const bool = (key: string): boolean => {
    const v = global[key];
    if (v === undefined || v === null) return false;
    if (typeof v === 'boolean') return v;
    if (v === 'true' || v === 'false') return v === 'true';
    throw new ConfigError(file, path(key), `expected true or false, got ${JSON.stringify(v)}`);
  };

  const urls = nodeUrls(global, file, string);
  const username = string('opensearch.username') ?? string('es.xpack.username');
  const passwordKey = global['opensearch.password.file'] !== undefined ? 'opensearch.password.file' : 'es.xpack.password.file';
  const passwordFile = string(passwordKey);
  let password: string | undefined;
  if (passwordFile !== undefined) {
    try {
      password = readFileSync(passwordFile, 'utf8').trim();
    } catch (err) {
      throw new ConfigError(file, path(passwordKey), `cannot read the password file: ${errorMessage(err)}`);
    }
  } else if ((env[PASSWORD_ENV] ?? '') !== '') {
    password = env[PASSWORD_ENV];
  }
  if (password !== undefined && username === undefined) throw new ConfigError(file, path('opensearch.username'), 'a password is given but no user name');
  const caFile = string('opensearch.tls.ca');
  let ca: string | undefined;
  if (caFile !== undefined) {
    try {
      ca = readFileSync(caFile, 'utf8');
    } catch (err) {
      throw new ConfigError(file, path('opensearch.tls.ca'), `cannot read the CA file: ${errorMessage(err)}`);
    }
  }
  const refreshInterval = string('opensearch.index.refresh.interval');
  if (refreshInterval !== undefined && !/^(-1|[1-9][0-9]*(ms|s|m|h|d))$/.test(refreshInterval)) {
    throw new ConfigError(file, path('opensearch.index.refresh.interval'), `expected a time such as "1s", "30s" or "2m", or "-1" for no periodic refresh, got ${JSON.stringify(refreshInterval)}`);
  }
  const dateFormat = string('es.date.format') ?? DEFAULT_DATE_FORMAT;
  if (!/^(yyyy|MM|dd|HH|mm|[._-])+$/.test(dateFormat) || !dateFormat.includes('yyyy')) {
    throw new ConfigError(file, path('es.date.format'), `expected a date format of yyyy, MM, dd, HH, mm and the separators . _ - (Metron's default ${DEFAULT_DATE_FORMAT}), got ${JSON.stringify(dateFormat)}`);
  }
  return {
    urls,
    ...(username !== undefined && { username }),
    ...(password !== undefined && { password }),
    ...(ca !== undefined && { ca }),
    insecure: bool('opensearch.tls.insecure'),
    dateFormat,
    shards: integer('opensearch.index.shards', 1, 1),
    replicas: integer('opensearch.index.replicas', 1, 0),
    ...(refreshInterval !== undefined && { refreshInterval }),
    bulkMaxDocs: integer('opensearch.bulk.max.docs', 5000, 1),
    bulkMaxBytes: integer('opensearch.bulk.max.bytes', 10 * 1024 * 1024, 1024),
    retryMaxMs: integer('opensearch.retry.max.ms', 300_000, 0),
  };
}

function nodeUrls(global: Readonly<Record<string, unknown>>, file: string, string: (key: string) => string | undefined): string[] {
  const check = (key: string, url: string): string => {
    let parsed: URL;
    try {
      parsed = new URL(url);
    } catch {
      throw new ConfigError(file, path(key), `expected http(s)://host:port, got ${JSON.stringify(redactUrl(url))}`);
    }
    if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') throw new ConfigError(file, path(key), `expected an http or https URL, got ${JSON.stringify(redactUrl(url))}`);
    if (parsed.username !== '' || parsed.password !== '') throw new ConfigError(file, path(key), 'put credentials in opensearch.username / opensearch.password.file, not in the URL');
    return `${parsed.protocol}//${parsed.host}`;
  };
  const url = string('opensearch.url');
  if (url !== undefined) return url.split(',').map((u) => check('opensearch.url', u.trim()));
  const ip = global['es.ip'];
  if (ip === undefined || ip === null) return ['http://127.0.0.1:9200'];
  const portValue = global['es.port'] ?? 9200;
  const port = typeof portValue === 'string' ? Number(portValue) : portValue;
  if (typeof port !== 'number' || !Number.isInteger(port) || port < 1 || port > 65535) throw new ConfigError(file, path('es.port'), `expected a port number, got ${JSON.stringify(portValue)}`);
  const hosts = Array.isArray(ip) ? ip : typeof ip === 'string' ? ip.split(',') : null;
  if (hosts === null || hosts.length === 0 || hosts.some((h) => typeof h !== 'string' || h.trim() === '')) {
    throw new ConfigError(file, path('es.ip'), `expected host names (a string, comma-separated, or a list), got ${JSON.stringify(ip)}`);
  }
  return (hosts as string[]).map((h) => {
    const host = h.trim();
    if (/^https?:\/\//.test(host)) return check('es.ip', host);
    return check('es.ip', `http://${/:\d+$/.test(host) ? host : `${host}:${port}`}`);
  });
}

/** A URL for messages: without any user info. */
export function redactUrl(url: string): string {
  return url.replace(/\/\/[^@/]*@/, '//***@');
}
