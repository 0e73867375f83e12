/**
 * The host `new java.net.URL(spec).getHost()` gives (Java 8, no context URL), or undefined where
 * the constructor throws MalformedURLException. Metron's Palo Alto parser adds `host` this way
 * for THREAT urls, so the rules that decide between "no host", "" and a host are kept:
 * - the scheme is the text before the first `:` that comes before any `/` (after trimming chars
 *   <= U+0020 and an optional `url:` prefix); it must be a valid scheme and one Java ships a
 *   handler for (http, https, ftp, file, netdoc, jar, mailto), else there is no URL at all;
 * - the host is the authority after `//` (up to `/`, `?` or `#`) without user info and port; a
 *   bracketed IPv6 literal keeps its brackets; two `@`, a bad port or a bad IPv6 literal throw;
 * - jar needs `jar:<url>!/...` and mailto a non-blank address; both have the host "".
 * PAN-OS logs the url without a scheme (`www.example.com/path`), which has no host.
 */
import { isIPv6 } from 'node:net';

const HANDLERS = new Set(['http', 'https', 'ftp', 'file', 'netdoc', 'jar', 'mailto']);
const VALID_SCHEME = /^\p{L}[\p{L}\p{Nd}.+-]*$/u;
const PORT = /^[+-]?[0-9]+$/;
const INT_MAX = 2147483647;

/** The host Java's URL parser gives for `spec`, or undefined if Java refuses the URL. */
export function javaUrlHost(spec: string): string | undefined {
  let limit = spec.length;
  let start = 0;
  while (limit > 0 && spec.charCodeAt(limit - 1) <= 32) limit--;
  while (start < limit && spec.charCodeAt(start) <= 32) start++;
  if (spec.slice(start, start + 4).toLowerCase() === 'url:') start += 4;
  let scheme: string | undefined;
  if (spec[start] !== '#') {
    for (let i = start; i < limit && spec[i] !== '/'; i++) {
      if (spec[i] === ':') {
        const candidate = spec.slice(start, i).toLowerCase();
        if (VALID_SCHEME.test(candidate)) {
          scheme = candidate;
          start = i + 1;
        }
        break;
      }
    }
  }
  if (scheme === undefined || !HANDLERS.has(scheme)) return undefined;
  const hash = spec.indexOf('#', start);
  if (hash >= 0) limit = hash;
  if (scheme === 'jar') return jarHost(spec, start, limit);
  if (scheme === 'mailto') return /\S/u.test(spec.slice(start, limit)) ? '' : undefined;
  return hierarchicalHost(spec, start, limit);
}

/** sun.net.www.protocol.jar.Handler: an absolute `jar:` spec needs `!/` after a valid URL. */
function jarHost(spec: string, start: number, limit: number): string | undefined {
  if (spec.slice(0, 4).toLowerCase() !== 'jar:') return undefined;
  const inner = spec.slice(start, limit);
  const bang = inner.indexOf('!/');
  if (bang === -1) return undefined;
  return javaUrlHost(inner.slice(0, bang)) === undefined ? undefined : '';
}

/** URLStreamHandler.parseURL's authority handling. */
function hierarchicalHost(spec: string, start: number, limit: number): string | undefined {
  const queryStart = spec.indexOf('?');
  if (start < limit && queryStart !== -1 && queryStart < limit) {
    limit = queryStart;
    spec = spec.slice(0, queryStart);
  }
  const isUncName = start <= limit - 4 && spec.startsWith('////', start);
  if (isUncName || !(start <= limit - 2 && spec.startsWith('//', start))) return '';
  start += 2;
  let end = spec.indexOf('/', start);
  if (end < 0 || end > limit) {
    end = spec.indexOf('?', start);
    if (end < 0 || end > limit) end = limit;
  }
  const authority = spec.slice(start, end);
  const at = authority.indexOf('@');
  if (at !== -1 && at !== authority.lastIndexOf('@')) return '';
  let host = at === -1 ? authority : authority.slice(at + 1);
  let portText: string | undefined;
  if (host.startsWith('[')) {
    const close = host.indexOf(']');
    if (close <= 2 || !isIPv6(host.slice(1, close))) return undefined;
    const rest = host.slice(close + 1);
    host = host.slice(0, close + 1);
    if (rest !== '') {
      if (rest[0] !== ':') return undefined;
      if (rest.length > 1) portText = rest.slice(1);
    }
  } else {
    const colon = host.indexOf(':');
    if (colon >= 0) {
      if (host.length > colon + 1) portText = host.slice(colon + 1);
      host = host.slice(0, colon);
    }
  }
  if (portText !== undefined) {
    // Integer.parseInt; a port below -1 is refused
    if (!PORT.test(portText)) return undefined;
    const port = Number(portText);
    if (port > INT_MAX || port < -1) return undefined;
  }
  return host;
}
