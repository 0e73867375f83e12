/**
 * The 'triage' service behind Stellar's THREAT_TRIAGE_* functions (declared in @metron/stellar's
 * functions/triage.ts; Metron's ThreatTriageFunctions), on this package's triage engine:
 * THREAT_TRIAGE_INIT builds an engine from a sensor enrichment config, THREAT_TRIAGE_SCORE scores a
 * message with it (whether or not the message is an alert), and ADD / REMOVE / SET_AGGREGATOR /
 * PRINT / CONFIG read or edit a config given as JSON or as an engine (an engine's config is changed
 * in place, as in Metron). Configs come back as Metron writes them (Jackson's pretty layout).
 */
import { ConfigError, describeConfigError } from '@metron/core';
import type { TriageAggregator } from '@metron/core';
import { StellarFunctionError, toJson } from '@metron/stellar';
import type { EvalContext, FunctionRegistry, StellarLimits, StellarValue } from '@metron/stellar';
import { dedupeRules, emptySensorEnrichmentConfig, normalizeSensorEnrichmentConfig, sensorEnrichmentConfigJson } from '../sensor-enrichment/config.js';
import type { NormalizedSensorEnrichmentConfig, RiskLevelRuleConfig } from '../sensor-enrichment/config.js';
import { jacksonMap } from '../sensor-enrichment/java-values.js';
import { javaDoubleText } from '../mmdb/java-number.js';
import { evalContext, registryOrDefault, type StellarSettings } from '../sensor-enrichment/stellar-compile.js';
import { TRIAGE_AGGREGATORS } from './aggregators.js';
import { flipTable } from './flip-table.js';
import { compileThreatTriage, TriageRuleError, type FiredRule, type ThreatTriage } from './threat-triage.js';

/** A rule as THREAT_TRIAGE_ADD hands it over (@metron/stellar's TriageRule). */
export interface TriageRuleInput {
  name?: string;
  comment?: string;
  rule: string;
  /** A number, or (for a caller that allows it) a Stellar expression. */
  score: number | string;
  reason?: string;
}

/** The shape of @metron/stellar's TriageService (installed as 'triage'). */
export interface TriageStellarService {
  createEngine(config: string | null): object;
  isEngine(value: unknown): value is object;
  score(engine: object, message: Map<StellarValue, StellarValue>): Map<StellarValue, StellarValue>;
  engineConfig(engine: object): string;
  printRules(source: string | object): string;
  addRules(source: string | object, rules: TriageRuleInput[]): string;
  removeRules(source: string | object, rulesOrNames: string[]): string;
  setAggregator(source: string | object, aggregator: string, aggregatorConfig: Map<StellarValue, StellarValue> | undefined): string;
}

export interface TriageServiceOptions {
  /** The functions rules may call (default: every built-in, no services). */
  readonly functions?: FunctionRegistry;
  readonly limits?: Partial<StellarLimits>;
  readonly now?: () => number;
}

const SOURCE = 'THREAT_TRIAGE config';

/** A threat triage engine (THREAT_TRIAGE_INIT's value): a sensor enrichment config and its compiled rules. */
export class TriageEngine {
  constructor(
    /** The config, changed in place by THREAT_TRIAGE_ADD / REMOVE / SET_AGGREGATOR. */
    public config: NormalizedSensorEnrichmentConfig,
    public triage: ThreatTriage,
  ) {}

  get riskLevelRules(): readonly RiskLevelRuleConfig[] {
    return this.config.threatIntel.triageConfig.riskLevelRules;
  }

  toString(): string {
    return `ThreatTriage{${this.riskLevelRules.length} rule(s)}`;
  }
}

function fail(err: unknown): never {
  if (err instanceof ConfigError) throw new StellarFunctionError(`invalid threat triage configuration: ${describeConfigError(err)}`);
  throw err;
}

function numberText(n: number): string {
  return Number.isInteger(n) ? String(n) : javaDoubleText(n);
}

