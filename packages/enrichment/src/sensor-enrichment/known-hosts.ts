/**
 * The known-hosts list of Metron's `host` enrichment (HostFromJSONListAdapter; the enrichment
 * topology's `enrichment_host_known_hosts` property): a JSON list of objects, each with the host's
 * `ip` and any other keys, which the adapter writes as `enrichments.host.<field>.known_info.<key>`.
 */
import { ConfigError } from '@metron/core';

/** ip → the host's other keys, as ("known_info.<key>", value) pairs in list order. */
export type KnownHosts = ReadonlyMap<string, ReadonlyArray<readonly [string, unknown]>>;

/**
 * Reads a known-hosts list: its JSON text or the parsed list. A later entry for the same ip
 * replaces an earlier one, as in Metron. Throws ConfigError (`source`, the entry's path) for an
 * entry that is not an object with a string `ip`.
 */
export function parseKnownHosts(value: unknown, source = 'known hosts'): KnownHosts {
  let list: unknown = value;
  if (typeof value === 'string') {
    try {
      list = JSON.parse(value);
    } catch (err) {
      throw new ConfigError(source, '$', `the known hosts are not valid JSON: ${err instanceof Error ? err.message : String(err)}`);
    }
  }
  if (!Array.isArray(list)) throw new ConfigError(source, '$', 'the known hosts must be a JSON list of objects, each with an "ip"');
  const hosts = new Map<string, Array<readonly [string, unknown]>>();
  list.forEach((entry: unknown, i) => {
    if (typeof entry !== 'object' || entry === null || Array.isArray(entry)) throw new ConfigError(source, `$[${i}]`, 'must be an object with an "ip" and the host\'s details');
    const { ip, ...details } = entry as Record<string, unknown>;
    if (typeof ip !== 'string' || ip === '') throw new ConfigError(source, `$[${i}].ip`, 'each known host needs its "ip" (a string)');
    hosts.set(
      ip,
      Object.entries(details).map(([k, v]) => [`known_info.${k}`, v] as const),
    );
  });
  return hosts;
}
