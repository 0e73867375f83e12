/** The triage engine with the configs and messages of Metron's ThreatTriageTest. */
import { describe, expect, it } from 'vitest';
import { JLong, fromJson } from '@metron/stellar';
import type { StellarValue } from '@metron/stellar';
import { normalizeSensorEnrichmentConfig } from '../sensor-enrichment/config.js';
import { registryOrDefault } from '../sensor-enrichment/stellar-compile.js';
import { VariableScope } from '../sensor-enrichment/variables.js';
import { jacksonMap } from '../sensor-enrichment/java-values.js';
import { compileThreatTriage, type FiredRule } from './threat-triage.js';

function processor(config: Record<string, unknown>) {
  const normalized = normalizeSensorEnrichmentConfig(config, 'test.json');
  const triage = compileThreatTriage(normalized.threatIntel.triageConfig, 'test.json', { functions: registryOrDefault(undefined), limits: {}, warnings: [] });
  const scope = new VariableScope([jacksonMap(normalized.configuration), jacksonMap(normalized.threatIntel.config)]);
  return (message: Record<string, unknown>) => {
    scope.message = message;
    const fired: FiredRule[] = [];
    const score = triage.score(scope.resolve, { missingVariables: 'null' }, fired);
    return { score, fired };
  };
}

const smoke = processor({
  threatIntel: {
    triageConfig: {
      riskLevelRules: [
        { name: 'rule 1', rule: "user.type in [ 'admin', 'power' ] and asset.type == 'web'", score: 10 },
        { name: 'rule 2', comment: 'web type!', rule: "asset.type == 'web'", score: 5 },
        { name: 'rule 3', rule: "user.type == 'normal' and asset.type == 'web'", score: 0 },
        { name: 'rule 4', rule: 'user.type in whitelist', score: -1, reason: 'user.type' },
      ],
      aggregator: 'MAX',
    },
    config: { whitelist: ['abnormal'] },
  },
});

describe('ThreatTriageTest', () => {
  it('smoke test: MAX of the rules that fire; a negative score trumps', () => {
    expect(processor({})({ 'user.type': 'admin', 'asset.type': 'web' }).score).toBe(0);
    expect(smoke({ 'user.type': 'admin', 'asset.type': 'web' }).score).toBe(10);
    expect(smoke({ 'user.type': 'normal', 'asset.type': 'web' }).score).toBe(5);
    expect(smoke({ 'user.type': 'foo', 'asset.type': 'bar' }).score).toBe(0);
    expect(smoke({ 'user.type': 'abnormal', 'asset.type': 'bar' }).score).toBe(-Infinity);
  });

  it('records each rule that fired, with its reason', () => {
    expect(smoke({ 'user.type': 'admin', 'asset.type': 'web' }).fired.map((f) => f.rule.name)).toEqual(['rule 1', 'rule 2']);
    const one = smoke({ 'user.type': 'abnormal', 'asset.type': 'invalid' }).fired;
    expect(one.map((f) => [f.rule.name, f.score, f.reason])).toEqual([['rule 4', -1, 'abnormal']]);
    expect(smoke({ 'user.type': 'foo', 'asset.type': 'bar' }).fired).toEqual([]);
  });

  it('POSITIVE_MEAN', () => {
    const positive = processor({
      threatIntel: {
        triageConfig: {
          riskLevelRules: [
            { rule: "user.type in [ 'admin', 'power' ] and asset.type == 'web'", score: 10 },
            { rule: "asset.type == 'web'", score: 5 },
            { rule: "user.type == 'normal' and asset.type == 'web'", score: 0 },
          ],
          aggregator: 'POSITIVE_MEAN',
        },
      },
    });
    expect(positive({ 'user.type': 'normal', 'asset.type': 'web' }).score).toBe(5);
    expect(positive({ 'user.type': 'admin', 'asset.type': 'web' }).score).toBe(7.5);
    expect(positive({ 'user.type': 'foo', 'asset.type': 'bar' }).score).toBe(0);
  });

  it('rules call Stellar functions', () => {
    const p = processor({ threatIntel: { triageConfig: { riskLevelRules: [{ rule: "not(IN_SUBNET(ip_dst_addr, '192.168.0.0/24'))", score: 10 }], aggregator: 'MAX' } } });
    expect(p({ ip_dst_addr: '172.2.2.2' }).score).toBe(10);
    expect(p({ ip_dst_addr: '192.168.0.9' }).score).toBe(0);
  });

  const reasonConfig = { threatIntel: { triageConfig: { riskLevelRules: [{ name: 'Rule Name', comment: 'Rule Comment', rule: '2 == 2', score: 10, reason: 'variable.name' }], aggregator: 'MAX' } } };

  it("the reason is the reason expression's value; a missing variable gives null, not an error", () => {
    expect(processor(reasonConfig)({ 'variable.name': 'variable.value' }).fired.map((f) => f.reason)).toEqual(['variable.value']);
    expect(processor(reasonConfig)({}).fired.map((f) => f.reason)).toEqual([null]);
  });

  it('the reason is text: numbers as Java writes them, a list through its first element', () => {
    const p = processor({ threatIntel: { triageConfig: { riskLevelRules: [{ rule: 'true', score: 1, reason: 'r' }] } } });
    expect(p({ r: 2.5 }).fired[0]?.reason).toBe('2.5');
    expect(p({ r: 3 }).fired[0]?.reason).toBe('3');
    expect(p({ r: ['first', 'second'] }).fired[0]?.reason).toBe('first');
    expect(p({ r: { k: 1 } }).fired[0]?.reason).toBe('{k=1}');
  });

  it('a numeric score, or a Stellar expression over the message', () => {
    expect(processor({ threatIntel: { triageConfig: { riskLevelRules: [{ rule: 'true', score: 10 }] } } })({}).score).toBe(10);
    const expr = processor({ threatIntel: { triageConfig: { riskLevelRules: [{ rule: 'true', score: 'priority * 10.1' }], aggregator: 'MAX' } } });
    expect(expr({ priority: 100 }).score).toBeCloseTo(1010, 10);
    // numeric text and booleans convert as Metron's ConversionUtils does
    const text = processor({ threatIntel: { triageConfig: { riskLevelRules: [{ rule: 'true', score: 's' }] } } });
    expect(text({ s: '42.5' }).score).toBe(42.5);
    expect(text({ s: true }).score).toBe(1);
  });

  it('messages are read with Java types: integral JSON numbers are longs', () => {
    const seen: StellarValue[] = [];
    const scope = new VariableScope([]);
    scope.message = { port: 53, ratio: 0.5 };
    seen.push(scope.resolve('port') ?? null, scope.resolve('ratio') ?? null, scope.resolve('missing') ?? null);
    expect(seen).toEqual([new JLong(53n), 0.5, null]);
    expect(fromJson(53)).toEqual(new JLong(53n));
  });
});
