// Tuning a rule set from inspection outcomes (issue 17, `gridcode tune`):
// learned rule scores on the scale where the thresholds mean stated
// probabilities of a confirmed site, and stricter numbers for comparisons
// where the inspections support them. Pure: no file, no engine.
export { fitLogistic, lossGradient, logit, sigmoid, type LogisticFit, type LogisticProblem } from './logistic.js';
export { PRIOR_SD_POINTS, priorPrecision, probabilityOfScore, scoreScale, type ScoreScale, type Thresholds } from './score-scale.js';
export { foldOf, isHeldOut, splitKey } from './split.js';
export { cutPoints, passes, type CutOp, type CutPoint } from './cut-points.js';
export { FOLDS, shortBetween, suggestThresholds, type ThresholdSuggestion } from './threshold-search.js';
export { learnScores, type LearnedScore, type LearnedScores, type ScoreOptions, type ScoreStatus } from './learn-scores.js';
export { auditSupport, capRise, type RiseCap, type RiseGuard } from './rise-guard.js';
export { tune, withSuggestions, type TuneOptions, type TuneResult } from './tune.js';
export { tuneScored, type InspectedResult, type ScoredTuning } from './tune-scored.js';
export type { TuneRule, TuneSite } from './tune-site.js';
