// The messages between the service (main thread) and the scoring workers.
// Everything here is structured-cloneable; request bodies travel in the
// transfer list (ArrayBuffer) or are shared (SharedArrayBuffer), never cloned.
import type { ResponsePart } from '../../engine/src/codec/index.js';
import type { RequestHeader } from '../../engine/src/wire/request.js';
import type { ServiceErrorValue } from '../rpc/codes.js';
import type { Serialization } from '../rpc/types.js';
import type { BlocksResult, DeferredBlocks, PeersTask, ScoreBlocksTask, StreamCohortsResult, StreamCohortsTask } from './cohort-tasks.js';

export type { RuleSetCatalog, RuleSetEntry } from './rule-set-catalog.js';
import type { RuleSetCatalog } from './rule-set-catalog.js';

/** The caller, as far as rule-set access goes. */
export interface TaskTenant {
  readonly id: string;
  readonly ruleSets: readonly string[] | '*';
  readonly defaultRuleSet: string;
}

export interface WorkerLimits {
  readonly maxConsumers: number;
  readonly maxReadingsPerConsumer: number;
}

/** A request message located in a buffer. */
export interface TaskBody {
  readonly buffer: ArrayBuffer | SharedArrayBuffer;
  readonly offset: number;
  readonly length: number;
}

/**
 * Scores a ScoreBatchRequest. Without `part`: the whole batch, answered with
 * the encoded response. With `part` (the request is binary protobuf in a
 * SharedArrayBuffer): consumers [⌊i·n/k⌋, ⌊(i+1)·n/k⌋), answered with a part
 * for assembleResponse.
 */
export interface ScoreTask extends TaskBody {
  readonly kind: 'score';
  /** How the request is serialized. */
  readonly request: Serialization;
  /** How the response (or the part's results) is serialized. */
  readonly response: Serialization;
  readonly catalog: RuleSetCatalog;
  readonly tenant: TaskTenant;
  readonly limits: WorkerLimits;
  readonly part?: { readonly index: number; readonly count: number };
  /**
   * A ScoreStream message after the first: the stream's header (from the
   * first message, its rule set pinned to `id@version`) applies; the message
   * carries consumers, and a header field it sets to another value is
   * invalid_argument. Answered with a part.
   */
  readonly stream?: StreamHeader;
  /**
   * A part whose cohorts may span other parts (a split batch, a ScoreStream
   * message): when a consumer has a group and peer features are computed,
   * the part comes back with its blocks unscored (ScorePart.deferred).
   */
  readonly defer?: boolean;
}

/**
 * The header fields of a ScoreStream, fixed by its first message (api.md,
 * ScoreStream): the request's header as the engine scored it, the rule set
 * pinned to `id@version`.
 */
export type StreamHeader = RequestHeader;

/** Turns a JSON ScoreBatchRequest into binary protobuf in a SharedArrayBuffer (the first step of a split JSON batch). */
export interface JsonToProtoTask extends TaskBody {
  readonly kind: 'json-to-proto';
  readonly limits: WorkerLimits;
}

/** Compiles a draft rule set (ValidateRuleSetRequest → ValidateRuleSetResponse). */
export interface ValidateTask extends TaskBody {
  readonly kind: 'validate';
  readonly serialization: Serialization;
  /** The loaded rule sets, where a draft's `extends: id@version` is looked up (as the registry looks it up when the file is loaded). */
  readonly catalog?: RuleSetCatalog;
  /** The caller: a draft may extend only rule sets it may use. */
  readonly tenant?: TaskTenant;
}

/** Answers at once: the pool checks that its workers start. */
export interface PingTask {
  readonly kind: 'ping';
}

export type WorkerTask = ScoreTask | JsonToProtoTask | ValidateTask | PingTask | PeersTask | ScoreBlocksTask | StreamCohortsTask;

/**
 * A task that failed: a ServiceError thrown in the worker, as its value (an
 * error meant for the client), or, code `internal`, an unexpected error whose
 * message is for the logs only. The service revives it.
 */
export interface TaskFailure {
  readonly kind: 'error';
  readonly error: ServiceErrorValue;
}

export interface EncodedResponse {
  readonly kind: 'response';
  readonly bytes: Uint8Array;
  /** For a scored batch: what the metrics count. */
  readonly stats?: BatchStats;
}

/** The outcome of scoring (a part of) a batch, for metrics. */
export interface BatchStats {
  /** `id@version` of the rule set used. */
  readonly ruleSet: string;
  /** The rule ids in file order. */
  readonly ruleIds: readonly string[];
  /** total, green, yellow, red, gray. */
  readonly counts: readonly number[];
  /** Consumers each rule fired for, aligned with ruleIds. */
  readonly hits: readonly number[];
  /** Time in the engine (features, rules, codes), seconds. */
  readonly engineSeconds: number;
}

/**
 * What scoring (a part of) a batch returns: its results encoded and what the
 * response's other fields are made of (engine/src/codec/response-parts.ts).
 */
export interface ScorePart extends ResponsePart {
  readonly kind: 'part';
  /** Time in the engine for this part, seconds. */
  readonly engineSeconds: number;
  /** The header the part was scored with (a ScoreStream's first message sets the stream's). */
  readonly header?: StreamHeader;
  /** With `defer`, when its consumers have groups: its blocks, to be scored once their cohorts are complete (the part has no results). */
  readonly deferred?: DeferredBlocks;
}

export interface ProtoBody {
  readonly kind: 'proto';
  readonly buffer: SharedArrayBuffer;
  readonly length: number;
}

export interface Pong {
  readonly kind: 'pong';
}

/** A score task answered with the encoded response: the whole batch. */
export type WholeBatchTask = ScoreTask & { readonly part?: undefined; readonly stream?: undefined };
/** A score task answered with a ScorePart: one share of a split batch, or a ScoreStream message. */
export type ScorePartTask = ScoreTask & ({ readonly part: NonNullable<ScoreTask['part']> } | { readonly stream: StreamHeader });

/** What a task of each kind is answered with when it succeeds. */
export interface TaskResults {
  readonly score: EncodedResponse | ScorePart;
  readonly 'json-to-proto': ProtoBody;
  readonly validate: EncodedResponse;
  readonly ping: Pong;
  readonly peers: BlocksResult;
  readonly 'score-blocks': ScorePart;
  readonly 'stream-cohorts': StreamCohortsResult;
}

/** What `task` is answered with when it succeeds: by its kind, and for a score task by whether it is a part. */
export type ResultOf<T extends WorkerTask> = T extends ScorePartTask ? ScorePart : T extends WholeBatchTask ? EncodedResponse : TaskResults[T['kind']];

/** What the worker answers `task` with: its result, or its failure. */
export type TaskAnswer<T extends WorkerTask> = ResultOf<T> | TaskFailure;

/** What every worker receives once, in workerData. */
export interface WorkerInit {
  readonly module: WebAssembly.Module;
  /** Cap on one engine's memory for one block of consumers, bytes. */
  readonly engineMemoryBytes?: number;
  /**
   * One BigInt64 slot the workers add each task's run time to, nanoseconds
   * (from the task's arrival in the worker to its answer, not its wait in the
   * queue): the pool's busy time, gridcode_pool_busy_seconds_total.
   */
  readonly busyNanoseconds?: SharedArrayBuffer;
}
