import { Hono } from 'hono';
import { describe, expect, it, vi } from 'vitest';
import { ServiceError } from '../../rpc/codes.js';
import type { GatewayEnv } from '../../rpc/env.js';
import { auth, type Authenticate } from './index.js';

const tenant = { id: 't1', ruleSets: '*', defaultRuleSet: 'd' } as const;

function app(authenticate: Authenticate) {
  const a = new Hono<GatewayEnv>();
  a.onError((err, c) => c.text(err instanceof ServiceError ? err.code : 'other', 400));
  a.post('/', auth({ authenticate }), (c) => c.text(c.get('tenant').id));
  return a;
}

describe('auth', () => {
  it('passes the Authorization header to authenticate and sets the tenant', async () => {
    const authenticate = vi.fn(async () => tenant);
    const res = await app(authenticate).request('/', { method: 'POST', headers: { authorization: 'Bearer x' } });
    expect(await res.text()).toBe('t1');
    expect(authenticate).toHaveBeenCalledWith('Bearer x');
  });

  it('passes undefined without a header; no tenant is unauthenticated', async () => {
    const authenticate = vi.fn(() => undefined);
    const res = await app(authenticate).request('/', { method: 'POST' });
    expect(await res.text()).toBe('unauthenticated');
    expect(authenticate).toHaveBeenCalledWith(undefined);
  });

  it('lets a thrown ServiceError through', async () => {
    const res = await app(() => {
      throw new ServiceError('permission_denied', 'no');
    }).request('/', { method: 'POST' });
    expect(await res.text()).toBe('permission_denied');
  });
});
