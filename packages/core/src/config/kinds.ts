/**
 * The kinds of Metron config file, their schemas, and the set of all configs of a
 * directory (Metron's ZooKeeper layout under /metron/topology).
 */
import { z } from 'zod';
import { SensorEnrichmentConfigSchema } from './enrichment.js';
import { GlobalConfigSchema } from './global.js';
import { SensorIndexingConfigSchema } from './indexing.js';
import { SensorParserConfigSchema } from './parser.js';
import { ProfilerConfigSchema } from './profiler.js';

/** Schema of each kind of config file. */
export const CONFIG_SCHEMAS = {
  global: GlobalConfigSchema,
  parser: SensorParserConfigSchema,
  enrichment: SensorEnrichmentConfigSchema,
  indexing: SensorIndexingConfigSchema,
  profiler: ProfilerConfigSchema,
} as const;

export const ConfigKindSchema = z.enum(['global', 'parser', 'enrichment', 'indexing', 'profiler']);
export type ConfigKind = z.infer<typeof ConfigKindSchema>;
export const CONFIG_KINDS: readonly ConfigKind[] = ConfigKindSchema.options;

/** The parsed config of each kind. */
export type ConfigOfKind<K extends ConfigKind> = z.infer<(typeof CONFIG_SCHEMAS)[K]>;

/** Per-sensor kinds and the sub-directory holding one `<sensor>.json` per sensor. */
export const SENSOR_CONFIG_DIRS = { parser: 'parsers', enrichment: 'enrichments', indexing: 'indexing' } as const;
export type SensorConfigKind = keyof typeof SENSOR_CONFIG_DIRS;

/** Files of the non-sensor kinds, relative to the config directory. */
export const SINGLE_CONFIG_FILES = { global: 'global.json', profiler: 'profiler.json' } as const;

/**
 * Every config of a directory, keyed by sensor name. This is also the unit distributed to
 * workers in the scale-out deployment, hence a schema of its own.
 */
export const ConfigSetSchema = z.object({
  /** `{}` when the directory has no global.json. */
  global: GlobalConfigSchema,
  parsers: z.record(z.string(), SensorParserConfigSchema),
  enrichments: z.record(z.string(), SensorEnrichmentConfigSchema),
  indexing: z.record(z.string(), SensorIndexingConfigSchema),
  profiler: ProfilerConfigSchema.optional(),
});
export type ConfigSet = z.infer<typeof ConfigSetSchema>;

/** Names of all sensors that have at least one config, sorted. */
export function sensorNames(set: ConfigSet): string[] {
  const names = new Set([...Object.keys(set.parsers), ...Object.keys(set.enrichments), ...Object.keys(set.indexing)]);
  return [...names].sort();
}
