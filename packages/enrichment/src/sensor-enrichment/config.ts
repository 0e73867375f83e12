/**
 * Reading a sensor enrichment config (Metron's SensorEnrichmentConfig, metron-enrichment-common
 * README "Sensor Enrichment Configuration") into the model the engine compiles: the shape is
 * checked by @metron/core's schema (a rule's `score` a number or a Stellar expression); on top of
 * it, as Metron's beans do when they load, duplicate triage rules (same `rule` text) are dropped, and
 * defaults are filled in (aggregator MAX, empty maps). `planSection` then checks what Metron only
 * found out per message: the adapter names, and the Stellar assignments of `stellar`.
 */
import { ConfigError, checkConfigValue, throwConfigErrors } from '@metron/core';
import type { SensorEnrichmentConfig, TriageAggregator } from '@metron/core';
import { javaDoubleText } from '../mmdb/java-number.js';
import { jacksonPrettyJson } from './jackson-json.js';

/** One threat triage rule as Metron's RiskLevelRule holds it: the score is an expression's text. */
export interface RiskLevelRuleConfig {
  name?: string;
  comment?: string;
  /** A Stellar predicate. */
  rule: string;
  /** A Stellar expression giving the score (a number written in the config is its text, e.g. "10"). */
  score: string;
  /** A Stellar expression explaining the score. */
  reason?: string;
  /** Where the rule is in its file, for errors; not part of the config. */
  jsonPath?: string;
}

export interface ThreatTriageSettings {
  riskLevelRules: RiskLevelRuleConfig[];
  aggregator: TriageAggregator;
  aggregationConfig: Record<string, unknown>;
}

export interface EnrichmentSettings {
  fieldMap: Record<string, unknown>;
  fieldToTypeMap: Record<string, string[]>;
  config: Record<string, unknown>;
}

export interface ThreatIntelSettings extends EnrichmentSettings {
  triageConfig: ThreatTriageSettings;
}

