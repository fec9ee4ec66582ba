// Where a request body's chunks land as they arrive (body.ts reads them).
// With a Content-Length the body goes straight into one buffer of that
// length. Without one it is known only at the end, except for a binary gRPC
// or gRPC-Web body, which is one length-prefixed message: once its 5-byte
// prefix is in, the buffer is allocated at the announced size and the rest
// lands there directly (gRPC over HTTP/2 sends no Content-Length, and
// keeping 11 MiB of chunks to copy at the end held twice the memory). Any
// other body is kept as chunks and copied once at the end.
import { copyBytes } from '../../engine/src/wire/shared-copy.js';
import type { Allocate, Body } from '../rpc/adapter.js';
import { ServiceError } from '../rpc/codes.js';
import { tooLarge } from './body-too-large.js';
import { EnvelopePrefix, FLAG_COMPRESSED, FRAME_HEADER_BYTES } from './framing.js';

export interface SinkOptions {
  /** From the Content-Length header, when there is one. */
  readonly expected: number | undefined;
  readonly maxBytes: number;
  readonly allocate: Allocate;
  /** Called with each chunk before it is kept; throws to refuse it. */
  readonly reserve: ((chunk: Uint8Array) => void) | undefined;
  /** The body is one length-prefixed message (binary gRPC, gRPC-Web): sized from its prefix. */
  readonly enveloped?: boolean | undefined;
}

export class Sink {
  private received = 0;
  private target: Uint8Array | undefined;
  /** Whether the target's length came from a Content-Length (else from a message's prefix). */
  private readonly declared: boolean;
  private chunks: Uint8Array[] = [];
  private readonly prefix: EnvelopePrefix | undefined;

  constructor(private readonly options: SinkOptions) {
    const { expected, maxBytes, allocate } = options;
    this.declared = expected !== undefined;
    if (expected !== undefined) {
      if (expected > maxBytes) throw tooLarge(maxBytes);
      this.target = new Uint8Array(allocate(expected), 0, expected);
    } else if (options.enveloped) {
      this.prefix = new EnvelopePrefix();
    }
  }

  push(chunk: Uint8Array): void {
    const next = this.received + chunk.byteLength;
    if (next > this.options.maxBytes) throw tooLarge(this.options.maxBytes);
    this.options.reserve?.(chunk);
    if (this.target) {
      if (next > this.target.byteLength) {
        throw new ServiceError('invalid_argument', this.declared ? 'the request body is longer than its Content-Length' : 'the request must hold exactly one length-prefixed message');
      }
      copyBytes(this.target, chunk, this.received);
    } else {
      this.chunks.push(chunk);
      this.sizeFromPrefix(chunk);
    }
    this.received = next;
  }

  finish(): Body {
    const target = this.target;
    if (target && this.declared && this.received !== target.byteLength) throw new ServiceError('invalid_argument', 'the request body is shorter than its Content-Length');
    // A message shorter than its prefix: what came, for the protocol to say so (framing.ts, parseUnaryFrame).
    if (target) return { buffer: target.buffer, offset: 0, length: this.received, bytes: target.subarray(0, this.received) };
    const bytes = new Uint8Array(this.options.allocate(this.received), 0, this.received);
    let at = 0;
    for (const chunk of this.chunks) {
      copyBytes(bytes, chunk, at);
      at += chunk.byteLength;
    }
    this.chunks = [];
    return { buffer: bytes.buffer, offset: 0, length: this.received, bytes };
  }

  /** Once the prefix of a well-formed message is in: its buffer, with what came so far. */
  private sizeFromPrefix(chunk: Uint8Array): void {
    const prefix = this.prefix;
    if (!prefix || prefix.frameBytes !== undefined) return;
    prefix.observe(chunk);
    const size = prefix.frameBytes;
    // A bad flag or an oversized message stays in chunks: the protocol or the body limit refuses it.
    if (size === undefined || (prefix.flags! & ~FLAG_COMPRESSED) !== 0 || size > this.options.maxBytes) return;
    const held = this.received + chunk.byteLength;
    if (held > size || size < FRAME_HEADER_BYTES) return;
    const target = new Uint8Array(this.options.allocate(size), 0, size);
    let at = 0;
    for (const piece of this.chunks) {
      copyBytes(target, piece, at);
      at += piece.byteLength;
    }
    this.chunks = [];
    this.target = target;
  }
}
