// Tuning a rule set from inspection outcomes (issue 17, `gridcode tune`):
// learned rule scores on the scale where the thresholds mean stated
// probabilities of a confirmed site, and stricter numbers for comparisons
// where the inspections support them. Pure: no file, no engine.
export { fitLogistic, lossGradient, logit, sigmoid, type LogisticFit, type LogisticProblem } from './logistic.js';
export { probabilityOfScore, scoreScale, type ScoreScale, type Thresholds } from './score-scale.js';
export { foldOf, isHeldOut, splitKey } from './split.js';
export { cutPoints, passes, type CutOp, type CutPoint } from './cut-points.js';
export { FOLDS, suggestThresholds, type ThresholdSuggestion } from './threshold-search.js';
export { learnScores, PRIOR_SD_POINTS, priorPrecision, type LearnedScore, type LearnedScores, type ScoreOptions, type ScoreStatus } from './learn-scores.js';
export { belowSupport, capRise, type RiseCap } from './rise-guard.js';
export { tune, withSuggestions, type TuneOptions, type TuneResult } from './tune.js';
export type { TuneRule, TuneSite } from './tune-site.js';
