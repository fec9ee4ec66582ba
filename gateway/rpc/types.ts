// What a protocol adapter needs from the service, and nothing about protocols.
// Every method is unary: a request message in, a response message out, as
// bytes in one of two serializations. Serializing, scoring and encoding happen
// in the workers; adapters only frame, unframe, decompress and write.

export const METHODS = ['ScoreBatch', 'ListRuleSets', 'ValidateRuleSet'] as const;
export type MethodName = (typeof METHODS)[number];
/** The streaming methods: a stream of request messages in, a stream of responses out (gateway/stream/). */
export const STREAM_METHODS = ['ScoreStream'] as const;
export type StreamMethodName = (typeof STREAM_METHODS)[number];
/** Every method of ScoringService, as logs and metrics name them. */
export type AnyMethodName = MethodName | StreamMethodName;

/** Binary protobuf, or canonical proto3 JSON as UTF-8. */
export type Serialization = 'proto' | 'json';
export type Protocol = 'connect' | 'grpc-web' | 'grpc';

/** Who is calling: resolved from the bearer token by the auth middleware. */
export interface Tenant {
  readonly id: string;
  /** Rule-set ids this tenant may use; `*` = all. */
  readonly ruleSets: readonly string[] | '*';
  /** What an empty `rule_set` means for this tenant. */
  readonly defaultRuleSet: string;
}

export interface CallContext {
  readonly method: AnyMethodName;
  readonly protocol: Protocol;
  readonly requestId: string;
  readonly tenant: Tenant;
  /** Aborted when the deadline passes or the client goes away. */
  readonly signal: AbortSignal;
  /** Epoch milliseconds, when the client set a timeout. */
  readonly deadline?: number;
}

/**
 * A request message. `bytes` is the message (already unframed and
 * decompressed) inside `buffer`; the service may transfer `buffer` to a
 * worker, after which the caller must not touch it.
 */
export interface UnaryRequest {
  readonly serialization: Serialization;
  readonly buffer: ArrayBuffer | SharedArrayBuffer;
  readonly offset: number;
  readonly length: number;
}

export interface UnaryResponse {
  readonly serialization: Serialization;
  readonly bytes: Uint8Array;
}

/** The service: one handler per method. Throws ServiceError for errors clients may see. */
export type ScoringService = Record<MethodName, (request: UnaryRequest, context: CallContext) => Promise<UnaryResponse>>;
