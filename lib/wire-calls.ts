// Hand-made requests for what a generated client never sends (malformed
// messages, unknown encodings, server-side deadlines): Connect and gRPC-Web
// with fetch over HTTP/1.1, gRPC with node:http2. Each returns the outcome as
// the protocol states it: the Connect error JSON and HTTP status, or
// grpc-status and grpc-message (from the headers, the trailers, or gRPC-Web's
// trailer frame).
import { connect as http2Connect, type ClientHttp2Session, type ClientHttp2Stream, type IncomingHttpHeaders } from 'node:http2';

/** gRPC status numbers → the Connect code names the service uses. */
export const GRPC_CODE_NAMES: Readonly<Record<number, string>> = {
  0: 'ok',
  1: 'canceled',
  2: 'unknown',
  3: 'invalid_argument',
  4: 'deadline_exceeded',
  5: 'not_found',
  6: 'already_exists',
  7: 'permission_denied',
  8: 'resource_exhausted',
  9: 'failed_precondition',
  10: 'aborted',
  11: 'out_of_range',
  12: 'unimplemented',
  13: 'internal',
  14: 'unavailable',
  15: 'data_loss',
  16: 'unauthenticated',
};

/** HTTP status of each Connect error code (connectrpc.com/docs/protocol#error-codes). */
export const CONNECT_HTTP_STATUS: Readonly<Record<string, number>> = {
  canceled: 499,
  unknown: 500,
  invalid_argument: 400,
  deadline_exceeded: 504,
  not_found: 404,
  permission_denied: 403,
  resource_exhausted: 429,
  unimplemented: 501,
  internal: 500,
  unavailable: 503,
  unauthenticated: 401,
};

export interface WireOutcome {
  /** 'ok' or the error code name. */
  readonly code: string;
  readonly message: string;
  readonly httpStatus: number;
  /** The response message (unframed) when ok. */
  readonly body: Uint8Array;
  /** For gRPC: the status came in the response headers (Trailers-Only). */
  readonly trailersOnly?: boolean;
}

export const SERVICE_PATH = '/gridcode.v1.ScoringService/';

/** One gRPC / gRPC-Web frame: flag byte, 4-byte big-endian length, data. */
export function frame(data: Uint8Array, flags = 0): Uint8Array {
  const out = new Uint8Array(5 + data.byteLength);
  out[0] = flags;
  new DataView(out.buffer).setUint32(1, data.byteLength);
  out.set(data, 5);
  return out;
}

/** Splits a gRPC-Web body into its message and its trailers. */
export function unframeGrpcWeb(body: Uint8Array): { messages: Uint8Array[]; trailers: Record<string, string> } {
  const messages: Uint8Array[] = [];
  const trailers: Record<string, string> = {};
  let at = 0;
  while (at + 5 <= body.byteLength) {
    const flags = body[at]!;
    const length = new DataView(body.buffer, body.byteOffset + at + 1, 4).getUint32(0);
    const data = body.subarray(at + 5, at + 5 + length);
    at += 5 + length;
    if (flags & 0x80) {
      for (const line of new TextDecoder().decode(data).split('\r\n')) {
        const colon = line.indexOf(':');
        if (colon > 0) trailers[line.slice(0, colon).trim().toLowerCase()] = line.slice(colon + 1).trim();
      }
    } else messages.push(data);
  }
  if (at !== body.byteLength) throw new Error(`gRPC-Web body has ${body.byteLength - at} trailing bytes that are not a frame`);
  return { messages, trailers };
}

function grpcOutcome(status: string | undefined, message: string | undefined, httpStatus: number, body: Uint8Array, trailersOnly?: boolean): WireOutcome {
  if (status === undefined) throw new Error(`no grpc-status (HTTP ${httpStatus})`);
  const code = GRPC_CODE_NAMES[Number(status)] ?? `grpc-status ${status}`;
  return { code, message: decodeURIComponent(message ?? ''), httpStatus, body, ...(trailersOnly === undefined ? {} : { trailersOnly }) };
}

/** A Connect unary call with fetch; `body` is the whole request body as sent. */
export async function connectCall(base: string, method: string, body: Uint8Array | string, headers: Record<string, string>): Promise<WireOutcome> {
  const response = await fetch(base + SERVICE_PATH + method, { method: 'POST', headers, body: body as unknown as BodyInit });
  const bytes = new Uint8Array(await response.arrayBuffer());
  if (response.status === 200) return { code: 'ok', message: '', httpStatus: 200, body: bytes };
  const text = new TextDecoder().decode(bytes);
  let error: { code?: string; message?: string };
  try {
    error = JSON.parse(text) as typeof error;
  } catch {
    throw new Error(`HTTP ${response.status} with a body that is not the Connect error JSON: ${text.slice(0, 200)}`);
  }
  return { code: error.code ?? `HTTP ${response.status} without a code`, message: error.message ?? '', httpStatus: response.status, body: bytes };
}

