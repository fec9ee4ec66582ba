// Scoring a batch a block of consumers at a time, the one way every caller
// does it (the gateway's workers, `gridcode score`, the benchmarks): the block
// limits, the per-consumer reading limit, errors that name a consumer by its
// index in the batch, and the response part the blocks make. Each block's
// results are encoded as soon as it is scored: its feature matrix (engine
// memory) is free for the next block, and results are never all held as objects.
import { ResponseBuilder, type ResponseOptions } from '../codec/response-builder.js';
import type { ResponsePart, Serialization } from '../codec/response-parts.js';
import { ResultsWriter } from '../codec/results-writer.js';
import { CohortSpace, type CohortMode } from '../cohorts/cohort-space.js';
import { hasGroups, type FeatureBlock } from '../cohorts/feature-block.js';
import { computesPeers, scoringComputeOptions, type ComputeOptions, type FeatureEngine, type WireConsumers } from '../engine.js';
import type { BatchHeader } from '../header.js';
import type { CompiledRuleSet } from '../rules/program.js';

/** A block's engine memory stays in the tens of MiB, and each engine call is long enough to amortize. */
export const BLOCK_LIMITS = { maxConsumers: 2000, maxBytes: 16 << 20 } as const;

/** Where consumers 0 … length-1 lie, in order: byte ranges [start(i), end(i)) in a request or a file. */
export interface ConsumerRanges {
  readonly length: number;
  start(i: number): number;
  end(i: number): number;
}

/** Consumers located by spans [start0, end0, start1, end1, …] as ConsumerRanges. */
export function spanRanges(spans: Int32Array): ConsumerRanges {
  return { length: spans.length >> 1, start: (i) => spans[2 * i]!, end: (i) => spans[2 * i + 1]! };
}

/**
 * Consumers [from, to) in consecutive blocks [first, last) within
 * BLOCK_LIMITS: at most maxConsumers, and at most maxBytes from the first's
 * start to the last's end unless one consumer alone is larger.
 */
export function* blocksOf(ranges: ConsumerRanges, from = 0, to = ranges.length): Generator<[first: number, last: number]> {
  for (let first = from; first < to; ) {
    let last = first + 1;
    while (last < to && last - first < BLOCK_LIMITS.maxConsumers && ranges.end(last) - ranges.start(first) <= BLOCK_LIMITS.maxBytes) last++;
    yield [first, last];
    first = last;
  }
}

export interface BlockScoringOptions extends ResponseOptions {
  /**
   * A consumer with more readings is coded GRAY without being copied into the
   * engine, its note saying so (the gateway's limit; see unusableReason).
   */
  readonly maxReadingsPerConsumer?: number;
  /**
   * How consumers form cohorts for the peer features (cohort-space.ts):
   * 'batch' (default: the blocks are one request, any order) or 'stream' (a
   * stream or a file: groups come as contiguous runs).
   */
  readonly cohorts?: CohortMode;
  /**
   * Part of a batch split across workers: the blocks are not scored when any
   * consumer has a group (takeDeferred), since their cohorts span the parts.
   */
  readonly defer?: boolean;
  /**
   * Each scored block's results, encoded (as ResultsWriter encodes them), handed
   * here as the block is scored instead of kept: for a caller that reads the
   * results and writes no response (`gridcode diff`, `list --input`, `eval
   * --input`), so that a batch's encoded results (~300 B a consumer, mostly
   * notes) are never all held. part() then has no results, only their count.
   */
  readonly onBlockResults?: (encoded: Uint8Array) => void;
  /**
   * Each block whose peer features are complete, before it is scored: for a
   * caller that wants the cohorts' profiles (`list --report`). Called only
   * when the rule set reads a peer feature (else no profile is kept). The
   * block is valid during the call only.
   */
  readonly onPeerBlock?: (block: FeatureBlock) => void;
}

/** Where the time of a batch went, seconds per stage. */
export interface StageSeconds {
  /** Locating the request's fields (scanRequest) and checking its header. */
  scan: number;
  /** Scanning the consumers, copying their readings into the engine, the feature sweeps. */
  features: number;
  /** Blocks copied out of and back into the engine, and the peer pass over their cohorts. */
  peers: number;
  /** The rule set over the feature columns. */
  rules: number;
  /** Codes, scores, reasons as result objects. */
  results: number;
  /** The results serialized. */
  encode: number;
}

