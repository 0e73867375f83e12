/**
 * SHELL_* (Metron's ShellFunctions, REPL helpers): SHELL_MAP2TABLE is pure; the others adapt the
 * REPL's 'shell' service (its variables, their expressions and the external editor). Tables are
 * drawn with box characters like the FlipTable library Metron uses.
 */
import { JFloat } from '../values.js';
import type { StellarValue } from '../values.js';
import { StellarFunctionError } from './types.js';
import type { StellarFunction } from './types.js';
import { optionalIntegerArg, optionalStringArg, requireService, stringArg } from './service-adapter.js';

/** One REPL variable: its value and the expression that produced it (null when assigned directly). */
export interface ShellVariable {
  name: string;
  value: StellarValue;
  expression: string | null;
}

/** What the REPL installs under the service name 'shell'. */
export interface ShellService {
  /** The variables defined in the session, in definition order. */
  variables(): ShellVariable[];
  /** Opens the user's editor ($EDITOR/$VISUAL) on the text; the saved text, or null when aborted. */
  edit(initial: string): string | null;
}

/** Draws a table with box characters; cells may span lines. Columns are left-aligned. */
export function renderTable(headers: readonly string[], rows: readonly (readonly string[])[]): string {
  const widths = headers.map((h, c) => {
    let width = 0;
    for (const cell of [h, ...rows.map((r) => r[c] ?? '')]) {
      for (const line of cell.split('\n')) width = Math.max(width, line.length);
    }
    return width;
  });
  const border = (left: string, fill: string, join: string, right: string): string =>
    left + widths.map((w) => fill.repeat(w + 2)).join(join) + right + '\n';
  const data = (cells: readonly string[]): string => {
    const split = widths.map((_, c) => (cells[c] ?? '').split('\n'));
    const height = Math.max(1, ...split.map((s) => s.length));
    let out = '';
    for (let line = 0; line < height; line++) {
      out += widths.map((w, c) => (c === 0 ? '║' : '│') + ' ' + (split[c]![line] ?? '').padEnd(w) + ' ').join('') + '║\n';
    }
    return out;
  };
  let out = border('╔', '═', '╤', '╗') + data(headers);
  if (rows.length === 0) return out + border('╚', '═', '╧', '╝');
  out += border('╠', '═', '╪', '╣');
  rows.forEach((row, i) => {
    if (i > 0) out += border('╟', '─', '┼', '╢');
    out += data(row);
  });
  return out + border('╚', '═', '╧', '╝');
}

/** Java's Double.toString: plain between 1e-3 and 1e7, computerized scientific notation outside. */
function javaDouble(d: number, digits: (x: number) => string = String): string {
  if (Number.isNaN(d)) return 'NaN';
  if (!Number.isFinite(d)) return d > 0 ? 'Infinity' : '-Infinity';
  if (d === 0) return Object.is(d, -0) ? '-0.0' : '0.0';
  const abs = Math.abs(d);
  if (abs >= 1e-3 && abs < 1e7) {
    const plain = digits(d);
    return plain.includes('.') ? plain : `${plain}.0`;
  }
  const [mantissa, exponent] = Number(digits(d)).toExponential().split('e') as [string, string];
  return `${mantissa.includes('.') ? mantissa : `${mantissa}.0`}E${exponent.replace('+', '')}`;
}

/** The shortest decimal that reads back as the same float32 (Java's Float.toString digits). */
function floatDigits(f: number): string {
  for (let p = 1; p <= 9; p++) {
    const s = f.toPrecision(p);
    if (Math.fround(Number(s)) === f) return String(Number(s));
  }
  return String(f);
}

/** A value as Java's String.valueOf renders it (maps as {k=v, ...}, lists as [a, b]). */
export function javaString(v: StellarValue | undefined): string {
  if (v === undefined || v === null) return 'null';
  if (typeof v === 'string') return v;
  if (typeof v === 'number') return javaDouble(v);
  if (v instanceof JFloat) return javaDouble(v.value, floatDigits);
  if (v instanceof Map) return `{${[...v].map(([k, x]) => `${javaString(k)}=${javaString(x)}`).join(', ')}}`;
  if (v instanceof Set) return `[${[...(v as Set<StellarValue>)].map(javaString).join(', ')}]`;
  if (Array.isArray(v)) return `[${v.map(javaString).join(', ')}]`;
  return String(v);
}

