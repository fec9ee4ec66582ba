// EnvelopeReader against messages framed independently here, cut into chunks
// at every possible size, including empty messages and chunks of one byte.
import { describe, expect, it } from 'vitest';
import { EnvelopeReader, envelopePrefix } from './envelopes.js';

function framed(messages: readonly Uint8Array[]): Buffer {
  return Buffer.concat(messages.flatMap((m) => {
    const prefix = Buffer.alloc(5);
    prefix.writeUInt32BE(m.byteLength, 1);
    return [prefix, Buffer.from(m)];
  }));
}

describe('EnvelopeReader', () => {
  const messages = [Uint8Array.of(1, 2, 3), new Uint8Array(0), new Uint8Array(70_000).fill(9), Uint8Array.of(4)];
  const body = framed(messages);

  it('gives back every message whole and in order, however the body is cut', () => {
    for (const size of [1, 2, 4, 5, 6, 7, 1000, 65_536, body.length]) {
      const got: string[] = [];
      const reader = new EnvelopeReader((m) => got.push(Buffer.from(m).toString('hex')));
      for (let at = 0; at < body.length; at += size) reader.push(body.subarray(at, at + size));
      expect([size, got]).toEqual([size, messages.map((m) => Buffer.from(m).toString('hex'))]);
      expect(reader.pending).toBe(0);
    }
  });

  it('holds a message cut short, and writes the prefix it reads', () => {
    const reader = new EnvelopeReader(() => {
      throw new Error('no message is whole');
    });
    reader.push(body.subarray(0, 7));
    expect(reader.pending).toBe(7);
    expect(Buffer.from(envelopePrefix(70_000)).equals(Buffer.from([0, 0, 1, 0x11, 0x70]))).toBe(true);
  });
});
