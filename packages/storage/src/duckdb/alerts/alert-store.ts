/**
 * Alert updates, the audit trail and meta-alerts on the embedded DuckDB store, following Metron's
 * update and meta-alert APIs (metron-rest README: `/update/patch`, `/update/add/comment`,
 * `/update/remove/comment`, `/metaalert/*`; metron-indexing README, "Updates to Indexed Data" and
 * "Meta Alerts").
 *
 * Updates are applied in place, by guid, with bound parameters, on the store's write connection
 * and in its write queue: a read-modify-write never interleaves with an ingest batch, and a search
 * or findOne that starts after the call resolves sees the new values (no update log to merge at
 * read time, so searches stay plain column scans). The document update, the meta-alerts it
 * touches and the audit records commit in one transaction. The ingest path never overwrites a
 * stored guid (its inserts skip duplicates), so a re-delivered copy of the original message
 * cannot undo an analyst's change.
 */
import { randomUUID } from 'node:crypto';
import { VARCHAR, type DuckDBValue } from '@duckdb/node-api';
import { MetronError, type JsonValue, type Message } from '@metron/core';
import type { QueryNode } from '../../query/ast.js';
import type { GroupRequest, GroupResponse, HistogramRequest, HistogramResponse, SearchRequest, SearchResponse } from '../../types.js';
import { GUID, TIMESTAMP, typeOfValue, widen, type ColumnType, type TableCatalog } from '../catalog.js';
import { decodeValue, quoteIdent, SqlParams } from '../sql.js';
import type { DuckDbSearchStore, SearchOptions, StoreWriteAccess } from '../store.js';
import { columnJson, normalize } from '../values.js';
import { collectColumns, insertStatement } from '../writer.js';
import { AUDIT_COLUMN_TYPES, AUDIT_SENSOR, auditRecords, type AuditRecord, type ChangeKind } from './audit.js';
import { applyPatch, cloneJson, parsePointer, type PatchOperation } from './json-patch.js';
import {
  ALERT_FIELD, DEFAULT_SCORE_AGGREGATION, DEFAULT_SCORE_FIELD, GROUPS_FIELD, METAALERT_TYPE, METAALERTS_FIELD,
  SCORE_AGGREGATIONS, SOURCE_TYPE_FIELD, STATUS_FIELD, applyMetaScores, childrenOf, isMetaAlert, metaAlertGuidsOf,
  setMembership, type MetaAlertStatus, type ScoreAggregation,
} from './meta-alerts.js';

/** Metron's alert status field and the values the alerts UI sets. */
export const ALERT_STATUS_FIELD = 'alert_status';
export const ALERT_STATUSES = ['NEW', 'OPEN', 'ESCALATE', 'DISMISS', 'RESOLVE'] as const;
export type AlertStatus = (typeof ALERT_STATUSES)[number];
/** Who works on an alert (Metron had no such field; named after `alert_status`). */
export const ASSIGNEE_FIELD = 'alert_assignee';
/** Metron's comment list: `[{comment, username, timestamp}]`. */
export const COMMENTS_FIELD = 'comments';

/** Metron's GetRequest: which document. `index` is accepted and not needed (one table per sensor). */
export interface AlertRef {
  guid: string;
  sensorType: string;
  index?: string;
}

/** Metron's Document, as the update endpoints answer. */
export interface AlertDocument {
  guid: string;
  sensorType: string;
  /** When the change was made (epoch ms). */
  timestamp: number;
  document: Message;
}

export interface AlertComment {
  comment: string;
  username: string;
  timestamp: number;
}

export interface AlertHistory {
  guid: string;
  total: number;
  changes: AuditRecord[];
}

/** Metron's MetaAlertCreateResponse. */
export interface MetaAlertCreateResponse {
  created: true;
  guid: string;
}

export interface AlertStoreOptions {
  /** The child score a meta-alert aggregates (Metron's global config `threat.triage.score.field`). */
  scoreField?: string;
  /** Which statistic becomes a meta-alert's score (Metron's "threat sort"; global config `metaalert.threat.sort`). */
  scoreAggregation?: ScoreAggregation;
  /** Clock (tests). */
  now?: () => number;
}

