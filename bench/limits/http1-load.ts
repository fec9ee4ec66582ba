// The HTTP/1.1 rows of bench:limits: bench:gateway's autocannon load
// (bench/gateway/load.ts scoreLoad: Connect unary proto bodies, keep-alive,
// answers counted by code) against whatever listens at `origin`, the bare
// node:http server or the gateway alike. Sizing to the gateway's limits and
// /metrics scraping are bench:gateway's business: this runs one size at a
// concurrency the caller picked.
import { Answers } from '../gateway/answers.js';
import { scoreLoad } from '../gateway/load.js';

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
  const result = await scoreLoad(origin, bodies, connections, seconds, answers);
  return { answers, errors: result.errors, seconds: result.duration, p50Ms: result.latency.p50, p99Ms: result.latency.p99 };
}
