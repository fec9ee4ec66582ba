// A binary protobuf ScoreBatchRequest held in memory (a gateway worker's, a
// benchmark's), scored block by block: located in its bytes, its header
// checked against the one the caller fixed (a ScoreStream's, from its first
// message), its rule set resolved by the caller, and its consumers [from, to)
// scored by BlockScorer. The command line reads files block by block and
// drives BlockScorer itself.
import type { ResponsePart, Serialization } from '../codec/response-parts.js';
import type { FeatureBlock } from '../cohorts/feature-block.js';
import type { FeatureEngine } from '../engine.js';
import { BatchError } from '../errors.js';
import { parseBatchHeader } from '../header.js';
import type { CompiledRuleSet } from '../rules/program.js';
import { scanRequest, type RequestHeader, type RequestIndex } from '../wire/request.js';
import { BlockScorer, blocksOf, spanRanges, type StageSeconds } from './score-blocks.js';

export interface ScoreRequestOptions {
  /** The rule set a request's rule_set names (`id`, `id@version`, '' for the caller's default). */
  readonly resolveRuleSet: (ref: string) => CompiledRuleSet;
  /** How the part's results are serialized. */
  readonly serialization: Serialization;
  /** More consumers fail the request. */
  readonly maxConsumers?: number;
  /** See BlockScoringOptions. */
  readonly maxReadingsPerConsumer?: number;
  /** This part of the consumers: [⌊i·n/k⌋, ⌊(i+1)·n/k⌋); the whole batch by default. */
  readonly part?: { readonly index: number; readonly count: number };
  /**
   * The header of a ScoreStream, fixed by its first message (its rule set
   * pinned to `id@version`): it applies, and a header field the request sets
   * to another value is an error.
   */
  readonly streamHeader?: RequestHeader;
  /**
   * Part of a batch split across workers: when a consumer has a group, the
   * part's blocks come back in `deferred` instead of scored (their cohorts
   * span the parts: peer features are filled in over all of them, then each
   * part is scored with scoreComputedBlocks).
   */
  readonly defer?: boolean;
}

export interface ScoredRequest {
  readonly part: ResponsePart;
  /** The header the consumers were scored under, its rule set resolved to `id@version`. */
  readonly header: RequestHeader;
  readonly seconds: StageSeconds;
  /** With `defer`, the blocks still to score (the part is then empty). */
  readonly deferred?: FeatureBlock[];
}

/** Scores (part of) a request. Throws BatchError for what the client did wrong. */
export function scoreBatchRequest(engine: FeatureEngine, bytes: Uint8Array, options: ScoreRequestOptions): ScoredRequest {
  const started = performance.now();
  const scanned = scanRequest(bytes);
  const request = options.streamHeader ? underStreamHeader(scanned, options.streamHeader) : scanned;
  const { spans } = request.consumers;
  const n = spans.length >> 1;
  if (options.maxConsumers !== undefined && n > options.maxConsumers) throw new BatchError('invalid_argument', `batch has ${n} consumers; the limit is ${options.maxConsumers}`);
  const header = parseBatchHeader(request.pointsPerDay, request.startDate);
  const scan = (performance.now() - started) / 1000;
  const ruleSet = options.resolveRuleSet(request.ruleSet);
  const { includeFeatures, flaggedOnly, includeEvidence } = request;
  const scorer = new BlockScorer(engine, header, ruleSet, { includeFeatures, flaggedOnly, includeEvidence, maxReadingsPerConsumer: options.maxReadingsPerConsumer, defer: options.defer ?? false }, options.serialization);
  scorer.seconds.scan = scan;
  const { index = 0, count = 1 } = options.part ?? {};
  const from = Math.floor((index * n) / count);
  const to = Math.floor(((index + 1) * n) / count);
  for (const [first, last] of blocksOf(spanRanges(spans), from, to)) scorer.add({ bytes, spans: spans.subarray(2 * first, 2 * last), first });
  const deferred = scorer.takeDeferred();
  const part = scorer.part();
  // The header as scored: points_per_day 0 already read as 96, so that a later message saying 96 agrees.
  return { part, header: { ruleSet: part.ruleSet, startDate: header.startDate, pointsPerDay: header.pointsPerDay, includeFeatures, flaggedOnly, includeEvidence }, seconds: scorer.seconds, ...(deferred ? { deferred } : {}) };
}

/** A deferred part's blocks, their peer features filled in, scored under the header the part came back with. */
export function scoreComputedBlocks(engine: FeatureEngine, blocks: readonly FeatureBlock[], ruleSet: CompiledRuleSet, header: RequestHeader, serialization: Serialization): ScoredRequest {
  const batchHeader = parseBatchHeader(header.pointsPerDay, header.startDate);
  const { includeFeatures, flaggedOnly, includeEvidence } = header;
  const scorer = new BlockScorer(engine, batchHeader, ruleSet, { includeFeatures, flaggedOnly, includeEvidence }, serialization);
  for (const block of blocks) scorer.addComputed(block);
  return { part: scorer.part(), header, seconds: scorer.seconds };
}

/**
 * A later ScoreStream message under the stream's header. proto3 has no
 * presence: a field at its zero value is "not set"; set to anything else than
 * the stream's value, it is an error rather than silently overruled.
 */
function underStreamHeader(request: RequestIndex, stream: RequestHeader): RequestIndex {
  const differs: string[] = [];
  // The rule set as named by the first message may be `id` (the newest), pinned since to `id@version`.
  if (request.ruleSet !== '' && request.ruleSet !== stream.ruleSet && `${request.ruleSet}@` !== stream.ruleSet.slice(0, request.ruleSet.length + 1)) differs.push('rule_set');
  if (request.startDate !== '' && request.startDate !== stream.startDate) differs.push('start_date');
  if (request.pointsPerDay !== 0 && request.pointsPerDay !== stream.pointsPerDay) differs.push('points_per_day');
  if (request.includeFeatures && !stream.includeFeatures) differs.push('include_features');
  if (request.flaggedOnly && !stream.flaggedOnly) differs.push('flagged_only');
  if (request.includeEvidence && !stream.includeEvidence) differs.push('include_evidence');
  if (differs.length > 0) {
    throw new BatchError('invalid_argument', `${differs.join(', ')} of a later ScoreStream message differs from the first message's; later messages carry consumers only`);
  }
  const { ruleSet, startDate, pointsPerDay, includeFeatures, flaggedOnly, includeEvidence } = stream;
  return { ...request, ruleSet, startDate, pointsPerDay, includeFeatures, flaggedOnly, includeEvidence };
}
