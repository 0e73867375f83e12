/**
 * DOMAIN_TYPOSQUAT (Metron's TyposquattingStrategies): the candidate typo domains of the
 * dnstwist-like strategies Metron implements (addition, bitsquatting, homoglyph, hyphenation,
 * insertion, omission, repetition, replacement, subdomain, transposition, vowel swap).
 * Homoglyph candidates with non-ASCII characters are also given in their IDNA ASCII form
 * (RFC 3490 ToASCII with an approximate RFC 3491 nameprep, RFC 3492 punycode), as Java's IDN does.
 */
import type { StellarValue } from '../values.js';
import { StellarFunctionError } from './types.js';
import type { StellarFunction } from './types.js';

// ---- RFC 3492 punycode ----
const BASE = 36;
const TMIN = 1;
const TMAX = 26;
const SKEW = 38;
const DAMP = 700;
const INITIAL_BIAS = 72;
const INITIAL_N = 128;

function adapt(delta: number, numPoints: number, first: boolean): number {
  delta = first ? Math.floor(delta / DAMP) : Math.floor(delta / 2);
  delta += Math.floor(delta / numPoints);
  let k = 0;
  while (delta > ((BASE - TMIN) * TMAX) / 2) {
    delta = Math.floor(delta / (BASE - TMIN));
    k += BASE;
  }
  return k + Math.floor(((BASE - TMIN + 1) * delta) / (delta + SKEW));
}

const digitChar = (d: number): string => String.fromCharCode(d < 26 ? 97 + d : 22 + d);

function threshold(k: number, bias: number): number {
  return k <= bias ? TMIN : k >= bias + TMAX ? TMAX : k - bias;
}

/** Punycode encoding of a label (code points). */
export function punycodeEncode(label: string): string {
  const input = [...label].map((c) => c.codePointAt(0)!);
  let output = input.filter((c) => c < 0x80).map((c) => String.fromCharCode(c)).join('');
  const basic = output.length;
  let handled = basic;
  if (basic > 0) output += '-';
  let n = INITIAL_N;
  let delta = 0;
  let bias = INITIAL_BIAS;
  while (handled < input.length) {
    let m = Number.MAX_SAFE_INTEGER;
    for (const c of input) if (c >= n && c < m) m = c;
    delta += (m - n) * (handled + 1);
    n = m;
    for (const c of input) {
      if (c < n) delta++;
      if (c === n) {
        let q = delta;
        for (let k = BASE; ; k += BASE) {
          const t = threshold(k, bias);
          if (q < t) break;
          output += digitChar(t + ((q - t) % (BASE - t)));
          q = Math.floor((q - t) / (BASE - t));
        }
        output += digitChar(q);
        bias = adapt(delta, handled + 1, handled === basic);
        delta = 0;
        handled++;
      }
    }
    delta++;
    n++;
  }
  return output;
}

/** Punycode decoding of a label; undefined when it is malformed. */
export function punycodeDecode(encoded: string): string | undefined {
  const b = encoded.lastIndexOf('-');
  const output = b > 0 ? [...encoded.slice(0, b)].map((c) => c.codePointAt(0)!) : [];
  let n = INITIAL_N;
  let i = 0;
  let bias = INITIAL_BIAS;
  for (let pos = b > 0 ? b + 1 : 0; pos < encoded.length; ) {
    const oldi = i;
    let w = 1;
    for (let k = BASE; ; k += BASE) {
      if (pos >= encoded.length) return undefined;
      const cp = encoded.charCodeAt(pos++);
      const digit = cp - 48 < 10 ? cp - 22 : cp - 65 < 26 ? cp - 65 : cp - 97 < 26 ? cp - 97 : BASE;
      if (digit >= BASE) return undefined;
      i += digit * w;
      const t = threshold(k, bias);
      if (digit < t) break;
      w *= BASE - t;
    }
    bias = adapt(i - oldi, output.length + 1, oldi === 0);
    n += Math.floor(i / (output.length + 1));
    i %= output.length + 1;
    output.splice(i, 0, n);
    i++;
  }
  return String.fromCodePoint(...output);
}

/**
 * Nameprep (RFC 3491), approximated with today's Unicode data: lower-case mapping then NFKC.
 * Characters with no case mapping in Unicode 3.2 (the version nameprep is frozen to) but one
 * today are left as they are: Cherokee, Georgian capitals, phonetic extensions, late Greek.
 */
