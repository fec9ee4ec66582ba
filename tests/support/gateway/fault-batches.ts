// Test-only: small ScoreBatchRequests whose consumer ids may name a fault of
// faulty-worker.mjs, and the pieces a pool task needs besides the bytes.
import { fileURLToPath } from 'node:url';
import { gridcode } from '#gen/scoring.js';
import type { RuleSetRegistry } from '../../../engine/src/index.js';
import type { RunOptions, ScoringPool } from '../../../gateway/pool/pool.js';
import { catalogOf } from '../../../gateway/service/rule-set-sources.js';
import type { ScoreTask, TaskTenant, WorkerTask } from '../../../gateway/tasks/protocol.js';

/** The faulty worker, as a pool's `workerFile`. */
export const FAULTY_WORKER = fileURLToPath(new URL('./faulty-worker.mjs', import.meta.url));

export const OPS: TaskTenant = { id: 'ops', ruleSets: '*', defaultRuleSet: 'default' };

/** One consumer per id: 30 days of hourly readings, some with a night load. */
export function faultBatch(ids: readonly string[], ruleSet = ''): Uint8Array {
  const consumers = ids.map((id, i) => ({
    id,
    category: 1,
    zone: 1,
    capacityKw: 5,
    loadKw: Array.from({ length: 30 * 24 }, (_, t) => {
      const hour = t % 24;
      const night = hour < 6 || hour >= 22;
      return Math.fround((i % 2 === 0 && night ? 5 : 1) * (1 + 0.2 * Math.sin(t * 0.3 + i)));
    }),
  }));
  return gridcode.v1.ScoreBatchRequest.encode({ startDate: '2024-03-04', pointsPerDay: 24, consumers, ruleSet }).finish();
}

/** A whole-batch score task over `bytes`, moved to the worker as the service moves it. */
export function scoreTask(registry: RuleSetRegistry, bytes: Uint8Array): { task: ScoreTask; transferList: ArrayBuffer[] } {
  const buffer = new ArrayBuffer(bytes.length);
  new Uint8Array(buffer).set(bytes);
  const limits = { maxConsumers: 1000, maxReadingsPerConsumer: 100_000 };
  const task: ScoreTask = { kind: 'score', request: 'proto', response: 'proto', catalog: catalogOf(registry.snapshot), tenant: OPS, limits, buffer, offset: 0, length: bytes.length };
  return { task, transferList: [buffer] };
}

/**
 * pool.run for a task the real worker does not know (a fault-* task of
 * faulty-worker.mjs, or one for another module, `filename`): the pool types
 * only the tasks of gateway/tasks/protocol.ts, so the test names the answer.
 */
export function runForeign<R>(pool: ScoringPool, task: object, options?: RunOptions): Promise<R> {
  return pool.run(task as WorkerTask, options) as Promise<unknown> as Promise<R>;
}
