/**
 * Domain and address helpers shared by network.ts and validation.ts: an embedded subset of the
 * Public Suffix List (ICANN section: the generic and country TLDs and the common second-level
 * registries such as co.uk or com.au), Guava InternetDomainName's syntax rules, and
 * commons-validator style IPv4/IPv6 checks. The full list (~9000 rules) is not embedded; a
 * domain whose suffix is not known is handled like Guava handles one without a public suffix.
 */

const GENERIC_TLDS =
  'com net org edu gov mil int arpa info biz name pro aero coop museum mobi asia tel travel jobs cat post xxx ' +
  'app dev page new blog cloud online site website xyz top club shop store tech space fun icu vip work life world today ' +
  'news email link click live store agency digital network systems solutions services company center group media ' +
  'studio design academy guru global social support software technology consulting host hosting security ' +
  'google amazon apple microsoft bank insurance finance capital money ventures energy law legal health care ' +
  'photo photos pics video music games game film art love family land city town zone one red blue pink ' +
  'london paris berlin tokyo nyc moscow wiki tips fit run bike fashion wine beer pizza cafe bar pub restaurant';

const COUNTRY_TLDS =
  'ac ad ae af ag ai al am ao aq ar as at au aw ax az ba bb bd be bf bg bh bi bj bm bn bo br bs bt bw by bz ' +
  'ca cc cd cf cg ch ci ck cl cm cn co cr cu cv cw cx cy cz de dj dk dm do dz ec ee eg er es et eu fi fj fk fm fo fr ' +
  'ga gd ge gf gg gh gi gl gm gn gp gq gr gs gt gu gw gy hk hm hn hr ht hu id ie il im in io iq ir is it je jm jo jp ' +
  'ke kg kh ki km kn kp kr kw ky kz la lb lc li lk lr ls lt lu lv ly ma mc md me mg mh mk ml mm mn mo mp mq mr ms mt ' +
  'mu mv mw mx my mz na nc ne nf ng ni nl no np nr nu nz om pa pe pf pg ph pk pl pm pn pr ps pt pw py qa re ro rs ru ' +
  'rw sa sb sc sd se sg sh si sk sl sm sn so sr ss st su sv sx sy sz tc td tf tg th tj tk tl tm tn to tr tt tv tw tz ' +
  'ua ug uk us uy uz va vc ve vg vi vn vu wf ws ye yt za zm zw';

const SECOND_LEVEL: Record<string, string> = {
  uk: 'co org ac gov ltd plc me net nhs police sch',
  au: 'com net org edu gov asn id',
  nz: 'co org net govt ac school geek gen maori iwi',
  jp: 'co ne or ac go ad ed gr lg',
  br: 'com net org gov edu art blog eco',
  cn: 'com net org gov edu ac',
  in: 'co net org gov ac edu firm gen ind res',
  za: 'co org gov ac net edu',
  mx: 'com org gob edu net',
  ar: 'com org gob edu net',
  tr: 'com org gov edu net gen biz',
  kr: 'co or go ac ne re',
  tw: 'com org gov edu net idv',
  hk: 'com org gov edu net idv',
  sg: 'com org gov edu net per',
  my: 'com org gov edu net',
  id: 'co or go ac web net',
  il: 'co org ac gov net muni',
  th: 'co ac go in or net',
  ph: 'com org gov edu net',
  pk: 'com org gov edu net',
  eg: 'com org gov edu net',
  sa: 'com org gov edu net',
  ng: 'com org gov edu net',
  vn: 'com org gov edu net',
  ve: 'com org gob edu net',
  co: 'com org gov edu net nom',
  pe: 'com org gob edu net nom',
  ua: 'com org gov edu net',
  pl: 'com org gov edu net',
  es: 'com org gob edu nom',
  fr: 'gouv asso com',
  ru: 'com org net',
  cy: 'com org gov ac net',
  ec: 'com org gob edu net',
  bd: 'com org gov edu net',
  np: 'com org gov edu net',
  lk: 'com org gov edu net',
  ke: 'co or go ac ne',
  tz: 'co or go ac ne',
  ug: 'co or go ac ne',
};