function nameprep(label: string): string {
  let mapped = '';
  for (const ch of label) {
    const c = ch.codePointAt(0)!;
    const frozen = (c >= 0x13a0 && c <= 0x13ff) || (c >= 0x10a0 && c <= 0x10cf) || (c >= 0x1d00 && c <= 0x1dbf) || (c >= 0x03f7 && c <= 0x03ff);
    mapped += frozen ? ch : ch.toLowerCase();
  }
  return mapped.normalize('NFKC');
}

const ACE_PREFIX = 'xn--';
const isAscii = (s: string): boolean => [...s].every((c) => c.charCodeAt(0) < 0x80);

/** IDNA ToASCII (RFC 3490) of a domain, unassigned code points allowed; undefined when invalid. */
export function idnToAscii(domain: string): string | undefined {
  const labels = domain.split(/[.\u3002\uff0e\uff61]/);
  const out: string[] = [];
  for (const label of labels) {
    let l = label;
    if (!isAscii(l)) l = nameprep(l);
    if (!isAscii(l)) {
      if (l.toLowerCase().startsWith(ACE_PREFIX)) return undefined;
      l = ACE_PREFIX + punycodeEncode(l);
    }
    if (l.length > 63) return undefined;
    out.push(l);
  }
  return out.join('.');
}

/** IDNA ToUnicode of a domain: labels that do not decode are kept. */
export function idnToUnicode(domain: string): string {
  return domain
    .split('.')
    .map((label) => {
      if (!label.toLowerCase().startsWith(ACE_PREFIX)) return label;
      return punycodeDecode(label.slice(ACE_PREFIX.length).toLowerCase()) ?? label;
    })
    .join('.');
}

// ---- strategies ----
type Keyboard = Record<string, string>;

const QWERTY: Keyboard = {
  j: 'ikmnhu', w: '3esaq2', v: 'cfgb', l: 'kop', y: '7uhgt6', x: 'zsdc', r: '5tfde4', u: '8ijhy7', a: 'qwsz', q: '12wa',
  c: 'xdfv', b: 'vghn', e: '4rdsw3', d: 'rfcxse', g: 'yhbvft', p: 'lo0', i: '9okju8', h: 'ujnbgy', k: 'olmji', f: 'tgvcdr',
  m: 'njk', s: 'edxzaw', o: '0plki9', n: 'bhjm', '1': '2q', '0': 'po9', '3': '4ew2', '2': '3wq1', '5': '6tr4', '4': '5re3',
  '7': '8uy6', '6': '7yt5', '9': '0oi8', '8': '9iu7', z: 'asx', t: '6ygfr5',
};
const QWERTZ: Keyboard = {
  j: 'ikmnhu', w: '3esaq2', v: 'cfgb', l: 'kop', y: 'asx', x: 'ysdc', r: '5tfde4', u: '8ijhz7', a: 'qwsy', q: '12wa',
  c: 'xdfv', b: 'vghn', e: '4rdsw3', d: 'rfcxse', g: 'zhbvft', p: 'lo0', i: '9okju8', h: 'ujnbgz', k: 'olmji', f: 'tgvcdr',
  m: 'njk', s: 'edxyaw', o: '0plki9', n: 'bhjm', '1': '2q', '0': 'po9', '3': '4ew2', '2': '3wq1', '5': '6tr4', '4': '5re3',
  '7': '8uz6', '6': '7zt5', '9': '0oi8', '8': '9iu7', z: '7uhgt6', t: '6zgfr5',
};
const AZERTY: Keyboard = {
  j: 'iknhu', w: 'sxq', v: 'cfgb', l: 'kopm', y: '7uhgt6', x: 'zsdc', r: '5tfde4', u: '8ijhy7', a: '2zq1', q: 'zswa',
  c: 'xdfv', b: 'vghn', e: '4rdsz3', d: 'rfcxse', g: 'yhbvft', p: 'lo0m', i: '9okju8', h: 'ujnbgy', k: 'olji', f: 'tgvcdr',
  m: 'lp', s: 'edxwqz', o: '0plki9', n: 'bhj', '1': '2a', '0': 'po9', '3': '4ez2', '2': '3za1', '5': '6tr4', '4': '5re3',
  '7': '8uy6', '6': '7yt5', '9': '0oi8', '8': '9iu7', z: '3esqa2', t: '6ygfr5',
};
const KEYBOARDS = [QWERTY, QWERTZ, AZERTY];

