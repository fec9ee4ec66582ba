// The Connect streaming protocol (connectrpc.com/docs/protocol, "Streaming"),
// which ScoreStream speaks besides gRPC: `application/connect+proto|json`,
// every message in the 5-byte envelope, and the end of the stream as a last
// envelope flagged 0x02 holding JSON: `{}` or `{"error": {"code", "message"}}`.
// The HTTP status is 200 even for errors: clients read the code from the
// end-stream message (a non-200 status would lose the message).
import { ServiceError } from '../rpc/codes.js';
import type { ErrorReplyOptions, ProtocolAdapter, RpcReply } from '../rpc/adapter.js';
import { requestEncoding } from './compression.js';
import { encodeFrame } from './framing.js';
import { parseConnectTimeout } from './timeout.js';

/** Envelope flag of the end-stream message. */
export const FLAG_END_STREAM = 0x02;

export function connectStreamContentType(serialization: 'proto' | 'json'): string {
  return `application/connect+${serialization}`;
}

/** The end-stream envelope: success, or the error with its code. */
export function endStreamEnvelope(error?: ServiceError): Uint8Array {
  const end = error ? { error: { code: error.code, message: error.message } } : {};
  return encodeFrame(FLAG_END_STREAM, new TextEncoder().encode(JSON.stringify(end)));
}

export const connectStreamProtocol: ProtocolAdapter = {
  protocol: 'connect',

  checkHeaders(headers) {
    // Compressed request messages are not accepted on streams: identity only.
    if (requestEncoding(headers.get('connect-content-encoding'), 'Connect-Content-Encoding') !== 'identity') {
      throw new ServiceError('unimplemented', 'compressed messages are not accepted on ScoreStream: send Connect-Content-Encoding identity');
    }
  },

  timeoutMs(headers) {
    return parseConnectTimeout(headers.get('connect-timeout-ms'));
  },

  decodeRequest() {
    throw new ServiceError('unimplemented', 'the Connect streaming protocol serves ScoreStream only');
  },

  reply() {
    throw new ServiceError('unimplemented', 'the Connect streaming protocol serves ScoreStream only');
  },

  errorReply(error: ServiceError, options: ErrorReplyOptions): RpcReply {
    return {
      code: error.code,
      status: 200,
      headers: {
        'content-type': connectStreamContentType(options.serialization),
        ...(error.retryAfterMs === undefined ? {} : { 'retry-after': String(Math.max(1, Math.ceil(error.retryAfterMs / 1000))) }),
      },
      body: endStreamEnvelope(error),
    };
  },
};
