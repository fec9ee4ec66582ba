import { Hono } from 'hono';
import { describe, expect, it } from 'vitest';
import { ServiceError } from '../../rpc/codes.js';
import type { GatewayEnv } from '../../rpc/env.js';
import { PROTOCOLS } from '../../protocols/index.js';
import { deadline } from './index.js';

function app(protocol: 'connect' | 'grpc-web', wait: number) {
  const a = new Hono<GatewayEnv>();
  a.onError((err, c) => c.text(err instanceof ServiceError ? err.code : 'other', 400));
  a.post(
    '/',
    async (c, next) => {
      c.set('rpc', { protocol, serialization: 'proto', adapter: PROTOCOLS[protocol], method: 'ListRuleSets', streaming: false, requestBytes: 0 });
      await next();
    },
    deadline(),
    async (c) => {
      const signal = c.get('signal');
      await new Promise((r) => setTimeout(r, wait));
      return c.json({ aborted: signal.aborted, reason: (signal.reason as ServiceError | undefined)?.code ?? null, deadline: c.get('deadline') ?? null });
    },
  );
  return a;
}

describe('deadline', () => {
  it('has no deadline without a timeout header', async () => {
    const res = await app('connect', 0).request('/', { method: 'POST' });
    expect(await res.json()).toEqual({ aborted: false, reason: null, deadline: null });
  });

  it('aborts with deadline_exceeded when Connect-Timeout-Ms runs out', async () => {
    const before = Date.now();
    const res = await app('connect', 80).request('/', { method: 'POST', headers: { 'connect-timeout-ms': '20' } });
    const body = (await res.json()) as { aborted: boolean; reason: string; deadline: number };
    expect(body.aborted).toBe(true);
    expect(body.reason).toBe('deadline_exceeded');
    expect(body.deadline).toBeGreaterThanOrEqual(before + 20);
  });

  it('reads grpc-timeout for gRPC-Web; zero is already past', async () => {
    const res = await app('grpc-web', 0).request('/', { method: 'POST', headers: { 'grpc-timeout': '0n' } });
    expect(await res.json()).toMatchObject({ aborted: true, reason: 'deadline_exceeded' });
    const later = await app('grpc-web', 0).request('/', { method: 'POST', headers: { 'grpc-timeout': '1H' } });
    expect(await later.json()).toMatchObject({ aborted: false });
  });

  it('aborts with canceled when the client goes away', async () => {
    const controller = new AbortController();
    const pending = app('connect', 80).request('/', { method: 'POST', signal: controller.signal });
    setTimeout(() => controller.abort(), 10);
    const res = await pending;
    expect(await res.json()).toMatchObject({ aborted: true, reason: 'canceled' });
  });

  it('refuses a malformed timeout', async () => {
    const res = await app('connect', 0).request('/', { method: 'POST', headers: { 'connect-timeout-ms': '12345678901' } });
    expect(await res.text()).toBe('invalid_argument');
  });
});
