// What gRPC and gRPC-Web share: the framed message, grpc-encoding,
// grpc-timeout, and the status/message pair.
import { grpcStatus, ServiceError, type ErrorCode } from '../rpc/codes.js';
import type { UnaryResponse } from '../rpc/types.js';
import type { Body, DecodeOptions, RequestMessage } from '../rpc/adapter.js';
import { unshared } from './unshared.js';
import { acceptsGzip, gzip, inflateInto, requestEncoding } from './compression.js';
import { encodeFrame, FLAG_COMPRESSED, parseUnaryFrame } from './framing.js';
import { contentTypeOf } from './negotiate.js';
import { parseGrpcTimeout } from './timeout.js';

export function checkGrpcHeaders(headers: Headers): void {
  requestEncoding(headers.get('grpc-encoding'), 'grpc-encoding');
}

export function grpcTimeoutMs(headers: Headers): number | undefined {
  return parseGrpcTimeout(headers.get('grpc-timeout'));
}

export async function decodeGrpcRequest(body: Body, headers: Headers, options: DecodeOptions): Promise<RequestMessage> {
  const encoding = requestEncoding(headers.get('grpc-encoding'), 'grpc-encoding');
  const frame = parseUnaryFrame(body.bytes);
  if ((frame.flags & FLAG_COMPRESSED) === 0) {
    return { buffer: body.buffer, offset: frame.offset, length: frame.length };
  }
  if (encoding === 'identity') {
    throw new ServiceError('invalid_argument', 'the message is flagged compressed but the request has no grpc-encoding');
  }
  const payload = new Uint8Array(body.buffer, frame.offset, frame.length);
  return inflateInto(payload, options);
}

/** The response message frame, gzip-compressed when the client accepts it and it is large enough. */
export async function encodeGrpcMessage(
  response: UnaryResponse,
  headers: Headers,
  compressMinBytes: number,
): Promise<{ frame: Uint8Array; encoding: 'gzip' | undefined }> {
  const bytes = unshared(response.bytes);
  if (bytes.byteLength >= compressMinBytes && acceptsGzip(headers.get('grpc-accept-encoding'))) {
    return { frame: encodeFrame(FLAG_COMPRESSED, await gzip(bytes)), encoding: 'gzip' };
  }
  return { frame: encodeFrame(0, bytes), encoding: undefined };
}

/** grpc-message: percent-encoded UTF-8 outside printable ASCII, and '%' itself. */
export function encodeGrpcMessageText(message: string): string {
  let out = '';
  for (const byte of new TextEncoder().encode(message)) {
    out += byte >= 0x20 && byte <= 0x7e && byte !== 0x25 ? String.fromCharCode(byte) : `%${byte.toString(16).toUpperCase().padStart(2, '0')}`;
  }
  return out;
}

export function decodeGrpcMessageText(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}

export function statusTrailers(code: ErrorCode | 'ok', message?: string): Record<string, string> {
  const trailers: Record<string, string> = { 'grpc-status': String(grpcStatus(code)) };
  if (message) trailers['grpc-message'] = encodeGrpcMessageText(message);
  return trailers;
}

/**
 * The status of an error reply, with `grpc-retry-pushback-ms` when the server
 * asks the client to wait before retrying (gRPC's retry design, A6: clients
 * with a retry policy honour it).
 */
export function errorTrailers(error: ServiceError): Record<string, string> {
  const trailers = statusTrailers(error.code, error.message);
  if (error.retryAfterMs !== undefined) trailers['grpc-retry-pushback-ms'] = String(Math.max(0, Math.round(error.retryAfterMs)));
  return trailers;
}

/** The message frame of a successful gRPC or gRPC-Web reply and its headers; the two protocols differ only in how the trailers travel. */
export async function grpcMessageReply(protocol: 'grpc' | 'grpc-web', response: UnaryResponse, headers: Headers, compressMinBytes: number): Promise<{ frame: Uint8Array; headers: Record<string, string> }> {
  const { frame, encoding } = await encodeGrpcMessage(response, headers, compressMinBytes);
  const out: Record<string, string> = { 'content-type': contentTypeOf(protocol, response.serialization), 'grpc-accept-encoding': 'gzip' };
  if (encoding) out['grpc-encoding'] = encoding;
  return { frame, headers: out };
}
