// The closed set of error codes of the service (the Connect/gRPC codes), and
// their one mapping to HTTP status and gRPC status numbers. Every protocol
// adapter reads them from here; nothing else maps errors.
export const ERROR_CODES = {
  canceled: { grpc: 1, http: 499 },
  unknown: { grpc: 2, http: 500 },
  invalid_argument: { grpc: 3, http: 400 },
  deadline_exceeded: { grpc: 4, http: 504 },
  not_found: { grpc: 5, http: 404 },
  permission_denied: { grpc: 7, http: 403 },
  resource_exhausted: { grpc: 8, http: 429 },
  unimplemented: { grpc: 12, http: 501 },
  internal: { grpc: 13, http: 500 },
  unavailable: { grpc: 14, http: 503 },
  unauthenticated: { grpc: 16, http: 401 },
} as const;

export type ErrorCode = keyof typeof ERROR_CODES;

/** The code of a gRPC status number as clients name it: 'ok' for 0, an ErrorCode, or `status N` for one outside the service's set (a proxy's). */
export function codeOfGrpcStatus(status: number | string): string {
  const n = Number(status);
  if (n === 0) return 'ok';
  for (const [code, numbers] of Object.entries(ERROR_CODES)) if (numbers.grpc === n) return code;
  return `status ${status}`;
}

/**
 * An error a client may see: its code and a message written for clients.
 * Anything else thrown inside the service becomes `internal` with a generic
 * message; its text goes to the logs only.
 */
export class ServiceError extends Error {
  override readonly name = 'ServiceError';
  /**
   * For a retryable refusal (a full server): how long the client should wait
   * before it tries again, sent as Retry-After (Connect, seconds) and
   * grpc-retry-pushback-ms (gRPC, gRPC-Web).
   */
  readonly retryAfterMs: number | undefined;
  constructor(
    readonly code: ErrorCode,
    message: string,
    options: { readonly retryAfterMs?: number } = {},
  ) {
    super(message);
    this.retryAfterMs = options.retryAfterMs;
  }

  /** This error as a plain value, for a message between threads (structured clone keeps no class). */
  toWire(): ServiceErrorValue {
    return { code: this.code, message: this.message, ...(this.retryAfterMs !== undefined ? { retryAfterMs: this.retryAfterMs } : {}) };
  }

  /** The error a value made by toWire() stands for. */
  static fromWire(value: ServiceErrorValue): ServiceError {
    return new ServiceError(value.code, value.message, value.retryAfterMs !== undefined ? { retryAfterMs: value.retryAfterMs } : {});
  }
}

/** A ServiceError as it crosses a thread boundary (the scoring workers): see ServiceError.toWire. */
export interface ServiceErrorValue {
  readonly code: ErrorCode;
  readonly message: string;
  readonly retryAfterMs?: number;
}

/** How long a client refused by a full server is asked to wait (Retry-After, grpc-retry-pushback-ms). */
export const BUSY_RETRY_AFTER_MS = 1_000;

/** The refusal of a full server: retryable, with a pushback. */
export function serverBusy(what: string): ServiceError {
  return new ServiceError('resource_exhausted', `the server is busy: ${what}; retry after ${BUSY_RETRY_AFTER_MS / 1000} s with backoff`, {
    retryAfterMs: BUSY_RETRY_AFTER_MS,
  });
}

export function grpcStatus(code: ErrorCode | 'ok'): number {
  return code === 'ok' ? 0 : ERROR_CODES[code].grpc;
}

export function httpStatus(code: ErrorCode): number {
  return ERROR_CODES[code].http;
}
