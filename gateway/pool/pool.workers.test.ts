// Worker faults through the real pool (piscina 5.3) and the real compiled
// worker, wrapped by tests/support/gateway/faulty-worker.mjs (run `npm run build:ts` first):
// a worker that exits or throws mid-batch fails only the task it held, queued
// tasks still run, the pool replaces it and counts it; a WASM trap costs the
// worker its engine, not its life.
import { copyFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { compileEngine, RuleSetRegistry } from '../../engine/src/index.js';
import type { EncodedResponse, TaskFailure } from '../tasks/protocol.js';
import { FAULTY_WORKER, faultBatch, runForeign, scoreTask } from '../../tests/support/gateway/fault-batches.js';
import { createScoringPool, PoolFullError, WorkerDiedError, type ScoringPool } from './pool.js';

const root = fileURLToPath(new URL('../..', import.meta.url));
let dir: string;
let registry: RuleSetRegistry;
let module: WebAssembly.Module;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'gridcode-pool-'));
  copyFileSync(join(root, 'rules/default.yaml'), join(dir, 'default.yaml'));
  const quiet = { info: () => undefined, warn: () => undefined, error: () => undefined };
  registry = await RuleSetRegistry.open({ dir, watch: false, logger: quiet });
  module = await compileEngine();
});
afterAll(async () => {
  await registry?.close();
  rmSync(dir, { recursive: true, force: true });
});

interface Probe {
  readonly kind: 'probe';
  readonly threadId: number;
  readonly instances: number;
  readonly trapped: number[];
  readonly lastUsed: number;
}

async function faultyPool(threads: number) {
  const logs: string[] = [];
  const pool = await createScoringPool({ threads, module, workerFile: FAULTY_WORKER, logger: { error: (message) => logs.push(message) } });
  const score = (ids: readonly string[]) => {
    const { task, transferList } = scoreTask(registry, faultBatch(ids));
    return pool.run(task, { transferList });
  };
  const sleep = (ms: number, signal?: AbortSignal) => runForeign<{ threadId: number }>(pool, { kind: 'fault-sleep', ms }, signal ? { signal } : {});
  return { pool, logs, score, sleep, probe: () => runForeign<Probe>(pool, { kind: 'fault-probe' }) };
}

async function failure(promise: Promise<unknown>): Promise<Error> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  if (!(error instanceof Error)) throw new Error('expected the task to fail');
  return error;
}

async function closing(pool: ScoringPool, run: () => Promise<void>): Promise<void> {
  try {
    await run();
  } finally {
    await pool.close();
  }
}

describe.each([
  ['exits (process.exit)', 'fault:exit', /exited with code: 3/],
  ['throws outside the task', 'fault:throw', /threw outside it.*thrown outside the task/s],
])('a worker that %s mid-batch', (_, fault, message) => {
  it('fails only its task; queued tasks run; the pool replaces and counts it', async () => {
    const { pool, logs, score, sleep } = await faultyPool(2);
    await closing(pool, async () => {
      const busy = sleep(300); // the other worker is busy: what follows queues
      const dying = score(['c1', fault, 'c3']);
      const queued = [score(['q1']), score(['q2', 'q3']), score(['q4'])];
      const error = await failure(dying);
      expect(error).toBeInstanceOf(WorkerDiedError);
      expect(error.message).toMatch(message);
      for (const result of await Promise.all(queued)) expect(result.kind).toBe('response');
      await busy;
      expect(pool.stats().workerDeaths).toBe(1);
      expect(logs.join('\n')).toMatch(fault === 'fault:exit' ? /exited with code 3 and is replaced/ : /threw outside a task and is replaced/);
      // Two workers again: two tasks at once run on two threads.
      const [a, b] = await Promise.all([sleep(150), sleep(150)]);
      expect(a.threadId).not.toBe(b.threadId);
      expect((await score(['after'])).kind).toBe('response');
    });
  });
});

describe('the pool ending a worker itself', () => {
  it('is no death: an aborted task, then close()', async () => {
    const { pool, sleep, score } = await faultyPool(1);
    const stop = new AbortController();
    const aborted = sleep(300, stop.signal);
    setTimeout(() => stop.abort(), 50);
    expect((await failure(aborted)).name).toBe('AbortError');
    expect((await score(['next'])).kind).toBe('response');
    expect(pool.stats().workerDeaths).toBe(0);
    await pool.close();
    expect(pool.stats().workerDeaths).toBe(0);
  });
});

describe('a task aborted while a worker runs it', () => {
  it('finishes on that worker, which lives on, and fails with AbortError; one aborted in the queue fails at once and is skipped', async () => {
    const { pool } = await faultyPool(1);
    await closing(pool, async () => {
      const work = (ms: number, seen: SharedArrayBuffer, signal?: AbortSignal) =>
        runForeign<{ threadId: number }>(pool, { kind: 'fault-work', ms, seen }, signal ? { signal } : {});
      const first = await work(1, new SharedArrayBuffer(4));
      const seen = new SharedArrayBuffer(4);
      const stop = new AbortController();
      const settled: string[] = [];
      const running = failure(work(300, seen, stop.signal)).then((e) => (settled.push('running'), e));
      const queuedSeen = new SharedArrayBuffer(4);
      const queued = failure(work(300, queuedSeen, stop.signal)).then((e) => (settled.push('queued'), e));
      while (Atomics.load(new Int32Array(seen), 0) === 0) await new Promise((resolve) => setTimeout(resolve, 5));
      stop.abort();
      expect((await queued).name).toBe('AbortError');
      expect((await running).name).toBe('AbortError');
      // The queued task left at once; the running one settled only when its worker was done with it.
      expect(settled).toEqual(['queued', 'running']);
      // The same thread runs the next task: the abort did not end it.
      expect((await work(1, new SharedArrayBuffer(4))).threadId).toBe(first.threadId);
      // The worker took the canceled task from the queue before that one, and skipped it.
      expect(Atomics.load(new Int32Array(queuedSeen), 0)).toBe(0);
      expect(pool.stats().workerDeaths).toBe(0);
    });
  });
});

