// What bench:limits prints: per batch size, one row per target (the bare
// servers, the gateway on each protocol, the engine on all cores with no
// I/O), the ratios of the gateway to the limits measured in the same run,
// the breakdown of where a gateway request's time goes (breakdown.ts), and
// the gateway at half its capacity, open loop (half-capacity.ts).
import { formatTable } from '../gateway/report.js';
import { mib, thousands } from '../gateway/server.js';
import type { BreakdownRow, GatewayDetail } from './breakdown.js';
import { printHalfCapacity, type HalfCapacity } from './half-capacity.js';
import type { CpuUse } from './proc-cpu.js';

export interface LimitRow {
  readonly target: string;
  readonly consumers_per_s: number;
  readonly requests_per_s: number;
  /** null for the engine (no requests, no latency). */
  readonly p50_ms: number | null;
  readonly p99_ms: number | null;
  /** CPU ms of the server process (all threads) per answered request: /proc/<pid>/stat over the load. Unrounded: ratios are taken of it, and rounding is for printing only. */
  readonly cpu_ms_per_request: number;
  /** Busy cores of the server process on average over the load (unrounded). */
  readonly server_cores: number;
  /** Answers other than ok and requests never answered, by code. */
  readonly not_ok: Record<string, number>;
}

export interface SizeReport {
  readonly batch: number;
  readonly body_bytes: number;
  readonly rows: LimitRow[];
  /** The gateway rows' CPU by thread kind and wall time per request. */
  readonly gateway_detail?: Readonly<Record<'connect' | 'grpc', GatewayDetail>>;
  readonly breakdown?: readonly BreakdownRow[];
  /** The gateway's Connect and gRPC ports at half their capacity, open loop (half-capacity.ts). */
  readonly half_capacity?: HalfCapacity;
}

export const TARGETS = {
  bareHttp: 'bare node:http, read + discard',
  bareReused: 'bare node:http, copy into a reused buffer',
  bareFresh: 'bare node:http, copy into a fresh buffer',
  bareH2: 'bare node:http2 h2c, read + discard',
  gatewayHttp: 'gateway, Connect proto over HTTP/1.1',
  gatewayGrpc: 'gateway, gRPC over h2c',
  engine: 'engine on all cores, no I/O',
} as const;

/** What one load measured, turned into a row. */
export interface Measured {
  readonly target: string;
  /** Consumers per request. */
  readonly size: number;
  /** Requests answered ok over `seconds`. */
  readonly ok: number;
  readonly seconds: number;
  readonly p50Ms: number | null;
  readonly p99Ms: number | null;
  readonly cpu: CpuUse;
  readonly notOk: Record<string, number>;
}

/** The rows' shared arithmetic: rates over the load's seconds, CPU over the server's /proc window; nothing rounded. */
export function limitRow(m: Measured): LimitRow {
  return { target: m.target, consumers_per_s: (m.ok * m.size) / m.seconds, requests_per_s: m.ok / m.seconds, p50_ms: m.p50Ms, p99_ms: m.p99Ms, cpu_ms_per_request: m.cpu.msPerRequest, server_cores: m.cpu.cores, not_ok: m.notOk };
}

/**
 * Which side bound a row: a single-threaded server busy about one core all
 * the load long is at its limit; below that it waited on the client. Only
 * said for the one-thread bare servers, since the gateway's cores also count
 * its workers.
 */
export function boundBy(row: LimitRow): string {
  if (!row.target.startsWith('bare')) return '';
  return row.server_cores >= SATURATED_CORES ? 'server thread' : 'client';
}

/** Busy cores from which a single-threaded server counts as saturated (a tick is 10 ms, and a thread also waits on its own syscalls). */
export const SATURATED_CORES = 0.9;

/** CPU ms per request as printed: three significant digits, so that sub-millisecond figures keep their size. */
export function cpuMs(ms: number): string {
  return !Number.isFinite(ms) ? '-' : ms >= 100 ? ms.toFixed(0) : ms.toPrecision(3);
}

