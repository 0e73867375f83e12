/**
 * THREAT_TRIAGE_* (Metron's ThreatTriageFunctions, REPL helpers): thin adapters over the triage
 * module ('triage'), which owns the triage engine, rule evaluation and the enrichment-config
 * editing. Sensor configs travel as JSON strings, as in Metron.
 */
import { fromJson, isNumber, toDouble } from '../values.js';
import type { StellarValue } from '../values.js';
import { StellarFunctionError } from './types.js';
import type { StellarFunction } from './types.js';
import { optionalMapArg, requireService, stringArg } from './service-adapter.js';

/** A threat triage engine, owned by the triage module (opaque to Stellar). */
export type TriageEngineRef = object;

/** One triage rule: a Stellar predicate and the score it adds. */
export interface TriageRule {
  name?: string;
  comment?: string;
  rule: string;
  /** The score: a number, or a Stellar expression giving it per message (as a config's rule may have). */
  score: number | string;
  /** A Stellar expression explaining the score. */
  reason?: string;
}

/**
 * The sensor enrichment config to read or change: its JSON, or an engine (whose config is then
 * changed in place, as Metron does).
 */
export type TriageConfigSource = string | TriageEngineRef;

/** What the triage module installs under the service name 'triage'. */
export interface TriageService {
  /** An engine for a triage configuration (JSON), or an empty one when config is null. */
  createEngine(config: string | null): TriageEngineRef;
  isEngine(value: unknown): value is TriageEngineRef;
  /**
   * Scores a message: a map with 'score' (double), 'aggregator' and 'rules' (one map per rule
   * that fired: name, rule, score, reason, comment when set).
   */
  score(engine: TriageEngineRef, message: Map<StellarValue, StellarValue>): Map<StellarValue, StellarValue>;
  /** The configuration the engine runs, as JSON. */
  engineConfig(engine: TriageEngineRef): string;
  /** A table of the rules (Name, Comment, Triage Rule, Score, Reason) and the aggregation; '' without triage config. */
  printRules(source: TriageConfigSource): string;
  /** The changed sensor enrichment config (JSON), with the rules appended. */
  addRules(source: TriageConfigSource, rules: TriageRule[]): string;
  /** The changed sensor enrichment config (JSON), without the rules whose expression or name is listed. */
  removeRules(source: TriageConfigSource, rulesOrNames: string[]): string;
  /** The changed sensor enrichment config (JSON), with the aggregator (MIN, MAX, MEAN, SUM, POSITIVE_MEAN) set. */
  setAggregator(source: TriageConfigSource, aggregator: string, aggregatorConfig: Map<StellarValue, StellarValue> | undefined): string;
}

const TRIAGE = 'triage';

function service(ctx: Parameters<StellarFunction['call']>[1], fn: string): TriageService {
  return requireService<TriageService>(ctx, fn, TRIAGE);
}

function configArg(fn: string, triage: TriageService, v: StellarValue | undefined): TriageConfigSource {
  if (typeof v === 'string' || triage.isEngine(v)) return v;
  throw new StellarFunctionError(`${fn}: sensorConfig must be a JSON config or a threat triage engine, got ${v === null || v === undefined ? 'null' : typeof v}`);
}

function engineArg(fn: string, triage: TriageService, v: StellarValue | undefined): TriageEngineRef {
  if (!triage.isEngine(v)) throw new StellarFunctionError(`${fn}: engine must be a threat triage engine from THREAT_TRIAGE_INIT`);
  return v;
}

function optionalText(m: Map<StellarValue, StellarValue>, key: string): string | undefined {
  const v = m.get(key);
  return typeof v === 'string' ? v : undefined;
}

