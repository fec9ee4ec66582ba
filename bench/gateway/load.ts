// One row of bench:gateway against the gateway: size the connections to the
// server's limits (sizing.ts), send one checked request, then autocannon for
// the duration, counting every answer by Connect code (answers.ts) and the
// server's refusals by reason from /metrics before and after
// (server-state.ts). Nothing here throws for what the server answers: a row
// that could not run says why, and the caller decides the exit code.
import autocannon, { type Result } from 'autocannon';
import { Agent } from 'node:http';
import { Answers, bodyLimitOf, connectError, unexpectedOf } from './answers.js';
import { postBatch, readSummary, SCORE_PATH } from './server.js';
import { counterDelta, scrape, scrapeSettled, type ServerState } from './server-state.js';
import { mib, sizeConnections, sizingLine, type QueueLimits, type ServerLimits } from './sizing.js';

export interface LoadTarget {
  readonly url: URL;
  readonly token: string | undefined;
  readonly connections: number;
  readonly duration: number;
  /** maxBodyBytes when known (a gateway the bench started); a --url gateway's is learned from a refusal. */
  bodyLimit: number | undefined;
  /** The queue limits when known (a gateway the bench started). */
  readonly queue: Omit<QueueLimits, 'workers'> | undefined;
  readonly log: (line: string) => void;
}

export type LoadOutcome =
  | { readonly kind: 'skipped'; readonly reason: string; /** True when the server answered what a sized load never should. */ readonly unexpected: boolean }
  | {
      readonly kind: 'ran';
      readonly connections: number;
      /** Why fewer connections than asked; empty when all. */
      readonly sizing: readonly string[];
      readonly result: Result;
      readonly answers: Answers;
      /** gridcode_requests_refused_total during the load, by reason; undefined when /metrics did not answer. */
      readonly refused: Record<string, number> | undefined;
      /** gridcode_requests_total{method="ScoreBatch"} during the load, by code. */
      readonly serverCodes: Record<string, number> | undefined;
      readonly unexpected: readonly string[];
    };

let metricsWarned = false;

async function state(target: LoadTarget, settled = false): Promise<ServerState | undefined> {
  try {
    return settled ? await scrapeSettled(target.url, target.token) : await scrape(target.url, target.token);
  } catch (error) {
    if (!metricsWarned) target.log(`note: ${(error as Error).message}: the load is not sized to the server's byte budget, and refusals are not counted by reason`);
    metricsWarned = true;
    return undefined;
  }
}

export async function loadRow(target: LoadTarget, size: number, bodies: readonly Uint8Array[]): Promise<LoadOutcome> {
  const largest = Math.max(...bodies.map((b) => b.byteLength));
  const first = await state(target);
  const limits: ServerLimits = {
    inflightBytes: first?.inflightLimit,
    bodyBytes: target.bodyLimit,
    queue: target.queue && first?.workers !== undefined ? { ...target.queue, workers: first.workers } : undefined,
  };
  const sizing = sizeConnections(largest, target.connections, limits);
  const line = sizingLine(size, sizing);
  if (line) target.log(line);
  if (sizing.kind === 'skip') return { kind: 'skipped', reason: sizing.reason, unexpected: false };

  // One request first, checked: every consumer comes back with a code.
  // A fresh connection: a kept-alive one may have been closed by the server while this process was busy timing the engine.
  const agent = new Agent({ keepAlive: false });
  let check;
  try {
    check = await postBatch(agent, target.url, bodies[0]!, target.token);
  } catch (error) {
    return skipped(target, size, `the check request failed: ${(error as Error).message}`, true);
  } finally {
    agent.destroy();
  }
  if (check.status !== 200) {
    const error = connectError(check.status, check.body);
    const limit = bodyLimitOf(error);
    if (limit !== undefined) {
      // A --url gateway's body limit is not in /metrics: its refusal names it; later rows are sized to it.
      target.bodyLimit = limit;
      return skipped(target, size, `its ${mib(largest)} bodies exceed the server's body limit of ${mib(limit)} (maxBodyBytes ${limit})`, false);
    }
    return skipped(target, size, `the check request was answered HTTP ${check.status} ${error.code}: ${error.message}`, true);
  }
  const summary = readSummary(check.body);
  if (summary.total !== size) return skipped(target, size, `the check response counts ${summary.total} consumers of ${size}`, true);

  const before = await state(target);
  const answers = new Answers();
  const result = await scoreLoad(target.url.origin, bodies, sizing.connections, target.duration, answers, target.token);
  const after = before ? await state(target, true) : undefined;
  const refused = before && after ? counterDelta(before.refused, after.refused) : undefined;
  const serverCodes = before && after ? counterDelta(before.scoreBatchCodes, after.scoreBatchCodes) : undefined;
  const connectionErrors = result.errors - result.timeouts;
  return {
    kind: 'ran',
    connections: sizing.connections,
    sizing: sizing.reasons,
    result,
    answers,
    refused,
    serverCodes,
    unexpected: unexpectedOf(answers, { errors: connectionErrors, timeouts: result.timeouts }, refused),
  };
}

/**
 * autocannon posting the bodies in turn as Connect unary proto requests to
 * `origin`'s ScoreBatch path over `connections` kept-alive connections for
 * `seconds`, every answer counted by code into `answers`. bench:limits drives
 * its bare node:http server with it too, so both see the same client.
 */
export function scoreLoad(origin: string, bodies: readonly Uint8Array[], connections: number, seconds: number, answers: Answers, token?: string): Promise<Result> {
  const headers: Record<string, string> = { 'content-type': 'application/proto' };
  if (token) headers['authorization'] = `Bearer ${token}`;
  return autocannon({
    url: origin,
    connections,
    duration: seconds,
    timeout: 120,
    requests: bodies.map((body) => ({
      method: 'POST',
      path: SCORE_PATH,
      headers,
      body: Buffer.from(body.buffer, body.byteOffset, body.byteLength),
      onResponse: (status: number, text: string) => answers.record(status, text),
    })),
  });
}

function skipped(target: LoadTarget, size: number, reason: string, unexpected: boolean): LoadOutcome {
  target.log(`${size.toLocaleString('en-US')} consumers per request: ${unexpected ? 'UNEXPECTED: ' : 'skipped, since '}${reason}`);
  return { kind: 'skipped', reason, unexpected };
}
