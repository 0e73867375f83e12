/**
 * What the threat-intel loaders (STIX, TAXII, MISP) share: the kinds of indicator a table can hold
 * for an exact-match lookup, the table type each kind is written under, and the normal form of
 * each kind's indicator text (a lookup matches only the exact text a message field carries).
 *
 * Table types (Metron's `type` of the (type, indicator) key): the defaults are the names Metron's
 * demo configs and extractor configs use for threat intel, so a sensor config's
 * `threatIntel.fieldToTypeMap` such as `"ip_src_addr": ["malicious_ip"]` finds what these loaders
 * write. Any kind can be renamed (e.g. ipv4 to Metron's STIX 1 name `address:IPV_4_ADDR`).
 *
 * Normal forms: IPv4 as a dotted quad without leading zeros; IPv6 as RFC 5952 text (lower case,
 * the longest run of zero groups as `::`); a CIDR of one address (/32, /128) as that address
 * (larger ranges are not loaded: the tables are exact-match key lookups); domain names in lower
 * case without a trailing dot; hashes in lower-case hex; URLs and e-mail addresses as given.
 */
import { parseIPv4, parseIPv6 } from '../mmdb/ip-address.js';

/** The kinds of indicator the loaders write. */
export const INDICATOR_KINDS = ['ipv4', 'ipv6', 'domain', 'url', 'email', 'hash'] as const;
export type IndicatorKind = (typeof INDICATOR_KINDS)[number];

/** Table type per kind. */
export type IndicatorTypeNames = Readonly<Record<IndicatorKind, string>>;

/** The default table types: what Metron's threat-intel configs look up. */
export const DEFAULT_INDICATOR_TYPES: IndicatorTypeNames = {
  ipv4: 'malicious_ip',
  ipv6: 'malicious_ip',
  domain: 'malicious_domain',
  url: 'malicious_url',
  email: 'malicious_email',
  hash: 'malicious_hash',
};

/** Hash algorithms loaded, by their STIX vocabulary name, with their hex length. */
export const HASH_ALGORITHMS: Readonly<Record<string, number>> = {
  MD5: 32,
  'SHA-1': 40,
  'SHA-224': 56,
  'SHA-256': 64,
  'SHA-384': 96,
  'SHA-512': 128,
  'SHA3-224': 56,
  'SHA3-256': 64,
  'SHA3-384': 96,
  'SHA3-512': 128,
};

/**
 * Reads `kind=type,kind=type` (e.g. `ipv4=address:IPV_4_ADDR,hash=bad_hash`) over the defaults.
 * Throws Error naming the bad part.
 */
export function parseIndicatorTypes(spec: string | undefined): IndicatorTypeNames {
  const names: Record<IndicatorKind, string> = { ...DEFAULT_INDICATOR_TYPES };
  if (spec === undefined) return names;
  for (const part of spec.split(',')) {
    if (part.trim() === '') continue;
    const eq = part.indexOf('=');
    const kind = (eq < 0 ? part : part.slice(0, eq)).trim();
    const type = eq < 0 ? '' : part.slice(eq + 1).trim();
    if (kind === 'ip') {
      if (type === '') throw new Error(`'${part}': give a type name after =`);
      names.ipv4 = type;
      names.ipv6 = type;
      continue;
    }
    if (!(INDICATOR_KINDS as readonly string[]).includes(kind)) throw new Error(`'${part}': the kind must be one of ip, ${INDICATOR_KINDS.join(', ')}`);
    if (type === '') throw new Error(`'${part}': give a type name after =`);
    names[kind as IndicatorKind] = type;
  }
  return names;
}

/** An indicator in its normal form, or why it cannot be loaded. */
export type Normalized =
  | { ok: true; kind: IndicatorKind; indicator: string }
  /** `invalid`: not a value of its kind (a bad record); `unsupported`: valid but not loadable (a CIDR range). */
  | { ok: false; problem: 'invalid' | 'unsupported'; reason: string };

/** RFC 5952 text of 16 IPv6 bytes. */
export function formatIPv6(bytes: Uint8Array): string {
  const groups: number[] = [];
  for (let i = 0; i < 16; i += 2) groups.push((bytes[i]! << 8) | bytes[i + 1]!);
  // IPv4-mapped addresses keep the dotted quad (RFC 5952, section 5)
  if (groups.slice(0, 5).every((g) => g === 0) && groups[5] === 0xffff) return `::ffff:${bytes[12]}.${bytes[13]}.${bytes[14]}.${bytes[15]}`;
  let bestStart = -1;
  let bestLength = 1; // a single zero group is not shortened
  for (let i = 0; i < 8; ) {
    if (groups[i] !== 0) {
      i++;
      continue;
    }
    let j = i;
    while (j < 8 && groups[j] === 0) j++;
    if (j - i > bestLength) {
      bestStart = i;
      bestLength = j - i;
    }
    i = j;
  }
  const hex = groups.map((g) => g.toString(16));
  if (bestStart < 0) return hex.join(':');
  return `${hex.slice(0, bestStart).join(':')}::${hex.slice(bestStart + bestLength).join(':')}`;
}

