// The one unary handler behind every protocol: read the body (limited),
// unframe and decompress it, call the service with the call context, reply.
import type { Context } from 'hono';
import { ServiceError } from '../rpc/codes.js';
import { METHODS, type AnyMethodName, type CallContext, type MethodName, type ScoringService, type UnaryRequest, type UnaryResponse } from '../rpc/types.js';
import type { BodySource } from './body.js';
import type { Allocate, BodyMemory } from '../rpc/adapter.js';
import { freshBodies, parseContentLength, readBody } from './body.js';
import type { GatewayEnv, RpcState } from '../rpc/env.js';
import { sendReply } from './respond.js';
import { untilAborted } from './until-aborted.js';

export interface UnaryHandlerOptions {
  readonly service: ScoringService;
  /** Where request bodies are read (default: an ArrayBuffer each); a request's lease is released once the service's work on it has settled. */
  readonly bodies?: BodyMemory;
  /** Compress replies of at least this many bytes when the client accepts gzip (default 1024). */
  readonly compressMinBytes?: number;
  /** A request body that sends nothing for this long is deadline_exceeded (default: no limit). */
  readonly bodyIdleTimeoutMs?: number;
}

/**
 * Awaits the service, or the signal's reason (deadline_exceeded / canceled)
 * if it aborts first. `settled`, when given, is called once the service's own
 * work has settled, which may be after an abort answered the caller: only
 * then may the request's buffers serve another request.
 */
export function callService(
  handler: ScoringService[keyof ScoringService],
  request: UnaryRequest,
  context: CallContext,
  settled?: () => void,
): Promise<UnaryResponse> {
  if (context.signal.aborted) {
    settled?.();
    return Promise.reject(context.signal.reason);
  }
  let work: Promise<UnaryResponse>;
  try {
    work = handler(request, context);
  } catch (err) {
    work = Promise.reject(err);
  }
  return untilAborted(settled ? work.finally(settled) : work, context.signal);
}

function bodySource(c: Context<GatewayEnv>): BodySource {
  return c.env?.incoming ?? c.req.raw.body;
}

function isUnaryMethod(method: AnyMethodName): method is MethodName {
  return (METHODS as readonly string[]).includes(method);
}

/** The route handler; expects the rpc, deadline, body-limit and auth middleware before it. */
export function unaryHandler(options: UnaryHandlerOptions) {
  const bodies = options.bodies ?? freshBodies;
  const compressMinBytes = options.compressMinBytes ?? 1024;
  return async function unary(c: Context<GatewayEnv>): Promise<Response> {
    const rpc = c.get('rpc');
    if (!rpc || !rpc.method) throw new ServiceError('unimplemented', `no procedure at ${c.req.path}`);
    if (!isUnaryMethod(rpc.method)) throw new ServiceError('unimplemented', `${rpc.method} is served by the streaming handler, not here`);
    const method = rpc.method;
    const signal = c.get('signal');
    const headers = c.req.raw.headers;
    const lease = bodies.lease();
    let request: UnaryRequest;
    try {
      request = await readMessage(c, rpc, lease.allocate);
    } catch (err) {
      // The service never saw the request: nothing else holds its buffers.
      lease.release();
      throw err;
    }
    const deadline = c.get('deadline');
    const context: CallContext = {
      method,
      protocol: rpc.protocol,
      requestId: c.get('requestId'),
      tenant: c.get('tenant'),
      signal,
      ...(deadline === undefined ? {} : { deadline }),
    };
    const response = await callService(options.service[method], request, context, lease.release);
    if (response.serialization !== rpc.serialization) {
      throw new Error(`service answered ${response.serialization} to a ${rpc.serialization} request`);
    }
    return sendReply(c, await rpc.adapter.reply(response, headers, { compressMinBytes }));
  };

  /** The request's message: its body read (limited), unframed and decompressed into memory from `allocate`. */
  async function readMessage(c: Context<GatewayEnv>, rpc: RpcState, allocate: Allocate): Promise<UnaryRequest> {
    const signal = c.get('signal');
    const headers = c.req.raw.headers;
    const maxBytes = c.get('maxBodyBytes');
    const admission = c.get('admission');
    const body = await readBody(bodySource(c), {
      contentLength: parseContentLength(headers.get('content-length')),
      maxBytes,
      allocate,
      signal,
      idleTimeoutMs: options.bodyIdleTimeoutMs,
      reserve: admission && !admission.declared ? admission.charge : undefined,
      // gRPC and gRPC-Web bodies are one length-prefixed message (gRPC-Web text's base64 prefix is not one, and is read as chunks).
      enveloped: rpc.protocol !== 'connect',
    });
    rpc.requestBytes = body.length;
    // A compressed body is inflated into a second buffer, charged as it grows: both are held until the answer.
    const message = await rpc.adapter.decodeRequest(body, headers, { maxBytes, allocate, charge: admission?.reserve });
    if (signal.aborted) throw signal.reason;
    return { serialization: rpc.serialization, ...message };
  }
}
