import { Hono } from 'hono';
import { describe, expect, it } from 'vitest';
import type { GatewayEnv } from '../../rpc/env.js';
import { isSaneRequestId, requestId } from './index.js';

function app() {
  const a = new Hono<GatewayEnv>();
  a.use('*', requestId({ generate: () => 'generated' }));
  a.get('/', (c) => c.text(c.get('requestId')));
  return a;
}

describe('requestId', () => {
  it('keeps a sane X-Request-Id and echoes it', async () => {
    const res = await app().request('/', { headers: { 'x-request-id': 'abc-123.x:y_z' } });
    expect(await res.text()).toBe('abc-123.x:y_z');
    expect(res.headers.get('x-request-id')).toBe('abc-123.x:y_z');
  });

  it('replaces a missing or insane one', async () => {
    for (const headers of [{} as Record<string, string>, { 'x-request-id': 'a b' }, { 'x-request-id': 'x'.repeat(129) }, { 'x-request-id': '<script>' }]) {
      const res = await app().request('/', { headers });
      expect(await res.text()).toBe('generated');
      expect(res.headers.get('x-request-id')).toBe('generated');
    }
  });

  it('makes random UUIDs by default', async () => {
    const a = new Hono<GatewayEnv>();
    a.use('*', requestId());
    a.get('/', (c) => c.text(c.get('requestId')));
    const [one, two] = await Promise.all([a.request('/'), a.request('/')].map(async (r) => (await r).text()));
    expect(one).toMatch(/^[0-9a-f-]{36}$/);
    expect(one).not.toBe(two);
    expect(isSaneRequestId(one)).toBe(true);
  });
});
