// body-limit: refuses a Content-Length above the limit at once
// (`invalid_argument`, naming the limit) and sets `maxBodyBytes`, which the body reader
// enforces while reading bodies without a Content-Length.
import type { MiddlewareHandler } from 'hono';
import { DEFAULT_MAX_BODY_BYTES, parseContentLength, tooLarge } from '../../protocols/body.js';
import type { GatewayEnv } from '../../rpc/env.js';
import { discardBody, isOpenHttp2Upload } from '../../protocols/http2-upload.js';

export interface BodyLimitOptions {
  /** Default 128 MiB (DEFAULT_MAX_BODY_BYTES). */
  readonly maxBytes?: number | undefined;
}

export function bodyLimit(options: BodyLimitOptions = {}): MiddlewareHandler<GatewayEnv> {
  const maxBytes = options.maxBytes ?? DEFAULT_MAX_BODY_BYTES;
  return async function bodyLimitMiddleware(c, next) {
    const length = parseContentLength(c.req.header('content-length'));
    if (length !== undefined && length > maxBytes) {
      // On HTTP/2 the upload is let through (dropped) before the answer: see protocols/http2-upload.ts.
      if (isOpenHttp2Upload(c.env?.incoming)) await discardBody(c.env.incoming, { signal: c.req.raw.signal });
      throw tooLarge(maxBytes);
    }
    c.set('maxBodyBytes', maxBytes);
    await next();
  };
}
