/**
 * Metron's profiler config (`profiler.json`, Java classes ProfilerConfig / ProfileConfig /
 * ProfileResult), as documented in metron-profiler-common's README. Bean parts refuse unknown
 * keys like Metron (Jackson defaults); `init`, `update` and `triage` are free maps.
 */
import { z } from 'zod';
import { javaInt } from './schema-parts.js';

/**
 * A Stellar expression. Metron declared these maps as `Map<String, String>` and Jackson turned
 * JSON numbers and booleans into their text, so `"init": {"count": 0}` is valid.
 */
const expression = () =>
  z.union([z.string(), z.number(), z.boolean()], { error: 'a Stellar expression (a string)' });

/** What a profile emits at the end of a period: one expression, or the profile plus triage values. */
export const ProfileResultSchema = z.union(
  [
    z.string(),
    z.strictObject({
      profile: z.string().min(1),
      triage: z.record(z.string(), z.string()).optional(),
    }),
  ],
  { error: 'a Stellar expression or {"profile": ..., "triage": {...}}' },
);
export type ProfileResult = z.infer<typeof ProfileResultSchema>;

export const ProfileDefinitionSchema = z.strictObject({
  /** The profile's name. */
  profile: z.string().min(1),
  /** The entity the profile is kept for (a Stellar expression, e.g. `ip_src_addr`). */
  foreach: z.string().min(1),
  /** A Stellar predicate choosing the messages the profile sees. */
  onlyif: z.string().optional(),
  init: z.record(z.string(), expression()).optional(),
  update: z.record(z.string(), expression()).optional(),
  groupBy: z.array(z.string()).optional(),
  result: ProfileResultSchema,
  /** How long the profile's measurements are kept (Metron's profiler README gives the unit). */
  expires: javaInt(0).optional(),
});
export type ProfileDefinition = z.infer<typeof ProfileDefinitionSchema>;

export const ProfilerConfigSchema = z.strictObject({
  profiles: z.array(ProfileDefinitionSchema),
  /** Event time field; processing time when absent. */
  timestampField: z.string().min(1).optional(),
});
export type ProfilerConfig = z.infer<typeof ProfilerConfigSchema>;
