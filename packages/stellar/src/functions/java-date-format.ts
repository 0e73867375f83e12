/**
 * java.text.SimpleDateFormat (en-US symbols) and java.util.TimeZone.getTimeZone for the date
 * functions, with time zone rules from Intl (IANA database). Implements formatting of every
 * pattern letter (G y Y M L w W D d F E u a H k K h m s S z Z X) and parsing of the common
 * ones, lenient (Java's default, out-of-range fields roll over) or strict (setLenient(false)).
 * Like DateFormat.parse(String), parsing succeeds when a prefix of the text matches.
 */
import { fail } from './java-interop.js';

const MONTHS = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December'];
const DAYS = ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday'];
const PATTERN_LETTERS = 'GyYMLwWDdFEuaHkKhmsSzZX';

/** A time zone: a fixed offset in minutes, or an IANA zone resolved through Intl. */
export type JavaTimeZone = { kind: 'fixed'; id: string; offsetMinutes: number } | { kind: 'iana'; id: string };

/** Java's legacy three-letter ids (ZoneInfo's old mappings). */
const SHORT_IDS: Record<string, string | number> = {
  EST: -300, MST: -420, HST: -600,
  ACT: 'Australia/Darwin', AET: 'Australia/Sydney', AGT: 'America/Argentina/Buenos_Aires', ART: 'Africa/Cairo',
  AST: 'America/Anchorage', BET: 'America/Sao_Paulo', BST: 'Asia/Dhaka', CAT: 'Africa/Harare', CNT: 'America/St_Johns',
  CST: 'America/Chicago', CTT: 'Asia/Shanghai', EAT: 'Africa/Addis_Ababa', ECT: 'Europe/Paris', IET: 'America/Indiana/Indianapolis',
  IST: 'Asia/Kolkata', JST: 'Asia/Tokyo', MIT: 'Pacific/Apia', NET: 'Asia/Yerevan', NST: 'Pacific/Auckland', PLT: 'Asia/Karachi',
  PNT: 'America/Phoenix', PRT: 'America/Puerto_Rico', PST: 'America/Los_Angeles', SST: 'Pacific/Guadalcanal', VST: 'Asia/Ho_Chi_Minh',
};

const UTC: JavaTimeZone = { kind: 'fixed', id: 'UTC', offsetMinutes: 0 };
const zoneCache = new Map<string, JavaTimeZone>();

function isIanaZone(id: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: id });
    return true;
  } catch {
    return false;
  }
}

/** java.util.TimeZone.getTimeZone(id): unknown ids fall back to GMT, as in Java. */
export function javaTimeZone(id: string): JavaTimeZone {
  const hit = zoneCache.get(id);
  if (hit !== undefined) return hit;
  let zone: JavaTimeZone;
  const custom = /^GMT([+-])(\d{1,2})(?::?(\d{2}))?$/.exec(id);
  const short = SHORT_IDS[id];
  if (id === 'UTC' || id === 'GMT' || id === 'Z') zone = { kind: 'fixed', id, offsetMinutes: 0 };
  else if (custom) {
    const minutes = Number(custom[2]) * 60 + Number(custom[3] ?? 0);
    zone = minutes > 23 * 60 + 59 ? { kind: 'fixed', id: 'GMT', offsetMinutes: 0 } : { kind: 'fixed', id, offsetMinutes: custom[1] === '-' ? -minutes : minutes };
  } else if (typeof short === 'number') zone = { kind: 'fixed', id, offsetMinutes: short };
  else if (typeof short === 'string') zone = { kind: 'iana', id: short };
  else if (/^[A-Za-z]+(\/[A-Za-z0-9_+-]+)+$/.test(id) && isIanaZone(id)) zone = { kind: 'iana', id };
  else zone = { kind: 'fixed', id: 'GMT', offsetMinutes: 0 };
  zoneCache.set(id, zone);
  return zone;
}

export function utcZone(): JavaTimeZone {
  return UTC;
}

const partFormatters = new Map<string, Intl.DateTimeFormat>();

