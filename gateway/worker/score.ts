// Scoring a request inside a worker: the engine's block-scoring use case
// (engine/src/scoring/score-request.ts) over the request bytes, with the rule
// set resolved from the catalog the task carries and compiled once per worker,
// and the engine's BatchErrors (what the client did wrong) as ServiceErrors.
import { jsonRequestToProto as protoOfJsonRequest } from '../../engine/src/codec/index.js';
import { BatchError, FeatureEngine, groupStretches, scoreBatchRequest } from '../../engine/src/index.js';
import type { Serialization } from '../rpc/types.js';
import { ServiceError } from '../rpc/codes.js';
import type { RuleSetCatalog, ScorePart, StreamHeader, TaskTenant, WorkerLimits } from '../tasks/protocol.js';
import { resolveEntry } from '../tasks/catalog.js';
import type { RuleSetCache } from './rule-sets.js';

export interface ScoreInput {
  /** The ScoreBatchRequest, binary protobuf. */
  readonly bytes: Uint8Array;
  readonly catalog: RuleSetCatalog;
  readonly tenant: TaskTenant;
  readonly limits: WorkerLimits;
  /** How the part's results are serialized. */
  readonly response: Serialization;
  /** This part of the consumers: [⌊i·n/k⌋, ⌊(i+1)·n/k⌋); the whole batch by default. */
  readonly part?: { readonly index: number; readonly count: number };
  /** A ScoreStream message after the first: the stream's header applies (see ScoreTask.stream). */
  readonly stream?: StreamHeader;
  /** See ScoreTask.defer. */
  readonly defer?: boolean;
}

/** Scores (part of) a batch. Throws ServiceError for what the client did wrong. */
export function scoreRequest(engine: FeatureEngine, ruleSets: RuleSetCache, input: ScoreInput): ScorePart {
  const { part, header, seconds, deferred } = asServiceError(() =>
    scoreBatchRequest(engine, input.bytes, {
      resolveRuleSet: (ref) => ruleSets.get(input.catalog, resolveEntry(input.catalog, input.tenant, ref)),
      serialization: input.response,
      maxConsumers: input.limits.maxConsumers,
      maxReadingsPerConsumer: input.limits.maxReadingsPerConsumer,
      ...(input.part ? { part: input.part } : {}),
      ...(input.stream ? { streamHeader: input.stream } : {}),
      defer: input.defer ?? false,
    }),
  );
  const engineSeconds = seconds.features + seconds.peers + seconds.rules;
  if (!deferred) return { kind: 'part', ...part, engineSeconds, header };
  const consumers = deferred.reduce((n, block) => n + block.count, 0);
  return { kind: 'part', ...part, engineSeconds, header, deferred: { blocks: deferred, consumers, stretches: groupStretches(deferred) } };
}

/** A JSON ScoreBatchRequest as binary protobuf. Throws ServiceError (invalid_argument) for a bad one. */
export function jsonRequestToProto(bytes: Uint8Array, limits: WorkerLimits): Uint8Array {
  return asServiceError(() => protoOfJsonRequest(bytes, limits));
}

/** BatchErrors as ServiceErrors (the codes are the service's). */
export function asServiceError<T>(run: () => T): T {
  try {
    return run();
  } catch (error) {
    if (error instanceof BatchError) throw new ServiceError(error.code, error.message);
    throw error;
  }
}
