import { gzipSync } from 'node:zlib';
import { beforeAll, describe, expect, it, vi } from 'vitest';
import { createApp, METRICS_UNAUTHORIZED, type AppOptions, type RpcObservation } from './app.js';
import { MetricsTokens } from './ops/metrics-token.js';
import { hashToken } from './ops/tenants.js';
import { decodeGrpcMessageText } from './protocols/grpc-common.js';
import { encodeFrame, FLAG_COMPRESSED, FLAG_TRAILER } from './protocols/framing.js';
import {
  decodeValidateResponse,
  fakeAuthenticate,
  fakeService,
  SECRET,
  validateRequest,
} from '../tests/support/gateway/fake-service.js';
import { loadRegistry } from '../lib/proto-registry.js';
import { ERROR_CODES, type ErrorCode } from './rpc/codes.js';
import type { UnaryResponse } from './rpc/types.js';

const URL = 'http://gw/gridcode.v1.ScoringService/ValidateRuleSet';

function setup(overrides: Partial<AppOptions> = {}) {
  const fake = fakeService();
  const observed: RpcObservation[] = [];
  const logged: { fields: Record<string, unknown>; message: string }[] = [];
  const app = createApp({
    service: fake.service,
    authenticate: fakeAuthenticate,
    observe: (o) => observed.push(o),
    logger: { error: (fields, message) => logged.push({ fields, message }) },
    ...overrides,
  });
  return { app, ...fake, observed, logged };
}

function post(app: ReturnType<typeof setup>['app'], body: BodyInit | null, headers: Record<string, string>, url = URL) {
  return app.request(url, { method: 'POST', body, headers: { authorization: 'Bearer good', ...headers } });
}

/** Splits a gRPC-Web body into its message and parsed trailers. */
function parseGrpcWeb(bytes: Uint8Array): { messages: { flags: number; payload: Uint8Array }[]; trailers: Record<string, string> } {
  const messages: { flags: number; payload: Uint8Array }[] = [];
  const trailers: Record<string, string> = {};
  let at = 0;
  while (at < bytes.byteLength) {
    const flags = bytes[at] as number;
    const length = new DataView(bytes.buffer, bytes.byteOffset + at + 1, 4).getUint32(0);
    const payload = bytes.subarray(at + 5, at + 5 + length);
    at += 5 + length;
    if (flags & FLAG_TRAILER) {
      for (const line of new TextDecoder().decode(payload).split('\r\n')) {
        const i = line.indexOf(':');
        if (i > 0) trailers[line.slice(0, i).trim()] = line.slice(i + 1).trim();
      }
    } else messages.push({ flags, payload });
  }
  return { messages, trailers };
}

beforeAll(() => {
  loadRegistry();
}, 60_000);