/** The zone's offset from UTC in minutes at an instant. */
export function offsetMinutesAt(zone: JavaTimeZone, epochMs: number): number {
  if (zone.kind === 'fixed') return zone.offsetMinutes;
  let f = partFormatters.get(zone.id);
  if (f === undefined) {
    f = new Intl.DateTimeFormat('en-US', {
      timeZone: zone.id, hourCycle: 'h23', year: 'numeric', month: 'numeric', day: 'numeric', hour: 'numeric', minute: 'numeric', second: 'numeric', era: 'short',
    });
    partFormatters.set(zone.id, f);
  }
  const p: Record<string, string> = {};
  for (const part of f.formatToParts(new Date(epochMs))) p[part.type] = part.value;
  let year = Number(p.year);
  if (p.era === 'BC' || p.era === 'B') year = 1 - year;
  const local = utcMillis(year, Number(p.month) - 1, Number(p.day), Number(p.hour), Number(p.minute), Number(p.second), 0);
  const floored = Math.floor(epochMs / 1000) * 1000;
  return Math.round((local - floored) / 60000);
}

/** Date.UTC without the 0..99 → 1900s year mapping; fields may overflow (lenient). */
export function utcMillis(year: number, month0: number, day: number, hour: number, minute: number, second: number, ms: number): number {
  const d = new Date(0);
  d.setUTCFullYear(year, month0, day);
  d.setUTCHours(hour, minute, second, ms);
  return d.getTime();
}

/** Local calendar fields of an instant in a zone. */
export interface CalendarFields {
  year: number;
  month0: number;
  day: number;
  hour: number;
  minute: number;
  second: number;
  ms: number;
  /** 0 = Sunday. */
  dow: number;
  offsetMinutes: number;
}

export function calendarFields(epochMs: number, zone: JavaTimeZone): CalendarFields {
  const offsetMinutes = offsetMinutesAt(zone, epochMs);
  const d = new Date(epochMs + offsetMinutes * 60000);
  return {
    year: d.getUTCFullYear(), month0: d.getUTCMonth(), day: d.getUTCDate(), hour: d.getUTCHours(), minute: d.getUTCMinutes(),
    second: d.getUTCSeconds(), ms: d.getUTCMilliseconds(), dow: d.getUTCDay(), offsetMinutes,
  };
}

/** The instant of local fields in a zone (an ambiguous or skipped local time resolves like Java's GregorianCalendar, approximately). */
export function zonedMillis(zone: JavaTimeZone, local: number): number {
  let guess = local - offsetMinutesAt(zone, local) * 60000;
  guess = local - offsetMinutesAt(zone, guess) * 60000;
  return guess;
}

export function dayOfYear(f: CalendarFields): number {
  return Math.round((utcMillis(f.year, f.month0, f.day, 0, 0, 0, 0) - utcMillis(f.year, 0, 1, 0, 0, 0, 0)) / 86400000) + 1;
}

/** Calendar.WEEK_OF_YEAR with US rules (weeks start Sunday, week 1 holds January 1st). */
export function weekOfYear(f: CalendarFields): number {
  const doy = dayOfYear(f);
  const startOfWeek = utcMillis(f.year, f.month0, f.day - f.dow, 0, 0, 0, 0);
  if (startOfWeek + 6 * 86400000 >= utcMillis(f.year + 1, 0, 1, 0, 0, 0, 0)) return 1;
  const jan1Dow = new Date(utcMillis(f.year, 0, 1, 0, 0, 0, 0)).getUTCDay();
  return Math.floor((doy - 1 + jan1Dow) / 7) + 1;
}

/** Calendar.WEEK_OF_MONTH with US rules. */
export function weekOfMonth(f: CalendarFields): number {
  const firstDow = new Date(utcMillis(f.year, f.month0, 1, 0, 0, 0, 0)).getUTCDay();
  return Math.floor((f.day - 1 + firstDow) / 7) + 1;
}

// ---------------------------------------------------------------------------------------------
// Patterns

type Token = { kind: 'literal'; text: string } | { kind: 'field'; letter: string; count: number };

const patternCache = new Map<string, Token[]>();

