// The Hono environment shared by the app, its middleware and the protocol
// handlers: Node bindings (absent under app.request()) and per-request values.
import type { HttpBindings, Http2Bindings } from '@hono/node-server';
import type { ErrorCode } from './codes.js';
import type { AnyMethodName, Protocol, Serialization, Tenant } from './types.js';
import type { ProtocolAdapter } from './adapter.js';

/** How a written HTTP/2 reply ended: sent whole, or the client reset the stream first. */
export type Delivery = 'sent' | 'abandoned';

/** Per-request state of an RPC, set by the `rpc` middleware. */
export interface RpcState {
  readonly protocol: Protocol;
  readonly serialization: Serialization;
  readonly adapter: ProtocolAdapter;
  /** undefined when the path names no method of the service. */
  readonly method: AnyMethodName | undefined;
  /** The Connect streaming protocol (application/connect+proto|json), for ScoreStream. */
  readonly streaming: boolean;
  requestBytes: number;
  /** Set when the reply is written. */
  outcome?: { readonly code: ErrorCode | 'ok'; readonly responseBytes: number };
  /** Over HTTP/2: settles once the reply is sent whole, or the client reset the stream first. */
  delivery?: Promise<Delivery>;
}

/** Set by the admission middleware: charges request bytes to the server's byte budget. */
export interface Admission {
  /** The whole body was charged from its Content-Length before reading. */
  readonly declared: boolean;
  /** Charges `bytes` more (a decompressed copy); throws resource_exhausted when they do not fit. */
  reserve(bytes: number): void;
  /**
   * Charges a chunk of a body without Content-Length as it arrives. A gRPC or
   * gRPC-Web body is charged whole as soon as its length prefix is in: all or
   * nothing, so that many uploads cannot each hold part of the budget while
   * none can finish. Throws resource_exhausted when it does not fit.
   */
  charge(chunk: Uint8Array): void;
}

export type GatewayBindings = Partial<HttpBindings> | Partial<Http2Bindings>;

export interface GatewayVariables {
  requestId: string;
  rpc: RpcState | undefined;
  tenant: Tenant;
  signal: AbortSignal;
  deadline: number | undefined;
  maxBodyBytes: number;
  admission: Admission | undefined;
}

export interface GatewayEnv {
  Bindings: GatewayBindings;
  Variables: GatewayVariables;
}
