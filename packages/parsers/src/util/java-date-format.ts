/**
 * Parsing with a `java.time.format.DateTimeFormatter.ofPattern` pattern (the form Metron's parser
 * configs use, e.g. Snort's `dateFormat`), compiled once into a list of steps.
 * Supported letters: y u (year; `yy` is 2000-2099 as in Java), M L (number, `MMM` / `MMMM` English
 * names), d, H, k, h K with a, m, s, S (fraction: exactly as many digits as letters), E (day name,
 * read and ignored), X x Z (offset, which then overrides the zone), p (pad: leading spaces).
 * Resolution is Java's SMART style: fields must be in range, except a day-of-month past the end of
 * its month, which becomes the month's last day.
 */
import { daysInMonth, utcMs, type TimeZone } from './time-zone.js';

export class DatePatternError extends Error {}

type Field = 'year' | 'year2' | 'month' | 'day' | 'hour' | 'hour12' | 'minute' | 'second' | 'fraction';

type Step =
  | { kind: 'literal'; text: string }
  | { kind: 'number'; field: Field; min: number; max: number; pad: number }
  | { kind: 'text'; field: 'month' | 'ampm' | 'weekday'; names: readonly string[] }
  | { kind: 'offset'; letter: 'X' | 'x' | 'Z' };

const PATTERN_LETTER = /[A-Za-z]/;
const MONTHS_LONG = ['january', 'february', 'march', 'april', 'may', 'june', 'july', 'august', 'september', 'october', 'november', 'december'];
const MONTHS_SHORT = MONTHS_LONG.map((m) => m.slice(0, 3));
const DAYS_LONG = ['monday', 'tuesday', 'wednesday', 'thursday', 'friday', 'saturday', 'sunday'];
const DAYS_SHORT = DAYS_LONG.map((d) => d.slice(0, 3));

export interface CompiledDatePattern {
  readonly pattern: string;
  /** Epoch ms of `text` in `zone` (unless the text has an offset), or a reason it does not match. */
  parse(text: string, zone: TimeZone): number | string;
}

/** Compiles a DateTimeFormatter pattern; throws DatePatternError for what this subset cannot read. */
export function compileJavaDatePattern(pattern: string): CompiledDatePattern {
  const steps: Step[] = [];
  let pad = 0;
  const seen = new Set<string>();
  for (let i = 0; i < pattern.length; ) {
    const c = pattern[i]!;
    if (c === "'") {
      const end = pattern.indexOf("'", i + 1);
      if (end < 0) throw new DatePatternError(`unterminated quote at position ${i}`);
      // '' is a literal quote, inside or outside a quoted section
      steps.push({ kind: 'literal', text: end === i + 1 ? "'" : pattern.slice(i + 1, end).replaceAll("''", "'") });
      i = end + 1;
      continue;
    }
    if (!PATTERN_LETTER.test(c)) {
      if ('[]{}#'.includes(c)) throw new DatePatternError(`unsupported pattern character ${JSON.stringify(c)} at position ${i}`);
      steps.push({ kind: 'literal', text: c });
      i++;
      continue;
    }
    let n = 1;
    while (pattern[i + n] === c) n++;
    const at = i;
    i += n;
    if (c === 'p') {
      pad = n;
      continue;
    }
    const num = (field: Field, max: number): Step => {
      const step: Step = { kind: 'number', field, min: n === 1 ? 1 : n, max: n === 1 ? max : n, pad };
      pad = 0;
      return step;
    };
    switch (c) {
      case 'y':
      case 'u':
        steps.push(n === 2 ? num('year2', 2) : { kind: 'number', field: 'year', min: n === 1 ? 1 : n, max: 9, pad });
        pad = 0;
        seen.add('year');
        break;
      case 'M':
      case 'L':
        if (n <= 2) steps.push(num('month', 2));
        else if (n <= 4) steps.push({ kind: 'text', field: 'month', names: n === 3 ? MONTHS_SHORT : MONTHS_LONG });
        else throw new DatePatternError(`unsupported ${c.repeat(n)} at position ${at}`);
        seen.add('month');
        break;
      case 'd':
        if (n > 2) throw new DatePatternError(`too many pattern letters 'd' at position ${at}`);
        steps.push(num('day', 2));
        seen.add('day');
        break;
      case 'H':
      case 'k':
        if (n > 2) throw new DatePatternError(`too many pattern letters '${c}' at position ${at}`);
        steps.push(num('hour', 2));
        break;
      case 'h':
      case 'K':
        if (n > 2) throw new DatePatternError(`too many pattern letters '${c}' at position ${at}`);
        steps.push(num('hour12', 2));
        break;
      case 'm':
        if (n > 2) throw new DatePatternError(`too many pattern letters 'm' at position ${at}`);
        steps.push(num('minute', 2));
        break;
      case 's':
        if (n > 2) throw new DatePatternError(`too many pattern letters 's' at position ${at}`);
        steps.push(num('second', 2));
        break;
      case 'S':
        if (n > 9) throw new DatePatternError(`too many pattern letters 'S' at position ${at}`);
        steps.push({ kind: 'number', field: 'fraction', min: n, max: n, pad: 0 });
        break;
      case 'a':
        steps.push({ kind: 'text', field: 'ampm', names: ['am', 'pm'] });
        break;
      case 'E':
        steps.push({ kind: 'text', field: 'weekday', names: n === 4 ? DAYS_LONG : DAYS_SHORT });
        break;
      case 'X':
      case 'x':
      case 'Z':
        steps.push({ kind: 'offset', letter: c });
        break;
      default:
        throw new DatePatternError(`unsupported pattern letter '${c}' at position ${at}`);
    }
  }
  for (const required of ['year', 'month', 'day']) {
    if (!seen.has(required)) throw new DatePatternError(`pattern has no ${required}`);
  }
  return { pattern, parse: (text, zone) => runSteps(steps, text, zone) };
}

