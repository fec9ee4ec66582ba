// gRPC-Web text mode by hand, as the `grpc-web` npm client sends it by
// default (mode grpcwebtext): the request frame in base64, optionally in
// several chunks each padded on its own, and the answer decoded with Node's
// base64, independently of the gateway's coder. For the end-to-end tests.
import { frame, GRPC_CODE_NAMES, SERVICE_PATH, unframeGrpcWeb, type WireOutcome } from '../../../lib/wire-calls.js';

export interface TextOutcome extends WireOutcome {
  readonly contentType: string | null;
  /** The whole answer after base64 decoding: message frames and the trailer frame. */
  readonly decoded: Uint8Array;
}

/** Base64 of `bytes` in chunks of `chunkBytes` bytes, each padded (a length not a multiple of 3 puts padding inside the body). */
export function base64Chunks(bytes: Uint8Array, chunkBytes = bytes.byteLength || 1): string {
  let text = '';
  for (let at = 0; at < bytes.byteLength; at += chunkBytes) text += Buffer.from(bytes.subarray(at, at + chunkBytes)).toString('base64');
  return text;
}

/** A unary call in text mode; `body` is sent as is when a string, else framed and encoded in chunks of `chunkBytes`. */
export async function grpcWebTextCall(base: string, method: string, body: Uint8Array | string, headers: Record<string, string>, chunkBytes?: number): Promise<TextOutcome> {
  const response = await fetch(base + SERVICE_PATH + method, {
    method: 'POST',
    headers: { 'content-type': 'application/grpc-web-text', accept: 'application/grpc-web-text', 'x-grpc-web': '1', ...headers },
    body: typeof body === 'string' ? body : base64Chunks(frame(body), chunkBytes),
  });
  const text = await response.text();
  if (!/^[A-Za-z0-9+/]*={0,2}$/.test(text)) throw new Error(`HTTP ${response.status}: the answer is not one base64 string: ${text.slice(0, 200)}`);
  const decoded = new Uint8Array(Buffer.from(text, 'base64'));
  const { messages, trailers } = unframeGrpcWeb(decoded);
  const status = trailers['grpc-status'];
  if (status === undefined) throw new Error(`HTTP ${response.status}: no grpc-status in the trailer frame`);
  return {
    code: GRPC_CODE_NAMES[Number(status)] ?? `grpc-status ${status}`,
    message: decodeURIComponent(trailers['grpc-message'] ?? ''),
    httpStatus: response.status,
    body: messages[0] ?? new Uint8Array(),
    contentType: response.headers.get('content-type'),
    decoded,
  };
}

/** The whole body of the same call in binary gRPC-Web, to compare with a text-mode answer decoded. */
export async function grpcWebBinaryBody(base: string, method: string, message: Uint8Array, headers: Record<string, string>): Promise<Uint8Array> {
  const response = await fetch(base + SERVICE_PATH + method, {
    method: 'POST',
    headers: { 'content-type': 'application/grpc-web+proto', 'x-grpc-web': '1', ...headers },
    body: frame(message) as unknown as BodyInit,
  });
  return new Uint8Array(await response.arrayBuffer());
}
