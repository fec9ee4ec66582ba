// The health and reflection calls on the wire, with node:http2 and hand-made
// frames: where the status travels (Trailers-Only or trailers), bad input
// (each a clear status, never a hang), messages split across DATA frames
// anyhow, deadlines, cancels and flow control.
import { connect as http2Connect, type ClientHttp2Session, type ClientHttp2Stream } from 'node:http2';
import { setImmediate as tick } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { grpc } from '#gen/grpc-services.js';
import { concatBytes, encodeFrame } from '../protocols/framing.js';
import { DEFAULT_MAX_MESSAGE_BYTES } from './index.js';
import { startTestServer, type TestServer } from '../../tests/support/gateway/test-server.js';
import { collectH2Response } from '../../lib/wire-calls.js';

const { HealthCheckRequest, HealthCheckResponse, } = grpc.health.v1;
const { ServerReflectionRequest, ServerReflectionResponse } = grpc.reflection.v1;

const CHECK = '/grpc.health.v1.Health/Check';
const WATCH = '/grpc.health.v1.Health/Watch';
const REFLECT = '/grpc.reflection.v1.ServerReflection/ServerReflectionInfo';

let server: TestServer;
let session: ClientHttp2Session;

beforeAll(async () => {
  server = await startTestServer();
  session = http2Connect(server.h2Url);
});
afterAll(async () => {
  session.close();
  await server.close();
});

type Outcome = Awaited<ReturnType<typeof collectH2Response>>;

function open(path: string, headers: Record<string, string> = {}): { stream: ClientHttp2Stream; outcome: Promise<Outcome> } {
  const stream = session.request({ ':method': 'POST', ':path': path, 'content-type': 'application/grpc', te: 'trailers', ...headers });
  return { stream, outcome: collectH2Response(stream) };
}

function call(path: string, body: Uint8Array, headers: Record<string, string> = {}): Promise<Outcome> {
  const { stream, outcome } = open(path, headers);
  stream.end(body);
  return outcome;
}

/** The payloads of the length-prefixed messages in a response body. */
function messages(data: Buffer): Buffer[] {
  const out: Buffer[] = [];
  for (let at = 0; at < data.byteLength; ) {
    const length = data.readUInt32BE(at + 1);
    out.push(data.subarray(at + 5, at + 5 + length));
    at += 5 + length;
  }
  return out;
}

/** A Trailers-Only error: the status in the one HEADERS frame, no body, no trailers. */
function expectTrailersOnly(outcome: Outcome, status: number, message: RegExp): void {
  expect(outcome.headers[':status']).toBe(200);
  expect(outcome.headers['content-type']).toBe('application/grpc');
  expect([outcome.headers['grpc-status'], decodeURIComponent(String(outcome.headers['grpc-message']))]).toEqual([String(status), expect.stringMatching(message)]);
  expect(outcome.trailers).toBeUndefined();
  expect(outcome.data.byteLength).toBe(0);
}

const checkRequest = (service: string): Uint8Array => encodeFrame(0, HealthCheckRequest.encode({ service }).finish());
const reflectRequest = (init: grpc.reflection.v1.IServerReflectionRequest): Uint8Array => encodeFrame(0, ServerReflectionRequest.encode(init).finish());

describe('status on the wire', () => {
  it('sends an answer as HEADERS, one message, then grpc-status 0 in trailers', async () => {
    const outcome = await call(CHECK, checkRequest(''));
    expect(outcome.headers['grpc-status']).toBeUndefined();
    expect(outcome.trailers?.['grpc-status']).toBe('0');
    expect(messages(outcome.data).map((m) => HealthCheckResponse.decode(m).status)).toEqual([HealthCheckResponse.ServingStatus.SERVING]);
  });

  it('sends an error before any message Trailers-Only', async () => {
    expectTrailersOnly(await call(CHECK, checkRequest('nope')), 5, /^unknown service "nope"/);
  });
});

