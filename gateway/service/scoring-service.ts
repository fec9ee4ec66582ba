// The scoring service: the three methods of gridcode.v1.ScoringService over
// request and response bytes, with no knowledge of protocols. The main thread
// only moves bytes: decoding, scoring and encoding run in the pool's workers.
//
// ScoreBatch: the request buffer goes to one worker (shared when it is a
// slab of the body arena, body-arena.ts, else in the transfer list). A body
// from `splitThresholdBytes` on that arrives while at least two workers are
// idle is scored by those k workers, each its share of the consumers, and the
// parts' encoded results are concatenated here in request order; its cohorts
// may span the parts (batch-cohorts.ts scores them as one). When the workers
// are busy a split only adds work: every worker already has a request.
import { gridcode } from '#gen/scoring.js';
import type { RuleSetRegistry } from '../../engine/src/index.js';
import { assembleResponse, ruleInfo } from '../../engine/src/codec/index.js';
import { PoolClosedError, PoolFullError, type PoolStats, type ScoringPool } from '../pool/pool.js';
import { statsOf } from '../tasks/stats.js';
import type {
  BatchStats,
  ResultOf,
  ScorePart,
  ScorePartTask,
  StreamHeader,
  TaskBody,
  TaskFailure,
  TaskTenant,
  WholeBatchTask,
  WorkerLimits,
  WorkerTask,
  RuleSetCatalog,
} from '../tasks/protocol.js';
import { findEntry, mayUse } from '../tasks/catalog.js';
import { blockTransfers, type StreamCohortsResult, type StreamCohortsStep, type StreamCohortsTask } from '../tasks/cohort-tasks.js';
import { settleBatchCohorts, type TaskRunner } from './batch-cohorts.js';
import { serverBusy, ServiceError } from '../rpc/codes.js';
import { resolveLimits, type ServiceLimits } from '../rpc/limits.js';
import { catalogOf } from './rule-set-sources.js';
import type { CallContext, ScoringService, Serialization, Tenant, UnaryRequest, UnaryResponse } from '../rpc/types.js';

export interface ServiceLogger {
  info(message: string): void;
  warn(message: string): void;
  error(message: string): void;
}

export interface ScoringServiceOptions {
  readonly pool: ScoringPool;
  /** The rule sets: each carries its source, which workers compile once per digest. */
  readonly registry: RuleSetRegistry;
  readonly limits?: Partial<ServiceLimits>;
  readonly logger?: ServiceLogger;
  /** Called once per scored batch (metrics). */
  readonly onBatch?: (batch: BatchReport) => void;
  /** Called when the pool's queue is full and a request is refused (metrics). */
  readonly onQueueFull?: () => void;
}

/** The outcome of one scored batch, as the metrics count it. */
export interface BatchReport {
  /** The rule set's id (versions are in the rule-set info metric). */
  readonly ruleSet: string;
  readonly consumers: number;
  readonly codes: { readonly green: number; readonly yellow: number; readonly red: number; readonly gray: number };
  readonly ruleHits: Readonly<Record<string, number>>;
  /** Time in the engine, seconds (summed over the parts of a split batch). */
  readonly engineSeconds: number;
}

/** The service, and what adapters and operations need besides the three methods. */
export type GatewayScoringService = ScoringService & {
  readonly limits: ServiceLimits;
  stats(): PoolStats;
  /** One message of a ScoreStream (gateway/stream/): `header` undefined for the first. It may come back deferred (ScorePart.deferred). */
  scoreStreamPart(request: UnaryRequest, header: StreamHeader | undefined, context: CallContext): Promise<ScorePart>;
  /** One step of a ScoreStream's cohorts (gateway/stream/stream-cohorts.ts), in stream order. */
  streamCohorts(step: StreamCohortsStep, header: StreamHeader, serialization: Serialization, context: CallContext): Promise<StreamCohortsResult>;
};

const encoder = new TextEncoder();

