/**
 * IP addresses and CIDR prefixes in query values, read as Elasticsearch/OpenSearch read them on
 * `ip` fields (its InetAddresses.forString / parseCidr): dotted-quad IPv4 without leading zeros,
 * RFC 4291 IPv6 text (with `::` and an optional dotted-quad tail), `address/prefix` CIDR.
 *
 * Addresses are numbers in the 128-bit IPv6 space, IPv4 mapped to `::ffff:a.b.c.d` (RFC 4291
 * 2.5.5.2), as OpenSearch's ip field stores them: an IPv6 prefix or range can take in IPv4
 * addresses, and a range between two IPv4 addresses holds only IPv4 addresses.
 */

/** An address: its 128-bit value, and whether it was written as IPv4. */
export interface IpAddress {
  value: bigint;
  version: 4 | 6;
}

/** A CIDR block as the inclusive range of 128-bit values it covers. */
export interface IpPrefix {
  version: 4 | 6;
  /** Prefix length in the written version's bits (0-32 for IPv4, 0-128 for IPv6). */
  length: number;
  first: bigint;
  last: bigint;
}

const MAPPED_V4 = 0xffffn << 32n;
const ALL_128 = (1n << 128n) - 1n;

/** The first and last 128-bit values of IPv4-mapped space (`::ffff:0.0.0.0` - `::ffff:255.255.255.255`). */
export const IPV4_MAPPED_FIRST = MAPPED_V4;
export const IPV4_MAPPED_LAST = MAPPED_V4 | 0xffffffffn;

const OCTET = /^(?:25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])$/;
const HEX_GROUP = /^[0-9A-Fa-f]{1,4}$/;

/** A dotted-quad IPv4 address as a 32-bit number; null unless four decimal octets without leading zeros. */
export function parseIpv4(text: string): number | null {
  const parts = text.split('.');
  if (parts.length !== 4) return null;
  let value = 0;
  for (const part of parts) {
    if (!OCTET.test(part)) return null;
    value = value * 256 + Number(part);
  }
  return value;
}

/** An IPv6 address as a 128-bit number; null when the text is not RFC 4291 IPv6 (zone ids are refused). */
function parseIpv6(text: string): bigint | null {
  if (text.length < 2 || text.length > 45) return null;
  let groups: string[];
  let tail: number | null = null;
  // A dotted-quad tail stands for the last two groups.
  const lastColon = text.lastIndexOf(':');
  if (text.indexOf('.', lastColon) >= 0) {
    tail = parseIpv4(text.slice(lastColon + 1));
    if (tail === null) return null;
    text = `${text.slice(0, lastColon + 1)}0:0`;
  }
  const halves = text.split('::');
  if (halves.length > 2) return null;
  const split = (half: string): string[] | null => {
    if (half === '') return [];
    const parts = half.split(':');
    return parts.every((p) => HEX_GROUP.test(p)) ? parts : null;
  };
  if (halves.length === 2) {
    const head = split(halves[0]!);
    const rest = split(halves[1]!);
    if (head === null || rest === null || head.length + rest.length > 7) return null;
    groups = [...head, ...Array<string>(8 - head.length - rest.length).fill('0'), ...rest];
  } else {
    const all = split(text);
    if (all === null || all.length !== 8) return null;
    groups = all;
  }
  let value = 0n;
  for (const group of groups) value = (value << 16n) | BigInt(parseInt(group, 16));
  if (tail !== null) value = (value & ~0xffffffffn) | BigInt(tail);
  return value;
}

/** Reads an IPv4 or IPv6 address; null when the text is neither. */
export function parseIp(text: string): IpAddress | null {
  const v4 = parseIpv4(text);
  if (v4 !== null) return { value: MAPPED_V4 | BigInt(v4), version: 4 };
  if (!text.includes(':')) return null;
  const v6 = parseIpv6(text);
  return v6 === null ? null : { value: v6, version: 6 };
}

/**
 * Reads `address/length`; null when it is not one. As OpenSearch, an IPv4-mapped IPv6 address
 * with a prefix (`::ffff:10.0.0.0/104`) is refused: it is ambiguous whether the length counts
 * IPv4 or IPv6 bits. Host bits set in the address are ignored (`10.1.2.3/8` is `10.0.0.0/8`).
 */
export function parseCidr(text: string): IpPrefix | null {
  const slash = text.indexOf('/');
  if (slash < 0 || !/^[0-9]{1,3}$/.test(text.slice(slash + 1))) return null;
  const addressText = text.slice(0, slash);
  const address = parseIp(addressText);
  const length = Number(text.slice(slash + 1));
  if (address === null) return null;
  const bits = address.version === 4 ? 32 : 128;
  if (length > bits) return null;
  if (address.version === 6 && address.value >= IPV4_MAPPED_FIRST && address.value <= IPV4_MAPPED_LAST && addressText.includes('.')) return null;
  const hostBits = BigInt(bits - length);
  const hostMask = (1n << hostBits) - 1n;
  const first = address.value & ~hostMask & ALL_128;
  return { version: address.version, length, first, last: first | hostMask };
}

/** A 128-bit value as 32 lower-case hex digits: text that sorts as the numbers do. */
export function ipHex(value: bigint): string {
  return value.toString(16).padStart(32, '0');
}

/** The IPv4 address of a value in IPv4-mapped space, as dotted-quad text. */
export function ipv4Text(value: bigint): string {
  const v = Number(value & 0xffffffffn);
  return [v >>> 24, (v >>> 16) & 255, (v >>> 8) & 255, v & 255].join('.');
}
