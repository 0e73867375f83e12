/**
 * One sensor's enrichment, threat intel and threat triage, compiled once from its sensor
 * enrichment config and run per message as Metron's unified enrichment topology does
 * (metron-enrichment-common README; ParallelEnricher, EnrichmentStrategies, ThreatIntelUtils):
 *
 * 1. enrichment stage: the `enrichment.fieldMap` adapters (geo, host, hbaseEnrichment, stellar)
 *    run on the message as it came, none seeing another's outputs; their outputs are joined into
 *    it, and the join drops every field whose value is null or "" (also fields the message had).
 *    A stage with no work (no adapter field present, no Stellar) leaves the message untouched.
 * 2. threat intel stage: the same with `threatIntel.fieldMap` (hbaseThreatIntel, stellar).
 * 3. triage: the message is an alert when it has `is_alert` true (true/"true"/"yes"/1, ...; a
 *    false value removes the field) or, without `is_alert`, when any field name starts with
 *    "threatintels" (and does not end in ".ts"). An alert gets `is_alert` = "true" and, when at
 *    least one risk level rule fires, `threat.triage.score` (the aggregate) and, per fired rule i
 *    in rule order, `threat.triage.rules.<i>.name|comment|score|reason` (name, comment, reason
 *    null when not set; score the rule's evaluated score).
 *
 * A failing Stellar group or unreadable table row is reported and the message goes on without
 * that adapter's outputs; a failing triage rule, or an `is_alert` that is not a boolean, stops
 * the message (fatal: Metron sends it to the error topic only). Nothing throws per message.
 */
import { ConfigError } from '@metron/core';
import type { JsonValue, Message } from '@metron/core';
import { fromJson } from '@metron/stellar';
import type { EvalContext } from '@metron/stellar';
import { assetIdentityStep, identityLearnStep } from '../assets/steps.js';
import { TriageRuleError, compileThreatTriage, type FiredRule, type ThreatTriage } from '../triage/threat-triage.js';
import { geoStep, hbaseEnrichmentStep, hbaseThreatIntelStep, hostStep, type StageStep } from './adapters.js';
import { normalizeSensorEnrichmentConfig, planSection, type NormalizedSensorEnrichmentConfig, type SectionName } from './config.js';
import { convertToBoolean, jacksonMap } from './java-values.js';
import { compileStellarGroups, stellarStep } from './stellar-adapter.js';
import { evalContext, registryOrDefault, type StellarSettings } from './stellar-compile.js';
import {
  DEFAULT_ENRICHMENT_TABLE,
  DEFAULT_THREAT_INTEL_TABLE,
  OutputBuffer,
  type EnrichmentBatchResult,
  type EnrichmentError,
  type EnrichmentResult,
  type ErrorSink,
  type SensorEnrichmentDeps,
} from './types.js';
import { VariableScope } from './variables.js';

/** A compiled sensor enrichment: call it per message or per batch. */
export interface SensorEnricher {
  readonly sensor: string;
  /** The config it runs, with Metron's defaults filled in. */
  readonly config: NormalizedSensorEnrichmentConfig;
  /** Findings that did not stop the config (e.g. a Stellar function whose module is not installed). */
  readonly warnings: readonly ConfigError[];
  /** Enriches one message in place. Never throws for the message's sake. */
  enrich(message: Message): EnrichmentResult;
  /** Enriches each message in place, in order. Never throws for a message's sake. */
  enrichBatch(messages: readonly Message[]): EnrichmentBatchResult;
}

export const IS_ALERT = 'is_alert';
export const THREAT_TRIAGE_SCORE = 'threat.triage.score';
const NO_ERRORS: readonly EnrichmentError[] = Object.freeze([]);

/**
 * Compiles the sensor enrichment config of `sensor` (its parsed JSON, as in
 * `enrichments/<sensor>.json`). Throws ConfigError (or ConfigErrorList) naming `file`, the JSON
 * path and the reason for a bad config, and for an adapter whose dependency is missing.
 */
export function compileSensorEnrichment(sensor: string, enrichmentConfig: unknown, deps: SensorEnrichmentDeps, file: string): SensorEnricher {
  return compileNormalizedSensorEnrichment(sensor, normalizeSensorEnrichmentConfig(enrichmentConfig, file), deps, file);
}

/** As compileSensorEnrichment, for a config already normalized (by normalizeSensorEnrichmentConfig). */
export function compileNormalizedSensorEnrichment(sensor: string, config: NormalizedSensorEnrichmentConfig, deps: SensorEnrichmentDeps, file: string): SensorEnricher {
  return new CompiledSensorEnricher(sensor, config, deps, file);
}

