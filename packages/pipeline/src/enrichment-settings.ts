/**
 * What the enrich step reads from the global config besides the GeoIP databases:
 *
 * - Where the enrichment and threat-intel tables live (this project's keys; Metron kept them in
 *   HBase): `kv.backend` is `lmdb` (default: `<data-dir>/kv`) or `redis`; with Redis, `kv.redis.url`
 *   (default: $METRON_REDIS_URL, else redis://127.0.0.1:6379, as `metron load`) and
 *   `kv.redis.cache.ttl.ms`, how long a fetched row answers reads locally (default 60 000).
 * - The known hosts of the `host` adapter: Metron's `enrichment.host.known_hosts` (a topology
 *   property there: a JSON list of `{"ip": ..., <details>}`, given here as a list or its JSON text),
 *   or `enrichment.host.known_hosts.file`, a JSON file holding that list (relative to the config
 *   directory).
 *
 * A bad value is refused with the global config's path and the key.
 */
import { readFile } from 'node:fs/promises';
import { isAbsolute, resolve } from 'node:path';
import { ConfigError, errorMessage } from '@metron/core';
import { parseKnownHosts, type KnownHosts } from '@metron/enrichment';
import { redactRedisUrl } from '@metron/storage';

export const KV_BACKEND = 'kv.backend';
export const KV_REDIS_URL = 'kv.redis.url';
export const KV_REDIS_CACHE_TTL_MS = 'kv.redis.cache.ttl.ms';
export const KNOWN_HOSTS = 'enrichment.host.known_hosts';
export const KNOWN_HOSTS_FILE = 'enrichment.host.known_hosts.file';

/** The default Redis server, as `metron load` picks it. */
export const DEFAULT_REDIS_URL = 'redis://127.0.0.1:6379';

/** Where the tables are: the embedded LMDB store, or a Redis server. */
export type TableBackend = { backend: 'lmdb' } | { backend: 'redis'; url: string; cacheTtlMs?: number };

const keyPath = (key: string) => `$['${key}']`;

/** The table backend the global config chooses. Throws ConfigError naming `globalFile` and the key. */
export function tableBackend(global: Readonly<Record<string, unknown>>, globalFile = 'global.json', env: NodeJS.ProcessEnv = process.env): TableBackend {
  const backend = global[KV_BACKEND] ?? 'lmdb';
  if (backend !== 'lmdb' && backend !== 'redis') throw new ConfigError(globalFile, keyPath(KV_BACKEND), `must be "lmdb" or "redis", got ${JSON.stringify(backend)}`);
  if (backend === 'lmdb') return { backend };
  const given = global[KV_REDIS_URL];
  if (given !== undefined && typeof given !== 'string') throw new ConfigError(globalFile, keyPath(KV_REDIS_URL), `must be a redis:// or rediss:// URL, got ${typeof given}`);
  const url = given ?? env['METRON_REDIS_URL'] ?? DEFAULT_REDIS_URL;
  if (!/^rediss?:\/\//.test(url)) {
    // shown without its password: the URL may carry one
    const where = given !== undefined ? keyPath(KV_REDIS_URL) : '$METRON_REDIS_URL';
    throw new ConfigError(globalFile, keyPath(KV_REDIS_URL), `${where} must be a redis:// or rediss:// URL, got ${redactRedisUrl(url)}`);
  }
  const ttl = global[KV_REDIS_CACHE_TTL_MS];
  if (ttl === undefined) return { backend, url };
  const n = typeof ttl === 'string' && ttl.trim() !== '' ? Number(ttl) : ttl;
  if (typeof n !== 'number' || !Number.isSafeInteger(n) || n < 0) throw new ConfigError(globalFile, keyPath(KV_REDIS_CACHE_TTL_MS), `must be a whole number of milliseconds (0 turns the cache off), got ${JSON.stringify(ttl)}`);
  return { backend, url, cacheTtlMs: n };
}

/** Puts the path of an error inside a list under `key` of the global config. */
function underKey(err: unknown, globalFile: string, key: string): never {
  if (err instanceof ConfigError) throw new ConfigError(globalFile, keyPath(key) + err.jsonPath.slice(1), err.reason);
  throw err;
}

/**
 * The known hosts the global config gives (inline, or in a file), or undefined without either key.
 * Throws ConfigError for a bad list (with its path) or a file that cannot be read.
 */
export async function loadKnownHosts(global: Readonly<Record<string, unknown>>, options: { globalFile?: string; baseDir?: string } = {}): Promise<KnownHosts | undefined> {
  const globalFile = options.globalFile ?? 'global.json';
  const inline = global[KNOWN_HOSTS];
  const fileKey = global[KNOWN_HOSTS_FILE];
  const hasInline = inline !== undefined && inline !== null;
  const hasFile = fileKey !== undefined && fileKey !== null;
  if (hasInline && hasFile) throw new ConfigError(globalFile, keyPath(KNOWN_HOSTS_FILE), `give the known hosts once: ${KNOWN_HOSTS} (the list) or ${KNOWN_HOSTS_FILE} (a file holding it), not both`);
  if (hasInline) {
    if (typeof inline !== 'string' && !Array.isArray(inline)) throw new ConfigError(globalFile, keyPath(KNOWN_HOSTS), 'must be a list of {"ip": ..., <details>} objects, or its JSON text');
    try {
      return parseKnownHosts(inline, globalFile);
    } catch (err) {
      return underKey(err, globalFile, KNOWN_HOSTS);
    }
  }
  if (!hasFile) return undefined;
  if (typeof fileKey !== 'string' || fileKey.trim() === '') throw new ConfigError(globalFile, keyPath(KNOWN_HOSTS_FILE), 'must be the path of a JSON file holding the known hosts list');
  const path = isAbsolute(fileKey.trim()) ? fileKey.trim() : resolve(options.baseDir ?? process.cwd(), fileKey.trim());
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (err) {
    throw new ConfigError(globalFile, keyPath(KNOWN_HOSTS_FILE), `cannot read the known hosts file ${path}: ${errorMessage(err)}`);
  }
  return parseKnownHosts(text, path);
}