/** Alert updates, audit trail and meta-alerts over a DuckDB search store. */
export interface AlertStore {
  /** Applies an RFC 6902 patch. */
  patch(user: string, ref: AlertRef, operations: PatchOperation[]): Promise<AlertDocument>;
  /** Replaces the document (its `guid`, `source.type` and `metaalerts` are kept). */
  replace(user: string, ref: AlertRef, replacement: Message): Promise<AlertDocument>;
  addComment(user: string, ref: AlertRef, comment: AlertComment): Promise<AlertDocument>;
  /** Removes the comment equal in text, username and timestamp; someone else's only with `mayRemoveOthers`. */
  removeComment(user: string, ref: AlertRef, comment: AlertComment, mayRemoveOthers: boolean): Promise<AlertDocument>;
  /** Sets `alert_status`; on a meta-alert, on its children too. */
  setStatus(user: string, ref: AlertRef, status: string): Promise<AlertDocument>;
  /** Sets (or with null clears) `alert_assignee`; on a meta-alert, on its children too. */
  assign(user: string, ref: AlertRef, assignee: string | null): Promise<AlertDocument>;
  /** The audit records of a document, oldest first. */
  history(guid: string, page?: { from?: number; size?: number }): Promise<AlertHistory>;
  createMetaAlert(user: string, request: { alerts: AlertRef[]; groups: string[] }): Promise<MetaAlertCreateResponse>;
  /** True when the meta-alert changed (an alert already in it is not added again). */
  addAlertsToMetaAlert(user: string, metaAlertGuid: string, alerts: AlertRef[]): Promise<boolean>;
  removeAlertsFromMetaAlert(user: string, metaAlertGuid: string, alerts: AlertRef[]): Promise<boolean>;
  updateMetaAlertStatus(user: string, metaAlertGuid: string, status: string): Promise<boolean>;
  /** The active meta-alerts holding an alert. */
  searchByAlert(guid: string): Promise<SearchResponse>;
  /**
   * Search as Metron's meta-alert DAO does it: active meta-alerts appear beside alerts, matched by
   * their own fields or by any child's; children of active meta-alerts are not listed on their
   * own; the audit index is searched only when named.
   */
  search(request: SearchRequest): Promise<SearchResponse>;
  /**
   * Group as Metron's meta-alert DAO does it: children of active meta-alerts are left out, and so
   * are meta-alerts (their children's fields cannot be aggregated); the audit index only when named.
   */
  group(request: GroupRequest): Promise<GroupResponse>;
  /**
   * Histogram of what search lists: children of active meta-alerts are left out, and active
   * meta-alerts count (matched as search matches them) when the `metaalert` index is searched;
   * the audit index only when named. Its total is search's total for the same query.
   */
  histogram(request: HistogramRequest): Promise<HistogramResponse>;
}

/** One document a change writes: its versions before (null: new) and after, and the fields that differ. */
export interface AlertUpdate {
  sensor: string;
  guid: string;
  before: Message | null;
  after: Message;
  fields: string[];
}

/** Reads and writes of one alert change, run alone (no other change or ingest batch interleaves). */
export interface AlertTransaction {
  /** The current document, or null. */
  read(sensor: string, guid: string): Promise<Message | null>;
  /** Writes the changed documents and the audit records, all or (where the backend can) none. */
  write(updates: AlertUpdate[], audit: AuditRecord[]): Promise<void>;
}

/**
 * What the alert layer needs of a search store, so the same layer runs on DuckDB and OpenSearch:
 * searches with a rewritten query, and changes run one at a time.
 */
export interface AlertBackend {
  search(request: SearchRequest, options?: SearchOptions): Promise<SearchResponse>;
  group(request: GroupRequest, options?: SearchOptions): Promise<GroupResponse>;
  histogram(request: HistogramRequest, options?: SearchOptions): Promise<HistogramResponse>;
  indices(): Promise<string[]>;
  /** The fields of a sensor's index (as of the last `indices()` call where the backend caches them). */
  fields(sensor: string): Array<{ field: string }>;
  exclusive<T>(task: (tx: AlertTransaction) => Promise<T>): Promise<T>;
}

/** Opens the alert layer over an open DuckDB store. */
export function openAlertStore(store: DuckDbSearchStore, options: AlertStoreOptions = {}): AlertStore {
  return openAlertStoreOn(duckDbAlertBackend(store), options);
}

/** Opens the alert layer over any backend (the OpenSearch store provides one). */
export function openAlertStoreOn(store: AlertBackend, options: AlertStoreOptions = {}): AlertStore {
  const aggregation = options.scoreAggregation ?? DEFAULT_SCORE_AGGREGATION;
  if (!SCORE_AGGREGATIONS.includes(aggregation)) {
    throw new MetronError('CONFIG_INVALID', `meta-alert score aggregation must be one of ${SCORE_AGGREGATIONS.join(', ')}, got ${JSON.stringify(aggregation)}`);
  }
  return new DuckDbAlertStore(store, options.scoreField ?? DEFAULT_SCORE_FIELD, aggregation, options.now ?? Date.now);
}

/** Fields only the meta-alert endpoints change. */
const MANAGED_ON_ALERTS = [METAALERTS_FIELD];
const MANAGED_ON_METAALERTS = [STATUS_FIELD, ALERT_FIELD];
/** Fields whose change on a meta-alert is applied to its children. */
const INHERITED_BY_CHILDREN = [ALERT_STATUS_FIELD, ASSIGNEE_FIELD];

interface Entry {
  sensor: string;
  guid: string;
  before: Message | null;
  after: Message;
}

/**
 * The documents one request reads and changes, kept by sensor and guid so every step sees the
 * others' changes; written at the end in one transaction.
 */
class Changes {
  readonly entries = new Map<string, Entry>();

  constructor(private readonly tx: AlertTransaction) {}

  private static key(sensor: string, guid: string): string {
    return `${sensor.toLowerCase()}\u0000${guid}`;
  }