const TLDS = new Set([...GENERIC_TLDS.split(' '), ...COUNTRY_TLDS.split(' ')].filter((t) => t !== ''));
const PUBLIC_SUFFIXES = new Set<string>(TLDS);
for (const [tld, labels] of Object.entries(SECOND_LEVEL)) for (const l of labels.split(' ')) PUBLIC_SUFFIXES.add(`${l}.${tld}`);

/** Whether `tld` (without dot, any case) is a known top-level domain. */
export function isKnownTld(tld: string): boolean {
  return TLDS.has(tld.toLowerCase());
}

/**
 * Guava InternetDomainName.from: the normalized (lowercase, no trailing dot) labels of a syntactically
 * valid domain name, or null when the name is invalid.
 */
export function domainLabels(name: string): string[] | null {
  let n = name.replace(/[\u3002\uff0e\uff61]/g, '.').toLowerCase();
  if (n.endsWith('.')) n = n.slice(0, -1);
  if (n.length === 0 || n.length > 253) return null;
  const parts = n.split('.');
  if (parts.length > 127) return null;
  for (let i = 0; i < parts.length; i++) {
    const part = parts[i] ?? '';
    if (part.length < 1 || part.length > 63) return null;
    if (!/^[\p{L}\p{N}_-]+$/u.test(part)) return null;
    if (part.startsWith('-') || part.endsWith('-')) return null;
    if (i === parts.length - 1 && /^[0-9]/.test(part)) return null;
  }
  return parts;
}

/** Guava publicSuffix(): the longest known public suffix of the labels, or null. */
export function publicSuffix(labels: readonly string[]): string | null {
  for (let i = 0; i < labels.length; i++) {
    const candidate = labels.slice(i).join('.');
    if (PUBLIC_SUFFIXES.has(candidate)) return candidate;
  }
  return null;
}

/** commons-validator InetAddressValidator.isValidInet4Address. */
export function isValidIPv4(s: string): boolean {
  const m = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.exec(s);
  if (m === null) return false;
  return m.slice(1).every((seg) => Number(seg) <= 255 && !(seg.length > 1 && seg.startsWith('0')));
}

/** commons-validator InetAddressValidator.isValidInet6Address (with an optional %zone). */
export function isValidIPv6(input: string): boolean {
  let s = input;
  const zone = s.indexOf('%');
  if (zone !== -1) {
    if (zone === s.length - 1) return false;
    s = s.slice(0, zone);
  }
  const containsCompressed = s.includes('::');
  if (containsCompressed && s.indexOf('::') !== s.lastIndexOf('::')) return false;
  if ((s.startsWith(':') && !s.startsWith('::')) || (s.endsWith(':') && !s.endsWith('::'))) return false;
  let octets = s.split(':');
  if (containsCompressed) {
    if (s.endsWith('::')) octets.push('');
    else if (s.startsWith('::') && octets.length > 0) octets = octets.slice(1);
  }
  if (octets.length > 8) return false;
  let validOctets = 0;
  let emptyOctets = 0;
  for (let i = 0; i < octets.length; i++) {
    const octet = octets[i] ?? '';
    if (octet.length === 0) {
      emptyOctets++;
      if (emptyOctets > 1) return false;
    } else {
      emptyOctets = 0;
      if (i === octets.length - 1 && octet.includes('.')) {
        if (!isValidIPv4(octet)) return false;
        validOctets += 2;
        continue;
      }
      if (octet.length > 4 || !/^[0-9a-fA-F]+$/.test(octet)) return false;
    }
    validOctets++;
  }
  return !(validOctets > 8 || (validOctets < 8 && !containsCompressed));
}

/** commons-validator DomainValidator.isValid (no local names): dotted labels ending in a known TLD. */
export function isValidDomain(domain: string): boolean {
  if (domain.length > 253) return false;
  const m = /^(?:[a-zA-Z0-9](?:[a-zA-Z0-9-]{0,61}[a-zA-Z0-9])?\.)+([a-zA-Z](?:[a-zA-Z0-9-]{0,61}[a-zA-Z0-9])?)\.?$/.exec(domain);
  return m !== null && isKnownTld(m[1] ?? '');
}
