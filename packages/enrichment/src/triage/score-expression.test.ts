/**
 * A triage rule's `score` as a Stellar expression (Metron's RiskLevelRule allows a number or an
 * expression): accepted by the config schema and by THREAT_TRIAGE_ADD, compiled with the rules and
 * evaluated per message.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { compile, defaultRegistry } from '@metron/stellar';
import type { FunctionRegistry, StellarValue } from '@metron/stellar';
import { compileSensorEnrichment } from '../sensor-enrichment/sensor-enricher.js';
import { emptySensorEnrichmentConfig, normalizeSensorEnrichmentConfig, sensorEnrichmentConfigJson } from '../sensor-enrichment/config.js';
import { installTriageService } from './triage-service.js';

let registry: FunctionRegistry;
beforeAll(() => {
  registry = defaultRegistry();
  installTriageService(registry);
});

const run = (expr: string, vars: Record<string, StellarValue> = {}): StellarValue => compile(expr, { functions: registry }).run(vars);
const emptyConfig = sensorEnrichmentConfigJson(emptySensorEnrichmentConfig());

describe('a Stellar expression as a triage score', () => {
  it('THREAT_TRIAGE_ADD keeps it as the rule\'s score and THREAT_TRIAGE_SCORE evaluates it per message', () => {
    const json = run("THREAT_TRIAGE_ADD(config, [{ 'name': 'by severity', 'rule': 'severity > 0', 'score': 'severity * 10' }, { 'rule': 'true', 'score': '5' }])", { config: emptyConfig });
    const rules = normalizeSensorEnrichmentConfig(JSON.parse(json as string), 'x').threatIntel.triageConfig.riskLevelRules;
    expect(rules.map((r) => [r.rule, r.score])).toEqual([
      ['severity > 0', 'severity * 10'],
      ['true', '5'],
    ]);
    const engine = run('THREAT_TRIAGE_INIT(config)', { config: json });
    const score = (severity: number) => (run('THREAT_TRIAGE_SCORE(msg, engine)', { engine, msg: JSON.stringify({ severity }) }) as Map<StellarValue, StellarValue>).get('score');
    expect(score(3)).toBe(30);
    expect(score(7)).toBe(70);
    expect(score(0)).toBe(5);
  });

  it('THREAT_TRIAGE_ADD refuses a score expression that is not valid Stellar', () => {
    expect(() => run("THREAT_TRIAGE_ADD(config, { 'rule': 'true', 'score': 'severity *' })", { config: emptyConfig })).toThrow(/riskLevelRules\[0\]\.score/);
  });

  it('a sensor enrichment config with a score expression triages alerts with it', () => {
    const enricher = compileSensorEnrichment(
      'bro',
      {
        threatIntel: {
          triageConfig: {
            riskLevelRules: [
              { name: 'big transfer', rule: 'bytes > 1000', score: 'bytes / 100', reason: "FORMAT('%d bytes', bytes)" },
              { name: 'flat', rule: 'true', score: 1 },
            ],
            aggregator: 'SUM',
          },
        },
      },
      { functions: registry },
      'enrichments/bro.json',
    );
    const result = enricher.enrich({ is_alert: true, bytes: 5000, 'source.type': 'bro' });
    expect(result.errors).toEqual([]);
    expect(result.message).toMatchObject({
      is_alert: 'true',
      'threat.triage.score': 51,
      'threat.triage.rules.0.name': 'big transfer',
      'threat.triage.rules.0.score': 50,
      'threat.triage.rules.0.reason': '5000 bytes',
      'threat.triage.rules.1.score': 1,
    });
  });
});
