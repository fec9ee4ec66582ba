// HTTP/2 uploads that end early, on a real h2c server (the app with the fake
// service) and node:http2 as the client: the client whose refused uploads
// must not poison its connection is Node's own (see http2-upload.ts).
import { connect, constants, type ClientHttp2Session, type ClientHttp2Stream } from 'node:http2';
import type { AddressInfo } from 'node:net';
import { PassThrough } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { createApp } from '../app.js';
import { createGrpcServer } from '../grpc-server.js';
import { fakeAuthenticate, fakeService, validateRequest } from '../../tests/support/gateway/fake-service.js';
import { encodeFrame } from './framing.js';
import type { RpcObservation } from '../rpc/logger.js';
import { ByteBudget } from '../middleware/admission/byte-budget.js';
import { discardBody } from './http2-upload.js';

describe('discardBody', () => {
  it('reads a body to its end and keeps none of it', async () => {
    const stream = new PassThrough();
    const done = discardBody(stream);
    stream.write(Buffer.alloc(1000));
    stream.end(Buffer.alloc(24));
    expect(await done).toEqual({ bytes: 1024, complete: true });
  });

  it('stops at its byte bound and leaves the rest unread', async () => {
    const stream = new PassThrough();
    const done = discardBody(stream, { maxBytes: 1500 });
    stream.write(Buffer.alloc(1000));
    stream.write(Buffer.alloc(1000));
    expect(await done).toEqual({ bytes: 2000, complete: false });
    expect(stream.isPaused()).toBe(true);
    stream.write(Buffer.alloc(1000));
    expect(stream.readableLength).toBe(1000);
  });

  it('stops at its time bound, and when the signal aborts', async () => {
    expect(await discardBody(new PassThrough(), { maxMs: 20 })).toEqual({ bytes: 0, complete: false });
    const controller = new AbortController();
    const done = discardBody(new PassThrough(), { signal: controller.signal });
    controller.abort();
    expect(await done).toEqual({ bytes: 0, complete: false });
  });
});

/** A request's outcome: grpc-status (headers or trailers), HTTP status and the stream's reset code. */
function outcome(stream: ClientHttp2Stream): Promise<{ grpc: string | undefined; http: number | undefined; rst: number }> {
  return new Promise((resolve) => {
    let grpc: string | undefined;
    let http: number | undefined;
    stream.on('response', (h) => ((grpc = h['grpc-status'] as string | undefined), (http = h[':status'])));
    stream.on('trailers', (t) => (grpc ??= t['grpc-status'] as string | undefined));
    stream.on('error', () => {});
    stream.resume();
    stream.on('close', () => resolve({ grpc, http, rst: stream.rstCode ?? 0 }));
  });
}

const MAX_BODY = 256 * 1024;
/** Above half of Node's default client maxSessionMemory (10 MB): two early answers used to exhaust it. */
const UPLOAD = 6 * 1000 * 1000;
const VALIDATE = '/gridcode.v1.ScoringService/ValidateRuleSet';