  /** The current document (as changed so far in this request), or null. */
  async get(sensor: string, guid: string): Promise<Message | null> {
    const key = Changes.key(sensor, guid);
    const known = this.entries.get(key);
    if (known !== undefined) return known.after;
    const before = await this.tx.read(sensor, guid);
    if (before === null) return null;
    const entry = { sensor, guid, before, after: cloneJson(before) };
    this.entries.set(key, entry);
    return entry.after;
  }

  /** Like get, but NOT_FOUND when absent. */
  async require(ref: AlertRef): Promise<Message> {
    const doc = await this.get(ref.sensorType, ref.guid);
    if (doc === null) throw new MetronError('NOT_FOUND', `no document with guid '${ref.guid}' in sensor '${ref.sensorType}'`, { guid: ref.guid, sensorType: ref.sensorType });
    return doc;
  }

  /** Puts a whole new version of a loaded document. */
  put(sensor: string, guid: string, after: Message): void {
    const entry = this.entries.get(Changes.key(sensor, guid));
    if (entry === undefined) throw new Error(`document ${guid} was not loaded`);
    entry.after = after;
  }

  create(sensor: string, guid: string, doc: Message): void {
    this.entries.set(Changes.key(sensor, guid), { sensor, guid, before: null, after: doc });
  }
}

/** Reads one document on the write connection (it sees every committed write). */
async function readDocument(access: StoreWriteAccess, sensor: string, guid: string): Promise<Message | null> {
  const catalog = access.catalog(sensor);
  if (catalog === undefined) return null;
  const params = new SqlParams();
  const reader = await access.connection.runAndReadAll(
    `SELECT * FROM ${quoteIdent(catalog.table)} WHERE ${quoteIdent(GUID)} = ${params.bind(guid, VARCHAR)}`,
    params.values, params.types,
  );
  const row = reader.getRows()[0];
  return row === undefined ? null : decodeRow(catalog, reader.columnNames(), row);
}

function decodeRow(catalog: TableCatalog, columnNames: string[], row: DuckDBValue[]): Message {
  const byColumn = new Map(catalog.columns.map((info) => [info.column.toLowerCase(), info]));
  const doc: Message = {};
  columnNames.forEach((name, i) => {
    const info = byColumn.get(name.toLowerCase());
    if (info === undefined) return;
    const value = decodeValue(row[i] ?? null, info.type);
    if (value !== undefined) doc[info.field] = value;
  });
  return doc;
}

/** A child as copied into a meta-alert: without its own meta-alert list, which would go stale there. */
function childCopy(alert: Message): Message {
  const copy = cloneJson(alert);
  delete copy[METAALERTS_FIELD];
  return copy;
}

function sensorOf(doc: Message, fallback: string): string {
  const type = doc[SOURCE_TYPE_FIELD];
  return typeof type === 'string' && type !== '' ? type : fallback;
}

const term = (field: string, value: string): QueryNode => ({ kind: 'term', field, value, phrase: true });
const anyGuid = (guids: string[]): QueryNode => ({ kind: 'or', children: guids.map((g) => term(GUID, g)) });

class DuckDbAlertStore implements AlertStore {
  constructor(
    private readonly store: AlertBackend,
    private readonly scoreField: string,
    private readonly aggregation: ScoreAggregation,
    private readonly now: () => number,
  ) {}

  // ---- alert updates -------------------------------------------------------------------------

  async patch(user: string, ref: AlertRef, operations: PatchOperation[]): Promise<AlertDocument> {
    if (!Array.isArray(operations) || operations.length === 0) throw new MetronError('INPUT_INVALID', 'patch must be a non-empty list of operations');
    return this.change(user, 'patch', ref, (doc) => {
      for (const [i, operation] of operations.entries()) {
        for (const pointer of [operation?.path, operation?.from]) {
          if (typeof pointer !== 'string') continue;
          let field: string | undefined;
          try {
            field = parsePointer(pointer)[0];
          } catch {
            continue; // applyPatch reports it
          }
          const managed = isMetaAlert(doc) ? MANAGED_ON_METAALERTS : MANAGED_ON_ALERTS;
          if (field !== undefined && managed.includes(field) && operation.op !== 'test') {
            throw new MetronError('INPUT_INVALID', `patch[${i}]: '${field}' is changed through the meta-alert endpoints (add/remove alert, update status), not by a patch`, { operation: i });
          }
        }
      }
      return applyPatch(doc, operations);
    });
  }

  async replace(user: string, ref: AlertRef, replacement: Message): Promise<AlertDocument> {
    if (typeof replacement !== 'object' || replacement === null || Array.isArray(replacement)) {
      throw new MetronError('INPUT_INVALID', 'replacement must be a JSON object');
    }
    return this.change(user, 'replace', ref, (doc) => {
      if (isMetaAlert(doc)) throw new MetronError('INPUT_INVALID', 'a meta-alert cannot be replaced; patch it, or use the meta-alert endpoints');
      const next = cloneJson(replacement);
      // Identity and meta-alert membership are not the replacement's to change.
      next[GUID] = doc[GUID]!;
      if (doc[SOURCE_TYPE_FIELD] !== undefined) next[SOURCE_TYPE_FIELD] = doc[SOURCE_TYPE_FIELD];
      if (doc[METAALERTS_FIELD] !== undefined) next[METAALERTS_FIELD] = doc[METAALERTS_FIELD];
      else delete next[METAALERTS_FIELD];
      return next;
    });
  }