/** The Score column: a number as Metron prints it (10, 10.5), an expression as written. */
function scoreColumn(text: string): string {
  if (!/^[-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?$/.test(text)) return text;
  const d = Number(text);
  return Number.isInteger(d) ? String(d) : javaDoubleText(d);
}

/** Creates the 'triage' service; rules compile against `options.functions`. */
export function createTriageStellarService(options: TriageServiceOptions = {}): TriageStellarService {
  const ctx: Partial<EvalContext> = evalContext(options.now);
  const settings = (): StellarSettings => ({ functions: registryOrDefault(options.functions), limits: options.limits ?? {}, warnings: [] });
  const compileTriage = (config: NormalizedSensorEnrichmentConfig): ThreatTriage => {
    try {
      return compileThreatTriage(config.threatIntel.triageConfig, SOURCE, settings());
    } catch (err) {
      return fail(err);
    }
  };
  const parse = (json: string): NormalizedSensorEnrichmentConfig => {
    let value: unknown;
    try {
      value = JSON.parse(json);
    } catch (err) {
      throw new StellarFunctionError(`invalid threat triage configuration: not JSON: ${err instanceof Error ? err.message : String(err)}`);
    }
    try {
      return normalizeSensorEnrichmentConfig(value, SOURCE);
    } catch (err) {
      return fail(err);
    }
  };
  const engineOf = (value: unknown): TriageEngine => {
    if (value instanceof TriageEngine) return value;
    throw new StellarFunctionError('expected a threat triage engine from THREAT_TRIAGE_INIT');
  };
  const configOf = (source: string | object): NormalizedSensorEnrichmentConfig =>
    source instanceof TriageEngine ? source.config : typeof source === 'string' ? parse(source) : engineOf(source).config;

  /** Applies an edit to a copy of the source's config; an engine takes the result only once its rules compile. */
  const edit = (source: string | object, change: (config: NormalizedSensorEnrichmentConfig) => void): string => {
    const config = structuredClone(configOf(source));
    change(config);
    // the rules' places in a file no longer hold: errors name them by index
    for (const rule of config.threatIntel.triageConfig.riskLevelRules) delete rule.jsonPath;
    const triage = compileTriage(config);
    if (source instanceof TriageEngine) {
      source.config = config;
      source.triage = triage;
    }
    return sensorEnrichmentConfigJson(config);
  };

  return {
    createEngine(json) {
      const config = json === null ? emptySensorEnrichmentConfig() : parse(json);
      return new TriageEngine(config, compileTriage(config));
    },

    isEngine(value): value is object {
      return value instanceof TriageEngine;
    },

    score(engineValue, message) {
      const engine = engineOf(engineValue);
      const layers = [jacksonMap(engine.config.configuration), jacksonMap(engine.config.threatIntel.config)];
      const resolve = (name: string): StellarValue | undefined => {
        if (name === '_') return message;
        const v = message.get(name);
        if (v !== null && v !== undefined) return v;
        for (const layer of layers) {
          const x = layer.get(name);
          if (x !== null && x !== undefined) return x;
        }
        return message.has(name) || layers.some((l) => l.has(name)) ? null : undefined;
      };
      const fired: FiredRule[] = [];
      let total: number;
      try {
        total = engine.triage.score(resolve, ctx, fired);
      } catch (err) {
        if (err instanceof TriageRuleError) throw new StellarFunctionError(err.message);
        throw err;
      }
      const rules: StellarValue[] = fired.map(({ rule, score, reason }) => {
        const m = new Map<StellarValue, StellarValue>();
        if (rule.name !== null) m.set('name', rule.name);
        m.set('rule', rule.rule);
        m.set('score', score);
        if (reason !== null) m.set('reason', reason);
        if (rule.comment !== null) m.set('comment', rule.comment);
        return m;
      });
      return new Map<StellarValue, StellarValue>([
        ['score', total],
        ['rules', rules],
        ['aggregator', engine.triage.aggregator],
      ]);
    },

    engineConfig(engineValue) {
      return sensorEnrichmentConfigJson(engineOf(engineValue).config);
    },

    printRules(source) {
      const triage = configOf(source).threatIntel.triageConfig;
      const rows = triage.riskLevelRules.map((r) => [r.name ?? '', r.comment ?? '', r.rule, scoreColumn(r.score), r.reason ?? '']);
      const table = flipTable(['Name', 'Comment', 'Triage Rule', 'Score', 'Reason'], rows);
      return rows.length > 0 ? `${table}Aggregation: ${triage.aggregator}` : table;
    },

    addRules(source, rules) {
      return edit(source, (config) => {
        const triage = config.threatIntel.triageConfig;
        const added = rules.map((r): RiskLevelRuleConfig => {
          const rule: RiskLevelRuleConfig = { rule: r.rule, score: typeof r.score === 'number' ? numberText(r.score) : r.score };
          if (r.name !== undefined) rule.name = r.name;
          if (r.comment !== undefined) rule.comment = r.comment;
          if (r.reason !== undefined) rule.reason = r.reason;
          return rule;
        });
        triage.riskLevelRules = dedupeRules([...triage.riskLevelRules, ...added]).kept;
      });
    },

    removeRules(source, rulesOrNames) {
      const remove = new Set(rulesOrNames);
      return edit(source, (config) => {
        const triage = config.threatIntel.triageConfig;
        triage.riskLevelRules = triage.riskLevelRules.filter((r) => !remove.has(r.rule) && !(r.name !== undefined && remove.has(r.name)));
      });
    },

    setAggregator(source, aggregator, aggregatorConfig) {
      if (!TRIAGE_AGGREGATORS.includes(aggregator as TriageAggregator)) {
        throw new StellarFunctionError(`unable to load aggregator of ${aggregator}; valid aggregators are ${TRIAGE_AGGREGATORS.join(',')}`);
      }
      return edit(source, (config) => {
        const triage = config.threatIntel.triageConfig;
        triage.aggregator = aggregator as TriageAggregator;
        if (aggregatorConfig !== undefined) triage.aggregationConfig = toJson(aggregatorConfig) as Record<string, unknown>;
      });
    },
  };
}

/** Installs the 'triage' service in `registry`, its rules compiling against that registry. */
export function installTriageService(registry: FunctionRegistry, options: Omit<TriageServiceOptions, 'functions'> = {}): void {
  registry.installService('triage', createTriageStellarService({ ...options, functions: registry }));
}
