/**
 * Index retention: deletes a sensor's documents older than a cutoff, by their `timestamp` field
 * (epoch ms, as Metron writes it). A column widened to text (or JSON) is compared by its numeric
 * value; a document without a readable timestamp is kept, since its age is unknown.
 */
import { BIGINT } from '@duckdb/node-api';
import { TIMESTAMP, type TableCatalog } from './catalog.js';
import { quoteIdent, SqlParams } from './sql.js';

/** `DELETE FROM <table> WHERE timestamp < $1`, or null when the table has no timestamp column. */
export function deleteBeforeStatement(catalog: TableCatalog, cutoffMs: number): { sql: string; params: SqlParams } | null {
  const info = catalog.get(TIMESTAMP);
  if (info === undefined) return null;
  const column = quoteIdent(info.column);
  const value = info.type === 'BIGINT' || info.type === 'DOUBLE' ? column
    : info.type === 'BOOLEAN' ? null
    : `TRY_CAST(CAST(${column} AS VARCHAR) AS DOUBLE)`;
  if (value === null) return null;
  const params = new SqlParams();
  return { sql: `DELETE FROM ${quoteIdent(catalog.table)} WHERE ${value} < ${params.bind(BigInt(Math.floor(cutoffMs)), BIGINT)}`, params };
}
