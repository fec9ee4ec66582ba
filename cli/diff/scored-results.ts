// The results of a batch scored here (cli/score-file.ts, binary protobuf
// serialization), read back one at a time with the reader of `score
// --previous` (result-codes.ts encodedResults): id, code, score and fired
// rules, what `gridcode diff` and `npm run eval -- --input` compare. Features,
// evidence and notes are dropped at once.
import { encodedResults } from '../result-codes.js';

/** One consumer's result, reduced. */
export interface ScoredConsumer {
  readonly id: string;
  /** 1 GREEN, 2 YELLOW, 3 RED, 4 GRAY (gridcode.v1.Code). */
  readonly code: number;
  /** Sum of the fired rules' scores, capped at 100. */
  readonly score: number;
  /** Ids of the fired rules. */
  readonly reasons: readonly string[];
}

/** The order of codes in matrices and tables here: ScoredBatch.codes - 1. */
export const CODE_NAMES = ['GREEN', 'YELLOW', 'RED', 'GRAY'] as const;

/** Results encoded with 'proto' serialization (a block's, from scoreFile's onBlockResults), in request order. */
export function* scoredConsumers(encoded: Uint8Array): Generator<ScoredConsumer> {
  for (const result of encodedResults(encoded, 'proto')) yield { id: result.id, code: result.code, score: result.score, reasons: result.reasons };
}
