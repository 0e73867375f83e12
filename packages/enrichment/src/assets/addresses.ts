/**
 * The lookup keys of the asset inventory and the identity store: one canonical text per IP
 * address (so `2001:DB8::1` in a message finds `2001:db8:0:0::1` in an inventory), per network
 * (CIDR, with its base address canonical) and per host name (case and a trailing root dot do not
 * matter, as in DNS).
 */
import { parseIPv4, parseIPv6 } from '../mmdb/ip-address.js';

/**
 * The canonical text of an IP address: IPv4 as a dotted quad (also for an IPv4-mapped IPv6
 * address), IPv6 in RFC 5952 form (lower case, longest run of zero groups as `::`); undefined
 * when `text` is not an address. A zone (`fe80::1%eth0`) is dropped.
 */
export function canonicalIp(text: string): string | undefined {
  const trimmed = text.trim();
  if (parseIPv4(trimmed) !== null) return trimmed; // the strict dotted quad is its own canonical form
  const bytes = addressBytes(trimmed);
  return bytes === undefined ? undefined : addressText(bytes);
}

/** An address's bytes: 4 for IPv4 (also an IPv4-mapped IPv6 address), 16 for IPv6; undefined when `text` is not one. */
export function addressBytes(text: string): Uint8Array | undefined {
  const trimmed = text.trim();
  const v4 = parseIPv4(trimmed);
  if (v4 !== null) return Uint8Array.from(v4);
  const zone = trimmed.indexOf('%');
  const bytes = parseIPv6(zone < 0 ? trimmed : trimmed.slice(0, zone));
  if (bytes === null) return undefined;
  if (bytes.subarray(0, 10).every((b) => b === 0) && bytes[10] === 0xff && bytes[11] === 0xff) return bytes.slice(12);
  return bytes;
}

/** The canonical text of an address's bytes (4: dotted quad; 16: RFC 5952). */
export function addressText(bytes: Uint8Array): string {
  if (bytes.length === 4) return `${bytes[0]}.${bytes[1]}.${bytes[2]}.${bytes[3]}`;
  const groups: number[] = [];
  for (let i = 0; i < 16; i += 2) groups.push((bytes[i]! << 8) | bytes[i + 1]!);
  // the longest run of two or more zero groups (the first of equal runs) becomes "::"
  let bestAt = -1;
  let bestLength = 1;
  for (let i = 0; i < 8; ) {
    if (groups[i] !== 0) {
      i++;
      continue;
    }
    let j = i;
    while (j < 8 && groups[j] === 0) j++;
    if (j - i > bestLength) {
      bestAt = i;
      bestLength = j - i;
    }
    i = j;
  }
  const hex = groups.map((g) => g.toString(16));
  if (bestAt < 0) return hex.join(':');
  return `${hex.slice(0, bestAt).join(':')}::${hex.slice(bestAt + bestLength).join(':')}`;
}

/** The first `prefix` bits of an address, the rest zero (a network's base address). */
export function maskBytes(bytes: Uint8Array, prefix: number): Uint8Array {
  const out = new Uint8Array(bytes.length);
  for (let i = 0; i < bytes.length; i++) {
    const bits = Math.max(0, Math.min(8, prefix - i * 8));
    out[i] = bits === 0 ? 0 : bytes[i]! & (0xff << (8 - bits));
  }
  return out;
}

/** A network in CIDR notation, canonical: `<base address>/<prefix length>`. */
export interface Network {
  readonly text: string;
  readonly version: 4 | 6;
  readonly prefix: number;
}

/**
 * Reads `base/prefix` (IPv4 or IPv6). Throws Error with the reason for a bad one, and for one
 * whose address has bits set past the prefix (`10.0.3.5/24`: a typo for an address or for
 * `10.0.3.0/24`, which is said).
 */
export function parseNetwork(text: string): Network {
  const at = text.indexOf('/');
  const base = addressBytes(text.slice(0, at));
  const prefixText = text.slice(at + 1).trim();
  if (base === undefined) throw new Error(`"${text.trim()}" is not a network: "${text.slice(0, at).trim()}" is not an IP address`);
  const bits = base.length * 8;
  const prefix = /^\d{1,3}$/.test(prefixText) ? Number(prefixText) : NaN;
  if (!(prefix >= 0 && prefix <= bits)) throw new Error(`"${text.trim()}" is not a network: the prefix length must be 0 to ${bits}`);
  const masked = maskBytes(base, prefix);
  if (!masked.every((b, i) => b === base[i])) throw new Error(`"${text.trim()}" has address bits set past /${prefix}: the network is ${addressText(masked)}/${prefix}`);
  return { text: `${addressText(masked)}/${prefix}`, version: base.length === 4 ? 4 : 6, prefix };
}

const HOST_NAME = /^[a-z0-9_](?:[a-z0-9_-]{0,62})(?:\.[a-z0-9_](?:[a-z0-9_-]{0,62}))*$/;

/**
 * The canonical text of a host name (lower case, no trailing dot); undefined when `text` is not
 * a DNS-style name (labels of letters, digits, `-` and `_`, at most 253 characters).
 */
export function canonicalHostname(text: string): string | undefined {
  let name = text.trim().toLowerCase();
  if (name.endsWith('.')) name = name.slice(0, -1);
  if (name === '' || name.length > 253 || !HOST_NAME.test(name)) return undefined;
  return name;
}