  async addComment(user: string, ref: AlertRef, comment: AlertComment): Promise<AlertDocument> {
    checkComment(comment);
    return this.change(user, 'comment_add', ref, (doc) => {
      const next = cloneJson(doc);
      const comments = Array.isArray(next[COMMENTS_FIELD]) ? next[COMMENTS_FIELD] : [];
      comments.push({ comment: comment.comment, username: comment.username, timestamp: comment.timestamp });
      next[COMMENTS_FIELD] = comments;
      return next;
    });
  }

  async removeComment(user: string, ref: AlertRef, comment: AlertComment, mayRemoveOthers: boolean): Promise<AlertDocument> {
    checkComment(comment);
    return this.change(user, 'comment_remove', ref, (doc) => {
      const next = cloneJson(doc);
      const comments = Array.isArray(next[COMMENTS_FIELD]) ? next[COMMENTS_FIELD] : [];
      const at = comments.findIndex((c) => typeof c === 'object' && c !== null && !Array.isArray(c)
        && c['comment'] === comment.comment && c['username'] === comment.username && c['timestamp'] === comment.timestamp);
      if (at < 0) throw new MetronError('NOT_FOUND', `no comment by '${comment.username}' at ${comment.timestamp} with that text on '${ref.guid}'`);
      if (comment.username !== user && !mayRemoveOthers) {
        throw new MetronError('FORBIDDEN', `only '${comment.username}' or an admin may remove this comment`);
      }
      comments.splice(at, 1);
      if (comments.length === 0) delete next[COMMENTS_FIELD];
      else next[COMMENTS_FIELD] = comments;
      return next;
    });
  }

  async setStatus(user: string, ref: AlertRef, status: string): Promise<AlertDocument> {
    return this.change(user, 'status', ref, (doc) => ({ ...cloneJson(doc), [ALERT_STATUS_FIELD]: status }));
  }

  async assign(user: string, ref: AlertRef, assignee: string | null): Promise<AlertDocument> {
    if (assignee !== null && (typeof assignee !== 'string' || assignee === '')) throw new MetronError('INPUT_INVALID', 'assignee must be a user name or null');
    return this.change(user, 'assign', ref, (doc) => {
      const next = cloneJson(doc);
      if (assignee === null) delete next[ASSIGNEE_FIELD];
      else next[ASSIGNEE_FIELD] = assignee;
      return next;
    });
  }

  /** Loads the document, applies `mutate`, validates, propagates, writes. */
  private async change(user: string, kind: ChangeKind, ref: AlertRef, mutate: (doc: Message) => Message): Promise<AlertDocument> {
    checkRef(ref);
    // The trail must not be editable through the API it records.
    if (ref.sensorType.toLowerCase() === AUDIT_SENSOR) throw new MetronError('FORBIDDEN', 'audit records cannot be changed');
    const timestamp = this.now();
    return this.store.exclusive(async (tx) => {
      const changes = new Changes(tx);
      const doc = await changes.require(ref);
      const next = mutate(doc);
      checkDocument(doc, next);
      changes.put(ref.sensorType, ref.guid, next);
      if (isMetaAlert(next)) await this.inheritToChildren(changes, doc, next);
      await this.commit(tx, changes, { user, request: kind, timestamp });
      return { guid: ref.guid, sensorType: ref.sensorType, timestamp, document: next };
    });
  }

  /**
   * The current document of a meta-alert's child, found from its copy: in the index its
   * `source.type` names, else in whichever index holds its guid (an index named apart from its
   * sensor in the indexing config, or a document without `source.type`). Null when it is gone.
   */
  private async childOf(changes: Changes, copy: Message): Promise<Message | null> {
    const guid = String(copy[GUID]);
    const named = sensorOf(copy, '');
    if (named !== '') {
      const doc = await changes.get(named, guid);
      if (doc !== null) return doc;
    }
    for (const index of await this.store.indices()) {
      if (index === named || index === METAALERT_TYPE || index === AUDIT_SENSOR) continue;
      const found = await this.store.search({ indices: [index], query: '*', size: 0 }, { rewrite: () => term(GUID, guid) });
      if (found.total > 0) return changes.get(index, guid);
    }
    return null;
  }

  /** Applies a meta-alert's status or assignee change to its children (and their copies in it). */
  private async inheritToChildren(changes: Changes, before: Message, meta: Message): Promise<void> {
    const inherited = INHERITED_BY_CHILDREN.filter((field) => before[field] !== meta[field]);
    if (inherited.length === 0) return;
    const copies = childrenOf(meta);
    for (const copy of copies) {
      for (const field of inherited) {
        if (meta[field] === undefined) delete copy[field];
        else copy[field] = meta[field]!;
      }
      const child = await this.childOf(changes, copy);
      if (child === null) continue;
      for (const field of inherited) {
        if (meta[field] === undefined) delete child[field];
        else child[field] = meta[field]!;
      }
    }
    meta[ALERT_FIELD] = copies;
  }

