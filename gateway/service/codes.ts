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

/**
 * An error a client may see: its code and a message written for clients.
 * Anything else thrown inside the service becomes `internal` with a generic
 * message; its text goes to the logs only.
 */
export class ServiceError extends Error {
  override readonly name = 'ServiceError';
  constructor(
    readonly code: ErrorCode,
    message: string,
  ) {
    super(message);
  }
}

export function grpcStatus(code: ErrorCode | 'ok'): number {
  return code === 'ok' ? 0 : ERROR_CODES[code].grpc;
}

export function httpStatus(code: ErrorCode): number {
  return ERROR_CODES[code].http;
}
