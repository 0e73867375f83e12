/**
 * GROK_EVAL / GROK_PREDICT (Metron's GrokFunctions, REPL helpers): thin adapters over the grok
 * module ('grok'), which owns the pattern library and the matcher. GROK_EVAL's table is built
 * here, as Metron does: one column per captured name (sorted), MISSING where a message lacks it.
 */
import type { StellarValue } from '../values.js';
import type { StellarFunction } from './types.js';
import { requireService } from './service-adapter.js';
import { cellText, renderTable } from './shell.js';

/** A compiled grok expression. */
export interface GrokMatcher {
  /** The named captures of a match (the whole-pattern capture excluded); empty when it does not match. */
  match(text: string): Map<string, StellarValue>;
}

/** What the grok module installs under the service name 'grok'. */
export interface GrokService {
  /** Compiles an expression against the common patterns; null when it does not compile. */
  compile(expression: string): GrokMatcher | null;
  /** Guesses a grok expression that matches the text. */
  discover(text: string): string;
}

export const functions: StellarFunction[] = [
  {
    name: 'GROK_EVAL',
    namespace: 'GROK',
    description: 'Applies a grok expression to one or more messages and shows what it captures as a table.',
    params: ['grokExpression - The grok expression', 'data - A message or a list of messages'],
    returns: "A table with a column per captured field and a row per message, 'NO MATCH' when nothing is captured, or null.",
    requires: 'grok',
    call(args, ctx) {
      const expression = args[0];
      const data = args[1];
      if (typeof expression !== 'string' || data === null || data === undefined) return null;
      let messages: string[];
      if (typeof data === 'string') messages = [data];
      else if (Array.isArray(data)) messages = data.map((m) => cellText(m));
      else return null;
      const matcher = requireService<GrokService>(ctx, 'GROK_EVAL', 'grok').compile(expression);
      if (matcher === null) return null;
      const captures = messages.map((m) => matcher.match(m));
      const keys = [...new Set(captures.flatMap((c) => [...c.keys()]))].sort();
      if (keys.length === 0) return 'NO MATCH';
      const rows = captures.map((c) => keys.map((k) => (c.has(k) ? cellText(c.get(k)) : 'MISSING')));
      return renderTable(keys, rows);
    },
  },
  {
    name: 'GROK_PREDICT',
    namespace: 'GROK',
    description: 'Suggests a grok expression that would match a sample message.',
    params: ['data - The sample message'],
    returns: 'A grok expression, or null.',
    requires: 'grok',
    call(args, ctx) {
      const text = args[0];
      if (typeof text !== 'string') return null;
      return requireService<GrokService>(ctx, 'GROK_PREDICT', 'grok').discover(text);
    },
  },
];