export function createScoringService(options: ScoringServiceOptions): GatewayScoringService {
  const { pool, registry } = options;
  const limits = resolveLimits(options.limits);
  const logger = options.logger ?? console;
  let warnedCopy = false;
  const workerLimits: WorkerLimits = { maxConsumers: limits.maxConsumers, maxReadingsPerConsumer: limits.maxReadingsPerConsumer };

  /** A worker's result, or the error its failure means (revived). */
  async function run<T extends WorkerTask>(task: T, context: CallContext, transferList: Transferable[], signal: AbortSignal = context.signal): Promise<ResultOf<T>> {
    let answer: ResultOf<T> | TaskFailure;
    try {
      answer = await pool.run(task, { signal, transferList });
    } catch (error) {
      if (error instanceof PoolFullError) options.onQueueFull?.();
      throw poolError(error, context);
    }
    if (answer.kind === 'error') throw revive(answer, context);
    return answer;
  }

  /** One report per scored batch, for metrics; a failing observer never fails the request. */
  function report(stats: BatchStats): void {
    if (!options.onBatch) return;
    const [total = 0, green = 0, yellow = 0, red = 0, gray = 0] = stats.counts;
    const ruleHits: Record<string, number> = {};
    stats.ruleIds.forEach((id, r) => {
      if (stats.hits[r]) ruleHits[id] = stats.hits[r]!;
    });
    try {
      options.onBatch({ ruleSet: stats.ruleSet.split('@')[0]!, consumers: total, codes: { green, yellow, red, gray }, ruleHits, engineSeconds: stats.engineSeconds });
    } catch (error) {
      logger.error(`metrics: reporting a batch failed: ${(error as Error).message}`);
    }
  }

  async function scoreBatch(request: UnaryRequest, context: CallContext): Promise<UnaryResponse> {
    const serialization = request.serialization;
    const catalog = catalogOf(registry.snapshot);
    const base = { kind: 'score' as const, catalog, tenant: taskTenant(context.tenant), limits: workerLimits, response: serialization };
    // As many parts as workers are idle now: with fewer than two, a split would only queue behind busy ones.
    const k = request.length < limits.splitThresholdBytes ? 0 : idleWorkers(pool.stats());
    if (k < 2) {
      const moved = movable(request);
      const task: WholeBatchTask = { ...base, request: serialization, ...moved.body };
      const result = await run(task, context, moved.transferList);
      if (result.stats) report(result.stats);
      return { serialization, bytes: result.bytes };
    }

    // Split: every part reads the one shared copy of the protobuf request.
    let body: { buffer: SharedArrayBuffer; offset: number; length: number };
    if (serialization === 'json') {
      const moved = movable(request);
      const proto = await run({ kind: 'json-to-proto', ...moved.body, limits: workerLimits }, context, moved.transferList);
      body = { buffer: proto.buffer, offset: 0, length: proto.length };
    } else if (request.buffer instanceof SharedArrayBuffer) {
      body = { buffer: request.buffer, offset: request.offset, length: request.length };
    } else {
      // The adapter did not read it into the body arena: one copy, so that the parts can share it.
      if (!warnedCopy) logger.warn(`a ${request.length}-byte batch came in an ArrayBuffer and was copied to be split: read large bodies into a BodyArena (gateway/service/body-arena.ts)`);
      warnedCopy = true;
      const shared = new SharedArrayBuffer(request.length);
      new Uint8Array(shared).set(new Uint8Array(request.buffer, request.offset, request.length));
      body = { buffer: shared, offset: 0, length: request.length };
    }
    // One part failing (or the queue refusing one) ends the others.
    const stop = new AbortController();
    const signal = AbortSignal.any([context.signal, stop.signal]);
    const runner: TaskRunner = (task, transferList) =>
      run(task, context, transferList, signal).catch((error: unknown) => {
        stop.abort();
        throw error;
      });
    const runs = Array.from({ length: k }, (_, index) => runner({ ...base, request: 'proto', ...body, part: { index, count: k }, defer: true } satisfies ScorePartTask, []));
    const settled = await Promise.allSettled(runs);
    const failed = firstFailure(settled, context);
    if (failed !== undefined) throw failed;
    const firstParts = settled.flatMap((s) => (s.status === 'fulfilled' ? [s.value] : []));
    const parts = await settleBatchCohorts(firstParts, { catalog, tenant: base.tenant, response: serialization }, runner);
    report(statsOf(parts));
    return { serialization, bytes: assembleResponse(parts, serialization) };
  }

  async function listRuleSets(request: UnaryRequest, context: CallContext): Promise<UnaryResponse> {
    // The request has no fields; what it carries must still be a ListRuleSetsRequest.
    decodeEmpty(request, 'ListRuleSetsRequest');
    const snapshot = registry.snapshot;
    const tenant = context.tenant;
    const catalog = catalogOf(snapshot);
    const defaultEntry = findEntry(catalog, tenant.defaultRuleSet);
    const ruleSets = snapshot
      .list()
      .filter((ruleSet) => mayUse(tenant, ruleSet.id))
      .map((ruleSet) => {
        const info: gridcode.v1.RuleSetInfo.$Properties = { id: ruleSet.id, version: ruleSet.version, digest: ruleSet.digest };
        if (ruleSet.rules.length > 0) info.ruleIds = ruleSet.rules.map((rule) => rule.id);
        if (ruleSet.featureNames.length > 0) info.featureNames = [...ruleSet.featureNames];
        if (defaultEntry && defaultEntry.digest === ruleSet.digest && defaultEntry.id === ruleSet.id && defaultEntry.version === ruleSet.version) info.isDefault = true;
        if (ruleSet.description) info.description = ruleSet.description;
        if (ruleSet.rules.length > 0) info.rules = ruleSet.rules.map(ruleInfo);
        return info;
      });
    const response = gridcode.v1.ListRuleSetsResponse.fromObject(ruleSets.length > 0 ? { ruleSets } : {});
    const bytes =
      request.serialization === 'proto'
        ? gridcode.v1.ListRuleSetsResponse.encode(response).finish()
        : encoder.encode(JSON.stringify(gridcode.v1.ListRuleSetsResponse.toObject(response)));
    return { serialization: request.serialization, bytes };
  }

  async function validateRuleSet(request: UnaryRequest, context: CallContext): Promise<UnaryResponse> {
    const moved = movable(request);
    // The loaded rule sets go along: a draft's `extends` is resolved among them, as the registry resolves a file's.
    const task = { kind: 'validate' as const, serialization: request.serialization, catalog: catalogOf(registry.snapshot), tenant: taskTenant(context.tenant), ...moved.body };
    const result = await run(task, context, moved.transferList);
    return { serialization: request.serialization, bytes: result.bytes };
  }

  function firstFailure(settled: readonly PromiseSettledResult<unknown>[], context: CallContext): unknown {
    // The error of the earliest part, unless only the parts stopped because of another one failed.
    const reasons = settled.filter((s): s is PromiseRejectedResult => s.status === 'rejected').map((s) => s.reason as unknown);
    if (reasons.length === 0) return undefined;
    if (context.signal.aborted) return reasons[0];
    return reasons.find((reason) => !(reason instanceof ServiceError && reason.code === 'canceled')) ?? reasons[0];
  }

  /**
   * The one place a worker's failure becomes an error again: a ServiceError
   * for the client, or for `internal` a plain Error, whose message (the
   * worker's detail) the adapters log and replace with a generic one.
   */
  function revive(failure: TaskFailure, context: CallContext): Error {
    if (failure.error.code === 'internal') return new Error(`${context.method} ${context.requestId}: ${failure.error.message}`);
    return ServiceError.fromWire(failure.error);
  }

  function poolError(error: unknown, context: CallContext): unknown {
    if (error instanceof PoolFullError) return serverBusy('too many requests are waiting for a worker');
    if (error instanceof PoolClosedError) return new ServiceError('unavailable', 'the server is shutting down; retry on another instance');
    if (error instanceof Error && error.name === 'AbortError') {
      const reason: unknown = context.signal.reason;
      const timedOut =
        (context.deadline !== undefined && Date.now() >= context.deadline) || (reason instanceof Error && reason.name === 'TimeoutError');
      if (!context.signal.aborted) return new ServiceError('canceled', 'canceled because another part of the batch failed');
      return timedOut ? new ServiceError('deadline_exceeded', 'the deadline passed before the batch was scored') : new ServiceError('canceled', 'the request was canceled');
    }
    return error;
  }

  function decodeEmpty(request: UnaryRequest, name: string): void {
    const bytes = new Uint8Array(request.buffer, request.offset, request.length);
    try {
      if (request.serialization === 'proto') gridcode.v1.ListRuleSetsRequest.decode(bytes);
      else {
        const text = new TextDecoder('utf-8', { fatal: true }).decode(bytes).trim();
        const value: unknown = text === '' ? {} : JSON.parse(text);
        if (value === null || typeof value !== 'object' || Array.isArray(value)) throw new Error('expected a JSON object');
        const unknown = Object.keys(value);
        if (unknown.length > 0) throw new Error(`unknown field ${JSON.stringify(unknown[0])}; a ${name} has no fields`);
      }
    } catch (error) {
      throw new ServiceError('invalid_argument', `malformed ${name}: ${(error as Error).message}`);
    }
  }

  /**
   * One ScoreStream message, scored as a part: the first (no header yet) sets
   * the stream's header, which the part carries; later ones are scored under
   * it. The message's buffer moves to the worker.
   */
  /**
   * The rule sets each stream was started with, by its header (the object
   * the first part returned, which the stream hands back with every later
   * message): one rule-set version serves the whole stream, even if its file
   * is replaced meanwhile and the registry no longer serves that version.
   */
  const streamCatalogs = new WeakMap<StreamHeader, RuleSetCatalog>();

  async function scoreStreamPart(request: UnaryRequest, header: StreamHeader | undefined, context: CallContext): Promise<ScorePart> {
    const moved = movable(request);
    const catalog = (header && streamCatalogs.get(header)) || catalogOf(registry.snapshot);
    const task: ScorePartTask = {
      kind: 'score',
      catalog,
      tenant: taskTenant(context.tenant),
      limits: workerLimits,
      request: request.serialization,
      response: request.serialization,
      ...moved.body,
      ...(header ? { stream: header } : { part: { index: 0, count: 1 } }),
      // A group may span messages: its consumers' blocks come back unscored, for streamCohorts.
      defer: true,
    };
    const part = await run(task, context, moved.transferList);
    if (!header && part.header) streamCatalogs.set(part.header, catalog);
    if (!part.deferred) report(statsOf([part]));
    return part;
  }

  async function streamCohorts(step: StreamCohortsStep, header: StreamHeader, serialization: Serialization, context: CallContext): Promise<StreamCohortsResult> {
    const catalog = streamCatalogs.get(header) ?? catalogOf(registry.snapshot);
    const task: StreamCohortsTask = { kind: 'stream-cohorts', catalog, tenant: taskTenant(context.tenant), header, response: serialization, ...step };
    const result = await run(task, context, blockTransfers([...step.carry, ...step.blocks]));
    const scored = [result.carried, result.part].filter((part) => part.counts[0]);
    if (scored.length > 0) report(statsOf(scored));
    return result;
  }

  return {
    ScoreBatch: scoreBatch,
    ListRuleSets: listRuleSets,
    ValidateRuleSet: validateRuleSet,
    scoreStreamPart,
    streamCohorts,
    limits,
    stats: () => pool.stats(),
  };
}

