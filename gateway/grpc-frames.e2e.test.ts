// The HTTP/2 frames of gRPC errors, read with a raw node:http2 client against
// the built gateway: an error is Trailers-Only (ONE HEADERS frame with
// END_STREAM, seen as `endAfterHeaders`), including when the server gives up
// on a stream whose upload is still going (busy, deadline) and resets it
// afterwards; a full server adds grpc-retry-pushback-ms; a response the
// client abandons half-read leaves the connection usable. Standard clients
// (grpc-js, grpcio, grpc-go) report "no status" for anything else. Needs the
// build (npm run build): without dist/ the run stops at once.
import { connect, constants, type ClientHttp2Session, type IncomingHttpHeaders } from 'node:http2';
import { gridcode } from '#gen/scoring.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startGatewayProcess, type GatewayProcess } from '../lib/gateway-process.js';
import { frame, SERVICE_PATH } from '../lib/wire-calls.js';

const MAX_BODY = 8 * 1024 * 1024;
let gw: GatewayProcess;

beforeAll(async () => {
  gw = await startGatewayProcess(['--workers', '1', '--log-level', 'warn', '--max-body-bytes', String(MAX_BODY), '--max-inflight-bytes', String(MAX_BODY)]);
}, 60_000);

afterAll(async () => {
  if (gw) expect(await gw.stop()).toBe(0);
});

interface Exchange {
  readonly headers: IncomingHttpHeaders;
  readonly endAfterHeaders: boolean;
  readonly trailers: IncomingHttpHeaders | undefined;
  readonly dataBytes: number;
  readonly rstCode: number;
}

/** Sends `body` on a new stream of `session`; `abandonAfter` bytes of response, it cancels the stream (RST_STREAM CANCEL). */
function exchange(session: ClientHttp2Session, method: string, body: Uint8Array, headers: Record<string, string> = {}, abandonAfter?: number): Promise<Exchange> {
  return new Promise((resolve, reject) => {
    const stream = session.request({ ':method': 'POST', ':path': SERVICE_PATH + method, 'content-type': 'application/grpc', te: 'trailers', ...headers });
    let head: IncomingHttpHeaders = {};
    let trailers: IncomingHttpHeaders | undefined;
    let dataBytes = 0;
    let endAfterHeaders = false;
    stream.on('response', (h, flags) => {
      head = h;
      endAfterHeaders = (flags & constants.NGHTTP2_FLAG_END_STREAM) !== 0;
    });
    stream.on('trailers', (t) => (trailers = t));
    stream.on('data', (chunk: Buffer) => {
      dataBytes += chunk.byteLength;
      if (abandonAfter !== undefined && dataBytes >= abandonAfter) stream.close(constants.NGHTTP2_CANCEL);
    });
    stream.on('error', (error: NodeJS.ErrnoException) => {
      if (error.code !== 'ERR_HTTP2_STREAM_ERROR') reject(error);
    });
    stream.on('close', () => resolve({ headers: head, endAfterHeaders, trailers, dataBytes, rstCode: stream.rstCode ?? 0 }));
    stream.end(body);
  });
}

const request = (r: gridcode.v1.IScoreBatchRequest): Uint8Array => frame(gridcode.v1.ScoreBatchRequest.encode(r).finish());

/** `n` consumers of 30 days × 96 readings: about 11.6 KB each. */
function bigBatch(n: number): Uint8Array {
  const loadKw = Array.from({ length: 2880 }, (_, i) => 0.3 + (i % 96) / 50);
  return request({ startDate: '2026-03-02', consumers: Array.from({ length: n }, (_, i) => ({ id: `c${i}`, category: 1, loadKw })) });
}

describe('the frames of gRPC errors (raw node:http2)', () => {
  let session: ClientHttp2Session;
  beforeAll(() => {
    session = connect(gw.h2);
  });
  afterAll(() => session.close());

  it('an error is Trailers-Only: one HEADERS frame with END_STREAM and grpc-status', async () => {
    const bad = await exchange(session, 'ScoreBatch', request({ startDate: '2026-03-02', pointsPerDay: 7 }));
    expect(bad.endAfterHeaders).toBe(true);
    expect(bad.headers[':status']).toBe(200);
    expect(bad.headers['content-type']).toMatch(/^application\/grpc/);
    expect(bad.headers['grpc-status']).toBe('3');
    expect(decodeURIComponent(String(bad.headers['grpc-message']))).toMatch(/points_per_day 7 is not supported/);
    expect([bad.dataBytes, bad.trailers]).toEqual([0, undefined]);

    const unknown = await exchange(session, 'Nope', frame(new Uint8Array(0)));
    expect([unknown.endAfterHeaders, unknown.headers['grpc-status']]).toEqual([true, '12']);

    // A success: headers, the message, then real trailers.
    const ok = await exchange(session, 'ListRuleSets', frame(new Uint8Array(0)));
    expect([ok.endAfterHeaders, ok.headers['grpc-status'], ok.trailers?.['grpc-status']]).toEqual([false, undefined, '0']);
    expect(ok.dataBytes).toBeGreaterThan(5);
  });

  it('a deadline that passes during the upload: the status first (Trailers-Only), then the reset', async () => {
    const body = bigBatch(600); // about 7 MB
    const late = await exchange(session, 'ScoreBatch', body, { 'grpc-timeout': '20m' });
    expect(late.endAfterHeaders).toBe(true);
    expect(late.headers['grpc-status']).toBe('4');
    expect(decodeURIComponent(String(late.headers['grpc-message']))).toMatch(/deadline of 20 ms passed/);
  });

  it('a full server: RESOURCE_EXHAUSTED with grpc-retry-pushback-ms, in one HEADERS frame, before any reset', async () => {
    const body = bigBatch(400); // about 4.6 MB, over half the byte budget: only one at a time
    // One connection each: Node's client refuses answers while over 10 MB of its uploads are queued (http2-upload.ts).
    const sessions = [0, 1, 2].map(() => connect(gw.h2));
    const outcomes = await Promise.all(sessions.map((s) => exchange(s, 'ScoreBatch', body)));
    for (const s of sessions) s.close();
    const busy = outcomes.filter((o) => o.headers['grpc-status'] === '8');
    expect(busy.length).toBeGreaterThan(0);
    for (const o of busy) {
      expect(o.endAfterHeaders).toBe(true);
      expect(o.headers['grpc-retry-pushback-ms']).toBe('1000');
    }
    expect(outcomes.filter((o) => o.trailers?.['grpc-status'] === '0').length).toBeGreaterThan(0);
  });

  it('responses abandoned half-read never poison the connection', async () => {
    // About 11 MB of response each (features of 60,000 one-day consumers), cancelled after 1 MB.
    const loadKw = Array.from({ length: 24 }, (_, h) => 0.2 + h / 10);
    const big = request({ startDate: '2026-03-02', pointsPerDay: 24, includeFeatures: true, consumers: Array.from({ length: 60_000 }, (_, i) => ({ id: `meter-${i}`, loadKw })) });
    const own = connect(gw.h2);
    try {
      for (let i = 0; i < 5; i++) {
        const abandoned = await exchange(own, 'ScoreBatch', big, {}, 1 << 20);
        expect([i, abandoned.rstCode]).toEqual([i, constants.NGHTTP2_CANCEL]);
        const next = await exchange(own, 'ListRuleSets', frame(new Uint8Array(0)));
        // Before: RST_STREAM ENHANCE_YOUR_CALM (11) for every later stream on the connection.
        expect([i, next.rstCode, next.trailers?.['grpc-status']]).toEqual([i, 0, '0']);
      }
    } finally {
      own.close();
    }
  });
});
