// What each protocol (Connect, gRPC-Web, gRPC) supplies to the shared unary
// handler: how to read its timeout, how to turn the request body into the
// message, and how to write a reply or an error. The service below never
// sees any of it. Types only, here because the per-request state (env.ts)
// carries the adapter and middleware calls it; gateway/protocols/ implements it.
import type { ErrorCode, ServiceError } from './codes.js';
import type { Protocol, Serialization, UnaryResponse } from './types.js';

/**
 * Allocates the buffer a message of `length` bytes is read into. The buffer
 * may be longer than `length` (a recycled slab): the message is its first
 * `length` bytes.
 */
export type Allocate = (length: number) => ArrayBuffer | SharedArrayBuffer;

/**
 * Where one request's bodies are read (gateway/service/body-arena.ts): the
 * unary handler takes a lease per request, allocates its body (and the
 * inflated copy of a gzip body) from it, and releases it once the service's
 * work on the request has settled, so that the memory can serve another.
 */
export interface BodyMemory {
  lease(): BodyLease;
}

export interface BodyLease {
  readonly allocate: Allocate;
  /** Gives back every buffer this lease allocated; the request must hold none of them any more. Idempotent. */
  release(): void;
}

/** A request body as read (gateway/protocols/body.ts, readBody). */
export interface Body {
  readonly buffer: ArrayBuffer | SharedArrayBuffer;
  readonly offset: number;
  readonly length: number;
  /** A view of the same bytes. */
  readonly bytes: Uint8Array;
}

/** A protocol-neutral HTTP reply; `trailers` only for gRPC over HTTP/2. */
export interface RpcReply {
  readonly code: ErrorCode | 'ok';
  readonly status: number;
  readonly headers: Readonly<Record<string, string>>;
  readonly body: Uint8Array | null;
  readonly trailers?: Readonly<Record<string, string>>;
}

/** The message inside a request body, after unframing and decompression. */
export interface RequestMessage {
  readonly buffer: ArrayBuffer | SharedArrayBuffer;
  readonly offset: number;
  readonly length: number;
}

export interface DecodeOptions {
  /** Largest message after decompression. */
  readonly maxBytes: number;
  readonly allocate: Allocate;
  /** Charges each inflated chunk of a compressed message as it comes (the admission budget); throws to refuse. */
  readonly charge?: ((bytes: number) => void) | undefined;
}

export interface ReplyOptions {
  /** Compress replies of at least this many bytes when the client accepts gzip. */
  readonly compressMinBytes: number;
}

export interface ErrorReplyOptions {
  readonly serialization: Serialization;
  /** The path named no procedure of this server. */
  readonly unknownProcedure: boolean;
}

export interface ProtocolAdapter {
  readonly protocol: Protocol;
  /** Checks protocol headers before the body is read (throws ServiceError). */
  checkHeaders(headers: Headers): void;
  /** The client's timeout in milliseconds, if it set one (throws ServiceError when malformed). */
  timeoutMs(headers: Headers): number | undefined;
  decodeRequest(body: Body, headers: Headers, options: DecodeOptions): Promise<RequestMessage>;
  reply(response: UnaryResponse, headers: Headers, options: ReplyOptions): Promise<RpcReply>;
  errorReply(error: ServiceError, options: ErrorReplyOptions): RpcReply;
}
