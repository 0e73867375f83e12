/**
 * Network functions (Metron NetworkFunctions.java): IN_SUBNET (commons-net SubnetUtils
 * semantics: the network and broadcast addresses are not "in range"), DOMAIN_* (Guava
 * InternetDomainName with the public suffixes of domain-names.ts) and URL_* (java.net.URL parsing).
 */
import { JInt, type StellarValue } from '../values.js';
import type { StellarFunction } from './types.js';
import { arg, castString, defineFunction, fail } from './java-interop.js';
import { domainLabels, publicSuffix } from './domain-names.js';

function ipv4ToInt(s: string, what: string): number {
  const m = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.exec(s);
  if (m === null) return fail(`IN_SUBNET: could not parse [${s}] as ${what}`);
  let n = 0;
  for (const seg of m.slice(1)) {
    const v = Number(seg);
    if (v > 255) return fail(`IN_SUBNET: value [${v}] not in range [0,255] in ${what} ${s}`);
    n = n * 256 + v;
  }
  return n;
}

/** commons-net SubnetUtils(cidr).getInfo().isInRange(ip) with inclusiveHostCount=false. */
export function inSubnet(ip: string, cidr: string): boolean {
  const m = /^(\d{1,3}\.\d{1,3}\.\d{1,3}\.\d{1,3})\/(\d{1,2})$/.exec(cidr);
  if (m === null) return fail(`IN_SUBNET: could not parse [${cidr}] as a CIDR`);
  const bits = Number(m[2]);
  if (bits > 32) return fail(`IN_SUBNET: value [${bits}] not in range [0,32]`);
  const address = ipv4ToInt(m[1] ?? '', 'a CIDR');
  const mask = bits === 0 ? 0 : Number((0xffffffffn << BigInt(32 - bits)) & 0xffffffffn);
  const network = Number(BigInt(address) & BigInt(mask));
  const broadcast = Number(BigInt(network) | (~BigInt(mask) & 0xffffffffn));
  const wide = broadcast - network > 1;
  const low = wide ? network + 1 : 0;
  const high = wide ? broadcast - 1 : 0;
  const target = ipv4ToInt(ip, 'an IP address');
  return target >= low && target <= high;
}

/** java.net.URL's parts, or null when java.net.URL would throw MalformedURLException. */
interface JavaUrl {
  protocol: string;
  host: string;
  port: number;
  path: string;
  defaultPort: number;
}

const DEFAULT_PORTS: Record<string, number> = { http: 80, https: 443, ftp: 21, file: -1, jar: -1, mailto: -1, netdoc: -1 };

export function parseJavaUrl(url: string): JavaUrl | null {
  const m = /^\s*([a-zA-Z][a-zA-Z0-9+.-]*):(.*)$/s.exec(url);
  if (m === null) return null;
  const protocol = (m[1] ?? '').toLowerCase();
  const defaultPort = DEFAULT_PORTS[protocol];
  if (defaultPort === undefined) return null;
  let rest = (m[2] ?? '').replace(/\s+$/, '');
  const hash = rest.indexOf('#');
  if (hash !== -1) rest = rest.slice(0, hash);
  let host = '';
  let port = -1;
  if (rest.startsWith('//')) {
    const end = rest.slice(2).search(/[/?]/);
    const authority = end === -1 ? rest.slice(2) : rest.slice(2, 2 + end);
    rest = end === -1 ? '' : rest.slice(2 + end);
    const hostPort = authority.slice(authority.lastIndexOf('@') + 1);
    if (hostPort.startsWith('[')) {
      const close = hostPort.indexOf(']');
      if (close === -1) return null;
      host = hostPort.slice(0, close + 1);
      const after = hostPort.slice(close + 1);
      if (after !== '' && !after.startsWith(':')) return null;
      if (after.length > 1) {
        if (!/^\d+$/.test(after.slice(1))) return null;
        port = Number(after.slice(1));
      }
    } else {
      const colon = hostPort.indexOf(':');
      host = colon === -1 ? hostPort : hostPort.slice(0, colon);
      const portText = colon === -1 ? '' : hostPort.slice(colon + 1);
      if (portText !== '') {
        if (!/^\d+$/.test(portText)) return null;
        port = Number(portText);
      }
    }
  }
  const query = rest.indexOf('?');
  const path = query === -1 ? rest : rest.slice(0, query);
  return { protocol, host, port, path, defaultPort };
}

function urlArg(v: StellarValue): JavaUrl | null {
  if (v === null) return null;
  if (typeof v !== 'string') return fail(`${String(v)} is not a string and therefore also not a URL.`);
  return parseJavaUrl(v);
}