/** A rule map as a rule; undefined (skipped, as Metron does) without 'rule' and 'score'. A numeric score text is a number. */
function ruleOf(fn: string, v: StellarValue): TriageRule | undefined {
  if (!(v instanceof Map) || !v.has('rule') || !v.has('score')) return undefined;
  const rule = v.get('rule');
  const score = v.get('score');
  if (typeof rule !== 'string') throw new StellarFunctionError(`${fn}: a triage rule's 'rule' must be a Stellar expression`);
  // Metron converted the score to a Double here; a config's rule may also give a Stellar expression
  // as its score, so text that is not a number is kept as one (it compiles with the rules).
  let value: number | string | undefined;
  if (isNumber(score)) value = toDouble(score);
  else if (typeof score === 'string' && score.trim() !== '') value = Number.isNaN(Number(score)) ? score.trim() : Number(score);
  if (value === undefined) throw new StellarFunctionError(`${fn}: a triage rule's 'score' must be a number or a Stellar expression (text)`);
  const out: TriageRule = { rule, score: value };
  const name = optionalText(v, 'name');
  const comment = optionalText(v, 'comment');
  const reason = optionalText(v, 'reason');
  if (name !== undefined) out.name = name;
  if (comment !== undefined) out.comment = comment;
  if (reason !== undefined) out.reason = reason;
  return out;
}

function messageArg(fn: string, v: StellarValue | undefined): Map<StellarValue, StellarValue> {
  if (v instanceof Map) return v;
  if (typeof v === 'string') {
    let parsed: unknown;
    try {
      parsed = JSON.parse(v);
    } catch {
      throw new StellarFunctionError(`${fn}: the message is not valid JSON`);
    }
    const value = fromJson(parsed);
    if (value instanceof Map) return value;
  }
  throw new StellarFunctionError(`${fn}: message must be a map or a JSON object string`);
}

const SENSOR_CONFIG = 'sensorConfig - The sensor enrichment config (JSON) to change, or an engine from THREAT_TRIAGE_INIT';

