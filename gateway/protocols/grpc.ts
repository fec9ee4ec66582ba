// gRPC over HTTP/2: the message frame in DATA, grpc-status in real HTTP/2
// trailers; errors are Trailers-Only (status in the one HEADERS frame, with
// END_STREAM: see http2-reply.ts).
import type { ServiceError } from '../rpc/codes.js';
import type { ErrorReplyOptions, ProtocolAdapter, RpcReply } from '../rpc/adapter.js';
import { checkGrpcHeaders, decodeGrpcRequest, errorTrailers, grpcMessageReply, grpcTimeoutMs, statusTrailers } from './grpc-common.js';
import { contentTypeOf } from './negotiate.js';

export const grpcProtocol: ProtocolAdapter = {
  protocol: 'grpc',
  checkHeaders: checkGrpcHeaders,
  timeoutMs: grpcTimeoutMs,
  decodeRequest: decodeGrpcRequest,

  async reply(response, headers, options): Promise<RpcReply> {
    const { frame, headers: out } = await grpcMessageReply('grpc', response, headers, options.compressMinBytes);
    return { code: 'ok', status: 200, headers: out, body: frame, trailers: statusTrailers('ok') };
  },

  errorReply(error: ServiceError, options: ErrorReplyOptions): RpcReply {
    return {
      code: error.code,
      status: 200,
      headers: {
        'content-type': contentTypeOf('grpc', options.serialization),
        'grpc-accept-encoding': 'gzip',
        ...errorTrailers(error),
      },
      body: null,
    };
  },
};
