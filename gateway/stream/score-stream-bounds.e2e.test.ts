// ScoreStream's bounds, against the built gateway with a raw node:http2 gRPC
// client (the frames and the flow control are what is tested): a stream of a
// million consumers in bounded server memory; a client that stops reading
// holds the server back (it stops reading too), then gets every answer; and
// SIGTERM during a stream, which either finishes or, once the shutdown
// timeout passes, ends with `unavailable` saying so.
import { readFileSync } from 'node:fs';
import { connect, type ClientHttp2Session, type ClientHttp2Stream, type IncomingHttpHeaders } from 'node:http2';
import { gridcode } from '#gen/scoring.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startGatewayProcess, type GatewayProcess } from '../../lib/gateway-process.js';
import { frame } from '../../lib/wire-calls.js';
import { MessageReader } from '../protocols/message-reader.js';

const PATH = '/gridcode.v1.ScoringService/ScoreStream';


/** `n` one-day consumers of 24 readings (ids `<prefix>-<i>`), as one ScoreStreamRequest. */
function message(n: number, prefix: string, header: gridcode.v1.IScoreStreamRequest = {}): Buffer {
  const loadKw = Array.from({ length: 24 }, (_, h) => (h >= 8 && h < 18 ? 6 : 0.4));
  return Buffer.from(frame(gridcode.v1.ScoreStreamRequest.encode({ ...header, consumers: Array.from({ length: n }, (_, i) => ({ id: `${prefix}-${i}`, category: 1 + (i % 3), loadKw })) }).finish()));
}

const HEADER = { startDate: '2026-11-02', pointsPerDay: 24 };

/** The server's resident memory (VmRSS of the process: its worker threads included), MiB. */
function rssMiB(pid: number): number {
  const match = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return match ? Number(match[1]) / 1024 : Number.NaN;
}

interface Responses {
  results: number;
  responses: number;
  status?: string;
  message?: string;
}

/** Opens a ScoreStream and counts what comes back (each response decoded). */
function open(session: ClientHttp2Session): { stream: ClientHttp2Stream; got: Responses; done: Promise<Responses> } {
  const stream = session.request({ ':method': 'POST', ':path': PATH, 'content-type': 'application/grpc', te: 'trailers' });
  const got: Responses = { results: 0, responses: 0 };
  const reader = new MessageReader(256 * 1024 * 1024);
  const status = (h: IncomingHttpHeaders): void => {
    if (h['grpc-status'] !== undefined) {
      got.status = String(h['grpc-status']);
      got.message = decodeURIComponent(String(h['grpc-message'] ?? ''));
    }
  };
  stream.on('response', status);
  stream.on('trailers', status);
  stream.on('data', (chunk: Buffer) => {
    for (const m of reader.push(chunk)) {
      got.responses++;
      got.results += gridcode.v1.ScoreStreamResponse.decode(m).results.length;
    }
  });
  const done = new Promise<Responses>((resolve) => {
    stream.on('error', () => {});
    stream.on('close', () => resolve(got));
  });
  return { stream, got, done };
}

/** Writes `frames` in order, waiting for 'drain'; resolves with how many went out before a stall of `stallMs` (all of them if none). */
async function writeAll(stream: ClientHttp2Stream, frames: () => Buffer, count: number, stallMs = 60_000): Promise<number> {
  for (let i = 0; i < count; i++) {
    if (stream.write(frames())) continue;
    const drained = await new Promise<boolean>((resolve) => {
      const timer = setTimeout(() => resolve(false), stallMs);
      stream.once('drain', () => {
        clearTimeout(timer);
        resolve(true);
      });
    });
    if (!drained) return i + 1;
  }
  return count;
}

