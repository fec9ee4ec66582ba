// rpc: the entry of every RPC route. Picks the protocol from Content-Type
// (415 when none is served here; gRPC only over HTTP/2), resolves the method
// (unknown → unimplemented), checks protocol headers, and reports the call
// once to `observe` however it ended. Errors thrown further down are written
// in the call's protocol by the app's onError (see protocols/respond.ts).
import type { MiddlewareHandler } from 'hono';
import { METHODS, STREAM_METHODS, type AnyMethodName } from '../../rpc/types.js';
import type { GatewayEnv, RpcState } from '../../rpc/env.js';
import type { GatewayLogger, Observe } from '../../rpc/logger.js';
import { adapterOf, SERVICE_NAME } from '../../protocols/index.js';
import { negotiate } from '../../protocols/negotiate.js';
import { http2Response, sendError } from '../../protocols/respond.js';
import { settleUnreadBody } from '../../protocols/unread-body.js';
import { ServiceError } from '../../rpc/codes.js';

export interface RpcOptions {
  readonly observe?: Observe | undefined;
  readonly logger: GatewayLogger;
}

function methodOf(path: string): AnyMethodName | undefined {
  const match = /^\/([^/]+)\/([^/]+)$/.exec(path);
  if (!match || match[1] !== SERVICE_NAME) return undefined;
  const name = match[2] as string;
  return (METHODS as readonly string[]).includes(name) || (STREAM_METHODS as readonly string[]).includes(name) ? (name as AnyMethodName) : undefined;
}

/** A method asked for in a protocol that cannot carry it: a unary method in Connect streaming, ScoreStream in Connect unary or gRPC-Web. */
function checkMethodProtocol(state: RpcState): void {
  const streamMethod = (STREAM_METHODS as readonly string[]).includes(state.method as string);
  if (!streamMethod && state.streaming) {
    throw new ServiceError('unimplemented', `${state.method} is unary: call it with application/proto or application/json, not the Connect streaming protocol`);
  }
  if (streamMethod && state.protocol !== 'grpc' && !state.streaming) {
    throw new ServiceError('unimplemented', `${state.method} is a streaming method: call it over gRPC or the Connect streaming protocol (application/connect+proto or +json) on the HTTP/2 port`);
  }
}

export function rpc(options: RpcOptions): MiddlewareHandler<GatewayEnv> {
  return async function rpcMiddleware(c, next) {
    const started = performance.now();
    const negotiated = negotiate(c.req.header('content-type'));
    if (!negotiated || (negotiated.protocol === 'grpc' && !http2Response(c))) {
      await settleUnreadBody(c.env?.incoming, { authenticated: false });
      return c.body(null, 415, { 'accept-post': 'application/proto, application/json, application/grpc-web+proto, application/grpc-web-text+proto, application/grpc+proto' });
    }
    const state: RpcState = {
      protocol: negotiated.protocol,
      serialization: negotiated.serialization,
      adapter: adapterOf(negotiated),
      method: methodOf(c.req.path),
      streaming: negotiated.streaming === true,
      requestBytes: 0,
    };
    c.set('rpc', state);
    try {
      if (!state.method) throw new ServiceError('unimplemented', `no procedure at ${c.req.path.slice(0, 200)}`);
      checkMethodProtocol(state);
      state.adapter.checkHeaders(c.req.raw.headers);
      await next();
    } catch (err) {
      // Errors of this middleware itself, and non-Error throws from below.
      c.res = sendError(c, err, options.logger);
    }
    // An early answer over HTTP/1.1 (the body not read): the rest of the body is read and dropped, so that no
    // TCP reset destroys the answer (unread-body.ts). A body that stalled or ran out of time gets the short bounds.
    const stalled = state.outcome?.code === 'deadline_exceeded' || state.outcome?.code === 'canceled';
    await settleUnreadBody(c.env?.incoming, { authenticated: c.get('tenant') !== undefined && !stalled, signal: c.req.raw.signal, outgoing: c.env?.outgoing });
    let outcome = state.outcome ?? { code: 'internal' as const, responseBytes: 0 };
    // A reply the client reset before it was sent whole (over its receive limit, canceled) is counted as canceled.
    if (state.delivery && (await state.delivery) === 'abandoned') outcome = { code: 'canceled', responseBytes: outcome.responseBytes };
    const tenant = c.get('tenant') as { id: string } | undefined;
    try {
      options.observe?.({
        method: state.method ?? 'unknown',
        protocol: state.protocol,
        code: outcome.code,
        seconds: (performance.now() - started) / 1000,
        requestBytes: state.requestBytes,
        responseBytes: outcome.responseBytes,
        requestId: c.get('requestId'),
        ...(tenant ? { tenant: tenant.id } : {}),
      });
    } catch (err) {
      options.logger.error({ err }, 'observe hook failed');
    }
  };
}
