import { featureNames, FeatureGroup } from './catalogue.js';
import { unusableReason } from './consumer-check.js';
import { BatchError } from './errors.js';
import { followUpOf, WatchDays, type FollowUpColumns } from './follow-up.js';
import type { BatchHeader } from './header.js';
import { FeatureMatrix } from './matrix.js';
import { TemplateSet } from './templates.js';
import type { CompiledRuleSet } from './rules/program.js';
import { runRules } from './scoring/run-rules.js';
import type { ScoredBatch } from './scoring/scored-batch.js';
import { compileEngine, instantiateEngine, type EngineExports } from './wasm.js';
import { scanConsumers, type ConsumerIndex } from './wire/consumers.js';

/** One consumer given as JS values (tests, the JS API). The wire path needs no such object. */
export interface ConsumerInput {
  readonly id?: string;
  readonly loadKw: Float32Array | readonly number[];
  readonly waterM3?: Float32Array | readonly number[];
  /** kW; 0, negative, NaN or absent = unknown. */
  readonly capacityKw?: number;
  /** Category enum value (proto `Category`), 0 = unspecified. */
  readonly category?: number;
  /** Zone enum value (proto `Zone`), 0 = unspecified. */
  readonly zone?: number;
  /** The consumer's cohort (followup.md); '' or absent = none. Carried, not yet used for features. */
  readonly group?: string;
  /** kW, the consumer's own reference mean; 0, negative, NaN, ±Inf or absent = unknown. */
  readonly baselineKw?: number;
  /** Follow-up of a site found before: WatchStatus enum value (0 = not watched) and `since` (`YYYY-MM-DD`, '' = the whole window). */
  readonly watch?: { readonly status: number; readonly since?: string };
}

/** Serialized `Consumer` messages located inside a buffer: [start0, end0, start1, end1, …] byte offsets. */
export interface WireConsumers {
  readonly bytes: Uint8Array;
  readonly spans: Int32Array;
  /** The index in the batch of the first of them (a block's place), which errors name consumers by; 0 by default. */
  readonly first?: number;
}

export interface ComputeOptions {
  readonly templates?: TemplateSet;
  /** FeatureGroup bits to compute; features of groups left out are NaN. Default: all. */
  readonly groups?: number;
  /** A consumer with more readings is unusable, its note saying so (see unusableReason). Default: only the engine's MAX_DAYS. */
  readonly maxReadingsPerConsumer?: number;
}

export interface EngineOptions {
  /** A module compiled elsewhere (a worker's parent); compiled from build/engine.wasm when absent. */
  readonly module?: WebAssembly.Module;
  /** Cap on the engine's memory for one batch; the WASM module's own cap is 1 GiB. */
  readonly maxMemoryBytes?: number;
}

const WASM_MAX_BYTES = 16384 * 65536;
/** Consumers copied and computed together: 64 × 30 days × 96 readings × 4 B ≈ 0.7 MiB, inside L2. */
const CHUNK_CONSUMERS = 64;

export interface ScoreOptions {
  /** Compute every feature, not only those the rule set reads (for include_features). */
  readonly allFeatures?: boolean;
  /** See ComputeOptions. */
  readonly maxReadingsPerConsumer?: number;
}

/**
 * What to compute for scoring with a rule set (scoreWire, or computeWire then
 * rescore): only the feature groups the rule set reads, unless all are asked for.
 */
export function scoringComputeOptions(ruleSet: CompiledRuleSet, options: ScoreOptions): ComputeOptions {
  return { templates: ruleSet.templates, groups: options.allFeatures ? FeatureGroup.all : ruleSet.groups, maxReadingsPerConsumer: options.maxReadingsPerConsumer };
}

/** proto3 enums are open; a value this build does not know is treated as unspecified (0). */
function enumValue(value: number | undefined): number {
  return value !== undefined && Number.isInteger(value) && value >= 0 && value <= 5 ? value : 0;
}

/**
 * One WASM instance computing the feature catalogue for whole batches. Not
 * shareable across threads: each worker holds its own.
 */
export class FeatureEngine {
  /** The batch computed last: its features are still in engine memory. */
  private last: { readonly matrix: FeatureMatrix; readonly pointsPerDay: number } | undefined;

  private constructor(
    private readonly wasm: EngineExports,
    private readonly maxMemoryBytes: number,
  ) {}

  static async load(options: EngineOptions = {}): Promise<FeatureEngine> {
    const cap = options.maxMemoryBytes ?? WASM_MAX_BYTES;
    if (!(cap > 0)) throw new RangeError(`maxMemoryBytes must be a positive number of bytes, not ${cap}`);
    const module = options.module ?? (await compileEngine());
    return new FeatureEngine(await instantiateEngine(module), Math.min(cap, WASM_MAX_BYTES));
  }