  /**
   * Refreshes the copies of changed alerts in their active meta-alerts (and those meta-alerts'
   * scores), then writes every changed document and its audit records in one transaction.
   */
  private async commit(tx: AlertTransaction, changes: Changes, base: { user: string; request: ChangeKind; timestamp: number }): Promise<void> {
    for (const entry of [...changes.entries.values()]) {
      if (isMetaAlert(entry.after) || (entry.before !== null && JSON.stringify(entry.before) === JSON.stringify(entry.after))) continue;
      for (const metaGuid of metaAlertGuidsOf(entry.after)) {
        const meta = await changes.get(METAALERT_TYPE, metaGuid);
        if (meta === null || meta[STATUS_FIELD] !== 'active') continue;
        const copies = childrenOf(meta);
        const at = copies.findIndex((c) => c[GUID] === entry.guid);
        if (at < 0) continue;
        copies[at] = childCopy(entry.after);
        meta[ALERT_FIELD] = copies;
        applyMetaScores(meta, this.scoreField, this.aggregation);
      }
    }

    const changeId = randomUUID();
    const audit: AuditRecord[] = [];
    const updates: AlertUpdate[] = [];
    for (const entry of changes.entries.values()) {
      audit.push(...auditRecords({ ...base, changeId }, entry.sensor, entry.guid, entry.before, entry.after));
      const fields = [...new Set([...Object.keys(entry.before ?? {}), ...Object.keys(entry.after)])]
        .filter((field) => JSON.stringify(entry.before?.[field]) !== JSON.stringify(entry.after[field]));
      if (fields.length > 0) updates.push({ ...entry, fields });
    }
    if (updates.length === 0) return;
    await tx.write(updates, audit);
  }

  // ---- audit trail ---------------------------------------------------------------------------

  async history(guid: string, page: { from?: number; size?: number } = {}): Promise<AlertHistory> {
    if (typeof guid !== 'string' || guid === '') throw new MetronError('INPUT_INVALID', 'guid must be a non-empty string');
    const indices = await this.store.indices();
    let total = 0;
    let changes: AuditRecord[] = [];
    if (indices.includes(AUDIT_SENSOR)) {
      const response = await this.store.search(
        { indices: [AUDIT_SENSOR], query: '*', from: page.from ?? 0, size: page.size ?? 100, sort: [{ field: TIMESTAMP, sortOrder: 'asc' }] },
        { rewrite: () => term('alert_guid', guid) },
      );
      total = response.total;
      changes = response.results.map((r) => r.source as AuditRecord);
    }
    if (total === 0 && !(await this.exists(guid, indices))) throw new MetronError('NOT_FOUND', `no document and no recorded change with guid '${guid}'`);
    return { guid, total, changes };
  }

  private async exists(guid: string, indices: string[]): Promise<boolean> {
    const searched = indices.filter((i) => i !== AUDIT_SENSOR);
    if (searched.length === 0) return false;
    const response = await this.store.search({ indices: searched, query: '*', size: 0 }, { rewrite: () => term(GUID, guid) });
    return response.total > 0;
  }

  // ---- meta-alerts ---------------------------------------------------------------------------

  async createMetaAlert(user: string, request: { alerts: AlertRef[]; groups: string[] }): Promise<MetaAlertCreateResponse> {
    if (!Array.isArray(request.alerts) || request.alerts.length === 0) throw new MetronError('INPUT_INVALID', 'a meta-alert needs at least one alert');
    if (!Array.isArray(request.groups) || request.groups.some((g) => typeof g !== 'string')) throw new MetronError('INPUT_INVALID', 'groups must be a list of strings');
    request.alerts.forEach(checkRef);
    const timestamp = this.now();
    const guid = randomUUID();
    return this.store.exclusive(async (tx) => {
      const changes = new Changes(tx);
      const copies: Message[] = [];
      for (const ref of uniqueRefs(request.alerts)) {
        const alert = await this.requireAlert(changes, ref);
        setMembership(alert, guid, true);
        copies.push(childCopy(alert));
      }
      const meta: Message = {
        [GUID]: guid, [SOURCE_TYPE_FIELD]: METAALERT_TYPE, [TIMESTAMP]: timestamp,
        [GROUPS_FIELD]: [...request.groups], [STATUS_FIELD]: 'active' satisfies MetaAlertStatus, [ALERT_FIELD]: copies,
      };
      applyMetaScores(meta, this.scoreField, this.aggregation);
      changes.create(METAALERT_TYPE, guid, meta);
      await this.commit(tx, changes, { user, request: 'metaalert_create', timestamp });
      return { created: true, guid };
    });
  }

  async addAlertsToMetaAlert(user: string, metaAlertGuid: string, alerts: AlertRef[]): Promise<boolean> {
    return this.changeMembers(user, 'metaalert_add_alert', metaAlertGuid, alerts, (meta, copies, alert) => {
      if (copies.some((c) => c[GUID] === alert[GUID])) return false;
      setMembership(alert, metaAlertGuid, true);
      copies.push(childCopy(alert));
      return true;
    });
  }