function domainArg(v: StellarValue): string[] | null {
  if (v === null) return null;
  if (typeof v !== 'string') return fail(`${String(v)} is not a string and therefore also not a domain.`);
  return domainLabels(v);
}

/** Metron's extractTld: the public suffix, else the text after the last dot. */
function extractTld(labels: string[] | null, dn: string): string {
  const suffix = labels === null ? null : publicSuffix(labels);
  if (suffix !== null) return suffix;
  return dn.slice(dn.lastIndexOf('.') + 1);
}

export const functions: StellarFunction[] = [
  defineFunction('IN_SUBNET', '', 'Tests whether an IPv4 address is within any of one or more CIDR ranges.', ['ip - The IP address', 'cidr+ - One or more CIDR ranges (e.g. 192.168.0.0/24)'], 'True if the address is in at least one range (network and broadcast addresses excluded).', (args) => {
    if (args.length < 2) fail('IN_SUBNET expects at least two args: [ip, cidr1, cidr2, ...] where cidr is the subnet mask in cidr form');
    const ip = castString(arg(args, 0), 'IN_SUBNET', 'ip');
    if (ip === null) return false;
    for (const c of args.slice(1)) {
      const cidr = castString(c, 'IN_SUBNET', 'cidr');
      if (cidr !== null && inSubnet(ip, cidr)) return true;
    }
    return false;
  }),
  defineFunction('DOMAIN_REMOVE_SUBDOMAINS', 'DOMAIN', 'Strips the subdomains from a domain name, keeping the registered name and its public suffix.', ['domain - The fully qualified domain name'], "The domain without subdomains (e.g. 'mail.yahoo.com' gives 'yahoo.com'), or null when it is not a valid domain.", (args) => {
    if (args.length === 0) return null;
    const dn = arg(args, 0);
    const labels = domainArg(dn);
    if (labels === null || typeof dn !== 'string' || dn === '') return null;
    const tld = extractTld(labels, dn);
    const withDot = dn.slice(0, dn.length - tld.length);
    if (withDot === '') return dn;
    const withoutTld = withDot.slice(0, -1);
    return withoutTld.slice(withoutTld.lastIndexOf('.') + 1) + '.' + tld;
  }),
  defineFunction('DOMAIN_REMOVE_TLD', 'DOMAIN', 'Strips the public suffix (TLD) from a domain name.', ['domain - The fully qualified domain name'], "The domain without its TLD (e.g. 'mail.yahoo.co.uk' gives 'mail.yahoo'), or null when it is not a valid domain.", (args) => {
    const dn = arg(args, 0);
    const labels = domainArg(dn);
    if (labels === null || typeof dn !== 'string') return null;
    const tld = extractTld(labels, dn);
    const withDot = dn.slice(0, dn.length - tld.length);
    return withDot === '' ? withDot : withDot.slice(0, -1);
  }),
  defineFunction('DOMAIN_TO_TLD', 'DOMAIN', 'Extracts the public suffix (TLD) of a domain name.', ['domain - The fully qualified domain name'], "The TLD (e.g. 'mail.yahoo.co.uk' gives 'co.uk'); for an unknown suffix, the last label.", (args) => {
    const dn = arg(args, 0);
    if (dn === null) return null;
    return extractTld(domainArg(dn), dn as string);
  }),
  defineFunction('URL_TO_PORT', 'URL', "Extracts the port of a URL, or the protocol's default port.", ['url - The URL'], 'The port as an int (e.g. 80 for http), or null when the URL is invalid.', (args) => {
    const url = urlArg(arg(args, 0));
    if (url === null) return null;
    return new JInt(url.port >= 0 ? url.port : url.defaultPort);
  }),
  defineFunction('URL_TO_PATH', 'URL', 'Extracts the path of a URL.', ['url - The URL'], "The path (e.g. '/foo'), or null when the URL is invalid.", (args) => urlArg(arg(args, 0))?.path ?? null),
  defineFunction('URL_TO_HOST', 'URL', 'Extracts the host name of a URL.', ['url - The URL'], "The host (e.g. 'www.yahoo.com'), or null when the URL is invalid.", (args) => urlArg(arg(args, 0))?.host ?? null),
  defineFunction('URL_TO_PROTOCOL', 'URL', 'Extracts the protocol of a URL.', ['url - The URL'], "The protocol (e.g. 'http'), or null when the URL is invalid.", (args) => urlArg(arg(args, 0))?.protocol ?? null),
];

