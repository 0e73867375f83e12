/**
 * The lookup keys of the asset inventory and the identity store: one canonical text per IP
 * address (so `2001:DB8::1` in a message finds `2001:db8:0:0::1` in an inventory) and per host
 * name (case and a trailing root dot do not matter, as in DNS).
 */
import { parseIPv4, parseIPv6 } from '../mmdb/ip-address.js';

/**
 * The canonical text of an IP address: IPv4 as a dotted quad (also for an IPv4-mapped IPv6
 * address), IPv6 in RFC 5952 form (lower case, longest run of zero groups as `::`); undefined
 * when `text` is not an address. A zone (`fe80::1%eth0`) is dropped.
 */
export function canonicalIp(text: string): string | undefined {
  const trimmed = text.trim();
  if (parseIPv4(trimmed) !== null) return trimmed;
  const zone = trimmed.indexOf('%');
  const bytes = parseIPv6(zone < 0 ? trimmed : trimmed.slice(0, zone));
  if (bytes === null) return undefined;
  const groups: number[] = [];
  for (let i = 0; i < 16; i += 2) groups.push((bytes[i]! << 8) | bytes[i + 1]!);
  if (groups.slice(0, 5).every((g) => g === 0) && groups[5] === 0xffff) return `${bytes[12]}.${bytes[13]}.${bytes[14]}.${bytes[15]}`;
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
