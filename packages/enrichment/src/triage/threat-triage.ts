/**
 * Threat triage (Metron's ThreatTriageProcessor and RiskLevelRule): each rule whose Stellar
 * predicate holds for a message adds its score (a number, or a Stellar expression over the
 * message) and its reason (a Stellar expression, as text); the scores of the rules that fired are
 * aggregated into one. Everything is compiled once; scoring a message evaluates only the rules.
 */
import { errorMessage } from '@metron/core';
import type { TriageAggregator } from '@metron/core';
import type { CompiledExpression, EvalContext, StellarValue } from '@metron/stellar';
import type { ThreatTriageSettings } from '../sensor-enrichment/config.js';
import { convertToDouble, convertToString, javaText } from '../sensor-enrichment/java-values.js';
import { compileExpression, type StellarSettings } from '../sensor-enrichment/stellar-compile.js';
import { aggregateScores, negativeValuesTrump } from './aggregators.js';

/** One compiled risk level rule. */
export interface CompiledRiskLevelRule {
  readonly index: number;
  readonly name: string | null;
  readonly comment: string | null;
  /** The predicate's text. */
  readonly rule: string;
  /** The score expression's text (a number written in the config is its text). */
  readonly scoreText: string;
  readonly jsonPath: string;
  readonly predicate: CompiledExpression;
  /** A constant score, or the expression that computes it. */
  readonly score: number | CompiledExpression;
  readonly reason: CompiledExpression | null;
}

/** A rule that fired on a message, with its evaluated score and reason. */
export interface FiredRule {
  readonly rule: CompiledRiskLevelRule;
  readonly score: number;
  readonly reason: string | null;
}

/** A rule failed on a message (its predicate, score or reason threw, or gave a value of the wrong type). */
export class TriageRuleError extends Error {
  override readonly name = 'TriageRuleError';
  constructor(
    readonly rule: CompiledRiskLevelRule,
    readonly part: 'rule' | 'score' | 'reason',
    reason: string,
  ) {
    super(`threat triage rule ${rule.index}${rule.name === null ? '' : ` (${JSON.stringify(rule.name)})`} failed in its ${part}: ${reason}`);
  }
}

const PLAIN_NUMBER = /^[-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?$/;

type Resolver = (name: string) => StellarValue | undefined;

export class ThreatTriage {
  /** Scores of the rules that fired, reused across messages. */
  private readonly scratch: number[] = [];

  constructor(
    readonly rules: readonly CompiledRiskLevelRule[],
    readonly aggregator: TriageAggregator,
    readonly negativeValuesTrump: boolean,
  ) {}

  /**
   * Applies every rule to the variables; pushes the rules that fired (in rule order) to `fired` and
   * returns the aggregated score. Throws TriageRuleError.
   */
  score(resolve: Resolver, ctx: Partial<EvalContext>, fired: FiredRule[]): number {
    let count = 0;
    for (const rule of this.rules) {
      let holds: boolean;
      try {
        holds = rule.predicate.predicate(resolve, ctx);
      } catch (err) {
        throw new TriageRuleError(rule, 'rule', errorMessage(err));
      }
      if (!holds) continue;
      const reason = rule.reason === null ? null : this.reasonOf(rule, rule.reason, resolve, ctx);
      const score = typeof rule.score === 'number' ? rule.score : this.scoreOf(rule, rule.score, resolve, ctx);
      fired.push({ rule, score, reason });
      this.scratch[count++] = score;
    }
    return aggregateScores(this.aggregator, this.scratch, this.negativeValuesTrump, count);
  }

  private reasonOf(rule: CompiledRiskLevelRule, reason: CompiledExpression, resolve: Resolver, ctx: Partial<EvalContext>): string | null {
    try {
      return convertToString(reason.run(resolve, ctx));
    } catch (err) {
      throw new TriageRuleError(rule, 'reason', errorMessage(err));
    }
  }

  private scoreOf(rule: CompiledRiskLevelRule, score: CompiledExpression, resolve: Resolver, ctx: Partial<EvalContext>): number {
    let value: StellarValue;
    try {
      value = score.run(resolve, ctx);
    } catch (err) {
      throw new TriageRuleError(rule, 'score', errorMessage(err));
    }
    const n = convertToDouble(value);
    if (n === null) throw new TriageRuleError(rule, 'score', `the score expression gave ${value === null ? 'null' : `'${javaText(value)}'`}, which is not a number`);
    return n;
  }
}

/** Compiles a triage config (rules already checked for shape). Throws ConfigError naming the rule's JSON path. */
export function compileThreatTriage(settings: ThreatTriageSettings, file: string, stellar: StellarSettings): ThreatTriage {
  const rules = settings.riskLevelRules.map((r, index): CompiledRiskLevelRule => {
    const path = r.jsonPath ?? `$.threatIntel.triageConfig.riskLevelRules[${index}]`;
    const scoreText = r.score.trim();
    return {
      index,
      name: r.name ?? null,
      comment: r.comment ?? null,
      rule: r.rule,
      scoreText,
      jsonPath: path,
      predicate: compileExpression(r.rule, file, `${path}.rule`, stellar),
      score: PLAIN_NUMBER.test(scoreText) ? Number(scoreText) : compileExpression(scoreText, file, `${path}.score`, stellar),
      reason: r.reason === undefined ? null : compileExpression(r.reason, file, `${path}.reason`, stellar),
    };
  });
  return new ThreatTriage(rules, settings.aggregator, negativeValuesTrump(settings.aggregationConfig));
}