  async removeAlertsFromMetaAlert(user: string, metaAlertGuid: string, alerts: AlertRef[]): Promise<boolean> {
    return this.changeMembers(user, 'metaalert_remove_alert', metaAlertGuid, alerts, (meta, copies, alert) => {
      const at = copies.findIndex((c) => c[GUID] === alert[GUID]);
      if (at < 0) return false;
      copies.splice(at, 1);
      setMembership(alert, metaAlertGuid, false);
      return true;
    });
  }

  private async changeMembers(
    user: string, kind: ChangeKind, metaAlertGuid: string, alerts: AlertRef[],
    apply: (meta: Message, copies: Message[], alert: Message) => boolean,
  ): Promise<boolean> {
    checkGuid(metaAlertGuid, 'metaAlertGuid');
    if (!Array.isArray(alerts) || alerts.length === 0) throw new MetronError('INPUT_INVALID', 'alerts must be a non-empty list');
    alerts.forEach(checkRef);
    const timestamp = this.now();
    return this.store.exclusive(async (tx) => {
      const changes = new Changes(tx);
      const meta = await this.requireMetaAlert(changes, metaAlertGuid);
      if (meta[STATUS_FIELD] !== 'active') throw new MetronError('INPUT_INVALID', `meta-alert '${metaAlertGuid}' is inactive; set it active before changing its alerts`);
      const copies = childrenOf(meta);
      let changed = false;
      for (const ref of uniqueRefs(alerts)) {
        const alert = await this.requireAlert(changes, ref);
        if (apply(meta, copies, alert)) changed = true;
      }
      if (!changed) return false;
      meta[ALERT_FIELD] = copies;
      applyMetaScores(meta, this.scoreField, this.aggregation);
      await this.commit(tx, changes, { user, request: kind, timestamp });
      return true;
    });
  }

  async updateMetaAlertStatus(user: string, metaAlertGuid: string, status: string): Promise<boolean> {
    checkGuid(metaAlertGuid, 'guid');
    const wanted = typeof status === 'string' ? status.toLowerCase() : '';
    if (wanted !== 'active' && wanted !== 'inactive') throw new MetronError('INPUT_INVALID', `meta-alert status must be ACTIVE or INACTIVE, got ${JSON.stringify(status)}`);
    const timestamp = this.now();
    return this.store.exclusive(async (tx) => {
      const changes = new Changes(tx);
      const meta = await this.requireMetaAlert(changes, metaAlertGuid);
      if (meta[STATUS_FIELD] === wanted) return false;
      meta[STATUS_FIELD] = wanted;
      const copies = childrenOf(meta);
      for (const copy of copies) {
        const child = await this.childOf(changes, copy);
        if (child === null) continue;
        setMembership(child, metaAlertGuid, wanted === 'active');
      }
      // Activating refreshes the copies (commit does it for children that changed); the score follows.
      applyMetaScores(meta, this.scoreField, this.aggregation);
      await this.commit(tx, changes, { user, request: 'metaalert_status', timestamp });
      return true;
    });
  }

  private async requireAlert(changes: Changes, ref: AlertRef): Promise<Message> {
    if (ref.sensorType.toLowerCase() === METAALERT_TYPE) throw new MetronError('INPUT_INVALID', `'${ref.guid}' is a meta-alert; meta-alerts do not nest`);
    if (ref.sensorType.toLowerCase() === AUDIT_SENSOR) throw new MetronError('INPUT_INVALID', 'audit records are not alerts');
    return changes.require(ref);
  }

  private async requireMetaAlert(changes: Changes, guid: string): Promise<Message> {
    const meta = await changes.get(METAALERT_TYPE, guid);
    if (meta === null) throw new MetronError('NOT_FOUND', `no meta-alert with guid '${guid}'`, { guid });
    return meta;
  }

  async searchByAlert(guid: string): Promise<SearchResponse> {
    checkGuid(guid, 'guid');
    const indices = (await this.store.indices()).filter((i) => i !== METAALERT_TYPE && i !== AUDIT_SENSOR);
    const empty: SearchResponse = { total: 0, results: [] };
    if (indices.length === 0) return empty;
    const found = await this.store.search({ indices, query: '*', size: 100, fields: [METAALERTS_FIELD] }, { rewrite: () => term(GUID, guid) });
    const metaGuids = [...new Set(found.results.flatMap((r) => metaAlertGuidsOf(r.source)))];
    if (metaGuids.length === 0) return empty;
    return this.store.search(
      { indices: [METAALERT_TYPE], query: '*', size: Math.min(metaGuids.length, 10_000) },
      { rewrite: () => ({ kind: 'and', children: [anyGuid(metaGuids), term(STATUS_FIELD, 'active')] }) },
    );
  }

  // ---- search --------------------------------------------------------------------------------

  async group(request: GroupRequest): Promise<GroupResponse> {
    const all = await this.store.indices();
    const indices = request.indices && request.indices.length > 0 ? request.indices : all.filter((i) => i !== AUDIT_SENSOR && i !== METAALERT_TYPE);
    const hasMeta = all.includes(METAALERT_TYPE);
    const hasChildren = all.some((sensor) => this.store.fields(sensor).some((info) => info.field === METAALERTS_FIELD));
    if (!hasMeta && !hasChildren) return this.store.group({ ...request, indices });
    return this.store.group({ ...request, indices }, { rewrite: (query) => ({ kind: 'and', children: [query, notChildOrMeta] }) });
  }

