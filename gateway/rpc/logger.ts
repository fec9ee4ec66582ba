// What the gateway reports to whoever embeds it: unexpected errors to a
// logger, and each finished RPC to an `observe` hook (metrics, access logs).
// Injected, so that the gateway depends on no logging or metrics library.
import type { ErrorCode } from './codes.js';
import type { AnyMethodName, Protocol } from './types.js';

/** pino-style: fields first, then the message. */
export interface GatewayLogger {
  error(fields: Record<string, unknown>, message: string): void;
}

/** One finished RPC, reported once to the injected `observe` hook. */
export interface RpcObservation {
  /** 'unknown' for a path naming no method (bounded, for metric labels). */
  readonly method: AnyMethodName | 'unknown';
  readonly protocol: Protocol;
  readonly code: ErrorCode | 'ok';
  readonly seconds: number;
  /** Request body bytes as received (compressed, framed). */
  readonly requestBytes: number;
  /** Response body bytes as sent. */
  readonly responseBytes: number;
  readonly requestId: string;
  /** The tenant id, once authenticated. */
  readonly tenant?: string;
}

export type Observe = (observation: RpcObservation) => void;
