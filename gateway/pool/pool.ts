// The scoring workers: a piscina pool, one worker per core by default, each
// holding its own engine instantiated from one WebAssembly.Module compiled
// here once. The queue is bounded: a task that does not fit is refused at
// once (PoolFullError), never left to wait. A worker that dies fails only the
// tasks it held (WorkerDiedError) and is replaced (worker-deaths.ts).
import { existsSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Piscina } from 'piscina';
import { compileEngine } from '../../engine/src/index.js';
import { packageRoot } from '../../engine/src/package-root.js';
import type { TaskAnswer, WorkerInit, WorkerTask } from '../tasks/protocol.js';
import { taskAbort } from './task-abort.js';
import { watchWorkerDeaths, type PoolLogger } from './worker-deaths.js';

export { WorkerDiedError, type PoolLogger } from './worker-deaths.js';

export interface ScoringPoolOptions {
  /** Worker threads; default: one per core (os.availableParallelism()). */
  readonly threads?: number;
  /** Tasks that may wait for a worker; more are refused. Default: 4 per thread. */
  readonly maxQueue?: number;
  /** The compiled engine; default: build/engine.wasm compiled once. */
  readonly module?: WebAssembly.Module;
  /** Cap on each engine's memory for one block of consumers (bytes); default: the module's own 1 GiB. */
  readonly engineMemoryBytes?: number;
  /** The worker module (compiled JavaScript); default: gateway/worker/score-worker.js beside this file, else in dist/. */
  readonly workerFile?: string;
  /** Where worker deaths are reported (default: console). */
  readonly logger?: PoolLogger;
}

export interface PoolStats {
  readonly threads: number;
  /** Tasks waiting for a worker (not counting ones canceled while waiting, which a worker skips). */
  readonly queueSize: number;
  readonly maxQueue: number;
  /**
   * Seconds workers spent running tasks since the pool started, summed over
   * workers (measured in each worker from a task's arrival to its answer; not
   * queue time). Its rate over the thread count is the pool's utilisation.
   * (piscina 5's own `utilization` is not used: it divides milliseconds by
   * 1000 twice and averages over the pool's whole life.)
   */
  readonly busySeconds: number;
  /** Tasks finished (done, failed or aborted). */
  readonly completed: number;
  /** Tasks on a worker now, including ones whose caller gave up (they run to their end: task-abort.ts). */
  readonly running: number;
  /** Workers that died (exited or crashed, not ended by the pool) and were replaced, since the pool started. */
  readonly workerDeaths: number;
}

export interface RunOptions {
  readonly signal?: AbortSignal;
  readonly transferList?: readonly Transferable[];
  /** Another module's default export runs the task (tests). */
  readonly filename?: string;
}

/** The queue is full: the caller should answer resource_exhausted at once. */
export class PoolFullError extends Error {
  override readonly name = 'PoolFullError';
}

/** The pool is closing or closed. */
export class PoolClosedError extends Error {
  override readonly name = 'PoolClosedError';
}

export interface ScoringPool {
  readonly threads: number;
  /**
   * Runs a task on a worker. Rejects with PoolFullError, PoolClosedError, an
   * AbortError (name 'AbortError') when `signal` aborts (at once for a task
   * no worker has started; a running one is left to finish, task-abort.ts), or WorkerDiedError
   * when its worker died first (the task is not run again: its body may have
   * been moved to that worker). Resolves with the worker's answer, typed by
   * the task: its result, or a TaskFailure.
   */
  run<T extends WorkerTask>(task: T, options?: RunOptions): Promise<TaskAnswer<T>>;
  stats(): PoolStats;
  /** Whether close() was called. */
  readonly closing: boolean;
  /** Stops taking tasks, waits for those queued and running, and ends the workers. */
  close(): Promise<void>;
}

/** The compiled worker module: beside this file when running from dist/, else dist/'s copy. */
export function defaultWorkerFile(): string {
  const beside = fileURLToPath(new URL('../worker/score-worker.js', import.meta.url));
  if (existsSync(beside)) return beside;
  const built = join(packageRoot, 'dist', 'gateway', 'worker', 'score-worker.js');
  if (existsSync(built)) return built;
  throw new Error(`the scoring worker ${built} is missing: run npm run build:ts`);
}

