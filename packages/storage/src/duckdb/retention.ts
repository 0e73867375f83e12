/**
 * Index retention: deletes a sensor's documents older than a cutoff, by their `timestamp` field
 * (epoch ms, as Metron writes it). A column widened to text (or JSON) is compared by its numeric
 * value; a document without a readable timestamp is kept, since its age is unknown.
 *
 * Meta-alerts (docs/alerts.md, "Retention"): an alert held by an active meta-alert (its
 * `metaalerts` list is set) is kept whatever its age, and so is an active meta-alert. Metron's
 * curator jobs deleted dated indices under open meta-alerts; here a meta-alert under
 * investigation keeps its alerts updatable (a status set on it reaches them), and no alert is left
 * naming a deleted meta-alert, which would hide it from search for good. Once a meta-alert is
 * inactive it holds no alert, and both age out by their own timestamps.
 */
import { BIGINT, VARCHAR } from '@duckdb/node-api';
import { TIMESTAMP, type TableCatalog } from './catalog.js';
import { METAALERT_TYPE, METAALERTS_FIELD, STATUS_FIELD } from './alerts/meta-alerts.js';
import { quoteIdent, SqlParams, textExpr } from './sql.js';

/** `DELETE FROM <table> WHERE timestamp < $1 ...`, or null when the table has no timestamp column. */
export function deleteBeforeStatement(catalog: TableCatalog, cutoffMs: number): { sql: string; params: SqlParams } | null {
  const info = catalog.get(TIMESTAMP);
  if (info === undefined) return null;
  const column = quoteIdent(info.column);
  const value = info.type === 'BIGINT' || info.type === 'DOUBLE' ? column
    : info.type === 'BOOLEAN' ? null
    : `TRY_CAST(CAST(${column} AS VARCHAR) AS DOUBLE)`;
  if (value === null) return null;
  const params = new SqlParams();
  const conditions = [`${value} < ${params.bind(BigInt(Math.floor(cutoffMs)), BIGINT)}`];
  const members = catalog.get(METAALERTS_FIELD);
  if (members !== undefined) conditions.push(`${quoteIdent(members.column)} IS NULL`);
  const status = catalog.get(STATUS_FIELD);
  if (catalog.sensor === METAALERT_TYPE && status !== undefined) {
    conditions.push(`${textExpr(status)} IS DISTINCT FROM ${params.bind('active', VARCHAR)}`);
  }
  return { sql: `DELETE FROM ${quoteIdent(catalog.table)} WHERE ${conditions.join(' AND ')}`, params };
}