/** The blocks of one batch, scored with one rule set, in request order. */
export class BlockScorer {
  readonly seconds: StageSeconds = { scan: 0, features: 0, peers: 0, rules: 0, results: 0, encode: 0 };
  private readonly builder: ResponseBuilder;
  private readonly results: ResultsWriter;
  private readonly compute: ComputeOptions;
  /** Where blocks wait for their cohorts; absent when the rule set reads no peer feature (then blocks are scored as computed). */
  private readonly space: CohortSpace | undefined;
  private grouped = false;
  /** Results handed to onBlockResults. */
  private handedOver = 0;

  constructor(
    private readonly engine: FeatureEngine,
    readonly header: BatchHeader,
    readonly ruleSet: CompiledRuleSet,
    private readonly options: BlockScoringOptions,
    private readonly serialization: Serialization,
  ) {
    this.builder = new ResponseBuilder(ruleSet, options);
    this.results = new ResultsWriter(serialization);
    this.compute = scoringComputeOptions(ruleSet, { allFeatures: options.includeFeatures ?? false, maxReadingsPerConsumer: options.maxReadingsPerConsumer });
    this.space = computesPeers(this.compute) ? new CohortSpace(options.defer ? 'batch' : (options.cohorts ?? 'batch'), ruleSet.minValidShare, engine.peerPass) : undefined;
  }

  /**
   * Scores the next block, or holds it until its cohorts are complete;
   * `block.first` is the batch index of its first consumer. Throws
   * BatchError; a consumer's (MalformedProtobuf) names it by its index in the batch.
   */
  add(block: WireConsumers): void {
    let t = performance.now();
    const matrix = this.engine.computeWire(this.header, block, this.compute);
    t = this.lap('features', t);
    const space = this.space;
    const grouped = hasGroups(matrix.groups);
    this.grouped ||= grouped;
    if (!space || (!grouped && space.waiting === 0 && !this.options.defer)) {
      this.scoreLast();
      return;
    }
    const ready = space.add(this.engine.takeBlock(block.first ?? 0));
    this.lap('peers', t);
    for (const computed of ready) this.addComputed(computed);
  }

  /** Scores a block whose features (and peer features) are complete: one taken from an engine, maybe another's. */
  addComputed(block: FeatureBlock): void {
    this.options.onPeerBlock?.(block);
    const t = performance.now();
    this.engine.restoreBlock(block);
    this.lap('peers', t);
    this.scoreLast();
  }

  /**
   * With `defer`, after the last add: the blocks, when any consumer has a
   * group (their peer features are to be filled in with the other parts',
   * then each scored with addComputed); undefined when none has, and part() is final.
   */
  takeDeferred(): FeatureBlock[] | undefined {
    return this.options.defer && this.grouped && this.space ? this.space.takeWaiting() : undefined;
  }

  /** The part the blocks make; the scorer is done with. */
  part(): ResponsePart {
    let t = performance.now();
    const rest = this.space?.finish() ?? [];
    t = this.lap('peers', t);
    for (const block of rest) this.addComputed(block);
    t = performance.now();
    const results = this.results.finish();
    this.lap('encode', t);
    return this.builder.part({ results, resultCount: this.results.count + this.handedOver });
  }

  /** Rules, results and their encoding for the block the engine holds. */
  private scoreLast(): void {
    let t = performance.now();
    const scored = this.engine.rescore(this.ruleSet);
    t = this.lap('rules', t);
    // The scored block's matrix views engine memory: the builder copies what it needs now.
    this.builder.add(scored, scored.matrix.ids, scored.matrix.districts);
    t = this.lap('results', t);
    const results = this.builder.takeResults();
    const sink = this.options.onBlockResults;
    if (!sink) this.results.add(results);
    else if (results.length > 0) {
      this.handedOver += results.length;
      sink(ResultsWriter.encode(results, this.serialization));
    }
    this.lap('encode', t);
  }

  private lap(stage: keyof StageSeconds, since: number): number {
    const now = performance.now();
    this.seconds[stage] += (now - since) / 1000;
    return now;
  }
}
