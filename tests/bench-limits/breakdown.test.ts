// bench:limits' breakdown of a gateway request's time: the server clocks read
// from /metrics text recorded from a real gateway (fixtures/gateway-metrics-*.txt,
// before and after 4 Connect and 2 gRPC ScoreBatch requests) by the shared
// exposition parser, and the arithmetic of the rows, checked against values
// built here. Negative differences must come out as they are.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { breakdown, gatewayDetail, type BreakdownInputs, type GatewayDetail } from '../../bench/limits/breakdown.js';
import { printBreakdown } from '../../bench/limits/report.js';
import { serverClock, wallPerRequest } from '../../bench/limits/server-times.js';

const fixture = (name: string) => readFileSync(new URL(`./fixtures/gateway-metrics-${name}.txt`, import.meta.url), 'utf8');
const [before, after] = [fixture('before'), fixture('after')];

/** The value of the one line `name{labels} value` (or `name value`) of the text, read here with a regex of its own; 0 when absent. */
function line(text: string, name: string, labels = ''): number {
  const m = new RegExp(`^${name}${labels.replace(/[{}]/g, '\\$&')} (\\S+)$`, 'm').exec(text);
  return m ? Number(m[1]) : 0;
}

describe('serverClock and wallPerRequest on recorded /metrics', () => {
  it("reads ScoreBatch's duration for the row's protocol only, and the pool's and the engine's totals", () => {
    for (const protocol of ['connect', 'grpc']) {
      const labels = `{method="ScoreBatch",protocol="${protocol}"}`;
      const clock = serverClock(after, protocol);
      expect(clock).toEqual({
        requests: line(after, 'gridcode_request_duration_seconds_count', labels),
        requestSeconds: line(after, 'gridcode_request_duration_seconds_sum', labels),
        workerSeconds: line(after, 'gridcode_pool_busy_seconds_total'),
        engineSeconds: line(after, 'gridcode_engine_seconds_sum'),
        workerRestarts: line(after, 'gridcode_worker_restarts_total'),
      });
    }
    expect(serverClock(after, 'connect').requests).toBe(4);
    expect(serverClock(after, 'grpc').requests).toBe(2);
  });

  it('gives per-request means in ms over the window; a protocol with no samples yet reads 0 before', () => {
    const [b, a] = [serverClock(before, 'connect'), serverClock(after, 'connect')];
    expect(b.requests).toBe(0);
    const wall = wallPerRequest(b, a);
    expect(wall.requests).toBe(4);
    expect(wall.requestMs).toBeCloseTo((line(after, 'gridcode_request_duration_seconds_sum', '{method="ScoreBatch",protocol="connect"}') * 1000) / 4, 9);
    expect(wall.workerMs).toBeCloseTo(((line(after, 'gridcode_pool_busy_seconds_total') - line(before, 'gridcode_pool_busy_seconds_total')) * 1000) / 4, 9);
    expect(wall.engineMs).toBeCloseTo(((line(after, 'gridcode_engine_seconds_sum') - line(before, 'gridcode_engine_seconds_sum')) * 1000) / 4, 9);
    expect(wall.workerRestarts).toBe(0);
    expect(wallPerRequest(a, { ...a, workerRestarts: a.workerRestarts + 2 }).workerRestarts).toBe(2);
    expect(wallPerRequest(a, a).requestMs).toBeNaN();
  });

  it('names the metric a /metrics text lacks', () => {
    expect(() => serverClock(after.replace(/^.*gridcode_pool_busy_seconds_total.*$/gm, ''), 'connect')).toThrow(/no gridcode_pool_busy_seconds_total/);
  });
});

