/**
 * MISP feeds (the MISP feed format: `manifest.json` mapping event UUIDs to event summaries, and one
 * `<uuid>.json` per event holding {"Event": {..., "Attribute": [...], "Object": [{"Attribute": [...]}]}})
 * to threat-intel table rows. Attributes of these MISP types are loaded:
 *   ip-src, ip-dst (and their |port forms), domain, hostname (and hostname|port), domain|ip (both
 *   parts), url, email, email-src, email-dst, email-reply-to, md5, sha1, sha224, sha256, sha384,
 *   sha512, sha3-224/256/384/512, and filename|<hash> (the hash).
 * Only attributes flagged `to_ids` (meant for detection) are loaded unless told otherwise, as MISP
 * exports do; a deleted attribute removes its row. Other types are counted and reported by type.
 * mapMispEvent maps an event's whole text; MispAttributeMapper maps one attribute at a time, for
 * readers that stream an event too large to be one string (the CLI's `metron load misp`).
 */
import { jsonErrorLocation } from './stix.js';
import { normalizeDomain, normalizeEmail, normalizeHash, normalizeIp, normalizeUrl, settleRows, type IndicatorTypeNames, type LoadIssue, type Normalized, type ThreatIntelRow } from './indicator.js';

export interface MispMapOptions {
  types: IndicatorTypeNames;
  /** Load attributes whose to_ids flag is off too. */
  allAttributes?: boolean;
  /** Written as `feed` in each row's value (the feed URL or directory). */
  feed?: string;
}

/** What one event gave. */
export interface MispChunk {
  rows: ThreatIntelRow[];
  issues: LoadIssue[];
  attributes: number;
  /** Attributes taken as indicators (to_ids, or all). */
  indicators: number;
  /** Attributes left out because to_ids is off. */
  skipped: number;
  /** Deleted attributes (their rows are removals). */
  deleted: number;
}

/** One event named by a feed's manifest. */
export interface MispManifestEntry {
  uuid: string;
  info?: string;
  /** Epoch seconds, as MISP writes it (a string or a number). */
  timestamp?: number;
}

type Json = Record<string, unknown>;
const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const THREAT_LEVELS: Record<string, string> = { '1': 'High', '2': 'Medium', '3': 'Low', '4': 'Undefined' };
const HASH_TYPES = ['md5', 'sha1', 'sha224', 'sha256', 'sha384', 'sha512', 'sha3-224', 'sha3-256', 'sha3-384', 'sha3-512'];

/** The events a manifest.json names, sorted by timestamp then UUID; a bad manifest gives a `failed` issue. */
export function readMispManifest(text: string, where: string): { events: MispManifestEntry[]; issues: LoadIssue[] } {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (err) {
    return { events: [], issues: [{ kind: 'failed', where: `${where}${jsonErrorLocation(text, err)}`, reason: `invalid JSON: ${(err as Error).message}` }] };
  }
  if (!isObject(json)) return { events: [], issues: [{ kind: 'failed', where, reason: 'a MISP manifest is a JSON object of event UUID -> event summary' }] };
  const events: MispManifestEntry[] = [];
  const issues: LoadIssue[] = [];
  for (const [uuid, entry] of Object.entries(json)) {
    if (!UUID.test(uuid)) {
      issues.push({ kind: 'failed', where: `${where}: ${uuid}`, reason: 'not an event UUID' });
      continue;
    }
    const e: MispManifestEntry = { uuid };
    if (isObject(entry)) {
      if (typeof entry['info'] === 'string') e.info = entry['info'];
      const ts = Number(entry['timestamp']);
      if (entry['timestamp'] !== undefined && Number.isFinite(ts)) e.timestamp = ts;
    }
    events.push(e);
  }
  events.sort((a, b) => (a.timestamp ?? 0) - (b.timestamp ?? 0) || a.uuid.localeCompare(b.uuid));
  return { events, issues };
}

/** The members of an event that its rows carry; besides its Attribute and Object lists, nothing else of it is read. */
export const MISP_EVENT_METADATA: readonly string[] = ['uuid', 'info', 'Orgc', 'threat_level_id', 'date', 'Tag'];

