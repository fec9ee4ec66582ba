// The HTTP/1.1 clients of bench:limits, Connect unary proto bodies against
// whatever listens at `origin` (the bare node:http servers or the gateway):
// http1Load is bench:gateway's closed-loop autocannon load (bench/gateway/
// load.ts scoreLoad: keep-alive, answers counted by code); http1OpenLoop
// starts requests on a fixed schedule (open-loop.ts) for the half-capacity
// phase. Not autocannon there: its overallRate paces each connection and
// still waits for the answer before the connection's next request, a closed
// loop whose latency starts when the request is sent, not when it was due.
// So node:http with a keep-alive Agent of as many sockets as the cap, each
// answer read whole and named by answers.ts as bench:gateway names it.
// Sizing to the gateway's limits and /metrics scraping are the caller's.
import { Agent } from 'node:http';
import { Answers, connectError } from '../gateway/answers.js';
import { scoreLoad } from '../gateway/load.js';
import { postBatch } from '../gateway/server.js';
import { openLoop, type OpenLoopRun } from './open-loop.js';

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

/** Requests started at `rate` per second for `seconds`, at most `maxInFlight` at once (one kept-alive connection each). */
export async function http1OpenLoop(origin: string, bodies: readonly Uint8Array[], rate: number, seconds: number, maxInFlight: number): Promise<OpenLoopRun> {
  const agent = new Agent({ keepAlive: true, maxSockets: maxInFlight });
  const url = new URL(origin);
  const send = (i: number) =>
    postBatch(agent, url, bodies[i % bodies.length]!).then(
      ({ status, body }) => (status >= 200 && status < 300 ? 'ok' : connectError(status, body).code),
      (error: NodeJS.ErrnoException) => error.code ?? error.message,
    );
  try {
    return await openLoop({ rate, seconds, maxInFlight, send });
  } finally {
    agent.destroy();
  }
}
