import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { acceptsGzip, gunzipLimited, gzip, requestEncoding } from './compression.js';

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

  it('inflates within the limit and refuses bombs and garbage', async () => {
    const data = new Uint8Array(10_000).fill(7);
    expect(new Uint8Array(await gunzipLimited(await gzip(data), 10_000))).toEqual(data);
    await expect(gunzipLimited(gzipSync(data), 9_999)).rejects.toMatchObject({ code: 'resource_exhausted' });
    await expect(gunzipLimited(new Uint8Array([1, 2, 3]), 100)).rejects.toMatchObject({ code: 'invalid_argument' });
  });
});
