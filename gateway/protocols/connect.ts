// Connect unary (https://connectrpc.com/docs/protocol): the body is the bare
// message, compressed per Content-Encoding; errors are JSON with an HTTP
// status from codes.ts.
import { httpStatus, ServiceError } from '../rpc/codes.js';
import type { UnaryResponse } from '../rpc/types.js';
import type { ErrorReplyOptions, ProtocolAdapter, RpcReply } from '../rpc/adapter.js';
import { unshared } from './unshared.js';
import { acceptsGzip, gzip, inflateInto, requestEncoding } from './compression.js';
import { contentTypeOf } from './negotiate.js';
import { parseConnectTimeout } from './timeout.js';

/** The Connect spec answers a path naming no procedure with 404 (clients read it as unimplemented). */
export const UNKNOWN_PROCEDURE_STATUS = 404;

export const connectProtocol: ProtocolAdapter = {
  protocol: 'connect',

  checkHeaders(headers) {
    const version = headers.get('connect-protocol-version');
    if (version !== null && version.trim() !== '1') {
      throw new ServiceError('invalid_argument', `Connect-Protocol-Version must be 1, got "${version.slice(0, 16)}"`);
    }
    requestEncoding(headers.get('content-encoding'), 'Content-Encoding');
  },

  timeoutMs(headers) {
    return parseConnectTimeout(headers.get('connect-timeout-ms'));
  },

  async decodeRequest(body, headers, options) {
    if (requestEncoding(headers.get('content-encoding'), 'Content-Encoding') === 'identity') {
      return { buffer: body.buffer, offset: body.offset, length: body.length };
    }
    return inflateInto(body.bytes, options);
  },

  async reply(response: UnaryResponse, headers, options): Promise<RpcReply> {
    const out: Record<string, string> = {
      'content-type': contentTypeOf('connect', response.serialization),
      'accept-encoding': 'gzip',
    };
    let body = unshared(response.bytes);
    if (body.byteLength >= options.compressMinBytes && acceptsGzip(headers.get('accept-encoding'))) {
      body = await gzip(body);
      out['content-encoding'] = 'gzip';
    }
    return { code: 'ok', status: 200, headers: out, body };
  },

  errorReply(error: ServiceError, options: ErrorReplyOptions): RpcReply {
    const json = JSON.stringify({ code: error.code, message: error.message });
    return {
      code: error.code,
      status: options.unknownProcedure ? UNKNOWN_PROCEDURE_STATUS : httpStatus(error.code),
      headers: {
        'content-type': 'application/json',
        'accept-encoding': 'gzip',
        // RFC 9110 §10.2.3: whole seconds.
        ...(error.retryAfterMs === undefined ? {} : { 'retry-after': String(Math.max(1, Math.ceil(error.retryAfterMs / 1000))) }),
      },
      body: new TextEncoder().encode(json),
    };
  },
};
