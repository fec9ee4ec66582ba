// One streaming gRPC call of the health and reflection services, written
// straight onto its HTTP/2 stream: request messages are handed over one at a
// time as they arrive, response messages go out as they are made, and the
// status ends it. The scoring service's unary path (protocols/) reads a body
// whole and answers once; these calls stay open (Watch, a reflection session),
// so they need their own small reader and writer.
//
// Status rules: an error before any message is Trailers-Only (one HEADERS
// frame with END_STREAM); otherwise HEADERS, DATA frames, then the status in
// real HTTP/2 trailers.
import type { Http2ServerRequest, Http2ServerResponse, ServerHttp2Stream } from 'node:http2';
import { ServiceError, type ErrorCode } from '../rpc/codes.js';
import { statusTrailers } from '../protocols/grpc-common.js';
import { encodeFrame } from '../protocols/framing.js';
import { MessageReader } from '../protocols/message-reader.js';

const RESPONSE_HEADERS = { ':status': 200, 'content-type': 'application/grpc', 'grpc-accept-encoding': 'identity' } as const;

export interface GrpcCallOptions {
  readonly maxMessageBytes: number;
  /** From grpc-timeout: the call ends with deadline_exceeded after this long. */
  readonly timeoutMs?: number | undefined;
  /** Errors that are not ServiceErrors (bugs): logged here, sent as `internal`. */
  readonly onUnexpected: (err: unknown) => void;
}

export class GrpcServerCall {
  private readonly stream: ServerHttp2Stream;
  private readonly aborter = new AbortController();
  private finished = false;
  private settle: () => void = () => {};
  private readonly timer: NodeJS.Timeout | undefined;
  /** Aborts when the client cancels or the stream closes before the status went out. */
  readonly signal = this.aborter.signal;
  /** Resolves once the status has been handed to HTTP/2, or the stream closed. */
  readonly done = new Promise<void>((resolve) => (this.settle = resolve));
  /**
   * What the server's stop (draining) does to this call: by default it ends
   * with unavailable, so that no open call holds up the drain. A Watch
   * replaces it, to send NOT_SERVING first.
   */
  onServerStop: () => void = () => this.finish('unavailable', 'the server is shutting down; retry on another instance');

  constructor(
    private readonly req: Http2ServerRequest,
    private readonly res: Http2ServerResponse,
    private readonly options: GrpcCallOptions,
  ) {
    this.stream = res.stream;
    this.stream.on('error', () => {}); // a reset stream also closes; 'close' below is what counts
    this.stream.on('close', () => {
      if (!this.finished) this.aborter.abort(new ServiceError('canceled', 'the client canceled the call'));
      this.finished = true;
      this.stop();
    });
    // Registered after Http2ServerResponse's own listener, which sends the trailers set with addTrailers (see finish).
    this.stream.on('wantTrailers', () => this.stop());
    if (options.timeoutMs !== undefined) {
      this.timer = setTimeout(() => this.finish('deadline_exceeded', `the call exceeded its grpc-timeout of ${options.timeoutMs} ms`), options.timeoutMs);
    }
  }

  /**
   * Reads the request messages: `onMessage` is awaited before the next one is
   * taken (reading pauses meanwhile, so a client that sends faster than its
   * answers are read is held back by HTTP/2 flow control, not buffered here);
   * `onEnd` runs once the client has half-closed. A throw ends the call.
   */
  read(onMessage: (message: Uint8Array) => void | Promise<void>, onEnd: () => void | Promise<void>): void {
    const reader = new MessageReader(this.options.maxMessageBytes);
    // One chain of steps, so that each chunk's messages and then the end are handled strictly in order:
    // Node's Readable may emit 'end' while paused, right after the last chunk, before its messages were handled.
    let steps = Promise.resolve();
    const then = (step: () => void | Promise<void>): void => {
      steps = steps.then(() => (this.finished ? undefined : step())).catch((err: unknown) => this.fail(err));
    };
    this.req.on('data', (chunk: Buffer) => {
      this.req.pause();
      then(async () => {
        for (const message of reader.push(chunk)) {
          if (this.finished) return;
          await onMessage(message);
        }
        if (!this.finished) this.req.resume();
      });
    });
    this.req.on('end', () =>
      then(() => {
        if (reader.midMessage) throw new ServiceError('invalid_argument', 'the request ended inside a message (shorter than its length prefix)');
        return onEnd();
      }),
    );
  }

  /** Sends one response message; resolves when the stream can take more. */
  async send(message: Uint8Array): Promise<void> {
    if (this.finished || this.stream.destroyed) return;
    if (!this.stream.headersSent) this.stream.respond({ ...RESPONSE_HEADERS }, { waitForTrailers: true });
    if (this.stream.write(encodeFrame(0, message))) return;
    await new Promise<void>((resolve) => {
      const go = (): void => {
        this.stream.off('drain', go);
        this.stream.off('close', go);
        resolve();
      };
      this.stream.on('drain', go);
      this.stream.on('close', go);
    });
  }

  /** Ends the call with a status (once; later calls do nothing). */
  finish(code: ErrorCode | 'ok', message?: string): void {
    if (this.finished) return;
    this.finished = true;
    if (this.timer) clearTimeout(this.timer);
    if (this.stream.destroyed || this.stream.closed) return this.stop();
    const trailers = statusTrailers(code, message);
    if (!this.stream.headersSent) {
      this.stream.respond({ ...RESPONSE_HEADERS, ...trailers }, { endStream: true });
      return this.stop();
    }
    // Http2ServerResponse (@hono/node-server's response object) sends its own trailers on
    // 'wantTrailers', so ours are handed to it rather than sent beside it.
    this.res.addTrailers(trailers);
    this.stream.end();
  }

  /** Ends the call for a thrown error: a ServiceError as is, anything else as `internal`. */
  fail(err: unknown): void {
    if (err instanceof ServiceError) return this.finish(err.code, err.message);
    this.options.onUnexpected(err);
    this.finish('internal', 'internal error');
  }

  private stop(): void {
    if (this.timer) clearTimeout(this.timer);
    this.settle();
  }
}
