// The piscina worker: one FeatureEngine per thread, instantiated from the
// WebAssembly.Module the pool compiled in the main thread. Each task is
// answered with a result object, never a thrown error, so that a bad request
// fails only itself: a ServiceError thrown by the task's code is answered as
// its value (TaskFailure; a thrown error would reach the service as a bare
// Error, its code lost). An unexpected error (a WebAssembly.RuntimeError is a
// trap in the middle of a batch) becomes an `internal` failure and the engine
// is discarded: its memory may be half-written, so no later task may use it;
// the next one gets an instance made afresh from the module.
import { move, transferableSymbol, valueSymbol, workerData } from 'piscina';
import { assembleResponse } from '../../engine/src/codec/index.js';
import { FeatureEngine } from '../../engine/src/index.js';
import { ServiceError } from '../rpc/codes.js';
import { blockTransfers } from '../tasks/cohort-tasks.js';
import type { ResultOf, ScoreTask, TaskFailure, ValidateTask, WorkerInit, WorkerTask } from '../tasks/protocol.js';
import { mayUse } from '../tasks/catalog.js';
import { markStarted, type StartedFlag } from '../pool/task-abort.js';
import { statsOf } from '../tasks/stats.js';
import { fillPeers, scoreBlocks, streamCohorts } from './cohorts.js';
import { RuleSetCache } from './rule-sets.js';
import { jsonRequestToProto, scoreRequest } from './score.js';
import { validateRuleSet, type LoadedRuleSets } from './validate.js';

const init = workerData as WorkerInit;
const loadEngine = () => FeatureEngine.load({ module: init.module, ...(init.engineMemoryBytes !== undefined ? { maxMemoryBytes: init.engineMemoryBytes } : {}) });
/** Undefined once discarded after an unexpected error, until the next scoring task needs one. */
let engine: FeatureEngine | undefined = await loadEngine();
const ruleSets = new RuleSetCache();
/** The pool's busy-time counter, nanoseconds, shared by every worker (Atomics.add: workers add at once). */
const busy = init.busyNanoseconds ? new BigInt64Array(init.busyNanoseconds) : undefined;
/** The tasks that need the engine (handle() makes one first). */
const USES_ENGINE = new Set<WorkerTask['kind']>(['score', 'peers', 'score-blocks', 'stream-cohorts']);

export default async function handle(task: WorkerTask & { readonly started?: StartedFlag }): Promise<unknown> {
  // Its caller gave up while it waited: its answer went out already, and its body may be another request's by now.
  if (!markStarted(task.started)) return { kind: 'error', error: { code: 'canceled', message: 'canceled while queued' } } satisfies TaskFailure;
  const start = process.hrtime.bigint();
  try {
    return await answer(task);
  } finally {
    if (busy) Atomics.add(busy, 0, process.hrtime.bigint() - start);
  }
}

async function answer(task: WorkerTask): Promise<unknown> {
  try {
    if (USES_ENGINE.has(task.kind)) engine ??= await loadEngine();
    return transfer(run(task, engine));
  } catch (error) {
    if (error instanceof ServiceError) return { kind: 'error', error: error.toWire() } satisfies TaskFailure;
    engine = undefined;
    const detail = error instanceof Error ? (error.stack ?? error.message) : String(error);
    return { kind: 'error', error: { code: 'internal', message: `worker ${task?.kind ?? 'task'} failed (its engine was discarded): ${detail}` } } satisfies TaskFailure;
  }
}

function run(task: WorkerTask, engine: FeatureEngine | undefined): ResultOf<WorkerTask> {
  const engaged = (): FeatureEngine => {
    if (!engine) throw new Error(`no engine for a ${task.kind} task`);
    return engine;
  };
  switch (task.kind) {
    case 'ping':
      return { kind: 'pong' };
    case 'score':
      return score(engaged(), task, bodyOf(task));
    case 'json-to-proto': {
      const proto = jsonRequestToProto(bodyOf(task), task.limits);
      const buffer = new SharedArrayBuffer(proto.length);
      new Uint8Array(buffer).set(proto);
      return { kind: 'proto', buffer, length: proto.length };
    }
    case 'validate':
      return { kind: 'response', bytes: validateRuleSet(bodyOf(task), task.serialization, validateLookup(task)) };
    case 'peers':
      return fillPeers(engaged(), ruleSets, task);
    case 'score-blocks':
      return scoreBlocks(engaged(), ruleSets, task);
    case 'stream-cohorts':
      return streamCohorts(engaged(), ruleSets, task);
    default:
      throw new Error(`unknown task kind ${JSON.stringify((task as { kind?: unknown }).kind)}`);
  }
}

function bodyOf(task: { buffer: ArrayBuffer | SharedArrayBuffer; offset: number; length: number }): Uint8Array {
  return new Uint8Array(task.buffer, task.offset, task.length);
}

function score(engine: FeatureEngine, task: ScoreTask, bytes: Uint8Array): ResultOf<ScoreTask> {
  const proto = task.request === 'proto' ? bytes : jsonRequestToProto(bytes, task.limits);
  const part = scoreRequest(engine, ruleSets, {
    bytes: proto,
    catalog: task.catalog,
    tenant: task.tenant,
    limits: task.limits,
    response: task.response,
    ...(task.part ? { part: task.part } : {}),
    ...(task.stream ? { stream: task.stream } : {}),
    ...(task.defer ? { defer: true } : {}),
  });
  if (task.part || task.stream) return part;
  return { kind: 'response', bytes: assembleResponse([part], task.response), stats: statsOf([part]) };
}

/** The result with its byte arrays and blocks moved, not copied, to the main thread. */
function transfer(result: ResultOf<WorkerTask>): unknown {
  // Each buffer once: a transfer list naming one twice is refused.
  const buffers = [...new Set(movable(result))];
  if (buffers.length === 0) return result;
  return move({ [transferableSymbol]: buffers, [valueSymbol]: result } as never);
}

function movable(result: ResultOf<WorkerTask>): ArrayBuffer[] {
  switch (result.kind) {
    case 'response':
      return owned(result.bytes);
    case 'part':
      return [...owned(result.results), ...blockTransfers(result.deferred?.blocks ?? [])];
    case 'blocks':
      return blockTransfers(result.blocks);
    case 'stream-cohorts':
      return [...owned(result.carried.results), ...owned(result.part.results), ...blockTransfers(result.carry)];
    default:
      return [];
  }
}

/** An array's buffer, when the array owns all of it (a view of a larger buffer is copied instead). */
function owned(bytes: Uint8Array): ArrayBuffer[] {
  if (bytes.byteOffset !== 0 || bytes.byteLength !== bytes.buffer.byteLength || !(bytes.buffer instanceof ArrayBuffer) || bytes.byteLength === 0) return [];
  return [bytes.buffer];
}

/** Where a draft's `extends` is looked up: the loaded rule sets the caller may use. */
function validateLookup(task: ValidateTask): LoadedRuleSets | undefined {
  const { catalog, tenant } = task;
  return catalog && tenant ? { catalog, mayUse: (id) => mayUse(tenant, id) } : undefined;
}
