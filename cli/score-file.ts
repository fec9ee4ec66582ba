// Scoring a batch file here, block by block, into one part of the response:
// the one use case behind `gridcode score` and the commands that score a file
// to look at its results (list, diff). The engine computes each block; the
// cohort space is the file's (open-batch.ts cohortModeOf).
import type { ResponseOptions, ResponsePart, Serialization } from '../engine/src/codec/index.js';
import { BatchError, BlockScorer, FeatureEngine, type CompiledRuleSet, type FeatureBlock } from '../engine/src/index.js';
import type { BatchFile } from './batch-file.js';
import { CommandError } from './errors.js';
import { cohortModeOf } from './open-batch.js';
import type { TerminalProgress } from './progress/terminal-progress.js';

/**
 * The batch scored here, block by block, into one part of the response. With
 * `onBlockResults`, each block's encoded results go there as it is scored and
 * the part holds none (its counts, hits and resultCount are complete).
 */
export async function scoreFile(
  batch: BatchFile,
  ruleSet: CompiledRuleSet,
  flags: ResponseOptions,
  serialization: Serialization,
  progress?: TerminalProgress,
  onBlockResults?: (encoded: Uint8Array) => void,
  onPeerBlock?: (block: FeatureBlock) => void,
): Promise<ResponsePart> {
  const engine = await FeatureEngine.load().catch((error: Error) => {
    throw new CommandError(`cannot load the feature engine: ${error.message}`);
  });
  const scorer = new BlockScorer(engine, batch.header, ruleSet, { ...flags, cohorts: cohortModeOf(batch), onBlockResults, onPeerBlock }, serialization);
  for (const block of batch.blocks()) {
    try {
      scorer.add(block);
      progress?.consumers(block.first + (block.spans.length >> 1));
    } catch (error) {
      if (error instanceof BatchError) throw batch.blockError(block, error);
      throw error;
    }
  }
  return scorer.part();
}