  computeConsumers(header: BatchHeader, consumers: readonly ConsumerInput[], options: ComputeOptions = {}): FeatureMatrix {
    const count = consumers.length;
    const readings = new Int32Array(count);
    const water = new Int32Array(count);
    consumers.forEach((c, i) => {
      readings[i] = c.loadKw.length;
      water[i] = c.waterM3?.length ?? 0;
    });
    const ids = consumers.map((c) => c.id ?? '');
    return this.run(header, readings, water, ids, followUpOf(consumers), options, (place, from, to) => {
      const f32 = new Float32Array(this.wasm.memory.buffer);
      const attributes = this.attributeViews(count);
      for (let i = from; i < to; i++) {
        const c = consumers[i]!;
        attributes.capacity[i] = c.capacityKw ?? 0;
        attributes.category[i] = enumValue(c.category);
        attributes.zone[i] = enumValue(c.zone);
        if (place.readingOffset[i]! < 0) continue;
        f32.set(c.loadKw, place.readings / 4 + place.readingOffset[i]!);
        if (c.waterM3?.length) f32.set(c.waterM3, place.water / 4 + place.waterOffset[i]!);
      }
    });
  }

  /** Computes features straight from serialized Consumer messages: readings are copied as bytes, never decoded to numbers. */
  computeWire(header: BatchHeader, source: WireConsumers, options: ComputeOptions = {}): FeatureMatrix {
    const index: ConsumerIndex = scanConsumers(source.bytes, source.spans, source.first);
    const followUp = { baseline: index.baseline, status: index.watchStatus, since: index.watchSince };
    return this.run(header, index.readingCount, index.waterCount, index.ids, followUp, options, (place, from, to) => {
      const u8 = new Uint8Array(this.wasm.memory.buffer);
      const attributes = this.attributeViews(index.count);
      attributes.capacity.set(index.capacity.subarray(from, to), from);
      attributes.category.set(index.category.subarray(from, to), from);
      attributes.zone.set(index.zone.subarray(from, to), from);
      for (let i = from; i < to; i++) {
        if (place.readingOffset[i]! < 0) continue;
        index.copyReadings(i, u8, place.readings + place.readingOffset[i]! * 4);
        if (index.waterCount[i]) index.copyWater(i, u8, place.water + place.waterOffset[i]! * 4);
      }
    });
  }

  /** Features then codes for consumers given as JS values. */
  scoreConsumers(header: BatchHeader, consumers: readonly ConsumerInput[], ruleSet: CompiledRuleSet, options: ScoreOptions = {}): ScoredBatch {
    this.computeConsumers(header, consumers, scoringComputeOptions(ruleSet, options));
    return this.rescore(ruleSet);
  }

  /** Features then codes straight from serialized Consumer messages. */
  scoreWire(header: BatchHeader, source: WireConsumers, ruleSet: CompiledRuleSet, options: ScoreOptions = {}): ScoredBatch {
    this.computeWire(header, source, scoringComputeOptions(ruleSet, options));
    return this.rescore(ruleSet);
  }

  /**
   * Runs a rule set over the batch computed last, without computing its
   * features again (rule evaluation alone: benchmarks, and tests that write
   * feature values into `matrix.values`). The rule set's templates must be
   * those the batch was computed with, since they are the corr_ columns.
   */
  rescore(ruleSet: CompiledRuleSet): ScoredBatch {
    const last = this.last;
    if (!last) throw new Error('rescore needs a batch computed first');
    const expected = featureNames(ruleSet.templates.names);
    if (expected.length !== last.matrix.names.length || expected.some((name, i) => name !== last.matrix.names[i])) {
      throw new Error(`rule set ${ruleSet.id}@${ruleSet.version} needs the features ${expected.join(', ')}; the batch has ${last.matrix.names.join(', ')}`);
    }
    return runRules(this.wasm, ruleSet, last.matrix, last.pointsPerDay, new Map(last.matrix.notes));
  }

  private run(
    header: BatchHeader,
    readingCount: Int32Array,
    waterCount: Int32Array,
    ids: readonly string[],
    followUp: FollowUpColumns,
    options: ComputeOptions,
    fill: (place: Placement, from: number, to: number) => void,
  ): FeatureMatrix {
    const { wasm } = this;
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
    if (needed > this.maxMemoryBytes || !wasm.layoutBatch(count, readings, water, T, points, header.startWeekday)) {
      // Rounded up, so that the need never reads as equal to the cap.
      const mib = (bytes: number) => Math.ceil(bytes / 2 ** 20);
      throw new BatchError('invalid_argument', `batch of ${count} consumers and ${readings} readings needs ${mib(needed)} MiB of engine memory; the cap is ${Math.floor(this.maxMemoryBytes / 2 ** 20)} MiB: send fewer consumers per batch`);
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
    const base = wasm.matrixBase();
    let view = new Float64Array(wasm.memory.buffer, base, names.length * count);
    // Engine memory may grow (the rules area); a grown memory detaches old views.
    const values = () => (view.buffer === wasm.memory.buffer ? view : (view = new Float64Array(wasm.memory.buffer, base, names.length * count)));
    const matrix = new FeatureMatrix(names, count, values, notes, ids);
    this.last = { matrix, pointsPerDay: points };
    return matrix;
  }

  private attributeViews(count: number) {
    const buffer = this.wasm.memory.buffer;
    return {
      capacity: new Float32Array(buffer, this.wasm.capacities(), count),
      category: new Uint8Array(buffer, this.wasm.categories(), count),
      zone: new Uint8Array(buffer, this.wasm.zones(), count),
    };
  }
}

interface Placement {
  /** Reading offset of each consumer in floats from `readings`, -1 when unusable. */
  readonly readingOffset: Int32Array;
  readonly waterOffset: Int32Array;
  /** Byte addresses of the readings and water regions. */
  readonly readings: number;
  readonly water: number;
}
