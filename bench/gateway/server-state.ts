// The gateway's own view of a row, from GET /metrics before and after it:
// its byte budget and workers (to size the load), and its counters of
// refusals by reason and of ScoreBatch answers by code (a 429 does not say
// whether the byte budget or the queue refused; the server's counter does).
// The same for a gateway the bench started and for one at --url; for the
// latter the counters are server-wide, other clients included.
import { samples } from '../../lib/prometheus-text.js';

export interface ServerState {
  /** gridcode_inflight_request_bytes_limit (maxInflightBytes); undefined when absent or 0 (no budget bound). */
  readonly inflightLimit: number | undefined;
  /** gridcode_inflight_request_bytes: request bytes held now. */
  readonly inflightBytes: number;
  /** gridcode_pool_workers. */
  readonly workers: number | undefined;
  /** gridcode_requests_refused_total by reason. */
  readonly refused: Readonly<Record<string, number>>;
  /** gridcode_requests_total{method="ScoreBatch"} by code, all protocols. */
  readonly scoreBatchCodes: Readonly<Record<string, number>>;
}

export function parseServerState(exposition: string): ServerState {
  const one = (name: string): number | undefined => samples(exposition, name)[0]?.value;
  const limit = one('gridcode_inflight_request_bytes_limit');
  const refused: Record<string, number> = {};
  for (const s of samples(exposition, 'gridcode_requests_refused_total')) {
    const reason = s.labels['reason'] ?? '';
    refused[reason] = (refused[reason] ?? 0) + s.value;
  }
  const scoreBatchCodes: Record<string, number> = {};
  for (const s of samples(exposition, 'gridcode_requests_total')) {
    if (s.labels['method'] !== 'ScoreBatch') continue;
    const code = s.labels['code'] ?? '';
    scoreBatchCodes[code] = (scoreBatchCodes[code] ?? 0) + s.value;
  }
  return {
    inflightLimit: limit !== undefined && limit > 0 && Number.isFinite(limit) ? limit : undefined,
    inflightBytes: one('gridcode_inflight_request_bytes') ?? 0,
    workers: one('gridcode_pool_workers'),
    refused,
    scoreBatchCodes,
  };
}

/** after − before, by key, keeping every key either has (counters only grow; a restart shows as negative and is kept so). */
export function counterDelta(before: Readonly<Record<string, number>>, after: Readonly<Record<string, number>>): Record<string, number> {
  const out: Record<string, number> = {};
  for (const key of [...new Set([...Object.keys(before), ...Object.keys(after)])].sort()) out[key] = (after[key] ?? 0) - (before[key] ?? 0);
  return out;
}

/** Reads /metrics of the gateway at `origin`; throws with the reason when it does not answer. */
export async function scrape(origin: URL, token?: string): Promise<ServerState> {
  return parseServerState(await metricsText(origin, token));
}

/** The text of GET /metrics of the gateway at `origin`; throws with the reason when it does not answer. */
export async function metricsText(origin: URL, token?: string): Promise<string> {
  const headers: Record<string, string> = token ? { authorization: `Bearer ${token}` } : {};
  let response: Response;
  try {
    response = await fetch(new URL('/metrics', origin), { headers, signal: AbortSignal.timeout(10_000) });
  } catch (error) {
    throw new Error(`GET ${new URL('/metrics', origin).href} failed: ${(error as Error).message}`);
  }
  if (!response.ok) throw new Error(`GET ${new URL('/metrics', origin).href} answered ${response.status}`);
  return response.text();
}

/**
 * /metrics once the requests still in flight when the load stopped are done
 * (their bytes back in the budget), so that the counters include them and the
 * next measurement starts on an idle server; after `waitMs` it reads anyway
 * (a --url gateway may have other clients).
 */
export async function scrapeSettled(origin: URL, token: string | undefined, waitMs = 15_000): Promise<ServerState> {
  const until = performance.now() + waitMs;
  for (;;) {
    const state = await scrape(origin, token);
    if (state.inflightBytes === 0 || performance.now() >= until) return state;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}
