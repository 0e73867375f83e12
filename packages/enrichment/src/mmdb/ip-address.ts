/**
 * Which addresses an IP database lookup is worth: parsing (strict dotted-quad IPv4 as Metron's
 * commons-validator check, RFC 4291 text for IPv6) and the special-purpose ranges that no
 * geolocation or ASN database can place (RFC 6890 registries, multicast, documentation ranges).
 *
 * Metron (MaxMindDbUtilities.isIneligibleAddress) skips 0.0.0.0, loopback, site-local (RFC 1918),
 * multicast and anything that is not a dotted-quad IPv4 address. The other IPv4 ranges skipped here
 * (link-local, CGNAT, TEST-NETs, benchmarking, 240/4, ...) are absent from every database, so the
 * answer is the same; skipping them first only saves the tree walk and keeps them out of the cache.
 */

/** Why an address gets no lookup. */
export type IneligibleReason =
  | 'unparseable'
  | 'unspecified'
  | 'loopback'
  | 'private'
  | 'link-local'
  | 'multicast'
  | 'reserved'
  | 'ipv6-disabled';

/** An address worth looking up: its version and the text handed to the database reader. */
export interface EligibleAddress {
  readonly eligible: true;
  readonly version: 4 | 6;
  /** Canonical text: dotted quad for IPv4 (also for IPv4-mapped IPv6), eight hex groups for IPv6. */
  readonly lookupText: string;
}

export interface IneligibleAddress {
  readonly eligible: false;
  readonly reason: IneligibleReason;
}

export type AddressClass = EligibleAddress | IneligibleAddress;

const IPV4_TEXT = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/;

/**
 * The four octets of a dotted-quad IPv4 address, or null. As commons-validator's
 * isValidInet4Address: exactly four decimal parts, each 0-255, no leading zeros ("010" is refused
 * because other tools read it as octal).
 */
export function parseIPv4(text: string): [number, number, number, number] | null {
  const m = IPV4_TEXT.exec(text);
  if (m === null) return null;
  const octets: number[] = [];
  for (let i = 1; i <= 4; i++) {
    const part = m[i]!;
    if (part.length > 1 && part.charCodeAt(0) === 48 /* '0' */) return null;
    const n = Number(part);
    if (n > 255) return null;
    octets.push(n);
  }
  return octets as [number, number, number, number];
}

const HEX_GROUP = /^[0-9a-fA-F]{1,4}$/;

/** The 16 bytes of an IPv6 address in RFC 4291 text form (with optional trailing dotted quad), or null. */
export function parseIPv6(text: string): Uint8Array | null {
  if (text.length < 2 || text.length > 45 || !text.includes(':')) return null;
  let body = text;
  const lastColon = body.lastIndexOf(':');
  if (body.indexOf('.', lastColon) !== -1) {
    // a trailing dotted quad stands for the last two groups
    const v4 = parseIPv4(body.slice(lastColon + 1));
    if (v4 === null) return null;
    const [a, b, c, d] = v4;
    body = body.slice(0, lastColon + 1) + ((a << 8) | b).toString(16) + ':' + ((c << 8) | d).toString(16);
  }
  const halves = body.split('::');
  if (halves.length > 2) return null;
  const head = hexGroups(halves[0]!);
  const rest = halves.length === 2 ? hexGroups(halves[1]!) : [];
  if (head === null || rest === null) return null;
  let groups: number[];
  if (halves.length === 2) {
    if (head.length + rest.length > 7) return null;
    groups = [...head, ...new Array<number>(8 - head.length - rest.length).fill(0), ...rest];
  } else {
    if (head.length !== 8) return null;
    groups = head;
  }
  const bytes = new Uint8Array(16);
  groups.forEach((g, i) => {
    bytes[i * 2] = g >> 8;
    bytes[i * 2 + 1] = g & 0xff;
  });
  return bytes;
}

function hexGroups(s: string): number[] | null {
  if (s === '') return [];
  const out: number[] = [];
  for (const g of s.split(':')) {
    if (!HEX_GROUP.test(g)) return null;
    out.push(parseInt(g, 16));
  }
  return out;
}

