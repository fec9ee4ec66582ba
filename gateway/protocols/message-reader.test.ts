// MessageReader: the same messages whatever the DATA chunks, and refusals as
// soon as a length prefix is in.
import { describe, expect, it } from 'vitest';
import { ServiceError } from '../rpc/codes.js';
import { concatBytes, encodeFrame } from './framing.js';
import { MessageReader } from './message-reader.js';

const payloads = [Uint8Array.of(1, 2, 3), new Uint8Array(0), Uint8Array.from({ length: 300 }, (_, i) => i & 0xff), Uint8Array.of(9)];
const body = concatBytes(payloads.map((p) => encodeFrame(0, p)));

function readAll(chunks: Uint8Array[], max = 1024): { messages: number[][]; midMessage: boolean } {
  const reader = new MessageReader(max);
  const messages = chunks.flatMap((chunk) => reader.push(chunk)).map((m) => [...m]);
  return { messages, midMessage: reader.midMessage };
}

describe('MessageReader', () => {
  it('finds every message, empty ones included, at any single cut and one byte at a time', () => {
    const expected = payloads.map((p) => [...p]);
    for (let cut = 0; cut <= body.byteLength; cut++) {
      expect(readAll([body.subarray(0, cut), body.subarray(cut)])).toEqual({ messages: expected, midMessage: false });
    }
    expect(readAll(Array.from(body, (byte) => Uint8Array.of(byte)))).toEqual({ messages: expected, midMessage: false });
  });

  it('knows when the bytes so far end inside a message', () => {
    expect(readAll([body.subarray(0, 2)]).midMessage).toBe(true);
    expect(readAll([body.subarray(0, 7)]).midMessage).toBe(true);
    expect(readAll([body.subarray(0, 8)]).midMessage).toBe(false);
  });

  it('refuses an oversized message from its prefix alone, naming the limit', () => {
    const reader = new MessageReader(100);
    const prefix = encodeFrame(0, new Uint8Array(101)).subarray(0, 5);
    expect(() => reader.push(prefix)).toThrow(new ServiceError('invalid_argument', 'a request message of 101 bytes is over the limit of 100 bytes'));
    expect(new MessageReader(100).push(encodeFrame(0, new Uint8Array(100)))).toHaveLength(1);
  });

  it('refuses compressed or otherwise flagged messages', () => {
    for (const flags of [0x01, 0x80]) {
      expect(() => new MessageReader(100).push(encodeFrame(flags, Uint8Array.of(1)))).toThrow(/unexpected message flags/);
    }
  });
});
