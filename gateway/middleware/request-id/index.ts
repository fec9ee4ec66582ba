// request-id: takes the client's X-Request-Id when it is sane (1-128 chars of
// [A-Za-z0-9._:-]), else makes a random one; sets it as the `requestId`
// variable and echoes it in the response header.
import { randomUUID } from 'node:crypto';
import type { MiddlewareHandler } from 'hono';
import type { GatewayEnv } from '../../rpc/env.js';

export const REQUEST_ID_HEADER = 'X-Request-Id';
const SANE = /^[A-Za-z0-9._:-]{1,128}$/;

export interface RequestIdOptions {
  readonly generate?: () => string;
}

export function isSaneRequestId(value: string | null | undefined): value is string {
  return typeof value === 'string' && SANE.test(value);
}

export function requestId(options: RequestIdOptions = {}): MiddlewareHandler<GatewayEnv> {
  const generate = options.generate ?? randomUUID;
  return async function requestIdMiddleware(c, next) {
    const given = c.req.header(REQUEST_ID_HEADER);
    const id = isSaneRequestId(given) ? given : generate();
    c.set('requestId', id);
    c.header(REQUEST_ID_HEADER, id);
    await next();
  };
}
