// A streaming reply (ScoreStream) written onto its HTTP/2 stream, in gRPC or
// the Connect streaming protocol: response messages in the 5-byte envelope,
// each written in slices that wait for 'drain' (a client that stops reading
// holds the stream back here, and through it the whole pipeline: nothing
// piles up; see protocols/http2-reply.ts for why slices), then the end:
// gRPC trailers (Trailers-Only when nothing was sent), or Connect's
// end-stream envelope.
import type { Http2ServerResponse } from 'node:http2';
import { connectStreamContentType, endStreamEnvelope } from '../protocols/connect-stream.js';
import { envelopePrefix } from '../../engine/src/codec/index.js';
import { FRAME_HEADER_BYTES } from '../protocols/framing.js';
import { errorTrailers, statusTrailers } from '../protocols/grpc-common.js';
import { writeSliced } from '../protocols/http2-reply.js';
import { contentTypeOf } from '../protocols/negotiate.js';
import type { ServiceError } from '../rpc/codes.js';
import type { Serialization } from '../rpc/types.js';

export type StreamProtocol = 'grpc' | 'connect';

export class StreamReplyWriter {
  private started = false;
  private ended = false;
  /** Response bytes written (envelopes included). */
  bytes = 0;

  constructor(
    private readonly outgoing: Http2ServerResponse,
    private readonly protocol: StreamProtocol,
    private readonly serialization: Serialization,
    private readonly extraHeaders: Readonly<Record<string, string>>,
    /** A write waiting for the client to read gives up when it aborts (deadline, shutdown). */
    private readonly signal?: AbortSignal,
  ) {}

  /** The client reset the stream, or it ended. */
  get closed(): boolean {
    const stream = this.outgoing.stream;
    return this.ended || stream.destroyed || stream.closed;
  }

  /** Writes one response message; resolves once the stream can take more. False when the client has gone. */
  async send(message: Uint8Array): Promise<boolean> {
    if (this.closed) return false;
    this.begin();
    this.bytes += FRAME_HEADER_BYTES + message.byteLength;
    // The envelope's 5-byte prefix, then the message as it is: no copy.
    return (await writeSliced(this.outgoing, envelopePrefix(message.byteLength), this.signal)) && writeSliced(this.outgoing, message, this.signal);
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
}