describe('bad input', () => {
  it.each([
    ['a compressed encoding', CHECK, checkRequest(''), { 'grpc-encoding': 'gzip' }, 12, /grpc-encoding gzip is not supported/],
    ['a malformed grpc-timeout', CHECK, checkRequest(''), { 'grpc-timeout': 'soon' }, 3, /malformed grpc-timeout/],
    ['a compressed flag', CHECK, encodeFrame(1, HealthCheckRequest.encode({ service: '' }).finish()), {}, 3, /unexpected message flags 0x1/],
    ['a body cut inside a message', CHECK, checkRequest('abc').subarray(0, 6), {}, 3, /ended inside a message/],
    ['no message', CHECK, new Uint8Array(), {}, 3, /expected one HealthCheckRequest, got none/],
    ['two messages', WATCH, concatBytes([checkRequest(''), checkRequest('')]), {}, 3, /expected one HealthCheckRequest, got more/],
    ['a malformed HealthCheckRequest', CHECK, encodeFrame(0, Uint8Array.of(0x0a, 0x05, 0x61)), {}, 3, /malformed HealthCheckRequest/],
    ['a malformed reflection request', REFLECT, encodeFrame(0, Uint8Array.of(0xff)), {}, 3, /malformed ServerReflectionRequest/],
  ])('answers %s with a status', async (_what, path, body, headers, status, message) => {
    expectTrailersOnly(await call(path, body, headers), status, message);
  });

  it('refuses a message over the limit from its length prefix, while the client is still sending', async () => {
    const { stream, outcome } = open(REFLECT);
    const prefix = Buffer.alloc(5);
    prefix.writeUInt32BE(DEFAULT_MAX_MESSAGE_BYTES + 1, 1);
    stream.write(prefix);
    stream.write(Buffer.alloc(1000));
    expectTrailersOnly(await outcome, 3, new RegExp(`of ${DEFAULT_MAX_MESSAGE_BYTES + 1} bytes is over the limit of ${DEFAULT_MAX_MESSAGE_BYTES} bytes`));
  });

  it('ends a Watch at its grpc-timeout with deadline_exceeded, after the status it sent', async () => {
    const outcome = await call(WATCH, checkRequest(''), { 'grpc-timeout': '150m' });
    expect(messages(outcome.data)).toHaveLength(1);
    expect(outcome.trailers?.['grpc-status']).toBe('4');
  });
});

describe('reflection streams', () => {
  it('reads messages split across DATA frames at every byte', async () => {
    const hosts = ['one', 'two', 'three'];
    const body = concatBytes(hosts.map((host) => reflectRequest({ host, listServices: '' })));
    const { stream, outcome } = open(REFLECT);
    for (let i = 0; i < body.byteLength; i++) {
      stream.write(body.subarray(i, i + 1));
      await tick();
    }
    stream.end();
    const { data, trailers } = await outcome;
    expect(trailers?.['grpc-status']).toBe('0');
    expect(messages(data).map((m) => ServerReflectionResponse.decode(m).validHost)).toEqual(hosts);
  });

  it('stops reading requests while its answers are not read (flow control), then answers them all', async () => {
    // About 3 MB of requests: more than the server's flow-control windows (512 KiB a stream, grpc-server.ts) let in unread.
    const count = 3_000;
    const request = reflectRequest({ fileByFilename: `missing/${'x'.repeat(1_000)}.proto` });
    const { stream, outcome } = open(REFLECT);
    stream.pause();
    let sent = false;
    stream.end(concatBytes(Array.from({ length: count }, () => request)), () => (sent = true));
    await new Promise((resolve) => setTimeout(resolve, 500));
    // The server took at most what the HTTP/2 windows allow, so the client cannot have sent all its requests.
    expect(sent).toBe(false);
    stream.resume();
    const { data, trailers } = await outcome;
    expect(sent).toBe(true);
    expect(trailers?.['grpc-status']).toBe('0');
    expect(messages(data)).toHaveLength(count);
  });

  it('survives a client that cancels mid-stream; the connection stays usable', async () => {
    const { stream, outcome } = open(REFLECT);
    stream.write(reflectRequest({ listServices: '' }));
    stream.once('data', () => stream.close());
    await expect(outcome).resolves.toBeDefined();
    const after = await call(CHECK, checkRequest(''));
    expect(after.trailers?.['grpc-status']).toBe('0');
    expect(server.errors).toEqual([]);
  });
});
