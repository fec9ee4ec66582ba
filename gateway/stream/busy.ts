// A ScoreStream waits, not fails, while the server is full (pipeline.ts): a
// stream is one long call, and refusing it half-way would lose the work done.
// A task refused by a full pool before its buffers moved to a worker is asked
// again after a pause; one whose buffers moved cannot be.
import { ServiceError } from '../rpc/codes.js';

/** How long a stream waits before it asks a full server again. */
export const BUSY_WAIT_MS = 20;

/** Whether `error` is the pool's queue refusing a task (serverBusy), which may be asked again. */
export function isBusy(error: unknown): boolean {
  return error instanceof ServiceError && error.code === 'resource_exhausted' && error.retryAfterMs !== undefined;
}

/** Waits BUSY_WAIT_MS; rejects with the signal's reason when it aborts first. */
export function pause(signal: AbortSignal): Promise<void> {
  if (signal.aborted) return Promise.reject(signal.reason);
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      signal.removeEventListener('abort', onAbort);
      resolve();
    }, BUSY_WAIT_MS);
    const onAbort = (): void => {
      clearTimeout(timer);
      reject(signal.reason);
    };
    signal.addEventListener('abort', onAbort, { once: true });
  });
}
