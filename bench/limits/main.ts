// `npm run bench:limits`: the gateway against the limits of this machine, in
// one run, on the same bytes (issue 18). For each batch size the same client
// at the same concurrency drives, one after the other:
//   a bare node:http server that reads each body and discards it (HTTP/1.1, autocannon),
//   the gateway, Connect proto over HTTP/1.1 (the same autocannon load),
//   a bare node:http2 h2c server doing the same (h2-load.ts: N streams on one session),
//   the gateway's gRPC port (the same h2 client, the same gRPC frames),
//   and the engine on all cores with no I/O (one worker thread per core).
// Server CPU per request comes from /proc/<pid>/stat of each server process
// (all its threads) over its load. Figures are printed, and compared as
// ratios within the run; nothing is asserted about speed.
import { Agent } from 'node:http';
import { parseArgs } from 'node:util';
import { loadConfig } from '../../gateway/ops/config.js';
import { bodiesBySize } from '../gateway/population.js';
import { loadNow, machineInfo, postBatch, readSummary, startGateway } from '../gateway/server.js';
import { sizeConnections } from '../gateway/sizing.js';
import { intOption } from '../gateway/target-args.js';
import { startBare } from './bare-process.js';
import { engineAllCores } from './engine-all-cores.js';
import { frames, h2Load } from './h2-load.js';
import { http1Load } from './http1-load.js';
import { cpuPerRequest, readProcessCpu, settledCpu } from './proc-cpu.js';
import { limitRow, printLimits, TARGETS, type LimitRow, type SizeReport } from './report.js';

const USAGE = `usage: npm run bench:limits -- [options]
  --batch LIST      consumers per request, comma-separated (default 1000)
  --connections N   concurrent requests: HTTP/1.1 connections, or h2 streams on one session (default 4)
  --duration S      seconds of load per target and size (default 10)
  --days D          days per curve (default 30)
  --points P        readings per day (default 96)
  --seed S          population seed (default 20240304)
  --workers N       worker threads of the gateway (default: one per core)
  --json            one JSON object on stdout (progress on stderr)
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
  const extra = ['--max-body-bytes', String(Math.max(64 * 2 ** 20, 2 ** Math.ceil(Math.log2(largest + 1))))];
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
  log(`${gateway.readyLine}\nbare servers: node:http ${bare.http}, node:http2 ${bare.h2} (pid ${bare.pid})`);
  const sizes: SizeReport[] = [];
  const unexpected: string[] = [];
  try {
    for (const size of args.batches) {
      const bodies = populations.get(size)!;
      const body = Math.max(...bodies.map((b) => b.length));
      // The concurrency the gateway's limits allow (bench:gateway's sizing), used for every target alike.
      const sizing = sizeConnections(body, args.connections, { inflightBytes: config.maxInflightBytes, bodyBytes: config.maxBodyBytes, queue: { maxQueue: config.maxQueue, workers: config.workers, splitThresholdBytes: config.splitThresholdBytes } });
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
      for (const [target, origin, pid] of [
        [TARGETS.bareHttp, bare.http, bare.pid],
        [TARGETS.gatewayHttp, gateway.url, gateway.pid],
      ] as const) {
        const before = readProcessCpu(pid);
        const run = await http1Load(origin, bodies, n, args.duration);
        // After the server finished what it had taken (autocannon stops at its deadline with requests in flight).
        const cpu = cpuPerRequest(before, await settledCpu(pid), run.answers.ok);
        const notOk = Object.fromEntries(run.answers.notOk());
        if (run.errors > 0) notOk['no answer'] = run.errors;
        rows.push(limitRow({ target, size, ok: run.answers.ok, seconds: run.seconds, p50Ms: run.p50Ms, p99Ms: run.p99Ms, cpu, notOk }));
        log(`${size}: ${target} done`);
      }
      const framed = frames(bodies);
      for (const [target, origin, pid] of [
        [TARGETS.bareH2, bare.h2, bare.pid],
        [TARGETS.gatewayGrpc, gateway.h2, gateway.pid],
      ] as const) {
        const before = readProcessCpu(pid);
        const run = await h2Load(origin, framed, n, args.duration);
        const cpu = cpuPerRequest(before, await settledCpu(pid), run.ok);
        rows.push(limitRow({ target, size, ok: run.ok, seconds: run.seconds, p50Ms: run.p50Ms, p99Ms: run.p99Ms, cpu, notOk: run.failed }));
        log(`${size}: ${target} done`);
      }
      const engine = await engineAllCores(bodies, args.duration);
      rows.push(limitRow({ target: `${TARGETS.engine} (${engine.threads} threads)`, size, ok: engine.requests, seconds: engine.seconds, p50Ms: null, p99Ms: null, cpu: engine.cpu, notOk: {} }));
      for (const r of rows) for (const [code, count] of Object.entries(r.not_ok)) unexpected.push(`${size}: ${r.target}: ${count} × ${code}`);
      sizes.push({ batch: size, body_bytes: body, rows });
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
