// How a rule set's score sum maps to the model's probability of a confirmed
// site (`gridcode tune`, README "Learning from inspections").
//
// A consumer's score is S = Σ s_r over its fired rules (rules.md; the cap at
// 100 only matters above the red threshold). Tuning wants the thresholds to
// mean stated probabilities: S = yellow ⇔ p = p_yellow and S = red ⇔ p = p_red.
// With the linear map S = a·logit(p) + b both hold exactly when
//   a = (red − yellow) ÷ (logit p_red − logit p_yellow),
//   b = yellow − a·logit p_yellow,
// so logit p = (S − b) ÷ a = −b/a + Σ s_r/a. That is a logistic model whose
// weights are w_r = s_r/a and whose intercept is −b/a, fixed: a site no rule
// fired for has S = 0 and so probability σ(−b/a). The intercept is not fitted:
// a rule set has no constant term to carry a fitted one, and the inspected
// sites are nearly all flagged ones, so the data say little about sites
// nothing fired for. A learned weight w_r becomes the score round(a·w_r).
import { logit, sigmoid } from './logistic.js';

export interface ScoreScale {
  /** Score points per unit of logit. */
  readonly a: number;
  readonly b: number;
  /** −b/a: the logit of a site with score 0. */
  readonly intercept: number;
}

export interface Thresholds {
  readonly yellow: number;
  readonly red: number;
}

/** The map of the rule set's thresholds to the stated probabilities; throws RangeError naming what is wrong. */
export function scoreScale(thresholds: Thresholds, pYellow: number, pRed: number): ScoreScale {
  if (!(pYellow > 0 && pYellow < 1) || !(pRed > 0 && pRed < 1)) throw new RangeError(`the probabilities must lie strictly between 0 and 1 (yellow ${pYellow}, red ${pRed})`);
  if (!(pYellow < pRed)) throw new RangeError(`the yellow probability (${pYellow}) must be below the red one (${pRed})`);
  if (!(thresholds.yellow < thresholds.red)) throw new RangeError(`the thresholds must have yellow (${thresholds.yellow}) below red (${thresholds.red}) to map to two probabilities`);
  const a = (thresholds.red - thresholds.yellow) / (logit(pRed) - logit(pYellow));
  const b = thresholds.yellow - a * logit(pYellow);
  return { a, b, intercept: -b / a };
}

/** The probability of a confirmed site the map gives a score sum. */
export function probabilityOfScore(scale: ScoreScale, score: number): number {
  return sigmoid((score - scale.b) / scale.a);
}

/**
 * The prior's standard deviation around the current score, in score points.
 * Scores are written in points, so the prior is too: the same outcomes move a
 * score by the same points whatever probabilities the thresholds are given.
 * The former fixed λ = 1 (1 logit, i.e. `a` points: 24 with 40/70 and
 * 0.3/0.6, 49 with 0.4/0.6) let a score move ~36 points on a few dozen sites.
 * 10 points: a rule moves by more than a third of the YELLOW–RED gap only
 * when the outcomes of many sites agree.
 */
export const PRIOR_SD_POINTS = 10;

/** λ in 1/logit² for a prior of PRIOR_SD_POINTS: (a ÷ 10)². */
export const priorPrecision = (scale: ScoreScale): number => (scale.a / PRIOR_SD_POINTS) ** 2;