const GLYPHS: Record<string, string[]> = {
  a: ['à', 'á', 'â', 'ã', 'ä', 'å', 'ɑ', 'а', 'ạ', 'ǎ', 'ă', 'ȧ', 'ӓ'],
  b: ['d', 'lb', 'ib', 'ʙ', 'Ь', 'b̔', 'ɓ', 'Б'],
  c: ['ϲ', 'с', 'ƈ', 'ċ', 'ć', 'ç'],
  d: ['b', 'cl', 'dl', 'di', 'ԁ', 'ժ', 'ɗ', 'đ'],
  e: ['é', 'ê', 'ë', 'ē', 'ĕ', 'ě', 'ė', 'е', 'ẹ', 'ę', 'є', 'ϵ', 'ҽ'],
  f: ['Ϝ', 'ƒ', 'Ғ'],
  g: ['q', 'ɢ', 'ɡ', 'Ԍ', 'Ԍ', 'ġ', 'ğ', 'ց', 'ǵ', 'ģ'],
  h: ['lh', 'ih', 'һ', 'հ', 'Ꮒ', 'н'],
  i: ['1', 'l', 'Ꭵ', 'í', 'ï', 'ı', 'ɩ', 'ι', 'ꙇ', 'ǐ', 'ĭ'],
  j: ['ј', 'ʝ', 'ϳ', 'ɉ'],
  k: ['lk', 'ik', 'lc', 'κ', 'ⲕ', 'κ'],
  l: ['1', 'i', 'ɫ', 'ł'],
  m: ['n', 'nn', 'rn', 'rr', 'ṃ', 'ᴍ', 'м', 'ɱ'],
  n: ['m', 'r', 'ń'],
  o: ['0', 'Ο', 'ο', 'О', 'о', 'Օ', 'ȯ', 'ọ', 'ỏ', 'ơ', 'ó', 'ö', 'ӧ'],
  p: ['ρ', 'р', 'ƿ', 'Ϸ', 'Þ'],
  q: ['g', 'զ', 'ԛ', 'գ', 'ʠ'],
  r: ['ʀ', 'Г', 'ᴦ', 'ɼ', 'ɽ'],
  s: ['Ⴝ', 'Ꮪ', 'ʂ', 'ś', 'ѕ'],
  t: ['τ', 'т', 'ţ'],
  u: ['μ', 'υ', 'Ս', 'ս', 'ц', 'ᴜ', 'ǔ', 'ŭ'],
  v: ['ѵ', 'ν', 'v̇'],
  w: ['vv', 'ѡ', 'ա', 'ԝ'],
  x: ['х', 'ҳ', 'ẋ'],
  y: ['ʏ', 'γ', 'у', 'Ү', 'ý'],
  z: ['ʐ', 'ż', 'ź', 'ʐ', 'ᴢ'],
};

const isAce = (domain: string): boolean => {
  const d = domain.toLowerCase();
  return d.startsWith(ACE_PREFIX) || d.includes('.' + ACE_PREFIX);
};

const isLetter = (c: string): boolean => /\p{L}/u.test(c);
const VOWELS = ['a', 'e', 'i', 'o', 'u'];

/** One strategy: its name (as Metron's) and candidate generator. */
export interface TyposquattingStrategy {
  name: string;
  candidates(domain: string): Set<string>;
}

