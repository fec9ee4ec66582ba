// Wall time per request at the server, from the gateway's GET /metrics read
// before and after a row (names and meanings in gateway/ops/metrics.ts and
// gateway/ops/scrape-gauges.ts):
//   gridcode_request_duration_seconds{method="ScoreBatch",protocol}: from the
//     rpc middleware taking the request (headers read, body not yet) to its
//     reply's last byte handed to the socket;
//   gridcode_pool_busy_seconds_total: seconds the scoring workers spent
//     running tasks, summed over workers (not time queued);
//   gridcode_engine_seconds: the engine's features, peers and rules of a
//     batch, in the worker (one observation per ScoreBatch);
//   gridcode_worker_restarts_total: scoring workers that died and were
//     replaced (a dead worker's thread takes its CPU out of the thread kinds).
// Each is divided by the row's requests (the duration histogram's count for
// the row's protocol), so the three are means per request in seconds.
import { samples, valueOf } from '../../lib/prometheus-text.js';

/** The counters of one scrape that the wall-time rows need. */
export interface ServerClock {
  readonly requests: number;
  readonly requestSeconds: number;
  readonly workerSeconds: number;
  readonly engineSeconds: number;
  readonly workerRestarts: number;
}

/** The gateway's clocks for ScoreBatch over `protocol` (connect, grpc, …), from /metrics text. */
export function serverClock(exposition: string, protocol: string): ServerClock {
  const labels = { method: 'ScoreBatch', protocol };
  for (const name of ['gridcode_request_duration_seconds_count', 'gridcode_pool_busy_seconds_total', 'gridcode_engine_seconds_sum', 'gridcode_worker_restarts_total']) {
    if (samples(exposition, name).length === 0 && !exposition.includes(`# TYPE ${name.replace(/_(count|sum)$/, '')} `)) {
      throw new Error(`the gateway's /metrics has no ${name}: not a gridcode gateway, or a version that does not export it`);
    }
  }
  return {
    requests: valueOf(exposition, 'gridcode_request_duration_seconds_count', labels),
    requestSeconds: valueOf(exposition, 'gridcode_request_duration_seconds_sum', labels),
    workerSeconds: valueOf(exposition, 'gridcode_pool_busy_seconds_total'),
    engineSeconds: valueOf(exposition, 'gridcode_engine_seconds_sum'),
    workerRestarts: valueOf(exposition, 'gridcode_worker_restarts_total'),
  };
}

/** Mean ms per request over a row, from the clocks before and after it; NaN when no request ended in between. */
export interface WallPerRequest {
  readonly requests: number;
  readonly requestMs: number;
  readonly workerMs: number;
  readonly engineMs: number;
  /** Workers that died and were replaced during the row (a count, not per request). */
  readonly workerRestarts: number;
}

export function wallPerRequest(before: ServerClock, after: ServerClock): WallPerRequest {
  const requests = after.requests - before.requests;
  const per = (a: number, b: number) => (requests > 0 ? ((a - b) * 1000) / requests : NaN);
  return {
    requests,
    requestMs: per(after.requestSeconds, before.requestSeconds),
    workerMs: per(after.workerSeconds, before.workerSeconds),
    engineMs: per(after.engineSeconds, before.engineSeconds),
    workerRestarts: after.workerRestarts - before.workerRestarts,
  };
}
