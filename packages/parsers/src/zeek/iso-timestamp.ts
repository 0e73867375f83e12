/**
 * ISO 8601 / RFC 3339 date-times as the sensors of this folder and its neighbours write them:
 * Zeek JSON with `JSON::TS_ISO8601` (`2015-08-24T20:24:40.931272Z`), Suricata EVE
 * (`2019-05-15T16:53:40.620946+0000`) and Beats (`2020-04-13T13:22:16.742Z`).
 * Accepted: `YYYY-MM-DD` `T` (or a space) `hh:mm:ss`, an optional fraction of 1 to 9 digits, then `Z`,
 * `±hh:mm`, `±hhmm` or `±hh`. Hand-written for speed: these are read once per record at 200k+
 * records/s, and the date part repeats from record to record, so its epoch day is cached.
 */
import { checkRange } from '../util/syslog.js';
import { utcMs } from '../util/time-zone.js';

/** An instant split into whole epoch seconds and the fraction's digits as written (no rounding). */
export interface IsoInstant {
  /** Epoch seconds of the whole second, offset applied. */
  readonly seconds: number;
  /** The fraction's digits after the point, as written ('' when none). */
  readonly fraction: string;
}

let cachedDate = '';
let cachedDayMs = 0;

function digits(text: string, pos: number, count: number): number {
  let value = 0;
  for (let i = pos; i < pos + count; i++) {
    const c = text.charCodeAt(i) - 48;
    if (c < 0 || c > 9) return -1;
    value = value * 10 + c;
  }
  return value;
}

/** Epoch ms of 00:00 UTC of the `YYYY-MM-DD` at the start of `text`, or NaN for a bad date. */
function dayMs(text: string): number {
  const date = text.slice(0, 10);
  if (date === cachedDate) return cachedDayMs;
  if (text.charCodeAt(4) !== 45 /* - */ || text.charCodeAt(7) !== 45) return NaN;
  const year = digits(text, 0, 4);
  const month = digits(text, 5, 2);
  const day = digits(text, 8, 2);
  if (year < 0 || month < 0 || day < 0 || checkRange(year, month, day, 0, 0, 0) !== undefined) return NaN;
  const ms = year >= 100 ? Date.UTC(year, month - 1, day) : utcMs(year, month, day, 0, 0, 0, 0);
  cachedDate = date;
  cachedDayMs = ms;
  return ms;
}

/** Parses an ISO 8601 date-time with zone (see the file comment); undefined when it is not one. */
export function parseIsoInstant(text: string): IsoInstant | undefined {
  const length = text.length;
  if (length < 20 || length > 40) return undefined;
  const separator = text.charCodeAt(10);
  if ((separator !== 84 /* T */ && separator !== 32) || text.charCodeAt(13) !== 58 /* : */ || text.charCodeAt(16) !== 58) return undefined;
  const day = dayMs(text);
  if (Number.isNaN(day)) return undefined;
  const hour = digits(text, 11, 2);
  const minute = digits(text, 14, 2);
  const second = digits(text, 17, 2);
  if (hour < 0 || hour > 23 || minute < 0 || minute > 59 || second < 0 || second > 60) return undefined;
  let pos = 19;
  let fraction = '';
  if (text.charCodeAt(pos) === 46 /* . */) {
    const start = ++pos;
    while (pos < length) {
      const c = text.charCodeAt(pos);
      if (c < 48 || c > 57) break;
      pos++;
    }
    if (pos === start || pos - start > 9) return undefined;
    fraction = text.slice(start, pos);
  }
  let offsetSeconds = 0;
  const zone = text.charCodeAt(pos);
  if (zone === 90 /* Z */ || zone === 122 /* z */) {
    pos++;
  } else if (zone === 43 /* + */ || zone === 45 /* - */) {
    const oh = digits(text, pos + 1, 2);
    let om = 0;
    let end = pos + 3;
    if (text.charCodeAt(end) === 58 /* : */) {
      om = digits(text, end + 1, 2);
      end += 3;
    } else if (end < length) {
      om = digits(text, end, 2);
      end += 2;
    }
    if (oh < 0 || oh > 23 || om < 0 || om > 59) return undefined;
    offsetSeconds = (zone === 45 ? -1 : 1) * (oh * 3600 + om * 60);
    pos = end;
  } else {
    return undefined;
  }
  if (pos !== length) return undefined;
  return { seconds: day / 1000 + hour * 3600 + minute * 60 + second - offsetSeconds, fraction };
}

/** Epoch ms (fraction truncated to ms) of an ISO 8601 date-time, or undefined. */
export function isoToMillis(text: string): number | undefined {
  const instant = parseIsoInstant(text);
  if (instant === undefined) return undefined;
  const { fraction } = instant;
  let ms = 0;
  if (fraction.length >= 3) ms = digits(fraction, 0, 3);
  else if (fraction.length > 0) ms = digits(fraction.padEnd(3, '0'), 0, 3);
  return instant.seconds * 1000 + ms;
}

/** Epoch seconds with the fraction's digits kept exactly (`1440447880.931272`), as Zeek writes `time` values. */
export function isoToEpochSeconds(text: string): number | undefined {
  const instant = parseIsoInstant(text);
  if (instant === undefined) return undefined;
  if (instant.fraction === '') return instant.seconds;
  // Via the decimal text so that the double is the one the epoch-float form of the same time parses to.
  return instant.seconds >= 0 ? Number(`${instant.seconds}.${instant.fraction}`) : instant.seconds + Number(`0.${instant.fraction}`);
}