/** Workers with nothing to do: none while tasks wait in the queue. */
function idleWorkers(stats: PoolStats): number {
  return stats.queueSize === 0 ? Math.max(0, stats.threads - stats.running) : 0;
}

function taskTenant(tenant: Tenant): TaskTenant {
  return { id: tenant.id, ruleSets: tenant.ruleSets === '*' ? '*' : [...tenant.ruleSets], defaultRuleSet: tenant.defaultRuleSet };
}

/**
 * The request body as a task carries it: a SharedArrayBuffer is shared; an
 * ArrayBuffer moves in the transfer list when the message fills most of it.
 * A small message in a larger buffer (such as a slab of Node's Buffer pool,
 * which holds other Buffers too, and only ones under half its size) is copied
 * instead: moving that buffer would take memory that is not the request's.
 */
function movable(request: UnaryRequest): { body: TaskBody; transferList: Transferable[] } {
  const { buffer, offset, length } = request;
  if (buffer instanceof SharedArrayBuffer) return { body: { buffer, offset, length }, transferList: [] };
  if (length > buffer.byteLength / 2) return { body: { buffer, offset, length }, transferList: [buffer] };
  const copy = new Uint8Array(new Uint8Array(buffer, offset, length));
  return { body: { buffer: copy.buffer, offset: 0, length }, transferList: [copy.buffer] };
}

