// Writing an RpcReply: over HTTP/2 straight onto the stream (http2-reply.ts:
// real trailers, Trailers-Only errors, slices a client may abandon), then
// RESPONSE_ALREADY_SENT tells @hono/node-server to keep out; over HTTP/1.1 a
// fetch Response.
import { Http2ServerResponse } from 'node:http2';
import { RESPONSE_ALREADY_SENT } from '@hono/node-server/utils/response';
import type { Context } from 'hono';
import { ServiceError } from '../rpc/codes.js';
import type { RpcReply } from '../rpc/adapter.js';
import type { GatewayEnv } from '../rpc/env.js';
import type { GatewayLogger } from '../rpc/logger.js';
import { writeHttp2Reply } from './http2-reply.js';

/** The HTTP/2 response object when the request came over HTTP/2 through @hono/node-server. */
export function http2Response(c: Context<GatewayEnv>): Http2ServerResponse | undefined {
  const outgoing = c.env?.outgoing;
  return outgoing instanceof Http2ServerResponse ? outgoing : undefined;
}

export function sendReply(c: Context<GatewayEnv>, reply: RpcReply): Response {
  const rpc = c.get('rpc');
  if (rpc) rpc.outcome = { code: reply.code, responseBytes: reply.body?.byteLength ?? 0 };
  const headers: Record<string, string> = { ...reply.headers, 'x-request-id': c.get('requestId') };
  const outgoing = http2Response(c);
  if (outgoing) {
    // Headers other middleware set with c.header() (CORS) are not written here: reading c.res would leave a
    // Response that @hono/node-server then writes again. Browsers reach the HTTP/1.1 port, not h2c.
    const delivery = writeHttp2Reply(outgoing, { status: reply.status, headers, body: reply.body, trailers: reply.trailers });
    if (rpc) rpc.delivery = delivery;
    return RESPONSE_ALREADY_SENT;
  }
  if (rpc?.protocol === 'grpc') throw new Error('gRPC reply without an HTTP/2 response object');
  const status = reply.status as 200;
  return reply.body ? c.body(reply.body as Uint8Array<ArrayBuffer>, status, headers) : c.body(null, status, headers);
}

/**
 * The error a client may see: a ServiceError as is; anything else becomes
 * `internal` with a generic message and the request id, its text logged only.
 */
export function toClientError(err: unknown, c: Context<GatewayEnv>, logger: GatewayLogger): ServiceError {
  if (err instanceof ServiceError) return err;
  const requestId = c.get('requestId');
  const rpc = c.get('rpc');
  logger.error({ err, requestId, method: rpc?.method, protocol: rpc?.protocol }, 'unexpected error in an RPC');
  return new ServiceError('internal', `internal error (request id ${requestId})`);
}

/** Answers an RPC with an error, in its protocol. */
export function sendError(c: Context<GatewayEnv>, err: unknown, logger: GatewayLogger): Response {
  const rpc = c.get('rpc');
  const error = toClientError(err, c, logger);
  if (!rpc) {
    return c.json({ code: error.code, message: error.message }, 500);
  }
  return sendReply(c, rpc.adapter.errorReply(error, { serialization: rpc.serialization, unknownProcedure: rpc.method === undefined }));
}
