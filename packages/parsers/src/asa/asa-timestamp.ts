/**
 * The three timestamp forms Metron's ASA parser reads (its SyslogUtils.parseTimestampToEpochMillis),
 * to epoch ms:
 * - RFC 3164 without a year, `Mmm dd hh:mm:ss` (day space- or zero-padded to two characters): read
 *   in the device zone in the device's current year, or the previous year when that would put it
 *   more than 4 days ahead of now. A day the chosen year does not have (Feb 29) is an error.
 * - Cisco with a year, `Mmm dd yyyy hh:mm:ss`, in the device zone (a day past the month's end
 *   becomes its last day, as Java's SMART resolver does).
 * - ISO 8601 with an offset, `yyyy-mm-ddThh:mm:ss[.f](Z|+hh:mm)`.
 * Anything else (`Jan 5 ...` with one space, fractional seconds after a year-less time) is refused.
 */
import { compileJavaDatePattern } from '../util/java-date-format.js';
import { checkRange } from '../util/syslog.js';
import { daysInMonth, utcMs, type TimeZone } from '../util/time-zone.js';

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
const DAY_MS = 86_400_000;
/** A year-less timestamp more than this ahead of the device clock belongs to the previous year. */
export const ASA_FUTURE_TOLERANCE_MS = 4 * DAY_MS;

const YEARLESS = /^([A-Z][a-z]{2}) (?: (\d)|(\d{2})) (\d{2}):(\d{2}):(\d{2})$/;
const WITH_YEAR = /^[A-Z][a-z]{2} \d{2} \d{4} \d{2}:\d{2}:\d{2}$/;
const ISO_OFFSET = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,9}))?(?:Z|([+-])(\d{2}):(\d{2}))$/;
const CISCO_FORMAT = compileJavaDatePattern('MMM dd yyyy HH:mm:ss');

/** Epoch ms of an ASA header timestamp, with `now` the current instant; or the reason it cannot be read. */
export function parseAsaTimestamp(text: string, zone: TimeZone, now: number): number | string {
  const yearless = YEARLESS.exec(text);
  if (yearless !== null) return resolveYearless(yearless, zone, now);
  if (WITH_YEAR.test(text)) {
    const epoch = CISCO_FORMAT.parse(text, zone);
    return typeof epoch === 'number' ? epoch : `timestamp ${JSON.stringify(text)}: ${epoch}`;
  }
  const iso = ISO_OFFSET.exec(text);
  if (iso !== null) return resolveIso(iso);
  return `unsupported timestamp format ${JSON.stringify(text)} (expected "Mmm dd hh:mm:ss", "Mmm dd yyyy hh:mm:ss" or ISO 8601 with an offset)`;
}

function resolveYearless(m: RegExpExecArray, zone: TimeZone, now: number): number | string {
  const text = m[0];
  const month = MONTHS.indexOf(m[1]!) + 1;
  const day = Number(m[2] ?? m[3]);
  const hour = Number(m[4]);
  const minute = Number(m[5]);
  const second = Number(m[6]);
  if (month === 0) return `timestamp ${JSON.stringify(text)}: unknown month ${m[1]!}`;
  if (day < 1 || day > 31) return `timestamp ${JSON.stringify(text)}: day ${day} out of range`;
  if (hour > 23 || minute > 59 || second > 59) return `timestamp ${JSON.stringify(text)}: time out of range`;
  const nowWall = now + zone.offsetAt(now);
  const year = new Date(nowWall).getUTCFullYear();
  const at = (y: number): number | string =>
    day <= daysInMonth(y, month) ? zone.wallToEpoch(utcMs(y, month, day, hour, minute, second, 0)) : `timestamp ${JSON.stringify(text)}: ${m[1]!} ${day} does not exist in ${y}`;
  const current = at(year);
  if (typeof current === 'string') return current;
  // the limit is "now plus 4 days" on the device's wall clock, as ZonedDateTime.plusDays counts
  return current > zone.wallToEpoch(nowWall + ASA_FUTURE_TOLERANCE_MS) ? at(year - 1) : current;
}

/** ISO_OFFSET_DATE_TIME: strict ranges (no leap second), fraction truncated to ms. */
function resolveIso(m: RegExpExecArray): number | string {
  const [year, month, day, hour, minute, second] = [1, 2, 3, 4, 5, 6].map((i) => Number(m[i]));
  const range = second! > 59 ? `second ${second!} out of range` : checkRange(year!, month!, day!, hour!, minute!, second!);
  if (range !== undefined) return `timestamp ${JSON.stringify(m[0])}: ${range}`;
  if (Number(m[9] ?? 0) > 18 || Number(m[10] ?? 0) > 59) return `timestamp ${JSON.stringify(m[0])}: offset out of range`;
  const offsetMinutes = m[8] === undefined ? 0 : (m[8] === '-' ? -1 : 1) * (Number(m[9]) * 60 + Number(m[10]));
  const ms = Number((m[7] ?? '').padEnd(3, '0').slice(0, 3));
  return utcMs(year!, month!, day!, hour!, minute!, second!, ms) - offsetMinutes * 60_000;
}
