// writeHttp2Reply on a real node:http2 server and client: Trailers-Only
// errors, whole replies 'sent', replies the client resets 'abandoned' and
// counted towards the session's GOAWAY, so that a client abandoning many
// replies gets a fresh connection instead of ENHANCE_YOUR_CALM refusals.
import { connect, constants, createServer, type ClientHttp2Session, type Http2Server, type Http2ServerResponse } from 'node:http2';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Delivery } from '../rpc/env.js';
import { writeHttp2Reply, WRITE_SLICE_BYTES, type Http2Reply } from './http2-reply.js';
import { ABANDONED_BYTES_PER_SESSION } from './http2-upload.js';

const BIG = new Uint8Array(2 * 1024 * 1024).fill(7);
let server: Http2Server;
let url: string;
const deliveries: Delivery[] = [];

beforeAll(async () => {
  server = createServer((req, res: Http2ServerResponse) => {
    req.resume();
    req.on('end', () => {
      const path = req.url;
      const reply: Http2Reply =
        path === '/error'
          ? { status: 200, headers: { 'content-type': 'application/grpc', 'grpc-status': '3', 'grpc-message': 'bad' }, body: null }
          : { status: 200, headers: { 'content-type': 'application/grpc' }, body: path === '/big' ? BIG : new Uint8Array(10), trailers: { 'grpc-status': '0' } };
      void writeHttp2Reply(res, reply).then((d) => deliveries.push(d));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

interface Outcome {
  readonly endAfterHeaders: boolean;
  readonly status: string | undefined;
  readonly bytes: number;
  readonly rstCode: number;
}

function request(session: ClientHttp2Session, path: string, abandon = false): Promise<Outcome> {
  return new Promise((resolve) => {
    const stream = session.request({ ':method': 'POST', ':path': path });
    let endAfterHeaders = false;
    let status: string | undefined;
    let bytes = 0;
    stream.on('response', (headers, flags) => {
      endAfterHeaders = (flags & constants.NGHTTP2_FLAG_END_STREAM) !== 0;
      status = headers['grpc-status'] as string | undefined;
    });
    stream.on('trailers', (trailers) => (status = trailers['grpc-status'] as string | undefined));
    stream.on('data', (chunk: Buffer) => {
      bytes += chunk.byteLength;
      if (abandon) stream.close(constants.NGHTTP2_CANCEL);
    });
    stream.on('error', () => {});
    stream.on('close', () => resolve({ endAfterHeaders, status, bytes, rstCode: stream.rstCode ?? 0 }));
    stream.end('x');
  });
}

describe('writeHttp2Reply', () => {
  it('writes an error without body as Trailers-Only, and a reply whole with its trailers', async () => {
    const session = connect(url);
    try {
      expect(await request(session, '/error')).toEqual({ endAfterHeaders: true, status: '3', bytes: 0, rstCode: 0 });
      expect(await request(session, '/big')).toEqual({ endAfterHeaders: false, status: '0', bytes: BIG.byteLength, rstCode: 0 });
    } finally {
      session.close();
    }
  });

  it('counts replies the client resets towards a GOAWAY, and no stream is ever refused', async () => {
    const abandons = Math.ceil(ABANDONED_BYTES_PER_SESSION / WRITE_SLICE_BYTES) + 8;
    let session = connect(url);
    let goaways = 0;
    const watch = (s: ClientHttp2Session): void => {
      s.on('goaway', () => goaways++);
      s.on('error', () => {});
    };
    watch(session);
    deliveries.length = 0;
    const refused: number[] = [];
    let retried = 0;
    // A stream sent just before the GOAWAY arrived is refused unprocessed (REFUSED_STREAM, RFC 9113 §8.7):
    // safe to send again on a new connection, as gRPC clients do.
    const call = async (path: string, abandon: boolean): Promise<Outcome> => {
      if (session.closed || session.destroyed || goaways > 0) {
        session.close();
        session = connect(url);
        goaways = 0;
        watch(session);
      }
      const outcome = await request(session, path, abandon);
      if (outcome.rstCode !== constants.NGHTTP2_REFUSED_STREAM) return outcome;
      retried++;
      session.close();
      session = connect(url);
      goaways = 0;
      watch(session);
      return request(session, path, abandon);
    };
    let sessions = 1;
    for (let i = 0; i < abandons; i++) {
      const before = session;
      const abandoned = await call('/big', true);
      if (abandoned.rstCode !== constants.NGHTTP2_CANCEL) refused.push(abandoned.rstCode);
      const next = await call('/small', false);
      if (next.rstCode !== 0 || next.status !== '0') refused.push(next.rstCode);
      if (session !== before) sessions++;
    }
    session.close();
    // Before: the session kept every abandoned reply's unsent bytes counted and refused streams
    // with ENHANCE_YOUR_CALM (11) from about the 50th on, without a GOAWAY.
    expect(refused).toEqual([]);
    expect(sessions, `${retried} streams sent again after a GOAWAY`).toBeGreaterThan(1);
    await expect.poll(() => deliveries.filter((d) => d === 'abandoned').length).toBe(abandons);
  });
});