describe('Connect unary', () => {
  it('answers application/proto with application/proto', async () => {
    const { app, observed } = setup();
    const res = await post(app, validateRequest('hello'), { 'content-type': 'application/proto', 'connect-protocol-version': '1' });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('application/proto');
    expect(decodeValidateResponse(new Uint8Array(await res.arrayBuffer()))).toMatchObject({ valid: true, id: 'hello' });
    expect(observed).toHaveLength(1);
    expect(observed[0]).toMatchObject({ method: 'ValidateRuleSet', protocol: 'connect', code: 'ok', tenant: 'acme' });
    expect(observed[0]?.requestBytes).toBe(validateRequest('hello').byteLength);
    expect(observed[0]?.responseBytes).toBeGreaterThan(0);
  });

  it('answers application/json with canonical JSON', async () => {
    const { app } = setup();
    const res = await post(app, JSON.stringify({ source: 'hi' }), { 'content-type': 'application/json; charset=utf-8' });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('application/json');
    expect(await res.json()).toEqual({ valid: true, id: 'hi' });
  });

  it('passes the call context: method, protocol, request id, tenant, deadline', async () => {
    const { app } = setup();
    const res = await post(app, JSON.stringify({ source: 'ctx' }), {
      'content-type': 'application/json',
      'x-request-id': 'req-42',
      'connect-timeout-ms': '5000',
    });
    expect(res.headers.get('x-request-id')).toBe('req-42');
    const { id } = (await res.json()) as { id: string };
    expect(JSON.parse(id)).toEqual({ method: 'ValidateRuleSet', protocol: 'connect', requestId: 'req-42', tenant: 'acme', hasDeadline: true, shared: false });
  });

  it.each(Object.keys(ERROR_CODES) as ErrorCode[])('maps %s to its HTTP status and error JSON', async (code) => {
    const { app, observed } = setup();
    const res = await post(app, JSON.stringify({ source: `error:${code}` }), { 'content-type': 'application/json' });
    expect(res.status).toBe(ERROR_CODES[code].http);
    expect(res.headers.get('content-type')).toBe('application/json');
    expect(await res.json()).toEqual({ code, message: `custom ${code} message` });
    expect(observed[0]?.code).toBe(code);
  });

  it('never leaks internal error text, logs it with the request id', async () => {
    const { app, logged } = setup();
    const res = await post(app, validateRequest('crash'), { 'content-type': 'application/proto', 'x-request-id': 'r-1' });
    expect(res.status).toBe(500);
    const text = await res.text();
    expect(text).not.toContain('hunter2');
    expect(JSON.parse(text)).toEqual({ code: 'internal', message: 'internal error (request id r-1)' });
    expect(logged).toHaveLength(1);
    expect(String((logged[0]?.fields.err as Error).message)).toBe(SECRET);
    expect(logged[0]?.fields.requestId).toBe('r-1');
  });

  it('accepts gzip request bodies and refuses other encodings with unimplemented', async () => {
    const { app } = setup();
    const ok = await post(app, gzipSync(validateRequest('zipped')), { 'content-type': 'application/proto', 'content-encoding': 'gzip' });
    expect(ok.status).toBe(200);
    expect(decodeValidateResponse(new Uint8Array(await ok.arrayBuffer())).id).toBe('zipped');
    const id = await post(app, validateRequest('plain'), { 'content-type': 'application/proto', 'content-encoding': 'identity' });
    expect(id.status).toBe(200);
    const br = await post(app, validateRequest('x'), { 'content-type': 'application/proto', 'content-encoding': 'br' });
    expect(br.status).toBe(501);
    expect(await br.json()).toMatchObject({ code: 'unimplemented' });
  });

  it('rejects corrupt gzip as invalid_argument', async () => {
    const { app } = setup();
    const res = await post(app, new Uint8Array([1, 2, 3, 4]), { 'content-type': 'application/proto', 'content-encoding': 'gzip' });
    expect(res.status).toBe(400);
    expect(await res.json()).toMatchObject({ code: 'invalid_argument' });
  });

  it('compresses large responses when the client accepts gzip', async () => {
    const { app } = setup();
    const res = await post(app, validateRequest('big'), { 'content-type': 'application/proto', 'accept-encoding': 'gzip' });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-encoding')).toBe('gzip');
    const { gunzipSync } = await import('node:zlib');
    const bytes = gunzipSync(new Uint8Array(await res.arrayBuffer()));
    expect(decodeValidateResponse(bytes).id).toHaveLength(100_000);
    const small = await post(app, validateRequest('s'), { 'content-type': 'application/proto', 'accept-encoding': 'gzip' });
    expect(small.headers.get('content-encoding')).toBeNull();
  });

  it('refuses a wrong Connect-Protocol-Version', async () => {
    const { app } = setup();
    const res = await post(app, validateRequest('x'), { 'content-type': 'application/proto', 'connect-protocol-version': '2' });
    expect(res.status).toBe(400);
  });

  it('answers an unknown procedure with 404 and code unimplemented', async () => {
    const { app, observed } = setup();
    const res = await post(app, '{}', { 'content-type': 'application/json' }, 'http://gw/gridcode.v1.ScoringService/Nope');
    expect(res.status).toBe(404);
    expect(await res.json()).toMatchObject({ code: 'unimplemented' });
    expect(observed[0]).toMatchObject({ method: 'unknown', code: 'unimplemented' });
    const other = await post(app, '{}', { 'content-type': 'application/json' }, 'http://gw/other.v1.Svc/ValidateRuleSet');
    expect(other.status).toBe(404);
  });

  it('answers a wrong content type with 415 and GET with 405', async () => {
    const { app, calls } = setup();
    expect((await post(app, 'x', { 'content-type': 'text/plain' })).status).toBe(415);
    expect((await post(app, 'x', {})).status).toBe(415);
    const get = await app.request(URL);
    expect(get.status).toBe(405);
    expect(get.headers.get('allow')).toBe('POST');
    expect(calls).toHaveLength(0);
  });

  it('authenticates: missing token → 401, banned → 403, never reaching the service', async () => {
    const { app, calls } = setup();
    const none = await app.request(URL, { method: 'POST', body: validateRequest('x'), headers: { 'content-type': 'application/proto' } });
    expect(none.status).toBe(401);
    expect(await none.json()).toMatchObject({ code: 'unauthenticated' });
    const banned = await post(app, validateRequest('x'), { 'content-type': 'application/proto', authorization: 'Bearer banned' });
    expect(banned.status).toBe(403);
    expect(calls).toHaveLength(0);
  });

  it('honours Connect-Timeout-Ms: deadline_exceeded, and the service sees the signal abort', async () => {
    const { app, calls } = setup();
    const started = Date.now();
    const res = await post(app, validateRequest('wait'), { 'content-type': 'application/proto', 'connect-timeout-ms': '50' });
    expect(res.status).toBe(504);
    expect(await res.json()).toMatchObject({ code: 'deadline_exceeded' });
    expect(Date.now() - started).toBeLessThan(2000);
    await vi.waitFor(() => expect(calls[0]?.abortReason).toMatchObject({ code: 'deadline_exceeded' }));
  });

  it('refuses a malformed Connect-Timeout-Ms', async () => {
    const { app } = setup();
    const res = await post(app, validateRequest('x'), { 'content-type': 'application/proto', 'connect-timeout-ms': '-5' });
    expect(res.status).toBe(400);
  });

  it('cancels the work when the client goes away', async () => {
    const { app, calls, observed } = setup();
    const controller = new AbortController();
    const pending = app.request(URL, {
      method: 'POST',
      body: validateRequest('wait'),
      headers: { 'content-type': 'application/proto', authorization: 'Bearer good' },
      signal: controller.signal,
    });
    await vi.waitFor(() => expect(calls).toHaveLength(1));
    controller.abort();
    await Promise.resolve(pending).catch(() => undefined);
    await vi.waitFor(() => expect(calls[0]?.abortReason).toMatchObject({ code: 'canceled' }));
    await vi.waitFor(() => expect(observed[0]?.code).toBe('canceled'));
  });
});

