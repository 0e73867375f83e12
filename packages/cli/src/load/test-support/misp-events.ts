/**
 * MISP events made up from a seed, for tests that compare the streamed reading of event files with
 * mapMispEvent's: attributes of every loadable type and some others, good and bad values (with
 * repeats, so rows settle), to_ids and deleted in each of their spellings, attribute tags and
 * comments with characters JSON escapes, objects with attributes (and elements that are not), and
 * the event's members in varied orders.
 */
import { seededRandom } from '@metron/core';

type Random = () => number;
const pick = <T>(rnd: Random, list: readonly T[]): T => list[Math.floor(rnd() * list.length)]!;

function shuffled<T>(rnd: Random, list: readonly T[]): T[] {
  const out = [...list];
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(rnd() * (i + 1));
    [out[i], out[j]] = [out[j]!, out[i]!];
  }
  return out;
}

/** The MISP attribute types the loader maps to a table type. */
export const LOADABLE_TYPES = [
  'ip-src', 'ip-dst', 'ip-src|port', 'ip-dst|port', 'domain', 'hostname', 'hostname|port', 'domain|ip', 'url',
  'email', 'email-src', 'email-dst', 'email-reply-to', 'md5', 'sha1', 'sha224', 'sha256', 'sha384', 'sha512',
  'sha3-224', 'sha3-256', 'sha3-384', 'sha3-512', 'filename|md5', 'filename|sha1', 'filename|sha256', 'filename|sha3-512',
];
const OTHER_TYPES = ['regkey', 'vulnerability', 'text', 'filename|ssdeep', 'AS', 'mutex', 'yara'];

const HEX_LENGTHS: Record<string, number> = { md5: 32, sha1: 40, sha224: 56, sha256: 64, sha384: 96, sha512: 128, 'sha3-224': 56, 'sha3-256': 64, 'sha3-384': 96, 'sha3-512': 128 };

/** A hash of `length` hex digits from a pool of three per length (so values repeat), in either case. */
function hash(rnd: Random, length: number): string {
  const n = Math.floor(rnd() * 3);
  const hex = Array.from({ length }, (_, i) => '0123456789abcdef'[(i * 7 + n * 5 + length) % 16]).join('');
  return rnd() < 0.2 ? hex.toUpperCase() : hex;
}

const IPS = ['10.0.0.1', '10.0.0.2', '198.51.100.7', '2001:DB8::1', '2001:db8:0:0::1', '::ffff:1.2.3.4', '203.0.113.9/32', '10.0.0.0/8', '999.1.1.1', ' 10.0.0.1 '];
const DOMAINS = ['evil.example', 'EVIL.example.', 'c2.evil.example', 'bad_host.example', '-bad.example', 'xn--bcher-kva.example', '1.2.3.4', ''];
const URLS = ['http://evil.example/a?q="x"&b=\\y', 'https://例え.jp/パス?😀', 'http://x.example/ space', 'http://evil.example/\u0001', 'https://evil.example/login.php', ''];
const EMAILS = ['ceo@evil.example', 'CEO@evil.example', 'no-at.example', '"quoted"@evil.example', '@x'];

function attributeValue(rnd: Random, type: string): string | number {
  if (rnd() < 0.03) return 12345;
  const base = type.split('|')[0]!;
  if (type.startsWith('filename|')) {
    const algorithm = type.slice(9);
    const length = HEX_LENGTHS[algorithm];
    return `${pick(rnd, ['invoice.pdf.exe', 'a|b.exe', 'x'])}|${length === undefined ? '3:abc:def' : rnd() < 0.1 ? 'nothex' : hash(rnd, length)}`;
  }
  if (type in HEX_LENGTHS) return rnd() < 0.1 ? 'xyz' : hash(rnd, HEX_LENGTHS[type]!);
  switch (base) {
    case 'ip-src':
    case 'ip-dst':
      return type.includes('|') ? `${pick(rnd, IPS)}|${pick(rnd, ['443', '', 'x'])}` : pick(rnd, IPS);
    case 'domain':
    case 'hostname':
      if (type === 'domain|ip') return `${pick(rnd, DOMAINS)}|${pick(rnd, IPS)}`;
      return type.includes('|') ? `${pick(rnd, DOMAINS)}|25` : pick(rnd, DOMAINS);
    case 'url':
      return pick(rnd, URLS);
    case 'email':
    case 'email-src':
    case 'email-dst':
    case 'email-reply-to':
      return pick(rnd, EMAILS);
    case 'AS':
      return 64496;
    default:
      return pick(rnd, ['HKLM\\Software\\Run', 'CVE-2024-1', 'some "text"', 'rule x { condition: true }']);
  }
}

