import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { acceptsGzip, gzip, inflateInto, requestEncoding } from './compression.js';

describe('compression', () => {
  it('names the request encoding; others are unimplemented', () => {
    expect(requestEncoding(null, 'Content-Encoding')).toBe('identity');
    expect(requestEncoding('identity', 'Content-Encoding')).toBe('identity');
    expect(requestEncoding(' GZIP ', 'Content-Encoding')).toBe('gzip');
    expect(() => requestEncoding('br', 'grpc-encoding')).toThrow(expect.objectContaining({ code: 'unimplemented' }));
    expect(() => requestEncoding('gzip, br', 'Content-Encoding')).toThrow(expect.objectContaining({ code: 'unimplemented' }));
  });

  it('reads Accept-Encoding lists', () => {
    expect(acceptsGzip('gzip')).toBe(true);
    expect(acceptsGzip('br, gzip;q=0.5')).toBe(true);
    expect(acceptsGzip('gzip;q=0')).toBe(false);
    expect(acceptsGzip('identity')).toBe(false);
    expect(acceptsGzip(null)).toBe(false);
  });

  const allocate = (length: number) => new ArrayBuffer(length);
  const inflated = (m: { buffer: ArrayBuffer | SharedArrayBuffer; offset: number; length: number }) => new Uint8Array(m.buffer, m.offset, m.length);

  it('inflates within the limit and refuses bombs and garbage', async () => {
    const data = new Uint8Array(10_000).fill(7);
    expect(inflated(await inflateInto(await gzip(data), { maxBytes: 10_000, allocate }))).toEqual(data);
    await expect(inflateInto(gzipSync(data), { maxBytes: 9_999, allocate })).rejects.toMatchObject({ code: 'invalid_argument' });
    await expect(inflateInto(new Uint8Array([1, 2, 3]), { maxBytes: 100, allocate })).rejects.toMatchObject({ code: 'invalid_argument' });
  });

  it('charges inflated bytes as they come, and stops inflating at the first charge refused', async () => {
    // 4 MiB of zeros: a few KiB of gzip that zlib inflates in many chunks.
    const bomb = gzipSync(new Uint8Array(4 << 20));
    const charged: number[] = [];
    const whole = await inflateInto(bomb, { maxBytes: 8 << 20, allocate, charge: (bytes) => void charged.push(bytes) });
    expect(charged.length).toBeGreaterThan(1);
    expect(charged.reduce((a, b) => a + b, 0)).toBe(whole.length);

    let budget = 1 << 20;
    const busy = new Error('busy');
    let after = 0;
    const refused = inflateInto(bomb, {
      maxBytes: 8 << 20,
      allocate,
      charge: (bytes) => {
        if (budget < 0) after++;
        budget -= bytes;
        if (budget < 0) throw busy;
      },
    });
    await expect(refused).rejects.toBe(busy);
    expect(after).toBe(0);
  });

  it('rejects, not throws, when the buffer for the inflated message cannot be had', async () => {
    const outOfMemory = new RangeError('Array buffer allocation failed');
    const failing = () => {
      throw outOfMemory;
    };
    await expect(inflateInto(await gzip(new Uint8Array(100)), { maxBytes: 1000, allocate: failing })).rejects.toBe(outOfMemory);
  });
});
