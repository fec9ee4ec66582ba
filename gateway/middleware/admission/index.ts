// admission: bounds the request bytes held by accepted requests (a ByteBudget,
// ./byte-budget.ts). A request whose Content-Length does not fit
// is refused at once with resource_exhausted, before a byte of its body is
// read. A gRPC or gRPC-Web body without one (gRPC over HTTP/2 has none) is
// charged whole as soon as its 5-byte length prefix arrives; other bodies
// without one are charged as their chunks arrive. Either way a body is
// refused at the first chunk that does not fit. Whatever way
// the request ends (answered, failed, deadline, client gone) its bytes return
// to the budget when the handler is done with it.
import type { MiddlewareHandler } from 'hono';
import { parseContentLength, tooLarge } from '../../protocols/body.js';
import { EnvelopePrefix, FLAG_COMPRESSED } from '../../protocols/framing.js';
import { abandonUpload, isOpenHttp2Upload } from '../../protocols/http2-upload.js';
import type { Admission, GatewayEnv } from '../../rpc/env.js';
import type { ByteBudget } from './byte-budget.js';
import { serverBusy, type ServiceError } from '../../rpc/codes.js';

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
  return serverBusy('too many request bytes are being processed');
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
      if (length !== undefined && !reservation.take(length)) {
        // Answered and reset unread: on HTTP/2 its client keeps counting the whole body (see http2-upload.ts).
        const incoming: unknown = c.env?.incoming;
        if (isOpenHttp2Upload(incoming)) abandonUpload(incoming, length);
        refuse();
      }
      const reserve = (bytes: number): void => {
        if (!reservation.take(bytes)) refuse();
      };
      const enveloped = c.get('rpc')?.protocol !== 'connect';
      const state: Admission = {
        declared: length !== undefined,
        reserve,
        charge: enveloped ? chargeWholeFrame(reserve, c.get('maxBodyBytes')) : (chunk) => reserve(chunk.byteLength),
      };
      c.set('admission', state);
      await next();
    } finally {
      reservation.release();
    }
  };
}

/**
 * Charges a one-message gRPC or gRPC-Web body whole once its 5-byte prefix
 * says how long it is, then only what arrives beyond that (a malformed body
 * may carry more). A prefix over the body limit is refused at once: the body
 * could never be accepted, and charging it would hold the budget for nothing.
 */
function chargeWholeFrame(reserve: (bytes: number) => void, maxBodyBytes: number): (chunk: Uint8Array) => void {
  const prefix = new EnvelopePrefix();
  let received = 0;
  let charged = 0;
  return (chunk) => {
    prefix.observe(chunk);
    received += chunk.byteLength;
    // A frame with other flags is malformed: charge what arrives, and let the protocol say invalid_argument.
    const announced = prefix.flags !== undefined && (prefix.flags & ~FLAG_COMPRESSED) === 0 ? (prefix.frameBytes ?? 0) : 0;
    if (announced > maxBodyBytes) throw tooLarge(maxBodyBytes);
    const owed = Math.max(received, announced);
    if (owed > charged) {
      reserve(owed - charged);
      charged = owed;
    }
  };
}
