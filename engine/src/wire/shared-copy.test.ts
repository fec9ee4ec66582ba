import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { copyBytes } from './shared-copy.js';

/** A view of `length` bytes at `offset` in a fresh buffer, shared or not, filled with `seed`-derived bytes. */
function view(shared: boolean, size: number, offset: number, length: number, seed: number): Uint8Array {
  const bytes = new Uint8Array(shared ? new SharedArrayBuffer(size) : new ArrayBuffer(size));
  for (let i = 0; i < size; i++) bytes[i] = (i * 31 + seed) & 255;
  return bytes.subarray(offset, offset + length);
}

describe('copyBytes', () => {
  it('copies exactly what set() copies, whatever the alignment and the sharing of either side', () => {
    fc.assert(
      fc.property(
        fc.boolean(),
        fc.boolean(),
        fc.integer({ min: 0, max: 200_000 }),
        fc.integer({ min: 0, max: 15 }),
        fc.integer({ min: 0, max: 15 }),
        fc.integer({ min: 0, max: 40 }),
        (targetShared, sourceShared, length, sourceOffset, targetOffset, at) => {
          const source = view(sourceShared, length + 32, sourceOffset, length, 7);
          const target = view(targetShared, length + 96, targetOffset, length + 64, 91);
          const expected = new Uint8Array(target);
          expected.set(source, at);
          copyBytes(target, source, at);
          expect(Buffer.from(target).equals(Buffer.from(expected))).toBe(true);
        },
      ),
      { numRuns: 200 },
    );
  });

  it('refuses a copy past the end of the target, as set() does', () => {
    const target = new Uint8Array(new SharedArrayBuffer(100));
    expect(() => copyBytes(target, new Uint8Array(80), 21)).toThrow(RangeError);
    expect(() => new Uint8Array(100).set(new Uint8Array(80), 21)).toThrow(RangeError);
  });
});
