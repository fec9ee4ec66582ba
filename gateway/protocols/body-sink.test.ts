import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Sink } from './body-sink.js';
import { encodeFrame, parseUnaryFrame } from './framing.js';

/** Cuts `bytes` at the given points (sorted, deduplicated), as HTTP/2 DATA frames may. */
function cut(bytes: Uint8Array, points: number[]): Uint8Array[] {
  const at = [...new Set(points.map((p) => p % (bytes.byteLength + 1)))].sort((a, b) => a - b);
  const pieces: Uint8Array[] = [];
  let from = 0;
  for (const p of [...at, bytes.byteLength]) {
    if (p > from) pieces.push(bytes.slice(from, p));
    from = p;
  }
  return pieces;
}

function sink(enveloped: boolean, allocations: number[], maxBytes = 1 << 20): Sink {
  // Slabs longer than asked, their tails junk, as the body arena's are.
  const allocate = (n: number) => {
    allocations.push(n);
    const slab = new SharedArrayBuffer(n + 13);
    new Uint8Array(slab).fill(0xee);
    return slab;
  };
  return new Sink({ expected: undefined, maxBytes, allocate, reserve: undefined, enveloped });
}

describe('Sink without a Content-Length', () => {
  it('reads a gRPC message, however cut, into one buffer sized from its prefix', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 3000 }), fc.array(fc.nat(), { maxLength: 12 }), (payload, points) => {
        const framed = encodeFrame(0, payload);
        const allocations: number[] = [];
        const s = sink(true, allocations);
        for (const piece of cut(framed, points)) s.push(piece);
        const body = s.finish();
        expect(Buffer.from(body.bytes).equals(Buffer.from(framed))).toBe(true);
        expect(allocations).toEqual([framed.byteLength]);
        expect(parseUnaryFrame(body.bytes).length).toBe(payload.byteLength);
      }),
    );
  });

  it('gives a message cut short to the protocol, which says so', () => {
    const framed = encodeFrame(0, new Uint8Array(100).fill(3));
    const s = sink(true, []);
    s.push(framed.subarray(0, 60));
    expect(() => parseUnaryFrame(s.finish().bytes)).toThrow(/shorter than its length prefix/);
  });

  it('refuses a second message at once', () => {
    const framed = encodeFrame(0, new Uint8Array(10));
    const s = sink(true, []);
    s.push(framed);
    expect(() => s.push(new Uint8Array([0, 0, 0, 0, 0]))).toThrow(/exactly one length-prefixed message/);
  });

  it('keeps chunks of a body that is no message (gRPC-Web text, bad flags, other protocols), and copies them once', () => {
    for (const [enveloped, body] of [
      [true, new TextEncoder().encode('AAAAAAo=')], // base64: its first byte is no flag
      [true, new Uint8Array([0x80, 0, 0, 0, 1, 9])],
      [false, encodeFrame(0, new Uint8Array(20))],
    ] as const) {
      const allocations: number[] = [];
      const s = sink(enveloped, allocations);
      for (const piece of cut(body, [1, 3])) s.push(piece);
      expect(allocations).toEqual([]);
      expect([...s.finish().bytes]).toEqual([...body]);
      expect(allocations).toEqual([body.byteLength]);
    }
  });

  it('does not size a buffer from a prefix over the body limit: the limit refuses the body', () => {
    const allocations: number[] = [];
    const s = sink(true, allocations, 64);
    const prefix = new Uint8Array([0, 0, 0, 1, 0]); // 256 bytes announced
    s.push(prefix);
    expect(allocations).toEqual([]);
    expect(() => s.push(new Uint8Array(64))).toThrow(/larger than the limit of 64 bytes/);
  });
});