export const STRATEGIES: readonly TyposquattingStrategy[] = [
  {
    name: 'Addition',
    candidates(d) {
      const ret = new Set<string>();
      for (let c = 97; c < 123; c++) ret.add(d + String.fromCharCode(c));
      return ret;
    },
  },
  {
    name: 'Bitsquatting',
    candidates(d) {
      const ret = new Set<string>();
      for (let i = 0; i < d.length; i++) {
        const c = d.charCodeAt(i);
        for (let bit = 0; bit < 8; bit++) {
          const masked = c ^ (1 << bit);
          if ((masked >= 48 && masked <= 57) || (masked >= 97 && masked <= 122) || masked === 45) {
            ret.add(d.slice(0, i) + String.fromCharCode(masked) + d.slice(i + 1));
          }
        }
      }
      return ret;
    },
  },
  {
    name: 'Homoglyph',
    candidates(original) {
      const ret = new Set<string>();
      if (original === '') return ret;
      const domain = isAce(original) ? idnToUnicode(original) : original;
      for (let ws = 0; ws < domain.length; ws++) {
        for (let i = 0; i < domain.length - ws + 1; i++) {
          const win = domain.slice(i, i + ws);
          for (let j = 0; j < ws; j++) {
            const c = win[j]!;
            const glyphs = GLYPHS[c];
            if (glyphs === undefined) continue;
            for (const g of glyphs) {
              const d = domain.slice(0, i) + win.split(c).join(g) + domain.slice(i + ws);
              ret.add(d);
              if (!isAce(d)) {
                const ascii = idnToAscii(d);
                if (ascii !== undefined && ascii !== d) ret.add(ascii);
              }
            }
          }
        }
      }
      return ret;
    },
  },
  {
    name: 'Hyphenation',
    candidates(d) {
      const ret = new Set<string>();
      for (let i = 1; i < d.length; i++) ret.add(`${d.slice(0, i)}-${d.slice(i)}`);
      return ret;
    },
  },
  {
    name: 'Insertion',
    candidates(d) {
      const ret = new Set<string>();
      for (let i = 1; i < d.length - 1; i++) {
        for (const keyboard of KEYBOARDS) {
          const near = keyboard[d[i]!];
          if (near === undefined) continue;
          for (const c of near) {
            ret.add(d.slice(0, i) + c + d[i] + d.slice(i + 1));
            ret.add(d.slice(0, i) + d[i] + c + d.slice(i + 1));
          }
        }
      }
      return ret;
    },
  },
  {
    name: 'Omission',
    candidates(d) {
      const ret = new Set<string>();
      for (let i = 0; i < d.length; i++) ret.add(d.slice(0, i) + d.slice(i + 1));
      return ret;
    },
  },
  {
    name: 'Repetition',
    candidates(d) {
      const ret = new Set<string>();
      for (let i = 0; i < d.length; i++) {
        const c = d[i]!;
        if (isLetter(c)) ret.add(d.slice(0, i) + c + c + d.slice(i + 1));
      }
      return ret;
    },
  },
  {
    name: 'Replacement',
    candidates(d) {
      const ret = new Set<string>();
      for (let i = 0; i < d.length; i++) {
        for (const keyboard of KEYBOARDS) {
          const near = keyboard[d[i]!];
          if (near === undefined) continue;
          for (const c of near) ret.add(d.slice(0, i) + c + d.slice(i + 1));
        }
      }
      return ret;
    },
  },
  {
    name: 'Subdomain',
    candidates(d) {
      const ret = new Set<string>();
      for (let i = 1; i < d.length; i++) {
        const c = d[i]!;
        const prev = d[i - 1]!;
        if (c !== '-' && c !== '.' && prev !== '-' && prev !== '.') ret.add(`${d.slice(0, i)}.${d.slice(i)}`);
      }
      return ret;
    },
  },
  {
    name: 'Transposition',
    candidates(d) {
      const ret = new Set<string>();
      for (let i = 0; i < d.length - 1; i++) {
        const c = d[i]!;
        const next = d[i + 1]!;
        if (next !== c) ret.add(d.slice(0, i) + next + c + d.slice(i + 2));
      }
      return ret;
    },
  },
  {
    name: 'Vowel-swap',
    candidates(d) {
      const ret = new Set<string>();
      for (let i = 0; i < d.length; i++) {
        if (!VOWELS.includes(d[i]!)) continue;
        for (const v of VOWELS) ret.add(d.slice(0, i) + v + d.slice(i + 1));
      }
      return ret;
    },
  },
];

/** Every candidate of every strategy, the domain itself excluded. */
export function typosquatCandidates(domain: string): Set<string> {
  const ret = new Set<string>();
  for (const s of STRATEGIES) {
    for (const c of s.candidates(domain)) if (c !== domain) ret.add(c);
  }
  return ret;
}

export const functions: StellarFunction[] = [
  {
    name: 'DOMAIN_TYPOSQUAT',
    namespace: 'DOMAIN',
    description: 'Generates the likely typosquatting variants of a domain name (strategies after dnstwist).',
    params: ['domain - The domain, without subdomains or TLD'],
    returns: 'A set of candidate typosquatted domains, or null when domain is null.',
    pure: true,
    call(args, ctx) {
      if (args.length === 0) return null;
      const domain = args[0];
      if (domain === null || domain === undefined) return null;
      if (typeof domain !== 'string') throw new StellarFunctionError('DOMAIN_TYPOSQUAT: expected a domain without subdomains or a TLD');
      // the homoglyph strategy rewrites every character of every window: cubic in the length
      ctx.step(domain.length ** 3);
      return typosquatCandidates(domain) as Set<StellarValue>;
    },
  },
];
