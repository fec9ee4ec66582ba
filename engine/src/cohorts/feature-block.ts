// A block of consumers whose features are computed and whose rules are not run
// yet, copied out of engine memory: what the peer pass needs (means, GRAY-ness,
// profiles, groups) and what the rules read (the matrix and the account
// columns), and nothing of the readings. A cohort can span blocks, and a batch
// the gateway splits can span workers, so a block waits for its cohorts here
// (cohort-space.ts), may move between threads (its buffers in a transfer list),
// and is laid back into an engine to be scored (FeatureEngine.restoreBlock).
// Per consumer it weighs (features × 8 + points_per_day × 4 + 22) bytes: about
// 0.7 KiB at 96 points a day against the ≥ 11 KiB of the 30 days of readings it stands for.
import { matrixView } from '../compute-batch.js';
import { FeatureMatrix } from '../matrix.js';
import type { EngineExports } from '../wasm.js';

export interface FeatureBlock {
  readonly count: number;
  /** The batch's (or stream's) index of the first consumer. */
  readonly first: number;
  readonly pointsPerDay: number;
  readonly startWeekday: number;
  readonly names: readonly string[];
  readonly ids: readonly string[];
  /** Why consumer c is unusable (GRAY), by index in the block. */
  readonly notes: ReadonlyArray<readonly [number, string]>;
  /** Column-major features: feature f of consumer c at [f × count + c]. */
  readonly matrix: Float64Array;
  /** kW as sent (float32). */
  readonly capacity: Float32Array;
  readonly baseline: Float32Array;
  readonly watch: Uint8Array;
  /** 0 = usable. */
  readonly status: Uint8Array;
  readonly category: Uint8Array;
  readonly zone: Uint8Array;
  readonly valid: Int32Array;
  readonly readings: Int32Array;
  /** Each consumer's group ('' = none). */
  readonly groups: readonly string[];
  /** Each consumer's district ('' = none), echoed in its result; empty when none has one. */
  readonly districts: readonly string[];
  /** Consumer c's average daily profile at [c × P, (c + 1) × P), kW (NaN: no value); empty when the block has no group. */
  readonly profiles: Float32Array;
}

/** The buffers a block owns, for a transfer list. */
export function blockBuffers(block: FeatureBlock): ArrayBuffer[] {
  const arrays = [block.matrix, block.capacity, block.baseline, block.watch, block.status, block.category, block.zone, block.valid, block.readings, block.profiles];
  return arrays.map((array) => array.buffer as ArrayBuffer);
}

/** Whether any consumer of the block has a group. */
export function hasGroups(groups: readonly string[]): boolean {
  return groups.some((group) => group !== '');
}

/** A block's features as a matrix (outside any engine). */
export function blockMatrix(block: FeatureBlock): FeatureMatrix {
  return new FeatureMatrix(block.names, block.count, () => block.matrix, new Map(block.notes), block.ids, block.groups, block.districts);
}

/**
 * The batch the engine computed last (`matrix`): copied out of engine memory,
 * or with `view`, views of it, valid until the engine's next batch (a batch
 * that is its own cohort space has its peer features filled in where it lies).
 */
export function takeBlock(wasm: EngineExports, matrix: FeatureMatrix, header: { pointsPerDay: number; startWeekday: number }, first: number, view = false): FeatureBlock {
  const count = matrix.consumerCount;
  const buffer = wasm.memory.buffer;
  const P = header.pointsPerDay;
  const grouped = hasGroups(matrix.groups);
  // A view, or a copy that outlives the engine's next batch.
  const own = <T extends Float32Array | Float64Array | Uint8Array | Int32Array>(array: T): T => (view ? array : (array.slice() as T));
  return {
    count,
    first,
    pointsPerDay: P,
    startWeekday: header.startWeekday,
    names: matrix.names,
    ids: matrix.ids,
    notes: [...matrix.notes],
    matrix: own(matrix.values),
    capacity: own(new Float32Array(buffer, wasm.capacities(), count)),
    baseline: own(new Float32Array(buffer, wasm.baselines(), count)),
    watch: own(new Uint8Array(buffer, wasm.watchStatuses(), count)),
    status: own(new Uint8Array(buffer, wasm.statuses(), count)),
    category: own(new Uint8Array(buffer, wasm.categories(), count)),
    zone: own(new Uint8Array(buffer, wasm.zones(), count)),
    valid: own(new Int32Array(buffer, wasm.validCounts(), count)),
    readings: own(new Int32Array(buffer, wasm.readingCounts(), count)),
    groups: matrix.groups,
    districts: matrix.districts,
    profiles: grouped ? own(new Float32Array(buffer, wasm.profilesBase(), count * P)) : new Float32Array(0),
  };
}

/**
 * Lays a block back into engine memory as a batch without readings, ready for
 * the rules. Returns its matrix, or undefined when it does not fit under `maxBytes`.
 */
export function restoreBlock(wasm: EngineExports, block: FeatureBlock, templateCount: number, maxBytes: number): FeatureMatrix | undefined {
  const { count, pointsPerDay } = block;
  if (wasm.batchBytes(count, 0, 0, templateCount, pointsPerDay) > maxBytes) return undefined;
  if (!wasm.layoutBatch(count, 0, 0, templateCount, pointsPerDay, block.startWeekday)) return undefined;
  const buffer = wasm.memory.buffer;
  new Float32Array(buffer, wasm.capacities(), count).set(block.capacity);
  new Float32Array(buffer, wasm.baselines(), count).set(block.baseline);
  new Uint8Array(buffer, wasm.watchStatuses(), count).set(block.watch);
  new Uint8Array(buffer, wasm.statuses(), count).set(block.status);
  new Uint8Array(buffer, wasm.categories(), count).set(block.category);
  new Uint8Array(buffer, wasm.zones(), count).set(block.zone);
  new Int32Array(buffer, wasm.validCounts(), count).set(block.valid);
  new Int32Array(buffer, wasm.readingCounts(), count).set(block.readings);
  const values = matrixView(wasm, block.names.length * count);
  values().set(block.matrix);
  return new FeatureMatrix(block.names, count, values, new Map(block.notes), block.ids, block.groups, block.districts);
}
