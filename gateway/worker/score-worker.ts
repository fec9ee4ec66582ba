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
import type { ResultOf, ScoreTask, TaskFailure, WorkerInit, WorkerTask } from '../tasks/protocol.js';
import { statsOf } from '../tasks/stats.js';
import { RuleSetCache } from './rule-sets.js';
import { jsonRequestToProto, scoreRequest } from './score.js';
import { validateRuleSet } from './validate.js';

const init = workerData as WorkerInit;
const loadEngine = () => FeatureEngine.load({ module: init.module, ...(init.engineMemoryBytes !== undefined ? { maxMemoryBytes: init.engineMemoryBytes } : {}) });
/** Undefined once discarded after an unexpected error, until the next scoring task needs one. */
let engine: FeatureEngine | undefined = await loadEngine();
const ruleSets = new RuleSetCache();

export default async function handle(task: WorkerTask): Promise<unknown> {
  try {
    if (task.kind === 'score') engine ??= await loadEngine();
    return transfer(run(task, engine));
  } catch (error) {
    if (error instanceof ServiceError) return { kind: 'error', error: error.toWire() } satisfies TaskFailure;
    engine = undefined;
    const detail = error instanceof Error ? (error.stack ?? error.message) : String(error);
    return { kind: 'error', error: { code: 'internal', message: `worker ${task?.kind ?? 'task'} failed (its engine was discarded): ${detail}` } } satisfies TaskFailure;
  }
}

function run(task: WorkerTask, engine: FeatureEngine | undefined): ResultOf<WorkerTask> {
  if (task.kind === 'ping') return { kind: 'pong' };
  const bytes = new Uint8Array(task.buffer, task.offset, task.length);
  switch (task.kind) {
    case 'score':
      if (!engine) throw new Error('no engine for a score task'); // handle() makes one first
      return score(engine, task, bytes);
    case 'json-to-proto': {
      const proto = jsonRequestToProto(bytes, task.limits);
      const buffer = new SharedArrayBuffer(proto.length);
      new Uint8Array(buffer).set(proto);
      return { kind: 'proto', buffer, length: proto.length };
    }
    case 'validate':
      return { kind: 'response', bytes: validateRuleSet(bytes, task.serialization) };
    default:
      throw new Error(`unknown task kind ${JSON.stringify((task as { kind?: unknown }).kind)}`);
  }
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
  });
  if (task.part || task.stream) return part;
  return { kind: 'response', bytes: assembleResponse([part], task.response), stats: statsOf([part]) };
}

/** The result with its byte arrays moved, not copied, to the main thread (only arrays that own their whole buffer). */
function transfer(result: ResultOf<WorkerTask>): unknown {
  const bytes = result.kind === 'response' ? result.bytes : result.kind === 'part' ? result.results : undefined;
  if (!bytes || bytes.byteOffset !== 0 || bytes.byteLength !== bytes.buffer.byteLength || !(bytes.buffer instanceof ArrayBuffer) || bytes.byteLength === 0) return result;
  return move({ [transferableSymbol]: [bytes.buffer], [valueSymbol]: result } as never);
}
