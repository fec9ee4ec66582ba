// bench:limits' half-capacity phase (issue 18: "p99 ≤ 25 ms for 1,000-consumer
// requests at half of the measured capacity, over gRPC and Connect"). The
// capacity rows drive each target closed loop, so their p99 is the p99 at
// saturation; here the gateway's Connect and gRPC ports get requests started
// on a fixed schedule (open-loop.ts) at half the ok requests/s the same
// target reached in its capacity row of the same run, for the same seconds,
// latency counted from each request's due time. Reported, never asserted.
import { formatTable } from '../gateway/report.js';
import { sizeConnections } from '../gateway/sizing.js';
import { percentile } from '../soak/report.js';
import type { OpenLoopRun } from './open-loop.js';
import type { LimitRow } from './report.js';

/** The issue's target for p99, ms. */
export const P99_TARGET_MS = 25;
/** The share of the capacity row's ok requests/s asked. */
export const CAPACITY_SHARE = 0.5;
/** Requests in flight at most (lowered to what the gateway's byte budget and queue allow for the size's bodies). */
const MAX_IN_FLIGHT = 32;

export interface HalfCapacityRow {
  readonly target: string;
  /** ok requests/s of the target's capacity row. */
  readonly capacity_requests_per_s: number;
  /** Requests/s asked: CAPACITY_SHARE × capacity. */
  readonly rate_per_s: number;
  readonly scheduled: number;
  readonly ok: number;
  /** From due time to answer, ok requests only; null when none was ok. */
  readonly p50_ms: number | null;
  readonly p90_ms: number | null;
  readonly p99_ms: number | null;
  readonly max_ms: number | null;
  /** Requests that could not start when due because the cap was full. */
  readonly late_starts: number;
  /** The client's largest lag behind the schedule, the cap aside (timers, its busy event loop), ms. */
  readonly max_start_lag_ms: number;
  /** Still in flight at the drain limit. */
  readonly unanswered: number;
  readonly not_ok: Record<string, number>;
}

export interface HalfCapacity {
  readonly max_in_flight: number;
  readonly p99_target_ms: number;
  readonly rows: HalfCapacityRow[];
  /** Targets that could not be run at half capacity, and why. */
  readonly skipped: string[];
  /** No target skipped, and every row: every request answered ok, and p99 ≤ the target. */
  readonly met: boolean;
}

/** The rate asked of a target whose capacity row answered `capacity` ok requests/s; a clear error when there is none to halve. */
export function halfRate(target: string, capacity: number): number {
  if (!(Number.isFinite(capacity) && capacity > 0)) throw new Error(`${target}: its capacity row answered no request ok (${capacity} requests/s), so there is no half capacity to run at`);
  return CAPACITY_SHARE * capacity;
}

export function halfCapacityRow(target: string, capacity: number, run: OpenLoopRun): HalfCapacityRow {
  const at = (p: number) => (run.latenciesMs.length === 0 ? null : percentile(run.latenciesMs, p));
  return {
    target,
    capacity_requests_per_s: capacity,
    rate_per_s: halfRate(target, capacity),
    scheduled: run.scheduled,
    ok: run.ok,
    p50_ms: at(50),
    p90_ms: at(90),
    p99_ms: at(99),
    max_ms: at(100),
    late_starts: run.lateStarts,
    max_start_lag_ms: run.maxStartLagMs,
    unanswered: run.unanswered,
    not_ok: run.notOk,
  };
}

/** A row meets the target when each of its requests was answered ok and its p99 is within it. */
function meetsTarget(row: HalfCapacityRow): boolean {
  return row.ok === row.scheduled && row.p99_ms !== null && row.p99_ms <= P99_TARGET_MS;
}

export function halfCapacity(maxInFlight: number, rows: HalfCapacityRow[], skipped: string[] = []): HalfCapacity {
  return { max_in_flight: maxInFlight, p99_target_ms: P99_TARGET_MS, rows, skipped, met: skipped.length === 0 && rows.length > 0 && rows.every(meetsTarget) };
}

/** What a row got that a load sized to the gateway's limits should never get, one line each. */
export function unexpectedOf(row: HalfCapacityRow): string[] {
  const out = Object.entries(row.not_ok).map(([code, n]) => `${n} × ${code}`);
  if (row.unanswered > 0) out.push(`${row.unanswered} × no answer by the drain limit`);
  return out.map((line) => `${row.target} at half capacity: ${line}`);
}

/**
 * Each of `runs`' targets at half the ok requests/s of its capacity row,
 * with at most MAX_IN_FLIGHT in flight, or fewer when the gateway's byte
 * budget or queue would refuse that many of these bodies (the capacity rows'
 * sizing), so that a refusal is a finding.
 */
export async function halfCapacityPhase(
  size: number,
  body: number,
  rows: readonly LimitRow[],
  limits: Parameters<typeof sizeConnections>[2],
  runs: Record<string, (rate: number, cap: number) => Promise<OpenLoopRun>>,
  log: (line: string) => void,
): Promise<HalfCapacity> {
  const sizing = sizeConnections(body, MAX_IN_FLIGHT, limits);
  const cap = sizing.kind === 'run' ? sizing.connections : 1;
  const out: HalfCapacityRow[] = [];
  const skipped: string[] = [];
  for (const [target, run] of Object.entries(runs)) {
    const capacity = rows.find((r) => r.target === target)?.requests_per_s ?? NaN;
    let rate;
    try {
      rate = halfRate(target, capacity);
    } catch (error) {
      skipped.push((error as Error).message);
      continue;
    }
    out.push(halfCapacityRow(target, capacity, await run(rate, cap)));
    log(`${size}: ${target} at half capacity done`);
  }
  return halfCapacity(cap, out, skipped);
}

const ms = (x: number | null) => (x === null ? '-' : x.toFixed(1));

export function printHalfCapacity(log: (line: string) => void, h: HalfCapacity): void {
  log(`\nat half the capacity measured above, open loop (requests started on a schedule, latency from each one's due time; at most ${h.max_in_flight} in flight):`);
  log(
    formatTable([
      ['target', 'rate asked (req/s)', 'requests ok', 'p50 (ms)', 'p90 (ms)', 'p99 (ms)', 'max (ms)', 'late starts', 'client lag max (ms)', 'not ok'],
      ...h.rows.map((r) => [
        r.target,
        r.rate_per_s.toFixed(1),
        `${r.ok} of ${r.scheduled}`,
        ms(r.p50_ms),
        ms(r.p90_ms),
        ms(r.p99_ms),
        ms(r.max_ms),
        String(r.late_starts),
        r.max_start_lag_ms.toFixed(1),
        [...Object.entries(r.not_ok).map(([code, n]) => `${code} ${n}`), ...(r.unanswered > 0 ? [`no answer ${r.unanswered}`] : [])].join(', ') || '0',
      ]),
    ]),
  );
  for (const r of h.rows) {
    // Nearest rank: with fewer than 100 answers the 99th percentile is the slowest one.
    if (r.ok > 0 && r.ok < 100) log(`note: ${r.target}: ${r.ok} answers ok, so its p99 is its max; a longer --duration gives a steadier p99`);
  }
  for (const s of h.skipped) log(`not run: ${s}`);
  const misses = [...h.rows.filter((r) => !meetsTarget(r)).map((r) => `${r.target}: p99 ${ms(r.p99_ms)} ms, ${r.ok} of ${r.scheduled} ok`), ...h.skipped];
  log(`p99 target ${h.p99_target_ms} ms: ${h.met ? 'met' : `not met${misses.length > 0 ? ` (${misses.join('; ')})` : ''}`}`);
}
