// Answering a caller on time while work it no longer wants finishes. A task
// a worker has started runs to its end (gateway/pool/task-abort.ts: piscina
// would kill the worker otherwise), so a deadline, a cancel or shutdown must
// not wait for it: the caller gets the signal's reason at once, and the
// work's own promise settles later (when the buffers it reads may be reused).

/** `work`'s outcome, or the signal's reason as soon as it aborts (`work` still runs; its rejection is caught). */
export function untilAborted<T>(work: Promise<T>, signal: AbortSignal): Promise<T> {
  if (signal.aborted) {
    work.catch(() => {});
    return Promise.reject(signal.reason);
  }
  return new Promise<T>((resolve, reject) => {
    const onAbort = (): void => reject(signal.reason);
    signal.addEventListener('abort', onAbort, { once: true });
    work
      .then(resolve, (err: unknown) => reject(signal.aborted ? signal.reason : err))
      .finally(() => signal.removeEventListener('abort', onAbort));
  });
}
