// A ScoreBatchRequest file opened for the features and score commands,
// whatever its format (open-batch.ts tells them apart): its validated header,
// the request's rule set and flags, and its consumers as protobuf `Consumer`
// messages block by block, ready for FeatureEngine.computeWire and BlockScorer.
import { BatchError, scanConsumers, type BatchHeader, type ConsumerIndex, type WireConsumers } from '../engine/src/index.js';
import type { InputError } from './errors.js';

/**
 * Consumers [first, first + n) of the batch (n = spans.length / 2); `first`
 * makes the engine name a consumer by its index in the batch. The bytes view
 * a reused buffer: valid until the next block.
 */
export interface ConsumerBlock extends WireConsumers {
  readonly first: number;
}

/** The request's fields besides the calendar and the consumers, as sent (proto3 defaults when absent). */
export interface BatchOptions {
  /** `id`, `id@version`, or '' for the default rule set. */
  readonly ruleSet: string;
  readonly includeFeatures: boolean;
  readonly flaggedOnly: boolean;
  readonly includeEvidence: boolean;
}

export interface BatchFile {
  readonly path: string;
  readonly header: BatchHeader;
  readonly options: BatchOptions;
  readonly consumerCount: number;
  /** The consumers in request order, in blocks within the engine's BLOCK_LIMITS. Throws InputError for a consumer that cannot be read. */
  blocks(): Generator<ConsumerBlock>;
  /** The InputError for a BatchError the engine raised on a block's bytes, placed in the file. */
  blockError(block: ConsumerBlock, error: BatchError): InputError;
  close(): void;
}

/**
 * `batch` with `note` called on the consumers of each block (their wire index:
 * ids, watch, …) once its reader (the scorer, a stream) took the block, so
 * that a bad consumer fails there as it would without the note; a BatchError
 * of the scan is placed in the file (blockError).
 */
export function observeConsumers(batch: BatchFile, note: (consumers: ConsumerIndex) => void): BatchFile {
  return {
    path: batch.path,
    header: batch.header,
    options: batch.options,
    consumerCount: batch.consumerCount,
    *blocks() {
      for (const block of batch.blocks()) {
        yield block;
        let consumers: ConsumerIndex;
        try {
          consumers = scanConsumers(block.bytes, block.spans, block.first);
        } catch (error) {
          if (error instanceof BatchError) throw batch.blockError(block, error);
          throw error;
        }
        note(consumers);
      }
    },
    blockError: (block, error) => batch.blockError(block, error),
    close: () => batch.close(),
  };
}
