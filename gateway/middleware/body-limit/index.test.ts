import { Hono } from 'hono';
import { describe, expect, it } from 'vitest';
import { ServiceError } from '../../rpc/codes.js';
import type { GatewayEnv } from '../../rpc/env.js';
import { bodyLimit } from './index.js';

function app(maxBytes?: number) {
  const a = new Hono<GatewayEnv>();
  a.onError((err, c) => c.text(err instanceof ServiceError ? err.code : 'other', 400));
  a.post('/', bodyLimit(maxBytes === undefined ? {} : { maxBytes }), (c) => c.text(String(c.get('maxBodyBytes'))));
  return a;
}

describe('bodyLimit', () => {
  it('sets the limit for the body reader (128 MiB by default)', async () => {
    expect(await (await app().request('/', { method: 'POST' })).text()).toBe(String(128 * 1024 * 1024));
    expect(await (await app(10).request('/', { method: 'POST', body: 'x', headers: { 'content-length': '10' } })).text()).toBe('10');
  });

  it('refuses a Content-Length over the limit at once with invalid_argument (a size limit is not retryable)', async () => {
    const res = await app(10).request('/', { method: 'POST', body: 'x'.repeat(11), headers: { 'content-length': '11' } });
    expect(await res.text()).toBe('invalid_argument');
  });

  it('refuses a malformed Content-Length with invalid_argument', async () => {
    const res = await app(10).request('/', { method: 'POST', body: 'x', headers: { 'content-length': 'ten' } });
    expect(await res.text()).toBe('invalid_argument');
  });
});
