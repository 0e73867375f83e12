/**
 * Time zones as Java's `ZoneId.of` names them, for parsers whose timestamps carry no offset:
 * `UTC`/`GMT`/`UT`/`Z`, fixed offsets (`+05:00`, `-0330`, `UTC-05:00`, `GMT+1`) and IANA region
 * ids (`America/Chicago`, read with the runtime's tz database through Intl).
 * Wall-clock to instant follows `ZonedDateTime.ofLocal`: in an overlap the earlier offset wins; in
 * a gap the time moves later by the length of the gap.
 */

const HOUR_MS = 3_600_000;
const DAY_MS = 86_400_000;

export interface TimeZone {
  /** The id as given (trimmed). */
  readonly id: string;
  /** Epoch ms of a wall-clock time in this zone; `wallMs` is that wall time read as if it were UTC. */
  wallToEpoch(wallMs: number): number;
  /** Offset from UTC (ms) at an instant. */
  offsetAt(epochMs: number): number;
}

const FIXED_OFFSET = /^(?:(?:UTC|GMT|UT)(?=[+-]|$))?(?:([+-])(\d{1,2})(?::?(\d{2}))?(?::?(\d{2}))?)?$/i;

function fixedZone(id: string, offsetMs: number): TimeZone {
  return { id, wallToEpoch: (wall) => wall - offsetMs, offsetAt: () => offsetMs };
}

const OFFSET_CACHE_LIMIT = 4096;

class RegionZone implements TimeZone {
  private readonly format: Intl.DateTimeFormat;
  /** Offset per UTC hour, for hours without a transition (no zone has two in one hour). */
  private readonly hourOffsets = new Map<number, number>();
  constructor(readonly id: string) {
    this.format = new Intl.DateTimeFormat('en-US', {
      timeZone: id,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
      era: 'short',
    });
  }

  offsetAt(epochMs: number): number {
    const hour = Math.floor(epochMs / HOUR_MS);
    const cached = this.hourOffsets.get(hour);
    if (cached !== undefined) return cached;
    const start = this.computeOffset(hour * HOUR_MS);
    if (start !== this.computeOffset(hour * HOUR_MS + HOUR_MS - 1000)) return this.computeOffset(epochMs);
    if (this.hourOffsets.size >= OFFSET_CACHE_LIMIT) this.hourOffsets.clear();
    this.hourOffsets.set(hour, start);
    return start;
  }

  private computeOffset(epochMs: number): number {
    const seconds = Math.floor(epochMs / 1000) * 1000;
    let year = 0;
    let month = 1;
    let day = 1;
    let hour = 0;
    let minute = 0;
    let second = 0;
    let bc = false;
    for (const part of this.format.formatToParts(seconds)) {
      switch (part.type) {
        case 'year': year = Number(part.value); break;
        case 'month': month = Number(part.value); break;
        case 'day': day = Number(part.value); break;
        case 'hour': hour = Number(part.value); break;
        case 'minute': minute = Number(part.value); break;
        case 'second': second = Number(part.value); break;
        case 'era': bc = part.value.startsWith('B'); break;
        default: break;
      }
    }
    const wall = utcMs(bc ? 1 - year : year, month, day, hour, minute, second, 0);
    return Number.isFinite(wall) ? wall - seconds : 0;
  }

  wallToEpoch(wallMs: number): number {
    // Offsets a day either side bracket at most one transition for any real zone.
    const early = this.offsetAt(wallMs - DAY_MS);
    if (this.offsetAt(wallMs - early) === early) return wallMs - early;
    const late = this.offsetAt(wallMs + DAY_MS);
    if (this.offsetAt(wallMs - late) === late) return wallMs - late;
    return wallMs - early; // in a gap: the pre-transition offset moves the time later by the gap
  }
}

/** The zone named `id`, or undefined if neither a fixed offset nor a region the runtime knows. */
export function resolveTimeZone(id: string): TimeZone | undefined {
  const trimmed = id.trim();
  if (trimmed === '') return undefined;
  if (trimmed === 'Z') return fixedZone(trimmed, 0);
  const fixed = FIXED_OFFSET.exec(trimmed);
  if (fixed !== null && (fixed[1] !== undefined || /^(UTC|GMT|UT)$/i.test(trimmed))) {
    if (fixed[1] === undefined) return fixedZone(trimmed, 0);
    const hours = Number(fixed[2]);
    const minutes = Number(fixed[3] ?? '0');
    const seconds = Number(fixed[4] ?? '0');
    if (hours > 18 || minutes > 59 || seconds > 59) return undefined;
    const sign = fixed[1] === '-' ? -1 : 1;
    return fixedZone(trimmed, sign * (hours * HOUR_MS + minutes * 60_000 + seconds * 1000));
  }
  try {
    return new RegionZone(trimmed);
  } catch {
    return undefined; // RangeError: Invalid time zone specified
  }
}

/** UTC; the default zone of these parsers (Metron used the JVM default, which is UTC on its hosts). */
export const UTC: TimeZone = fixedZone('UTC', 0);

const MONTH_DAYS = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31] as const;

export function isLeapYear(year: number): boolean {
  return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
}

/** Days in `month` (1-12) of the proleptic Gregorian `year`. */
export function daysInMonth(year: number, month: number): number {
  return month === 2 && isLeapYear(year) ? 29 : MONTH_DAYS[month - 1]!;
}

/** Epoch ms of a UTC date-time; unlike Date.UTC, years 0-99 are not mapped to 1900-1999. */
export function utcMs(year: number, month: number, day: number, hour: number, minute: number, second: number, ms: number): number {
  const d = new Date(0);
  d.setUTCFullYear(year, month - 1, day);
  d.setUTCHours(hour, minute, second, ms);
  return d.getTime();
}