/** Compiles a SimpleDateFormat pattern; throws like Java on an illegal pattern character. */
export function compilePattern(pattern: string): Token[] {
  const hit = patternCache.get(pattern);
  if (hit !== undefined) return hit;
  const tokens: Token[] = [];
  const literal = (s: string): void => {
    const last = tokens[tokens.length - 1];
    if (last?.kind === 'literal') last.text += s;
    else tokens.push({ kind: 'literal', text: s });
  };
  for (let i = 0; i < pattern.length; ) {
    const c = pattern[i] ?? '';
    if (c === "'") {
      if (pattern[i + 1] === "'") {
        literal("'");
        i += 2;
        continue;
      }
      let j = i + 1;
      let text = '';
      for (;;) {
        if (j >= pattern.length) fail(`Unterminated quote in date format '${pattern}'`);
        if (pattern[j] === "'") {
          if (pattern[j + 1] === "'") {
            text += "'";
            j += 2;
            continue;
          }
          break;
        }
        text += pattern[j];
        j++;
      }
      literal(text);
      i = j + 1;
      continue;
    }
    if (/[A-Za-z]/.test(c)) {
      if (!PATTERN_LETTERS.includes(c)) fail(`Illegal pattern character '${c}' in date format '${pattern}'`);
      let j = i;
      while (pattern[j] === c) j++;
      tokens.push({ kind: 'field', letter: c, count: j - i });
      i = j;
      continue;
    }
    literal(c);
    i++;
  }
  if (patternCache.size > 500) patternCache.clear();
  patternCache.set(pattern, tokens);
  return tokens;
}

function pad(n: number, width: number): string {
  const s = String(Math.abs(n));
  return (n < 0 ? '-' : '') + s.padStart(width, '0');
}

function offsetText(minutes: number, style: 'Z' | 'X1' | 'X2' | 'X3'): string {
  if (minutes === 0 && style !== 'Z') return 'Z';
  const sign = minutes < 0 ? '-' : '+';
  const abs = Math.abs(minutes);
  const hh = pad(Math.floor(abs / 60), 2);
  const mm = pad(abs % 60, 2);
  if (style === 'X1') return sign + hh;
  if (style === 'X3') return `${sign}${hh}:${mm}`;
  return sign + hh + mm;
}

function zoneName(zone: JavaTimeZone, epochMs: number, long: boolean, offsetMinutes: number): string {
  if (zone.kind === 'fixed') {
    if (zone.offsetMinutes === 0) return long ? (zone.id === 'UTC' ? 'Coordinated Universal Time' : 'Greenwich Mean Time') : zone.id === 'Z' ? 'UTC' : zone.id;
    const named: Record<string, [string, string]> = { EST: ['EST', 'Eastern Standard Time'], MST: ['MST', 'Mountain Standard Time'], HST: ['HST', 'Hawaii Standard Time'] };
    const n = named[zone.id];
    if (n) return long ? n[1] : n[0];
    return 'GMT' + offsetText(offsetMinutes, 'X3');
  }
  const parts = new Intl.DateTimeFormat('en-US', { timeZone: zone.id, timeZoneName: long ? 'long' : 'short' }).formatToParts(new Date(epochMs));
  return parts.find((p) => p.type === 'timeZoneName')?.value ?? zone.id;
}