/** A value as the REPL prints it in a table cell. */
export const cellText = javaString;

/**
 * Commons Lang's WordUtils.wrap(text, width): breaks lines at spaces so they fit in `width`
 * where possible; words longer than the width are left whole. No wrapping when width <= 0.
 */
export function wordWrap(text: string, width: number): string {
  if (width <= 0) return text;
  const out: string[] = [];
  let offset = 0;
  while (text.length - offset > width) {
    if (text[offset] === ' ') {
      offset++;
      continue;
    }
    let at = text.lastIndexOf(' ', width + offset);
    if (at < offset) at = text.indexOf(' ', width + offset);
    if (at < 0) break;
    out.push(text.slice(offset, at));
    offset = at + 1;
  }
  out.push(text.slice(offset));
  return out.join('\n');
}

export const functions: StellarFunction[] = [
  {
    name: 'SHELL_MAP2TABLE',
    namespace: 'SHELL',
    description: 'Draws a map as a two-column KEY/VALUE table.',
    params: ['map - The map to draw'],
    returns: 'The table as a string.',
    pure: true,
    call(args) {
      if (args.length < 1) return null;
      const m = args[0];
      if (m !== null && !(m instanceof Map)) throw new StellarFunctionError('SHELL_MAP2TABLE: map must be a map');
      const rows = m === null ? [] : [...m].map(([k, v]) => [javaString(k), javaString(v)]);
      return renderTable(['KEY', 'VALUE'], rows);
    },
  },
  {
    name: 'SHELL_LIST_VARS',
    namespace: 'SHELL',
    description: 'Draws the variables of the REPL session as a table of names, values and expressions.',
    params: ['wrap - (optional) Column width beyond which cell text is wrapped'],
    returns: 'The table as a string.',
    requires: 'shell',
    call(args, ctx) {
      const width = optionalIntegerArg('SHELL_LIST_VARS', args, 0, 'wrap') ?? -1;
      const vars = requireService<ShellService>(ctx, 'SHELL_LIST_VARS', 'shell').variables();
      const rows = vars.map((v) => [wordWrap(v.name, width), wordWrap(javaString(v.value), width), wordWrap(v.expression ?? '', width)]);
      return renderTable(['VARIABLE', 'VALUE', 'EXPRESSION'], rows);
    },
  },
  {
    name: 'SHELL_GET_EXPRESSION',
    namespace: 'SHELL',
    description: 'Gives the Stellar expression that produced a REPL variable.',
    params: ['variable - The variable name'],
    returns: 'The expression, or null when the variable is unknown or was not set by an expression.',
    requires: 'shell',
    call(args, ctx) {
      if (args[0] === undefined || args[0] === null) return null;
      const name = stringArg('SHELL_GET_EXPRESSION', args, 0, 'variable');
      const found = requireService<ShellService>(ctx, 'SHELL_GET_EXPRESSION', 'shell').variables().find((v) => v.name === name);
      return found?.expression ?? null;
    },
  },
  {
    name: 'SHELL_VARS2MAP',
    namespace: 'SHELL',
    description: 'Builds a map from REPL variable names to the expressions that produced them.',
    params: ['variables* - The variable names'],
    returns: 'A map of variable name to expression (variables without an expression are left out).',
    requires: 'shell',
    call(args, ctx) {
      const vars = requireService<ShellService>(ctx, 'SHELL_VARS2MAP', 'shell').variables();
      const out = new Map<StellarValue, StellarValue>();
      args.forEach((arg, i) => {
        if (arg === null) return;
        const name = stringArg('SHELL_VARS2MAP', args, i, 'variable');
        const expression = vars.find((v) => v.name === name)?.expression;
        if (expression !== undefined && expression !== null) out.set(name, expression);
      });
      return out;
    },
  },
  {
    name: 'SHELL_EDIT',
    namespace: 'SHELL',
    description: "Opens the user's editor, optionally on some text, and returns what was saved.",
    params: ['string - (optional) The text to start the editor with'],
    returns: 'The saved text.',
    requires: 'shell',
    call(args, ctx) {
      const initial = optionalStringArg('SHELL_EDIT', args, 0, 'string') ?? '';
      if (args.length > 1) throw new StellarFunctionError('SHELL_EDIT expects at most one argument');
      const saved = requireService<ShellService>(ctx, 'SHELL_EDIT', 'shell').edit(initial);
      return saved === null ? null : saved.trim();
    },
  },
];
