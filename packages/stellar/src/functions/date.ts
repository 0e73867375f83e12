/**
 * Date functions (Metron DateFunctions.java and the NOW of TimeFunction.java). Calendar fields
 * are computed in UTC (Metron uses the JVM's default zone, which deployments set to UTC) with US
 * week rules; TO_EPOCH_TIMESTAMP and DATE_FORMAT take SimpleDateFormat patterns and Java time
 * zone ids (see java-date-format.ts). Epoch values of exactly 10 digits are taken as seconds.
 */
import { JInt, JLong, isNumber, type StellarValue } from '../values.js';
import type { FunctionContext, StellarFunction } from './types.js';
import { arg, convertNumber, defineFunction, fail, javaToString } from './java-interop.js';
import {
  calendarFields,
  dayOfYear,
  formatDate,
  javaTimeZone,
  parseDate,
  utcZone,
  weekOfMonth,
  weekOfYear,
  type CalendarFields,
} from './java-date-format.js';

/** Metron EpochUtils.ensureEpochMillis: a 10-digit value is in seconds. */
export function ensureEpochMillis(candidate: bigint): bigint {
  if (candidate <= 0n) return candidate;
  return candidate.toString().length === 10 ? candidate * 1000n : candidate;
}

function epochArg(args: StellarValue[], ctx: FunctionContext): number | null {
  if (args.length === 0) return ctx.now();
  const v = convertNumber(arg(args, 0), 'long');
  if (v === null) return null;
  return Number(ensureEpochMillis(v.value));
}

function calendarFunction(name: string, description: string, returns: string, field: (f: CalendarFields) => number): StellarFunction {
  return defineFunction(name, '', description, ['dateTime - Epoch time in milliseconds (or seconds, when 10 digits); defaults to now'], returns, (args, ctx) => {
    const ms = epochArg(args, ctx);
    if (ms === null) return null;
    return new JInt(field(calendarFields(ms, utcZone())));
  }, { pure: false });
}

export const functions: StellarFunction[] = [
  defineFunction('TO_EPOCH_TIMESTAMP', '', 'Parses a date string with a Java SimpleDateFormat pattern into epoch milliseconds.', ['dateTime - The date string', 'format - The SimpleDateFormat pattern', 'timezone - Optional Java time zone id (UTC by default) used when the string carries none'], 'The epoch time in milliseconds as a long, or null when the string does not match.', (args, ctx) => {
    const date = arg(args, 0);
    const format = arg(args, 1);
    const tz = arg(args, 2);
    if (date === null || format === null) return null;
    const zone = tz === null ? utcZone() : javaTimeZone(javaToString(tz));
    const ms = parseDate(javaToString(format), javaToString(date), zone, true, ctx.now());
    return ms === null ? null : new JLong(BigInt(ms));
  }),
  defineFunction('DATE_FORMAT', '', 'Formats an epoch time with a Java SimpleDateFormat pattern.', ['format - The SimpleDateFormat pattern', 'timestampField - Optional epoch time in milliseconds; defaults to now', 'timezone - Optional Java time zone id (UTC by default)'], 'The formatted date string.', (args, ctx) => {
    const format = arg(args, 0);
    if (format === null) return null;
    let epoch: StellarValue = null;
    let tz: StellarValue = null;
    if (args.length === 2) {
      const second = arg(args, 1);
      if (second === null) return null;
      if (isNumber(second)) epoch = second;
      else if (typeof second === 'string') tz = second;
    } else if (args.length > 2) {
      epoch = arg(args, 1);
      tz = arg(args, 2);
    }
    let ms = ctx.now();
    if (epoch !== null) {
      const v = convertNumber(epoch, 'long');
      if (v === null) return fail(`DATE_FORMAT: ${javaToString(epoch)} is not an epoch time`);
      ms = Number(v.value);
    }
    const zone = tz === null ? utcZone() : javaTimeZone(javaToString(tz));
    return formatDate(javaToString(format), ms, zone);
  }, { pure: false }),
  calendarFunction('DAY_OF_WEEK', 'Returns the day of the week of a time, Sunday being 1.', 'The day of the week (1-7) as an int.', (f) => f.dow + 1),
  calendarFunction('DAY_OF_MONTH', 'Returns the day of the month of a time, starting at 1.', 'The day of the month as an int.', (f) => f.day),
  calendarFunction('WEEK_OF_MONTH', 'Returns the week of the month of a time, starting at 1 (weeks start on Sunday).', 'The week of the month as an int.', weekOfMonth),
  calendarFunction('WEEK_OF_YEAR', 'Returns the week of the year of a time, starting at 1 (weeks start on Sunday).', 'The week of the year as an int.', weekOfYear),
  calendarFunction('MONTH', 'Returns the month of a time, January being 0.', 'The month (0-11) as an int.', (f) => f.month0),
  calendarFunction('YEAR', 'Returns the year of a time.', 'The year as an int.', (f) => f.year),
  calendarFunction('DAY_OF_YEAR', 'Returns the day of the year of a time, starting at 1.', 'The day of the year as an int.', dayOfYear),
  defineFunction('NOW', '', 'Returns the current time.', [], 'The current epoch time in milliseconds as a long.', (_args, ctx) => new JLong(BigInt(Math.trunc(ctx.now()))), { pure: false }),
];