/** SimpleDateFormat.format. */
export function formatDate(pattern: string, epochMs: number, zone: JavaTimeZone): string {
  const f = calendarFields(epochMs, zone);
  let out = '';
  for (const t of compilePattern(pattern)) {
    if (t.kind === 'literal') {
      out += t.text;
      continue;
    }
    const n = t.count;
    switch (t.letter) {
      case 'G':
        out += f.year > 0 ? 'AD' : 'BC';
        break;
      case 'y':
      case 'Y': {
        const y = f.year > 0 ? f.year : 1 - f.year;
        out += n === 2 ? pad(y % 100, 2) : pad(y, n);
        break;
      }
      case 'M':
      case 'L':
        out += n >= 4 ? MONTHS[f.month0] : n === 3 ? MONTHS[f.month0]?.slice(0, 3) : pad(f.month0 + 1, n);
        break;
      case 'w':
        out += pad(weekOfYear(f), n);
        break;
      case 'W':
        out += pad(weekOfMonth(f), n);
        break;
      case 'D':
        out += pad(dayOfYear(f), n);
        break;
      case 'd':
        out += pad(f.day, n);
        break;
      case 'F':
        out += pad(Math.floor((f.day - 1) / 7) + 1, n);
        break;
      case 'E':
        out += n >= 4 ? DAYS[f.dow] : DAYS[f.dow]?.slice(0, 3);
        break;
      case 'u':
        out += pad(f.dow === 0 ? 7 : f.dow, n);
        break;
      case 'a':
        out += f.hour < 12 ? 'AM' : 'PM';
        break;
      case 'H':
        out += pad(f.hour, n);
        break;
      case 'k':
        out += pad(f.hour === 0 ? 24 : f.hour, n);
        break;
      case 'K':
        out += pad(f.hour % 12, n);
        break;
      case 'h':
        out += pad(f.hour % 12 === 0 ? 12 : f.hour % 12, n);
        break;
      case 'm':
        out += pad(f.minute, n);
        break;
      case 's':
        out += pad(f.second, n);
        break;
      case 'S':
        out += pad(f.ms, n);
        break;
      case 'z':
        out += zoneName(zone, epochMs, n >= 4, f.offsetMinutes);
        break;
      case 'Z':
        out += offsetText(f.offsetMinutes, 'Z');
        break;
      case 'X':
        if (n > 3) fail(`invalid ISO 8601 format: length=${n}`);
        out += offsetText(f.offsetMinutes, n === 1 ? 'X1' : n === 2 ? 'X2' : 'X3');
        break;
    }
  }
  return out;
}

const ZONE_ABBREVIATIONS: Record<string, number> = {
  UTC: 0, GMT: 0, UT: 0, Z: 0, EST: -300, EDT: -240, CST: -360, CDT: -300, MST: -420, MDT: -360, PST: -480, PDT: -420,
  AKST: -540, AKDT: -480, HST: -600, CET: 60, CEST: 120, EET: 120, EEST: 180, WET: 0, WEST: 60, BST: 60, IST: 330, JST: 540,
};

function isNumericToken(t: Token | undefined): boolean {
  if (t === undefined || t.kind !== 'field') return false;
  if (t.letter === 'M' || t.letter === 'L') return t.count <= 2;
  return 'yYwWDdFuHkKhmsS'.includes(t.letter);
}

/**
 * SimpleDateFormat.parse(text): the epoch millis of the longest matching prefix, or null when the
 * text does not match (a ParseException in Java). `defaultZone` applies unless the text names one.
 */
