/**
 * STIX 2.1 indicators (STIX 2.1 specification, sections 4.7 and 9; 2.0 indicators read alike) to
 * threat-intel table rows. Each `=` comparison of an indicator's STIX pattern (and each member of
 * an `IN` set) that names an observable with an exact-match kind becomes one row:
 *   ipv4-addr:value, ipv6-addr:value (a /32 or /128 CIDR as its address), domain-name:value,
 *   url:value, email-addr:value, file:hashes.<algorithm> and artifact:hashes.<algorithm>,
 *   network-traffic:src_ref.value / dst_ref.value (an IP address or a domain name).
 * With AND/OR/FOLLOWEDBY every such comparison is loaded on its own (the table answers "is this
 * value known-bad", not the whole pattern). Everything else is reported, never dropped silently:
 * other operators (MATCHES, LIKE, ISSUBSET, <, ...) and negations, CIDR ranges, other object
 * paths, other pattern languages (`unsupported`); bad JSON, patterns that do not parse, values
 * that are not what their path says (`failed`).
 *
 * Versions: of the objects sharing an id in one chunk of input, the latest `modified` counts. A
 * revoked indicator removes its rows. `valid_until` is the rows' expiry.
 */
import {
  normalizeDomain,
  normalizeEmail,
  normalizeHash,
  normalizeIp,
  normalizeUrl,
  settleRows,
  type IndicatorTypeNames,
  type LoadIssue,
  type Normalized,
  type ThreatIntelRow,
} from './indicator.js';
import { formatObjectPath, parseStixPattern, patternComparisons, StixPatternError, type Comparison, type PatternLiteral } from './stix-pattern.js';

/** One object read from the input, with where it was. */
export interface LocatedObject {
  object: unknown;
  /** `file: objects[3]`, `collection X: page 2 objects[0]`. */
  where: string;
}

export interface StixMapOptions {
  types: IndicatorTypeNames;
  /** Written as `feed` in each row's value (e.g. the TAXII collection). */
  feed?: string;
}

/** What one chunk of STIX objects gave. */
export interface StixChunk {
  /** Rows to write (settled: one per key). */
  rows: ThreatIntelRow[];
  issues: LoadIssue[];
  /** Objects read. */
  objects: number;
  /** Indicator objects among them (latest versions). */
  indicators: number;
  /** Revoked indicators (their rows are removals). */
  revoked: number;
  /** Objects that are not indicators (identities, malware, relationships, ...). */
  other: number;
  /** Older versions of an indicator that a later one in the chunk replaced. */
  superseded: number;
}

type Json = Record<string, unknown>;

const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * The objects of a STIX JSON document: a bundle, a TAXII envelope ({"objects": [...]}), an array
 * of objects or one object. Bad JSON gives a `failed` issue with the line and column.
 */
export function readStixDocument(text: string, file: string): { objects: LocatedObject[]; issues: LoadIssue[] } {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (err) {
    return { objects: [], issues: [{ kind: 'failed', where: `${file}${jsonErrorLocation(text, err)}`, reason: `invalid JSON: ${(err as Error).message}` }] };
  }
  const located = (list: unknown[]): LocatedObject[] => list.map((object, i) => ({ object, where: `${file}: objects[${i}]${describeId(object)}` }));
  if (Array.isArray(json)) return { objects: located(json), issues: [] };
  if (isObject(json)) {
    if (json['type'] === 'bundle' || (json['type'] === undefined && ('objects' in json || 'more' in json))) {
      const list = json['objects'];
      if (list === undefined) return { objects: [], issues: [] };
      if (!Array.isArray(list)) return { objects: [], issues: [{ kind: 'failed', where: `${file}: objects`, reason: 'a bundle\'s "objects" must be a list' }] };
      return { objects: located(list), issues: [] };
    }
    if (typeof json['type'] === 'string') return { objects: [{ object: json, where: `${file}${describeId(json)}` }], issues: [] };
  }
  return { objects: [], issues: [{ kind: 'failed', where: file, reason: 'not a STIX document: expected a bundle, an object with "type", or a list of objects' }] };
}

/** `:LINE:COLUMN` of the first syntax error in a text JSON.parse refused ('' when none is found). */
export function jsonErrorLocation(text: string, err: unknown): string {
  const m = /position (\d+)/.exec(String((err as Error)?.message));
  const offset = m !== null ? Number(m[1]) : jsonErrorOffset(text);
  if (offset === undefined) return '';
  const before = text.slice(0, offset);
  const line = before.split('\n').length;
  const column = offset - before.lastIndexOf('\n');
  return `:${line}:${column}`;
}