export const functions: StellarFunction[] = [
  {
    name: 'THREAT_TRIAGE_INIT',
    namespace: 'THREAT_TRIAGE',
    description: 'Creates a threat triage engine that runs a set of triage rules.',
    params: ['config - (optional) The threat triage configuration (JSON)'],
    returns: 'A threat triage engine.',
    requires: TRIAGE,
    call(args, ctx) {
      if (args.length === 0) return service(ctx, 'THREAT_TRIAGE_INIT').createEngine(null);
      if (args[0] === null) throw new StellarFunctionError("THREAT_TRIAGE_INIT: invalid configuration: unable to deserialize 'null'");
      return service(ctx, 'THREAT_TRIAGE_INIT').createEngine(stringArg('THREAT_TRIAGE_INIT', args, 0, 'config'));
    },
  },
  {
    name: 'THREAT_TRIAGE_SCORE',
    namespace: 'THREAT_TRIAGE',
    description: 'Scores a message with the rules of a threat triage engine.',
    params: ['message - The message (a map or a JSON string)', 'engine - An engine from THREAT_TRIAGE_INIT'],
    returns: 'A map with the score and the contribution of each rule.',
    requires: TRIAGE,
    call(args, ctx) {
      const triage = service(ctx, 'THREAT_TRIAGE_SCORE');
      const engine = engineArg('THREAT_TRIAGE_SCORE', triage, args[1]);
      return triage.score(engine, messageArg('THREAT_TRIAGE_SCORE', args[0]));
    },
  },
  {
    name: 'THREAT_TRIAGE_CONFIG',
    namespace: 'THREAT_TRIAGE',
    description: 'Exports the configuration a threat triage engine runs.',
    params: ['engine - An engine from THREAT_TRIAGE_INIT'],
    returns: 'The configuration as JSON.',
    requires: TRIAGE,
    call(args, ctx) {
      const triage = service(ctx, 'THREAT_TRIAGE_CONFIG');
      return triage.engineConfig(engineArg('THREAT_TRIAGE_CONFIG', triage, args[0]));
    },
  },
  {
    name: 'THREAT_TRIAGE_PRINT',
    namespace: 'THREAT_TRIAGE',
    description: 'Shows the triage rules of a sensor enrichment config or of an engine as a table.',
    params: ['config - A sensor enrichment config (JSON) or an engine from THREAT_TRIAGE_INIT'],
    returns: 'The rules and the aggregation as a table (empty without triage config).',
    requires: TRIAGE,
    call(args, ctx) {
      const triage = service(ctx, 'THREAT_TRIAGE_PRINT');
      return triage.printRules(configArg('THREAT_TRIAGE_PRINT', triage, args[0]));
    },
  },
  {
    name: 'THREAT_TRIAGE_ADD',
    namespace: 'THREAT_TRIAGE',
    description: 'Adds triage rules to a sensor enrichment config.',
    params: [SENSOR_CONFIG, "triageRules - A rule map (keys 'rule' and 'score', a number or a Stellar expression; optionally 'name', 'comment', 'reason') or a list of them"],
    returns: 'The changed sensor enrichment config (JSON).',
    requires: TRIAGE,
    call(args, ctx) {
      const triage = service(ctx, 'THREAT_TRIAGE_ADD');
      const config = configArg('THREAT_TRIAGE_ADD', triage, args[0]);
      const given = args[1];
      let list: StellarValue[];
      if (given instanceof Map) list = [given];
      else if (Array.isArray(given)) list = given;
      else throw new StellarFunctionError('THREAT_TRIAGE_ADD: triage rule expected to be map or list');
      const rules = list.map((r) => ruleOf('THREAT_TRIAGE_ADD', r)).filter((r): r is TriageRule => r !== undefined);
      return triage.addRules(config, rules);
    },
  },
  {
    name: 'THREAT_TRIAGE_REMOVE',
    namespace: 'THREAT_TRIAGE',
    description: 'Removes triage rules, by expression or by name, from a sensor enrichment config.',
    params: [SENSOR_CONFIG, 'rules - A list of rule expressions or rule names to remove'],
    returns: 'The changed sensor enrichment config (JSON).',
    requires: TRIAGE,
    call(args, ctx) {
      const triage = service(ctx, 'THREAT_TRIAGE_REMOVE');
      const config = configArg('THREAT_TRIAGE_REMOVE', triage, args[0]);
      const given = args[1];
      const list = Array.isArray(given) ? given : given === undefined || given === null ? [] : [given];
      const names = list.map((r) => {
        if (typeof r !== 'string') throw new StellarFunctionError('THREAT_TRIAGE_REMOVE: rules must be strings');
        return r;
      });
      return triage.removeRules(config, names);
    },
  },
  {
    name: 'THREAT_TRIAGE_SET_AGGREGATOR',
    namespace: 'THREAT_TRIAGE',
    description: 'Sets how the scores of the triage rules are combined in a sensor enrichment config.',
    params: [SENSOR_CONFIG, 'aggregator - One of MIN, MAX, MEAN, SUM, POSITIVE_MEAN', 'aggregatorConfig - (optional) Map configuring the aggregator'],
    returns: 'The changed sensor enrichment config (JSON).',
    requires: TRIAGE,
    call(args, ctx) {
      const triage = service(ctx, 'THREAT_TRIAGE_SET_AGGREGATOR');
      const config = configArg('THREAT_TRIAGE_SET_AGGREGATOR', triage, args[0]);
      const aggregator = stringArg('THREAT_TRIAGE_SET_AGGREGATOR', args, 1, 'aggregator');
      const known = ['MIN', 'MAX', 'MEAN', 'SUM', 'POSITIVE_MEAN'];
      if (!known.includes(aggregator.toUpperCase())) {
        throw new StellarFunctionError(`THREAT_TRIAGE_SET_AGGREGATOR: aggregator must be one of ${known.join(', ')}`);
      }
      const aggregatorConfig = optionalMapArg('THREAT_TRIAGE_SET_AGGREGATOR', args, 2, 'aggregatorConfig');
      return triage.setAggregator(config, aggregator.toUpperCase(), aggregatorConfig);
    },
  },
];
