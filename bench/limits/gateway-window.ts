// One gateway row of bench:limits, measured three ways over the same window:
// the whole process's CPU (/proc/<pid>/stat), the CPU of each thread kind
// (/proc/<pid>/task/*/stat, threads.ts) and the server's own clocks (GET
// /metrics, server-times.ts). Order matters: /metrics is read outside the
// /proc window, so that serving the scrape is not counted as the load's CPU;
// the end is read once the process has stopped using CPU (settledCpu), after
// the requests still in flight at the client's deadline are done.
import { metricsText } from '../gateway/server-state.js';
import { gatewayDetail, type GatewayDetail } from './breakdown.js';
import { cpuPerRequest, MS_PER_TICK, settledCpu, type CpuUse } from './proc-cpu.js';
import { serverClock, wallPerRequest } from './server-times.js';
import { cpuByKind, readStatTexts, snapshotOf, type ThreadLayout } from './threads.js';

export interface GatewayWindow<R> {
  readonly run: R;
  /** Whole-process CPU per answered request, from the same two snapshots as the kinds. */
  readonly cpu: CpuUse;
  readonly detail: GatewayDetail;
}

/**
 * Runs `load` against the gateway process `pid` (its /metrics at `origin`)
 * and measures it; `ok` says how many requests of the run were answered ok,
 * the divisor of every per-request figure. `protocol` is the label of the
 * row's requests in gridcode_request_duration_seconds (connect, grpc).
 */
export async function gatewayWindow<R>(
  gateway: { pid: number; origin: URL; layout: ThreadLayout },
  protocol: string,
  load: () => Promise<R>,
  ok: (run: R) => number,
): Promise<GatewayWindow<R>> {
  const clock0 = serverClock(await metricsText(gateway.origin), protocol);
  const before = snapshotOf(readStatTexts(gateway.pid));
  const at0 = performance.now();
  const run = await load();
  const settled = await settledCpu(gateway.pid);
  const after = snapshotOf(readStatTexts(gateway.pid));
  const clock1 = serverClock(await metricsText(gateway.origin), protocol);
  const answered = ok(run);
  // The process figure from the thread snapshots (not settledCpu's own reading), so that the kinds add up to it; settled.at ends the window for the cores.
  const cpu = cpuPerRequest({ ms: before.processTicks * MS_PER_TICK, at: at0 }, { ms: after.processTicks * MS_PER_TICK, at: Math.max(settled.at, at0 + 1) }, answered);
  return { run, cpu, detail: gatewayDetail(cpuByKind(before, after, gateway.layout), answered, wallPerRequest(clock0, clock1)) };
}
