// gRPC's (and Connect streaming's) message envelope, for clients that read a
// stream of answers: a flags byte, a big-endian uint32 length, the message.
// Chunks arrive cut anywhere; they are joined only once a message is whole, so
// that a large answer is not copied once per chunk.

/** The 5-byte prefix of a message of `length` bytes (flags 0). */
export function envelopePrefix(length: number): Uint8Array {
  const prefix = new Uint8Array(5);
  new DataView(prefix.buffer).setUint32(1, length, false);
  return prefix;
}

/** Splits a body into its enveloped messages as chunks arrive, handing each whole message to `onMessage`. */
export class EnvelopeReader {
  private buffered: Buffer = Buffer.alloc(0);
  private chunks: Buffer[] = [];
  private size = 0;

  constructor(private readonly onMessage: (message: Uint8Array, flags: number) => void) {}

  push(chunk: Buffer): void {
    this.chunks.push(chunk);
    this.size += chunk.length;
    if (this.buffered.length < 5 && this.buffered.length + this.size >= 5) this.join();
    if (this.buffered.length >= 5 && this.buffered.length + this.size >= 5 + this.buffered.readUInt32BE(1)) this.join();
    while (this.buffered.length >= 5) {
      const length = this.buffered.readUInt32BE(1);
      if (this.buffered.length < 5 + length) return;
      this.onMessage(this.buffered.subarray(5, 5 + length), this.buffered[0]!);
      this.buffered = this.buffered.subarray(5 + length);
    }
  }

  /** Bytes of a message not yet whole (a body ending here was cut short). */
  get pending(): number {
    return this.buffered.length + this.size;
  }

  private join(): void {
    this.buffered = Buffer.concat([this.buffered, ...this.chunks]);
    this.chunks = [];
    this.size = 0;
  }
}
