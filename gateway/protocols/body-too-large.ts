// The refusal of a body over the size limit, shared by the body reader
// (body.ts), where its chunks land (body-sink.ts) and admission.
import { ServiceError } from '../rpc/codes.js';

/**
 * A body over the size limit: the one refusal an HTTP/2 upload is read to its
 * end for (see pumpNode). `invalid_argument`, not the retryable
 * `resource_exhausted`: the same request can never succeed (api.md, Errors).
 */
export class BodyTooLargeError extends ServiceError {
  constructor(readonly maxBytes: number) {
    super('invalid_argument', `the request body is larger than the limit of ${maxBytes} bytes (maxBodyBytes); send fewer consumers per request, or use gzip`);
  }
}

export function tooLarge(maxBytes: number): BodyTooLargeError {
  return new BodyTooLargeError(maxBytes);
}