/** A gRPC-Web unary call with fetch; `message` is framed here unless `raw`. */
export async function grpcWebCall(base: string, method: string, message: Uint8Array, headers: Record<string, string>, raw = false): Promise<WireOutcome> {
  const response = await fetch(base + SERVICE_PATH + method, {
    method: 'POST',
    headers: { 'content-type': 'application/grpc-web+proto', 'x-grpc-web': '1', ...headers },
    body: (raw ? message : frame(message)) as unknown as BodyInit,
  });
  const bytes = new Uint8Array(await response.arrayBuffer());
  const inHeaders = response.headers.get('grpc-status');
  if (inHeaders !== null) return grpcOutcome(inHeaders, response.headers.get('grpc-message') ?? undefined, response.status, bytes, true);
  const { messages, trailers } = unframeGrpcWeb(bytes);
  return grpcOutcome(trailers['grpc-status'], trailers['grpc-message'], response.status, messages[0] ?? new Uint8Array());
}

/** gRPC over h2c with node:http2: one session per base URL, closed by closeSessions(). */
const sessions = new Map<string, ClientHttp2Session>();

/**
 * maxSessionMemory of these sessions, in MB (Node's unit). Node's client
 * refuses answers (ENHANCE_YOUR_CALM) while more than this of its own uploads
 * wait to be sent, and never un-counts a cancelled stream's: load tests queue
 * far more than the 10 MB default, as the README tells integrators.
 */
const SESSION_MEMORY_MB = 1024;

/** Sessions told GOAWAY: their calls in flight finish, new ones go to a new session (as connect-node and grpc-js do). */
const goneAway = new WeakSet<ClientHttp2Session>();

function session(h2: string): ClientHttp2Session {
  let s = sessions.get(h2);
  if (!s || s.closed || s.destroyed || goneAway.has(s)) {
    const opened = http2Connect(h2, { maxSessionMemory: SESSION_MEMORY_MB });
    opened.on('error', () => {});
    opened.once('goaway', () => goneAway.add(opened));
    sessions.set(h2, opened);
    s = opened;
  }
  return s;
}

export function closeSessions(): void {
  for (const s of sessions.values()) s.destroy();
  sessions.clear();
}

/**
 * One gRPC call over h2c. A stream the server refused unprocessed
 * (REFUSED_STREAM: sent just after its GOAWAY, RFC 9113 §8.7) is sent once
 * more on a new session, the transparent retry gRPC clients make.
 */
export async function grpcCall(h2: string, method: string, message: Uint8Array, headers: Record<string, string>, raw = false): Promise<WireOutcome> {
  try {
    return await grpcAttempt(h2, method, message, headers, raw);
  } catch (error) {
    if (!/NGHTTP2_REFUSED_STREAM/.test((error as Error).message)) throw error;
    return grpcAttempt(h2, method, message, headers, raw);
  }
}

function grpcAttempt(h2: string, method: string, message: Uint8Array, headers: Record<string, string>, raw: boolean): Promise<WireOutcome> {
  const stream = session(h2).request({
    ':method': 'POST',
    ':path': SERVICE_PATH + method,
    'content-type': 'application/grpc+proto',
    te: 'trailers',
    ...headers,
  });
  const reply = collectH2Response(stream).then(({ headers: head, trailers, data: body }) => {
    const data = new Uint8Array(body);
    const status = Number(head[':status'] ?? 0);
    if (head['grpc-status'] !== undefined) return grpcOutcome(String(head['grpc-status']), head['grpc-message'] as string | undefined, status, data, true);
    const message = data.byteLength >= 5 ? data.subarray(5, 5 + new DataView(data.buffer, data.byteOffset + 1, 4).getUint32(0)) : data;
    return grpcOutcome(trailers?.['grpc-status'] as string | undefined, trailers?.['grpc-message'] as string | undefined, status, message, false);
  });
  stream.end(raw ? message : frame(message));
  return reply;
}

/** What a raw HTTP/2 client stream brings back: response headers, trailers (if any) and the body; rejects on a stream error. */
export function collectH2Response(stream: ClientHttp2Stream): Promise<{ headers: IncomingHttpHeaders; trailers: IncomingHttpHeaders | undefined; data: Buffer }> {
  return new Promise((resolve, reject) => {
    let head: IncomingHttpHeaders = {};
    let trailers: IncomingHttpHeaders | undefined;
    const chunks: Buffer[] = [];
    stream.on('response', (h) => (head = h));
    stream.on('trailers', (t) => (trailers = t));
    stream.on('data', (d: Buffer) => chunks.push(d));
    stream.on('error', reject);
    stream.on('end', () => resolve({ headers: head, trailers, data: Buffer.concat(chunks) }));
  });
}
