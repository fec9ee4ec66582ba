import { BASE_FEATURES, featureNames, FeatureGroup } from './catalogue.js';
import { computeBatch } from './compute-batch.js';
import { CohortSpace } from './cohorts/cohort-space.js';
import { hasGroups, restoreBlock, takeBlock, type FeatureBlock } from './cohorts/feature-block.js';
import { PeerPass } from './cohorts/peer-pass.js';
import { BatchError } from './errors.js';
import { followUpOf } from './follow-up.js';
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
  /** The consumer's cohort (followup.md); '' or absent = none. */
  readonly group?: string;
  /** kW, the consumer's own reference mean; 0, negative, NaN, ±Inf or absent = unknown. */
  readonly baselineKw?: number;
  /** Follow-up of a site found before: WatchStatus enum value (0 = not watched) and `since` (`YYYY-MM-DD`, '' = the whole window). */
  readonly watch?: { readonly status: number; readonly since?: string };
  /** The administrative district of the premises, echoed in the result; '' or absent = none. */
  readonly district?: string;
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

/** Whether these options compute the peer features (and so keep profiles and decode groups). */
export function computesPeers(options: ComputeOptions): boolean {
  return ((options.groups ?? FeatureGroup.all) & FeatureGroup.peer) !== 0;
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
  private peers: PeerPass | undefined;
  private last: { readonly matrix: FeatureMatrix; readonly header: { readonly pointsPerDay: number; readonly startWeekday: number } } | undefined;

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
    const groups = computesPeers(options) ? consumers.map((c) => c.group ?? '') : [];
    const districts = consumers.some((c) => c.district) ? consumers.map((c) => c.district ?? '') : [];
    const matrix = computeBatch(this.wasm, this.maxMemoryBytes, header, readings, water, { ids, groups, districts }, followUpOf(consumers), options, (place, from, to) => {
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
    return this.remember(matrix, header);
  }

  /**
   * Computes features straight from serialized Consumer messages: readings are
   * copied as bytes, never decoded to numbers. The peer features need the
   * consumer's cohort: this leaves them as for a consumer without a group
   * (peer_count 0); scoreWire, BlockScorer or a CohortSpace fill them in.
   */
  computeWire(header: BatchHeader, source: WireConsumers, options: ComputeOptions = {}): FeatureMatrix {
    const index: ConsumerIndex = scanConsumers(source.bytes, source.spans, source.first);
    const followUp = { baseline: index.baseline, status: index.watchStatus, since: index.watchSince };
    const groups = computesPeers(options) ? Array.from({ length: index.count }, (_, i) => index.group(i)) : [];
    const matrix = computeBatch(this.wasm, this.maxMemoryBytes, header, index.readingCount, index.waterCount, { ids: index.ids, groups, districts: index.districts() }, followUp, options, (place, from, to) => {
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
    return this.remember(matrix, header);
  }

  /** Features then codes for consumers given as JS values. */
  scoreConsumers(header: BatchHeader, consumers: readonly ConsumerInput[], ruleSet: CompiledRuleSet, options: ScoreOptions = {}): ScoredBatch {
    const compute = scoringComputeOptions(ruleSet, options);
    this.computeConsumers(header, consumers, compute);
    return this.scoreWithPeers(ruleSet, compute);
  }

  /** Features then codes straight from serialized Consumer messages. */
  scoreWire(header: BatchHeader, source: WireConsumers, ruleSet: CompiledRuleSet, options: ScoreOptions = {}): ScoredBatch {
    const compute = scoringComputeOptions(ruleSet, options);
    this.computeWire(header, source, compute);
    return this.scoreWithPeers(ruleSet, compute);
  }

  /** The batch computed last, one cohort space, its peer features filled in (followup.md), then scored. */
  private scoreWithPeers(ruleSet: CompiledRuleSet, compute: ComputeOptions): ScoredBatch {
    const last = this.last!;
    if (!computesPeers(compute) || !hasGroups(last.matrix.groups)) return this.rescore(ruleSet);
    // One engine call, one cohort space: the peer columns are filled in where the batch lies, nothing copied.
    // Room for the largest cohort first: growing engine memory later would detach the block's views.
    if (!this.wasm.layoutCohort(last.matrix.consumerCount, last.header.pointsPerDay)) {
      throw new BatchError('invalid_argument', `batch of ${last.matrix.consumerCount} consumers does not fit in engine memory with its cohorts: send fewer consumers per batch`);
    }
    const space = new CohortSpace('batch', ruleSet.minValidShare, this.peerPass);
    space.add(takeBlock(this.wasm, last.matrix, last.header, 0, true));
    space.finish();
    return this.rescore(ruleSet);
  }

  /** The peer pass over cohorts this engine holds (CohortSpace). */
  get peerPass(): PeerPass {
    return (this.peers ??= new PeerPass(this.wasm));
  }

  /** Copies the batch computed last out of engine memory (see FeatureBlock); `first` is its first consumer's place. */
  takeBlock(first: number): FeatureBlock {
    const last = this.last;
    if (!last) throw new Error('takeBlock needs a batch computed first');
    return takeBlock(this.wasm, last.matrix, last.header, first);
  }

  /** Lays a computed block back into engine memory, as the batch computed last: `rescore` then scores it. */
  restoreBlock(block: FeatureBlock): FeatureMatrix {
    const matrix = restoreBlock(this.wasm, block, block.names.length - BASE_FEATURES.length, this.maxMemoryBytes);
    if (!matrix) throw new BatchError('invalid_argument', `a block of ${block.count} consumers does not fit in engine memory: send fewer consumers per batch`);
    this.last = { matrix, header: { pointsPerDay: block.pointsPerDay, startWeekday: block.startWeekday } };
    return matrix;
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
    return runRules(this.wasm, ruleSet, last.matrix, last.header.pointsPerDay, new Map(last.matrix.notes));
  }

  /** Keeps the batch just computed: its features are in engine memory until the next one. */
  private remember(matrix: FeatureMatrix, header: BatchHeader): FeatureMatrix {
    this.last = { matrix, header };
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