/** Joins a stage's outputs into the message and drops null and "" fields (Metron's ParallelEnricher join). */
function join(message: Message, out: OutputBuffer): void {
  const { keys, values, length } = out;
  for (let i = 0; i < length; i++) {
    const key = keys[i]!;
    const value = values[i]!;
    if (value === null || value === '') {
      if (Object.hasOwn(message, key)) delete message[key];
    } else message[key] = value;
  }
  for (const key in message) {
    const value = message[key];
    if (value === null || value === '' || value === undefined) delete message[key];
  }
}

class Stage {
  constructor(private readonly steps: readonly StageStep[]) {}

  run(message: Message, out: OutputBuffer, errors: ErrorSink): void {
    out.reset();
    let ran = false;
    for (const step of this.steps) if (step.run(message, out, errors)) ran = true;
    if (ran) join(message, out);
    out.reset();
  }
}

/** The message keys of fired rule i, built once. */
interface RuleKeys {
  readonly name: string;
  readonly comment: string;
  readonly score: string;
  readonly reason: string;
}

/** A score as stored in a message: non-finite ones as the text Stellar's toJson gives them (JSON has no -Infinity). */
function scoreValue(n: number): JsonValue {
  return Number.isFinite(n) ? n : String(n);
}

class CompiledSensorEnricher implements SensorEnricher {
  readonly warnings: ConfigError[] = [];
  private readonly enrichment: Stage;
  private readonly threatIntel: Stage;
  private readonly triage: ThreatTriage;
  private readonly triageScope: VariableScope;
  private readonly ruleKeys: RuleKeys[];
  private readonly ctx: Partial<EvalContext>;
  private readonly out = new OutputBuffer();
  private readonly fired: FiredRule[] = [];
  private errors: EnrichmentError[] | null = null;
  private index: number | undefined;
  private readonly sink: ErrorSink = {
    add: (error) => {
      (this.errors ??= []).push(this.index === undefined ? error : { ...error, index: this.index });
    },
  };

  constructor(
    readonly sensor: string,
    readonly config: NormalizedSensorEnrichmentConfig,
    deps: SensorEnrichmentDeps,
    file: string,
  ) {
    const stellar: StellarSettings = { functions: registryOrDefault(deps.functions), limits: deps.limits ?? {}, warnings: this.warnings };
    this.ctx = evalContext(deps.now);
    // Metron's StellarAdapter reads enrichment.config then the sensor's configuration, for both stages
    const stellarLayers = [jacksonMap(config.enrichment.config), jacksonMap(config.configuration)];
    this.enrichment = this.stage('enrichment', deps, file, stellar, new VariableScope(stellarLayers));
    this.threatIntel = this.stage('threatIntel', deps, file, stellar, new VariableScope(stellarLayers));
    this.triage = compileThreatTriage(config.threatIntel.triageConfig, file, stellar);
    // ThreatTriageProcessor: the message, the sensor's configuration, threatIntel.config
    this.triageScope = new VariableScope([jacksonMap(config.configuration), jacksonMap(config.threatIntel.config)]);
    this.ruleKeys = this.triage.rules.map((_, i) => ({
      name: `threat.triage.rules.${i}.name`,
      comment: `threat.triage.rules.${i}.comment`,
      score: `threat.triage.rules.${i}.score`,
      reason: `threat.triage.rules.${i}.reason`,
    }));
  }

