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
import { JsonTextScanner } from './json-text.js';
import { BatchTableCache } from './table-cache.js';
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
  type JsonEnrichmentResult,
  type JsonTailEnrichmentResult,
  type EnrichmentObserver,
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
  /**
   * Enriches one message given as JSON text: the result's JSON is what JSON.stringify writes for
   * what enrich() makes of JSON.parse(text), usually without building the message (see
   * json-text.ts). Throws (SyntaxError) only when the text is not JSON.
   */
  enrichJson(text: string): JsonEnrichmentResult;
  /**
   * enrichJson, giving a message the enrichment only appended to as its tail (see
   * JsonTailEnrichmentResult); `observer` is told what is written.
   */
  enrichJsonTail(text: string, observer?: EnrichmentObserver): JsonTailEnrichmentResult;
  /**
   * Until endBatch(), table reads of the hbase adapters are remembered (BatchTableCache): call it
   * before enriching a batch, endBatch() after. enrichBatch() does both itself.
   */
  beginBatch(): void;
  endBatch(): void;
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
  constructor(readonly steps: readonly StageStep[]) {}

  run(message: Message, out: OutputBuffer, errors: ErrorSink): void {
    out.reset();
    if (this.collect(message, out, errors)) join(message, out);
    out.reset();
  }

  /** Runs the steps into `out` without joining; true when one had work to do. */
  collect(message: Message, out: OutputBuffer, errors: ErrorSink): boolean {
    let ran = false;
    for (const step of this.steps) if (step.run(message, out, errors)) ran = true;
    return ran;
  }
}

/** How enrichJson reads a message's text for a config whose steps all declare their field reads. */
interface PlainTextPlan {
  readonly scanner: JsonTextScanner;
  /** The wanted fields, reused for every message. */
  readonly view: Record<string, unknown>;
  /** Some step writes keys that depend on the data (host, hbaseEnrichment): check for repeats. */
  readonly dynamicKeys: boolean;
}

/** Key prefixes of a message that the enrichment writes or decides on: such a message takes the general path. */
const RESERVED_KEYS = ['enrichments.', 'threatintels', IS_ALERT] as const;

/**
 * The plan of enrichJson's text path, or null when some step needs the whole message (Stellar,
 * assets, identities, ...), reads a field the enrichment writes, or two steps would write the
 * same key.
 */
function planPlainText(stages: readonly Stage[]): PlainTextPlan | null {
  const fields = new Set<string>(['source.type']);
  const seen = new Set<string>();
  let dynamicKeys = false;
  for (const stage of stages) {
    for (const step of stage.steps) {
      const reads = step.fieldReads;
      if (reads === undefined) return null;
      if (reads.adapter === 'host' || reads.adapter === 'hbaseEnrichment') dynamicKeys = true;
      for (const field of reads.fields) {
        if (RESERVED_KEYS.some((prefix) => field.startsWith(prefix))) return null;
        const use = `${reads.adapter}\u0000${field}`;
        if (seen.has(use)) return null;
        seen.add(use);
        fields.add(field);
      }
    }
  }
  const wanted = [...fields];
  const view: Record<string, unknown> = Object.create(null) as Record<string, unknown>;
  for (const field of wanted) view[field] = undefined;
  return { scanner: new JsonTextScanner(wanted, RESERVED_KEYS), view, dynamicKeys };
}

/** Whether a stage output makes the message an alert (triage's test on the joined message). */
function hasThreatIntel(out: OutputBuffer): boolean {
  for (let i = 0; i < out.length; i++) {
    const key = out.keys[i]!;
    const value = out.values[i];
    if (key.startsWith('threatintels') && !key.endsWith('.ts') && value !== null && value !== '' && value !== undefined) return true;
  }
  return false;
}

function hasRepeatedKey(a: OutputBuffer, b: OutputBuffer): boolean {
  const keys = new Set<string>();
  for (const out of [a, b]) {
    for (let i = 0; i < out.length; i++) {
      if (keys.has(out.keys[i]!)) return true;
      keys.add(out.keys[i]!);
    }
  }
  return false;
}

/** Most distinct output keys whose JSON text is kept (keys come from the config, and rows' keys). */
const KEY_TEXT_CACHE = 10_000;
/** Most string values whose JSON text is kept. */
const VALUE_TEXT_CACHE = 50_000;

/** The message keys of fired rule i, built once. */
interface RuleKeys {
  readonly name: string;
  readonly comment: string;
  readonly score: string;
  readonly reason: string;
}

