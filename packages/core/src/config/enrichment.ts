/**
 * Metron's sensor enrichment config (`enrichments/<sensor>.json`, Java class
 * SensorEnrichmentConfig), with threat intel and threat triage, as documented in
 * metron-enrichment-common's README.
 *
 * Like Metron (Jackson, FAIL_ON_UNKNOWN_PROPERTIES), unknown keys are refused in the bean
 * parts (top level, `enrichment`, `threatIntel`, `triageConfig`, each triage rule); the
 * free-form maps (`config`, `configuration`, `aggregationConfig`) keep any key.
 */
import { z } from 'zod';
import { javaNumber, openMap } from './schema-parts.js';

/**
 * Stellar enrichment assignments: either an ordered list of `"field := expression"`
 * statements, or a map of field → expression where a value may itself be a map (a named
 * group, run as one unit) of field → expression.
 */
export const StellarEnrichmentConfigSchema = z.union(
  [
    z.array(z.string()),
    z.record(
      z.string(),
      z.union([z.string(), z.array(z.string()), z.record(z.string(), z.string())], {
        error: 'a Stellar expression, a list of "field := expression" statements or a group of field → expression',
      }),
    ),
  ],
  { error: 'a list of "field := expression" statements or an object of field → expression' },
);

/**
 * A `fieldMap` value in object form (Java class ConfigHandler); `type` defaults to the
 * enrichment's name in upper case, which in practice means the key must be `stellar`.
 */
export const EnrichmentHandlerSchema = z.looseObject({
  type: z.string().optional(),
  config: StellarEnrichmentConfigSchema.optional(),
});

/** The fields each enrichment is applied to, or for `stellar` the assignments to run. */
export const FieldMapSchema = z
  .record(
    z.string(),
    z.union([z.array(z.string()), EnrichmentHandlerSchema], {
      error: 'a list of field names or an object with "config" (for stellar)',
    }),
  )
  .superRefine((fieldMap, ctx) => {
    for (const [name, value] of Object.entries(fieldMap)) {
      // Entries of the wrong type were already reported by the record's own check.
      if (typeof value !== 'object' || value === null || Array.isArray(value)) continue;
      if (value.type !== undefined || name.toLowerCase() === 'stellar') continue;
      ctx.addIssue({
        code: 'custom',
        path: [name],
        message: `an object value needs "type" (e.g. "STELLAR") unless the enrichment is named "stellar"; for "${name}" give a list of field names`,
      });
    }
  });
export type FieldMap = z.infer<typeof FieldMapSchema>;

/** Field name → the enrichment types (lookup table names) to look it up in. */
export const FieldToTypeMapSchema = z.record(z.string(), z.array(z.string()));

export const EnrichmentSectionSchema = z.strictObject({
  fieldMap: FieldMapSchema.optional(),
  fieldToTypeMap: FieldToTypeMapSchema.optional(),
  config: openMap().optional(),
});
export type EnrichmentSection = z.infer<typeof EnrichmentSectionSchema>;

/**
 * One threat triage rule: when `rule` (a Stellar predicate) holds, `score` counts. The score is a
 * number (numeric text is read as one) or, as Metron's RiskLevelRule allows, a Stellar expression
 * evaluated per message.
 */
export const RiskLevelRuleSchema = z.strictObject({
  name: z.string().optional(),
  comment: z.string().optional(),
  rule: z.string().min(1),
  score: z.union([javaNumber(), z.string().trim().min(1)], { error: 'a number or a Stellar expression (text)' }),
  /** A Stellar expression explaining the score, evaluated when the rule fires. */
  reason: z.string().optional(),
});
export type RiskLevelRule = z.infer<typeof RiskLevelRuleSchema>;

/** How the scores of the rules that fired are combined. */
export const TriageAggregatorSchema = z.enum(['MAX', 'MIN', 'SUM', 'MEAN', 'POSITIVE_MEAN']);
export type TriageAggregator = z.infer<typeof TriageAggregatorSchema>;

export const ThreatTriageConfigSchema = z.strictObject({
  riskLevelRules: z.array(RiskLevelRuleSchema, { error: 'a list of rules, each {"rule": ..., "score": ...}' }).optional(),
  aggregator: TriageAggregatorSchema.optional(),
  aggregationConfig: openMap().optional(),
});
export type ThreatTriageConfig = z.infer<typeof ThreatTriageConfigSchema>;

export const ThreatIntelSectionSchema = z.strictObject({
  fieldMap: FieldMapSchema.optional(),
  fieldToTypeMap: FieldToTypeMapSchema.optional(),
  config: openMap().optional(),
  triageConfig: ThreatTriageConfigSchema.optional(),
});
export type ThreatIntelSection = z.infer<typeof ThreatIntelSectionSchema>;

export const SensorEnrichmentConfigSchema = z.strictObject({
  enrichment: EnrichmentSectionSchema.optional(),
  threatIntel: ThreatIntelSectionSchema.optional(),
  /** Free-form settings readable by Stellar through the sensor's config. */
  configuration: openMap().optional(),
});
export type SensorEnrichmentConfig = z.infer<typeof SensorEnrichmentConfigSchema>;
