/**
 * Reads one MISP event file (the MISP feed format's `<uuid>.json`: {"Event": {..., "Attribute":
 * [...], "Object": [{..., "Attribute": [...]}, ...], "Tag": [...], ...}}) from its text in bounded
 * memory, giving the rows, issues and counts mapMispEvent gives for the whole text. An event of
 * hundreds of MB, or over V8's 512 MB string limit, loads in a small heap.
 *
 * The text is read twice (json-stream.ts checks it as JSON.parse would, each time):
 *  1. The whole text is checked before anything of the event is reported or written, so a file
 *     that is not JSON gives one issue at the line and column JSON.parse's error gives, and no rows,
 *     as before. This pass keeps the event's metadata members (MISP_EVENT_METADATA: small, and
 *     anywhere in the event, often after the lists) and skips the Attribute and Object lists.
 *  2. Each attribute, Event.Attribute[i] then Event.Object[j].Attribute[k], is captured, parsed on
 *     its own and mapped by MispAttributeMapper, as mapMispEvent maps it. Object elements are
 *     walked into rather than parsed whole, so one object with any number of attributes is read
 *     attribute by attribute too (its other members are skipped). When the Object list comes
 *     before the Attribute list in the text, the text is read once per list, to keep
 *     mapMispEvent's order of issues and rows.
 * Where a member name repeats (two "Event", "Attribute" or "Object" members), JSON.parse keeps the
 * last one: pass 1 notes which is last and pass 2 reads only that one.
 *
 * Issues and counts are handed out as they come; rows once the event is read, after settling
 * (EventRowSettler), in groups.
 */
import { createHash } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { errorMessage } from '@metron/core';
import {
  emptyMispChunk,
  MISP_EVENT_METADATA,
  MispAttributeMapper,
  notAMispEvent,
  settleRows,
  type LoadIssue,
  type MispChunk,
  type MispMapOptions,
  type ThreatIntelRow,
} from '@metron/enrichment';
import { openLmdbStore, type KeyValueEntry, type KeyValueStore } from '@metron/storage';
import { JsonStreamScanner, JsonSyntaxError, type JsonAction, type JsonPathStep, type JsonValueKind, type JsonVisitor } from './json-stream.js';

export interface MispStreamOptions extends MispMapOptions {
  /** Rows of an event settled in memory, past which they are settled on disk; also the most rows, or issues, handed out at once. */
  groupSize?: number;
}

/** The event's text could not be read (a missing file, bad gzip data): nothing of it was loaded. */
export class MispReadError extends Error {}

/**
 * Reads one event; `open` gives its text from the start each time it is called. Yields chunks whose
 * rows, issues and counts add up to mapMispEvent's chunk for the whole text (the rows of an event
 * of more than `groupSize` rows come in another order: by table key). Throws MispReadError when the
 * text cannot be read: in pass 1, before anything is handed out; in pass 2 (the file went away
 * meanwhile), after some issues and counts but before any row, as rows come once the event is read.
 */
export async function* readMispEvent(open: () => AsyncIterable<string>, where: string, options: MispStreamOptions): AsyncGenerator<MispChunk> {
  const groupSize = options.groupSize ?? 10_000;
  const survey = new EventSurvey();
  const surveyScanner = new JsonStreamScanner(survey);
  try {
    for await (const piece of textOf(open)) surveyScanner.feed(piece);
    surveyScanner.end();
  } catch (err) {
    if (!(err instanceof JsonSyntaxError)) throw err;
    yield { ...emptyMispChunk(), issues: [syntaxIssue(where, err)] };
    return;
  }
  const event = survey.event;
  if (event === undefined) {
    yield { ...emptyMispChunk(), issues: [notAMispEvent(where)] };
    return;
  }

  const mapper = new MispAttributeMapper(event.metadata, where, options);
  const settler = new EventRowSettler(groupSize);
  try {
    let chunk = emptyMispChunk();
    const onAttribute = (attribute: unknown, path: string): void => {
      mapper.map(attribute, path, chunk);
      if (chunk.rows.length > 0) {
        settler.add(chunk.rows);
        chunk.rows = [];
      }
    };
    const onNotAList = (path: string): void => mapper.notAList(path, 'attributes', chunk);
    const onNotAnObject = (path: string): void => mapper.notAnObject(path, chunk);
    const { attributes, objects } = event;
    if (attributes !== undefined && !attributes.isList) mapper.notAList('Event.Attribute', 'attributes', chunk);
    const both = { attributes: attributes?.isList === true, objects: objects?.isList === true };
    const passes = both.attributes && both.objects && objects!.index < attributes!.index
      ? [{ attributes: true, objects: false }, { attributes: false, objects: true }]
      : both.attributes || both.objects ? [both] : [];
    for (const lists of passes) {
      const scanner = new JsonStreamScanner(new AttributeReader(event, lists, onAttribute, onNotAList, onNotAnObject));
      try {
        for await (const piece of textOf(open)) {
          scanner.feed(piece);
          if (chunk.attributes >= groupSize || chunk.issues.length >= groupSize) {
            yield chunk;
            chunk = emptyMispChunk();
          }
          await settler.spill();
        }
        scanner.end();
      } catch (err) {
        // only when the file changed since the first pass
        if (!(err instanceof JsonSyntaxError)) throw err;
        yield { ...chunk, issues: [...chunk.issues, syntaxIssue(where, err)] };
        return;
      }
    }
    if (objects !== undefined && !objects.isList) mapper.notAList('Event.Object', 'objects', chunk);
    yield chunk;
    for await (const rows of settler.settled()) yield { ...emptyMispChunk(), rows };
  } finally {
    await settler.close();
  }
}