  private stage(name: SectionName, deps: SensorEnrichmentDeps, file: string, stellar: StellarSettings, scope: VariableScope): Stage {
    const section = name === 'enrichment' ? this.config.enrichment : this.config.threatIntel;
    const plan = planSection(section, name, file);
    const errorType = name === 'enrichment' ? 'enrichment_error' : 'threat_intel_error';
    const steps: StageStep[] = [];
    for (const list of plan.lists) {
      switch (list.adapter) {
        case 'geo':
          if (deps.geo === undefined) throw new ConfigError(file, list.jsonPath, 'the geo adapter needs a GeoIP database, and none was given to the enrichment engine');
          steps.push(geoStep(list, deps.geo));
          break;
        case 'host':
          if (deps.knownHosts === undefined || deps.knownHosts.size === 0) {
            this.warnings.push(new ConfigError(file, list.jsonPath, 'the host adapter has no known hosts: it adds nothing'));
          }
          steps.push(hostStep(list, deps.knownHosts ?? new Map()));
          break;
        case 'hbaseEnrichment':
        case 'hbaseThreatIntel': {
          if (deps.tables === undefined) throw new ConfigError(file, list.jsonPath, `the ${list.adapter} adapter needs the enrichment tables, and none were given to the enrichment engine`);
          steps.push(
            list.adapter === 'hbaseEnrichment'
              ? hbaseEnrichmentStep(list, section, deps.tables, deps.enrichmentTable ?? DEFAULT_ENRICHMENT_TABLE, errorType)
              : hbaseThreatIntelStep(list, section, deps.tables, deps.threatIntelTable ?? DEFAULT_THREAT_INTEL_TABLE),
          );
          break;
        }
        case 'asset':
        case 'identity':
          steps.push(assetIdentityStep(list, section, deps, file));
          break;
      }
    }
    // learning identities comes first, so the message that establishes one is enriched with it
    const learn = name === 'enrichment' ? identityLearnStep(section, deps, file, stellar, this.ctx) : undefined;
    if (learn !== undefined) steps.unshift(learn);
    if (plan.stellar.length > 0) {
      const groups = compileStellarGroups(plan.stellar, file, stellar);
      steps.push(stellarStep(groups, scope, this.ctx, { errorType, label: name === 'enrichment' ? 'ENRICHMENT' : 'THREAT_INTEL' }));
    }
    return new Stage(steps);
  }

  enrich(message: Message): EnrichmentResult {
    this.errors = null;
    this.index = undefined;
    const ok = this.run(message);
    const errors = this.errors ?? NO_ERRORS;
    this.errors = null;
    return { message: ok ? message : null, errors };
  }

  enrichBatch(messages: readonly Message[]): EnrichmentBatchResult {
    const enriched: Message[] = [];
    const errors: EnrichmentError[] = [];
    this.errors = errors;
    try {
      for (let i = 0; i < messages.length; i++) {
        this.index = i;
        const message = messages[i]!;
        if (this.run(message)) enriched.push(message);
      }
    } finally {
      this.errors = null;
      this.index = undefined;
    }
    return { messages: enriched, errors };
  }

  /** Runs the three steps on one message; false when a fatal error stopped it. */
  private run(message: Message): boolean {
    this.enrichment.run(message, this.out, this.sink);
    this.threatIntel.run(message, this.out, this.sink);
    return this.triageStep(message);
  }

  private triageStep(message: Message): boolean {
    let alert = false;
    const flag = message[IS_ALERT];
    if (flag !== undefined && flag !== null) {
      const value = convertToBoolean(fromJson(flag));
      if (value === null) {
        this.sink.add({
          errorType: 'threat_intel_error',
          message: `THREAT_INTEL error: is_alert is ${JSON.stringify(flag)}, which is not a boolean (true/false, yes/no, y/n, on/off, 1/0)`,
          adapter: IS_ALERT,
          jsonPath: '$',
          rawMessage: message,
          fatal: true,
        });
        return false;
      }
      if (value) alert = true;
      else delete message[IS_ALERT];
    } else {
      for (const key in message) {
        if (key.startsWith('threatintels') && !key.endsWith('.ts')) {
          alert = true;
          break;
        }
      }
    }
    if (!alert) return true;
    message[IS_ALERT] = 'true';
    if (this.triage.rules.length === 0) return true;

    const fired = this.fired;
    fired.length = 0;
    let score: number;
    this.triageScope.message = message;
    try {
      score = this.triage.score(this.triageScope.resolve, this.ctx, fired);
    } catch (err) {
      if (!(err instanceof TriageRuleError)) throw err;
      this.sink.add({
        errorType: 'threat_intel_error',
        message: `THREAT_INTEL error: ${err.message}`,
        adapter: 'threat_triage',
        jsonPath: `${err.rule.jsonPath}.${err.part}`,
        rawMessage: message,
        fatal: true,
      });
      fired.length = 0;
      return false;
    } finally {
      this.triageScope.release();
    }
    if (fired.length === 0) return true;
    message[THREAT_TRIAGE_SCORE] = scoreValue(score);
    for (let i = 0; i < fired.length; i++) {
      const { rule, score: ruleScore, reason } = fired[i]!;
      const keys = this.ruleKeys[i]!;
      message[keys.name] = rule.name;
      message[keys.comment] = rule.comment;
      message[keys.score] = scoreValue(ruleScore);
      message[keys.reason] = reason;
    }
    fired.length = 0;
    return true;
  }
}
