// grpc.health.v1.Health on the real app over h2c, called with @grpc/grpc-js
// (no bearer token: probes have none).
import { connect as http2Connect } from 'node:http2';
import * as grpc from '@grpc/grpc-js';
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { grpcClients, insecure, startTestServer, type TestServer } from '../../tests/support/gateway/test-server.js';

type HealthClient = grpc.Client & {
  Check(request: { service: string }, callback: (err: grpc.ServiceError | null, response?: { status: string }) => void): void;
  Watch(request: { service: string }, options?: grpc.CallOptions): grpc.ClientReadableStream<{ status: string }>;
};

let server: TestServer;
let client: HealthClient;

beforeAll(async () => {
  server = await startTestServer();
  client = new (grpcClients().Health)(server.address, insecure()) as unknown as HealthClient;
});
afterAll(async () => {
  client.close();
  await server.close();
});
beforeEach(() => server.health.set('serving'));

function check(service: string, on: HealthClient = client): Promise<{ status?: string; code: number; details?: string }> {
  return new Promise((resolve) => {
    on.Check({ service }, (err, response) => resolve(err ? { code: err.code, details: err.details } : { code: 0, status: response?.status }));
  });
}

/** A Watch call: the statuses received so far, and its final status once it ends. */
function watchStatuses(service: string, on: HealthClient = client, options: grpc.CallOptions = {}) {
  const call = on.Watch({ service }, options);
  const statuses: string[] = [];
  call.on('data', (message) => statuses.push(message.status));
  call.on('error', () => {}); // the status event below carries it
  const ended = new Promise<grpc.StatusObject>((resolve) => call.on('status', resolve));
  return { call, statuses, ended };
}

describe('Check', () => {
  it('answers SERVING for "" and for the scoring service when ready', async () => {
    expect(await check('')).toEqual({ code: 0, status: 'SERVING' });
    expect(await check('gridcode.v1.ScoringService')).toEqual({ code: 0, status: 'SERVING' });
  });

  it('answers NOT_SERVING once readiness flips, and SERVING again after', async () => {
    server.health.set('not-serving');
    expect(await check('')).toEqual({ code: 0, status: 'NOT_SERVING' });
    expect(await check('gridcode.v1.ScoringService')).toEqual({ code: 0, status: 'NOT_SERVING' });
    server.health.set('serving');
    expect(await check('')).toEqual({ code: 0, status: 'SERVING' });
  });

  it('answers NOT_FOUND for a service it does not know', async () => {
    const answer = await check('gridcode.v1.Nope');
    expect(answer.code).toBe(grpc.status.NOT_FOUND);
    expect(answer.details).toContain('unknown service "gridcode.v1.Nope"');
  });
});

describe('Watch', () => {
  it('sends the status at once, then each change, and stops when the client cancels', async () => {
    const watch = watchStatuses('');
    await vi.waitFor(() => expect(watch.statuses).toEqual(['SERVING']));
    server.health.set('not-serving');
    await vi.waitFor(() => expect(watch.statuses).toEqual(['SERVING', 'NOT_SERVING']));
    server.health.set('serving');
    await vi.waitFor(() => expect(watch.statuses).toEqual(['SERVING', 'NOT_SERVING', 'SERVING']));
    expect(server.health.subscribers).toBeGreaterThan(0);
    watch.call.cancel();
    expect((await watch.ended).code).toBe(grpc.status.CANCELLED);
    await vi.waitFor(() => expect(server.health.subscribers).toBe(0));
  });

  it('sends SERVICE_UNKNOWN for an unknown service and keeps watching', async () => {
    const watch = watchStatuses('gridcode.v1.Nope');
    let ended = false;
    void watch.ended.then(() => (ended = true));
    await vi.waitFor(() => expect(watch.statuses).toEqual(['SERVICE_UNKNOWN']));
    server.health.set('not-serving');
    await new Promise((resolve) => setTimeout(resolve, 200));
    // Still open, and a change of the server's state is no news for an unknown service.
    expect([ended, watch.statuses]).toEqual([false, ['SERVICE_UNKNOWN']]);
    watch.call.cancel();
    expect((await watch.ended).code).toBe(grpc.status.CANCELLED);
  });

  it('ends with DEADLINE_EXCEEDED at its deadline', async () => {
    const watch = watchStatuses('', client, { deadline: Date.now() + 300 });
    expect((await watch.ended).code).toBe(grpc.status.DEADLINE_EXCEEDED);
    expect(watch.statuses).toEqual(['SERVING']);
    await vi.waitFor(() => expect(server.health.subscribers).toBe(0));
  });
});

describe('outside gRPC over HTTP/2', () => {
  /** A Connect unary call with an empty body, over HTTP/2 (h2c) or HTTP/1.1. */
  async function connectCall(url: string, overH2c: boolean): Promise<{ status: number; body: string }> {
    const headers = { 'content-type': 'application/proto' };
    if (!overH2c) {
      const res = await fetch(url, { method: 'POST', headers, body: new Uint8Array() });
      return { status: res.status, body: await res.text() };
    }
    const { origin, pathname } = new URL(url);
    const session = http2Connect(origin);
    try {
      return await new Promise((resolve, reject) => {
        const stream = session.request({ ':method': 'POST', ':path': pathname, ...headers });
        let status = 0;
        let body = '';
        stream.on('response', (head) => (status = Number(head[':status'])));
        stream.on('data', (chunk: Buffer) => (body += chunk.toString()));
        stream.on('end', () => resolve({ status, body }));
        stream.on('error', reject);
        stream.end();
      });
    } finally {
      session.close();
    }
  }

  it('answers unimplemented (unknown procedure) to Connect, over HTTP/1.1 and over h2c', async () => {
    for (const [base, overH2c] of [[server.httpUrl, false], [server.h2Url, true]] as const) {
      const res = await connectCall(`${base}/grpc.health.v1.Health/Check`, overH2c);
      expect([overH2c, res.status]).toEqual([overH2c, 404]);
      expect(JSON.parse(res.body)).toMatchObject({ code: 'unimplemented' });
    }
  });
});