/** Why an IPv4 address is outside the globally routable space, or null when it is inside. */
function ipv4Ineligible(a: number, b: number, c: number, d: number): IneligibleReason | null {
  if (a === 0) return b === 0 && c === 0 && d === 0 ? 'unspecified' : 'reserved'; // 0/8 "this network"
  if (a === 127) return 'loopback';
  if (a === 10) return 'private';
  if (a === 172 && b >= 16 && b <= 31) return 'private';
  if (a === 192 && b === 168) return 'private';
  if (a === 169 && b === 254) return 'link-local';
  if (a >= 224 && a <= 239) return 'multicast';
  if (a >= 240) return 'reserved'; // 240/4 and the limited broadcast address
  if (a === 100 && b >= 64 && b <= 127) return 'reserved'; // shared address space (CGNAT), RFC 6598
  if (a === 192 && b === 0 && (c === 0 || c === 2)) return 'reserved'; // IETF protocol assignments, TEST-NET-1
  if (a === 192 && b === 88 && c === 99) return 'reserved'; // deprecated 6to4 relay anycast
  if (a === 198 && (b === 18 || b === 19)) return 'reserved'; // benchmarking, RFC 2544
  if (a === 198 && b === 51 && c === 100) return 'reserved'; // TEST-NET-2
  if (a === 203 && b === 0 && c === 113) return 'reserved'; // TEST-NET-3
  return null;
}

function classifyIPv4(octets: readonly number[]): AddressClass {
  const [a = 0, b = 0, c = 0, d = 0] = octets;
  const reason = ipv4Ineligible(a, b, c, d);
  if (reason !== null) return { eligible: false, reason };
  return { eligible: true, version: 4, lookupText: `${a}.${b}.${c}.${d}` };
}

function classifyIPv6(bytes: Uint8Array): AddressClass {
  const zeroUpTo = (n: number): boolean => bytes.subarray(0, n).every((x) => x === 0);
  // IPv4-mapped (::ffff:a.b.c.d): the IPv4 address it carries
  if (zeroUpTo(10) && bytes[10] === 0xff && bytes[11] === 0xff) return classifyIPv4([...bytes.subarray(12)]);
  if (zeroUpTo(15)) return { eligible: false, reason: bytes[15] === 1 ? 'loopback' : 'unspecified' };
  const first = bytes[0]!;
  const second = bytes[1]!;
  if (first === 0xff) return { eligible: false, reason: 'multicast' };
  if (first === 0xfe && (second & 0xc0) === 0x80) return { eligible: false, reason: 'link-local' };
  if (first === 0xfe && (second & 0xc0) === 0xc0) return { eligible: false, reason: 'private' }; // site-local (deprecated)
  if ((first & 0xfe) === 0xfc) return { eligible: false, reason: 'private' }; // unique local fc00::/7
  // global unicast is 2000::/3; the rest of the space is unassigned or special
  if ((first & 0xe0) !== 0x20) return { eligible: false, reason: 'reserved' };
  if (first === 0x20 && second === 0x01) {
    if (bytes[2] === 0x0d && bytes[3] === 0xb8) return { eligible: false, reason: 'reserved' }; // documentation 2001:db8::/32
    if (bytes[2]! < 0x02) return { eligible: false, reason: 'reserved' }; // IETF protocol assignments 2001::/23
  }
  if (first === 0x3f && second === 0xff && (bytes[2]! & 0xf0) === 0) return { eligible: false, reason: 'reserved' }; // documentation 3fff::/20
  const groups: string[] = [];
  for (let i = 0; i < 16; i += 2) groups.push(((bytes[i]! << 8) | bytes[i + 1]!).toString(16));
  return { eligible: true, version: 6, lookupText: groups.join(':') };
}

/**
 * Classifies an address for a database lookup. With `ipv6` false (Metron's behaviour, which
 * accepts dotted-quad IPv4 only) every IPv6 text gives 'ipv6-disabled'.
 */
export function classifyAddress(text: string, ipv6: boolean): AddressClass {
  const v4 = parseIPv4(text);
  if (v4 !== null) return classifyIPv4(v4);
  const v6 = text.includes(':') ? parseIPv6(text) : null;
  if (v6 === null) return { eligible: false, reason: 'unparseable' };
  if (!ipv6) return { eligible: false, reason: 'ipv6-disabled' };
  return classifyIPv6(v6);
}