/** A sensor enrichment config with Metron's defaults filled in. */
export interface NormalizedSensorEnrichmentConfig {
  enrichment: EnrichmentSettings;
  threatIntel: ThreatIntelSettings;
  configuration: Record<string, unknown>;
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Java's Number.toString of a score Jackson read from the config. */
function numberText(n: number): string {
  return Number.isInteger(n) ? String(n) : javaDoubleText(n);
}

const RULES_PATH = '$.threatIntel.triageConfig.riskLevelRules';

/** A rule's score as written: numeric text is kept as written (the schema reads it as a number). */
function rawScore(value: Record<string, unknown>, i: number): unknown {
  const rules = ((value['threatIntel'] as Record<string, unknown> | undefined)?.['triageConfig'] as Record<string, unknown> | undefined)?.['riskLevelRules'];
  return Array.isArray(rules) && isObject(rules[i]) ? rules[i]['score'] : undefined;
}

/**
 * Metron's ThreatTriageConfig.setRiskLevelRules keeps the first rule of each `rule` text. Returns
 * the kept rules and the dropped ones.
 */
export function dedupeRules(rules: readonly RiskLevelRuleConfig[]): { kept: RiskLevelRuleConfig[]; dropped: RiskLevelRuleConfig[] } {
  const seen = new Set<string>();
  const kept: RiskLevelRuleConfig[] = [];
  const dropped: RiskLevelRuleConfig[] = [];
  for (const rule of rules) {
    if (seen.has(rule.rule)) dropped.push(rule);
    else {
      seen.add(rule.rule);
      kept.push(rule);
    }
  }
  return { kept, dropped };
}

/** An empty config: what Metron's `new SensorEnrichmentConfig()` holds. */
export function emptySensorEnrichmentConfig(): NormalizedSensorEnrichmentConfig {
  return {
    enrichment: { fieldMap: {}, fieldToTypeMap: {}, config: {} },
    threatIntel: { fieldMap: {}, fieldToTypeMap: {}, config: {}, triageConfig: { riskLevelRules: [], aggregator: 'MAX', aggregationConfig: {} } },
    configuration: {},
  };
}

/**
 * Checks a sensor enrichment config (its parsed JSON) and fills in Metron's defaults. Throws a
 * ConfigError (or ConfigErrorList) naming `file`, the JSON path and the reason.
 */
export function normalizeSensorEnrichmentConfig(value: unknown, file: string): NormalizedSensorEnrichmentConfig {
  if (!isObject(value)) throw new ConfigError(file, '$', 'a sensor enrichment config must be a JSON object with "enrichment" and/or "threatIntel"');
  const checked = checkConfigValue('enrichment', value, file);
  if (!checked.ok) throwConfigErrors(checked.errors);
  const parsed: SensorEnrichmentConfig = checked.config;
  const rules: RiskLevelRuleConfig[] = (parsed.threatIntel?.triageConfig?.riskLevelRules ?? []).map((r, i) => {
    const raw = rawScore(value, i);
    const rule: RiskLevelRuleConfig = {
      rule: r.rule,
      score: typeof raw === 'string' ? raw.trim() : typeof r.score === 'number' ? numberText(r.score) : r.score,
      jsonPath: `${RULES_PATH}[${i}]`,
    };
    if (r.name !== undefined) rule.name = r.name;
    if (r.comment !== undefined) rule.comment = r.comment;
    if (r.reason !== undefined) rule.reason = r.reason;
    return rule;
  });
  const triage = parsed.threatIntel?.triageConfig;
  return {
    enrichment: {
      fieldMap: { ...(parsed.enrichment?.fieldMap ?? {}) },
      fieldToTypeMap: { ...(parsed.enrichment?.fieldToTypeMap ?? {}) },
      config: { ...(parsed.enrichment?.config ?? {}) },
    },
    threatIntel: {
      fieldMap: { ...(parsed.threatIntel?.fieldMap ?? {}) },
      fieldToTypeMap: { ...(parsed.threatIntel?.fieldToTypeMap ?? {}) },
      config: { ...(parsed.threatIntel?.config ?? {}) },
      triageConfig: {
        riskLevelRules: dedupeRules(rules).kept,
        aggregator: triage?.aggregator ?? 'MAX',
        aggregationConfig: { ...(triage?.aggregationConfig ?? {}) },
      },
    },
    configuration: { ...(parsed.configuration ?? {}) },
  };
}

/** The config as Metron serializes it (every section, rules with their score text), laid out as Jackson does. */
export function sensorEnrichmentConfigJson(config: NormalizedSensorEnrichmentConfig): string {
  const rule = (r: RiskLevelRuleConfig) => ({ name: r.name, comment: r.comment, rule: r.rule, score: r.score, reason: r.reason });
  return jacksonPrettyJson({
    enrichment: config.enrichment,
    threatIntel: { ...config.threatIntel, triageConfig: { ...config.threatIntel.triageConfig, riskLevelRules: config.threatIntel.triageConfig.riskLevelRules.map(rule) } },
    configuration: config.configuration,
  });
}

// ---------------------------------------------------------------------------------------------
// fieldMap: adapters and Stellar assignments

/** The adapters of Metron's enrichment topology, by the fieldMap key that selects them, then this project's asset and identity adapters (assets/). */
export const ENRICHMENT_ADAPTERS = ['geo', 'host', 'hbaseEnrichment', 'stellar', 'asset', 'identity'] as const;
/** The adapters of Metron's threat intel topology. */
export const THREAT_INTEL_ADAPTERS = ['hbaseThreatIntel', 'stellar'] as const;

export type SectionName = 'enrichment' | 'threatIntel';

/** One `field := expression` of a Stellar group. */
export interface StellarStatement {
  field: string;
  expression: string;
  jsonPath: string;
}

/** A Stellar group: named ones run apart from each other; '' is the default group of the plain assignments. */
export interface StellarGroupConfig {
  name: string;
  jsonPath: string;
  statements: StellarStatement[];
}

/** A list adapter (geo, host, hbase*) and the fields it is given. */
export interface ListAdapterConfig {
  adapter: string;
  fields: string[];
  jsonPath: string;
}

export interface SectionPlan {
  lists: ListAdapterConfig[];
  stellar: StellarGroupConfig[];
}

function keyPath(base: string, key: string): string {
  return /^[A-Za-z_$][A-Za-z0-9_$]*$/.test(key) ? `${base}.${key}` : `${base}['${key.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}']`;
}

/** Metron's StellarAssignment: `field := expression`, split at the first `:=`. */
function assignment(text: unknown, jsonPath: string, file: string): StellarStatement {
  if (typeof text !== 'string') throw new ConfigError(file, jsonPath, 'must be a "field := expression" Stellar assignment');
  const at = text.indexOf(':=');
  if (at < 0) throw new ConfigError(file, jsonPath, `must be a "field := expression" Stellar assignment, got ${JSON.stringify(text)}`);
  const field = text.slice(0, at).trim();
  if (field === '') throw new ConfigError(file, jsonPath, 'the assignment names no field before ":="');
  return { field, expression: text.slice(at + 2), jsonPath };
}

function stellarGroups(config: unknown, base: string, file: string): StellarGroupConfig[] {
  if (Array.isArray(config)) {
    return [{ name: '', jsonPath: base, statements: config.map((s, i) => assignment(s, `${base}[${i}]`, file)) }];
  }
  if (!isObject(config)) throw new ConfigError(file, base, 'must be a list of "field := expression" assignments or an object of field → expression (or groups of them)');
  const named: StellarGroupConfig[] = [];
  const plain: StellarStatement[] = [];
  for (const [key, value] of Object.entries(config)) {
    const path = keyPath(base, key);
    if (typeof value === 'string') plain.push({ field: key, expression: value, jsonPath: path });
    else if (Array.isArray(value)) named.push({ name: key, jsonPath: path, statements: value.map((s, i) => assignment(s, `${path}[${i}]`, file)) });
    else if (isObject(value)) {
      named.push({
        name: key,
        jsonPath: path,
        statements: Object.entries(value).map(([field, expression]) => {
          const at = keyPath(path, field);
          if (typeof expression !== 'string') throw new ConfigError(file, at, 'must be a Stellar expression (a string)');
          return { field, expression, jsonPath: at };
        }),
      });
    } else throw new ConfigError(file, path, 'must be a Stellar expression, a list of "field := expression" assignments or a group (object) of field → expression');
  }
  // Metron's StellarConfig splits the named groups first and runs the plain assignments as group ''
  if (plain.length > 0) named.push({ name: '', jsonPath: base, statements: plain });
  return named;
}

/**
 * The adapters a section's fieldMap selects, checked: every key must name an adapter of the section
 * (Metron failed each message on an unknown one), list adapters take field lists, `stellar` takes
 * `{"config": ...}`. Throws ConfigError.
 */
export function planSection(section: EnrichmentSettings, name: SectionName, file: string): SectionPlan {
  const known: readonly string[] = name === 'enrichment' ? ENRICHMENT_ADAPTERS : THREAT_INTEL_ADAPTERS;
  const base = `$.${name}.fieldMap`;
  const plan: SectionPlan = { lists: [], stellar: [] };
  for (const [adapter, value] of Object.entries(section.fieldMap)) {
    const path = keyPath(base, adapter);
    if (!known.includes(adapter)) {
      const other = name === 'enrichment' ? THREAT_INTEL_ADAPTERS : ENRICHMENT_ADAPTERS;
      const hint = other.includes(adapter as never) ? ` ("${adapter}" is a${name === 'enrichment' ? ' threat intel' : 'n enrichment'} adapter: it belongs in "${name === 'enrichment' ? 'threatIntel' : 'enrichment'}.fieldMap")` : '';
      throw new ConfigError(file, path, `unknown ${name === 'enrichment' ? 'enrichment' : 'threat intel'} adapter "${adapter}"; the adapters are ${known.join(', ')}${hint}`);
    }
    if (adapter === 'stellar') {
      if (!isObject(value)) throw new ConfigError(file, path, 'stellar takes an object {"config": ...} holding its Stellar assignments');
      const type = value['type'];
      if (type !== undefined && type !== 'STELLAR') throw new ConfigError(file, `${path}.type`, `the stellar adapter's type must be "STELLAR", got ${JSON.stringify(type)}`);
      if (value['config'] === undefined || value['config'] === null) throw new ConfigError(file, `${path}.config`, 'stellar needs "config": its Stellar assignments');
      plan.stellar = stellarGroups(value['config'], `${path}.config`, file);
    } else {
      if (!Array.isArray(value) || !value.every((f) => typeof f === 'string')) {
        throw new ConfigError(file, path, `${adapter} takes the list of fields to look up, e.g. ["ip_src_addr", "ip_dst_addr"]`);
      }
      plan.lists.push({ adapter, fields: [...(value as string[])], jsonPath: path });
    }
  }
  const typeToColumnFamily = section.config['typeToColumnFamily'];
  if (typeToColumnFamily !== undefined && !isObject(typeToColumnFamily)) {
    throw new ConfigError(file, `$.${name}.config.typeToColumnFamily`, 'must map enrichment types to column families, e.g. {"malicious_ip": "cf"}');
  }
  return plan;
}
