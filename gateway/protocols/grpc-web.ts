// gRPC-Web over HTTP/1.1 (or HTTP/2): the gRPC framing, and the trailers as
// a last frame (flag 0x80) in the body; always HTTP 200. Text mode
// (application/grpc-web-text) is the same body in base64, both ways.
import type { ServiceError } from '../rpc/codes.js';
import type { ErrorReplyOptions, ProtocolAdapter, RpcReply } from '../rpc/adapter.js';
import { decodeBase64InPlace, encodeBase64 } from './base64.js';
import { concatBytes, encodeTrailerFrame } from './framing.js';
import { checkGrpcHeaders, decodeGrpcRequest, errorTrailers, grpcMessageReply, grpcTimeoutMs, statusTrailers } from './grpc-common.js';
import { contentTypeOf, GRPC_WEB_TEXT_CONTENT_TYPE } from './negotiate.js';

export const grpcWebProtocol: ProtocolAdapter = {
  protocol: 'grpc-web',
  checkHeaders: checkGrpcHeaders,
  timeoutMs: grpcTimeoutMs,
  decodeRequest: decodeGrpcRequest,

  async reply(response, headers, options): Promise<RpcReply> {
    const { frame, headers: out } = await grpcMessageReply('grpc-web', response, headers, options.compressMinBytes);
    return { code: 'ok', status: 200, headers: out, body: concatBytes([frame, encodeTrailerFrame(statusTrailers('ok'))]) };
  },

  errorReply(error: ServiceError, options: ErrorReplyOptions): RpcReply {
    return {
      code: error.code,
      status: 200,
      headers: { 'content-type': contentTypeOf('grpc-web', options.serialization), 'grpc-accept-encoding': 'gzip' },
      body: encodeTrailerFrame(errorTrailers(error)),
    };
  },
};

/**
 * gRPC-Web text mode, the default of the `grpc-web` npm client: the binary
 * adapter between a base64 decode and a base64 encode. Everything before it
 * sees the body as received, base64: body-limit, the body reader and
 * admission count 4/3 of the binary bytes (a text-mode message can be about
 * 3/4 of maxBodyBytes), and admission, finding a base64 letter where a frame's
 * flag byte would be, charges such a body per chunk as it arrives. The text
 * is decoded in place, in the request's own body buffer: no second copy to
 * hold or charge, and the message the service gets lies in that buffer (from
 * `allocate`, as for binary requests).
 */
export const grpcWebTextProtocol: ProtocolAdapter = {
  ...grpcWebProtocol,

  async decodeRequest(body, headers, options) {
    const length = decodeBase64InPlace(body.bytes);
    const bytes = body.bytes.subarray(0, length);
    return grpcWebProtocol.decodeRequest({ buffer: body.buffer, offset: body.offset, length, bytes }, headers, options);
  },

  async reply(response, headers, options): Promise<RpcReply> {
    return asText(await grpcWebProtocol.reply(response, headers, options));
  },

  errorReply(error: ServiceError, options: ErrorReplyOptions): RpcReply {
    return asText(grpcWebProtocol.errorReply(error, options));
  },
};

/** The whole body (message and trailer frames) as one padded base64 chunk. */
function asText(reply: RpcReply): RpcReply {
  return { ...reply, headers: { ...reply.headers, 'content-type': GRPC_WEB_TEXT_CONTENT_TYPE }, body: reply.body && encodeBase64(reply.body) };
}
