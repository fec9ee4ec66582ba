// Real servers on 127.0.0.1 port 0 and real @connectrpc/connect-node clients:
// gRPC over h2c, Connect (binary and JSON) and gRPC-Web over HTTP/1.1.
import { connect as http2Connect, type ClientHttp2Session } from 'node:http2';
import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import type { Http2Server, ServerHttp2Session } from 'node:http2';
import { gzipSync } from 'node:zlib';
import { createAdaptorServer } from '@hono/node-server';
import { Code, ConnectError, createClient, type Client, type Transport } from '@connectrpc/connect';
import { compressionGzip, createConnectTransport, createGrpcTransport, createGrpcWebTransport } from '@connectrpc/connect-node';
import type { DescService } from '@bufbuild/protobuf';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { createApp } from './app.js';
import { createGrpcServer } from './grpc-server.js';
import { encodeFrame, FLAG_COMPRESSED } from './protocols/framing.js';
import { fakeAuthenticate, fakeService, validateRequest, type FakeCall } from '../tests/support/gateway/fake-service.js';
import { loadRegistry } from '../lib/proto-registry.js';
import { collectH2Response } from '../lib/wire-calls.js';
import type { RpcObservation } from './rpc/logger.js';
import { ERROR_CODES, type ErrorCode } from './rpc/codes.js';

let httpServer: Server;
let h2Server: Http2Server;
let httpUrl: string;
let h2Url: string;
let calls: FakeCall[];
let observed: RpcObservation[];
let service: DescService;
const sessions = new Set<ServerHttp2Session>();

const MAX_BODY = 256 * 1024;

function listen(server: Server | Http2Server): Promise<string> {
  return new Promise((resolve) => {
    server.listen(0, '127.0.0.1', () => resolve(`http://127.0.0.1:${(server.address() as AddressInfo).port}`));
  });
}

beforeAll(async () => {
  const registry = loadRegistry();
  service = registry.getService('gridcode.v1.ScoringService')!;
  const fake = fakeService();
  calls = fake.calls;
  observed = [];
  const app = createApp({
    service: fake.service,
    authenticate: fakeAuthenticate,
    observe: (o) => observed.push(o),
    logger: { error: () => {} },
    limits: { maxBodyBytes: MAX_BODY },
  });
  httpServer = createAdaptorServer({ fetch: app.fetch }) as Server;
  h2Server = createGrpcServer({ app });
  h2Server.on('session', (session) => sessions.add(session));
  httpUrl = await listen(httpServer);
  h2Url = await listen(h2Server);
}, 60_000);

afterAll(async () => {
  httpServer.closeAllConnections();
  await new Promise((r) => httpServer.close(r));
  for (const session of sessions) session.destroy();
  await new Promise((r) => h2Server.close(r));
});

const auth = { headers: { authorization: 'Bearer good' } };

type Transports = Record<string, () => Transport>;
const transports: Transports = {
  grpc: () => createGrpcTransport({ baseUrl: h2Url }),
  'grpc+gzip': () => createGrpcTransport({ baseUrl: h2Url, sendCompression: compressionGzip, compressMinBytes: 0 }),
  'connect proto': () => createConnectTransport({ baseUrl: httpUrl, httpVersion: '1.1', useBinaryFormat: true }),
  'connect json': () => createConnectTransport({ baseUrl: httpUrl, httpVersion: '1.1', useBinaryFormat: false }),
  'connect+gzip': () => createConnectTransport({ baseUrl: httpUrl, httpVersion: '1.1', useBinaryFormat: true, sendCompression: compressionGzip, compressMinBytes: 0 }),
  'connect over h2c': () => createConnectTransport({ baseUrl: h2Url, httpVersion: '2', useBinaryFormat: true }),
  'grpc-web': () => createGrpcWebTransport({ baseUrl: httpUrl, httpVersion: '1.1', useBinaryFormat: true }),
  'grpc-web+gzip': () => createGrpcWebTransport({ baseUrl: httpUrl, httpVersion: '1.1', sendCompression: compressionGzip, compressMinBytes: 0 }),
};