/** The offset of the first JSON syntax error (V8's messages do not always give it); undefined when the text is valid. */
function jsonErrorOffset(text: string): number | undefined {
  let i = 0;
  const ws = (): void => {
    while (i < text.length && ' \t\n\r'.includes(text[i]!)) i++;
  };
  class Stop extends Error {}
  const fail = (): never => {
    throw new Stop();
  };
  const value = (): void => {
    ws();
    const c = text[i];
    if (c === '{') {
      i++;
      ws();
      if (text[i] === '}') {
        i++;
        return;
      }
      for (;;) {
        ws();
        if (text[i] !== '"') fail();
        string();
        ws();
        if (text[i] !== ':') fail();
        i++;
        value();
        ws();
        if (text[i] === ',') i++;
        else if (text[i] === '}') {
          i++;
          return;
        } else fail();
      }
    } else if (c === '[') {
      i++;
      ws();
      if (text[i] === ']') {
        i++;
        return;
      }
      for (;;) {
        value();
        ws();
        if (text[i] === ',') i++;
        else if (text[i] === ']') {
          i++;
          return;
        } else fail();
      }
    } else if (c === '"') string();
    else {
      const m = /^(?:true|false|null|-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?)/.exec(text.slice(i, i + 400));
      if (m === null) fail();
      i += m![0].length;
    }
  };
  const string = (): void => {
    i++;
    while (i < text.length && text[i] !== '"') {
      if (text[i] === '\\') i++;
      else if (text.charCodeAt(i) < 0x20) fail();
      i++;
    }
    if (i >= text.length) fail();
    i++;
  };
  try {
    value();
    ws();
    return i < text.length ? i : undefined;
  } catch (err) {
    if (err instanceof Stop) return Math.min(i, text.length);
    throw err;
  }
}

function describeId(object: unknown): string {
  return isObject(object) && typeof object['id'] === 'string' ? ` (${object['id']})` : '';
}

/** Turns STIX objects into table rows; remembers identity names across chunks for `source`. */
export class StixIndicatorMapper {
  private readonly identities = new Map<string, string>();

  constructor(private readonly options: StixMapOptions) {}

  /** Maps one chunk of objects (a file, a TAXII page). */
  map(objects: readonly LocatedObject[]): StixChunk {
    const chunk: StixChunk = { rows: [], issues: [], objects: objects.length, indicators: 0, revoked: 0, other: 0, superseded: 0 };
    const latest = new Map<string, LocatedObject & { object: Json }>();
    for (const located of objects) {
      const { object, where } = located;
      if (!isObject(object) || typeof object['type'] !== 'string' || object['type'] === '') {
        chunk.issues.push({ kind: 'failed', where, reason: 'not a STIX object: an object with a "type" is expected' });
        continue;
      }
      if (object['type'] === 'identity' && typeof object['id'] === 'string' && typeof object['name'] === 'string') this.identities.set(object['id'], object['name']);
      if (object['type'] !== 'indicator') {
        chunk.other++;
        continue;
      }
      const id = object['id'];
      if (typeof id !== 'string' || !id.startsWith('indicator--')) {
        chunk.issues.push({ kind: 'failed', where, reason: 'an indicator needs an "id" (indicator--<uuid>)' });
        continue;
      }
      const earlier = latest.get(id);
      if (earlier !== undefined) {
        chunk.superseded++;
        if (modifiedTime(earlier.object) > modifiedTime(object)) continue;
        latest.delete(id);
      }
      latest.set(id, { object, where });
    }
    const rows: ThreatIntelRow[] = [];
    for (const { object, where } of latest.values()) {
      chunk.indicators++;
      if (object['revoked'] === true) chunk.revoked++;
      this.indicatorRows(object, where, rows, chunk.issues);
    }
    chunk.rows = settleRows(rows);
    return chunk;
  }