/** A chunk with nothing in it yet. */
export function emptyMispChunk(): MispChunk {
  return { rows: [], issues: [], attributes: 0, indicators: 0, skipped: 0, deleted: 0 };
}

/** The issue of a document that is not {"Event": {...}}. */
export function notAMispEvent(where: string): LoadIssue {
  return { kind: 'failed', where, reason: 'not a MISP event: {"Event": {...}} expected' };
}

/**
 * Maps the attributes of one event, one at a time, with the event's metadata (its members named in
 * MISP_EVENT_METADATA). The rows are added to a chunk unsettled: the caller settles those of the
 * whole event (settleRows).
 */
export class MispAttributeMapper {
  private readonly base: Record<string, unknown> = { 'source-type': 'MISP' };
  private readonly eventTags: string[];

  constructor(
    event: Record<string, unknown>,
    private readonly where: string,
    private readonly options: MispMapOptions,
  ) {
    const base = this.base;
    if (typeof event['uuid'] === 'string') base['misp_event_uuid'] = event['uuid'];
    if (typeof event['info'] === 'string') base['misp_event_info'] = event['info'];
    const org = event['Orgc'];
    if (isObject(org) && typeof org['name'] === 'string') base['org'] = org['name'];
    const level = THREAT_LEVELS[String(event['threat_level_id'])];
    if (level !== undefined) base['threat_level'] = level;
    if (typeof event['date'] === 'string') base['event_date'] = event['date'];
    this.eventTags = tagNames(event['Tag']);
    if (options.feed !== undefined) base['feed'] = options.feed;
  }

  /** Reports a member that must be a list and is not (`path`: `Event.Attribute`, `Event.Object`, `Event.Object[1].Attribute`). */
  notAList(path: string, of: 'attributes' | 'objects', chunk: MispChunk): void {
    chunk.issues.push({ kind: 'failed', where: `${this.where}: ${path}`, reason: `must be a list of ${of}` });
  }

  /** Reports an element of `Event.Object` that is not an object (`path`: `Event.Object[2]`). */
  notAnObject(path: string, chunk: MispChunk): void {
    chunk.issues.push({ kind: 'failed', where: `${this.where}: ${path}`, reason: 'a MISP object must be a JSON object' });
  }

  /** Maps one attribute (`path`: `Event.Attribute[3]`, `Event.Object[1].Attribute[0]`): counts it in `chunk`, adds its rows and issues. */
  map(attribute: unknown, path: string, chunk: MispChunk): void {
    const { options } = this;
    const at = `${this.where}: ${path}`;
    chunk.attributes++;
    if (!isObject(attribute) || typeof attribute['type'] !== 'string' || (typeof attribute['value'] !== 'string' && typeof attribute['value'] !== 'number')) {
      chunk.issues.push({ kind: 'failed', where: at, reason: 'an attribute needs a "type" and a "value"' });
      return;
    }
    const located = typeof attribute['uuid'] === 'string' ? `${at} (${attribute['uuid']})` : at;
    const type = attribute['type'];
    const toIds = attribute['to_ids'] === true || attribute['to_ids'] === 1 || attribute['to_ids'] === '1';
    if (!toIds && options.allAttributes !== true) {
      chunk.skipped++;
      return;
    }
    chunk.indicators++;
    const values = attributeIndicators(type, String(attribute['value']));
    if (values === undefined) {
      chunk.issues.push({ kind: 'unsupported', where: located, reason: `attribute type '${type}' has no table type`, group: `MISP attribute type '${type}'` });
      return;
    }
    const ts = Number(attribute['timestamp']);
    const time = attribute['timestamp'] !== undefined && Number.isFinite(ts) ? new Date(ts * 1000) : undefined;
    if (time !== undefined && Number.isNaN(time.getTime())) {
      chunk.issues.push({ kind: 'failed', where: located, reason: `timestamp ${JSON.stringify(attribute['timestamp'])} is out of range for epoch seconds` });
      return;
    }
    const deleted = attribute['deleted'] === true || attribute['deleted'] === 1 || attribute['deleted'] === '1';
    if (deleted) chunk.deleted++;
    const value: Record<string, unknown> = { ...this.base, misp_type: type };
    if (typeof attribute['uuid'] === 'string') value['misp_attribute_uuid'] = attribute['uuid'];
    if (typeof attribute['category'] === 'string') value['category'] = attribute['category'];
    if (typeof attribute['comment'] === 'string' && attribute['comment'] !== '') value['comment'] = attribute['comment'];
    const tags = [...this.eventTags, ...tagNames(attribute['Tag'])];
    if (tags.length > 0) value['tags'] = [...new Set(tags)].join(',');
    if (time !== undefined) value['timestamp'] = time.toISOString();
    value['to_ids'] = toIds;
    for (const normalized of values) {
      if (!normalized.ok) {
        chunk.issues.push({ kind: normalized.problem === 'invalid' ? 'failed' : 'unsupported', where: located, reason: `${type}: ${normalized.reason}` });
        continue;
      }
      const table = options.types[normalized.kind];
      const row: ThreatIntelRow = { type: table, indicator: normalized.indicator, value: { ...value, 'indicator-type': table } };
      if (deleted) row.remove = true;
      chunk.rows.push(row);
    }
  }
}

