// `npm run bench:gateway`: throughput of the scoring service under load.
// Starts a gateway (dist/gateway/main.js, stopped at the end) or uses a
// running one (--url, --token), then for each batch size posts realistic
// binary ScoreBatchRequests (Connect unary, application/proto, HTTP/1.1)
// with autocannon for --duration seconds over --connections connections.
// In the same run, the engine alone scores the same bytes single-threaded
// in this process, stage by stage, so the gateway's efficiency (gateway
// consumers/s ÷ single-thread engine consumers/s) and where the time goes
// are measured on the same population, minutes apart at most.
import { intOption, TARGET_OPTIONS, targetArgs, type TargetArgs } from './target-args.js';
import autocannon from 'autocannon';
import { Agent } from 'node:http';
import { parseArgs } from 'node:util';
import { collect } from './population.js';
import { InProcessScorer, STAGES, totalSeconds, type StageTimes } from './in-process.js';
import { loadNow, machineInfo, mib, postBatch, readSummary, RssSampler, SCORE_PATH, startGateway, thousands, type StartedGateway } from './server.js';

const USAGE = `usage: npm run bench:gateway -- [options]
  --batch LIST        consumers per request, comma-separated (default 100,1000,10000)
  --connections N     concurrent connections (default 4)
  --duration S        seconds of load per batch size (default 10)
  --days D            days per curve (default 30)
  --points P          readings per day (default 96)
  --seed S            population seed (default 20240304)
  --workers N         worker threads of the gateway it starts (default: the gateway's, one per core)
  --engine-seconds S  seconds of single-thread in-process scoring per size (default 3)
  --url URL           use the gateway running at URL (http://host:port) instead of starting one
  --token T           bearer token for --url
  --pid PID           with --url on this machine: sample that process's memory
  --json              one JSON object on stdout (progress on stderr)`;

interface Args extends TargetArgs {
  batches: number[];
  connections: number;
  duration: number;
  engineSeconds: number;
}

function parse(argv: readonly string[]): Args | 'help' {
  const { values } = parseArgs({
    args: [...argv],
    strict: true,
    options: {
      batch: { type: 'string' },
      connections: { type: 'string' },
      duration: { type: 'string' },
      'engine-seconds': { type: 'string' },
      ...TARGET_OPTIONS,
    },
  });
  if (values.help) return 'help';
  const batches = (values.batch ?? '100,1000,10000').split(',').map((s) => intOption('batch', s.trim(), 0, 1, 100_000));
  return {
    batches,
    connections: intOption('connections', values.connections, 4, 1, 1000),
    duration: intOption('duration', values.duration, 10, 1, 3600),
    ...targetArgs(values),
    engineSeconds: intOption('engine-seconds', values['engine-seconds'], 3, 1, 600),
  };
}

/** Distinct request bodies per size: about 2,000–10,000 consumers of each, so that every connection does not send the same bytes. */
function bodiesFor(size: number): number {
  return Math.max(1, Math.min(20, Math.floor(4000 / size)));
}

interface Row {
  batch: number;
  distinct_bodies: number;
  body_bytes: number;
  requests: number;
  requests_per_s: number;
  consumers_per_s: number;
  latency_p50_ms: number;
  latency_p99_ms: number;
  latency_max_ms: number;
  errors: number;
  non_2xx: number;
  timeouts: number;
  engine_consumers_per_s: number;
  efficiency: number;
  stage_ms_per_1000: Record<string, number>;
  response_bytes: number;
  peak_rss_bytes: number | null;
  loadavg_after: number[];
}