describe('body limits', () => {
  it('refuses a Content-Length over the limit at once', async () => {
    const { app, calls } = setup({ limits: { maxBodyBytes: 100 } });
    const res = await post(app, new Uint8Array(101), { 'content-type': 'application/proto', 'content-length': '101' });
    // invalid_argument, not the retryable resource_exhausted: the same request can never succeed.
    expect(res.status).toBe(400);
    expect(await res.json()).toMatchObject({ code: 'invalid_argument', message: expect.stringContaining('limit of 100 bytes') });
    expect(calls).toHaveLength(0);
  });

  it('counts a streamed body as it arrives and stops reading', async () => {
    const { app } = setup({ limits: { maxBodyBytes: 1000 } });
    let pulled = 0;
    const stream = new ReadableStream<Uint8Array>({
      pull(controller) {
        pulled++;
        if (pulled > 1000) controller.close();
        else controller.enqueue(new Uint8Array(300));
      },
    });
    const res = await app.request(URL, {
      method: 'POST',
      body: stream,
      headers: { 'content-type': 'application/proto', authorization: 'Bearer good' },
      duplex: 'half',
    } as RequestInit);
    expect(res.status).toBe(400);
    expect(pulled).toBeLessThan(10);
  });

  it('limits the decompressed size (zip bomb → invalid_argument naming the limit)', async () => {
    const { app } = setup({ limits: { maxBodyBytes: 64 * 1024 } });
    const bomb = gzipSync(new Uint8Array(10 * 1024 * 1024));
    expect(bomb.byteLength).toBeLessThan(64 * 1024);
    const res = await post(app, bomb, { 'content-type': 'application/proto', 'content-encoding': 'gzip' });
    expect(res.status).toBe(400);
    expect(await res.json()).toMatchObject({ code: 'invalid_argument', message: expect.stringContaining(`limit of ${64 * 1024} bytes`) });
  });

  it('reads into buffers leased from the injected body memory, longer than the body, and gives them back once answered', async () => {
    const events: string[] = [];
    // A slab 100 bytes longer than asked, its tail junk: the message is its first `length` bytes.
    const allocate = vi.fn((n: number) => {
      events.push('allocate');
      const slab = new SharedArrayBuffer(n + 100);
      new Uint8Array(slab).fill(0xff);
      return slab;
    });
    const bodies = { lease: () => ({ allocate, release: () => void events.push('release') }) };
    const { app, calls } = setup({ bodies });
    const body = validateRequest('ctx');
    const res = await post(app, body, { 'content-type': 'application/proto', 'content-length': String(body.byteLength) });
    expect(res.status).toBe(200);
    expect(allocate).toHaveBeenCalledWith(body.byteLength);
    expect(calls[0]?.request).toMatchObject({ offset: 0, length: body.byteLength });
    expect(calls[0]?.request.buffer).toBeInstanceOf(SharedArrayBuffer);
    expect(new Uint8Array(calls[0]!.request.buffer, 0, body.byteLength)).toEqual(body);
    expect(events).toEqual(['allocate', 'release']);
    // A body the handler refuses (shorter than its Content-Length) gives its lease back too.
    const refused = await post(app, body, { 'content-type': 'application/proto', 'content-length': String(body.byteLength + 1) });
    expect(refused.status).toBe(400);
    expect(events).toEqual(['allocate', 'release', 'allocate', 'release']);
  });

  it('answers a deadline at once, but gives the body back only when the service is done with it', async () => {
    const events: string[] = [];
    const bodies = { lease: () => ({ allocate: (n: number) => (events.push('allocate'), new SharedArrayBuffer(n)), release: () => void events.push('release') }) };
    let finish!: (response: UnaryResponse) => void;
    // A service that, like a worker running a task, goes on after the abort.
    const service = { ...fakeService().service, ValidateRuleSet: () => new Promise<UnaryResponse>((resolve) => (finish = resolve)) };
    const { app } = setup({ service, bodies });
    const body = validateRequest('ctx');
    const res = await post(app, body, { 'content-type': 'application/proto', 'content-length': String(body.byteLength), 'connect-timeout-ms': '30' });
    expect(res.status).toBe(504);
    expect(await res.json()).toMatchObject({ code: 'deadline_exceeded' });
    expect(events).toEqual(['allocate']);
    finish({ serialization: 'proto', bytes: new Uint8Array() });
    await new Promise((resolve) => setImmediate(resolve));
    expect(events).toEqual(['allocate', 'release']);
  });
});

