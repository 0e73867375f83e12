/**
 * Field validation predicates (Metron DateValidation, DomainValidation, EmailValidation,
 * IntegerValidation, IPValidation and URLValidation), following the commons-validator routines
 * Metron wraps. Each returns false for a missing or null argument rather than failing.
 */
import type { StellarValue } from '../values.js';
import type { StellarFunction } from './types.js';
import { arg, defineFunction, javaToString } from './java-interop.js';
import { isValidDomain, isValidIPv4, isValidIPv6 } from './domain-names.js';
import { parseDate, utcZone } from './java-date-format.js';

/** Metron's SimpleValidation: the first argument, rendered as a string, must satisfy the predicate. */
function firstArgPredicate(test: (s: string) => boolean): (args: StellarValue[]) => boolean {
  return (args) => {
    const v = arg(args, 0);
    return args.length > 0 && v !== null && test(javaToString(v));
  };
}

/** commons-validator LongValidator (en-US): an integer, optionally grouped with commas, within the long range. */
export function isLongText(s: string): boolean {
  const t = s.trim();
  if (!/^-?\d[\d,]*$/.test(t)) return false;
  const n = BigInt(t.replace(/,/g, ''));
  return n >= -(2n ** 63n) && n < 2n ** 63n;
}

// eslint-disable-next-line no-control-regex -- the user part excludes control characters, as commons-validator does
const EMAIL_USER = /^\s*(((\\.)|[^\s\x00-\x1F\x7F()<>@,;:'\\".[\]]|')+|("(\\"|[^"])*"))(\.(((\\.)|[^\s\x00-\x1F\x7F()<>@,;:'\\".[\]]|')+|("(\\"|[^"])*")))*$/;

/** commons-validator EmailValidator.isValid (no local domains, no TLD-less names). */
export function isValidEmail(email: string): boolean {
  if (email.endsWith('.')) return false;
  const m = /^\s*?(.+)@(.+?)\s*$/s.exec(email);
  if (m === null) return false;
  const user = m[1] ?? '';
  const domain = m[2] ?? '';
  if (user.length > 64 || !EMAIL_USER.test(user)) return false;
  const literal = /^\[(.*)\]$/.exec(domain);
  if (literal) return isValidIPv4(literal[1] ?? '') || isValidIPv6(literal[1] ?? '');
  return isValidDomain(domain);
}

const URL_SCHEMES = new Set(['http', 'https', 'ftp']);

/** commons-validator UrlValidator.getInstance().isValid: http, https or ftp URLs with a valid host. */
export function isValidUrl(url: string): boolean {
  const m = /^(([^:/?#]+):)?(\/\/([^/?#]*))?([^?#]*)(\?([^#]*))?(#(.*))?$/s.exec(url);
  if (m === null) return false;
  const scheme = m[2];
  if (scheme === undefined || !/^[a-zA-Z][a-zA-Z0-9+.-]*$/.test(scheme) || !URL_SCHEMES.has(scheme.toLowerCase())) return false;
  const authority = m[4];
  if (authority === undefined || authority === '') return false;
  const a = /^(?:\[([0-9a-fA-F:.%]+)\]|(?:(?:[-\w.~!$&'()*+,;=]|%[0-9a-fA-F]{2})+(?::(?:[-\w.~!$&'()*+,;=]|%[0-9a-fA-F]{2})*)?@)?([\p{L}\p{N}.-]*))(?::(\d*))?$/u.exec(authority);
  if (a === null) return false;
  if (a[1] !== undefined) {
    if (!isValidIPv6(a[1])) return false;
  } else {
    const host = a[2] ?? '';
    if (!isValidDomain(host) && !isValidIPv4(host)) return false;
  }
  const port = a[3];
  if (port !== undefined && port !== '' && (port.length > 5 || Number(port) > 65535)) return false;
  const path = m[5] ?? '';
  if (path !== '' && (!/^(\/[-\w:@&?=+,.!/~*'%$_;()]*)?$/.test(path) || path.includes('//'))) return false;
  if (path.split('/').reduce((depth, seg) => (depth < 0 ? depth : seg === '..' ? depth - 1 : seg === '' || seg === '.' ? depth : depth + 1), 0) < 0) return false;
  const query = m[7];
  if (query !== undefined && !/^\S*$/.test(query)) return false;
  return true;
}

export const functions: StellarFunction[] = [
  defineFunction('IS_DATE', '', 'Tests whether a string is a date in a Java SimpleDateFormat pattern (strict: no rolled-over fields).', ['date - The date string', 'format - The SimpleDateFormat pattern'], 'True if the string parses with the pattern, false otherwise.', (args, ctx) => {
    const date = arg(args, 0);
    const format = arg(args, 1);
    if (args.length < 2 || date === null || format === null) return false;
    return parseDate(javaToString(format), javaToString(date), utcZone(), false, ctx.now()) !== null;
  }),
  defineFunction('IS_DOMAIN', '', 'Tests whether a string is a domain name with a known top-level domain.', ['address - The string to test'], 'True if the string is a valid domain name, false otherwise.', firstArgPredicate(isValidDomain)),
  defineFunction('IS_EMAIL', '', 'Tests whether a string is an email address.', ['address - The string to test'], 'True if the string is a valid email address, false otherwise.', firstArgPredicate(isValidEmail)),
  defineFunction('IS_INTEGER', '', 'Tests whether a value is an integer or a string holding one.', ['x - The value to test'], 'True if the value converts to an integer, false otherwise.', firstArgPredicate(isLongText)),
  defineFunction('IS_IP', '', 'Tests whether a string is an IP address.', ['ip - The value to test', "type (optional) - 'IPV4', 'IPV6' (anything else accepts both)"], 'True if the string is an IP address of the requested type, false otherwise.', (args) => {
    const ip = arg(args, 0);
    if (ip === null) return false;
    const s = javaToString(ip);
    const type = arg(args, 1);
    const t = type === null ? 'DEFAULT' : javaToString(type);
    if (t === 'IPV4') return isValidIPv4(s);
    if (t === 'IPV6') return isValidIPv6(s);
    return isValidIPv4(s) || isValidIPv6(s);
  }),
  defineFunction('IS_URL', '', 'Tests whether a string is an http, https or ftp URL.', ['url - The string to test'], 'True if the string is a valid URL, false otherwise.', firstArgPredicate(isValidUrl)),
];