async function main(argv: readonly string[]): Promise<number> {
  const args = parse(argv);
  if (args === 'help') {
    console.log(USAGE);
    return 0;
  }
  const log = (line: string) => (args.json ? process.stderr : process.stdout).write(line + '\n');
  const machine = machineInfo();
  log(`bench:gateway on ${machine.cores}× ${machine.cpu}, ${machine.memoryGiB} GiB, Node ${machine.node}; load average ${machine.loadavgStart.join(' ')}`);

  // The population: each size from its own stream, consumer i the same curve whatever the size.
  const spec = { days: args.days, pointsPerDay: args.points, startDate: '2024-03-04', seed: args.seed };
  const populations = new Map<number, Uint8Array[]>();
  let generator = '';
  for (const size of args.batches) {
    const started = performance.now();
    const { generator: g, batches } = await collect({ ...spec, consumers: size * bodiesFor(size), batchSize: size });
    generator = g;
    populations.set(size, batches.map((b) => b.bytes));
    const seconds = (performance.now() - started) / 1000;
    log(`generated ${batches.length} batch${batches.length === 1 ? '' : 'es'} of ${size} consumers (${mib(batches[0]!.bytes.length)} each) in ${seconds.toFixed(1)} s [${g}]`);
  }

  let gateway: StartedGateway | undefined;
  let sampler: RssSampler | undefined;
  const largest = Math.max(...[...populations.values()].map((bodies) => Math.max(...bodies.map((b) => b.length))));
  if (args.url === undefined) {
    const extra = ['--max-body-bytes', String(Math.max(64 * 2 ** 20, 2 ** Math.ceil(Math.log2(largest + 1))))];
    if (args.workers !== undefined) extra.push('--workers', String(args.workers));
    gateway = await startGateway(extra);
    log(gateway.readyLine);
  } else if (largest > 64 * 2 ** 20) {
    log(`note: the largest body is ${mib(largest)}; the gateway's maxBodyBytes must allow it (the default is 64 MiB)`);
  }
  const pid = gateway?.pid ?? args.pid;
  if (pid !== undefined) sampler = new RssSampler(pid).start();
  const url = new URL(gateway?.url ?? args.url!);
  const headers: Record<string, string> = { 'content-type': 'application/proto' };
  if (args.token) headers['authorization'] = `Bearer ${args.token}`;

  const scorer = await InProcessScorer.load();
  const rows: Row[] = [];
  try {
    for (const size of args.batches) {
      const bodies = populations.get(size)!;
      // One request first, checked: every consumer comes back with a code.
      // A fresh connection: a kept-alive one may have been closed by the server while this process was busy timing the engine.
      const agent = new Agent({ keepAlive: false });
      const check = await postBatch(agent, url, bodies[0]!, args.token);
      agent.destroy();
      if (check.status !== 200) throw new Error(`the gateway answered ${check.status}: ${check.body.toString('utf8').slice(0, 300)}`);
      const summary = readSummary(check.body);
      if (summary.total !== size) throw new Error(`the response counts ${summary.total} consumers of ${size}`);

      const result = await autocannon({
        url: url.origin,
        connections: args.connections,
        duration: args.duration,
        timeout: 120,
        requests: bodies.map((body) => ({ method: 'POST', path: SCORE_PATH, headers, body: Buffer.from(body.buffer, body.byteOffset, body.byteLength) })),
      });
      const ok = result['2xx'];
      const consumersPerS = (ok * size) / result.duration;

      // The engine alone on the same bytes, single thread, in this process.
      const times: StageTimes = scorer.time(bodies, args.engineSeconds);
      const engineRate = times.consumers / totalSeconds(times);
      const stageMs: Record<string, number> = {};
      for (const stage of STAGES) stageMs[stage] = round((times.seconds[stage] / times.consumers) * 1e6, 2);
      stageMs['wire_scan_in_features'] = round((times.wireScanSeconds / times.consumers) * 1e6, 2);
      sampler?.sample();
      const row: Row = {
        batch: size,
        distinct_bodies: bodies.length,
        body_bytes: bodies[0]!.length,
        requests: ok,
        requests_per_s: round(ok / result.duration, 2),
        consumers_per_s: Math.round(consumersPerS),
        latency_p50_ms: result.latency.p50,
        latency_p99_ms: result.latency.p99,
        latency_max_ms: result.latency.max,
        errors: result.errors,
        non_2xx: result.non2xx,
        timeouts: result.timeouts,
        engine_consumers_per_s: Math.round(engineRate),
        efficiency: round(consumersPerS / engineRate, 2),
        stage_ms_per_1000: stageMs,
        response_bytes: Math.round(times.responseBytes / (times.consumers / size)),
        peak_rss_bytes: sampler ? sampler.peak : null,
        loadavg_after: loadNow(),
      };
      rows.push(row);
      log(
        `batch ${size}: ${thousands(row.consumers_per_s)} consumers/s, ${row.requests_per_s} req/s, p50 ${row.latency_p50_ms} ms, p99 ${row.latency_p99_ms} ms, ` +
          `errors ${row.errors + row.non_2xx + row.timeouts}; engine alone ${thousands(row.engine_consumers_per_s)}/s, efficiency ${row.efficiency}` +
          (row.peak_rss_bytes ? `; server peak RSS so far ${mib(row.peak_rss_bytes)}` : ''),
      );
    }
  } finally {
    sampler?.stop();
    if (gateway) {
      const code = await gateway.stop();
      if (code !== 0) log(`the gateway exited ${code}:\n${gateway.stderrTail()}`);
    }
  }

  const peak = sampler ? sampler.peak : null;
  const output = {
    bench: 'gateway',
    date: new Date().toISOString(),
    machine,
    loadavg_end: loadNow(),
    gateway: gateway ? gateway.readyLine : args.url,
    generator,
    connections: args.connections,
    duration_s: args.duration,
    days: args.days,
    points_per_day: args.points,
    peak_rss_bytes: peak,
    rows,
  };
  if (args.json) {
    process.stdout.write(JSON.stringify(output) + '\n');
    return 0;
  }
  const table: string[][] = [
    ['batch', 'consumers/s', 'req/s', 'p50 ms', 'p99 ms', 'errors', 'engine 1 thread/s', 'efficiency'],
    ...rows.map((r) => [
      thousands(r.batch),
      thousands(r.consumers_per_s),
      String(r.requests_per_s),
      String(r.latency_p50_ms),
      String(r.latency_p99_ms),
      String(r.errors + r.non_2xx + r.timeouts),
      thousands(r.engine_consumers_per_s),
      r.efficiency.toFixed(2),
    ]),
  ];
  log('');
  log(formatTable(table));
  log(`\nserver peak RSS: ${peak === null ? 'not measured (no pid)' : mib(peak)} (VmHWM of the gateway process, workers included)`);
  log(`load: ${args.connections} connections × ${args.duration} s per size, HTTP/1.1 keep-alive, Connect proto; autocannon runs in this process on the same machine`);
  log('efficiency = gateway consumers/s ÷ single-thread engine consumers/s (the whole worker job in one thread: scan, features, rules, results, encode)');
  log('\nwhere one thread spends its time, ms per 1,000 consumers (in-process, same bytes):');
  const stageTable = [
    ['batch', ...STAGES, 'total', '(wire scan, part of features)', 'gateway p50 per 1,000'],
    ...rows.map((r) => {
      const total = STAGES.reduce((sum, s) => sum + (r.stage_ms_per_1000[s] ?? 0), 0);
      return [thousands(r.batch), ...STAGES.map((s) => (r.stage_ms_per_1000[s] ?? 0).toFixed(1)), total.toFixed(1), (r.stage_ms_per_1000['wire_scan_in_features'] ?? 0).toFixed(1), ((r.latency_p50_ms / r.batch) * 1000).toFixed(1)];
    }),
  ];
  log(formatTable(stageTable));
  log(`\nload average at the end: ${output.loadavg_end.join(' ')}`);
  return 0;
}

function round(x: number, digits: number): number {
  const f = 10 ** digits;
  return Math.round(x * f) / f;
}

export function formatTable(rows: readonly (readonly string[])[]): string {
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => (r[i] ?? '').length)));
  return rows.map((r) => r.map((cell, i) => (i === 0 ? cell.padEnd(widths[i]!) : cell.padStart(widths[i]!))).join('  ')).join('\n');
}

main(process.argv.slice(2)).then(
  (code) => (process.exitCode = code),
  (error: unknown) => {
    process.stderr.write(`bench:gateway: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exitCode = 2;
  },
);
