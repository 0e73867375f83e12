/**
 * Metron's global config (`global.json`, ZooKeeper node `/metron/topology/global`).
 *
 * Metron kept it as a `Map<String, Object>` that any component may read, so the object stays
 * open: unknown keys are kept as written. The keys documented in metron-common's README
 * (and those used by the sample configs) are type-checked when present.
 */
import { z } from 'zod';
import { fieldNames, javaInt, numberOrText, openMap } from './schema-parts.js';

/** One entry of `fieldValidations`: a validation every parsed message must pass. */
export const FieldValidationSchema = z.looseObject({
  /** Field(s) to validate; the whole message when absent. */
  input: fieldNames().optional(),
  /** STELLAR, IP, DOMAIN, EMAIL, URL, DATE, INTEGER, REGEX_MATCH, NOT_EMPTY or a class name. */
  validation: z.string().min(1),
  config: openMap().optional(),
});
export type FieldValidation = z.infer<typeof FieldValidationSchema>;

/** A comma separated list (Metron's "CSV String" type) or a JSON list of strings. */
const csvOrList = () => z.union([z.string(), z.array(z.string())], { error: 'a comma separated string or a list of strings' });

export const GlobalConfigSchema = z.looseObject({
  // Indexing (Elasticsearch); es.port is written as text or a number in Metron's own samples.
  'es.clustername': z.string().optional(),
  'es.ip': csvOrList().optional(),
  'es.port': numberOrText().optional(),
  'es.date.format': z.string().optional(),
  'es.client.settings': openMap().optional(),
  'solr.zookeeper': z.string().optional(),
  'solr.collection': z.string().optional(),
  'solr.numShards': javaInt(1).optional(),
  'solr.replicationFactor': javaInt(1).optional(),
  'update.hbase.table': z.string().optional(),
  'update.hbase.cf': z.string().optional(),
  // Parsing
  'parser.error.topic': z.string().min(1).optional(),
  fieldValidations: z.array(FieldValidationSchema).optional(),
  // Enrichment
  'geo.hdfs.file': z.string().optional(),
  'asn.hdfs.file': z.string().optional(),
  'enrichment.writer.batchSize': javaInt(1).optional(),
  'enrichment.writer.batchTimeout': javaInt(0).optional(),
  // The host adapter's known hosts (a topology property in Metron): the list, its JSON text, or a file.
  'enrichment.host.known_hosts': z.union([z.string(), z.array(openMap())], { error: 'a list of {"ip": ..., <details>} objects, or its JSON text' }).optional(),
  'enrichment.host.known_hosts.file': z.string().min(1).optional(),
  // Where the enrichment and threat-intel tables live (this project's keys; Metron used HBase).
  'kv.backend': z.enum(['lmdb', 'redis']).optional(),
  'kv.redis.url': z.string().regex(/^rediss?:\/\//, 'must be a redis:// or rediss:// URL').optional(),
  'kv.redis.cache.ttl.ms': javaInt(0).optional(),
  // Alerts UI
  'source.type.field': z.string().optional(),
  'threat.triage.score.field': z.string().optional(),
  // Profiler and its client (PROFILE_GET); durations are text in Metron's samples.
  'profiler.period.duration': numberOrText().optional(),
  'profiler.period.duration.units': z.string().optional(),
  'profiler.writer.batchSize': javaInt(1).optional(),
  'profiler.writer.batchTimeout': javaInt(0).optional(),
  'profiler.client.period.duration': numberOrText().optional(),
  'profiler.client.period.duration.units': z.string().optional(),
  'profiler.client.hbase.table': z.string().optional(),
  'profiler.client.hbase.column.family': z.string().optional(),
  'profiler.client.salt.divisor': numberOrText().optional(),
  // Stellar
  'stellar.function.paths': csvOrList().optional(),
  'stellar.function.resolver.includes': csvOrList().optional(),
  'stellar.function.resolver.excludes': csvOrList().optional(),
});
export type GlobalConfig = z.infer<typeof GlobalConfigSchema>;