function syntaxIssue(where: string, err: JsonSyntaxError): LoadIssue {
  return { kind: 'failed', where: `${where}:${err.line}:${err.column}`, reason: `invalid JSON: ${err.reason}` };
}

/** The pieces of a text, a failure to read them thrown as MispReadError. */
async function* textOf(open: () => AsyncIterable<string>): AsyncGenerator<string> {
  try {
    for await (const piece of open()) yield piece;
  } catch (err) {
    throw new MispReadError(errorMessage(err));
  }
}

/** A member of the event that JSON.parse keeps, by its index among the event's members. */
interface EventList {
  index: number;
  isList: boolean;
}

/** What pass 1 learns of the event. */
interface EventOutline {
  /** The index of the (last) Event member of the document. */
  index: number;
  /** The event's members named in MISP_EVENT_METADATA. */
  metadata: Record<string, unknown>;
  attributes?: EventList;
  objects?: EventList;
  /** Object elements (by index) with more than one Attribute member: the index of the last one. */
  lastAttributeMember: Map<number, number>;
}

const METADATA = new Set(MISP_EVENT_METADATA);

/** Pass 1: the event's metadata and where its lists are. Walks Event.Object (not its attributes) only to find repeated Attribute members. */
class EventSurvey implements JsonVisitor {
  event: EventOutline | undefined;
  private attributeMembers = 0;

  begin(path: readonly JsonPathStep[], kind: JsonValueKind): JsonAction {
    const step = path[path.length - 1];
    switch (path.length) {
      case 0:
        return kind === 'object' ? 'walk' : 'skip';
      case 1:
        if (step!.key !== 'Event') return 'skip';
        this.event = kind === 'object' ? { index: step!.index, metadata: {}, lastAttributeMember: new Map() } : undefined;
        return kind === 'object' ? 'walk' : 'skip';
      case 2: {
        const event = this.event!;
        if (step!.key === 'Attribute') {
          event.attributes = { index: step!.index, isList: kind === 'array' };
          return 'skip';
        }
        if (step!.key === 'Object') {
          event.objects = { index: step!.index, isList: kind === 'array' };
          event.lastAttributeMember.clear();
          return kind === 'array' ? 'walk' : 'skip';
        }
        return step!.key !== undefined && METADATA.has(step!.key) ? 'capture' : 'skip';
      }
      case 3:
        this.attributeMembers = 0;
        return kind === 'object' ? 'walk' : 'skip';
      default:
        if (step!.key === 'Attribute' && ++this.attributeMembers > 1) this.event!.lastAttributeMember.set(path[2]!.index, step!.index);
        return 'skip';
    }
  }

  captured(path: readonly JsonPathStep[], raw: string): void {
    this.event!.metadata[path[1]!.key!] = JSON.parse(raw);
  }
}

/** Pass 2: each attribute of the lists asked for, parsed, to `onAttribute` with its path. */
class AttributeReader implements JsonVisitor {
  constructor(
    private readonly event: EventOutline,
    private readonly lists: { attributes: boolean; objects: boolean },
    private readonly onAttribute: (attribute: unknown, path: string) => void,
    private readonly onNotAList: (path: string) => void,
    private readonly onNotAnObject: (path: string) => void,
  ) {}