describe('breakdown', () => {
  /** A gateway row; `exited` ms of its process's CPU per request were used by threads gone by its end. */
  const detail = (main: number, v8: number, workers: number, libuv: number, other: number, wall: [number, number, number], exited = 0): GatewayDetail => ({
    thread_ms: { main, v8, workers, libuv, other },
    process_ms: main + v8 + workers + libuv + other + exited,
    in_no_kind_ms: exited,
    threads: 13,
    worker_threads: 2,
    threads_gone: 0,
    wall: { requests: 10, requestMs: wall[0], workerMs: wall[1], engineMs: wall[2], workerRestarts: 0 },
  });
  const inputs: BreakdownInputs = {
    bareDiscard: 4.5,
    bareReused: 6.25,
    bareFresh: 9.5,
    bareH2Discard: 5.5,
    engine: 10.75,
    connect: detail(11, 9, 12.5, 0.25, 0.5, [80, 30, 25]),
    grpc: detail(12, 10, 13, 0, 0.5, [90, 28, 24], 6.5),
  };
  const rows = breakdown(inputs);
  const row = (start: string) => rows.find((r) => r.row.startsWith(start))!;

  it('splits the main thread into reads, the copy and the rest, so that the three add up to it', () => {
    expect(row('CPU: socket reads').connect_ms).toBe(4.5);
    expect(row('CPU: socket reads').grpc_ms).toBe(5.5);
    expect(row('CPU: copying').connect_ms).toBe(6.25 - 4.5);
    expect(row('CPU: copying').grpc_ms).toBe(6.25 - 4.5);
    expect(row('  (not summed) a fresh buffer').connect_ms).toBe(9.5 - 6.25);
    expect(row('CPU: gateway main thread').connect_ms).toBe(11 - 6.25);
    expect(row('CPU: gateway main thread').grpc_ms).toBe(12 - 5.5 - (6.25 - 4.5));
    for (const [k, d] of [['connect_ms', inputs.connect], ['grpc_ms', inputs.grpc]] as const) {
      const summed = ['CPU: socket reads', 'CPU: copying', 'CPU: gateway main thread'].reduce((s, r) => s + row(r)[k], 0);
      expect(summed).toBeCloseTo(d.thread_ms.main, 12);
      const total = ['CPU: gateway main thread', 'CPU: socket reads', 'CPU: copying', 'CPU: V8', 'CPU: scoring', 'CPU: libuv', 'CPU: in no kind'].reduce((s, r) => s + row(r)[k], 0);
      expect(total).toBeCloseTo(row('CPU: gateway total')[k], 12);
    }
    expect(row('CPU: in no kind').connect_ms).toBeCloseTo(0, 12);
    expect(row('CPU: in no kind').grpc_ms).toBeCloseTo(6.5, 12);
    expect(row('CPU: the engine alone').grpc_ms).toBe(10.75);
  });

  it('gives the wall rows and the rest of the request time', () => {
    expect([row('wall: request').connect_ms, row('wall:   of which in a scoring').connect_ms, row('wall:     of which in the engine').connect_ms]).toEqual([80, 30, 25]);
    expect(row('wall:   the rest').connect_ms).toBe(80 - 30);
    expect(row('wall:   the rest').grpc_ms).toBe(90 - 28);
  });

  it('keeps a negative difference and prints it so, with each row\'s source', () => {
    const noisy = breakdown({ ...inputs, bareReused: 4.25 });
    expect(noisy.find((r) => r.row.startsWith('CPU: copying'))!.connect_ms).toBe(4.25 - 4.5);
    const lines: string[] = [];
    printBreakdown((l) => lines.push(l), noisy, { connect: { ...inputs.connect, threads_gone: 1, wall: { ...inputs.connect.wall, workerRestarts: 1 } } });
    expect(lines.at(-1)).toBe('gateway connect row: 13 threads at its end (2 scoring workers), 1 exited during it, 1 worker restarts (gridcode_worker_restarts_total), 10 requests at the server');
    const copying = lines.join('\n').split('\n').find((l) => l.startsWith('CPU: copying'))!;
    expect(copying).toContain((4.25 - 4.5).toPrecision(3));
    expect(copying).toMatch(/reused buffer − read \+ discard/);
  });
});

describe('gatewayDetail', () => {
  it('divides the CPU of each kind and of the process by the answered requests', () => {
    const d = gatewayDetail({ ms: { main: 110, workers: 125, v8: 90, libuv: 0, other: 5 }, processMs: 330, threads: 13, workers: 2, gone: 0 }, 10, { requests: 10, requestMs: 1, workerMs: 1, engineMs: 1, workerRestarts: 0 });
    expect(d.thread_ms).toEqual({ main: 11, workers: 12.5, v8: 9, libuv: 0, other: 0.5 });
    expect(d.process_ms).toBe(33);
    expect(d.in_no_kind_ms).toBe(0);
    expect(gatewayDetail({ ms: { main: 110, workers: 125, v8: 90, libuv: 0, other: 5 }, processMs: 400, threads: 13, workers: 2, gone: 1 }, 10, d.wall).in_no_kind_ms).toBe(7);
    expect(gatewayDetail({ ms: { main: 1, workers: 0, v8: 0, libuv: 0, other: 0 }, processMs: 1, threads: 1, workers: 0, gone: 0 }, 0, { requests: 0, requestMs: NaN, workerMs: NaN, engineMs: NaN, workerRestarts: 0 }).process_ms).toBeNaN();
  });
});
