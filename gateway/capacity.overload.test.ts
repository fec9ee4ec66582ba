// Issue 6, overload: the compiled gateway with one worker and a request byte
// budget of a few batches. Its capacity is measured first (closed loop), then
// five times that is offered (open loop, a fixed rate, Connect and gRPC, each
// request with a deadline). The excess must be refused at once with
// resource_exhausted (Connect 429, gRPC status 8) while the accepted requests
// complete before their deadlines; nothing is lost; the bytes in flight never
// pass the budget. Needs the build (npm run build): without dist/ the run stops at once.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { batchBytes, loadClients, sampleMetrics, tally, type Answer, type LoadProtocol } from '../tests/support/gateway/load.js';
import { startGatewayProcess, type GatewayProcess } from '../lib/gateway-process.js';
import { valueOf } from '../lib/prometheus-text.js';

const CONSUMERS = 40;
const CAPACITY_MS = 3_000;
const OVERLOAD_MS = 3_000;
/** Accepted requests wait behind at most a budget's worth of batches: far less than this. */
const DEADLINE_MS = 15_000;
/** A gateway with one worker and a budget of a few 0.5 MB batches stays well below this (MiB). */
const RSS_BOUND_MIB = 600;

let gw: GatewayProcess;
let bodyBytes: number;
let budgetBytes: number;

beforeAll(async () => {
  bodyBytes = batchBytes(CONSUMERS).byteLength;
  // Room for four batches: one scored, three waiting; the queue (16) is never what refuses.
  budgetBytes = 4 * bodyBytes + 1024;
  gw = await startGatewayProcess(['--workers', '1', '--max-queue', '16', '--max-body-bytes', String(2 * bodyBytes), '--max-inflight-bytes', String(budgetBytes), '--log-level', 'warn']);
}, 60_000);

afterAll(async () => {
  if (gw) expect(await gw.stop()).toBe(0);
});

/** Sends with `concurrency` loops, each one request after the other, for `ms`. */
async function closedLoop(send: (p: LoadProtocol) => Promise<Answer>, concurrency: number, ms: number): Promise<void> {
  const end = performance.now() + ms;
  await Promise.all(
    Array.from({ length: concurrency }, async (_, i) => {
      while (performance.now() < end) await send(i % 2 === 0 ? 'connect' : 'grpc');
    }),
  );
}

