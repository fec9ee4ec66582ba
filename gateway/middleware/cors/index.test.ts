import { Hono } from 'hono';
import { describe, expect, it } from 'vitest';
import type { GatewayEnv } from '../../rpc/env.js';
import { requestId } from '../request-id/index.js';
import { cors } from './index.js';

// What the brief and the Connect / gRPC-Web clients need, written out here rather than imported.
const CLIENT_REQUEST_HEADERS = [
  'content-type',
  'connect-protocol-version',
  'connect-timeout-ms',
  'connect-content-encoding',
  'connect-accept-encoding',
  'x-grpc-web',
  'x-user-agent',
  'grpc-timeout',
  'grpc-accept-encoding',
  'grpc-encoding',
  'authorization',
  'x-request-id',
];
const CLIENT_READS = [
  'grpc-status',
  'grpc-message',
  'grpc-status-details-bin',
  'grpc-encoding',
  'grpc-accept-encoding',
  'connect-content-encoding',
  'connect-accept-encoding',
  'x-request-id',
  'retry-after',
  'grpc-retry-pushback-ms',
];

const PATH = '/gridcode.v1.ScoringService/ScoreBatch';
const PAGE = 'https://inspect.example.org';

/** The shape of the app's RPC routes: the middleware, a POST route, and the 405 for other methods. */
function app(origins: string[]) {
  const calls: string[] = [];
  const a = new Hono<GatewayEnv>();
  a.use('*', requestId());
  a.onError((err, c) => c.text(`failed: ${(err as Error).message}`, 500, { 'grpc-status': '13' }));
  a.use('/:service/:method', cors({ origins }));
  a.post('/:service/:method', (c) => {
    calls.push(c.req.method);
    if (c.req.header('x-fail')) throw new Error('boom');
    return c.text('answer', 200, { 'grpc-status': '0' });
  });
  a.all('/:service/:method', (c) => c.body(null, 405, { allow: 'POST' }));
  return { a, calls };
}

function preflight(origin: string | undefined, extra: Record<string, string> = {}) {
  return {
    method: 'OPTIONS',
    headers: {
      ...(origin === undefined ? {} : { origin }),
      'access-control-request-method': 'POST',
      'access-control-request-headers': 'content-type,x-grpc-web,authorization',
      ...extra,
    },
  };
}

function list(value: string | null): string[] {
  return (value ?? '').split(',').map((s) => s.trim().toLowerCase()).filter(Boolean).sort();
}

function corsHeaders(res: Response): string[] {
  const names: string[] = [];
  res.headers.forEach((_value, name) => names.push(name));
  return names.filter((name) => name.startsWith('access-control-'));
}

describe('cors', () => {
  it('answers a preflight from an allowed origin itself: 204, the origin echoed, POST, the client headers, a max age', async () => {
    const { a, calls } = app([PAGE, 'http://localhost:5173']);
    const res = await a.request(PATH, preflight(PAGE));
    expect(res.status).toBe(204);
    expect(res.headers.get('access-control-allow-origin')).toBe(PAGE);
    expect(list(res.headers.get('vary'))).toContain('origin');
    expect(list(res.headers.get('access-control-allow-methods'))).toEqual(['post']);
    expect(list(res.headers.get('access-control-allow-headers'))).toEqual(expect.arrayContaining(CLIENT_REQUEST_HEADERS));
    expect(Number(res.headers.get('access-control-max-age'))).toBeGreaterThan(0);
    expect(res.headers.get('access-control-allow-credentials')).toBeNull();
    expect(calls).toEqual([]);
  });

  it('matches origins exactly: scheme, host and port', async () => {
    const { a } = app([PAGE]);
    for (const other of ['http://inspect.example.org', 'https://inspect.example.org:8443', 'https://evil.inspect.example.org', 'https://inspect.example.org.evil.com', 'null']) {
      const res = await a.request(PATH, preflight(other));
      expect([other, res.status, corsHeaders(res)]).toEqual([other, 204, []]);
    }
  });

  it('answers a preflight from a disallowed origin 204 without CORS headers (the browser refuses), never reaching the route', async () => {
    const { a, calls } = app([PAGE]);
    const res = await a.request(PATH, preflight('https://elsewhere.example.com'));
    expect(res.status).toBe(204);
    expect(corsHeaders(res)).toEqual([]);
    expect(list(res.headers.get('vary'))).toContain('origin');
    expect(calls).toEqual([]);
  });

  it('leaves an OPTIONS that is no preflight to the routes (405)', async () => {
    const { a } = app([PAGE]);
    expect((await a.request(PATH, { method: 'OPTIONS', headers: { origin: PAGE } })).status).toBe(405);
    expect((await a.request(PATH, { method: 'OPTIONS' })).status).toBe(405);
    expect((await a.request(PATH, preflight(undefined))).status).toBe(405);
  });

  it('gives the answer to an allowed origin the origin and the headers its client reads', async () => {
    const { a, calls } = app([PAGE]);
    const res = await a.request(PATH, { method: 'POST', headers: { origin: PAGE } });
    expect(res.status).toBe(200);
    expect(await res.text()).toBe('answer');
    expect(res.headers.get('access-control-allow-origin')).toBe(PAGE);
    expect(list(res.headers.get('access-control-expose-headers'))).toEqual(expect.arrayContaining(CLIENT_READS));
    expect(list(res.headers.get('vary'))).toContain('origin');
    expect(res.headers.get('access-control-allow-credentials')).toBeNull();
    expect(res.headers.get('x-request-id')).toBeTruthy();
    expect(calls).toEqual(['POST']);
  });

  it('keeps the CORS headers on errors, so that the page can read them', async () => {
    const { a } = app([PAGE]);
    const res = await a.request(PATH, { method: 'POST', headers: { origin: PAGE, 'x-fail': '1' } });
    expect(res.status).toBe(500);
    expect(res.headers.get('access-control-allow-origin')).toBe(PAGE);
    expect(list(res.headers.get('access-control-expose-headers'))).toContain('grpc-status');
  });

  it('serves a disallowed or absent origin as usual, without CORS headers', async () => {
    const { a, calls } = app([PAGE]);
    const elsewhere = await a.request(PATH, { method: 'POST', headers: { origin: 'https://elsewhere.example.com' } });
    const none = await a.request(PATH, { method: 'POST' });
    for (const res of [elsewhere, none]) {
      expect(res.status).toBe(200);
      expect(await res.text()).toBe('answer');
      expect(corsHeaders(res)).toEqual([]);
      expect(list(res.headers.get('vary'))).toContain('origin');
    }
    expect(calls).toEqual(['POST', 'POST']);
  });

  it('with "*" allows any origin as "*", never with credentials; an absent Origin still gets nothing', async () => {
    const { a } = app(['*']);
    const pre = await a.request(PATH, preflight('https://anyone.example.net'));
    expect(pre.status).toBe(204);
    expect(pre.headers.get('access-control-allow-origin')).toBe('*');
    expect(pre.headers.get('access-control-allow-credentials')).toBeNull();
    const post = await a.request(PATH, { method: 'POST', headers: { origin: 'https://anyone.example.net' } });
    expect(post.headers.get('access-control-allow-origin')).toBe('*');
    expect(post.headers.get('access-control-allow-credentials')).toBeNull();
    expect(corsHeaders(await a.request(PATH, { method: 'POST' }))).toEqual([]);
  });
});
