export { TRIAGE_AGGREGATORS, NEGATIVE_VALUES_TRUMP, aggregateScores, negativeValuesTrump } from './aggregators.js';
export { ThreatTriage, TriageRuleError, compileThreatTriage, type CompiledRiskLevelRule, type FiredRule } from './threat-triage.js';
export {
  TriageEngine,
  createTriageStellarService,
  installTriageService,
  type TriageRuleInput,
  type TriageServiceOptions,
  type TriageStellarService,
} from './triage-service.js';
export { flipTable } from './flip-table.js';
