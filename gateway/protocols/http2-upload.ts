// HTTP/2 request bodies that end early: refused by the server (too large,
// over the admission budget) or given up by the client. Both are shaped by how
// Node's own http2 client (behind @connectrpc/connect-node and @grpc/grpc-js)
// behaves, as read in Node 20's src/node_http2.cc and lib/internal/http2/core.js:
//
// - It counts the DATA it has queued but not yet sent against its session's
//   maxSessionMemory (10 MB by default). An answer arriving while more than
//   that is queued is refused by the client itself with RST_STREAM
//   ENHANCE_YOUR_CALM, and destroying a stream with queued DATA never gives
//   that count back (Http2Stream::Destroy pops the queue without
//   DecrementAvailableOutboundLength): after a few early answers the client
//   refuses every answer on the connection. So a refused upload is read to its
//   end and dropped before the answer (bounded; no byte of it is kept).
// - `stream.close(NGHTTP2_CANCEL)` on a stream whose writes are all sent
//   first ends the body (END_STREAM), then sends RST_STREAM CANCEL in a later
//   write. A body that ends short of the length it announced is therefore
//   given a moment for that reset before it is judged a malformed request.
// - An upload refused because the server is busy is not read (that would take
//   the connection's bandwidth from accepted uploads under overload) but reset
//   after its answer. Its unsent remainder stays counted in the client; so
//   once a session has left about 8 MB unread, the server sends GOAWAY: calls
//   in flight finish, and the client opens a fresh connection for new ones.
import { Http2ServerRequest, type Http2Session } from 'node:http2';
import type { Readable } from 'node:stream';
import { EnvelopePrefix } from './framing.js';

/** At most this much of a refused body is read and dropped (the bound @hono/node-server drains on HTTP/1.1). */
export const DISCARD_MAX_BYTES = 64 * 1024 * 1024;
/** ... and for at most this long. */
export const DISCARD_MAX_MS = 10_000;
/** How long a body cut short may wait for its stream's reset. Only malformed bodies wait. */
export const RESET_GRACE_MS = 100;

export interface DiscardOptions {
  readonly maxBytes?: number;
  readonly maxMs?: number;
  /** Stops discarding when it aborts (deadline, client gone). */
  readonly signal?: AbortSignal | undefined;
}

/** Unread bytes of reset uploads a session may collect before GOAWAY: below Node's default 10 MB client limit. */
export const ABANDONED_BYTES_PER_SESSION = 8 * 1024 * 1024;

const abandoned = new WeakMap<Http2Session, number>();

/**
 * Notes that `unread` bytes of an upload on `stream` will never be read (its
 * stream is answered and reset); closes the session gracefully (GOAWAY) once
 * it has collected ABANDONED_BYTES_PER_SESSION of them.
 */
export function abandonUpload(stream: Http2ServerRequest, unread: number): void {
  const session = stream.stream.session;
  if (session) noteAbandonedBytes(session, unread);
}

/**
 * Counts bytes that Node's HTTP/2 layer keeps counted against a session's
 * maxSessionMemory although they will never move: the unread rest of a reset
 * upload (counted by the client) or the unsent part of a reply the client
 * reset (counted by this server, see http2-reply.ts). Closes the session
 * gracefully (GOAWAY) once they reach ABANDONED_BYTES_PER_SESSION, before
 * either side starts refusing streams with ENHANCE_YOUR_CALM.
 */
export function noteAbandonedBytes(session: Http2Session, bytes: number): void {
  if (session.closed || session.destroyed || bytes <= 0) return;
  const total = (abandoned.get(session) ?? 0) + bytes;
  abandoned.set(session, total);
  if (total >= ABANDONED_BYTES_PER_SESSION) session.close();
}

/** An HTTP/2 request whose client may still be uploading. */
export function isOpenHttp2Upload(stream: unknown): stream is Http2ServerRequest {
  return stream instanceof Http2ServerRequest && !stream.readableEnded && !stream.destroyed && !stream.aborted;
}

/**
 * Reads `stream` to its end and drops the data. Resolves when the body has
 * ended, or when a bound is reached (the stream is then paused, and the
 * server adapter resets it after the answer). Never rejects.
 */
export function discardBody(stream: Readable, options: DiscardOptions = {}): Promise<{ readonly bytes: number; readonly complete: boolean }> {
  const maxBytes = options.maxBytes ?? DISCARD_MAX_BYTES;
  const maxMs = options.maxMs ?? DISCARD_MAX_MS;
  const { signal } = options;
  return new Promise((resolve) => {
    let bytes = 0;
    const finish = (complete: boolean): void => {
      clearTimeout(timer);
      stream.off('data', onData);
      stream.off('end', onEnd);
      stream.off('error', onStop);
      stream.off('close', onClose);
      signal?.removeEventListener('abort', onStop);
      if (!complete) stream.pause();
      resolve({ bytes, complete });
    };
    const onData = (chunk: Buffer | string): void => {
      bytes += chunk.length;
      if (bytes > maxBytes) finish(false);
    };
    const onEnd = (): void => finish(true);
    const onStop = (): void => finish(false);
    const onClose = (): void => finish(stream.readableEnded);
    const timer = setTimeout(onStop, maxMs);
    if (stream.readableEnded) return finish(true);
    if (stream.destroyed || signal?.aborted) return finish(false);
    signal?.addEventListener('abort', onStop, { once: true });
    stream.on('end', onEnd);
    stream.on('error', onStop);
    stream.on('close', onClose);
    stream.on('data', onData);
    stream.resume();
  });
}

/**
 * The length an HTTP/2 body announces (its Content-Length, else for gRPC and
 * gRPC-Web the one message's length prefix), compared with what arrived.
 */
export class AnnouncedLength {
  private received = 0;
  private readonly prefix = new EnvelopePrefix();
  private readonly declared: number | undefined;
  private readonly framed: boolean;

  constructor(stream: Readable) {
    const headers = stream instanceof Http2ServerRequest ? stream.headers : undefined;
    const length = Number(headers?.['content-length'] ?? Number.NaN);
    this.declared = Number.isSafeInteger(length) && length >= 0 ? length : undefined;
    this.framed = this.declared === undefined && /^application\/grpc/i.test(String(headers?.['content-type'] ?? ''));
  }

  observe(chunk: Uint8Array): void {
    if (this.framed) this.prefix.observe(chunk);
    this.received += chunk.byteLength;
  }

  /** Bytes announced (Content-Length, or the gRPC frame once its prefix is in) and not yet received; 0 when unknown. */
  unread(): number {
    const total = this.declared ?? (this.framed ? this.prefix.frameBytes : undefined) ?? 0;
    return Math.max(0, total - this.received);
  }

  /** Whether the body ended before the length it announced (an empty body announces nothing). */
  cutShort(): boolean {
    if (this.declared !== undefined) return this.received < this.declared;
    if (!this.framed || this.received === 0) return false;
    return this.received < (this.prefix.frameBytes ?? Infinity);
  }
}

/** Resolves true if the client resets `stream` within `ms` (it is then aborted), false otherwise. */
export function resetWithin(stream: Readable, ms: number = RESET_GRACE_MS): Promise<boolean> {
  const aborted = (): boolean => (stream as Readable & { aborted?: unknown }).aborted === true;
  if (aborted()) return Promise.resolve(true);
  return new Promise((resolve) => {
    const done = (): void => {
      clearTimeout(timer);
      stream.off('aborted', done);
      stream.off('close', done);
      resolve(aborted());
    };
    const timer = setTimeout(done, ms);
    stream.on('aborted', done);
    stream.on('close', done);
  });
}
