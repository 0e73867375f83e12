/**
 * An asset of the inventory, checked and normalized from one input record (a CSV row or a JSON
 * object). Keys: `ip` (aliases ip_address, ip_addr, address; an address, or a network in CIDR
 * notation, kept as `network`) and/or `hostname` (aliases host, fqdn); known details: `owner`,
 * `criticality` (a number when the text is one, else the text), `os`, `tags` (a list of strings:
 * a JSON list, or a cell split on `,` `;` `|`); every other column is kept, as text, under its
 * own name. Empty values are left out.
 */
import { canonicalHostname, canonicalIp, parseNetwork } from './addresses.js';

/** An asset as stored and as the `asset` adapter writes it (`enrichments.asset.<field>.<key>`). */
export interface AssetRecord {
  ip?: string;
  /** A network (CIDR) the asset stands for: every address in it that has no asset of its own. */
  network?: string;
  hostname?: string;
  owner?: string;
  criticality?: number | string;
  os?: string;
  tags?: string[];
  /** Other columns, as text. */
  [extra: string]: string | number | string[] | undefined;
}

const IP_COLUMNS = ['ip', 'ip_address', 'ip_addr', 'address'];
const HOST_COLUMNS = ['hostname', 'host', 'fqdn'];
const TEXT_COLUMNS = ['owner', 'os'];

/** A column's value as text: scalars as written, lists and objects as JSON; undefined when empty. */
function text(value: unknown): string | undefined {
  if (value === null || value === undefined) return undefined;
  const s = typeof value === 'string' ? value.trim() : typeof value === 'object' ? JSON.stringify(value) : String(value);
  return s === '' ? undefined : s;
}

/** A record's column by any of its names, case-insensitively; throws when two names are both given. */
function column(fields: Readonly<Record<string, unknown>>, names: readonly string[], used: Set<string>): unknown {
  let found: string | undefined;
  for (const key of Object.keys(fields)) {
    if (!names.includes(key.toLowerCase())) continue;
    used.add(key);
    if (text(fields[key]) === undefined) continue;
    if (found !== undefined) throw new Error(`both "${found}" and "${key}" are given: use one column for the ${names[0]}`);
    found = key;
  }
  return found === undefined ? undefined : fields[found];
}

function tagsOf(value: unknown): string[] | undefined {
  let list: unknown[];
  if (Array.isArray(value)) list = value;
  else if (typeof value === 'string') list = value.split(/[,;|]/);
  else if (value === null || value === undefined) return undefined;
  else throw new Error('tags must be a list of strings or a text of tags separated by "," ";" or "|"');
  const tags: string[] = [];
  for (const item of list) {
    if (typeof item !== 'string' && typeof item !== 'number' && typeof item !== 'boolean') throw new Error('tags must be a list of strings');
    const tag = String(item).trim();
    if (tag !== '' && !tags.includes(tag)) tags.push(tag);
  }
  return tags.length === 0 ? undefined : tags;
}

const NUMBER_TEXT = /^[-+]?(?:\d+\.?\d*|\.\d+)$/;

/** Checks and normalizes one input record; throws Error with the reason for a bad one. */
export function assetFromFields(fields: Readonly<Record<string, unknown>>): AssetRecord {
  const used = new Set<string>();
  const asset: AssetRecord = {};
  const ipValue = column(fields, IP_COLUMNS, used);
  if (ipValue !== undefined) {
    const raw = text(ipValue)!;
    if (raw.includes('/')) {
      // a network: a single address (/32, /128) is stored as that address
      const network = parseNetwork(raw);
      if (network.prefix === (network.version === 4 ? 32 : 128)) asset.ip = network.text.slice(0, network.text.indexOf('/'));
      else asset.network = network.text;
    } else {
      const ip = canonicalIp(raw);
      if (ip === undefined) throw new Error(`"${raw}" is not an IP address`);
      asset.ip = ip;
    }
  }
  const hostValue = column(fields, HOST_COLUMNS, used);
  if (hostValue !== undefined) {
    const raw = text(hostValue)!;
    const hostname = canonicalHostname(raw);
    if (hostname === undefined || canonicalIp(raw) !== undefined) throw new Error(`"${raw}" is not a host name`);
    asset.hostname = hostname;
  }
  if (asset.ip === undefined && asset.network === undefined && asset.hostname === undefined) throw new Error('an asset needs an "ip" or a "hostname"');
  for (const name of TEXT_COLUMNS) {
    const value = text(column(fields, [name], used));
    if (value !== undefined) asset[name] = value;
  }
  const criticality = column(fields, ['criticality'], used);
  if (typeof criticality === 'number') asset.criticality = criticality;
  else {
    const value = text(criticality);
    if (value !== undefined) asset.criticality = NUMBER_TEXT.test(value) ? Number(value) : value;
  }
  const tags = tagsOf(column(fields, ['tags'], used));
  if (tags !== undefined) asset.tags = tags;
  for (const [key, value] of Object.entries(fields)) {
    if (used.has(key)) continue;
    const name = key.trim();
    const known = [...IP_COLUMNS, ...HOST_COLUMNS, ...TEXT_COLUMNS, 'criticality', 'tags'];
    if (name === '' || known.includes(name.toLowerCase())) continue;
    const v = text(value);
    if (v !== undefined) asset[name] = v;
  }
  return asset;
}
