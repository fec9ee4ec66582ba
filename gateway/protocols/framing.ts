// The 5-byte length-prefixed framing shared by gRPC and gRPC-Web: one flag
// byte (0x01 = compressed, 0x80 = gRPC-Web trailers), a big-endian uint32
// length, then the payload.
import { ServiceError } from '../rpc/codes.js';

export const FRAME_HEADER_BYTES = 5;
export const FLAG_COMPRESSED = 0x01;
export const FLAG_TRAILER = 0x80;

export interface Frame {
  readonly flags: number;
  /** Where the payload starts inside the body. */
  readonly offset: number;
  readonly length: number;
}

/**
 * Reads the single message frame of a unary request body (no copy). A body
 * must hold exactly one frame: missing, short or trailing bytes are
 * `invalid_argument`.
 */
export function parseUnaryFrame(body: Uint8Array): Frame {
  if (body.byteLength < FRAME_HEADER_BYTES) {
    throw new ServiceError('invalid_argument', 'the request must hold exactly one length-prefixed message');
  }
  const flags = body[0] as number;
  if ((flags & ~FLAG_COMPRESSED) !== 0) {
    throw new ServiceError('invalid_argument', `unexpected frame flags 0x${flags.toString(16)} in the request`);
  }
  const length = new DataView(body.buffer, body.byteOffset, body.byteLength).getUint32(1, false);
  if (FRAME_HEADER_BYTES + length !== body.byteLength) {
    throw new ServiceError(
      'invalid_argument',
      FRAME_HEADER_BYTES + length > body.byteLength
        ? 'the request message is shorter than its length prefix'
        : 'the request must hold exactly one length-prefixed message',
    );
  }
  return { flags, offset: body.byteOffset + FRAME_HEADER_BYTES, length };
}

/**
 * The first frame's header as a body arrives in chunks: once its 5 bytes are
 * in, the size of the whole one-message body is known (header + payload),
 * long before the payload has arrived.
 */
export class EnvelopePrefix {
  private readonly header = new Uint8Array(FRAME_HEADER_BYTES);
  private seen = 0;
  /** Header plus payload length, once the header is in (read once: it is asked for every chunk). */
  private total: number | undefined;

  observe(chunk: Uint8Array): void {
    if (this.seen >= FRAME_HEADER_BYTES) return;
    const part = chunk.subarray(0, FRAME_HEADER_BYTES - this.seen);
    this.header.set(part, this.seen);
    this.seen += part.byteLength;
    if (this.seen === FRAME_HEADER_BYTES) this.total = FRAME_HEADER_BYTES + new DataView(this.header.buffer).getUint32(1, false);
  }

  /** The flags byte, once it is in. */
  get flags(): number | undefined {
    return this.seen > 0 ? this.header[0] : undefined;
  }

  /** Header plus the payload length it announces; undefined until the 5 header bytes are in. */
  get frameBytes(): number | undefined {
    return this.total;
  }
}

/** One frame: header and payload in one new buffer. */
export function encodeFrame(flags: number, payload: Uint8Array): Uint8Array<ArrayBuffer> {
  const out = new Uint8Array(FRAME_HEADER_BYTES + payload.byteLength);
  out[0] = flags;
  new DataView(out.buffer).setUint32(1, payload.byteLength, false);
  out.set(payload, FRAME_HEADER_BYTES);
  return out;
}

/** The gRPC-Web trailer frame: HTTP/1-style header lines after flag 0x80. */
export function encodeTrailerFrame(trailers: Readonly<Record<string, string>>): Uint8Array<ArrayBuffer> {
  let text = '';
  for (const [name, value] of Object.entries(trailers)) text += `${name.toLowerCase()}: ${value}\r\n`;
  return encodeFrame(FLAG_TRAILER, new TextEncoder().encode(text));
}

/** Joins frames into one body. */
export function concatBytes(parts: readonly Uint8Array[]): Uint8Array<ArrayBuffer> {
  let total = 0;
  for (const part of parts) total += part.byteLength;
  const out = new Uint8Array(total);
  let at = 0;
  for (const part of parts) {
    out.set(part, at);
    at += part.byteLength;
  }
  return out;
}
