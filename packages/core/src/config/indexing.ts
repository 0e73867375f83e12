/**
 * Metron's sensor indexing config (`indexing/<sensor>.json`), as documented in
 * metron-indexing-common's README: writer name → that writer's settings for the sensor.
 *
 * Metron read it as a `Map<String, Object>` and converted each setting where used
 * (IndexingConfigurations, ConversionUtils), so writer names are free (`elasticsearch`,
 * `solr`, `hdfs`, or any writer of ours) and unknown settings are kept.
 */
import { z } from 'zod';
import { reservedIndexReason } from './reserved.js';
import { javaBool, javaInt } from './schema-parts.js';

/** One writer's settings for one sensor; every setting has a default (see defaults.ts). */
export const IndexingWriterConfigSchema = z.looseObject({
  /** Index (or collection, or directory) name; the sensor name when absent. */
  index: z.string().min(1)
    .refine((name) => reservedIndexReason(name) === null, { error: (issue) => reservedIndexReason(String(issue.input)) ?? 'reserved index name' })
    .optional(),
  /** Messages per write; 1 when absent (no batching). */
  batchSize: javaInt(1).optional(),
  /** Seconds before a partial batch is flushed; 0 (writer's choice) when absent. */
  batchTimeout: javaInt(0).optional(),
  /** true when absent. */
  enabled: javaBool().optional(),
  /** Elasticsearch: how field names are rewritten (e.g. DEDOT, NOOP). */
  fieldNameConverter: z.string().optional(),
  /** Elasticsearch: use the message guid as the document id. */
  setDocumentId: javaBool().optional(),
  /** HDFS: a Stellar function of the message giving the output path. */
  outputPathFunction: z.string().optional(),
});
export type IndexingWriterConfig = z.infer<typeof IndexingWriterConfigSchema>;

export const SensorIndexingConfigSchema = z.record(z.string().min(1), IndexingWriterConfigSchema);
export type SensorIndexingConfig = z.infer<typeof SensorIndexingConfigSchema>;