export async function createScoringPool(options: ScoringPoolOptions = {}): Promise<ScoringPool> {
  const threads = options.threads ?? availableParallelism();
  if (!Number.isInteger(threads) || threads < 1) throw new RangeError(`threads must be a whole number from 1, not ${threads}`);
  const maxQueue = options.maxQueue ?? 4 * threads;
  if (!Number.isInteger(maxQueue) || maxQueue < 0) throw new RangeError(`maxQueue must be a whole number from 0, not ${maxQueue}`);
  const module = options.module ?? (await compileEngine());
  const busyNanoseconds = new SharedArrayBuffer(BigInt64Array.BYTES_PER_ELEMENT);
  const busy = new BigInt64Array(busyNanoseconds);
  const workerData: WorkerInit = { module, busyNanoseconds, ...(options.engineMemoryBytes !== undefined ? { engineMemoryBytes: options.engineMemoryBytes } : {}) };
  // No maxQueue for piscina: the pool refuses itself, not counting tasks canceled while queued
  // (task-abort.ts: they stay in piscina's queue until a worker skips them, which takes no time).
  const piscina = new Piscina({
    filename: options.workerFile ?? defaultWorkerFile(),
    minThreads: threads,
    maxThreads: threads,
    idleTimeout: Infinity,
    workerData,
  });
  const deaths = watchWorkerDeaths(piscina, options.logger ?? console);
  let closing = false;
  /** Tasks given to piscina and not settled there: queued, or on a worker (even if their caller gave up). */
  let inPiscina = 0;
  /** Of those, tasks whose caller canceled them before a worker started them. */
  let canceledWaiting = 0;
  const waiting = () => Math.max(0, piscina.queueSize - canceledWaiting);
  const onWorkers = () => Math.max(0, inPiscina - piscina.queueSize);
  // Workers up or starting (fewer than `threads` while piscina has given up replacing a failing one).
  const places = () => Math.min(threads, piscina.threads.length);
  const pool: ScoringPool = {
    threads,
    get closing() {
      return closing;
    },
    async run<T extends WorkerTask>(task: T, runOptions: RunOptions = {}): Promise<TaskAnswer<T>> {
      if (closing) throw new PoolClosedError('the scoring pool is shutting down');
      if (onWorkers() >= places() && waiting() >= maxQueue) throw new PoolFullError(`the scoring queue is full (${maxQueue} waiting)`);
      let canceled = false;
      let settled = false;
      const abort = taskAbort(runOptions.signal, () => {
        // A cancel that lands after piscina settled the task (its worker died unclaimed) has nothing left to count.
        if (settled) return;
        canceled = true;
        canceledWaiting++;
      });
      try {
        inPiscina++;
        const answer = piscina.run(abort.started ? { ...task, started: abort.started } : task, {
          ...(runOptions.transferList ? { transferList: [...runOptions.transferList] as never } : {}),
          ...(runOptions.filename ? { filename: runOptions.filename } : {}),
        }) as Promise<TaskAnswer<T>>; // what score-worker.ts answers a task of that kind
        // A task answered early (canceled in the queue) still settles here later, when a worker skips it.
        answer
          .finally(() => {
            settled = true;
            inPiscina--;
            if (canceled) canceledWaiting--;
          })
          .catch(() => {});
        return await abort.settle(answer);
      } catch (error) {
        if (error instanceof Error && error.name !== 'AbortError' && closing) throw new PoolClosedError('the scoring pool is shutting down');
        throw deaths.asDeath(error) ?? error;
      }
    },
    stats: () => ({
      threads,
      queueSize: waiting(),
      maxQueue,
      busySeconds: Number(Atomics.load(busy, 0)) / 1e9,
      completed: piscina.completed,
      running: onWorkers(),
      workerDeaths: deaths.count,
    }),
    async close() {
      if (closing) return;
      closing = true;
      await piscina.close();
    },
  };
  // A worker that cannot start (a missing or broken worker file) is found now, not by the first request.
  try {
    await pool.run({ kind: 'ping' });
  } catch (error) {
    await piscina.destroy();
    throw new Error(`the scoring workers did not start: ${(error as Error).message}`);
  }
  return pool;
}
