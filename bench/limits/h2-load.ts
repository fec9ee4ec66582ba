// A closed-loop gRPC (h2c) client for bench:limits: `streams` concurrent
// unary ScoreBatch calls on one node:http2 session, each starting the next
// as soon as it is answered, for `seconds`. autocannon speaks only HTTP/1.1,
// so the h2 rows (the bare node:http2 server and the gateway's gRPC port)
// use this instead, both with the same framed bytes. Responses are read and
// collected by lib/wire-calls.ts's collectH2Response (grpc-status from the
// headers of a Trailers-Only answer, else from the trailers) and dropped; a
// call is ok when its grpc-status is 0, others are counted by code name.
import { connect } from 'node:http2';
import { encodeFrame } from '../../gateway/protocols/framing.js';
import { collectH2Response, GRPC_CODE_NAMES } from '../../lib/wire-calls.js';
import { percentile } from '../soak/report.js';
import { SCORE_PATH } from '../gateway/server.js';

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

export async function h2Load(origin: string, framed: readonly Uint8Array[], streams: number, seconds: number): Promise<H2Run> {
  // maxSessionMemory in MB: every stream writes a whole body at once, and Node's client refuses answers while more than it is queued unsent (gateway/protocols/http2-upload.ts).
  const session = connect(origin, { maxSessionMemory: 256 });
  let sessionError: Error | undefined;
  session.on('error', (error) => (sessionError = error));
  await new Promise<void>((resolve, reject) => {
    session.once('connect', () => resolve());
    session.once('error', reject);
  });
  const failed: Record<string, number> = {};
  const latencies: number[] = [];
  let ok = 0;
  let next = 0;
  const count = (key: string) => (failed[key] = (failed[key] ?? 0) + 1);
  const call = async (body: Uint8Array) => {
    const started = performance.now();
    const stream = session.request({ ':method': 'POST', ':path': SCORE_PATH, 'content-type': 'application/grpc+proto', te: 'trailers' });
    const answer = collectH2Response(stream);
    stream.end(body);
    try {
      const { headers, trailers } = await answer;
      latencies.push(performance.now() - started);
      const status = headers['grpc-status'] ?? trailers?.['grpc-status'];
      if (status === '0') ok++;
      else count(status === undefined ? 'no grpc-status' : (GRPC_CODE_NAMES[Number(status)] ?? `grpc-status ${String(status)}`));
    } catch (error) {
      count((error as NodeJS.ErrnoException).code ?? (error as Error).message);
    }
  };
  const started = performance.now();
  const end = started + seconds * 1000;
  const loop = async () => {
    while (performance.now() < end && !sessionError) await call(framed[next++ % framed.length]!);
  };
  await Promise.all(Array.from({ length: streams }, loop));
  const elapsed = (performance.now() - started) / 1000;
  session.close();
  if (sessionError) failed[`session: ${sessionError.message}`] = 1;
  latencies.sort((a, b) => a - b);
  return { ok, failed, seconds: elapsed, p50Ms: round1(percentile(latencies, 50)), p99Ms: round1(percentile(latencies, 99)) };
}

const round1 = (x: number) => Math.round(x * 10) / 10;
