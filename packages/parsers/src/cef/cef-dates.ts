/**
 * The date readers Metron's CEF parser uses: `DateUtils.parseMultiformat` with `DATE_FORMATS_CEF`
 * (for `rt`) and the syslog header time (`SyslogUtils.parseTimestampToEpochMillis`).
 * As Java's `SimpleDateFormat.parse(String)`, a pattern may match a prefix (trailing text ignored).
 * Zones other than GMT/UTC/Z/numeric offsets are read as UTC (the JVM default in Metron's tests).
 * A year-less date takes the current year, and moves a year back when more than 4 days ahead.
 */
import { parseRfc3339 } from '../util/syslog.js';
import { utcMs } from '../util/time-zone.js';

const MONTHS = ['jan', 'feb', 'mar', 'apr', 'may', 'jun', 'jul', 'aug', 'sep', 'oct', 'nov', 'dec'];
const MONTH = '(Jan(?:uary)?|Feb(?:ruary)?|Mar(?:ch)?|Apr(?:il)?|May|June?|July?|Aug(?:ust)?|Sep(?:tember)?|Oct(?:ober)?|Nov(?:ember)?|Dec(?:ember)?)';
const TIME = '(\\d{1,2}):(\\d{1,2}):(\\d{1,2})(?:\\.(\\d{1,3}))?';
const ZONE = '(?: +(GMT|UTC|Z|[+-]\\d{2}:?\\d{2}|GMT[+-]\\d{1,2}(?::?\\d{2})?))?';
/** `MMM dd [yyyy] HH:mm:ss[.SSS] [zzz]` */
const MONTH_FIRST = new RegExp(`^${MONTH} +(\\d{1,2})(?: +(\\d{4}))? +${TIME}${ZONE}`, 'i');
/** `dd MMMM yyyy HH:mm:ss` ("found in the wild") */
const DAY_FIRST = new RegExp(`^(\\d{1,2}) +${MONTH} +(\\d{4}) +${TIME}${ZONE}`, 'i');
const DAY_MS = 86_400_000;

function zoneOffsetMs(zone: string | undefined): number {
  if (zone === undefined) return 0;
  const m = /([+-])(\d{1,2}):?(\d{2})?$/.exec(zone);
  if (m === null) return 0;
  const minutes = Number(m[2]) * 60 + Number(m[3] ?? '0');
  return (m[1] === '-' ? -1 : 1) * minutes * 60_000;
}

function build(month: string, day: string, year: string | undefined, hh: string, mm: string, ss: string, frac: string | undefined, zone: string | undefined, now: number): number | undefined {
  const monthIndex = MONTHS.indexOf(month.slice(0, 3).toLowerCase()) + 1;
  const d = Number(day);
  const h = Number(hh);
  const mi = Number(mm);
  const s = Number(ss);
  // Metron's formats are lenient, but out-of-range values in practice mean a mangled record
  if (d < 1 || d > 31 || h > 23 || mi > 59 || s > 60) return undefined;
  const ms = frac === undefined ? 0 : Number(frac);
  const offset = zoneOffsetMs(zone);
  if (year !== undefined) return utcMs(Number(year), monthIndex, d, h, mi, s, ms) - offset;
  const currentYear = new Date(now).getUTCFullYear();
  let t = utcMs(currentYear, monthIndex, d, h, mi, s, ms) - offset;
  if (t > now + 4 * DAY_MS) t = utcMs(currentYear - 1, monthIndex, d, h, mi, s, ms) - offset;
  return t;
}

/**
 * `DateUtils.parseMultiformat(rt, DATE_FORMATS_CEF)`: epoch ms, or undefined when no format fits.
 * With `requireYear`, the subset `DATE_FORMATS_LEEF` (`MMM dd yyyy HH:mm:ss[.SSS] [zzz]`).
 */
export function parseCefDate(text: string, now: number, requireYear = false): number | undefined {
  if (/^\d+$/.test(text)) {
    const n = Number(text);
    return Number.isSafeInteger(n) ? n : undefined;
  }
  let m = MONTH_FIRST.exec(text);
  if (m !== null) {
    if (requireYear && m[3] === undefined) return undefined;
    return build(m[1]!, m[2]!, m[3], m[4]!, m[5]!, m[6]!, m[7], m[8], now);
  }
  if (requireYear) return undefined;
  m = DAY_FIRST.exec(text);
  if (m !== null) return build(m[2]!, m[1]!, m[3], m[4]!, m[5]!, m[6]!, m[7], m[8], now);
  return undefined;
}

/** The syslog header time: RFC 5424 (`2017-03-21T14:05:02Z`) or RFC 3164 (`Mar 21 14:05:02`). */
export function parseSyslogHeaderTime(text: string, now: number): number | undefined {
  if (/^\d{4}-/.test(text)) {
    const t = parseRfc3339(text);
    return typeof t === 'number' ? t : undefined;
  }
  return parseCefDate(text, now);
}
