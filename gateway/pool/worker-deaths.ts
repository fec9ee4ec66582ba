// Scoring workers that die: a worker thread that exits (process.exit in the
// thread, Worker.terminate from outside) or throws outside any task. piscina
// 5.3 then rejects the tasks that worker held (with `worker exited with code:
// N`, or with the thrown error itself), starts a replacement (minThreads), and
// hands queued tasks to the other workers and the replacement. This module
// only tells those deaths apart from the pool's own terminations (an aborted
// task's worker, close()), counts them, logs them, and names the error that
// the held tasks get, so that the service answers `internal` for them.
import type { Worker } from 'node:worker_threads';
import type { Piscina } from 'piscina';

export interface PoolLogger {
  error(message: string): void;
}

/** The worker running a task died before answering; the pool has started a replacement. */
export class WorkerDiedError extends Error {
  override readonly name = 'WorkerDiedError';
}

/** piscina's rejection of the tasks of a worker that exited (piscina/dist/index.js, onWorkerExit). */
const EXITED = /^worker exited with code: (-?\d+)$/;

export interface WorkerDeaths {
  /** Workers that died since the pool started (not those the pool ended itself). */
  readonly count: number;
  /** The error a held task should reject with, if `error` is how piscina reported its worker's death. */
  asDeath(error: unknown): WorkerDiedError | undefined;
}

export function watchWorkerDeaths(piscina: Piscina, logger: PoolLogger): WorkerDeaths {
  let count = 0;
  /** Errors thrown outside a task: piscina rejects the worker's tasks with these very objects. */
  const thrown = new WeakSet<object>();
  // A replacement is announced once it is ready, which is before it can take a task.
  piscina.on('workerCreate', (created: { readonly id: number; readonly destroyed: boolean }) => {
    const worker = (piscina.threads as Worker[]).find((thread) => thread.threadId === created.id);
    if (!worker) return;
    const threadId = created.id;
    let dead = false;
    // Prepended: they run before piscina's own listeners, which mark the worker destroyed.
    worker.prependListener('error', (error: unknown) => {
      if (dead) return;
      dead = true;
      count++;
      if (error !== null && typeof error === 'object') thrown.add(error);
      logger.error(`scoring pool: worker thread ${threadId} threw outside a task and is replaced: ${describe(error)}`);
    });
    worker.prependListener('exit', (code: number) => {
      // `destroyed` already: the pool ended it (an aborted task, close()); that is no death.
      if (dead || created.destroyed) return;
      dead = true;
      count++;
      logger.error(`scoring pool: worker thread ${threadId} exited with code ${code} and is replaced`);
    });
  });
  // piscina emits 'error' for a worker that fails while holding no task; an EventEmitter without an 'error' listener would throw it in the main thread.
  piscina.on('error', (error: unknown) => logger.error(`scoring pool: ${describe(error)}`));
  return {
    get count() {
      return count;
    },
    asDeath(error) {
      if (error instanceof Error && EXITED.test(error.message)) {
        return new WorkerDiedError(`the scoring worker running this task ${error.message.replace('worker ', '')} before answering; the pool replaces it`, { cause: error });
      }
      if (error !== null && typeof error === 'object' && thrown.has(error)) {
        return new WorkerDiedError(`the scoring worker running this task threw outside it and was ended before answering: ${describe(error)}`, { cause: error });
      }
      return undefined;
    },
  };
}

function describe(error: unknown): string {
  return error instanceof Error ? (error.stack ?? `${error.name}: ${error.message}`) : String(error);
}
