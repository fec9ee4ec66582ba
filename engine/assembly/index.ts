// gridcode's engine: the curve-feature catalogue of ../shared/spec/features.md
// over whole batches. The host (engine/src) lays a batch out with
// layoutBatch, writes it through the exported addresses, calls
// computeFeatures and reads the column-major matrix.
import { computeConsumer, putUnusable } from './consumer';
import * as layout from './layout';
import { prepareTemplates } from './templates';

export { batchBytes, layoutBatch } from './layout';
export { layoutRules } from './rules/area';
export { runProgram } from './rules/vm';
export { assignCodes } from './rules/codes';
export { layoutCohort, cohortCorrelations } from './peers';
import * as peers from './peers';
import * as rules from './rules/area';

/** Computes consumers [first, first + count) of the laid-out batch; `first` 0 prepares the templates. */
export function computeFeatures(first: i32, count: i32, groups: i32): void {
  if (first == 0) prepareTemplates(layout.points);
  for (let c = first; c < first + count; c++) {
    if (load<u8>(layout.statuses + <usize>c) != 0) putUnusable(c, groups);
    else computeConsumer(c, groups);
  }
}

export function profilesBase(): usize {
  return layout.profiles;
}
export function cohortMeans(): usize {
  return peers.cohortMeans;
}
export function cohortPeers(): usize {
  return peers.cohortPeers;
}
export function cohortProfiles(): usize {
  return peers.cohortProfiles;
}
export function cohortCorr(): usize {
  return peers.cohortCorr;
}
export function featureCount(): i32 {
  return layout.featureCount;
}
export function readingOffsets(): usize {
  return layout.readingOffsets;
}
export function readingCounts(): usize {
  return layout.readingCounts;
}
export function waterOffsets(): usize {
  return layout.waterOffsets;
}
export function waterCounts(): usize {
  return layout.waterCounts;
}
export function capacities(): usize {
  return layout.capacities;
}
export function baselines(): usize {
  return layout.baselines;
}
export function watchStatuses(): usize {
  return layout.watchStatuses;
}
export function watchFirstDays(): usize {
  return layout.watchFirstDays;
}
export function statuses(): usize {
  return layout.statuses;
}
export function categories(): usize {
  return layout.categories;
}
export function zones(): usize {
  return layout.zones;
}
export function readingsBase(): usize {
  return layout.readings;
}
export function waterBase(): usize {
  return layout.water;
}
export function templatesBase(): usize {
  return layout.templates;
}
export function matrixBase(): usize {
  return layout.matrix;
}
export function validCounts(): usize {
  return layout.validCounts;
}
export function rulesProgram(): usize {
  return rules.program;
}
export function rulesConstants(): usize {
  return rules.constants;
}
export function ruleScores(): usize {
  return rules.ruleScores;
}
export function ruleEffects(): usize {
  return rules.ruleEffects;
}
export function ruleFired(): usize {
  return rules.fired;
}
export function ruleHits(): usize {
  return rules.hits;
}
export function consumerCodes(): usize {
  return rules.codes;
}
export function consumerScores(): usize {
  return rules.scores;
}
