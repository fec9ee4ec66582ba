// Writing an RpcReply: a fetch Response for Connect and gRPC-Web; for gRPC,
// straight onto the Node Http2ServerResponse so trailers are real HTTP/2
// trailers (then RESPONSE_ALREADY_SENT tells @hono/node-server to keep out).
import { Http2ServerResponse } from 'node:http2';
import { RESPONSE_ALREADY_SENT } from '@hono/node-server/utils/response';
import type { Context } from 'hono';
import { ServiceError } from '../service/codes.js';
import type { RpcReply } from './adapter.js';
import type { GatewayEnv, GatewayLogger } from './env.js';

/** The HTTP/2 response object when the request came over HTTP/2 through @hono/node-server. */
export function http2Response(c: Context<GatewayEnv>): Http2ServerResponse | undefined {
  const outgoing = c.env?.outgoing;
  return outgoing instanceof Http2ServerResponse ? outgoing : undefined;
}

export function sendReply(c: Context<GatewayEnv>, reply: RpcReply): Response {
  const rpc = c.get('rpc');
  if (rpc) rpc.outcome = { code: reply.code, responseBytes: reply.body?.byteLength ?? 0 };
  const headers: Record<string, string> = { ...reply.headers, 'x-request-id': c.get('requestId') };
  if (rpc?.protocol === 'grpc') {
    const outgoing = http2Response(c);
    if (!outgoing) throw new Error('gRPC reply without an HTTP/2 response object');
    if (outgoing.headersSent || outgoing.destroyed || outgoing.stream.closed) return RESPONSE_ALREADY_SENT;
    outgoing.writeHead(reply.status, headers);
    if (reply.body) outgoing.write(reply.body);
    if (reply.trailers) outgoing.addTrailers(reply.trailers);
    outgoing.end();
    return RESPONSE_ALREADY_SENT;
  }
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
