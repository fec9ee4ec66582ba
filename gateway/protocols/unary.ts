// The one unary handler behind every protocol: read the body (limited),
// unframe and decompress it, call the service with the call context, reply.
import type { Context } from 'hono';
import { ServiceError } from '../rpc/codes.js';
import { METHODS, type AnyMethodName, type CallContext, type MethodName, type ScoringService, type UnaryRequest, type UnaryResponse } from '../rpc/types.js';
import type { BodySource } from './body.js';
import type { Allocate } from '../rpc/adapter.js';
import { defaultAllocate, parseContentLength, readBody } from './body.js';
import type { GatewayEnv } from '../rpc/env.js';
import { sendReply } from './respond.js';

export interface UnaryHandlerOptions {
  readonly service: ScoringService;
  readonly allocate?: Allocate;
  /** Compress replies of at least this many bytes when the client accepts gzip (default 1024). */
  readonly compressMinBytes?: number;
  /** A request body that sends nothing for this long is deadline_exceeded (default: no limit). */
  readonly bodyIdleTimeoutMs?: number;
}

/** Awaits the service, or the signal's reason (deadline_exceeded / canceled) if it aborts first. */
export function callService(
  handler: ScoringService[keyof ScoringService],
  request: UnaryRequest,
  context: CallContext,
): Promise<UnaryResponse> {
  const { signal } = context;
  if (signal.aborted) return Promise.reject(signal.reason);
  return new Promise<UnaryResponse>((resolve, reject) => {
    const onAbort = (): void => reject(signal.reason);
    signal.addEventListener('abort', onAbort, { once: true });
    let work: Promise<UnaryResponse>;
    try {
      work = handler(request, context);
    } catch (err) {
      work = Promise.reject(err);
    }
    work
      .then(resolve, (err: unknown) => reject(signal.aborted ? signal.reason : err))
      .finally(() => signal.removeEventListener('abort', onAbort));
  });
}

function bodySource(c: Context<GatewayEnv>): BodySource {
  return c.env?.incoming ?? c.req.raw.body;
}

function isUnaryMethod(method: AnyMethodName): method is MethodName {
  return (METHODS as readonly string[]).includes(method);
}

/** The route handler; expects the rpc, deadline, body-limit and auth middleware before it. */
export function unaryHandler(options: UnaryHandlerOptions) {
  const allocate = options.allocate ?? defaultAllocate;
  const compressMinBytes = options.compressMinBytes ?? 1024;
  return async function unary(c: Context<GatewayEnv>): Promise<Response> {
    const rpc = c.get('rpc');
    if (!rpc || !rpc.method) throw new ServiceError('unimplemented', `no procedure at ${c.req.path}`);
    if (!isUnaryMethod(rpc.method)) throw new ServiceError('unimplemented', `${rpc.method} is served by the streaming handler, not here`);
    const method = rpc.method;
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
    });
    rpc.requestBytes = body.length;
    // A compressed body is inflated into a second buffer, charged as it grows: both are held until the answer.
    const message = await rpc.adapter.decodeRequest(body, headers, { maxBytes, allocate, charge: admission?.reserve });
    if (signal.aborted) throw signal.reason;

    const deadline = c.get('deadline');
    const context: CallContext = {
      method,
      protocol: rpc.protocol,
      requestId: c.get('requestId'),
      tenant: c.get('tenant'),
      signal,
      ...(deadline === undefined ? {} : { deadline }),
    };
    const request: UnaryRequest = { serialization: rpc.serialization, ...message };
    const response = await callService(options.service[method], request, context);
    if (response.serialization !== rpc.serialization) {
      throw new Error(`service answered ${response.serialization} to a ${rpc.serialization} request`);
    }
    return sendReply(c, await rpc.adapter.reply(response, headers, { compressMinBytes }));
  };
}