/** An IP address, or a CIDR block, as the table key; `version` limits to IPv4 or IPv6. */
export function normalizeIp(text: string, version?: 4 | 6): Normalized {
  const trimmed = text.trim();
  const slash = trimmed.indexOf('/');
  const address = slash < 0 ? trimmed : trimmed.slice(0, slash);
  const prefixText = slash < 0 ? undefined : trimmed.slice(slash + 1);
  const v4 = version === 6 ? null : parseIPv4(address);
  const v6 = v4 !== null || version === 4 ? null : parseIPv6(address);
  if (v4 === null && v6 === null) {
    const what = version === 4 ? 'an IPv4 address' : version === 6 ? 'an IPv6 address' : 'an IP address';
    return { ok: false, problem: 'invalid', reason: `not ${what}: '${text}'` };
  }
  const bits = v4 !== null ? 32 : 128;
  if (prefixText !== undefined) {
    const prefix = /^\d{1,3}$/.test(prefixText) ? Number(prefixText) : NaN;
    if (!(prefix >= 0 && prefix <= bits)) return { ok: false, problem: 'invalid', reason: `not a CIDR prefix length (0-${bits}): '${text}'` };
    if (prefix < bits) {
      return {
        ok: false,
        problem: 'unsupported',
        reason: `CIDR range ${trimmed}: the tables hold single addresses (exact-match lookups); only /${bits} blocks are loaded, as their address`,
      };
    }
  }
  if (v4 !== null) return { ok: true, kind: 'ipv4', indicator: v4.join('.') };
  return { ok: true, kind: 'ipv6', indicator: formatIPv6(v6!) };
}

const DOMAIN_LABEL = /^(?!-)[a-z0-9_-]{1,63}(?<!-)$/;

/** A domain or host name: lower case, no trailing dot; labels of letters, digits, hyphens (and underscores, seen in real names). */
export function normalizeDomain(text: string): Normalized {
  let name = text.trim().toLowerCase();
  if (name.endsWith('.')) name = name.slice(0, -1);
  if (name === '' || name.length > 253 || !name.split('.').every((label) => DOMAIN_LABEL.test(label) || /^xn--/.test(label))) {
    return { ok: false, problem: 'invalid', reason: `not a domain name: '${text}'` };
  }
  if (parseIPv4(name) !== null) return { ok: false, problem: 'invalid', reason: `an IP address, not a domain name: '${text}'` };
  return { ok: true, kind: 'domain', indicator: name };
}

/** A URL, as given (a message field carries the URL text as it was seen); no whitespace allowed. */
export function normalizeUrl(text: string): Normalized {
  if (text === '' || /\s/.test(text)) return { ok: false, problem: 'invalid', reason: `not a URL: '${text}'` };
  return { ok: true, kind: 'url', indicator: text };
}

/** An e-mail address, as given; it needs one @ with text on both sides. */
export function normalizeEmail(text: string): Normalized {
  const at = text.lastIndexOf('@');
  if (at <= 0 || at === text.length - 1 || /\s/.test(text)) return { ok: false, problem: 'invalid', reason: `not an e-mail address: '${text}'` };
  return { ok: true, kind: 'email', indicator: text };
}

/** A hash of a known algorithm (STIX name, any case, with or without the hyphen): lower-case hex of the algorithm's length. */
export function normalizeHash(algorithm: string, text: string): Normalized {
  const name = hashAlgorithmName(algorithm);
  if (name === undefined) return { ok: false, problem: 'unsupported', reason: `hash algorithm '${algorithm}' is not an exact-match algorithm (loaded: ${Object.keys(HASH_ALGORITHMS).join(', ')})` };
  const hex = text.trim().toLowerCase();
  if (hex.length !== HASH_ALGORITHMS[name] || !/^[0-9a-f]+$/.test(hex)) return { ok: false, problem: 'invalid', reason: `not a ${name} hash (${HASH_ALGORITHMS[name]} hex digits): '${text}'` };
  return { ok: true, kind: 'hash', indicator: hex };
}

/** The STIX name of a hash algorithm written as MD5, md5, SHA256, sha-256, SHA3-256...; undefined when unknown. */
export function hashAlgorithmName(algorithm: string): string | undefined {
  const upper = algorithm.trim().toUpperCase();
  if (upper in HASH_ALGORITHMS) return upper;
  const withHyphen = upper.replace(/^SHA(\d)/, 'SHA-$1').replace(/^SHA-3-?(\d{3})$/, 'SHA3-$1').replace(/^SHA3(\d{3})$/, 'SHA3-$1');
  return withHyphen in HASH_ALGORITHMS ? withHyphen : undefined;
}

/** One row a threat-intel loader writes: Metron's (type, indicator) key and value map. */
export interface ThreatIntelRow {
  type: string;
  indicator: string;
  value: Record<string, unknown>;
  /** Epoch ms from which lookups no longer see the row (valid_until); none: never. */
  expiresAt?: number;
  /** The source withdrew the indicator (revoked, deleted): the row is removed, not written. */
  remove?: boolean;
}

/** Something in the input that was not loaded, and where: reported to the user and counted. */
export interface LoadIssue {
  /** `failed`: a malformed record (bad JSON, bad pattern, bad value); `unsupported`: well-formed, but nothing a table can hold. */
  kind: 'failed' | 'unsupported';
  /** Where in the input: `file: objects[3] (indicator--...)`, `event <uuid> attribute <uuid>`. */
  where: string;
  reason: string;
  /** Issues of one group (e.g. one unsupported MISP attribute type) are shown once and counted together. */
  group?: string;
}

/**
 * Settles the rows of one chunk of input (a file, a TAXII page): when rows share a key, a live row
 * beats a removal (another indicator still names the value) and otherwise the later row wins.
 */
export function settleRows(rows: readonly ThreatIntelRow[]): ThreatIntelRow[] {
  const byKey = new Map<string, ThreatIntelRow>();
  for (const row of rows) {
    const key = `${row.type}\u0000${row.indicator}`;
    const earlier = byKey.get(key);
    if (earlier !== undefined && row.remove === true && earlier.remove !== true) continue;
    byKey.delete(key);
    byKey.set(key, row);
  }
  return [...byKey.values()];
}
