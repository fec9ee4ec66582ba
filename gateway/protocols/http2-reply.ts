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
    const body = reply.body ?? new Uint8Array(0);
    let acknowledged = 0;
    // The stream's 'finish': every slice has left Node's native queue. (The
    // compatibility response emits 'finish' on close too, sent or not.)
    const onFinish = (): void => {
      stream.off('close', onClose);
      resolve('sent');
    };
    const onClose = (): void => {
      stream.off('finish', onFinish);
      // At most the slice in the native queue stays counted against the session.
      const unsent = Math.min(WRITE_SLICE_BYTES, body.byteLength - acknowledged);
      if (unsent > 0 && session) noteAbandonedBytes(session, unsent);
      resolve('abandoned');
    };
    stream.once('finish', onFinish);
    stream.once('close', onClose);
    outgoing.writeHead(reply.status, reply.headers);
    // One slice at a time, waiting for 'drain': slices written ahead would be
    // handed down together (Http2Stream's _writev) and counted all at once.
    let at = 0;
    const pump = (): void => {
      while (at < body.byteLength) {
        const slice = body.subarray(at, Math.min(body.byteLength, at + WRITE_SLICE_BYTES));
        at += slice.byteLength;
        const more = outgoing.write(slice, (err) => {
          if (!err) acknowledged += slice.byteLength;
        });
        if (!more) {
          outgoing.once('drain', pump);
          return;
        }
      }
      if (reply.trailers) outgoing.addTrailers(reply.trailers);
      outgoing.end();
    };
    pump();
  });
}
