/**
 * The audit trail of analyst changes. Every changed field of every document is one record in the
 * `audit` index (table `audit_index`, written in the same transaction as the change), so the
 * trail is searchable like any index: `{"indices":["audit"],"query":"alert_guid:abc AND user:alice"}`.
 *
 * Record fields: `guid` (time-ordered), `source.type` `audit`, `timestamp` (epoch ms), `user`
 * (the authenticated caller), `request` (the kind of change: patch, replace, comment_add, ...),
 * `change_id` (shared by the records of one request), `alert_guid`, `alert_sensor`, `field`, and
 * `old_value` / `new_value` (the JSON values; absent when the field did not exist before / after).
 * For `metron_alert` (a meta-alert's child list) the values are the lists of child guids.
 */
import { randomBytes } from 'node:crypto';
import type { JsonValue, Message } from '@metron/core';
import type { ColumnType } from '../catalog.js';
import { jsonEqual } from './json-patch.js';
import { ALERT_FIELD, childrenOf } from './meta-alerts.js';

export const AUDIT_SENSOR = 'audit';

/** Kinds of change, as recorded in `request`. */
export type ChangeKind =
  | 'patch' | 'replace' | 'comment_add' | 'comment_remove' | 'status' | 'assign'
  | 'metaalert_create' | 'metaalert_add_alert' | 'metaalert_remove_alert' | 'metaalert_status';

/** One audit record as stored and as `GET /api/v1/update/history/{guid}` returns it. */
export interface AuditRecord extends Message {
  guid: string;
  'source.type': string;
  timestamp: number;
  user: string;
  request: ChangeKind;
  change_id: string;
  alert_guid: string;
  alert_sensor: string;
  field: string;
}

/** Column types of the audit index: the values are JSON whatever their type, so they read back exactly. */
export const AUDIT_COLUMN_TYPES: ReadonlyMap<string, ColumnType> = new Map<string, ColumnType>([
  ['source.type', 'VARCHAR'], ['timestamp', 'BIGINT'], ['user', 'VARCHAR'], ['request', 'VARCHAR'],
  ['change_id', 'VARCHAR'], ['alert_guid', 'VARCHAR'], ['alert_sensor', 'VARCHAR'], ['field', 'VARCHAR'],
  ['old_value', 'JSON'], ['new_value', 'JSON'],
]);

let lastMillis = 0;
let sequence = 0;

/**
 * A guid that sorts by creation time within this process, so records of one instant keep their
 * order (the store breaks timestamp ties by guid).
 */
export function timeOrderedId(now: number): string {
  if (now === lastMillis) sequence++;
  else {
    lastMillis = now;
    sequence = 0;
  }
  return `${now.toString(36).padStart(9, '0')}-${sequence.toString(36).padStart(4, '0')}-${randomBytes(6).toString('hex')}`;
}

/** The value recorded for a field: child lists as guid lists, everything else as is. */
function recorded(field: string, doc: Message | null): JsonValue | undefined {
  if (doc === null || !Object.hasOwn(doc, field)) return undefined;
  if (field === ALERT_FIELD) return childrenOf(doc).map((child) => String(child['guid']));
  return doc[field];
}

/** The fields whose values differ between two versions of a document (null: not there). */
export function changedFields(before: Message | null, after: Message | null): string[] {
  const fields = new Set([...Object.keys(before ?? {}), ...Object.keys(after ?? {})]);
  return [...fields].filter((field) => !jsonEqual(before?.[field], after?.[field])).sort();
}

/** Audit records for one document's change; fields whose recorded values are equal are left out. */
export function auditRecords(
  base: { user: string; request: ChangeKind; changeId: string; timestamp: number },
  sensor: string, guid: string, before: Message | null, after: Message | null,
): AuditRecord[] {
  const records: AuditRecord[] = [];
  for (const field of changedFields(before, after)) {
    const oldValue = recorded(field, before);
    const newValue = recorded(field, after);
    if (jsonEqual(oldValue, newValue)) continue;
    records.push({
      guid: timeOrderedId(base.timestamp),
      'source.type': AUDIT_SENSOR,
      timestamp: base.timestamp,
      user: base.user,
      request: base.request,
      change_id: base.changeId,
      alert_guid: guid,
      alert_sensor: sensor,
      field,
      ...(oldValue !== undefined && { old_value: oldValue }),
      ...(newValue !== undefined && { new_value: newValue }),
    });
  }
  return records;
}
