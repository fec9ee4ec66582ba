// gRPC-Web over HTTP/1.1 (or HTTP/2): the gRPC framing, and the trailers as
// a last frame (flag 0x80) in the body; always HTTP 200.
import type { ServiceError } from '../service/codes.js';
import type { ErrorReplyOptions, ProtocolAdapter, RpcReply } from './adapter.js';
import { concatBytes, encodeTrailerFrame } from './framing.js';
import { checkGrpcHeaders, decodeGrpcRequest, grpcMessageReply, grpcTimeoutMs, statusTrailers } from './grpc-common.js';
import { contentTypeOf } from './negotiate.js';

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
      body: encodeTrailerFrame(statusTrailers(error.code, error.message)),
    };
  },
};
