// Learning from inspection outcomes (issue 17): the outcome words, the
// precision of a tally with its Wilson interval, and the figures of a scoring
// run against outcomes. Pure: no file, no engine; gridcode evaluate and the
// tuning and evaluation loops share it.
export { auditOf, AUDIT_NO, AUDIT_YES, isDecided, outcomeOf, OUTCOMES, type Outcome } from './outcome-words.js';
export { wilsonInterval, Z95, type Interval } from './wilson.js';
export { Tally, type PrecisionFigures } from './tally.js';
export { estimateRecall, RECALL_UNKNOWN, type RecallEstimate, type RecallFigures } from './recall.js';
export { districtOrder } from './district-order.js';
export { CODE_NAMES, evaluateOutcomes, type BatchCounts, type DistrictFigures, type OutcomeFigures, type RuleFigures, type SiteOutcome } from './evaluation.js';