describe('tasks canceled while queued', () => {
  it('free their queue places at once: the queue refuses only live tasks', async () => {
    const pool = await createScoringPool({ threads: 1, maxQueue: 2, module, workerFile: FAULTY_WORKER, logger: { error: () => {} } });
    await closing(pool, async () => {
      const busy = runForeign<{ threadId: number }>(pool, { kind: 'fault-sleep', ms: 400 });
      const stop = new AbortController();
      const queued = [0, 1].map(() => failure(runForeign(pool, { kind: 'fault-sleep', ms: 1 }, { signal: stop.signal })));
      expect(pool.stats()).toMatchObject({ queueSize: 2, running: 1 });
      await expect(runForeign(pool, { kind: 'fault-sleep', ms: 1 })).rejects.toBeInstanceOf(PoolFullError);
      stop.abort();
      for (const error of await Promise.all(queued)) expect(error.name).toBe('AbortError');
      expect(pool.stats()).toMatchObject({ queueSize: 0, running: 1 });
      // Two places again, while the canceled ones still sit in piscina's queue behind the busy worker.
      const next = [runForeign<{ kind: string }>(pool, { kind: 'fault-sleep', ms: 1 }), runForeign<{ kind: string }>(pool, { kind: 'fault-sleep', ms: 1 })];
      await expect(runForeign(pool, { kind: 'fault-sleep', ms: 1 })).rejects.toBeInstanceOf(PoolFullError);
      for (const answer of await Promise.all(next)) expect(answer.kind).toBe('pong');
      await busy;
      expect(pool.stats()).toMatchObject({ queueSize: 0, running: 0 });
      // The canceled ones no longer count at all: the queue is full again at exactly two waiting.
      const again = runForeign(pool, { kind: 'fault-sleep', ms: 200 });
      const fill = [0, 1].map(() => runForeign(pool, { kind: 'fault-sleep', ms: 1 }));
      await expect(runForeign(pool, { kind: 'fault-sleep', ms: 1 })).rejects.toBeInstanceOf(PoolFullError);
      await Promise.all([again, ...fill]);
    });
  });
});

describe('a WASM trap in the middle of a batch', () => {
  it('answers internal, discards the engine, and the same worker scores the next batch on a fresh instance', async () => {
    const { pool, score, probe } = await faultyPool(1);
    await closing(pool, async () => {
      const before = await probe();
      const baseline = await score(['a', 'b', 'c']);
      expect(baseline.kind).toBe('response');
      const trapped = await score(['a', 'fault:trap', 'c']);
      expect(trapped).toMatchObject({ kind: 'error', error: { code: 'internal' } });
      expect((trapped as TaskFailure).error.message).toMatch(/RuntimeError: memory access out of bounds/);
      const after = await score(['a', 'b', 'c']);
      expect(after.kind).toBe('response');
      expect((after as EncodedResponse).bytes).toEqual((baseline as EncodedResponse).bytes);
      const state = await probe();
      expect(state.threadId).toBe(before.threadId); // the worker lived on
      expect(state.trapped).toEqual([before.instances]);
      expect(state.instances).toBe(before.instances + 1);
      expect(state.lastUsed).toBe(state.instances); // the trapped instance never ran again
      expect(pool.stats().workerDeaths).toBe(0);
    });
  });
});

describe('the busy-time counter (gridcode_pool_busy_seconds_total)', () => {
  it('adds each task’s time in the worker: at least the engine time the worker reports, at most the round trips the test measures', async () => {
    // The real worker; one task at a time, so none waits in the queue and each round trip holds its whole time in the worker.
    const pool = await createScoringPool({ threads: 2, module, logger: { error: () => undefined } });
    await closing(pool, async () => {
      const before = pool.stats().busySeconds;
      let roundTrips = 0;
      let engineSeconds = 0;
      for (let i = 0; i < 6; i++) {
        const { task, transferList } = scoreTask(registry, faultBatch(Array.from({ length: 200 }, (_, c) => `c${i}-${c}`)));
        const start = process.hrtime.bigint();
        const answer = (await pool.run(task, { transferList })) as EncodedResponse;
        roundTrips += Number(process.hrtime.bigint() - start) / 1e9;
        expect(answer.kind).toBe('response');
        engineSeconds += answer.stats!.engineSeconds;
      }
      const busy = pool.stats().busySeconds - before;
      expect(engineSeconds).toBeGreaterThan(0);
      expect(busy).toBeGreaterThanOrEqual(engineSeconds);
      expect(busy).toBeLessThanOrEqual(roundTrips);
    });
  });
});