describe('an h2c server, uploads that end early', () => {
  let server: ReturnType<typeof createGrpcServer>;
  let url: string;
  const observed: RpcObservation[] = [];

  beforeAll(async () => {
    const app = createApp({
      service: fakeService().service,
      authenticate: fakeAuthenticate,
      observe: (o) => observed.push(o),
      logger: { error: () => {} },
      limits: { maxBodyBytes: MAX_BODY },
    });
    server = createGrpcServer({ app });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => new Promise((resolve) => server.close(resolve)));

  function open(): ClientHttp2Session {
    const session = connect(url);
    session.on('error', () => {});
    return session;
  }

  function grpc(session: ClientHttp2Session, body: Uint8Array) {
    const stream = session.request({ ':method': 'POST', ':path': VALIDATE, 'content-type': 'application/grpc', te: 'trailers', authorization: 'Bearer good' });
    const result = outcome(stream);
    stream.end(body);
    return result;
  }

  it('keeps the connection usable after gRPC uploads refused for their size', async () => {
    const session = open();
    const over = encodeFrame(0, validateRequest('y'.repeat(UPLOAD)));
    const results = [await grpc(session, over), await grpc(session, over), await grpc(session, over), await grpc(session, encodeFrame(0, validateRequest('ok')))];
    session.destroy();
    expect(results.map((r) => [r.grpc, r.rst])).toEqual([['3', 0], ['3', 0], ['3', 0], ['0', 0]]);
  });

  it('keeps the connection usable after Connect uploads refused on their Content-Length', async () => {
    const session = open();
    const connectCall = () => {
      const stream = session.request({ ':method': 'POST', ':path': VALIDATE, 'content-type': 'application/proto', 'content-length': String(UPLOAD), authorization: 'Bearer good' });
      const result = outcome(stream);
      stream.end(Buffer.alloc(UPLOAD));
      return result;
    };
    const results = [await connectCall(), await connectCall(), await connectCall(), await grpc(session, encodeFrame(0, validateRequest('ok')))];
    session.destroy();
    expect(results.map((r) => [r.http, r.rst])).toEqual([[400, 0], [400, 0], [400, 0], [200, 0]]);
    expect(results[3]!.grpc).toBe('0');
  });

  /** Sends 100 bytes of a 4,096-byte message, then `giveUp`; the server's verdict. */
  async function cutUpload(giveUp: (stream: ClientHttp2Stream) => void): Promise<string> {
    const session = open();
    const before = observed.length;
    const stream = session.request({ ':method': 'POST', ':path': VALIDATE, 'content-type': 'application/grpc', te: 'trailers', authorization: 'Bearer good' });
    stream.on('error', () => {});
    stream.write(Buffer.concat([Buffer.from([0, 0, 0, 0x10, 0]), Buffer.alloc(100)]));
    await vi.waitFor(() => expect(stream.sentHeaders).toBeDefined());
    await new Promise((r) => setTimeout(r, 50));
    giveUp(stream);
    await vi.waitFor(() => expect(observed.length).toBe(before + 1));
    session.destroy();
    return observed[before]!.code;
  }

  it('counts a client that cancels mid-upload as canceled, however its http2 stack resets', async () => {
    // close(CANCEL) sends END_STREAM first, then RST_STREAM; destroy() only RST_STREAM.
    expect(await cutUpload((s) => s.close(constants.NGHTTP2_CANCEL))).toBe('canceled');
    expect(await cutUpload((s) => s.destroy())).toBe('canceled');
  });

  it('still answers a body that ends short of its length prefix, without a reset, as invalid_argument', async () => {
    expect(await cutUpload((s) => s.end())).toBe('invalid_argument');
  });
});

describe('an h2c server that is busy', () => {
  const LIMIT = 4 * 1024 * 1024;
  /** Six of these are 18 MB: far past the 10 MB a default Node client may have left unsent. */
  const BUSY_UPLOAD = 3 * 1000 * 1000;
  let server: ReturnType<typeof createGrpcServer>;
  let url: string;
  const budget = new ByteBudget(LIMIT);

  beforeAll(async () => {
    const app = createApp({
      service: fakeService().service,
      authenticate: fakeAuthenticate,
      logger: { error: () => {} },
      limits: { maxBodyBytes: 2 * LIMIT },
      admission: { budget },
    });
    server = createGrpcServer({ app });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => new Promise((resolve) => server.close(resolve)));

  it('resets uploads it refuses as busy, and sends GOAWAY before their unsent bytes exhaust a default Node client', async () => {
    const held = budget.open();
    expect(held.take(LIMIT)).toBe(true);
    // A client as connect-node's session manager is: a new connection once the server said GOAWAY.
    let sessions = 0;
    let goaway = false;
    const open = (): ClientHttp2Session => {
      const opened = connect(url);
      sessions++;
      goaway = false;
      opened.on('error', () => {});
      opened.once('goaway', () => (goaway = true));
      return opened;
    };
    let session = open();
    const current = (): ClientHttp2Session => {
      if (session.closed || session.destroyed || goaway) session = open();
      return session;
    };
    const send = (headers: Record<string, string>, body: Uint8Array) => {
      const stream = current().request({ ':method': 'POST', ':path': VALIDATE, te: 'trailers', authorization: 'Bearer good', ...headers });
      const result = outcome(stream);
      stream.end(body);
      return result;
    };
    const grpcUpload = () => send({ 'content-type': 'application/grpc' }, encodeFrame(0, validateRequest('y'.repeat(BUSY_UPLOAD))));
    const connectUpload = () => send({ 'content-type': 'application/proto', 'content-length': String(BUSY_UPLOAD) }, new Uint8Array(BUSY_UPLOAD));
    const refused = [];
    for (let i = 0; i < 3; i++) refused.push(await grpcUpload(), await connectUpload());
    expect(refused.map((r) => r.grpc ?? String(r.http))).toEqual(['8', '429', '8', '429', '8', '429']);
    expect(refused.filter((r) => r.rst === constants.NGHTTP2_ENHANCE_YOUR_CALM)).toEqual([]);
    expect(sessions).toBeGreaterThan(1);

    held.release();
    const ok = await send({ 'content-type': 'application/grpc' }, encodeFrame(0, validateRequest('ok')));
    session.destroy();
    expect([ok.grpc, ok.rst]).toEqual(['0', 0]);
    expect(budget.inFlight).toBe(0);
  });
});