// The generic client of a registry service: methods by local name.
type AnyClient = Record<string, (input: Record<string, unknown>, options?: Record<string, unknown>) => Promise<Record<string, unknown>>>;
function client(make: () => Transport): AnyClient {
  return createClient(service, make()) as unknown as AnyClient & Client<DescService>;
}

async function connectError(promise: Promise<unknown>): Promise<ConnectError> {
  try {
    await promise;
  } catch (err) {
    return ConnectError.from(err);
  }
  throw new Error('expected an error');
}

const CONNECT_CODE: Record<ErrorCode, Code> = {
  canceled: Code.Canceled,
  unknown: Code.Unknown,
  invalid_argument: Code.InvalidArgument,
  deadline_exceeded: Code.DeadlineExceeded,
  not_found: Code.NotFound,
  permission_denied: Code.PermissionDenied,
  resource_exhausted: Code.ResourceExhausted,
  unimplemented: Code.Unimplemented,
  internal: Code.Internal,
  unavailable: Code.Unavailable,
  unauthenticated: Code.Unauthenticated,
};

describe.each(Object.keys(transports))('%s client', (name) => {
  const make = transports[name]!;

  it('calls all three methods', async () => {
    const c = client(make);
    expect(await c.validateRuleSet!({ source: 'hello' }, auth)).toMatchObject({ valid: true, id: 'hello' });
    const list = (await c.listRuleSets!({}, auth)) as { ruleSets: { id: string; isDefault: boolean }[] };
    expect(list.ruleSets[0]).toMatchObject({ id: 'default', isDefault: true });
    const batch = (await c.scoreBatch!({ consumers: [{ id: 'a' }, { id: 'b' }] }, auth)) as { results: { id: string }[]; summary: { total: number } };
    expect(batch.results.map((r) => r.id)).toEqual(['a', 'b']);
    expect(batch.summary.total).toBe(2);
  });

  it('sees every error code with its message', async () => {
    const c = client(make);
    for (const code of Object.keys(ERROR_CODES) as ErrorCode[]) {
      const err = await connectError(c.validateRuleSet!({ source: `error:${code}` }, auth));
      expect([name, code, err.code]).toEqual([name, code, CONNECT_CODE[code]]);
      expect(err.rawMessage).toBe(`custom ${code} message`);
    }
  });

  it('never sees internal error text', async () => {
    const err = await connectError(client(make).validateRuleSet!({ source: 'crash' }, auth));
    expect(err.code).toBe(Code.Internal);
    expect(err.rawMessage).toMatch(/^internal error \(request id [0-9a-f-]+\)$/);
  });

  it('gets unauthenticated without a token', async () => {
    const err = await connectError(client(make).validateRuleSet!({ source: 'x' }));
    expect(err.code).toBe(Code.Unauthenticated);
  });

  it('gets deadline_exceeded from timeoutMs, and the service sees the abort', async () => {
    const before = calls.length;
    const err = await connectError(client(make).validateRuleSet!({ source: 'wait' }, { ...auth, timeoutMs: 100 }));
    expect(err.code).toBe(Code.DeadlineExceeded);
    await vi.waitFor(() => expect(calls.slice(before).find((c) => c.abortReason)?.abortReason).toBeDefined());
  });

  it('gets invalid_argument for a body over the limit', async () => {
    const err = await connectError(client(make).validateRuleSet!({ source: 'y'.repeat(MAX_BODY + 10) }, auth));
    // gzip senders squeeze the repeated text under the limit on the wire; the decompressed size is still limited.
    expect(err.code).toBe(Code.InvalidArgument);
    expect(err.rawMessage).toContain(`limit of ${MAX_BODY} bytes`);
  });
});

