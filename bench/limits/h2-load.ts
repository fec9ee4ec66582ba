// The gRPC (h2c) clients of bench:limits, on one node:http2 session each,
// with the same framed bytes for the bare node:http2 server and the gateway's
// gRPC port (autocannon speaks only HTTP/1.1): h2Load is closed loop,
// `streams` concurrent unary ScoreBatch calls each starting the next as soon
// as it is answered, for `seconds`; h2OpenLoop starts calls on a fixed
// schedule (open-loop.ts) for the half-capacity phase. Responses are read and
// collected by lib/wire-calls.ts's collectH2Response (grpc-status from the
// headers of a Trailers-Only answer, else from the trailers) and dropped; a
// call is ok when its grpc-status is 0, others are counted by code name.
import { connect, type ClientHttp2Session } from 'node:http2';
import { encodeFrame } from '../../gateway/protocols/framing.js';
import { collectH2Response, GRPC_CODE_NAMES } from '../../lib/wire-calls.js';
import { percentile, round1 } from '../soak/report.js';
import { SCORE_PATH } from '../gateway/server.js';
import { openLoop, type OpenLoopRun } from './open-loop.js';

export interface H2Run {
  readonly ok: number;
  /** Calls that ended with another grpc-status or a stream error, by status or error code. */
  readonly failed: Record<string, number>;
  readonly seconds: number;
  readonly p50Ms: number;
  readonly p99Ms: number;
}

/** gRPC message frames of the bodies (one copy each, made before the clock starts). */
export function frames(bodies: readonly Uint8Array[]): Uint8Array[] {
  return bodies.map((body) => encodeFrame(0, body));
}

interface Session {
  readonly session: ClientHttp2Session;
  /** The session's error, once it had one. */
  error(): Error | undefined;
}

async function openSession(origin: string): Promise<Session> {
  // maxSessionMemory in MB: every stream writes a whole body at once, and Node's client refuses answers while more than it is queued unsent (gateway/protocols/http2-upload.ts).
  const session = connect(origin, { maxSessionMemory: 256 });
  let sessionError: Error | undefined;
  session.on('error', (error) => (sessionError = error));
  await new Promise<void>((resolve, reject) => {
    session.once('connect', () => resolve());
    session.once('error', reject);
  });
  return { session, error: () => sessionError };
}

/** One unary ScoreBatch call: 'ok', or the grpc code name or stream error; `answered` when a response came back. */
async function grpcCall(session: ClientHttp2Session, body: Uint8Array): Promise<{ outcome: string; answered: boolean }> {
  const stream = session.request({ ':method': 'POST', ':path': SCORE_PATH, 'content-type': 'application/grpc+proto', te: 'trailers' });
  const answer = collectH2Response(stream);
  stream.end(body);
  try {
    const { headers, trailers } = await answer;
    const status = headers['grpc-status'] ?? trailers?.['grpc-status'];
    const outcome = status === '0' ? 'ok' : status === undefined ? 'no grpc-status' : (GRPC_CODE_NAMES[Number(status)] ?? `grpc-status ${String(status)}`);
    return { outcome, answered: true };
  } catch (error) {
    return { outcome: (error as NodeJS.ErrnoException).code ?? (error as Error).message, answered: false };
  }
}

export async function h2Load(origin: string, framed: readonly Uint8Array[], streams: number, seconds: number): Promise<H2Run> {
  const { session, error } = await openSession(origin);
  const failed: Record<string, number> = {};
  const latencies: number[] = [];
  let ok = 0;
  let next = 0;
  const call = async (body: Uint8Array) => {
    const started = performance.now();
    const { outcome, answered } = await grpcCall(session, body);
    if (answered) latencies.push(performance.now() - started);
    if (outcome === 'ok') ok++;
    else failed[outcome] = (failed[outcome] ?? 0) + 1;
  };
  const started = performance.now();
  const end = started + seconds * 1000;
  const loop = async () => {
    while (performance.now() < end && !error()) await call(framed[next++ % framed.length]!);
  };
  await Promise.all(Array.from({ length: streams }, loop));
  const elapsed = (performance.now() - started) / 1000;
  session.close();
  const sessionError = error();
  if (sessionError) failed[`session: ${sessionError.message}`] = 1;
  latencies.sort((a, b) => a - b);
  return { ok, failed, seconds: elapsed, p50Ms: round1(percentile(latencies, 50)), p99Ms: round1(percentile(latencies, 99)) };
}

/** Calls started at `rate` per second for `seconds`, at most `maxInFlight` at once, on one session. */
export async function h2OpenLoop(origin: string, framed: readonly Uint8Array[], rate: number, seconds: number, maxInFlight: number): Promise<OpenLoopRun> {
  const { session, error } = await openSession(origin);
  try {
    const run = await openLoop({ rate, seconds, maxInFlight, send: async (i) => (await grpcCall(session, framed[i % framed.length]!)).outcome });
    const sessionError = error();
    return sessionError ? { ...run, notOk: { ...run.notOk, [`session: ${sessionError.message}`]: 1 } } : run;
  } finally {
    // destroy, not close: calls still in flight at the drain limit must not keep the process waiting.
    session.destroy();
  }
}