/** Sends at `perSecond`, whatever the answers, alternating protocols, for `ms`; resolves when all are answered. */
async function openLoop(send: (p: LoadProtocol) => Promise<Answer>, perSecond: number, ms: number): Promise<void> {
  const started = performance.now();
  const inFlight: Promise<Answer>[] = [];
  let due = 0;
  while (performance.now() - started < ms) {
    const target = Math.floor(((performance.now() - started) * perSecond) / 1000);
    for (; due < target; due++) inFlight.push(send(due % 2 === 0 ? 'connect' : 'grpc'));
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
  await Promise.all(inFlight);
}

async function scrape(): Promise<string> {
  return (await fetch(`${gw.base}/metrics`)).text();
}

describe('overload at five times capacity', () => {
  it('refuses the excess at once with resource_exhausted and completes every accepted request', async () => {
    const warm = loadClients(gw, CONSUMERS, true);
    await closedLoop((p) => warm.send(p), 2, CAPACITY_MS);
    const measured = tally(warm.answers);
    warm.close();
    expect(measured.lost + measured.unanswered, JSON.stringify(warm.answers.filter((a) => a.fate === 'lost').slice(0, 3))).toBe(0);
    expect(measured.refused).toBe(0);
    const capacity = (measured.completed * 1000) / CAPACITY_MS;
    expect(capacity).toBeGreaterThan(0);

    const before = await scrape();
    const clientCpu = process.cpuUsage();
    const clients = loadClients(gw, CONSUMERS, true);
    const sampler = sampleMetrics(gw.base);
    await openLoop((p) => clients.send(p, DEADLINE_MS), 5 * capacity, OVERLOAD_MS);
    const peak = await sampler.stop();
    clients.close();
    const after = await scrape();
    const cpu = process.cpuUsage(clientCpu);
    const serverCpu = valueOf(after, 'process_cpu_seconds_total') - valueOf(before, 'process_cpu_seconds_total');
    // Time the worker spent scoring (the rest of the gateway's CPU is the main thread's I/O).
    const engineSeconds = valueOf(after, 'gridcode_engine_seconds_sum') - valueOf(before, 'gridcode_engine_seconds_sum');

    const answers = clients.answers;
    const counts = tally(answers);
    const refused = answers.filter((a) => a.fate === 'refused');
    console.log(
      `overload: body ${bodyBytes} B, budget ${budgetBytes} B, capacity ${capacity.toFixed(1)} req/s (${measured.completed} in ${CAPACITY_MS} ms), ` +
        `offered ${(5 * capacity).toFixed(1)} req/s for ${OVERLOAD_MS} ms: sent ${counts.sent}, accepted ${counts.completed + counts.lost}, ` +
        `refused ${counts.refused}, completed ${counts.completed}, lost ${counts.lost}; ` +
        `peak in flight ${peak.inflightBytes} B (server peak ${valueOf(after, 'gridcode_inflight_request_bytes_peak')} B), peak RSS ${(peak.rssBytes / 2 ** 20).toFixed(0)} MiB over ${peak.samples} samples`,
    );

    const slowest = (filter: (a: Answer) => boolean) => Math.round(Math.max(0, ...answers.filter(filter).map((a) => a.ms)));
    console.log(
      `overload: slowest answer (ms): accepted ${slowest((a) => a.fate === 'completed')}, refused connect ${slowest((a) => a.fate === 'refused' && a.protocol === 'connect')}, ` +
        `refused grpc ${slowest((a) => a.fate === 'refused' && a.protocol === 'grpc')} (deadline ${DEADLINE_MS}); ` +
        `CPU seconds in the overload phase: gateway ${serverCpu.toFixed(1)} (engine ${engineSeconds.toFixed(2)}), test client ${((cpu.user + cpu.system) / 1e6).toFixed(1)}; ` +
        `bodies of refused requests ${((counts.refused * bodyBytes) / 2 ** 20).toFixed(0)} MiB offered`,
    );
    expect(counts.lost + counts.unanswered, JSON.stringify(answers.filter((a) => a.fate === 'lost' || a.fate === 'unanswered').slice(0, 3))).toBe(0);
    expect(counts.completed).toBeGreaterThan(0);
    expect(counts.refused).toBeGreaterThan(counts.sent / 2);
    for (const protocol of ['connect', 'grpc'] as const) {
      expect(refused.some((a) => a.protocol === protocol), `${protocol} refusals`).toBe(true);
      expect(answers.some((a) => a.protocol === protocol && a.fate === 'completed'), `${protocol} completions`).toBe(true);
    }
    expect(new Set(refused.map((a) => a.code))).toEqual(new Set(['ResourceExhausted']));
    // Refused at once, not after waiting for a worker: each Connect refusal (its Content-Length did not fit, so
    // its body was never read) came back while a request sent before it was still unanswered. A gRPC body has no
    // Content-Length: it is refused at its first chunk that does not fit, but answered only once the client has
    // finished uploading it (dropped unread, see protocols/http2-upload.ts), behind the other uploads on the one
    // HTTP/2 connection; the server's counter below shows it never reached the queue.
    // Only a refusal sent while an earlier request was still in flight can show it (near the end of the run the
    // earlier ones may all have been answered already).
    const overtook = (r: Answer) => answers.some((a) => a.sent < r.sent && a.answered > r.answered);
    const behindOthers = (r: Answer) => answers.some((a) => a.sent < r.sent && a.answered > r.sent);
    // On two cores shared with the client, the event loop that answers them also reads the refused uploads'
    // bodies (about 1 GiB offered in 3 s): some come back just after an earlier answer. Seen: 0, 0, 7 and, with
    // the whole suite running in CI, 65 of 1,100–1,800. At most 10 %; the server's counters below are the proof
    // that none of them waited for a worker.
    const connectRefusals = refused.filter((r) => r.protocol === 'connect' && behindOthers(r));
    const late = connectRefusals.filter((r) => !overtook(r));
    console.log(`overload: ${late.length} of ${connectRefusals.length} Connect refusals sent behind others were answered after all of them`);
    expect(late.length).toBeLessThanOrEqual(Math.ceil(0.1 * connectRefusals.length));

    // The server counted the same refusals, all for the byte budget, and never held more than it.
    const refusedByServer = (reason: string) => valueOf(after, 'gridcode_requests_refused_total', { reason }) - valueOf(before, 'gridcode_requests_refused_total', { reason });
    expect(refusedByServer('inflight_bytes')).toBe(counts.refused);
    expect(refusedByServer('queue_full')).toBe(0);
    expect(valueOf(after, 'gridcode_inflight_request_bytes_limit')).toBe(budgetBytes);
    expect(valueOf(after, 'gridcode_inflight_request_bytes_peak')).toBeLessThanOrEqual(budgetBytes);
    expect(valueOf(after, 'gridcode_inflight_request_bytes_peak')).toBeGreaterThan(2 * bodyBytes);
    expect(peak.inflightBytes).toBeLessThanOrEqual(budgetBytes);
    expect(valueOf(after, 'gridcode_inflight_request_bytes')).toBe(0);
    expect(peak.rssBytes).toBeGreaterThan(0);
    expect(peak.rssBytes).toBeLessThan(RSS_BOUND_MIB * 2 ** 20);
  }, 60_000);
});
