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
// writePopulation (and `npm run population -- --out DIR`) writes the batches
// as .pb files with their labels beside them.
export { KINDS, SUSPECT_SHARE, CATEGORY, ZONE, kindIndex, type KindInfo } from './kinds.js';
export { populationBatches, PopulationGenerator, BatchEncoder, type PopulationOptions, type PopulationBatch } from './generator.js';
export { shapeLibrary, type ShapeLibrary, type ShapeSource } from './library.js';
export { writePopulation, readLabels, type WrittenPopulation } from './write.js';
