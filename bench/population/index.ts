// The labelled population of issue 5, for `npm run eval` and the gateway and
// city benches:
//
//   import { populationBatches, KINDS } from '../population/index.js';
//   for (const b of populationBatches({ consumers: 5_800_000, batchSize: 1000, seed: 1 })) {
//     // b.bytes: a serialized ScoreBatchRequest of b.count consumers (ids c<first>…),
//     // b.labels[k]: index into KINDS of consumer b.first + k, KINDS[i].suspect the truth,
//     // b.spans: consumer byte ranges, ready for FeatureEngine.scoreWire(header, b, ruleSet).
//     // With reuse (default) the arrays are recycled: use or copy them before the next batch.
//   }
//
// With `baselines: true` each consumer also has Consumer.baseline_kw (its mean
// 8 weeks earlier; 1 in 5 unknown). followUpBatches({ consumers, seed, … }) is a
// separate stream of watched sites (Consumer.watch), labelled with
// FOLLOW_UP_CASES (follow-up.ts).
//
// With `cohorts: true` each account also has Consumer.group, its transformer
// area (cohorts.ts: 20-150 consecutive consumers, none for factories and 1 in
// 10), and each batch (b.areas) ends on an area boundary, so its size is
// about batchSize; `sendGroups: false` is the same population without field 7.
//
// writePopulation (and `npm run population -- --out DIR`) writes the batches
// as .pb files with their labels beside them.
export { KINDS, SUSPECT_SHARE, CATEGORY, ZONE, kindIndex, type KindInfo } from './kinds.js';
export { populationBatches, PopulationGenerator, type PopulationOptions, type PopulationBatch, type DayPlan } from './generator.js';
export { BatchEncoder, GROUP_MAX_BYTES, type ConsumerSource } from './encoder.js';
export { AREA_MAX, AREA_MIN, UNGROUPED, AreaLayout, areaGroup, areaSize, cohortRanges, ungrouped } from './cohorts.js';
export { shapeLibrary, type ShapeLibrary, type ShapeSource } from './library.js';
export { writePopulation, readLabels, type WrittenPopulation } from './write.js';
export { followUpBatches, FollowUpGenerator, type FollowUpOptions, type FollowUpBatch } from './follow-up.js';
export { FOLLOW_UP_CASES, WATCH, caseIndex, type FollowUpCase } from './follow-up-cases.js';