/** Maps one event file's text; `where` names the file (or URL). */
export function mapMispEvent(text: string, where: string, options: MispMapOptions): MispChunk {
  const chunk = emptyMispChunk();
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (err) {
    chunk.issues.push({ kind: 'failed', where: `${where}${jsonErrorLocation(text, err)}`, reason: `invalid JSON: ${(err as Error).message}` });
    return chunk;
  }
  const event = isObject(json) ? json['Event'] : undefined;
  if (!isObject(event)) {
    chunk.issues.push(notAMispEvent(where));
    return chunk;
  }
  const mapper = new MispAttributeMapper(event, where, options);
  const attributeList = (list: unknown, path: string): void => {
    if (list === undefined) return;
    if (!Array.isArray(list)) mapper.notAList(path, 'attributes', chunk);
    else list.forEach((attribute, i) => mapper.map(attribute, `${path}[${i}]`, chunk));
  };
  attributeList(event['Attribute'], 'Event.Attribute');
  const objects = event['Object'];
  if (objects !== undefined) {
    if (!Array.isArray(objects)) mapper.notAList('Event.Object', 'objects', chunk);
    else objects.forEach((o, i) => (isObject(o) ? attributeList(o['Attribute'], `Event.Object[${i}].Attribute`) : mapper.notAnObject(`Event.Object[${i}]`, chunk)));
  }
  chunk.rows = settleRows(chunk.rows);
  return chunk;
}

function tagNames(tags: unknown): string[] {
  if (!Array.isArray(tags)) return [];
  return tags.flatMap((t) => (isObject(t) && typeof t['name'] === 'string' ? [t['name']] : []));
}

/** The indicators of a MISP attribute, by its type; undefined for a type no table holds. */
function attributeIndicators(type: string, value: string): Normalized[] | undefined {
  const parts = value.split('|');
  const part = (i: number): string => parts[i] ?? '';
  switch (type) {
    case 'ip-src':
    case 'ip-dst':
      return [normalizeIp(value)];
    case 'ip-src|port':
    case 'ip-dst|port':
      return [normalizeIp(part(0))];
    case 'domain':
    case 'hostname':
      return [normalizeDomain(value)];
    case 'hostname|port':
      return [normalizeDomain(part(0))];
    case 'domain|ip':
      return [normalizeDomain(part(0)), normalizeIp(part(1))];
    case 'url':
      return [normalizeUrl(value)];
    case 'email':
    case 'email-src':
    case 'email-dst':
    case 'email-reply-to':
      return [normalizeEmail(value)];
    default:
      break;
  }
  if (HASH_TYPES.includes(type)) return [normalizeHash(type, value)];
  if (type.startsWith('filename|') && HASH_TYPES.includes(type.slice(9))) return [normalizeHash(type.slice(9), parts.slice(1).join('|'))];
  return undefined;
}
