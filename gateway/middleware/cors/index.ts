// cors: lets web pages on the configured origins call the RPCs from a
// browser, with Connect or gRPC-Web (mounted only when origins are
// configured). Built on hono/cors for the headers themselves, with our lists;
// but hono/cors sends Expose-Headers, Allow-Methods and Max-Age whatever the
// origin, and takes every OPTIONS for a preflight, so the decision comes
// first, here:
// - an allowed origin gets the CORS headers (its preflight: 204 with them);
// - a disallowed or absent Origin gets none: the request itself is served as
//   usual (the browser, not the server, withholds the answer from the page),
//   and a preflight from a disallowed origin is 204 without them, which the
//   browser takes as a refusal;
// - an OPTIONS that is no preflight (no Origin or no
//   Access-Control-Request-Method) goes on to the routes (405 there).
// Every answer varies with Origin, so each says `Vary: Origin`.
import type { MiddlewareHandler } from 'hono';
import { cors as honoCors } from 'hono/cors';
import type { GatewayEnv } from '../../rpc/env.js';

/** Request headers Connect and gRPC-Web clients send (a preflight must allow each one, or the browser refuses the call). */
export const ALLOW_HEADERS = [
  'content-type',
  'connect-protocol-version',
  'connect-timeout-ms',
  'connect-content-encoding',
  'connect-accept-encoding',
  // Connect unary request compression (not used by browser clients today; connect-es lists it too).
  'content-encoding',
  'x-grpc-web',
  'x-user-agent',
  'grpc-timeout',
  'grpc-accept-encoding',
  'grpc-encoding',
  'authorization',
  'x-request-id',
] as const;

/** Response headers the page's client must read (anything else but a few safelisted ones is hidden from scripts). */
export const EXPOSE_HEADERS = [
  'grpc-status',
  'grpc-message',
  'grpc-status-details-bin',
  'grpc-encoding',
  'grpc-accept-encoding',
  'connect-content-encoding',
  'connect-accept-encoding',
  'x-request-id',
  'retry-after',
  'grpc-retry-pushback-ms',
] as const;

/** How long a browser may cache a preflight: Chromium's cap (Firefox allows a day). */
export const MAX_AGE_SECONDS = 7200;

export interface CorsOptions {
  /** Exact origins (`https://host[:port]`, as browsers send them), or `['*']` for any origin. */
  readonly origins: readonly string[];
}

/**
 * Never `Access-Control-Allow-Credentials`: callers authenticate with a bearer
 * token the page puts in Authorization itself, which needs only
 * Allow-Headers, not credentials (cookies); and with `*` credentials would let
 * any site spend a user's cookies here.
 */
export function cors(options: CorsOptions): MiddlewareHandler<GatewayEnv> {
  const anyOrigin = options.origins.includes('*');
  const allowed = new Set(options.origins);
  const withHeaders = honoCors({
    // Called only for an origin already allowed: `*` stays `*`, an exact one is echoed.
    origin: (origin) => (anyOrigin ? '*' : origin),
    allowMethods: ['POST'],
    allowHeaders: [...ALLOW_HEADERS],
    exposeHeaders: [...EXPOSE_HEADERS],
    maxAge: MAX_AGE_SECONDS,
  });
  return async function corsMiddleware(c, next) {
    const origin = c.req.header('origin');
    const allowedOrigin = origin !== undefined && origin !== '' && (anyOrigin || allowed.has(origin));
    const preflight = c.req.method === 'OPTIONS' && !!origin && c.req.raw.headers.has('access-control-request-method');
    if (preflight) return allowedOrigin ? withHeaders(c, next) : c.body(null, 204, { vary: 'Origin' });
    if (allowedOrigin && c.req.method !== 'OPTIONS') return withHeaders(c, next);
    await next();
    c.header('vary', 'Origin', { append: true });
  };
}
