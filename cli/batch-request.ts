// One request message from a batch file's consumers: the header fields, then
// consumers [from, to) of a block copied as they are (field 4, the same
// number in ScoreBatchRequest and ScoreStreamRequest, so the bytes are either).
// `gridcode score --server` sends these as a stream's messages, and
// `npm run bench:city -- --input` sends them as requests.
import protobuf from 'protobufjs/minimal.js';
import { gridcode } from '#gen/scoring.js';
import type { BatchFile, BatchOptions, ConsumerBlock } from './batch-file.js';

/** ScoreBatchRequest.consumers and ScoreStreamRequest.consumers: field 4, length-delimited. */
const CONSUMERS_TAG = (4 << 3) | 2;

/**
 * The request: `options` and the batch's calendar when given (the first
 * message of a stream; every ScoreBatch request), then the consumers of
 * `block` from `from` to `to` (all of it by default; none without a block).
 */
export function requestBytes(batch: Pick<BatchFile, 'header'>, options: BatchOptions | undefined, block?: ConsumerBlock, from = 0, to?: number): Uint8Array {
  const writer = protobuf.Writer.create();
  if (options) {
    gridcode.v1.ScoreStreamRequest.encode(
      {
        ruleSet: options.ruleSet,
        startDate: batch.header.startDate,
        pointsPerDay: batch.header.pointsPerDay,
        includeFeatures: options.includeFeatures,
        flaggedOnly: options.flaggedOnly,
        includeEvidence: options.includeEvidence,
      },
      writer,
    );
  }
  const end = block ? (to ?? block.spans.length >> 1) : 0;
  for (let k = from; k < end; k++) writer.uint32(CONSUMERS_TAG).bytes(block!.bytes.subarray(block!.spans[2 * k]!, block!.spans[2 * k + 1]!));
  return writer.finish();
}