  async search(request: SearchRequest): Promise<SearchResponse> {
    const view = await this.metaAlertView(request);
    return this.store.search({ ...request, indices: view.indices }, view.rewrite ? { rewrite: view.rewrite } : {});
  }

  async histogram(request: HistogramRequest): Promise<HistogramResponse> {
    const view = await this.metaAlertView(request);
    return this.store.histogram({ ...request, indices: view.indices }, view.rewrite ? { rewrite: view.rewrite } : {});
  }

  /**
   * The indices a search covers and the rewrite of its query that makes it a meta-alert search
   * (none when the store has no meta-alert and no member): children of active meta-alerts hidden,
   * active meta-alerts listed, matched by their own fields or their children's.
   */
  private async metaAlertView(request: { indices?: string[]; query: string }): Promise<{ indices: string[]; rewrite?: (query: QueryNode) => QueryNode }> {
    const all = await this.store.indices();
    const indices = request.indices && request.indices.length > 0 ? request.indices : all.filter((i) => i !== AUDIT_SENSOR);
    const hasMeta = all.includes(METAALERT_TYPE);
    const hasChildren = all.some((sensor) => this.store.fields(sensor).some((info) => info.field === METAALERTS_FIELD));
    if (!hasMeta && !hasChildren) return { indices };

    // Meta-alerts whose children match: the distinct `metaalerts` values of matching children.
    let matchedByChild: string[] = [];
    const wantsMeta = indices.some((i) => i.toLowerCase() === METAALERT_TYPE || i.toLowerCase() === `${METAALERT_TYPE}_index`);
    // Only indices with meta-alert members can match a meta-alert through a child.
    const childIndices = all.filter((i) => i !== METAALERT_TYPE && i !== AUDIT_SENSOR
      && this.store.fields(i).some((info) => info.field === METAALERTS_FIELD));
    if (wantsMeta && childIndices.length > 0) {
      const children = await this.store.search(
        { indices: childIndices, query: request.query, size: 0, facetFields: [METAALERTS_FIELD] },
        { rewrite: (query) => ({ kind: 'and', children: [query, { kind: 'exists', field: METAALERTS_FIELD }] }) },
      );
      matchedByChild = Object.keys(children.facetCounts?.[METAALERTS_FIELD] ?? {});
    }
    return {
      indices,
      rewrite: (query) => ({
        kind: 'and',
        children: [
          // The guid terms sit under `_exists_:metron_alert`, so in alert indices they render as a
          // constant FALSE that DuckDB folds away instead of comparing every row's guid.
          matchedByChild.length > 0
            ? { kind: 'or', children: [query, { kind: 'and', children: [{ kind: 'exists', field: ALERT_FIELD }, anyGuid(matchedByChild)] }] }
            : query,
          // Children of active meta-alerts are listed through them.
          { kind: 'not', child: { kind: 'exists', field: METAALERTS_FIELD } },
          // Meta-alerts only while active; documents without a child list are not meta-alerts.
          { kind: 'or', children: [{ kind: 'not', child: { kind: 'exists', field: ALERT_FIELD } }, term(STATUS_FIELD, 'active')] },
        ],
      }),
    };
  }
}

const notChildOrMeta: QueryNode = {
  kind: 'and',
  children: [
    { kind: 'not', child: { kind: 'exists', field: METAALERTS_FIELD } },
    { kind: 'not', child: { kind: 'exists', field: ALERT_FIELD } },
  ],
};

function prefixed(prefix: string, statement: { sql: string; params: SqlParams }): { sql: string; params: SqlParams } {
  return { sql: prefix + statement.sql, params: statement.params };
}

/**
 * `UPDATE <table> SET <column> = <value>, ... WHERE guid = $n`. Each value is bound as a one-element
 * JSON array and cast as the ingest path casts its columns, so an updated value is stored exactly as
 * an ingested one; a removed field becomes NULL.
 */
function updateStatement(catalog: TableCatalog, guid: string, fields: string[], doc: Message): { sql: string; params: SqlParams } {
  const params = new SqlParams();
  const sets = fields.filter((field) => field !== GUID).map((field) => {
    const info = catalog.get(field);
    if (info === undefined) throw new Error(`no column for field ${field}`);
    const value = doc[field];
    if (value === undefined || value === null) return `${quoteIdent(info.column)} = NULL`;
    const listType = info.type === 'JSON' ? 'VARCHAR' : info.type;
    const bound = params.bind(columnJson([normalize(field, value)], info.type), VARCHAR);
    return `${quoteIdent(info.column)} = (CAST(${bound} AS JSON)::${listType}[])[1]`;
  });
  return { sql: `UPDATE ${quoteIdent(catalog.table)} SET ${sets.join(', ')} WHERE ${quoteIdent(GUID)} = ${params.bind(guid, VARCHAR)}`, params };
}

function checkGuid(guid: unknown, name: string): void {
  if (typeof guid !== 'string' || guid === '' || guid.length > 1024) throw new MetronError('INPUT_INVALID', `${name} must be a non-empty string of at most 1024 characters`);
}

