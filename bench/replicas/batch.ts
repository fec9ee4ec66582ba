// The batch the replica runs send, and what makes two answers the same answer.
// lib/score-requests.ts's known consumers (a workshop in a flat, a licensed
// plant, unusable and gappy meters, households: RED, exempt, GRAY, GREEN),
// copied `copies` times under distinct ids. An answer is compared by its
// fingerprint: the rule set's digest and, per consumer in order, its id,
// code and score.
import { create, toBinary, type DescMessage, type MessageShape } from '@bufbuild/protobuf';
import { messageSchema } from '../../lib/proto-registry.js';
import { knownConsumers, requestInit, type ConsumerData } from '../../lib/score-requests.js';

export const START_DATE = '2026-03-02'; // a Monday
export const DAYS = 30;

export function replicaConsumers(copies: number): ConsumerData[] {
  const known = knownConsumers(DAYS, 0);
  return Array.from({ length: copies }, (_, k) => known.map((c) => ({ ...c, id: `${c.id}-${k}` }))).flat();
}

export interface ScoredConsumer {
  readonly id: string;
  readonly code: number;
  readonly score: number;
}

/** One consumer's part of a fingerprint. */
export const resultKey = (r: ScoredConsumer): string => `${r.id}:${r.code}:${r.score}`;

/** The fingerprint of an answer: `digest|id:code:score,…`. */
export function fingerprint(digest: string, results: readonly ScoredConsumer[]): string {
  return `${digest}|${results.map(resultKey).join(',')}`;
}

export interface ReplicaBatch {
  readonly consumers: readonly ConsumerData[];
  /** The ScoreBatchRequest message (protobuf-es), for connect-node clients. */
  readonly request: MessageShape<DescMessage>;
  /** Its bytes, for grpc-js. */
  readonly bytes: Uint8Array;
  /** ScoreBatchRequest bytes of consumers [from, from + count): a ScoreStream message (same header). */
  slice(from: number, count: number): Uint8Array;
}

export function replicaBatch(copies: number, ruleSet = ''): ReplicaBatch {
  const schema = messageSchema('ScoreBatchRequest');
  const consumers = replicaConsumers(copies);
  const options = { ruleSet, startDate: START_DATE, pointsPerDay: 96 };
  const request = create(schema, requestInit(options, consumers));
  return {
    consumers,
    request,
    bytes: toBinary(schema, request),
    slice: (from, count) => toBinary(schema, create(schema, requestInit(options, consumers.slice(from, from + count)))),
  };
}