function isAlert(message: Message): boolean {
  const flag = message[IS_ALERT];
  return flag === true || flag === 'true';
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
  /** The threat intel stage's outputs on enrichJson's text path (the enrichment stage's are in `out`). */
  private readonly outThreatIntel = new OutputBuffer();
  private readonly plainText: PlainTextPlan | null;
  private readonly keyText = new Map<string, string>();
  private readonly valueText = new Map<string, string>();
  /** Whether each stage had work on enrichPlain's last message (its join is then due). */
  private ranEnrichment = false;
  private ranThreatIntel = false;
  private readonly fired: FiredRule[] = [];
  private errors: EnrichmentError[] | null = null;
  private index: number | undefined;
  /** The hbase adapters' view of the tables (none without such adapters). */
  private tableCache: BatchTableCache | undefined;
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
    this.plainText = planPlainText([this.enrichment, this.threatIntel]);
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
          this.tableCache ??= new BatchTableCache(deps.tables);
          steps.push(
            list.adapter === 'hbaseEnrichment'
              ? hbaseEnrichmentStep(list, section, this.tableCache, deps.enrichmentTable ?? DEFAULT_ENRICHMENT_TABLE, errorType)
              : hbaseThreatIntelStep(list, section, this.tableCache, deps.threatIntelTable ?? DEFAULT_THREAT_INTEL_TABLE),
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

  beginBatch(): void {
    this.tableCache?.beginBatch();
  }

  endBatch(): void {
    this.tableCache?.endBatch();
  }

  enrichBatch(messages: readonly Message[]): EnrichmentBatchResult {
    const enriched: Message[] = [];
    const errors: EnrichmentError[] = [];
    this.errors = errors;
    this.beginBatch();
    try {
      for (let i = 0; i < messages.length; i++) {
        this.index = i;
        const message = messages[i]!;
        if (this.run(message)) enriched.push(message);
      }
    } finally {
      this.errors = null;
      this.index = undefined;
      this.endBatch();
    }
    return { messages: enriched, errors };
  }

  enrichJson(text: string): JsonEnrichmentResult {
    const { json, tail, alert, errors } = this.enrichJsonTail(text);
    if (json !== undefined) return { json, alert, errors };
    return { json: tail === '' ? text : `${text.slice(0, -1)}${tail}}`, alert, errors };
  }

  enrichJsonTail(text: string, observer?: EnrichmentObserver): JsonTailEnrichmentResult {
    this.errors = null;
    this.index = undefined;
    let json: string | null | undefined;
    let tail = '';
    let alert = false;
    const plan = this.plainText;
    const scan = plan === null ? null : plan.scanner.scan(text, plan.view);
    // a message with null or "" fields takes the general path: a stage's join drops them, which
    // a later stage's reads would see
    if (plan !== null && scan !== null && !scan.hasEmpty) {
      const plain = this.enrichPlain(plan, observer);
      if (plain !== undefined) {
        // `{}` gains its first keys: written whole (the tail starts with a comma)
        if (scan.keys === 0 && plain !== '') json = `{${plain.slice(1)}}`;
        else tail = plain;
      } else {
        // an alert, or a case the text path does not write: finish on the message
        const message = JSON.parse(text) as Message;
        observer?.read(message);
        if (this.joinCollected(message)) {
          json = JSON.stringify(message);
          alert = isAlert(message);
          observer?.written(message);
        } else json = null;
      }
    } else {
      const message = JSON.parse(text) as Message;
      observer?.read(message);
      if (this.run(message)) {
        json = JSON.stringify(message);
        alert = isAlert(message);
        observer?.written(message);
      } else json = null;
    }
    const errors = this.errors ?? NO_ERRORS;
    this.errors = null;
    return { json, tail, alert, errors };
  }

  /**
   * The text path: runs both stages' steps on the wanted fields; gives the JSON of the fields to
   * append ('' for none) when the message is no alert and only gains keys, else undefined with the
   * outputs left in `out` and `outThreatIntel` for joinCollected.
   */
  private enrichPlain(plan: PlainTextPlan, observer: EnrichmentObserver | undefined): string | undefined {
    const a = this.out;
    const b = this.outThreatIntel;
    a.reset();
    b.reset();
    this.ranEnrichment = this.enrichment.collect(plan.view as Message, a, this.sink);
    this.ranThreatIntel = this.threatIntel.collect(plan.view as Message, b, this.sink);
    if (hasThreatIntel(a) || hasThreatIntel(b)) return undefined;
    if (plan.dynamicKeys && hasRepeatedKey(a, b)) return undefined;
    let tail = '';
    for (const out of [a, b]) {
      for (let i = 0; i < out.length; i++) {
        const text = out.texts[i];
        const value = out.values[i];
        // the join leaves null and "" out (so does a text given with the outputs)
        const written = value !== null && value !== '' && value !== undefined;
        if (written && observer !== undefined) observer.appended(out.keys[i]!, value);
        if (text !== undefined) {
          tail += text;
          continue;
        }
        if (!written) continue;
        tail += `,${this.keyJson(out.keys[i]!)}:${typeof value === 'string' ? this.stringJson(value) : JSON.stringify(value)}`;
      }
      out.reset();
    }
    return tail;
  }

  /** Joins what enrichPlain collected into the parsed message, then triage; false when a fatal error stopped it. */
  private joinCollected(message: Message): boolean {
    if (this.ranEnrichment) join(message, this.out);
    if (this.ranThreatIntel) join(message, this.outThreatIntel);
    this.out.reset();
    this.outThreatIntel.reset();
    return this.triageStep(message);
  }

  /** A string value's JSON text (geo names and coordinates repeat); emptied when full. */
  private stringJson(value: string): string {
    let text = this.valueText.get(value);
    if (text === undefined) {
      text = JSON.stringify(value);
      if (this.valueText.size >= VALUE_TEXT_CACHE) this.valueText.clear();
      this.valueText.set(value, text);
    }
    return text;
  }

  /** A key's JSON text (keys repeat message after message). */
  private keyJson(key: string): string {
    let text = this.keyText.get(key);
    if (text === undefined) {
      text = JSON.stringify(key);
      if (this.keyText.size < KEY_TEXT_CACHE) this.keyText.set(key, text);
    }
    return text;
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
