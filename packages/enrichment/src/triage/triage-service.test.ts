/**
 * THREAT_TRIAGE_* through the Stellar evaluator with this package's 'triage' service installed,
 * following Metron's ThreatTriageFunctionsTest.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { StellarEvalError, compile, defaultRegistry } from '@metron/stellar';
import type { FunctionRegistry, StellarValue } from '@metron/stellar';
import { emptySensorEnrichmentConfig, normalizeSensorEnrichmentConfig, sensorEnrichmentConfigJson } from '../sensor-enrichment/config.js';
import { TriageEngine, installTriageService } from './triage-service.js';

let registry: FunctionRegistry;
beforeAll(() => {
  registry = defaultRegistry();
  installTriageService(registry);
});

const run = (expr: string, vars: Record<string, StellarValue> = {}): StellarValue => compile(expr, { functions: registry }).run(vars);
const emptyConfig = sensorEnrichmentConfigJson(emptySensorEnrichmentConfig());
const rulesOf = (json: StellarValue) => normalizeSensorEnrichmentConfig(JSON.parse(json as string), 'x').threatIntel.triageConfig.riskLevelRules.map(({ jsonPath: _, ...r }) => r);
const MESSAGE = JSON.stringify({ timestamp: 1504548045948, 'source.type': 'example', value: 22 });

describe('THREAT_TRIAGE_* editing configs', () => {
  it('SET_AGGREGATOR on a config and on an engine (changed in place)', () => {
    const json = run("THREAT_TRIAGE_SET_AGGREGATOR(config, 'MIN')", { config: emptyConfig });
    expect(JSON.parse(json as string).threatIntel.triageConfig.aggregator).toBe('MIN');
    const engine = run('THREAT_TRIAGE_INIT()');
    run("THREAT_TRIAGE_SET_AGGREGATOR(engine, 'POSITIVE_MEAN', {'negativeValuesTrump': false})", { engine });
    expect((engine as TriageEngine).config.threatIntel.triageConfig).toMatchObject({ aggregator: 'POSITIVE_MEAN', aggregationConfig: { negativeValuesTrump: false } });
    expect((engine as TriageEngine).triage.negativeValuesTrump).toBe(false);
  });

  it('ADD appends rules (score kept as its text), skips a rule already there', () => {
    let json = run("THREAT_TRIAGE_ADD(config, { 'rule' : '1 < 2', 'score' : 10, 'reason' : '2 + 2' })", { config: emptyConfig });
    json = run("THREAT_TRIAGE_ADD(config, { 'rule' : '1 > 2', 'score' : 20 })", { config: json });
    json = run("THREAT_TRIAGE_ADD(config, { 'rule' : '1 < 2', 'score' : 30 })", { config: json });
    expect(rulesOf(json)).toEqual([
      { rule: '1 < 2', score: '10', reason: '2 + 2' },
      { rule: '1 > 2', score: '20' },
    ]);
  });

  it('ADD to an engine changes the engine', () => {
    const engine = run('THREAT_TRIAGE_INIT()') as TriageEngine;
    run("THREAT_TRIAGE_ADD(engine, { 'name':'rule1', 'rule':'value < 2', 'score':10 })", { engine });
    run("THREAT_TRIAGE_ADD(engine, [{ 'name':'rule2', 'rule':'value < 4', 'score':10 }])", { engine });
    expect(engine.riskLevelRules.map((r) => r.name)).toEqual(['rule1', 'rule2']);
    expect(String(engine)).toBe('ThreatTriage{2 rule(s)}');
  });

  it('ADD refuses a rule that is not valid Stellar, and leaves an engine as it was', () => {
    const engine = run("THREAT_TRIAGE_INIT(c)", { c: JSON.stringify({ threatIntel: { triageConfig: { riskLevelRules: [{ rule: 'true', score: 1 }] } } }) }) as TriageEngine;
    expect(() => run("THREAT_TRIAGE_ADD(engine, { 'rule' : 'value <', 'score' : 10 })", { engine })).toThrow(StellarEvalError);
    expect(() => run("THREAT_TRIAGE_ADD(config, { 'rule' : 'value <', 'score' : 10 })", { config: emptyConfig })).toThrow(/riskLevelRules\[0\]\.rule: invalid Stellar expression/);
    expect(engine.riskLevelRules).toHaveLength(1);
  });

  it('REMOVE by rule text or by name; unknown ones are ignored', () => {
    let json = run("THREAT_TRIAGE_ADD(config, [ { 'rule' : '1 < 2', 'score' : 10 }, { 'name' : 'big', 'rule' : '1 > 2', 'score' : 20 } ])", { config: emptyConfig });
    expect(rulesOf(run("THREAT_TRIAGE_REMOVE(config, [ 'foo', 'bar' ])", { config: json }))).toHaveLength(2);
    json = run("THREAT_TRIAGE_REMOVE(config, [ 'big' ])", { config: json });
    expect(rulesOf(json)).toEqual([{ rule: '1 < 2', score: '10' }]);
    expect(rulesOf(run("THREAT_TRIAGE_REMOVE(config, [ '1 < 2' ])", { config: json }))).toEqual([]);
    const engine = run('THREAT_TRIAGE_INIT()') as TriageEngine;
    run("THREAT_TRIAGE_ADD(engine, [ { 'rule' : '1 < 2', 'score' : 10 }, { 'rule' : '1 > 2', 'score' : 20 } ])", { engine });
    run("THREAT_TRIAGE_REMOVE(engine, [ '1 > 2' ])", { engine });
    expect(engine.riskLevelRules.map((r) => r.rule)).toEqual(['1 < 2']);
  });
});

describe('THREAT_TRIAGE_PRINT', () => {
  it("prints the rules as Metron's FlipTable, then the aggregation", () => {
    const json = run("THREAT_TRIAGE_ADD(config, [ { 'rule' : '1 < 2', 'score' : 10, 'reason' : '2 + 2' }, { 'rule' : '1 > 2', 'score' : 20 } ])", { config: emptyConfig });
    const expected = [
      '╔══════╤═════════╤═════════════╤═══════╤════════╗',
      '║ Name │ Comment │ Triage Rule │ Score │ Reason ║',
      '╠══════╪═════════╪═════════════╪═══════╪════════╣',
      '║      │         │ 1 < 2       │ 10    │ 2 + 2  ║',
      '╟──────┼─────────┼─────────────┼───────┼────────╢',
      '║      │         │ 1 > 2       │ 20    │        ║',
      '╚══════╧═════════╧═════════════╧═══════╧════════╝',
      'Aggregation: MAX',
    ].join('\n');
    expect(run('THREAT_TRIAGE_PRINT(config)', { config: json })).toBe(expected);
    const engine = run('THREAT_TRIAGE_INIT(config)', { config: json });
    expect(run('THREAT_TRIAGE_PRINT(engine)', { engine })).toBe(expected);
  });

  it('prints "(empty)" without rules, and fails on null', () => {
    expect(run('THREAT_TRIAGE_PRINT(config)', { config: emptyConfig })).toBe(
      [
        '╔══════╤═════════╤═════════════╤═══════╤════════╗',
        '║ Name │ Comment │ Triage Rule │ Score │ Reason ║',
        '╠══════╧═════════╧═════════════╧═══════╧════════╣',
        '║ (empty)                                       ║',
        '╚═══════════════════════════════════════════════╝',
        '',
      ].join('\n'),
    );
    expect(() => run('THREAT_TRIAGE_PRINT(config)', { config: null })).toThrow(StellarEvalError);
  });

  it('prints names, comments, fractional scores and score expressions', () => {
    const config = JSON.stringify({ threatIntel: { triageConfig: { riskLevelRules: [{ name: 'n', comment: 'c', rule: 'x', score: 2.5 }, { rule: 'y', score: 'priority * 2' }], aggregator: 'SUM' } } });
    expect(run('THREAT_TRIAGE_PRINT(config)', { config })).toBe(
      [
        '╔══════╤═════════╤═════════════╤══════════════╤════════╗',
        '║ Name │ Comment │ Triage Rule │ Score        │ Reason ║',
        '╠══════╪═════════╪═════════════╪══════════════╪════════╣',
        '║ n    │ c       │ x           │ 2.5          │        ║',
        '╟──────┼─────────┼─────────────┼──────────────┼────────╢',
        '║      │         │ y           │ priority * 2 │        ║',
        '╚══════╧═════════╧═════════════╧══════════════╧════════╝',
        'Aggregation: SUM',
      ].join('\n'),
    );
  });
});

describe('THREAT_TRIAGE_INIT, SCORE and CONFIG', () => {
  it('INIT without a config has no rules; with one, its rules; a null config is refused', () => {
    expect((run('THREAT_TRIAGE_INIT()') as TriageEngine).riskLevelRules).toEqual([]);
    const conf = run("THREAT_TRIAGE_ADD(conf, [{ 'rule': 'value > 0', 'score' : 10 }])", { conf: emptyConfig });
    expect((run('THREAT_TRIAGE_INIT(conf)', { conf }) as TriageEngine).riskLevelRules).toHaveLength(1);
    expect(() => run('THREAT_TRIAGE_INIT(missing)')).toThrow(StellarEvalError);
    expect(() => run("THREAT_TRIAGE_INIT('{\"threatIntel\": {\"triageConfig\": {\"aggregator\": \"BEST\"}}}')")).toThrow(/aggregator/);
  });

  it('SCORE without rules: 0.0 and no rules', () => {
    const engine = run('THREAT_TRIAGE_INIT()');
    const result = run('THREAT_TRIAGE_SCORE(msg, engine)', { engine, msg: MESSAGE }) as Map<StellarValue, StellarValue>;
    expect(result).toEqual(new Map<StellarValue, StellarValue>([['score', 0], ['rules', []], ['aggregator', 'MAX']]));
  });

  it('SCORE with a rule: the total, each rule that fired, the aggregator', () => {
    const conf = run("THREAT_TRIAGE_ADD(conf, [{ 'name': 'positive', 'rule': 'value > 0', 'score' : 10, 'reason': \"FORMAT('value %d', value)\" }])", { conf: emptyConfig });
    const engine = run('THREAT_TRIAGE_INIT(conf)', { conf });
    const result = run('THREAT_TRIAGE_SCORE(msg, engine)', { engine, msg: MESSAGE }) as Map<StellarValue, StellarValue>;
    expect(result).toEqual(
      new Map<StellarValue, StellarValue>([
        ['score', 10],
        ['rules', [new Map<StellarValue, StellarValue>([['name', 'positive'], ['rule', 'value > 0'], ['score', 10], ['reason', 'value 22']])]],
        ['aggregator', 'MAX'],
      ]),
    );
    // a map works as the message too, and the result is usable in Stellar
    expect(run("MAP_GET('score', THREAT_TRIAGE_SCORE({'value': 3}, engine))", { engine })).toBe(10);
  });

  it('SCORE with a score expression (the rule comes from a config)', () => {
    const conf = JSON.stringify({ threatIntel: { triageConfig: { riskLevelRules: [{ rule: 'value > 0', score: 'value * 10' }] } } });
    const engine = run('THREAT_TRIAGE_INIT(conf)', { conf });
    expect((run('THREAT_TRIAGE_SCORE(msg, engine)', { engine, msg: MESSAGE }) as Map<StellarValue, StellarValue>).get('score')).toBe(220);
  });

  it('SCORE needs a message and an engine', () => {
    const engine = run('THREAT_TRIAGE_INIT()');
    expect(() => run('THREAT_TRIAGE_SCORE(11, engine)', { engine })).toThrow(StellarEvalError);
    expect(() => run("THREAT_TRIAGE_SCORE('{}', 'engine')")).toThrow(StellarEvalError);
  });

  it("a rule failing on the message fails the call with the rule's name", () => {
    const conf = JSON.stringify({ threatIntel: { triageConfig: { riskLevelRules: [{ name: 'text', rule: 'value', score: 1 }] } } });
    const engine = run('THREAT_TRIAGE_INIT(conf)', { conf });
    expect(() => run('THREAT_TRIAGE_SCORE(msg, engine)', { engine, msg: MESSAGE })).toThrow(/threat triage rule 0 \("text"\) failed in its rule/);
  });

  it("CONFIG gives the engine's config as Metron writes it", () => {
    expect(run('THREAT_TRIAGE_CONFIG(THREAT_TRIAGE_INIT())')).toBe(emptyConfig);
    expect(emptyConfig).toBe(
      '{\n  "enrichment" : {\n    "fieldMap" : { },\n    "fieldToTypeMap" : { },\n    "config" : { }\n  },\n  "threatIntel" : {\n    "fieldMap" : { },\n    "fieldToTypeMap" : { },\n    "config" : { },\n    "triageConfig" : {\n      "riskLevelRules" : [ ],\n      "aggregator" : "MAX",\n      "aggregationConfig" : { }\n    }\n  },\n  "configuration" : { }\n}',
    );
  });
});
