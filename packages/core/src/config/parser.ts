/**
 * Metron's sensor parser config (`parsers/<sensor>.json`, Java class SensorParserConfig),
 * as documented in metron-parsing's README and metron-parsing-storm's README.
 *
 * Unknown top-level keys are refused: Metron bound this file with Jackson's default
 * FAIL_ON_UNKNOWN_PROPERTIES, so a key it did not know (usually a typo such as `parserconfig`)
 * made the whole sensor fail to load there too. Free-form maps (`parserConfig`, `spoutConfig`,
 * `stormConfig`, `cacheConfig`, `rawMessageStrategyConfig`) keep any key.
 */
import { z } from 'zod';
import { fieldNames, javaBool, javaInt, openMap } from './schema-parts.js';

/** One entry of `fieldTransformations` (Java class FieldTransformer). */
export const FieldTransformationSchema = z.strictObject({
  /** Input field(s); the whole message when absent. */
  input: fieldNames().optional(),
  /** Output field(s); the inputs when absent. */
  output: fieldNames().optional(),
  /** STELLAR, REMOVE, SELECT, RENAME, IP_PROTOCOL, REGEX_SELECT, ... or a class name. */
  transformation: z.string().min(1),
  /** Transformation specific settings; for STELLAR, output field → expression, in order. */
  config: openMap().optional(),
});
export type FieldTransformation = z.infer<typeof FieldTransformationSchema>;

/** How the raw message and its metadata are read from the input record. */
export const RawMessageStrategySchema = z.enum(['DEFAULT', 'ENVELOPE']);
export type RawMessageStrategy = z.infer<typeof RawMessageStrategySchema>;

export const SensorParserConfigSchema = z.strictObject({
  /** The parser: a Metron class name (e.g. org.apache.metron.parsers.GrokParser). */
  parserClassName: z.string().min(1),
  /** `STELLAR` (with `parserConfig["filter.query"]`) or a class name. */
  filterClassName: z.string().optional(),
  /** Input topic; the sensor name when absent. `/regex/` matches several topics. */
  sensorTopic: z.string().min(1).optional(),
  /** Where parsed messages go; `enrichments` when absent. */
  outputTopic: z.string().min(1).optional(),
  /** Where errors go; the global `parser.error.topic` when absent. */
  errorTopic: z.string().min(1).optional(),
  writerClassName: z.string().optional(),
  errorWriterClassName: z.string().optional(),
  /** Removed in later Metron versions; still read so older directories load. */
  invalidWriterClassName: z.string().optional(),
  /** Defaults depend on `rawMessageStrategy` (DEFAULT: false, ENVELOPE: true). */
  readMetadata: javaBool().optional(),
  mergeMetadata: javaBool().optional(),
  rawMessageStrategy: RawMessageStrategySchema.optional(),
  rawMessageStrategyConfig: openMap().optional(),
  /** Parser specific settings, plus the writer's `batchSize` / `batchTimeout`. */
  parserConfig: openMap().optional(),
  fieldTransformations: z.array(FieldTransformationSchema).optional(),
  /** Stellar cache for field transformations: `stellar.cache.maxSize`, `stellar.cache.maxTimeRetain`. */
  cacheConfig: openMap().optional(),
  securityProtocol: z.string().optional(),
  // Scale-out settings (Storm in Metron; workers and partitions here).
  numWorkers: javaInt(1).optional(),
  numAckers: javaInt(0).optional(),
  spoutParallelism: javaInt(1).optional(),
  spoutNumTasks: javaInt(1).optional(),
  parserParallelism: javaInt(1).optional(),
  parserNumTasks: javaInt(1).optional(),
  errorWriterParallelism: javaInt(1).optional(),
  errorWriterNumTasks: javaInt(1).optional(),
  spoutConfig: openMap().optional(),
  stormConfig: openMap().optional(),
});
export type SensorParserConfig = z.infer<typeof SensorParserConfigSchema>;
