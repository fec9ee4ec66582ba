// How a caller's abort reaches a task. piscina 5 (dist/index.js, the abort
// handler of a task that a worker holds) terminates the worker when a task
// it has handed to a worker is aborted: a canceled or timed-out request cost
// a worker thread, its engine and its compiled rule sets, and under a load of
// deadlines the restarts themselves ate the capacity (and were not counted as
// deaths). So piscina never sees the caller's signal. Each task carries a
// flag shared with its worker instead, which one side claims first, with a
// compare-and-swap: the worker marks it started (markStarted), or the caller
// marks it canceled. A task canceled first is answered at once, and the
// worker that later takes it from the queue skips it without reading its
// body; a task started first runs to its end on a living worker, and its
// answer is dropped. Either way the request's buffers stay leased until no
// worker can read them.

/** The flag a task carries (an Int32Array's buffer): WAITING, then STARTED or CANCELED. */
export type StartedFlag = SharedArrayBuffer;

const WAITING = 0;
const STARTED = 1;
const CANCELED = 2;

export interface TaskAbort {
  /** Goes with the task, for the worker to claim. */
  readonly started: StartedFlag | undefined;
  /**
   * The task's answer, or an AbortError: at once when the caller aborts
   * before a worker started the task, else once the task has run.
   */
  settle<T>(answer: Promise<T>): Promise<T>;
}

/** An AbortError like piscina's (name 'AbortError'), carrying the caller's reason. */
export function abortError(reason: unknown): Error {
  return Object.assign(new Error('the task was aborted', { cause: reason }), { name: 'AbortError' });
}

/** `onCanceled` is called when the caller's cancel wins (the task will be skipped, unread). */
export function taskAbort(signal: AbortSignal | undefined, onCanceled?: () => void): TaskAbort {
  if (!signal) return { started: undefined, settle: (answer) => answer };
  if (signal.aborted) throw abortError(signal.reason);
  const started = new SharedArrayBuffer(Int32Array.BYTES_PER_ELEMENT);
  const flag = new Int32Array(started);
  return {
    started,
    settle<T>(answer: Promise<T>): Promise<T> {
      return new Promise<T>((resolve, reject) => {
        const onAbort = (): void => {
          // Canceled before any worker started it: no worker will read its body.
          if (Atomics.compareExchange(flag, 0, WAITING, CANCELED) !== WAITING) return;
          onCanceled?.();
          reject(abortError(signal.reason));
        };
        signal.addEventListener('abort', onAbort, { once: true });
        answer
          .then((value) => (signal.aborted ? reject(abortError(signal.reason)) : resolve(value)), reject)
          .finally(() => signal.removeEventListener('abort', onAbort));
      });
    },
  };
}

/** In the worker: claims the task; false when its caller canceled it first (skip it, and leave its body unread). */
export function markStarted(started: StartedFlag | undefined): boolean {
  if (!started) return true;
  return Atomics.compareExchange(new Int32Array(started), 0, WAITING, STARTED) !== CANCELED;
}