describe('ScoreStream bounds', () => {
  let gw: GatewayProcess;
  let session: ClientHttp2Session;
  beforeAll(async () => {
    gw = await startGatewayProcess(['--workers', '2', '--log-level', 'warn']);
    session = connect(gw.h2);
  }, 60_000);
  afterAll(async () => {
    session?.close();
    if (gw) expect(await gw.stop()).toBe(0);
  });

  it('scores a stream of 1,000,000 consumers in bounded memory', async () => {
    const before = rssMiB(gw.child.pid!);
    let peak = before;
    const sampler = setInterval(() => (peak = Math.max(peak, rssMiB(gw.child.pid!))), 50);
    const started = performance.now();
    const { stream, done } = open(session);
    // 100 messages of 10,000 consumers (1.1 MB each): the same consumers' curves, each message its own ids.
    let m = 0;
    await writeAll(stream, () => message(10_000, `m${m}`, m++ === 0 ? HEADER : {}), 100);
    stream.end();
    const got = await done;
    clearInterval(sampler);
    const seconds = (performance.now() - started) / 1000;
    console.log(`score-stream: 1,000,000 consumers in ${seconds.toFixed(1)} s (${Math.round(1e6 / seconds)}/s), server RSS ${before.toFixed(0)} MiB before, ${peak.toFixed(0)} MiB at most`);
    expect([got.status, got.message]).toEqual(['0', '']);
    expect(got.results).toBe(1_000_000);
    expect(got.responses).toBe(101);
    // Held at once: a few 1.1 MB messages and their answers; a 1,000,000-consumer batch would be 110 MB of request alone.
    expect(peak - before).toBeLessThan(256);
  }, 120_000);

  it('answers each message as soon as it is scored: a client may wait for an answer before it sends more', async () => {
    const { stream, got, done } = open(session);
    for (let m = 0; m < 6; m++) {
      stream.write(message(50, `w${m}`, m === 0 ? HEADER : {}));
      await expect.poll(() => got.responses, { timeout: 10_000 }).toBe(m + 1);
    }
    stream.end();
    const all = await done;
    expect([all.status, all.results, all.responses]).toEqual(['0', 300, 7]);
  }, 60_000);

  it('stops reading while the client does not read its answers, then answers every consumer', async () => {
    const { stream, got, done } = open(session);
    stream.pause(); // the client reads nothing
    const features = { ...HEADER, includeFeatures: true };
    let m = 0;
    const total = 100;
    const next = (): Buffer => message(1_000, `p${m}`, m++ === 0 ? features : {});
    const beforeStall = await writeAll(stream, next, total, 1_500);
    // The server stopped reading: the client's writes stall long before the 100 messages (about 11 MB of answers) are out.
    expect(beforeStall).toBeLessThan(30);
    expect(got.responses).toBe(0);
    stream.resume();
    await writeAll(stream, next, total - beforeStall);
    stream.end();
    const all = await done;
    expect([all.status, all.results]).toEqual(['0', 100_000]);
  }, 60_000);
});

describe('ScoreStream and SIGTERM', () => {
  it('finishes a stream that ends within the shutdown timeout, and the gateway exits 0', async () => {
    const gw = await startGatewayProcess(['--workers', '1', '--log-level', 'warn', '--shutdown-timeout-ms', '10000']);
    const session = connect(gw.h2);
    try {
      const { stream, got, done } = open(session);
      stream.write(message(100, 'a', HEADER));
      await expect.poll(() => got.responses).toBe(1); // the stream is under way before SIGTERM
      const exit = gw.stop(20_000);
      await new Promise((resolve) => setTimeout(resolve, 300)); // draining: the stream goes on
      stream.write(message(100, 'b'));
      stream.end();
      const all = await done;
      expect([all.status, all.results]).toEqual(['0', 200]);
      expect(await exit).toBe(0);
    } finally {
      session.destroy();
    }
  }, 60_000);

  it('ends a stream still open at the shutdown timeout with unavailable, saying so', async () => {
    const gw = await startGatewayProcess(['--workers', '1', '--log-level', 'warn', '--shutdown-timeout-ms', '1500']);
    const session = connect(gw.h2);
    try {
      const { stream, got, done } = open(session);
      stream.write(message(100, 'a', HEADER));
      await expect.poll(() => got.responses).toBe(1);
      const exit = gw.stop(20_000);
      // A client that keeps its stream open past the timeout.
      const ticker = setInterval(() => stream.write(message(10, 't')), 100);
      const outcome = await done;
      clearInterval(ticker);
      expect(outcome.status).toBe('14');
      expect(outcome.message).toMatch(/shutdown timeout passed/);
      expect(got.results).toBeGreaterThanOrEqual(100);
      expect(await exit).toBe(1);
    } finally {
      session.destroy();
    }
  }, 60_000);
});