describe('gRPC over h2c, on the wire', () => {
  let session: ClientHttp2Session;
  beforeAll(() => {
    session = http2Connect(h2Url);
  });
  afterAll(() => session.close());

  function call(body: Uint8Array, headers: Record<string, string>, path = '/gridcode.v1.ScoringService/ValidateRuleSet') {
    const stream = session.request({ ':method': 'POST', ':path': path, 'content-type': 'application/grpc', te: 'trailers', authorization: 'Bearer good', ...headers });
    const reply = collectH2Response(stream);
    stream.end(body);
    return reply;
  }

  it('sends the message then grpc-status 0 in real HTTP/2 trailers', async () => {
    const res = await call(encodeFrame(0, validateRequest('wire')), {});
    expect(res.headers[':status']).toBe(200);
    expect(res.headers['content-type']).toBe('application/grpc+proto');
    expect(res.headers['grpc-status']).toBeUndefined();
    expect(res.trailers?.['grpc-status']).toBe('0');
    expect(res.data.byteLength).toBeGreaterThan(5);
  });

  it('sends errors Trailers-Only: grpc-status in the one HEADERS frame', async () => {
    const res = await call(encodeFrame(0, validateRequest('error:not_found')), {});
    expect(res.headers[':status']).toBe(200);
    expect(res.headers['grpc-status']).toBe('5');
    expect(res.headers['grpc-message']).toBe('custom not_found message');
    expect(res.trailers).toBeUndefined();
    expect(res.data.byteLength).toBe(0);
  });

  it('accepts grpc-encoding: gzip and refuses others with unimplemented', async () => {
    const ok = await call(encodeFrame(FLAG_COMPRESSED, gzipSync(validateRequest('z'))), { 'grpc-encoding': 'gzip' });
    expect(ok.trailers?.['grpc-status']).toBe('0');
    const bad = await call(encodeFrame(FLAG_COMPRESSED, validateRequest('z')), { 'grpc-encoding': 'br' });
    expect(bad.headers['grpc-status']).toBe('12');
  });

  it('answers unknown methods with unimplemented and malformed grpc-timeout with invalid_argument', async () => {
    const unknown = await call(encodeFrame(0, new Uint8Array()), {}, '/gridcode.v1.ScoringService/Nope');
    expect(unknown.headers['grpc-status']).toBe('12');
    const timeout = await call(encodeFrame(0, validateRequest('x')), { 'grpc-timeout': 'soon' });
    expect(timeout.headers['grpc-status']).toBe('3');
  });

  it('cancels the service call when the client resets the stream', async () => {
    const before = calls.length;
    const stream = session.request({ ':method': 'POST', ':path': '/gridcode.v1.ScoringService/ValidateRuleSet', 'content-type': 'application/grpc', authorization: 'Bearer good' });
    stream.on('error', () => {});
    stream.end(encodeFrame(0, validateRequest('wait')));
    await vi.waitFor(() => expect(calls.length).toBe(before + 1));
    stream.close();
    await vi.waitFor(() => expect(calls[before]?.abortReason).toMatchObject({ code: 'canceled' }));
    await vi.waitFor(() => expect(observed.some((o) => o.code === 'canceled' && o.protocol === 'grpc')).toBe(true));
  });
});

describe('HTTP/1.1 server', () => {
  it('cancels the service call when the client disconnects', async () => {
    const before = calls.length;
    const controller = new AbortController();
    const pending = fetch(`${httpUrl}/gridcode.v1.ScoringService/ValidateRuleSet`, {
      method: 'POST',
      headers: { 'content-type': 'application/proto', authorization: 'Bearer good' },
      body: validateRequest('wait'),
      signal: controller.signal,
    }).catch(() => undefined);
    await vi.waitFor(() => expect(calls.length).toBe(before + 1));
    controller.abort();
    await pending;
    await vi.waitFor(() => expect(calls[before]?.abortReason).toMatchObject({ code: 'canceled' }));
  });

  it('refuses a large Content-Length before reading the body', async () => {
    const res = await fetch(`${httpUrl}/gridcode.v1.ScoringService/ValidateRuleSet`, {
      method: 'POST',
      headers: { 'content-type': 'application/proto', authorization: 'Bearer good' },
      body: new Uint8Array(MAX_BODY + 1),
    });
    expect(res.status).toBe(400);
    expect(await res.json()).toMatchObject({ code: 'invalid_argument' });
  });
});
