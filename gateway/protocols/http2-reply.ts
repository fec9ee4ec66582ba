// Writing a reply onto an HTTP/2 stream so that every client can read it, and
// so that a reply the client abandons costs the connection nothing.
//
// - An error with no message (gRPC) is Trailers-Only: ONE HEADERS frame with
//   END_STREAM that carries grpc-status. `writeHead()` + `end()` of Node's
//   compatibility API sends HEADERS and then an empty DATA frame with
//   END_STREAM instead; grpc-js, grpcio and grpc-go then report "no status"
//   (INTERNAL / UNKNOWN) instead of the real code.
// - A body is handed to the stream in slices of WRITE_SLICE_BYTES. Node's
//   server session counts what its native layer holds unsent against
//   maxSessionMemory (10 MB), and a stream the client resets never gives
//   that count back (node_http2.cc, Http2Stream::Destroy; the same bug as on
//   the client, see http2-upload.ts). One 14 MB write the client will not
//   read (a response over its receive limit) therefore made the session
//   refuse every later stream with ENHANCE_YOUR_CALM. The next slice is
//   written only after 'drain' (the previous one was sent), so an abandoned
//   reply leaves at most one slice counted, and those are summed per session
//   towards a GOAWAY (http2-upload.ts).
import type { Http2ServerResponse } from 'node:http2';
import type { Delivery } from '../rpc/env.js';
import { noteAbandonedBytes } from './http2-upload.js';

/**
 * The most one stream holds in Node's native send queue at a time. Measured
 * on loopback (a 14 MB reply): 64 KiB slices cost 51 ms, 256 KiB 25 ms, one
 * write 32 ms; so 256 KiB, and 32 abandoned replies before a GOAWAY.
 */
export const WRITE_SLICE_BYTES = 256 * 1024;

export interface Http2Reply {
  readonly status: number;
  readonly headers: Readonly<Record<string, string>>;
  readonly body: Uint8Array | null;
  /** HTTP/2 trailers (gRPC); an error reply without body carries its status in `headers` instead. */
  readonly trailers?: Readonly<Record<string, string>> | undefined;
}

/** Writes `reply` on the stream of `outgoing`; resolves once it is sent, or once the client resets the stream first. */
export function writeHttp2Reply(outgoing: Http2ServerResponse, reply: Http2Reply): Promise<Delivery> {
  const stream = outgoing.stream;
  if (outgoing.headersSent || outgoing.destroyed || stream.closed || stream.destroyed) return Promise.resolve('abandoned');
  if (!reply.body && reply.trailers === undefined) {
    // Trailers-Only (gRPC errors) or a reply without body: one HEADERS frame,
    // END_STREAM. Queued ahead of any RST_STREAM that follows (an upload the
    // answer cut short is reset by @hono/node-server afterwards).
    stream.respond({ ':status': reply.status, ...reply.headers }, { endStream: true });
    return Promise.resolve('sent');
  }
  // Taken now: Node clears `stream.session` before the stream's 'close'.
  const session = stream.session;
  return new Promise((resolve) => {
    // The stream's 'finish': every slice has left Node's native queue. (The
    // compatibility response emits 'finish' on close too, sent or not.)
    let written = false;
    const onFinish = (): void => {
      stream.off('close', onClose);
      resolve('sent');
    };
    const onClose = (): void => {
      stream.off('finish', onFinish);
      // Closed after the last slice was handed down: that slice may still be counted (writeSliced counts the others).
      if (written && session) noteAbandonedBytes(session, Math.min(WRITE_SLICE_BYTES, reply.body?.byteLength ?? 0));
      resolve('abandoned');
    };
    stream.once('finish', onFinish);
    stream.once('close', onClose);
    outgoing.writeHead(reply.status, reply.headers);
    void writeSliced(outgoing, reply.body ?? new Uint8Array(0)).then((ok) => {
      if (!ok) return;
      written = true;
      if (reply.trailers) outgoing.addTrailers(reply.trailers);
      outgoing.end();
    });
  });
}

/**
 * Writes `bytes` one slice at a time, each after the previous one's 'drain':
 * slices written ahead would be handed down together (Http2Stream's _writev)
 * and counted at once. Resolves false when the stream closes, or `signal`
 * aborts, first; the slice then left in Node's native queue is counted
 * towards the session's GOAWAY.
 */
export async function writeSliced(outgoing: Http2ServerResponse, bytes: Uint8Array, signal?: AbortSignal): Promise<boolean> {
  const stream = outgoing.stream;
  const session = stream.session;
  for (let at = 0; at < bytes.byteLength; at += WRITE_SLICE_BYTES) {
    const slice = bytes.subarray(at, Math.min(bytes.byteLength, at + WRITE_SLICE_BYTES));
    if (stream.closed || stream.destroyed || signal?.aborted) return false;
    if (outgoing.write(slice) || (await drained(outgoing, signal))) continue;
    if (session) noteAbandonedBytes(session, slice.byteLength);
    return false;
  }
  return !stream.closed && !stream.destroyed;
}

/** True on 'drain'; false when the stream closes or `signal` aborts first. Leaves no listener behind. */
function drained(outgoing: Http2ServerResponse, signal?: AbortSignal): Promise<boolean> {
  if (signal?.aborted) return Promise.resolve(false);
  return new Promise((resolve) => {
    const stream = outgoing.stream;
    const done = (ok: boolean) => (): void => {
      outgoing.off('drain', onDrain);
      stream.off('close', onClose);
      signal?.removeEventListener('abort', onClose);
      resolve(ok);
    };
    const onDrain = done(true);
    const onClose = done(false);
    outgoing.once('drain', onDrain);
    stream.once('close', onClose);
    signal?.addEventListener('abort', onClose, { once: true });
  });
}
