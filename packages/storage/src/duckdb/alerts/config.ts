/** Meta-alert settings read from Metron's global config (`global.json`). */
import { ConfigError } from '@metron/core';
import type { AlertStoreOptions } from './alert-store.js';
import { SCORE_AGGREGATIONS, type ScoreAggregation } from './meta-alerts.js';

/**
 * `threat.triage.score.field` (Metron's key: the child score a meta-alert aggregates) and
 * `metaalert.threat.sort` (this project's key for what Metron calls the threat sort: max, min,
 * average, count, median or sum, the default). A bad value is refused with its path.
 */
export function metaAlertSettings(global: Record<string, unknown>, file: string): AlertStoreOptions {
  const field = global['threat.triage.score.field'];
  const sort = global['metaalert.threat.sort'];
  if (field !== undefined && (typeof field !== 'string' || field === '')) {
    throw new ConfigError(file, "$['threat.triage.score.field']", `expected a field name, got ${JSON.stringify(field)}`);
  }
  if (sort !== undefined && !(SCORE_AGGREGATIONS as readonly unknown[]).includes(sort)) {
    throw new ConfigError(file, "$['metaalert.threat.sort']", `expected one of ${SCORE_AGGREGATIONS.join(', ')}, got ${JSON.stringify(sort)}`);
  }
  return { ...(field !== undefined && { scoreField: field }), ...(sort !== undefined && { scoreAggregation: sort as ScoreAggregation }) };
}
