// Lays a batch out in engine memory and computes its features: each consumer
// checked (an unusable one is GRAY with its note and copies nothing), the
// readings copied in by the caller's `fill` chunk by chunk and swept while
// still in cache. The one way FeatureEngine's JS and wire paths compute.
import { featureNames, FeatureGroup } from './catalogue.js';
import { unusableReason } from './consumer-check.js';
import { BatchError } from './errors.js';
import { WatchDays, type FollowUpColumns } from './follow-up.js';
import type { BatchHeader } from './header.js';
import { FeatureMatrix } from './matrix.js';
import { TemplateSet } from './templates.js';
import type { EngineExports } from './wasm.js';
import type { ComputeOptions } from './engine.js';

/** Consumers copied and computed together: 64 × 30 days × 96 readings × 4 B ≈ 0.7 MiB, inside L2. */
const CHUNK_CONSUMERS = 64;

/** Computes one batch; the matrix views engine memory until its next batch. Throws BatchError when it does not fit. */
export function computeBatch(
  wasm: EngineExports,
  maxMemoryBytes: number,
  header: BatchHeader,
  readingCount: Int32Array,
  waterCount: Int32Array,
  consumerNames: { readonly ids: readonly string[]; readonly groups: readonly string[]; readonly districts: readonly string[] },
  followUp: FollowUpColumns,
  options: ComputeOptions,
  fill: (place: Placement, from: number, to: number) => void,
): FeatureMatrix {
  const templates = options.templates ?? TemplateSet.empty;
  const points = header.pointsPerDay;
  const count = readingCount.length;
  const notes = new Map<number, string>();
  const readingOffset = new Int32Array(count);
  const waterOffset = new Int32Array(count);
  let readings = 0;
  let water = 0;
  const watchDays = new WatchDays(followUp, header.startDate);
  for (let i = 0; i < count; i++) {
    const reason = unusableReason(readingCount[i]!, waterCount[i]!, points, options.maxReadingsPerConsumer) ?? watchDays.problem(i, readingCount[i]! / points);
    if (reason) {
      notes.set(i, reason);
      readingOffset[i] = -1;
      continue;
    }
    readingOffset[i] = readings;
    waterOffset[i] = water;
    readings += readingCount[i]!;
    water += waterCount[i]!;
  }
  const T = templates.names.length;
  const needed = wasm.batchBytes(count, readings, water, T, points);
  if (needed > maxMemoryBytes || !wasm.layoutBatch(count, readings, water, T, points, header.startWeekday)) {
    // Rounded up, so that the need never reads as equal to the cap.
    const mib = (bytes: number) => Math.ceil(bytes / 2 ** 20);
    throw new BatchError('invalid_argument', `batch of ${count} consumers and ${readings} readings needs ${mib(needed)} MiB of engine memory; the cap is ${Math.floor(maxMemoryBytes / 2 ** 20)} MiB: send fewer consumers per batch`);
  }
  const buffer = wasm.memory.buffer;
  new Int32Array(buffer, wasm.readingOffsets(), count).set(readingOffset);
  new Int32Array(buffer, wasm.waterOffsets(), count).set(waterOffset);
  const counts = new Int32Array(buffer, wasm.readingCounts(), count);
  const waters = new Int32Array(buffer, wasm.waterCounts(), count);
  const status = new Uint8Array(buffer, wasm.statuses(), count);
  for (let i = 0; i < count; i++) {
    const usable = readingOffset[i]! >= 0;
    counts[i] = usable ? readingCount[i]! : 0;
    waters[i] = usable ? waterCount[i]! : 0;
    status[i] = usable ? 0 : 1;
  }
  new Float32Array(buffer, wasm.baselines(), count).set(followUp.baseline);
  new Uint8Array(buffer, wasm.watchStatuses(), count).set(followUp.status);
  new Int32Array(buffer, wasm.watchFirstDays(), count).set(watchDays.firstDay);
  new Float64Array(buffer, wasm.templatesBase(), T * points).set(templates.at(points));
  const place = { readingOffset, waterOffset, readings: wasm.readingsBase(), water: wasm.waterBase() };
  const groups = options.groups ?? FeatureGroup.all;
  // Copy and compute chunk by chunk, so that readings are still in cache when swept.
  for (let from = 0; from < count || from === 0; from += CHUNK_CONSUMERS) {
    const to = Math.min(count, from + CHUNK_CONSUMERS);
    fill(place, from, to);
    wasm.computeFeatures(from, to - from, groups);
  }
  const names = featureNames(templates.names);
  return new FeatureMatrix(names, count, matrixView(wasm, names.length * count), notes, consumerNames.ids, consumerNames.groups, consumerNames.districts);
}

export interface Placement {
  /** Reading offset of each consumer in floats from `readings`, -1 when unusable. */
  readonly readingOffset: Int32Array;
  readonly waterOffset: Int32Array;
  /** Byte addresses of the readings and water regions. */
  readonly readings: number;
  readonly water: number;
}

/**
 * The batch's feature matrix in engine memory, `length` values, as a getter:
 * engine memory may grow (the rules area, a cohort), and a grown memory
 * detaches the views made before.
 */
export function matrixView(wasm: EngineExports, length: number): () => Float64Array {
  const base = wasm.matrixBase();
  let view = new Float64Array(wasm.memory.buffer, base, length);
  return () => (view.buffer === wasm.memory.buffer ? view : (view = new Float64Array(wasm.memory.buffer, base, length)));
}
