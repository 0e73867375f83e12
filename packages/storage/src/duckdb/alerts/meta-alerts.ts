/**
 * Meta-alerts as Metron models them (metron-indexing README, "Meta Alerts"; MetaAlertConstants,
 * MetaScores): a document of source.type `metaalert` holding copies of its child alerts in the
 * `metron_alert` list, a `status` of `active` or `inactive`, the analyst's `groups`, and score
 * statistics over the children's triage scores (`max`, `min`, `average`, `count`, `sum`,
 * `median`), one of which (the "threat sort", `sum` by default) becomes its own triage score.
 * Each child lists the active meta-alerts holding it in `metaalerts`; search hides such children.
 */
import type { JsonValue, Message } from '@metron/core';

export const METAALERT_TYPE = 'metaalert';
/** Child list on a meta-alert. */
export const ALERT_FIELD = 'metron_alert';
/** On a child alert: guids of the active meta-alerts that hold it. */
export const METAALERTS_FIELD = 'metaalerts';
export const STATUS_FIELD = 'status';
export const GROUPS_FIELD = 'groups';
export const SOURCE_TYPE_FIELD = 'source.type';
export const DEFAULT_SCORE_FIELD = 'threat.triage.score';

export type MetaAlertStatus = 'active' | 'inactive';
export const SCORE_AGGREGATIONS = ['max', 'min', 'average', 'count', 'sum', 'median'] as const;
export type ScoreAggregation = (typeof SCORE_AGGREGATIONS)[number];
export const DEFAULT_SCORE_AGGREGATION: ScoreAggregation = 'sum';

/** A score as Metron reads it: a number, or a string holding one; anything else counts as none. */
function scoreOf(value: JsonValue | undefined): number | null {
  if (typeof value === 'number' && Number.isFinite(value)) return value;
  if (typeof value === 'string' && value.trim() !== '') {
    const n = Number(value);
    return Number.isFinite(n) ? n : null;
  }
  return null;
}

/**
 * The score statistics of a meta-alert's children. With no scored child, Java's
 * DoubleSummaryStatistics gives max -Infinity, min +Infinity and a NaN median; none of those is
 * JSON, so those statistics are left out here (count and sum are 0, average 0 as in Java).
 */
export function metaScores(children: Message[], scoreField: string): Record<ScoreAggregation, number | null> {
  const scores = children.map((child) => scoreOf(child[scoreField])).filter((s): s is number => s !== null);
  const sorted = [...scores].sort((a, b) => a - b);
  const sum = scores.reduce((total, s) => total + s, 0);
  const mid = Math.floor(sorted.length / 2);
  const median = sorted.length === 0 ? null : sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
  return {
    max: sorted.length === 0 ? null : sorted[sorted.length - 1]!,
    min: sorted.length === 0 ? null : sorted[0]!,
    average: scores.length === 0 ? 0 : sum / scores.length,
    count: scores.length,
    sum,
    median,
  };
}

/** Sets the statistics and the meta-alert's own score (the chosen aggregation) on `meta`. */
export function applyMetaScores(meta: Message, scoreField: string, aggregation: ScoreAggregation): void {
  const children = childrenOf(meta);
  const scores = metaScores(children, scoreField);
  for (const name of SCORE_AGGREGATIONS) {
    const value = scores[name];
    if (value === null) delete meta[name];
    else meta[name] = value;
  }
  const own = scores[aggregation];
  if (own === null) delete meta[scoreField];
  else meta[scoreField] = own;
}

/** The child alert copies of a meta-alert. */
export function childrenOf(meta: Message): Message[] {
  const list = meta[ALERT_FIELD];
  return Array.isArray(list) ? list.filter((c): c is Message => typeof c === 'object' && c !== null && !Array.isArray(c)) : [];
}

/** The guids of the meta-alerts a child belongs to. */
export function metaAlertGuidsOf(alert: Message): string[] {
  const list = alert[METAALERTS_FIELD];
  return Array.isArray(list) ? list.filter((g): g is string => typeof g === 'string') : [];
}

/** Adds or removes a meta-alert guid on a child; an empty list is removed (search tests for its presence). */
export function setMembership(alert: Message, metaGuid: string, member: boolean): boolean {
  const current = metaAlertGuidsOf(alert);
  const has = current.includes(metaGuid);
  if (has === member) return false;
  const next = member ? [...current, metaGuid] : current.filter((g) => g !== metaGuid);
  if (next.length === 0) delete alert[METAALERTS_FIELD];
  else alert[METAALERTS_FIELD] = next;
  return true;
}

export function isMetaAlert(doc: Message): boolean {
  return doc[SOURCE_TYPE_FIELD] === METAALERT_TYPE;
}