describe('gRPC-Web', () => {
  const headers = { 'content-type': 'application/grpc-web+proto', 'x-grpc-web': '1' };

  it('answers a message frame and a trailer frame with HTTP 200', async () => {
    const { app, observed } = setup();
    const res = await post(app, encodeFrame(0, validateRequest('web')), headers);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('application/grpc-web+proto');
    const { messages, trailers } = parseGrpcWeb(new Uint8Array(await res.arrayBuffer()));
    expect(messages).toHaveLength(1);
    expect(messages[0]?.flags).toBe(0);
    expect(decodeValidateResponse(messages[0]!.payload).id).toBe('web');
    expect(trailers).toEqual({ 'grpc-status': '0' });
    expect(observed[0]).toMatchObject({ protocol: 'grpc-web', code: 'ok' });
  });

  it('accepts application/grpc-web as proto', async () => {
    const { app } = setup();
    const res = await post(app, encodeFrame(0, validateRequest('w')), { 'content-type': 'application/grpc-web' });
    expect(parseGrpcWeb(new Uint8Array(await res.arrayBuffer())).trailers['grpc-status']).toBe('0');
  });

  it.each(Object.keys(ERROR_CODES) as ErrorCode[])('sends %s as grpc-status in the trailer frame', async (code) => {
    const { app } = setup();
    const res = await post(app, encodeFrame(0, validateRequest(`error:${code}`)), headers);
    expect(res.status).toBe(200);
    const { messages, trailers } = parseGrpcWeb(new Uint8Array(await res.arrayBuffer()));
    expect(messages).toHaveLength(0);
    expect(trailers['grpc-status']).toBe(String(ERROR_CODES[code].grpc));
    expect(decodeGrpcMessageText(trailers['grpc-message'] ?? '')).toBe(`custom ${code} message`);
  });

  it('accepts a gzip-compressed frame with grpc-encoding: gzip, and compresses large replies', async () => {
    const { app } = setup();
    const res = await post(app, encodeFrame(FLAG_COMPRESSED, gzipSync(validateRequest('big'))), {
      ...headers,
      'grpc-encoding': 'gzip',
      'grpc-accept-encoding': 'gzip',
    });
    expect(res.headers.get('grpc-encoding')).toBe('gzip');
    const { messages, trailers } = parseGrpcWeb(new Uint8Array(await res.arrayBuffer()));
    expect(trailers['grpc-status']).toBe('0');
    expect(messages[0]?.flags).toBe(FLAG_COMPRESSED);
    const { gunzipSync } = await import('node:zlib');
    expect(decodeValidateResponse(gunzipSync(messages[0]!.payload)).id).toHaveLength(100_000);
  });

  it('refuses an unsupported grpc-encoding with unimplemented (12)', async () => {
    const { app } = setup();
    const res = await post(app, encodeFrame(FLAG_COMPRESSED, validateRequest('x')), { ...headers, 'grpc-encoding': 'snappy' });
    expect(parseGrpcWeb(new Uint8Array(await res.arrayBuffer())).trailers['grpc-status']).toBe('12');
  });

  it('refuses bad framing with invalid_argument (3)', async () => {
    const { app } = setup();
    const short = await post(app, new Uint8Array([0, 0, 0, 0, 9, 1]), headers);
    expect(parseGrpcWeb(new Uint8Array(await short.arrayBuffer())).trailers['grpc-status']).toBe('3');
    const two = await post(app, new Uint8Array([...encodeFrame(0, validateRequest('a')), ...encodeFrame(0, validateRequest('b'))]), headers);
    expect(parseGrpcWeb(new Uint8Array(await two.arrayBuffer())).trailers['grpc-status']).toBe('3');
  });

  it('honours grpc-timeout', async () => {
    const { app } = setup();
    const res = await post(app, encodeFrame(0, validateRequest('wait')), { ...headers, 'grpc-timeout': '30m' });
    expect(parseGrpcWeb(new Uint8Array(await res.arrayBuffer())).trailers['grpc-status']).toBe('4');
  });

  it('answers an unknown method with grpc-status 12', async () => {
    const { app } = setup();
    const res = await post(app, encodeFrame(0, new Uint8Array()), headers, 'http://gw/gridcode.v1.ScoringService/Nope');
    expect(res.status).toBe(200);
    expect(parseGrpcWeb(new Uint8Array(await res.arrayBuffer())).trailers['grpc-status']).toBe('12');
  });

  it('does not leak internal errors', async () => {
    const { app } = setup();
    const res = await post(app, encodeFrame(0, validateRequest('crash')), headers);
    const { trailers } = parseGrpcWeb(new Uint8Array(await res.arrayBuffer()));
    expect(trailers['grpc-status']).toBe('13');
    expect(decodeGrpcMessageText(trailers['grpc-message'] ?? '')).toMatch(/^internal error \(request id /);
  });
});

describe('gRPC over HTTP/1.1', () => {
  it('is refused with 415 (gRPC needs HTTP/2 trailers)', async () => {
    const { app } = setup();
    const res = await post(app, encodeFrame(0, validateRequest('x')), { 'content-type': 'application/grpc' });
    expect(res.status).toBe(415);
  });
});

describe('operations routes', () => {
  it('serves /healthz, /readyz and /metrics', async () => {
    let isReady = false;
    const { app } = setup({
      ready: () => isReady,
      metrics: async () => ({ contentType: 'text/plain; version=0.0.4', body: 'gridcode_up 1\n' }),
    });
    expect((await app.request('/healthz')).status).toBe(200);
    expect((await app.request('/readyz')).status).toBe(503);
    isReady = true;
    expect((await app.request('/readyz')).status).toBe(200);
    const metrics = await app.request('/metrics');
    expect(metrics.headers.get('content-type')).toBe('text/plain; version=0.0.4');
    expect(await metrics.text()).toBe('gridcode_up 1\n');
  });

  it('asks /metrics for a metrics token when one is configured, and has no /metrics without the option', async () => {
    const hashes = { tokens: [hashToken('scrape-1'), hashToken('scrape-2')] };
    const tokens = MetricsTokens.parse(hashes);
    const { app } = setup({
      metrics: async () => ({ contentType: 'text/plain; version=0.0.4', body: 'gridcode_up 1\n' }),
      metricsAccess: (authorization) => tokens.accepts(authorization),
    });
    const scrape = (authorization?: string) => app.request('/metrics', authorization === undefined ? {} : { headers: { authorization } });
    for (const refused of [undefined, 'Bearer nope', 'Bearer', `Basic scrape-1`, 'scrape-1', `Bearer ${hashes.tokens[0]}`, 'Bearer scrape-1 scrape-2']) {
      const res = await scrape(refused);
      expect([refused, res.status, res.headers.get('www-authenticate'), await res.text()]).toEqual([refused, 401, 'Bearer realm="metrics"', METRICS_UNAUTHORIZED]);
    }
    for (const accepted of ['Bearer scrape-1', 'bearer scrape-2']) {
      const res = await scrape(accepted);
      expect([accepted, res.status, await res.text()]).toEqual([accepted, 200, 'gridcode_up 1\n']);
    }
    // /healthz and /readyz need no token: load balancers poll them.
    expect((await app.request('/readyz')).status).toBe(200);
    expect((await setup({}).app.request('/metrics')).status).toBe(404);
  });

  it('refuses a metrics token file that is not a list of stored hashes, naming the entry', () => {
    expect(() => MetricsTokens.parse({ tokens: ['plain-token'] }, 'm.yaml')).toThrow(/^m\.yaml: tokens\[0\]: not a sha256:<64 hex digits> hash/);
    expect(() => MetricsTokens.parse({ tokens: [] }, 'm.yaml')).toThrow(/m\.yaml: tokens: expected a non-empty list/);
    expect(() => MetricsTokens.parse({ token: [hashToken('x')] }, 'm.yaml')).toThrow(/unknown key "token" \(expected "tokens"\)/);
    expect(() => MetricsTokens.parse(null, 'm.yaml')).toThrow(/expected a mapping with a list "tokens"/);
  });

  it('mounts extra routes', async () => {
    const { app } = setup({ extraRoutes: (a) => a.get('/version', (c) => c.text('1')) });
    expect(await (await app.request('/version')).text()).toBe('1');
  });
});