function runSteps(steps: readonly Step[], text: string, zone: TimeZone): number | string {
  let year = 0;
  let month = 1;
  let day = 1;
  let hour = 0;
  let hour12 = -1;
  let pm = -1;
  let minute = 0;
  let second = 0;
  let ms = 0;
  let offsetMs: number | undefined;
  let pos = 0;
  for (const step of steps) {
    if (step.kind === 'literal') {
      if (!text.startsWith(step.text, pos)) return `expected ${JSON.stringify(step.text)} at position ${pos}`;
      pos += step.text.length;
    } else if (step.kind === 'number') {
      let start = pos;
      if (step.pad > 0) while (text.charCodeAt(start) === 32 && start - pos < step.pad - 1) start++;
      let end = start;
      while (end < text.length && end - start < step.max && isDigit(text.charCodeAt(end))) end++;
      if (end - start < step.min) return `expected ${step.min === step.max ? step.min : `${step.min}-${step.max}`} digits at position ${start}`;
      const digits = text.slice(start, end);
      const value = Number(digits);
      pos = end;
      switch (step.field) {
        case 'year': year = value; break;
        case 'year2': year = 2000 + value; break;
        case 'month': month = value; break;
        case 'day': day = value; break;
        case 'hour': hour = value; break;
        case 'hour12': hour12 = value; break;
        case 'minute': minute = value; break;
        case 'second': second = value; break;
        case 'fraction': ms = Number(digits.padEnd(3, '0').slice(0, 3)); break;
      }
    } else if (step.kind === 'text') {
      const index = matchName(text, pos, step.names);
      if (index < 0) return `expected a ${step.field === 'ampm' ? 'AM/PM marker' : `${step.field} name`} at position ${pos}`;
      pos += step.names[index]!.length;
      if (step.field === 'month') month = index + 1;
      else if (step.field === 'ampm') pm = index;
    } else {
      const parsed = parseOffset(text, pos, step.letter);
      if (parsed === undefined) return `expected a UTC offset at position ${pos}`;
      offsetMs = parsed.offsetMs;
      pos = parsed.end;
    }
  }
  if (pos !== text.length) return `unexpected text at position ${pos}`;
  if (hour12 >= 0) {
    if (hour12 < 1 || hour12 > 12) return `hour ${hour12} out of range 1-12`;
    hour = (hour12 % 12) + (pm === 1 ? 12 : 0);
  }
  if (month < 1 || month > 12) return `month ${month} out of range`;
  if (day < 1 || day > 31) return `day ${day} out of range`;
  if (hour > 23) return `hour ${hour} out of range`;
  if (minute > 59) return `minute ${minute} out of range`;
  if (second > 59) return `second ${second} out of range`;
  const wall = utcMs(year, month, Math.min(day, daysInMonth(year, month)), hour, minute, second, ms);
  return offsetMs === undefined ? zone.wallToEpoch(wall) : wall - offsetMs;
}

function isDigit(code: number): boolean {
  return code >= 48 && code <= 57;
}

function matchName(text: string, pos: number, names: readonly string[]): number {
  for (let i = 0; i < names.length; i++) {
    const name = names[i]!;
    if (text.slice(pos, pos + name.length).toLowerCase() === name) return i;
  }
  return -1;
}

const OFFSET_DIGITS = /^(\d{2})(?::?(\d{2}))?(?::?(\d{2}))?/;

/** `Z` (X only), `+HH`, `+HHMM`, `+HH:MM` (and `+HH:MM:SS`). */
function parseOffset(text: string, pos: number, letter: 'X' | 'x' | 'Z'): { offsetMs: number; end: number } | undefined {
  const sign = text[pos];
  if (sign === 'Z' && letter !== 'x') return { offsetMs: 0, end: pos + 1 };
  if (sign !== '+' && sign !== '-') return undefined;
  const m = OFFSET_DIGITS.exec(text.slice(pos + 1, pos + 10));
  if (m === null) return undefined;
  const hours = Number(m[1]);
  const minutes = Number(m[2] ?? '0');
  const seconds = Number(m[3] ?? '0');
  if (hours > 18 || minutes > 59 || seconds > 59) return undefined;
  const value = (hours * 3600 + minutes * 60 + seconds) * 1000;
  return { offsetMs: sign === '-' ? -value : value, end: pos + 1 + m[0].length };
}
