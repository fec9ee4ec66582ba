// Where a request's time goes between its bytes arriving and its reply's
// bytes leaving (issue 18), for the gateway's Connect (HTTP/1.1) and gRPC
// rows of one batch size, from what bench:limits measured in the same run:
// the bare servers' CPU per request (read + discard, + a copy into a reused
// buffer, + a copy into a fresh one), the gateway's CPU per request by thread
// kind (threads.ts), its wall time per request from /metrics
// (server-times.ts), and the engine alone on all cores.
// Differences of two measurements can come out negative on a noisy machine:
// they are kept as they are, never clamped, so that the noise shows.
import type { CpuByKind, ThreadKind } from './threads.js';
import type { WallPerRequest } from './server-times.js';

/** What one gateway row measured beyond its whole-process CPU, per answered request. */
export interface GatewayDetail {
  /** CPU ms per request by thread kind (summed over the threads alive at the end of the row). */
  readonly thread_ms: Record<ThreadKind, number>;
  /** The process's CPU ms per request over the same two snapshots: the kinds add up to it. */
  readonly process_ms: number;
  /** process_ms − the kinds: threads that exited during the row, and per-thread rounding (taken of whole ms, so 0 is exactly 0). */
  readonly in_no_kind_ms: number;
  readonly threads: number;
  readonly worker_threads: number;
  /** Threads that exited during the row (their CPU is in process_ms, not in the kinds). */
  readonly threads_gone: number;
  readonly wall: WallPerRequest;
}

export function gatewayDetail(cpu: CpuByKind, ok: number, wall: WallPerRequest): GatewayDetail {
  const per = (ms: number) => (ok > 0 ? ms / ok : NaN);
  const thread_ms = Object.fromEntries(Object.entries(cpu.ms).map(([k, ms]) => [k, per(ms)])) as Record<ThreadKind, number>;
  const kinds = Object.values(cpu.ms).reduce((a, b) => a + b, 0);
  return { thread_ms, process_ms: per(cpu.processMs), in_no_kind_ms: per(cpu.processMs - kinds), threads: cpu.threads, worker_threads: cpu.workers, threads_gone: cpu.gone, wall };
}

/** CPU ms per request of the rows the breakdown is made of (NaN for a row that did not run). */
export interface BreakdownInputs {
  readonly bareDiscard: number;
  readonly bareReused: number;
  readonly bareFresh: number;
  readonly bareH2Discard: number;
  readonly engine: number;
  readonly connect: GatewayDetail;
  readonly grpc: GatewayDetail;
}

export interface BreakdownRow {
  readonly row: string;
  readonly connect_ms: number;
  readonly grpc_ms: number;
  readonly source: string;
}

export function breakdown(m: BreakdownInputs): BreakdownRow[] {
  const copy = m.bareReused - m.bareDiscard;
  const fresh = m.bareFresh - m.bareReused;
  const both = (row: string, f: (d: GatewayDetail, read: number) => number, source: string): BreakdownRow => ({
    row,
    connect_ms: f(m.connect, m.bareDiscard),
    grpc_ms: f(m.grpc, m.bareH2Discard),
    source,
  });
  return [
    both('CPU: socket reads and HTTP parsing', (_d, read) => read, 'bare node:http (gRPC: node:http2) read + discard, process CPU'),
    both('CPU: copying the body into memory', () => copy, 'bare node:http: reused buffer − read + discard (HTTP/1.1, for both)'),
    both('  (not summed) a fresh buffer per request instead, and its GC', () => fresh, 'bare node:http: fresh buffer − reused buffer (HTTP/1.1, for both)'),
    both('CPU: gateway main thread beyond a bare read + copy (routing, admission, hand-off, reply, writing)', (d, read) => d.thread_ms.main - read - copy, 'gateway main thread (/proc task stat) − the two rows above'),
    both('CPU: V8 helper threads (mostly parallel and concurrent GC)', (d) => d.thread_ms.v8, 'gateway threads of the Node platform'),
    both('CPU: scoring workers (decode, features, rules, encode)', (d) => d.thread_ms.workers, 'gateway worker_threads'),
    both('CPU: libuv threadpool and other threads', (d) => d.thread_ms.libuv + d.thread_ms.other, 'gateway threads'),
    both('CPU: in no kind (threads that exited during the row; rounding)', (d) => d.in_no_kind_ms, 'gateway process − its threads alive at the end'),
    both('CPU: gateway total (the rows above but the fresh-buffer one)', (d) => d.process_ms, 'gateway process (/proc/<pid>/stat)'),
    both('CPU: the engine alone on all cores, for comparison', () => m.engine, 'engine on all cores, no I/O'),
    both('wall: request time at the server', (d) => d.wall.requestMs, 'gridcode_request_duration_seconds sum ÷ count'),
    both('wall:   of which in a scoring worker', (d) => d.wall.workerMs, 'gridcode_pool_busy_seconds_total ÷ requests'),
    both('wall:     of which in the engine', (d) => d.wall.engineMs, 'gridcode_engine_seconds sum ÷ requests'),
    both('wall:   the rest (read, queue, hand-off, reply)', (d) => d.wall.requestMs - d.wall.workerMs, 'request time − worker time'),
  ];
}
