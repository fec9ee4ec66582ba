// Learned rule scores (`gridcode tune`): a logistic model of "confirmed" over
// which rules fired (logistic.ts), on the scale that makes the rule set's
// thresholds mean the stated probabilities (score-scale.ts).
//
// - Sites where an `exempt` or `red` rule fired are left out: their code does
//   not depend on the scores.
// - Effect rules keep their score; so does a score rule with fewer than
//   minSupport decided sites among those used: its score/a enters the model as
//   a known part of the offset, like the fixed intercept.
// - The others are fitted, each weight bounded to [0, 100/a] (scores are 0 …
//   100, rules.md) and pulled towards its current score/a by the prior (l2).
// - The new score is round(a·w), kept within 0 … 100.
import { fitLogistic } from './logistic.js';
import { capRise, type RiseCap } from './rise-guard.js';
import { priorPrecision, scoreScale, type ScoreScale, type Thresholds } from './score-scale.js';
import type { TuneRule, TuneSite } from './tune-site.js';

export type ScoreStatus = 'learned' | 'capped' | 'too little support' | 'effect rule';

export interface LearnedScore {
  readonly rule: string;
  readonly before: number;
  readonly after: number;
  /** Decided sites used for the fit that the rule fired for, and confirmed among them. */
  readonly support: number;
  readonly confirmed: number;
  readonly status: ScoreStatus;
  /** Status 'capped': what the fit wanted and why it was held back (rise-guard.ts). */
  readonly cap?: RiseCap;
}

export interface ScoreOptions {
  readonly thresholds: Thresholds;
  readonly pYellow: number;
  readonly pRed: number;
  readonly minSupport: number;
  /** Prior precision λ, in 1/logit² (default: priorPrecision(scale), a prior of PRIOR_SD_POINTS). */
  readonly l2?: number;
  /** The guard on rises across a threshold (rise-guard.ts); default true. false only for negative controls (tests, the loop's comparison). */
  readonly riseGuard?: boolean;
}


export interface LearnedScores {
  readonly scale: ScoreScale;
  /** Decided sites fitted on, and those left out because an effect rule fired. */
  readonly fitted: number;
  readonly effectSites: number;
  readonly scores: readonly LearnedScore[];
}

export function learnScores(sites: readonly TuneSite[], rules: readonly TuneRule[], options: ScoreOptions): LearnedScores {
  const scale = scoreScale(options.thresholds, options.pYellow, options.pRed);
  const effects = new Set(rules.filter((rule) => rule.effect !== 'score').map((rule) => rule.id));
  const used = sites.filter((site) => ![...site.fired].some((id) => effects.has(id)));
  const support = new Map(rules.map((rule) => [rule.id, { n: 0, confirmed: 0 }]));
  for (const site of used) {
    for (const id of site.fired) {
      const s = support.get(id);
      if (!s) continue;
      s.n++;
      if (site.confirmed) s.confirmed++;
    }
  }
  const statusOf = (rule: TuneRule): ScoreStatus => (rule.effect !== 'score' ? 'effect rule' : support.get(rule.id)!.n < options.minSupport ? 'too little support' : 'learned');
  const free = rules.filter((rule) => statusOf(rule) === 'learned');
  const column = new Map(free.map((rule, j) => [rule.id, j]));
  const fixedScore = new Map(rules.filter((rule) => rule.effect === 'score' && !column.has(rule.id)).map((rule) => [rule.id, rule.score]));
  const problem = {
    rows: used.map((site) => [...site.fired].map((id) => column.get(id)).filter((j): j is number => j !== undefined)),
    y: used.map((site) => site.confirmed),
    offset: used.map((site) => [...site.fired].reduce((t, id) => t + (fixedScore.get(id) ?? 0) / scale.a, scale.intercept)),
    columns: free.length,
    l2: options.l2 ?? priorPrecision(scale),
    prior: free.map((rule) => rule.score / scale.a),
    lower: free.map(() => 0),
    upper: free.map(() => 100 / scale.a),
  };
  const fit = fitLogistic(problem);
  const oldScores = new Map(rules.filter((rule) => rule.effect === 'score').map((rule) => [rule.id, rule.score]));
  const scores = rules.map((rule): LearnedScore => {
    const j = column.get(rule.id);
    const s = support.get(rule.id)!;
    const base = { rule: rule.id, before: rule.score, support: s.n, confirmed: s.confirmed };
    if (j === undefined) return { ...base, after: rule.score, status: statusOf(rule) };
    const learned = Math.min(100, Math.max(0, Math.round(scale.a * fit.weights[j]!)));
    if (options.riseGuard === false) return { ...base, after: learned, status: 'learned' };
    const { after, cap } = capRise(rule.id, rule.score, learned, used, oldScores, options);
    return cap ? { ...base, after, status: 'capped', cap } : { ...base, after, status: 'learned' };
  });
  return { scale, fitted: used.length, effectSites: sites.length - used.length, scores };
}