/** a ÷ b of two rows' field (rows found by the start of their target), or undefined when either is missing or b is 0. */
export function ratio(rows: readonly LimitRow[], a: string, b: string, field: 'consumers_per_s' | 'cpu_ms_per_request'): number | undefined {
  const x = rows.find((r) => r.target.startsWith(a))?.[field];
  const y = rows.find((r) => r.target.startsWith(b))?.[field];
  return x === undefined || y === undefined || !(y > 0) ? undefined : x / y;
}

const fixed = (x: number | undefined, digits = 2) => (x === undefined || !Number.isFinite(x) ? '-' : x.toFixed(digits));

export function printLimits(log: (line: string) => void, sizes: readonly SizeReport[]): void {
  for (const size of sizes) {
    log(`\n${thousands(size.batch)} consumers per request (${mib(size.body_bytes)} bodies):`);
    log(
      formatTable([
        ['target', 'consumers/s', 'req/s', 'p50 ms', 'p99 ms', 'server CPU ms/req', 'server cores', 'bound by', 'not ok'],
        ...size.rows.map((r) => [
          r.target,
          thousands(r.consumers_per_s),
          r.requests_per_s.toFixed(1),
          r.p50_ms === null ? '-' : r.p50_ms.toFixed(1),
          r.p99_ms === null ? '-' : r.p99_ms.toFixed(1),
          cpuMs(r.cpu_ms_per_request),
          r.server_cores.toFixed(2),
          boundBy(r) || '-',
          Object.entries(r.not_ok).map(([code, n]) => `${code} ${n}`).join(', ') || '0',
        ]),
      ]),
    );
    const r = size.rows;
    log(
      `gateway ÷ bare node:http: consumers/s ${fixed(ratio(r, TARGETS.gatewayHttp, TARGETS.bareHttp, 'consumers_per_s'))}, CPU per request ${fixed(ratio(r, TARGETS.gatewayHttp, TARGETS.bareHttp, 'cpu_ms_per_request'), 1)}×; ` +
        `gateway ÷ engine on all cores: consumers/s ${fixed(ratio(r, TARGETS.gatewayHttp, TARGETS.engine, 'consumers_per_s'))}, CPU per request ${fixed(ratio(r, TARGETS.gatewayHttp, TARGETS.engine, 'cpu_ms_per_request'), 1)}×`,
    );
    log(
      `gateway gRPC ÷ bare node:http2: consumers/s ${fixed(ratio(r, TARGETS.gatewayGrpc, TARGETS.bareH2, 'consumers_per_s'))}, CPU per request ${fixed(ratio(r, TARGETS.gatewayGrpc, TARGETS.bareH2, 'cpu_ms_per_request'), 1)}×; ` +
        `gateway gRPC ÷ engine on all cores: consumers/s ${fixed(ratio(r, TARGETS.gatewayGrpc, TARGETS.engine, 'consumers_per_s'))}`,
    );
    if (size.breakdown) printBreakdown(log, size.breakdown, size.gateway_detail);
    if (size.half_capacity) printHalfCapacity(log, size.half_capacity);
  }
}

/** ms with three significant digits; a negative difference is printed as it is (cpuMs prints NaN as '-'). */
const signedMs = (x: number) => (x < 0 ? `-${cpuMs(-x)}` : cpuMs(x));

export function printBreakdown(log: (line: string) => void, rows: readonly BreakdownRow[], details?: Readonly<Record<string, GatewayDetail>>): void {
  log("\nwhere a gateway request's time goes, ms per request (CPU rows: CPU time; wall rows: elapsed time at the server):");
  const table = formatTable([['', 'Connect HTTP/1.1', 'gRPC h2c'], ...rows.map((r) => [r.row, signedMs(r.connect_ms), signedMs(r.grpc_ms)])]).split('\n');
  // The source column left-aligned (formatTable right-aligns every column but the first).
  log(table.map((line, i) => `${line}  ${i === 0 ? 'source' : rows[i - 1]!.source}`).join('\n'));
  for (const [name, d] of Object.entries(details ?? {})) {
    log(`gateway ${name} row: ${d.threads} threads at its end (${d.worker_threads} scoring workers), ${d.threads_gone} exited during it, ${d.wall.workerRestarts} worker restarts (gridcode_worker_restarts_total), ${d.wall.requests} requests at the server`);
  }
}