  /** The rows of one indicator, appended to `rows`; what cannot be loaded goes to `issues`. */
  private indicatorRows(indicator: Json, where: string, rows: ThreatIntelRow[], issues: LoadIssue[]): void {
    const patternType = indicator['pattern_type'] ?? 'stix';
    if (patternType !== 'stix') {
      issues.push({ kind: 'unsupported', where, reason: `pattern_type '${String(patternType)}': only STIX patterns name observables` });
      return;
    }
    const pattern = indicator['pattern'];
    if (typeof pattern !== 'string') {
      issues.push({ kind: 'failed', where, reason: 'an indicator needs a "pattern" (a string)' });
      return;
    }
    let expiresAt: number | undefined;
    const validUntil = indicator['valid_until'];
    if (validUntil !== undefined) {
      expiresAt = typeof validUntil === 'string' ? Date.parse(validUntil) : NaN;
      if (!Number.isFinite(expiresAt)) {
        issues.push({ kind: 'failed', where, reason: `valid_until is not a timestamp: ${JSON.stringify(validUntil)}` });
        return;
      }
    }
    let comparisons: Comparison[];
    try {
      comparisons = patternComparisons(parseStixPattern(pattern));
    } catch (err) {
      if (!(err instanceof StixPatternError)) throw err;
      issues.push({ kind: 'failed', where, reason: `invalid STIX pattern: ${err.message}:\n${err.caret()}` });
      return;
    }
    const base = this.valueOf(indicator, pattern);
    const remove = indicator['revoked'] === true;
    for (const comparison of comparisons) {
      const path = formatObjectPath(comparison.path);
      const text = `${path} ${comparison.negated ? 'NOT ' : ''}${comparison.operator}`;
      if (comparison.negated || comparison.operator === '!=') {
        issues.push({ kind: 'unsupported', where, reason: `'${text}' names what is absent, not an indicator` });
        continue;
      }
      let literals: PatternLiteral[];
      if (comparison.operator === '=') literals = [comparison.value!];
      else if (comparison.operator === 'IN' && comparison.value?.kind === 'set') literals = comparison.value.values;
      else {
        issues.push({ kind: 'unsupported', where, reason: `operator ${comparison.operator} in '${text} ...' the tables answer exact matches (=, IN) only` });
        continue;
      }
      for (const literal of literals) {
        const normalized = observable(comparison, literal);
        if (!normalized.ok) {
          issues.push({ kind: normalized.problem === 'invalid' ? 'failed' : 'unsupported', where, reason: `${path}: ${normalized.reason}` });
          continue;
        }
        const type = this.options.types[normalized.kind];
        const value: Record<string, unknown> = { 'source-type': 'STIX', 'indicator-type': type, ...base, observable: path };
        const hashStep = normalized.kind === 'hash' ? comparison.path.steps[1] : undefined;
        if (hashStep?.kind === 'property') value['hash_type'] = hashStep.name.toUpperCase();
        const row: ThreatIntelRow = { type, indicator: normalized.indicator, value };
        if (expiresAt !== undefined) row.expiresAt = expiresAt;
        if (remove) row.remove = true;
        rows.push(row);
      }
    }
  }

  /** The metadata every row of an indicator carries. */
  private valueOf(indicator: Json, pattern: string): Record<string, unknown> {
    const value: Record<string, unknown> = { stix_id: indicator['id'] };
    const text = (key: string, as = key): void => {
      if (typeof indicator[key] === 'string') value[as] = indicator[key];
    };
    const list = (key: string): void => {
      const v = indicator[key];
      if (Array.isArray(v) && v.length > 0) value[key] = v.map(String).join(',');
    };
    text('name');
    value['pattern'] = pattern;
    list('indicator_types');
    list('labels');
    text('valid_from');
    text('valid_until');
    if (typeof indicator['confidence'] === 'number') value['confidence'] = indicator['confidence'];
    text('created');
    text('modified');
    const author = indicator['created_by_ref'];
    if (typeof author === 'string') value['source'] = this.identities.get(author) ?? author;
    if (this.options.feed !== undefined) value['feed'] = this.options.feed;
    return value;
  }
}

/** `modified` (else `created`) in epoch ms; -Infinity when absent or unreadable. */
function modifiedTime(object: Json): number {
  const t = Date.parse(String(object['modified'] ?? object['created'] ?? ''));
  return Number.isFinite(t) ? t : -Infinity;
}

/** The normalized indicator a comparison's literal names, by its object path. */
function observable(comparison: Comparison, literal: PatternLiteral): Normalized {
  const { objectType, steps } = comparison.path;
  const names = steps.map((s) => (s.kind === 'property' ? s.name : `[${s.index}]`));
  const only = (...expected: string[]): boolean => names.length === expected.length && expected.every((n, i) => names[i] === n);
  let normalize: ((text: string) => Normalized) | undefined;
  if (objectType === 'ipv4-addr' && only('value')) normalize = (t) => normalizeIp(t, 4);
  else if (objectType === 'ipv6-addr' && only('value')) normalize = (t) => normalizeIp(t, 6);
  else if (objectType === 'domain-name' && only('value')) normalize = normalizeDomain;
  else if (objectType === 'url' && only('value')) normalize = normalizeUrl;
  else if (objectType === 'email-addr' && only('value')) normalize = normalizeEmail;
  else if ((objectType === 'file' || objectType === 'artifact') && names.length === 2 && names[0] === 'hashes') normalize = (t) => normalizeHash(names[1]!, t);
  else if (objectType === 'network-traffic' && (only('src_ref', 'value') || only('dst_ref', 'value'))) {
    normalize = (t) => {
      const ip = normalizeIp(t);
      return ip.ok || ip.problem === 'unsupported' ? ip : normalizeDomain(t);
    };
  }
  if (normalize === undefined) return { ok: false, problem: 'unsupported', reason: 'no table type for this object path (loaded: ipv4-addr, ipv6-addr, domain-name, url, email-addr values, file and artifact hashes, network-traffic src_ref/dst_ref values)' };
  if (literal.kind !== 'string') return { ok: false, problem: 'invalid', reason: `compared with a ${literal.kind}, expected a string` };
  return normalize(literal.value);
}
