// admission: bounds the request bytes held by accepted requests (a ByteBudget,
// gateway/service/byte-budget.ts). A request whose Content-Length does not fit
// is refused at once with resource_exhausted, before a byte of its body is
// read; a body without one (gRPC over HTTP/2 usually has none) is charged as
// its chunks arrive and refused at the first that does not fit. Whatever way
// the request ends (answered, failed, deadline, client gone) its bytes return
// to the budget when the handler is done with it.
import type { MiddlewareHandler } from 'hono';
import { parseContentLength } from '../../protocols/body.js';
import type { Admission, GatewayEnv } from '../../protocols/env.js';
import type { ByteBudget } from '../../service/byte-budget.js';
import { ServiceError } from '../../service/codes.js';

/**
 * Budget bytes per JSON body byte: the text, plus the protobuf copy decoded
 * from it (by a worker, or on this thread for a split batch), which packed
 * float32 readings make up to twice the text (`0,` is 2 bytes, a float 4).
 */
export const JSON_WEIGHT = 3;

export type RefusalReason = 'inflight_bytes';

export interface AdmissionOptions {
  readonly budget: ByteBudget;
  /** Called once per refused request (metrics). */
  readonly onRefuse?: ((reason: RefusalReason) => void) | undefined;
}

export function busy(): ServiceError {
  return new ServiceError('resource_exhausted', 'the server is busy: too many request bytes are being processed; retry later');
}

export function admission(options: AdmissionOptions): MiddlewareHandler<GatewayEnv> {
  const { budget } = options;
  return async function admissionMiddleware(c, next) {
    const weight = c.get('rpc')?.serialization === 'json' ? JSON_WEIGHT : 1;
    const reservation = budget.open(weight);
    const refuse = (): never => {
      reservation.release();
      try {
        options.onRefuse?.('inflight_bytes');
      } catch {
        // metrics must never change an answer
      }
      throw busy();
    };
    try {
      const length = parseContentLength(c.req.header('content-length'));
      if (length !== undefined && !reservation.take(length)) refuse();
      const state: Admission = {
        declared: length !== undefined,
        reserve(bytes) {
          if (!reservation.take(bytes)) refuse();
        },
      };
      c.set('admission', state);
      await next();
    } finally {
      reservation.release();
    }
  };
}
