// What the balancer costs: the same closed-loop load (ScoreBatch over Connect
// on HTTP/1.1 and over gRPC on h2c, pre-encoded bytes sent with fetch and
// node:http2, lib/wire-calls.ts) straight to one gateway, through HAProxy to
// that same gateway alone, and through HAProxy to all N, in one run, the
// three targets taking turns round after round so that the machine's drift
// falls on all of them alike. Throughput and latency percentiles, and their
// ratios to the direct connection.
import { closeSessions, connectCall, grpcCall } from '../../lib/wire-calls.js';

export interface Target {
  readonly name: string;
  readonly base: string;
  readonly h2: string;
}

export interface CostRow {
  readonly target: string;
  readonly protocol: 'connect' | 'grpc';
  readonly requests: number;
  readonly failed: number;
  readonly perSecond: number;
  readonly p50Ms: number;
  readonly p99Ms: number;
  /** The first few failures' codes and messages. */
  readonly reasons: readonly string[];
}

export interface CostPlan {
  /** Concurrent requests (closed loop). */
  readonly concurrency: number;
  /** Length of one turn of one target and protocol, ms. */
  readonly turnMs: number;
  readonly rounds: number;
}

function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}

/**
 * One turn: `concurrency` loops sending `body` for `ms`; each latency in ms, the failures, and how long the turn
 * really took (ms): the calls in flight at the end finish after it, longer through a slower target.
 */
async function turn(target: Target, protocol: CostRow['protocol'], body: Uint8Array, concurrency: number, ms: number): Promise<{ latencies: number[]; failed: number; reasons: string[]; tookMs: number }> {
  const latencies: number[] = [];
  const reasons: string[] = [];
  let failed = 0;
  const begin = performance.now();
  const end = begin + ms;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (performance.now() < end) {
        const started = performance.now();
        try {
          const outcome =
            protocol === 'connect' ? await connectCall(target.base, 'ScoreBatch', body, { 'content-type': 'application/proto' }) : await grpcCall(target.h2, 'ScoreBatch', body, {});
          if (outcome.code === 'ok') latencies.push(performance.now() - started);
          else if (++failed <= 3) reasons.push(`${outcome.code}: ${outcome.message}`);
        } catch (error) {
          if (++failed <= 3) reasons.push(String(error));
        }
      }
    }),
  );
  return { latencies, failed, reasons, tookMs: performance.now() - begin };
}

export async function measureCost(targets: readonly Target[], body: Uint8Array, plan: CostPlan, log: (line: string) => void = () => {}): Promise<CostRow[]> {
  const protocols = ['connect', 'grpc'] as const;
  const samples = new Map<string, { latencies: number[]; failed: number; ms: number; reasons: string[] }>();
  const key = (t: Target, p: string) => `${t.name}\0${p}`;
  // One warm-up turn each (connections, JIT), not counted.
  for (const t of targets) for (const p of protocols) await turn(t, p, body, plan.concurrency, Math.min(500, plan.turnMs));
  for (let round = 0; round < plan.rounds; round++) {
    for (const p of protocols) {
      for (const t of round % 2 === 0 ? targets : [...targets].reverse()) {
        const { latencies, failed, reasons, tookMs } = await turn(t, p, body, plan.concurrency, plan.turnMs);
        const into = samples.get(key(t, p)) ?? { latencies: [], failed: 0, ms: 0, reasons: [] };
        into.reasons.push(...reasons.slice(0, 3 - into.reasons.length));
        into.latencies.push(...latencies);
        into.failed += failed;
        into.ms += tookMs;
        samples.set(key(t, p), into);
      }
    }
    log(`round ${round + 1} of ${plan.rounds} done`);
  }
  closeSessions();
  return protocols.flatMap((protocol) =>
    targets.map((t) => {
      const s = samples.get(key(t, protocol))!;
      const sorted = [...s.latencies].sort((a, b) => a - b);
      return { target: t.name, protocol, requests: sorted.length, failed: s.failed, perSecond: (sorted.length * 1000) / s.ms, p50Ms: percentile(sorted, 50), p99Ms: percentile(sorted, 99), reasons: s.reasons };
    }),
  );
}

/** The rows as a table, each with its ratios to the first target (direct) of the same protocol. */
export function costTable(rows: readonly CostRow[]): string[] {
  const lines = ['| protocol | target | requests | failed | req/s | × direct | p50 ms | × direct | p99 ms | × direct |', '|---|---|---:|---:|---:|---:|---:|---:|---:|---:|'];
  for (const row of rows) {
    const base = rows.find((r) => r.protocol === row.protocol)!;
    const ratio = (a: number, b: number) => (a / b).toFixed(2);
    lines.push(
      `| ${row.protocol} | ${row.target} | ${row.requests} | ${row.failed} | ${row.perSecond.toFixed(1)} | ${ratio(row.perSecond, base.perSecond)} | ${row.p50Ms.toFixed(1)} | ${ratio(row.p50Ms, base.p50Ms)} | ${row.p99Ms.toFixed(1)} | ${ratio(row.p99Ms, base.p99Ms)} |`,
    );
  }
  return lines;
}
