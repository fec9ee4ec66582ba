// Reads a request body with the size limit enforced while reading: a
// Content-Length above the limit is refused before a byte is read, a body
// without one is counted as it arrives. The chunks land in memory from the
// injectable `allocate` (which may hand out a recycled SharedArrayBuffer slab
// longer than the body) as body-sink.ts says: at once when the size is known
// (a Content-Length, a gRPC message's prefix), else copied once at the end.
import { Http2ServerRequest } from 'node:http2';
import { Readable } from 'node:stream';
import type { Allocate, Body, BodyMemory } from '../rpc/adapter.js';
import { ServiceError } from '../rpc/codes.js';
import { abandonUpload, AnnouncedLength, discardBody, isOpenHttp2Upload, resetWithin } from './http2-upload.js';
import { Sink } from './body-sink.js';
import { BodyTooLargeError } from './body-too-large.js';

/** 128 MiB: room for a 10,000-consumer batch of 30 days × 96 readings (about 110 MiB of protobuf). */
export const DEFAULT_MAX_BODY_BYTES = 128 * 1024 * 1024;

export const defaultAllocate: Allocate = (length) => new ArrayBuffer(length);

/** Bodies in ArrayBuffers of their own, nothing to give back: the default of the unary handler. */
export const freshBodies: BodyMemory = { lease: () => ({ allocate: defaultAllocate, release: () => {} }) };

/** A Node stream (IncomingMessage, Http2ServerRequest) or a web stream (fetch Request body). */
export type BodySource = Readable | ReadableStream<Uint8Array> | null | undefined;

export interface ReadBodyOptions {
  /** From the Content-Length header, when there is one. */
  readonly contentLength?: number | undefined;
  readonly maxBytes: number;
  readonly allocate?: Allocate | undefined;
  /** Reading stops with the signal's reason when it aborts. */
  readonly signal?: AbortSignal | undefined;
  /** Called with each chunk before it is kept; throws to refuse the body (the admission byte budget). */
  readonly reserve?: ((chunk: Uint8Array) => void) | undefined;
  /**
   * A body that stalls this long between chunks (or before its first) is
   * `deadline_exceeded`: it would hold its share of the byte budget, and an
   * HTTP/2 stream has no timeout of its own. Default: none.
   */
  readonly idleTimeoutMs?: number | undefined;
  /** The body is one length-prefixed message (binary gRPC, gRPC-Web): its buffer is sized from its prefix (body-sink.ts). */
  readonly enveloped?: boolean | undefined;
}

export { BodyTooLargeError, tooLarge } from './body-too-large.js';

/** Parses a Content-Length header: undefined when absent, `invalid_argument` when malformed. */
export function parseContentLength(value: string | null | undefined): number | undefined {
  if (value === null || value === undefined || value === '') return undefined;
  if (!/^\d{1,16}$/.test(value.trim())) throw new ServiceError('invalid_argument', 'malformed Content-Length');
  return Number(value.trim());
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
 * drains or closes the rest. On HTTP/2 (see http2-upload.ts) a body refused
 * for its size is first read to its end and dropped (bounded); one refused
 * because the server is busy is not, but answered and reset: under overload
 * refused uploads would otherwise take the connection's bandwidth from the
 * accepted ones, and goodput collapses (docs/overload.md). A stream
 * the client resets mid-upload is `canceled`, not a short body: the reset
 * may come just after the body ended, so a body cut short waits for it briefly.
 */
function pumpNode(stream: Readable, sink: Sink, signal: AbortSignal | undefined, drainSignal: AbortSignal | undefined): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    if (wasAborted(stream) || (stream.destroyed && !stream.readableEnded)) return reject(incomplete());
    if (stream.readableEnded) return resolve();
    const announced = stream instanceof Http2ServerRequest ? new AnnouncedLength(stream) : undefined;
    const cleanup = (): void => {
      stream.off('data', onData);
      stream.off('end', onEnd);
      stream.off('error', onError);
      stream.off('close', onClose);
      stream.off('aborted', onError);
      signal?.removeEventListener('abort', onAbort);
    };
    const stop = (err: unknown): void => {
      cleanup();
      stream.pause();
      reject(err);
    };
    const refuse = (err: unknown): void => {
      if (!isOpenHttp2Upload(stream)) return stop(err);
      if (!(err instanceof BodyTooLargeError)) {
        abandonUpload(stream, announced?.unread() ?? 0);
        return stop(err);
      }
      cleanup();
      // Not the idle timer's signal: a body being dropped is sending, and nothing would refresh it.
      void discardBody(stream, { signal: drainSignal }).then(() => reject(err));
    };
    const onData = (chunk: Buffer | string): void => {
      const bytes = typeof chunk === 'string' ? Buffer.from(chunk) : chunk;
      announced?.observe(bytes);
      try {
        sink.push(bytes);
      } catch (err) {
        return refuse(err);
      }
    };
    const onEnd = (): void => {
      if (wasAborted(stream)) return stop(incomplete());
      cleanup();
      if (!announced?.cutShort()) return resolve();
      void resetWithin(stream).then((reset) => (reset ? reject(incomplete()) : resolve()));
    };
    const onError = (): void => stop(incomplete());
    const onClose = (): void => {
      if (!stream.readableEnded || wasAborted(stream)) stop(incomplete());
    };
    const onAbort = (): void => stop(abortReason(signal as AbortSignal));
    if (signal?.aborted) return reject(abortReason(signal));
    signal?.addEventListener('abort', onAbort, { once: true });
    stream.on('end', onEnd);
    stream.on('error', onError);
    stream.on('close', onClose);
    stream.on('aborted', onError);
    stream.on('data', onData);
  });
}

/** An Http2ServerRequest whose stream the client reset (IncomingMessage sets it too when its socket closes early). */
function wasAborted(stream: Readable): boolean {
  return (stream as Readable & { aborted?: unknown }).aborted === true;
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

/** Reads a whole request body within `maxBytes` (`invalid_argument` beyond it). */
export async function readBody(source: BodySource, options: ReadBodyOptions): Promise<Body> {
  let idle: ReturnType<typeof idleSignal> | undefined;
  const { reserve } = options;
  const onChunk = (chunk: Uint8Array): void => {
    idle?.touch();
    reserve?.(chunk);
  };
  // Made first: it throws for a Content-Length over the limit, and the idle timer must not outlive that.
  const sink = new Sink({ expected: options.contentLength, maxBytes: options.maxBytes, allocate: options.allocate ?? defaultAllocate, reserve: onChunk, enveloped: options.enveloped });
  if (options.idleTimeoutMs !== undefined && source) idle = idleSignal(options.idleTimeoutMs);
  const signal = idle && options.signal ? AbortSignal.any([options.signal, idle.signal]) : (idle?.signal ?? options.signal);
  try {
    if (source instanceof Readable) await pumpNode(source, sink, signal, options.signal);
    else if (source) await pumpWeb(source, sink, signal);
  } finally {
    idle?.stop();
  }
  return sink.finish();
}

/** A signal that aborts with `deadline_exceeded` once `ms` pass without a touch(). */
function idleSignal(ms: number): { signal: AbortSignal; touch(): void; stop(): void } {
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(new ServiceError('deadline_exceeded', `no part of the request body arrived for ${ms} ms`)), ms);
  return { signal: controller.signal, touch: () => timer.refresh(), stop: () => clearTimeout(timer) };
}
