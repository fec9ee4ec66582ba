import { MalformedProtobuf } from '../errors.js';

/** Protobuf wire types (https://protobuf.dev/programming-guides/encoding/). */
export const WireType = { varint: 0, fixed64: 1, bytes: 2, fixed32: 5 } as const;

/**
 * A cursor over protobuf bytes that reads tags, varints and lengths, and
 * skips fields, without allocating. Every failure is a MalformedProtobuf
 * (invalid_argument) naming the byte offset, counted from `origin`, and the
 * consumer whose message is read, if one is.
 */
export class WireReader {
  pos: number;
  end: number;

  constructor(
    readonly bytes: Uint8Array,
    start: number,
    end: number,
    /** Added to byte offsets in messages, so they count from the start of the request. */
    readonly origin = 0,
    /** The consumer whose message this is, by its index in the batch; undefined for the request's own fields. */
    readonly consumer?: number,
  ) {
    this.pos = start;
    this.end = end;
  }

  fail(message: string, at = this.pos): never {
    throw new MalformedProtobuf(at - this.origin, message, this.consumer);
  }

  /** An unsigned varint of up to 10 bytes, as a JS number; exact below 2^53, which covers every length and count. */
  varint(): number {
    let result = 0;
    let scale = 1;
    for (let i = 0; i < 10; i++) {
      if (this.pos >= this.end) this.fail('varint runs past the end of the message');
      const byte = this.bytes[this.pos++]!;
      result += (byte & 0x7f) * scale;
      if (byte < 0x80) return result;
      scale *= 128;
    }
    return this.fail('varint longer than 10 bytes');
  }

  /**
   * The low 32 bits of a varint, as protobuf reads uint32 and int32 fields
   * (a C-style cast: wider values are truncated, not rejected). Exact for any
   * width, where `varint()` rounds beyond 2^53.
   */
  low32(): number {
    let low = 0;
    for (let i = 0; i < 10; i++) {
      if (this.pos >= this.end) this.fail('varint runs past the end of the message');
      const byte = this.bytes[this.pos++]!;
      if (i < 5) low |= (byte & 0x7f) << (7 * i); // bits past 31 shift out
      if (byte < 0x80) return low >>> 0;
    }
    return this.fail('varint longer than 10 bytes');
  }

  /** An int32 (enum) value: its low 32 bits, signed; negative values arrive as 10-byte varints. */
  int32(): number {
    return this.low32() | 0;
  }

  /** A tag, returning field number and wire type packed as field * 8 + type. */
  tag(): number {
    const start = this.pos;
    const tag = this.varint();
    if (tag >= 2 ** 32 || tag >>> 3 === 0) this.fail(`invalid tag ${tag}`, start);
    return tag;
  }

  /** The length of a length-delimited field, checked against the message end. */
  length(): number {
    const start = this.pos;
    const length = this.varint();
    if (length > this.end - this.pos) this.fail(`length ${length} runs past the end of the message`, start);
    return length;
  }

  fixed32(): number {
    if (this.end - this.pos < 4) this.fail('fixed32 runs past the end of the message');
    const at = this.pos;
    this.pos += 4;
    return at;
  }

  skip(wireType: number): void {
    switch (wireType) {
      case WireType.varint:
        this.varint();
        return;
      case WireType.fixed64:
        if (this.end - this.pos < 8) this.fail('fixed64 runs past the end of the message');
        this.pos += 8;
        return;
      case WireType.bytes: {
        // Not `this.pos += this.length()`: that reads pos before length() moves it past the varint.
        const length = this.length();
        this.pos += length;
        return;
      }
      case WireType.fixed32:
        this.fixed32();
        return;
      default:
        this.fail(`unsupported wire type ${wireType}`);
    }
  }

  expect(wireType: number, actual: number, field: string): void {
    if (actual !== wireType) this.fail(`field ${field} has wire type ${actual}, expected ${wireType}`);
  }
}

// ignoreBOM: a leading U+FEFF is part of the string, not a marker to drop.
const utf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

/** proto3 strings must be valid UTF-8; anything else is a malformed request. */
export function decodeString(reader: WireReader, start: number, end: number, field: string): string {
  try {
    return utf8.decode(reader.bytes.subarray(start, end));
  } catch {
    return reader.fail(`field ${field} is not valid UTF-8`, start);
  }
}

/** Checks that [start, end) is valid UTF-8, as decodeString does, without keeping the string (ASCII needs no decoding). */
export function checkString(reader: WireReader, start: number, end: number, field: string): void {
  const { bytes } = reader;
  let i = start;
  while (i < end && bytes[i]! < 0x80) i++;
  if (i < end) decodeString(reader, i, end, field);
}
