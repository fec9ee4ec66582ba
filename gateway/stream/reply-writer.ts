// A streaming reply (ScoreStream) written onto its HTTP/2 stream, in gRPC or
// the Connect streaming protocol: response messages in the 5-byte envelope,
// each written in slices that wait for 'drain' (a client that stops reading
// holds the stream back here, and through it the whole pipeline: nothing
// piles up; see protocols/http2-reply.ts for why slices), then the end:
// gRPC trailers (Trailers-Only when nothing was sent), or Connect's
// end-stream envelope.
import type { Http2ServerResponse } from 'node:http2';
import { connectStreamContentType, endStreamEnvelope } from '../protocols/connect-stream.js';
import { FRAME_HEADER_BYTES } from '../protocols/framing.js';
import { errorTrailers, statusTrailers } from '../protocols/grpc-common.js';
import { WRITE_SLICE_BYTES } from '../protocols/http2-reply.js';
import { noteAbandonedBytes } from '../protocols/http2-upload.js';
import { contentTypeOf } from '../protocols/negotiate.js';
import type { ServiceError } from '../rpc/codes.js';
import type { Serialization } from '../rpc/types.js';

export type StreamProtocol = 'grpc' | 'connect';

export class StreamReplyWriter {
  private started = false;
  private ended = false;
  /** Response bytes written (envelopes included). */
  bytes = 0;
  private readonly session;

  constructor(
    private readonly outgoing: Http2ServerResponse,
    private readonly protocol: StreamProtocol,
    private readonly serialization: Serialization,
    private readonly extraHeaders: Readonly<Record<string, string>>,
    /** A write waiting for the client to read gives up when it aborts (deadline, shutdown). */
    private readonly signal?: AbortSignal,
  ) {
    // Taken now: Node clears `stream.session` before the stream's 'close'.
    this.session = outgoing.stream.session;
  }

  /** The client reset the stream, or it ended. */
  get closed(): boolean {
    const stream = this.outgoing.stream;
    return this.ended || stream.destroyed || stream.closed;
  }

  /** Writes one response message; resolves once the stream can take more. False when the client has gone. */
  async send(message: Uint8Array): Promise<boolean> {
    if (this.closed) return false;
    this.begin();
    // The envelope's 5-byte prefix (flags 0, big-endian length), then the message as it is: no copy.
    const prefix = new Uint8Array(FRAME_HEADER_BYTES);
    new DataView(prefix.buffer).setUint32(1, message.byteLength, false);
    if (!(await this.write(prefix))) return false;
    for (let at = 0; at < message.byteLength; at += WRITE_SLICE_BYTES) {
      if (!(await this.write(message.subarray(at, Math.min(message.byteLength, at + WRITE_SLICE_BYTES))))) {
        if (this.session) noteAbandonedBytes(this.session, Math.min(WRITE_SLICE_BYTES, message.byteLength - at));
        return false;
      }
    }
    return true;
  }

  /** Ends the stream with OK or with `error` (once; later calls do nothing). */
  end(error?: ServiceError): void {
    if (this.closed) return;
    this.ended = true;
    const stream = this.outgoing.stream;
    if (this.protocol === 'grpc') {
      const status = error ? errorTrailers(error) : statusTrailers('ok');
      if (!this.started) {
        // Trailers-Only: one HEADERS frame with END_STREAM.
        stream.respond({ ':status': 200, ...this.headers(), ...status }, { endStream: true });
        return;
      }
      this.outgoing.addTrailers(status);
      this.outgoing.end();
      return;
    }
    this.begin();
    const end = endStreamEnvelope(error);
    this.bytes += end.byteLength;
    this.outgoing.end(end);
  }

  private begin(): void {
    if (this.started) return;
    this.started = true;
    this.outgoing.writeHead(200, this.headers());
  }

  private headers(): Record<string, string> {
    const type = this.protocol === 'grpc' ? contentTypeOf('grpc', this.serialization) : connectStreamContentType(this.serialization);
    return { 'content-type': type, ...(this.protocol === 'grpc' ? { 'grpc-accept-encoding': 'identity' } : {}), ...this.extraHeaders };
  }

  private write(bytes: Uint8Array): Promise<boolean> {
    if (this.closed) return Promise.resolve(false);
    this.bytes += bytes.byteLength;
    if (this.outgoing.write(bytes)) return Promise.resolve(true);
    if (this.signal?.aborted) return Promise.resolve(false);
    return new Promise((resolve) => {
      const stream = this.outgoing.stream;
      const done = (ok: boolean) => (): void => {
        this.outgoing.off('drain', onDrain);
        stream.off('close', onClose);
        this.signal?.removeEventListener('abort', onClose);
        resolve(ok);
      };
      const onDrain = done(true);
      const onClose = done(false);
      this.outgoing.once('drain', onDrain);
      stream.once('close', onClose);
      this.signal?.addEventListener('abort', onClose, { once: true });
    });
  }
}