/** One attribute (or, now and then, something that is not one). */
export function mispAttribute(rnd: Random, n: number): unknown {
  if (rnd() < 0.03) return pick(rnd, [5, null, 'text', [], { type: 'ip-dst' }, { value: '1.2.3.4' }, { type: 7, value: 'x' }, { type: 'ip-dst', value: true }]);
  const type = rnd() < 0.85 ? pick(rnd, LOADABLE_TYPES) : pick(rnd, OTHER_TYPES);
  const members: Array<[string, unknown]> = [
    ['id', String(n)],
    ['type', type],
    ['category', pick(rnd, ['Network activity', 'Payload delivery', undefined, 3])],
    ['to_ids', pick(rnd, [true, true, true, false, 1, 0, '1', '0', undefined])],
    ['uuid', rnd() < 0.9 ? `00000000-0000-4000-8000-${String(n).padStart(12, '0')}` : pick(rnd, [undefined, 42])],
    ['event_id', '1234'],
    ['timestamp', pick(rnd, ['1714521600', 1714608000, 'x', undefined, ''])],
    ['comment', pick(rnd, ['', '', 'C2 server', 'quote " backslash \\ newline \n tab \t', '漢字 😀 é', '\u0000\u001f', '{"not": ["json", "here"]}'])],
    ['deleted', pick(rnd, [false, false, false, true, 1, '1', undefined])],
    ['value', attributeValue(rnd, type)],
    ['Tag', pick(rnd, [undefined, [], [{ name: 'tlp:white' }], [{ name: 'kill-chain:c2' }, { name: 'tlp:white' }], [{ name: 5 }, 'x', { name: 'misp-galaxy:"quoted"' }]])],
    ['object_relation', pick(rnd, [undefined, null, 'ip'])],
  ];
  return Object.fromEntries(shuffled(rnd, members).filter(([, v]) => v !== undefined));
}

export interface MispEventShape {
  attributes: number;
  objects: number;
  /** Where the event's members go: metadata before the lists, after them, Object before Attribute, or anywhere. */
  order: 'metadata-first' | 'lists-first' | 'objects-first' | 'shuffled';
}

/** An event document, {"Event": {...}}, made up from `seed`. */
export function mispEvent(seed: number, shape: MispEventShape): Record<string, unknown> {
  const rnd = seededRandom(seed);
  let n = 0;
  const attributes = Array.from({ length: shape.attributes }, () => mispAttribute(rnd, n++));
  const objects = Array.from({ length: shape.objects }, (_, i) => {
    if (rnd() < 0.08) return pick(rnd, [null, 3, 'file']);
    const members: Array<[string, unknown]> = [
      ['name', pick(rnd, ['file', 'domain-ip', 'url'])],
      ['meta-category', 'network'],
      ['uuid', `11111111-0000-4000-8000-${String(i).padStart(12, '0')}`],
      ['comment', pick(rnd, ['', 'object "comment" \\ with { braces ]'])],
      ['Attribute', rnd() < 0.06 ? pick(rnd, [{}, null, 'x']) : rnd() < 0.06 ? undefined : Array.from({ length: Math.floor(rnd() * 6) }, () => mispAttribute(rnd, n++))],
    ];
    return Object.fromEntries(shuffled(rnd, members).filter(([, v]) => v !== undefined));
  });
  const metadata: Array<[string, unknown]> = [
    ['uuid', '5f1c2d3e-4a5b-4c6d-8e7f-0123456789ab'],
    ['info', pick(rnd, ['Phishing campaign', 'quote " and \\ and \n', '漢字 😀'])],
    ['date', '2024-05-01'],
    ['threat_level_id', pick(rnd, ['1', '2', '3', '4', 2, '9', null])],
    ['Orgc', { name: 'CIRCL', uuid: '55f6ea5e-2c60-40e5-964f-47a8950d210f' }],
    ['Tag', pick(rnd, [[{ name: 'tlp:white' }], [{ name: 'tlp:green' }, { name: 'osint:source-type="blog-post"' }], []])],
  ];
  // members the loader does not read, some holding an "Attribute" or "Object" member of their own
  const other: Array<[string, unknown]> = [
    ['id', '1234'],
    ['published', true],
    ['Galaxy', [{ name: 'Threat Actor', GalaxyCluster: [{ value: 'APT X', Attribute: 'not the list', Object: [1] }] }]],
    ['EventReport', [{ name: 'report', content: '# Report\n{ "Attribute": [ ] }' }]],
  ];
  const lists: Array<[string, unknown]> = [
    ['Attribute', attributes],
    ['Object', objects],
  ];
  let members: Array<[string, unknown]>;
  switch (shape.order) {
    case 'metadata-first':
      members = [...metadata, ...other, ...lists];
      break;
    case 'lists-first':
      members = [...other.slice(0, 2), ...lists, ...other.slice(2), ...metadata];
      break;
    case 'objects-first':
      members = [...metadata.slice(0, 3), lists[1]!, ...other, lists[0]!, ...metadata.slice(3)];
      break;
    default:
      members = shuffled(rnd, [...metadata, ...other, ...lists]);
  }
  return { Event: Object.fromEntries(members) };
}
