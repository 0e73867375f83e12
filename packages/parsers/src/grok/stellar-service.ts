/**
 * The 'grok' service Stellar's GROK_EVAL and GROK_PREDICT call (Metron's GrokFunctions): grok
 * expressions compiled with this package's engine against the common pattern library, as Metron
 * compiles them against its `/patterns/common`.
 *
 * Differences from Metron, on purpose:
 * - A match reports the expression's named captures only. Metron's java-grok also reported the
 *   unnamed sub-patterns (`BASE10NUM`, `IPV4`, ...) as extra columns of GROK_EVAL's table.
 * - Capture values are converted as the grok parser converts them (whole numbers as numbers), so
 *   a table cell shows `0123` as `123`.
 * - `discover` (GROK_PREDICT) is a heuristic of its own, not java-grok's Discovery (which replaced
 *   matches of every library pattern, ranked by pattern length, and gave e.g. `%{BASE10NUM}` for a
 *   decimal but kept `142` literal). It works token by token: whitespace runs stay literal; a
 *   token (or a multi-token timestamp starting there, after any opening brackets or quotes) wholly matched by one of a short list of
 *   value patterns becomes `%{NAME}`; other tokens are split at punctuation and their parts treated
 *   the same way; the rest is kept as escaped literal text. The result always matches the sample.
 */
import { JInt, JLong, type GrokMatcher, type GrokService, type StellarValue } from '@metron/stellar';
import { compileGrok, GrokError } from './grok.js';

/** Patterns that may span whitespace, tried first at the start of each token. */
const SPANNING_PATTERNS = ['TIMESTAMP_ISO8601', 'DATESTAMP_RFC2822', 'SYSLOGTIMESTAMP', 'HTTPDATE'] as const;

/** What may follow a spanning match: whitespace, closing marks or the end. */
const SPAN_END = '(?=[\\s\\])>}"\',;]|$)';

/** Patterns a whole token (or a part of one) may be, most specific first. */
const TOKEN_PATTERNS = ['TIMESTAMP_ISO8601', 'IP', 'MAC', 'UUID', 'URI', 'EMAILADDRESS', 'NUMBER', 'HOSTPORT', 'UNIXPATH', 'LOGLEVEL'] as const;

/** Where a token is split when no pattern matches it whole, coarsest first. */
const SEPARATORS = [/([[\](){}<>"',;|=])/, /(\/)/, /(:)/] as const;

const regexSource = (name: string): string => compileGrok(`%{${name}}`).regex.source;

interface Recognizers {
  spanning: Array<{ name: string; sticky: RegExp }>;
  whole: Array<{ name: string; regex: RegExp }>;
}

let recognizers: Recognizers | undefined;

function getRecognizers(): Recognizers {
  recognizers ??= {
    spanning: SPANNING_PATTERNS.map((name) => ({ name, sticky: new RegExp(`(?:${regexSource(name)})${SPAN_END}`, 'y') })),
    whole: TOKEN_PATTERNS.map((name) => ({ name, regex: new RegExp(`^(?:${regexSource(name)})$`) })),
  };
  return recognizers;
}

const escapeLiteral = (text: string): string => text.replace(/[\\^$.|?*+()[\]{}]/g, '\\$&');

function describeToken(token: string, depth: number): string {
  for (const { name, regex } of getRecognizers().whole) if (regex.test(token)) return `%{${name}}`;
  const separator = depth < SEPARATORS.length ? SEPARATORS.slice(depth).find((s) => s.test(token)) : undefined;
  if (separator === undefined) return escapeLiteral(token);
  const next = SEPARATORS.indexOf(separator) + 1;
  // split with a capture group keeps the separators at the odd indexes
  return token
    .split(separator)
    .map((part, i) => (i % 2 === 1 ? escapeLiteral(part) : part === '' ? '' : describeToken(part, next)))
    .join('');
}

/** A grok expression matching `text`: see the file comment for the heuristic. */
export function discoverGrok(text: string): string {
  const { spanning } = getRecognizers();
  let out = '';
  let at = 0;
  while (at < text.length) {
    const space = /^\s+/.exec(text.slice(at));
    if (space !== null) {
      out += escapeLiteral(space[0]);
      at += space[0].length;
      continue;
    }
    const openers = /^[[(<{"']+/.exec(text.slice(at));
    if (openers !== null) {
      // a bracketed value ("[22/Sep/2016:21:45:20 +0000]") is recognised after its opening marks
      out += escapeLiteral(openers[0]);
      at += openers[0].length;
      continue;
    }
    let matched = false;
    for (const { name, sticky } of spanning) {
      sticky.lastIndex = at;
      const m = sticky.exec(text);
      if (m !== null && m[0].length > 0) {
        out += `%{${name}}`;
        at += m[0].length;
        matched = true;
        break;
      }
    }
    if (matched) continue;
    const token = /^\S+/.exec(text.slice(at))![0];
    out += describeToken(token, 0);
    at += token.length;
  }
  return out;
}

/** A captured value as a Stellar value: whole numbers int (long past 32 bits), others double. */
function stellarValueOf(v: unknown): StellarValue {
  if (typeof v === 'number') {
    if (!Number.isInteger(v)) return v;
    return v >= -2147483648 && v <= 2147483647 ? new JInt(v) : new JLong(BigInt(v));
  }
  if (typeof v === 'string' || typeof v === 'boolean' || v === null) return v;
  return String(v);
}

/** Creates the service to install as 'grok' in a Stellar FunctionRegistry. */
export function createGrokStellarService(): GrokService {
  return {
    compile(expression: string): GrokMatcher | null {
      let compiled: ReturnType<typeof compileGrok>;
      try {
        compiled = compileGrok(expression);
      } catch (e) {
        if (e instanceof GrokError) return null;
        throw e;
      }
      return {
        match(text: string): Map<string, StellarValue> {
          const out = new Map<string, StellarValue>();
          for (const [k, v] of Object.entries(compiled.match(text) ?? {})) out.set(k, stellarValueOf(v));
          return out;
        },
      };
    },
    discover: discoverGrok,
  };
}