  begin(path: readonly JsonPathStep[], kind: JsonValueKind): JsonAction {
    const step = path[path.length - 1];
    switch (path.length) {
      case 0:
        return 'walk';
      case 1:
        return step!.index === this.event.index ? 'walk' : 'skip';
      case 2:
        if (kind !== 'array') return 'skip';
        if (this.lists.attributes && step!.index === this.event.attributes?.index) return 'walk';
        if (this.lists.objects && step!.index === this.event.objects?.index) return 'walk';
        return 'skip';
      case 3:
        if (path[1]!.index === this.event.attributes?.index) return 'capture';
        // an element of Event.Object
        if (kind === 'object') return 'walk';
        this.onNotAnObject(`Event.Object[${step!.index}]`);
        return 'skip';
      case 4: {
        if (step!.key !== 'Attribute') return 'skip';
        const last = this.event.lastAttributeMember.get(path[2]!.index);
        if (last !== undefined && last !== step!.index) return 'skip';
        if (kind === 'array') return 'walk';
        this.onNotAList(`Event.Object[${path[2]!.index}].Attribute`);
        return 'skip';
      }
      default:
        return 'capture';
    }
  }

  captured(path: readonly JsonPathStep[], raw: string): void {
    const attribute: unknown = JSON.parse(raw);
    this.onAttribute(attribute, path.length === 3 ? `Event.Attribute[${path[2]!.index}]` : `Event.Object[${path[2]!.index}].Attribute[${path[4]!.index}]`);
  }
}

const SCRATCH_NAMESPACE = 'rows';

/**
 * Settles the rows of one event as settleRows settles them in one list (one row per table key: the
 * last live row, else the last removal; the counts are of these rows), holding at most `groupSize`
 * rows in memory. That is all the rows of nearly every event: they are settled by settleRows
 * itself, in its order. Past that, the rows are kept in a scratch LMDB store in a temporary
 * directory (outside the JS heap; removed by `close`), under their table key and then their place
 * in the event, and read back in key order: each key's rows come together and in event order, and
 * are folded pairwise with settleRows, which gives the same row as settling them in one list (a
 * later row replaces an earlier one unless it would remove a live one). Rows of different keys do
 * not affect each other, so their order (here, key order) changes neither the table nor the counts.
 */
class EventRowSettler {
  private held: ThreatIntelRow[] = [];
  private scratch: { dir: string; store: KeyValueStore } | undefined;
  private sequence = 0;

  constructor(private readonly groupSize: number) {}

  add(rows: readonly ThreatIntelRow[]): void {
    for (const row of rows) this.held.push(row);
  }

  /** Moves the rows held to the scratch store once there are more than `groupSize` (then, every `groupSize`). */
  async spill(): Promise<void> {
    if (this.held.length < (this.scratch === undefined ? this.groupSize + 1 : this.groupSize)) return;
    await this.moveToScratch();
  }

  /** The settled rows of the event, in groups of at most `groupSize`. */
  async *settled(): AsyncGenerator<ThreatIntelRow[]> {
    if (this.scratch === undefined) {
      const rows = settleRows(this.held);
      this.held = [];
      for (let i = 0; i < rows.length; i += this.groupSize) yield rows.slice(i, i + this.groupSize);
      return;
    }
    await this.moveToScratch();
    let group: ThreatIntelRow[] = [];
    let settled: ThreatIntelRow | undefined;
    for (const [, text] of this.scratch.store.entries(SCRATCH_NAMESPACE)) {
      const row = JSON.parse(text) as ThreatIntelRow;
      if (settled !== undefined && settled.type === row.type && settled.indicator === row.indicator) {
        settled = settleRows([settled, row])[0]!;
        continue;
      }
      if (settled !== undefined) group.push(settled);
      if (group.length >= this.groupSize) {
        yield group;
        group = [];
      }
      settled = row;
    }
    if (settled !== undefined) group.push(settled);
    if (group.length > 0) yield group;
  }

  /** Removes the scratch store. */
  async close(): Promise<void> {
    this.held = [];
    const scratch = this.scratch;
    this.scratch = undefined;
    if (scratch === undefined) return;
    try {
      await scratch.store.close();
    } finally {
      await rm(scratch.dir, { recursive: true, force: true });
    }
  }

  private async moveToScratch(): Promise<void> {
    if (this.scratch === undefined) {
      const dir = await mkdtemp(join(tmpdir(), 'metron-misp-settle-'));
      this.scratch = { dir, store: openLmdbStore({ path: dir }) };
    }
    if (this.held.length === 0) return;
    const entries = this.held.map((row): KeyValueEntry => [`${scratchKey(row)}\u0000${String(this.sequence++).padStart(15, '0')}`, JSON.stringify(row)]);
    this.held = [];
    await this.scratch.store.putAll(SCRATCH_NAMESPACE, entries);
  }
}

/**
 * A row's table key as the start of a scratch key: JSON text, which holds no NUL, so the NUL after
 * it makes every key's entries one range; a key too long for LMDB is named by its SHA-256.
 */
function scratchKey(row: ThreatIntelRow): string {
  const key = JSON.stringify(`${row.type}\u0000${row.indicator}`);
  return key.length <= 600 || Buffer.byteLength(key) <= 1900 ? key : `sha256:${createHash('sha256').update(key).digest('hex')}`;
}
