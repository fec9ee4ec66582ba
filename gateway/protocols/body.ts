// Reads a request body with the size limit enforced while reading: a
// Content-Length above the limit is refused before a byte is read, a body
// without one is counted as it arrives. With a Content-Length the body lands
// in one buffer allocated once (by the injectable `allocate`, which may hand
// out a SharedArrayBuffer); without one, chunks are kept until the end and
// copied once.
import { Readable } from 'node:stream';
import { ServiceError } from '../service/codes.js';

export const DEFAULT_MAX_BODY_BYTES = 64 * 1024 * 1024;

/** Allocates the buffer a message is read into. */
export type Allocate = (length: number) => ArrayBuffer | SharedArrayBuffer;
export const defaultAllocate: Allocate = (length) => new ArrayBuffer(length);

/** A Node stream (IncomingMessage, Http2ServerRequest) or a web stream (fetch Request body). */
export type BodySource = Readable | ReadableStream<Uint8Array> | null | undefined;

export interface ReadBodyOptions {
  /** From the Content-Length header, when there is one. */
  readonly contentLength?: number | undefined;
  readonly maxBytes: number;
  readonly allocate?: Allocate | undefined;
  /** Reading stops with the signal's reason when it aborts. */
  readonly signal?: AbortSignal | undefined;
}

export interface Body {
  readonly buffer: ArrayBuffer | SharedArrayBuffer;
  readonly offset: number;
  readonly length: number;
  /** A view of the same bytes. */
  readonly bytes: Uint8Array;
}

export function tooLarge(maxBytes: number): ServiceError {
  return new ServiceError('resource_exhausted', `the request body is larger than the limit of ${maxBytes} bytes`);
}

/** Parses a Content-Length header: undefined when absent, `invalid_argument` when malformed. */
export function parseContentLength(value: string | null | undefined): number | undefined {
  if (value === null || value === undefined || value === '') return undefined;
  if (!/^\d{1,16}$/.test(value.trim())) throw new ServiceError('invalid_argument', 'malformed Content-Length');
  return Number(value.trim());
}

class Sink {
  private received = 0;
  private readonly target: Uint8Array | undefined;
  private readonly chunks: Uint8Array[] = [];

  constructor(
    private readonly expected: number | undefined,
    private readonly maxBytes: number,
    private readonly allocate: Allocate,
  ) {
    if (expected !== undefined) {
      if (expected > maxBytes) throw tooLarge(maxBytes);
      this.target = new Uint8Array(allocate(expected));
    }
  }

  push(chunk: Uint8Array): void {
    const next = this.received + chunk.byteLength;
    if (next > this.maxBytes) throw tooLarge(this.maxBytes);
    if (this.target) {
      if (next > this.target.byteLength) throw new ServiceError('invalid_argument', 'the request body is longer than its Content-Length');
      this.target.set(chunk, this.received);
    } else {
      this.chunks.push(chunk);
    }
    this.received = next;
  }

  finish(): Body {
    if (this.target) {
      if (this.received !== this.target.byteLength) throw new ServiceError('invalid_argument', 'the request body is shorter than its Content-Length');
      return { buffer: this.target.buffer, offset: 0, length: this.received, bytes: this.target };
    }
    const bytes = new Uint8Array(this.allocate(this.received));
    let at = 0;
    for (const chunk of this.chunks) {
      bytes.set(chunk, at);
      at += chunk.byteLength;
    }
    this.chunks.length = 0;
    return { buffer: bytes.buffer, offset: 0, length: this.received, bytes };
  }
}

function incomplete(): ServiceError {
  return new ServiceError('canceled', 'the request body was not received completely');
}

function abortReason(signal: AbortSignal): unknown {
  return signal.reason ?? new ServiceError('canceled', 'the request was canceled');
}

/**
 * Reads a Node stream with listeners rather than an async iterator, so that
 * stopping early (limit, deadline) pauses the stream instead of destroying it:
 * the socket stays usable for the error response, and the server adapter
 * drains or closes the rest.
 */
function pumpNode(stream: Readable, sink: Sink, signal: AbortSignal | undefined): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    if (stream.readableEnded) return resolve();
    if (stream.destroyed) return reject(incomplete());
    const cleanup = (): void => {
      stream.off('data', onData);
      stream.off('end', onEnd);
      stream.off('error', onError);
      stream.off('close', onClose);
      signal?.removeEventListener('abort', onAbort);
    };
    const stop = (err: unknown): void => {
      cleanup();
      stream.pause();
      reject(err);
    };
    const onData = (chunk: Buffer | string): void => {
      try {
        sink.push(typeof chunk === 'string' ? Buffer.from(chunk) : chunk);
      } catch (err) {
        stop(err);
      }
    };
    const onEnd = (): void => {
      cleanup();
      resolve();
    };
    const onError = (): void => stop(incomplete());
    const onClose = (): void => {
      if (!stream.readableEnded) stop(incomplete());
    };
    const onAbort = (): void => stop(abortReason(signal as AbortSignal));
    if (signal?.aborted) return reject(abortReason(signal));
    signal?.addEventListener('abort', onAbort, { once: true });
    stream.on('end', onEnd);
    stream.on('error', onError);
    stream.on('close', onClose);
    stream.on('data', onData);
  });
}

async function pumpWeb(stream: ReadableStream<Uint8Array>, sink: Sink, signal: AbortSignal | undefined): Promise<void> {
  const reader = stream.getReader();
  let onAbort: (() => void) | undefined;
  const aborted = new Promise<never>((_, reject) => {
    if (!signal) return;
    onAbort = () => reject(abortReason(signal));
    if (signal.aborted) onAbort();
    else signal.addEventListener('abort', onAbort, { once: true });
  });
  aborted.catch(() => {});
  try {
    for (;;) {
      let result: ReadableStreamReadResult<Uint8Array>;
      try {
        result = await Promise.race([reader.read(), aborted]);
      } catch (err) {
        if (err instanceof ServiceError || signal?.aborted) throw err;
        throw incomplete();
      }
      if (result.done) return;
      sink.push(result.value);
    }
  } catch (err) {
    reader.cancel().catch(() => {});
    throw err;
  } finally {
    if (onAbort) signal?.removeEventListener('abort', onAbort);
    reader.releaseLock();
  }
}

/** Reads a whole request body within `maxBytes` (`resource_exhausted` beyond it). */
export async function readBody(source: BodySource, options: ReadBodyOptions): Promise<Body> {
  const sink = new Sink(options.contentLength, options.maxBytes, options.allocate ?? defaultAllocate);
  if (source instanceof Readable) await pumpNode(source, sink, options.signal);
  else if (source) await pumpWeb(source, sink, options.signal);
  return sink.finish();
}
