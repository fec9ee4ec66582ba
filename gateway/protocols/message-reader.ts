// Splits a gRPC request body into its length-prefixed messages as the DATA
// chunks arrive: HTTP/2 cuts a body wherever it likes, so a message may span
// chunks and a chunk may hold several messages. For the streaming calls
// (ScoreStream, the health and reflection services), where a body is not one
// message read whole (as framing.ts's parseUnaryFrame expects) but a stream.
import { copyBytes } from '../../engine/src/wire/shared-copy.js';
import type { Allocate } from '../rpc/adapter.js';
import { ServiceError } from '../rpc/codes.js';
import { defaultAllocate } from './body.js';
import { FRAME_HEADER_BYTES } from './framing.js';

export class MessageReader {
  private readonly header = new Uint8Array(FRAME_HEADER_BYTES);
  private headerSeen = 0;
  /** The payload being filled, once its header is in. */
  private payload: Uint8Array | undefined;
  private payloadSeen = 0;

  /**
   * Messages larger than `maxMessageBytes` are refused as soon as their
   * length prefix is in, before any is buffered. Each message is read into a
   * buffer from `allocate` (which may be a longer, shared slab), allocated
   * when its prefix is in: messages come out in the order of their allocations.
   */
  constructor(
    private readonly maxMessageBytes: number,
    private readonly allocate: Allocate = defaultAllocate,
  ) {}

  /** The messages completed by `chunk`, in order; throws `invalid_argument` for a bad flag or an oversized message. */
  push(chunk: Uint8Array): Uint8Array[] {
    const messages: Uint8Array[] = [];
    let at = 0;
    while (at < chunk.byteLength) {
      if (this.payload === undefined) {
        const part = chunk.subarray(at, at + FRAME_HEADER_BYTES - this.headerSeen);
        this.header.set(part, this.headerSeen);
        this.headerSeen += part.byteLength;
        at += part.byteLength;
        if (this.headerSeen < FRAME_HEADER_BYTES) break;
        const length = this.checkedLength();
        this.payload = new Uint8Array(this.allocate(length), 0, length);
        this.payloadSeen = 0;
      }
      const part = chunk.subarray(at, at + this.payload.byteLength - this.payloadSeen);
      copyBytes(this.payload, part, this.payloadSeen);
      this.payloadSeen += part.byteLength;
      at += part.byteLength;
      if (this.payloadSeen === this.payload.byteLength) {
        messages.push(this.payload);
        this.payload = undefined;
        this.headerSeen = 0;
      }
    }
    return messages;
  }

  /** Whether the bytes so far end inside a message (a body ending here was cut short). */
  get midMessage(): boolean {
    return this.headerSeen > 0;
  }

  private checkedLength(): number {
    const flags = this.header[0] as number;
    // Compressed messages are refused earlier, from grpc-encoding (only identity is accepted here).
    if (flags !== 0) throw new ServiceError('invalid_argument', `unexpected message flags 0x${flags.toString(16)}: messages must be uncompressed`);
    const length = new DataView(this.header.buffer).getUint32(1, false);
    if (length > this.maxMessageBytes) {
      throw new ServiceError('invalid_argument', `a request message of ${length} bytes is over the limit of ${this.maxMessageBytes} bytes`);
    }
    return length;
  }
}
