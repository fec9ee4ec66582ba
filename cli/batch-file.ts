// A ScoreBatchRequest file opened for the features and score commands,
// whatever its format: its validated header, the request's rule set and flags,
// and its consumers as protobuf `Consumer` messages block by block, ready for
// FeatureEngine.computeWire and scoreWire.
import { closeSync, fstatSync, openSync, readSync } from 'node:fs';
import { extname } from 'node:path';
import type { BatchError, BatchHeader, WireConsumers } from '../engine/src/index.js';
import { describeFsError, InputError } from './errors.js';
import { openJsonBatch } from './json-batch-file.js';
import { openProtobufBatch } from './pb-batch-file.js';

/** Consumers [first, first + count) of the batch. `wire` views a reused buffer: valid until the next block. */
export interface ConsumerBlock {
  readonly first: number;
  /** Consumers in the block; their ids come back with the engine's result (FeatureMatrix.ids). */
  readonly count: number;
  readonly wire: WireConsumers;
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
  /** The consumers in request order. Throws InputError for a consumer that cannot be read. */
  blocks(): Generator<ConsumerBlock>;
  /** The InputError for a BatchError the engine raised on a block's bytes, placed in the file. */
  blockError(block: ConsumerBlock, error: BatchError): InputError;
  close(): void;
}

/** Block limits: the engine's memory for a block stays in the tens of MiB, and each call is long enough to amortize. */
export const BLOCK_LIMITS = { maxCount: 2000, maxBytes: 16 << 20 } as const;

export type BatchFormat = 'protobuf' | 'json';

/**
 * Opens a batch and reads its header (the first pass of either reader). The
 * format comes from the extension (.json; .pb, .binpb, .bin) and otherwise from
 * the first byte: a JSON request starts with `{`.
 */
export function openBatch(path: string): BatchFile {
  let fd: number;
  try {
    fd = openSync(path, 'r');
  } catch (error) {
    throw new InputError(path, describeFsError(error));
  }
  try {
    const stat = fstatSync(fd);
    if (!stat.isFile()) throw new InputError(path, 'is not a regular file; the batch is read twice and must be a file');
    const format = formatOf(path, fd);
    return format === 'json' ? openJsonBatch(path, fd, stat.size) : openProtobufBatch(path, fd, stat.size);
  } catch (error) {
    closeSync(fd);
    if (error instanceof InputError) throw error;
    if ((error as NodeJS.ErrnoException).code) throw new InputError(path, describeFsError(error));
    throw error;
  }
}

function formatOf(path: string, fd: number): BatchFormat {
  const ext = extname(path).toLowerCase();
  if (ext === '.json') return 'json';
  if (ext === '.pb' || ext === '.binpb' || ext === '.bin') return 'protobuf';
  const head = new Uint8Array(64);
  const n = readSync(fd, head, 0, head.length, 0);
  for (let i = 0; i < n; i++) {
    const c = head[i]!;
    if (c === 0x20 || c === 0x09 || c === 0x0a || c === 0x0d) continue;
    return c === 0x7b ? 'json' : 'protobuf';
  }
  return 'protobuf';
}