function checkRef(ref: AlertRef): void {
  if (typeof ref !== 'object' || ref === null) throw new MetronError('INPUT_INVALID', 'an alert is given as {guid, sensorType}');
  checkGuid(ref.guid, 'guid');
  checkGuid(ref.sensorType, 'sensorType');
}

function uniqueRefs(refs: AlertRef[]): AlertRef[] {
  const seen = new Set<string>();
  return refs.filter((ref) => {
    const key = `${ref.sensorType.toLowerCase()}\u0000${ref.guid}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

function checkComment(comment: AlertComment): void {
  if (typeof comment.comment !== 'string' || comment.comment.trim() === '') throw new MetronError('INPUT_INVALID', 'comment must be non-empty text');
  if (typeof comment.username !== 'string' || comment.username === '') throw new MetronError('INPUT_INVALID', 'username must be non-empty');
  if (!Number.isSafeInteger(comment.timestamp) || comment.timestamp < 0) throw new MetronError('INPUT_INVALID', 'timestamp must be epoch milliseconds');
}

/** Rules every new version of a document must keep, whatever changed it. */
function checkDocument(before: Message, after: Message): void {
  if (after[GUID] !== before[GUID]) throw new MetronError('INPUT_INVALID', `guid cannot be changed (it is the document's identity)`);
  if (after[SOURCE_TYPE_FIELD] !== before[SOURCE_TYPE_FIELD]) throw new MetronError('INPUT_INVALID', `source.type cannot be changed (it names the document's index)`);
  for (const [field, value] of Object.entries(after)) {
    if (value === null) delete after[field]; // the store keeps no nulls: a null field is an absent one
  }
  const status = after[ALERT_STATUS_FIELD];
  if (status !== before[ALERT_STATUS_FIELD] && status !== undefined && !(ALERT_STATUSES as readonly JsonValue[]).includes(status)) {
    throw new MetronError('INPUT_INVALID', `alert_status must be one of ${ALERT_STATUSES.join(', ')}, got ${JSON.stringify(status)}`);
  }
  const assignee = after[ASSIGNEE_FIELD];
  if (assignee !== before[ASSIGNEE_FIELD] && assignee !== undefined && (typeof assignee !== 'string' || assignee === '')) {
    throw new MetronError('INPUT_INVALID', 'alert_assignee must be a non-empty user name');
  }
}

/** The DuckDB store as an alert backend: changes run in its write queue and commit in one transaction. */
function duckDbAlertBackend(store: DuckDbSearchStore): AlertBackend {
  return {
    search: (request, options) => store.search(request, options),
    group: (request, options) => store.group(request, options),
    histogram: (request, options) => store.histogram(request, options),
    indices: () => store.indices(),
    fields: (sensor) => store.fields(sensor),
    exclusive: (task) => store.exclusiveWrite((access) => task({
      read: (sensor, guid) => readDocument(access, sensor, guid),
      write: (updates, audit) => writeChanges(access, updates, audit),
    })),
  };
}

/** Writes changed documents (new columns first) and audit records in one DuckDB transaction. */
async function writeChanges(access: StoreWriteAccess, updates: AlertUpdate[], audit: AuditRecord[]): Promise<void> {
  const typesBySensor = new Map<string, Map<string, ColumnType>>();
  for (const update of updates) {
    let types = typesBySensor.get(update.sensor);
    if (types === undefined) typesBySensor.set(update.sensor, (types = new Map()));
    for (const field of update.before === null ? Object.keys(update.after) : update.fields) {
      const value = update.after[field];
      const type = value === undefined ? null : typeOfValue(normalize(field, value));
      if (type === null || field === GUID) continue;
      const known = types.get(field);
      types.set(field, known === undefined ? type : widen(known, type));
    }
  }
  const catalogs = new Map<string, TableCatalog>();
  for (const [sensor, types] of typesBySensor) catalogs.set(sensor, await access.ensureColumns(sensor, types));
  const auditCatalog = await access.ensureColumns(AUDIT_SENSOR, new Map(AUDIT_COLUMN_TYPES));

  const connection = access.connection;
  await connection.run('BEGIN TRANSACTION');
  try {
    for (const update of updates) {
      const catalog = catalogs.get(update.sensor)!;
      const statement = update.before === null
        ? prefixed('INSERT INTO ', insertStatement(catalog, collectColumns([update.after])))
        : updateStatement(catalog, update.guid, update.fields, update.after);
      await connection.run(statement.sql, statement.params.values, statement.params.types);
    }
    if (audit.length > 0) {
      const statement = insertStatement(auditCatalog, collectColumns(audit));
      await connection.run(`INSERT INTO ${statement.sql}`, statement.params.values, statement.params.types);
    }
    await connection.run('COMMIT');
  } catch (err) {
    await connection.run('ROLLBACK').catch(() => undefined);
    throw new MetronError('STORAGE_FAILED', `updating ${updates.map((u) => u.guid).join(', ')} failed: ${err instanceof Error ? err.message.split('\n')[0] : String(err)}`, undefined, { cause: err });
  }
}
