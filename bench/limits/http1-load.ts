// The HTTP/1.1 rows of bench:limits: autocannon with the same options
// bench:gateway's load uses (bench/gateway/load.ts: Connect unary proto
// bodies, keep-alive, answers counted by code), against whatever listens at
// `origin`, the bare node:http server or the gateway alike. Sizing to the
// gateway's limits and /metrics scraping are bench:gateway's business: this
// runs one 1,000-consumer-class size at a concurrency the caller picked.
import autocannon from 'autocannon';
import { Answers } from '../gateway/answers.js';
import { SCORE_PATH } from '../gateway/server.js';

export interface Http1Run {
  readonly answers: Answers;
  /** Requests that never got an answer (connection errors, timeouts). */
  readonly errors: number;
  readonly seconds: number;
  readonly p50Ms: number;
  readonly p99Ms: number;
}

export async function http1Load(origin: string, bodies: readonly Uint8Array[], connections: number, seconds: number): Promise<Http1Run> {
  const answers = new Answers();
  const result = await autocannon({
    url: origin,
    connections,
    duration: seconds,
    timeout: 120,
    requests: bodies.map((body) => ({
      method: 'POST',
      path: SCORE_PATH,
      headers: { 'content-type': 'application/proto' },
      body: Buffer.from(body.buffer, body.byteOffset, body.byteLength),
      onResponse: (status: number, text: string) => answers.record(status, text),
    })),
  });
  return { answers, errors: result.errors, seconds: result.duration, p50Ms: result.latency.p50, p99Ms: result.latency.p99 };
}
