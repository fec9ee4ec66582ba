import { DEFAULT_LIMITS } from '../rpc/limits.js';

/**
 * Memory for a request body of `length` bytes, for protocol adapters: a
 * SharedArrayBuffer from `splitThresholdBytes` on (such a batch may be split
 * across workers, which then all read it without a copy), else an
 * ArrayBuffer (moved to one worker with a transfer list). Write the message
 * into it and pass it as UnaryRequest.buffer.
 */
export function allocateBody(length: number, splitThresholdBytes: number = DEFAULT_LIMITS.splitThresholdBytes): ArrayBuffer | SharedArrayBuffer {
  return length >= splitThresholdBytes ? new SharedArrayBuffer(length) : new ArrayBuffer(length);
}