export function parseDate(pattern: string, text: string, defaultZone: JavaTimeZone, lenient: boolean, nowMs: number): number | null {
  const tokens = compilePattern(pattern);
  let pos = 0;
  let year = 1970;
  let yearDigits = 0;
  let yearCount = 4;
  let month0 = 0;
  let day = 1;
  let hour = 0;
  let hourKind = 'H';
  let pm: boolean | null = null;
  let minute = 0;
  let second = 0;
  let ms = 0;
  let dayOfYr: number | null = null;
  let offset: number | null = null;
  let bc = false;
  for (let ti = 0; ti < tokens.length; ti++) {
    const t = tokens[ti]!;
    if (t.kind === 'literal') {
      if (!text.startsWith(t.text, pos)) return null;
      pos += t.text.length;
      continue;
    }
    const readNumber = (): number | null => {
      const maxWidth = isNumericToken(tokens[ti + 1]) ? t.count : Infinity;
      let end = pos;
      if (text[end] === '-' && lenient && 'yY'.includes(t.letter)) end++;
      while (end < text.length && end - pos < maxWidth && /[0-9]/.test(text[end] ?? '')) end++;
      const digits = text.slice(pos, end);
      if (!/[0-9]/.test(digits)) return null;
      pos = end;
      return Number(digits);
    };
    const readText = (options: readonly string[]): number | null => {
      let best = -1;
      let bestLen = 0;
      options.forEach((o, i) => {
        if (o.length > bestLen && text.slice(pos, pos + o.length).toLowerCase() === o.toLowerCase()) {
          best = i;
          bestLen = o.length;
        }
      });
      if (best < 0) return null;
      pos += bestLen;
      return best;
    };
    switch (t.letter) {
      case 'G': {
        const e = readText(['BC', 'AD']);
        if (e === null) return null;
        bc = e === 0;
        break;
      }
      case 'y':
      case 'Y': {
        const start = pos;
        const v = readNumber();
        if (v === null) return null;
        year = text[start] === '-' ? -v : v;
        yearDigits = pos - start;
        yearCount = t.count;
        break;
      }
      case 'M':
      case 'L': {
        if (t.count >= 3) {
          const full = readText([...MONTHS, ...MONTHS.map((m) => m.slice(0, 3))]);
          if (full === null) return null;
          month0 = full % 12;
        } else {
          const v = readNumber();
          if (v === null) return null;
          month0 = v - 1;
        }
        break;
      }
      case 'E': {
        if (readText([...DAYS, ...DAYS.map((d) => d.slice(0, 3))]) === null) return null;
        break;
      }
      case 'a': {
        const v = readText(['AM', 'PM']);
        if (v === null) return null;
        pm = v === 1;
        break;
      }
      case 'z':
      case 'Z':
      case 'X': {
        const rest = text.slice(pos);
        const num = /^(?:GMT|UTC)?([+-])(\d{2}):?(\d{2})?/.exec(rest) ?? /^(?:GMT|UTC)?([+-])(\d{1,2})(?::(\d{2}))?/.exec(rest);
        if (num) {
          offset = (num[1] === '-' ? -1 : 1) * (Number(num[2]) * 60 + Number(num[3] ?? 0));
          pos += num[0].length;
          break;
        }
        const abbr = /^[A-Za-z]+/.exec(rest)?.[0] ?? '';
        let found = false;
        for (let len = abbr.length; len > 0; len--) {
          const v = ZONE_ABBREVIATIONS[abbr.slice(0, len).toUpperCase()];
          if (v !== undefined && (t.letter !== 'X' || abbr.slice(0, len) === 'Z')) {
            offset = v;
            pos += len;
            found = true;
            break;
          }
        }
        if (!found) return null;
        break;
      }
      default: {
        const v = readNumber();
        if (v === null) return null;
        switch (t.letter) {
          case 'd':
            day = v;
            break;
          case 'D':
            dayOfYr = v;
            break;
          case 'H':
          case 'k':
          case 'K':
          case 'h':
            hour = v;
            hourKind = t.letter;
            break;
          case 'm':
            minute = v;
            break;
          case 's':
            second = v;
            break;
          case 'S':
            ms = v;
            break;
          default:
            break; // w W F u: parsed, not used to compute the date
        }
      }
    }
  }
  if (yearDigits === 2 && yearCount <= 2 && year >= 0) {
    // Two-digit years fall within 80 years before and 20 years after now.
    const nowYear = new Date(nowMs).getUTCFullYear();
    const start = nowYear - 80;
    year = Math.floor(start / 100) * 100 + year;
    if (year < start) year += 100;
  }
  if (bc) year = 1 - year;
  const hourRange: Record<string, [number, number]> = { H: [0, 23], k: [1, 24], K: [0, 11], h: [1, 12] };
  const [hourMin, hourMax] = hourRange[hourKind] ?? [0, 23];
  const hourOk = hour >= hourMin && hour <= hourMax;
  if (hourKind === 'k' && hour === 24) hour = 0;
  if (hourKind === 'h' && hour === 12) hour = 0;
  if ((hourKind === 'h' || hourKind === 'K') && pm === true) hour += 12;
  if (!lenient) {
    const dim = new Date(utcMillis(year, month0 + 1, 0, 0, 0, 0, 0)).getUTCDate();
    if (month0 < 0 || month0 > 11 || day < 1 || day > dim || !hourOk || minute > 59 || second > 59 || ms > 999) return null;
    if (dayOfYr !== null && (dayOfYr < 1 || dayOfYr > 366)) return null;
  }
  const local = dayOfYr !== null && day === 1 && month0 === 0
    ? utcMillis(year, 0, dayOfYr, hour, minute, second, ms)
    : utcMillis(year, month0, day, hour, minute, second, ms);
  return offset !== null ? local - offset * 60000 : zonedMillis(defaultZone, local);
}
