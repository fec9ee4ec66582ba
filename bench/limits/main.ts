// `npm run bench:limits`: the gateway against the limits of this machine, in
// one run, on the same bytes (issue 18). For each batch size the same client
// at the same concurrency drives, one after the other:
//   a bare node:http server that reads each body and discards it (HTTP/1.1, autocannon),
//   the same copying each body into a buffer reused across requests, then into a fresh one,
//   the gateway, Connect proto over HTTP/1.1 (the same autocannon load),
//   a bare node:http2 h2c server doing the same (h2-load.ts: N streams on one session),
//   the gateway's gRPC port (the same h2 client, the same gRPC frames),
//   and the engine on all cores with no I/O (one worker thread per core);
// then the gateway's Connect and gRPC ports again, open loop at half the ok
// requests/s each reached above, for its p99 there (half-capacity.ts).
// Server CPU per request comes from /proc/<pid>/stat of each server process
// (all its threads) over its load; for the gateway rows also by thread kind
// and, from its /metrics, wall time per request, which make the breakdown of
// where a request's time goes (breakdown.ts). Figures are printed, and
// compared as ratios within the run; nothing is asserted about speed.
import { Agent } from 'node:http';
import { parseArgs } from 'node:util';
import { loadConfig } from '../../gateway/ops/config.js';
import { bodiesBySize } from '../gateway/population.js';
import { bodyLimitArgs, limitsLine, loadNow, machineInfo, postBatch, readSummary, startGateway } from '../gateway/server.js';
import { sizeConnections } from '../gateway/sizing.js';
import { intOption } from '../gateway/target-args.js';
import { startBare } from './bare-process.js';
import { breakdown, type GatewayDetail } from './breakdown.js';
import { engineAllCores } from './engine-all-cores.js';
import { gatewayWindow } from './gateway-window.js';
import { frames, h2Load, h2OpenLoop, type H2Run } from './h2-load.js';
import { halfCapacityPhase, unexpectedOf } from './half-capacity.js';
import { http1Load, http1OpenLoop, type Http1Run } from './http1-load.js';
import { cpuPerRequest, readProcessCpu, settledCpu, type CpuUse } from './proc-cpu.js';
import { limitRow, printLimits, TARGETS, type LimitRow, type SizeReport } from './report.js';
import { nodeLayout } from './threads.js';

const USAGE = `usage: npm run bench:limits -- [options]
  --batch LIST      consumers per request, comma-separated (default 1000)
  --connections N   concurrent requests: HTTP/1.1 connections, or h2 streams on one session (default 4)
  --duration S      seconds of load per target and size (default 10)
  --days D          days per curve (default 30)
  --points P        readings per day (default 96)
  --seed S          population seed (default 20240304)
  --workers N       worker threads of the gateway (default: one per core)
  --json            one JSON object on stdout (progress on stderr)
After the capacity rows of each size, the gateway's Connect and gRPC ports run
open loop at half the ok requests/s each reached, for --duration seconds
(sizes[].half_capacity in --json).
Linux only (server CPU is read from /proc/<pid>/stat).`;

function parse(argv: readonly string[]) {
  const { values } = parseArgs({
    args: [...argv],
    strict: true,
    options: {
      batch: { type: 'string' },
      connections: { type: 'string' },
      duration: { type: 'string' },
      days: { type: 'string' },
      points: { type: 'string' },
      seed: { type: 'string' },
      workers: { type: 'string' },
      json: { type: 'boolean' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help) return 'help' as const;
  return {
    batches: (values.batch ?? '1000').split(',').map((s) => intOption('batch', s.trim(), 0, 1, 100_000)),
    connections: intOption('connections', values.connections, 4, 1, 1000),
    duration: intOption('duration', values.duration, 10, 1, 3600),
    days: intOption('days', values.days, 30, 1, 400),
    points: intOption('points', values.points, 96, 24, 288),
    seed: intOption('seed', values.seed, 20240304, 0, 2 ** 32 - 1),
    workers: values.workers === undefined ? undefined : intOption('workers', values.workers, 0, 1, 256),
    json: values.json ?? false,
  };
}

async function main(argv: readonly string[]): Promise<number> {
  const args = parse(argv);
  if (args === 'help') {
    console.log(USAGE);
    return 0;
  }
  const log = (line: string) => (args.json ? process.stderr : process.stdout).write(line + '\n');
  const machine = machineInfo();
  log(`bench:limits on ${machine.cores}× ${machine.cpu}, ${machine.memoryGiB} GiB, Node ${machine.node}; load average ${machine.loadavgStart.join(' ')}`);
  const spec = { days: args.days, pointsPerDay: args.points, startDate: '2024-03-04', seed: args.seed };
  const { bodies: populations } = await bodiesBySize(spec, args.batches, log);
  const largest = Math.max(...[...populations.values()].flat().map((b) => b.length));
  const extra = bodyLimitArgs(largest);
  if (args.workers !== undefined) extra.push('--workers', String(args.workers));
  const config = await loadConfig({ argv: extra, env: process.env });

  const bare = await startBare();
  const gateway = await startGateway(extra).catch(async (error: unknown) => {
    await bare.stop();
    throw error;
  });
  // Ctrl-C or a timeout's SIGTERM: `finally` does not run on a signal, so stop both servers here, not leave them running.
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.once(signal, () => {
      process.stderr.write(`bench:limits: ${signal}, stopping the gateway and the bare servers\n`);
      void Promise.allSettled([bare.stop(), gateway.stop()]).then(() => process.exit(130));
    });
  }
  log(limitsLine(config));
  log(`${gateway.readyLine}\nbare servers: node:http ${bare.http} (copying: fresh ${bare.fresh}, reused ${bare.reused}), node:http2 ${bare.h2} (pid ${bare.pid})`);
  // The gateway inherits this process's environment (startGateway), hence its UV_THREADPOOL_SIZE and NODE_OPTIONS.
  const measured = { pid: gateway.pid, origin: new URL(gateway.url), layout: nodeLayout(process.env) };
  const sizes: SizeReport[] = [];
  const unexpected: string[] = [];
  try {
    for (const size of args.batches) {
      const bodies = populations.get(size)!;
      const body = Math.max(...bodies.map((b) => b.length));
      // The concurrency the gateway's limits allow (bench:gateway's sizing), used for every target alike.
      const limits = { inflightBytes: config.maxInflightBytes, bodyBytes: config.maxBodyBytes, queue: { maxQueue: config.maxQueue, workers: config.workers, splitThresholdBytes: config.splitThresholdBytes } };
      const sizing = sizeConnections(body, args.connections, limits);
      if (sizing.kind === 'skip') {
        log(`${size} consumers per request: skipped, since ${sizing.reason}`);
        continue;
      }
      const n = sizing.connections;
      if (sizing.reasons.length > 0) log(`${size} consumers per request: ${n} concurrent requests, since ${sizing.reasons.join(', and ')}`);
      // One checked request: the gateway scores every consumer of these bodies.
      const agent = new Agent({ keepAlive: false });
      const check = await postBatch(agent, new URL(gateway.url), bodies[0]!).finally(() => agent.destroy());
      const total = check.status === 200 ? readSummary(check.body).total : -1;
      if (total !== size) throw new Error(`the gateway answered the check request HTTP ${check.status} with ${total} consumers of ${size}`);

      const rows: LimitRow[] = [];
      const bareRow = async (target: string, origin: string) => {
        const before = readProcessCpu(bare.pid);
        const run = await http1Load(origin, bodies, n, args.duration);
        // After the server finished what it had taken (autocannon stops at its deadline with requests in flight).
        return http1Row(target, run, cpuPerRequest(before, await settledCpu(bare.pid), run.answers.ok));
      };
      const http1Row = (target: string, run: Http1Run, cpu: CpuUse) => {
        const notOk = Object.fromEntries(run.answers.notOk());
        if (run.errors > 0) notOk['no answer'] = run.errors;
        log(`${size}: ${target} done`);
        return limitRow({ target, size, ok: run.answers.ok, seconds: run.seconds, p50Ms: run.p50Ms, p99Ms: run.p99Ms, cpu, notOk });
      };
      rows.push(await bareRow(TARGETS.bareHttp, bare.http));
      rows.push(await bareRow(TARGETS.bareReused, bare.reused));
      rows.push(await bareRow(TARGETS.bareFresh, bare.fresh));
      const connect = await gatewayWindow(measured, 'connect', () => http1Load(gateway.url, bodies, n, args.duration), (run) => run.answers.ok);
      rows.push(http1Row(TARGETS.gatewayHttp, connect.run, connect.cpu));
      const framed = frames(bodies);
      const h2Row = (target: string, run: H2Run, cpu: CpuUse) => {
        log(`${size}: ${target} done`);
        return limitRow({ target, size, ok: run.ok, seconds: run.seconds, p50Ms: run.p50Ms, p99Ms: run.p99Ms, cpu, notOk: run.failed });
      };
      const h2Before = readProcessCpu(bare.pid);
      const bareH2 = await h2Load(bare.h2, framed, n, args.duration);
      rows.push(h2Row(TARGETS.bareH2, bareH2, cpuPerRequest(h2Before, await settledCpu(bare.pid), bareH2.ok)));
      const grpc = await gatewayWindow(measured, 'grpc', () => h2Load(gateway.h2, framed, n, args.duration), (run) => run.ok);
      rows.push(h2Row(TARGETS.gatewayGrpc, grpc.run, grpc.cpu));
      const engine = await engineAllCores(bodies, args.duration);
      rows.push(limitRow({ target: `${TARGETS.engine} (${engine.threads} threads)`, size, ok: engine.requests, seconds: engine.seconds, p50Ms: null, p99Ms: null, cpu: engine.cpu, notOk: {} }));
      for (const r of rows) for (const [code, count] of Object.entries(r.not_ok)) unexpected.push(`${size}: ${r.target}: ${count} × ${code}`);
      const cpuOf = (target: string) => rows.find((r) => r.target.startsWith(target))?.cpu_ms_per_request ?? NaN;
      const gateway_detail: Record<'connect' | 'grpc', GatewayDetail> = { connect: connect.detail, grpc: grpc.detail };
      for (const [name, d] of Object.entries(gateway_detail)) {
        if (d.worker_threads !== config.workers) log(`note: ${size}: the ${name} row found ${d.worker_threads} scoring-worker threads, the gateway runs ${config.workers}: the thread kinds may be misread (threads.ts)`);
      }
      const rowsOfBreakdown = breakdown({
        bareDiscard: cpuOf(TARGETS.bareHttp),
        bareReused: cpuOf(TARGETS.bareReused),
        bareFresh: cpuOf(TARGETS.bareFresh),
        bareH2Discard: cpuOf(TARGETS.bareH2),
        engine: cpuOf(TARGETS.engine),
        connect: connect.detail,
        grpc: grpc.detail,
      });
      const half_capacity = await halfCapacityPhase(size, body, rows, limits, {
        [TARGETS.gatewayHttp]: (rate, cap) => http1OpenLoop(gateway.url, bodies, rate, args.duration, cap),
        [TARGETS.gatewayGrpc]: (rate, cap) => h2OpenLoop(gateway.h2, framed, rate, args.duration, cap),
      }, log);
      for (const line of [...half_capacity.rows.flatMap(unexpectedOf), ...half_capacity.skipped]) unexpected.push(`${size}: ${line}`);
      sizes.push({ batch: size, body_bytes: body, rows, gateway_detail, breakdown: rowsOfBreakdown, half_capacity });
    }
  } finally {
    await bare.stop();
    const code = await gateway.stop();
    if (code !== 0) log(`the gateway exited ${code}:\n${gateway.stderrTail()}`);
  }
  const loadavgEnd = loadNow();
  if (args.json) process.stdout.write(JSON.stringify({ bench: 'limits', date: new Date().toISOString(), machine, loadavg_end: loadavgEnd, connections: args.connections, duration_s: args.duration, sizes, unexpected }) + '\n');
  else {
    printLimits(log, sizes);
    log(`\nclients run in this process on the same machine; server CPU = utime + stime of the server process (all threads) over its load ÷ answers ok; load average at the end: ${loadavgEnd.join(' ')}`);
  }
  if (unexpected.length === 0) return 0;
  process.stderr.write(`\nbench:limits: answers that were not ok:\n${unexpected.map((u) => `  ${u}`).join('\n')}\n`);
  return 1;
}

main(process.argv.slice(2)).then(
  (code) => (process.exitCode = code),
  (error: unknown) => {
    process.stderr.write(`bench:limits: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exitCode = 2;
  },
);
