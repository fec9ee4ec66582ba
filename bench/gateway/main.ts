// `npm run bench:gateway`: throughput of the scoring service under load.
// Starts a gateway (dist/gateway/main.js, stopped at the end) or uses a
// running one (--url, --token), then for each batch size posts realistic
// binary ScoreBatchRequests (Connect unary, application/proto, HTTP/1.1)
// with autocannon for --duration seconds over --connections connections.
// In the same run, the engine alone scores the same bytes single-threaded
// in this process, stage by stage, so the gateway's efficiency (gateway
// consumers/s ÷ single-thread engine consumers/s) and where the time goes
// are measured on the same population, minutes apart at most.
// Each row is sized to the server's limits (fewer connections where their
// bodies would exceed its byte budget or queue, said in the output), so any
// answer but ok is unexpected: it is reported by code and, for refusals, by
// the server's reason, and the exit code is 1 after all rows are printed.
import { intOption, TARGET_OPTIONS, targetArgs, type TargetArgs } from './target-args.js';
import { parseArgs } from 'node:util';
import { loadConfig } from '../../gateway/ops/config.js';
import { DEFAULT_MAX_BODY_BYTES } from '../../gateway/protocols/body.js';
import { formatCounts } from './answers.js';
import { bodiesBySize } from './population.js';
import { InProcessScorer, STAGES, totalSeconds, type StageTimes } from './in-process.js';
import { loadRow, type LoadTarget } from './load.js';
import { printReport, unexpectedLines, type Row, type Skipped } from './report.js';
import { bodyLimitArgs, limitsLine, loadNow, machineInfo, mib, RssSampler, startGateway, thousands, type StartedGateway } from './server.js';
import { streamRow } from './stream-row.js';

const USAGE = `usage: npm run bench:gateway -- [options]
  --batch LIST        consumers per request, comma-separated (default 100,1000,10000)
  --connections N     concurrent connections (default 4; fewer for a size whose bodies would exceed the server's limits)
  --duration S        seconds of load per batch size (default 10)
  --days D            days per curve (default 30)
  --points P          readings per day (default 96)
  --seed S            population seed (default 20240304)
  --workers N         worker threads of the gateway it starts (default: the gateway's, one per core)
  --engine-seconds S  seconds of single-thread in-process scoring per size (default 3)
  --url URL           use the gateway running at URL (http://host:port) instead of starting one
  --token T           bearer token for --url
  --pid PID           with --url on this machine: sample that process's memory
  --h2 URL            with --url: the gateway's gRPC port (http://host:8081), to measure ScoreStream too
  --json              one JSON object on stdout (progress on stderr)
exit code: 0; 1 when any answer was not ok (or never came), the row saying which; 2 when the benchmark could not run`;

interface Args extends TargetArgs {
  h2: string | undefined;
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
      h2: { type: 'string' },
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
    h2: values.h2,
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
  log(`bench:gateway on ${machine.cores}× ${machine.cpu}, ${machine.memoryGiB} GiB, Node ${machine.node}; load average ${machine.loadavgStart.join(' ')}`);

  // The population: each size from its own stream, consumer i the same curve whatever the size.
  const spec = { days: args.days, pointsPerDay: args.points, startDate: '2024-03-04', seed: args.seed };
  const { generator, bodies: populations } = await bodiesBySize(spec, args.batches, log);

  let gateway: StartedGateway | undefined;
  let sampler: RssSampler | undefined;
  const largest = Math.max(...[...populations.values()].map((bodies) => Math.max(...bodies.map((b) => b.length))));
  let queue: LoadTarget['queue'];
  let bodyLimit: number | undefined;
  if (args.url === undefined) {
    const extra = bodyLimitArgs(largest);
    if (args.workers !== undefined) extra.push('--workers', String(args.workers));
    // The limits the gateway will run with, resolved as it resolves them (defaults, GRIDCODE_* variables, these flags): maxQueue and the body limit are not in /metrics.
    const config = await loadConfig({ argv: extra, env: process.env });
    queue = { maxQueue: config.maxQueue, splitThresholdBytes: config.splitThresholdBytes };
    bodyLimit = config.maxBodyBytes;
    gateway = await startGateway(extra);
    log(gateway.readyLine);
    log(`${limitsLine(config)}; each size is run with as many connections as they allow, up to ${args.connections}`);
  } else if (largest > DEFAULT_MAX_BODY_BYTES) {
    log(`note: the largest body is ${mib(largest)}; the gateway's maxBodyBytes must allow it (the default is ${mib(DEFAULT_MAX_BODY_BYTES)})`);
  }
  const pid = gateway?.pid ?? args.pid;
  if (pid !== undefined) sampler = new RssSampler(pid).start();
  const target: LoadTarget = { url: new URL(gateway?.url ?? args.url!), token: args.token, connections: args.connections, duration: args.duration, bodyLimit, queue, log };

  const scorer = await InProcessScorer.load();
  const rows: Row[] = [];
  const skipped: Skipped[] = [];
  try {
    for (const size of args.batches) {
      const bodies = populations.get(size)!;
      const load = await loadRow(target, size, bodies);
      if (load.kind === 'skipped') {
        skipped.push({ batch: size, body_bytes: Math.max(...bodies.map((b) => b.length)), reason: load.reason, unexpected: load.unexpected });
        continue;
      }
      const { result, answers } = load;
      const ok = answers.ok;
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
        connections: load.connections,
        sizing: [...load.sizing],
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
        answers: answers.toJSON(),
        refused_by_reason: load.refused ?? null,
        server_codes: load.serverCodes ?? null,
        unexpected: [...load.unexpected],
        engine_consumers_per_s: Math.round(engineRate),
        efficiency: round(consumersPerS / engineRate, 2),
        stage_ms_per_1000: stageMs,
        response_bytes: Math.round(times.responseBytes / (times.consumers / size)),
        peak_rss_bytes: sampler ? sampler.peak : null,
        loadavg_after: loadNow(),
      };
      rows.push(row);
      log(
        `batch ${size}: ${thousands(row.consumers_per_s)} consumers/s, ${row.requests_per_s} req/s over ${row.connections} connection${row.connections === 1 ? '' : 's'}, p50 ${row.latency_p50_ms} ms, p99 ${row.latency_p99_ms} ms; ` +
          `answers ${formatCounts(row.answers)}${row.errors > 0 ? `, ${row.errors} without an answer (${row.timeouts} timed out)` : ''}; refused by the server: ${row.refused_by_reason ? formatCounts(row.refused_by_reason) : 'not read'}; ` +
          `engine alone ${thousands(row.engine_consumers_per_s)}/s, efficiency ${row.efficiency}` +
          (row.peak_rss_bytes ? `; server peak RSS so far ${mib(row.peak_rss_bytes)}` : ''),
      );
      for (const u of row.unexpected) log(`batch ${size}: UNEXPECTED: ${u}`);
      const h2 = gateway?.h2 ?? args.h2;
      if (h2) {
        const stream = await streamRow(h2, bodies, size, args.duration, args.token);
        row.stream = stream;
        log(`batch ${size} as ScoreStream messages (one call, ${stream.seconds} s): ${thousands(stream.consumers_per_s)} consumers/s, ${stream.messages} messages, status ${stream.status}${stream.message ? ` (${stream.message})` : ''}`);
        if (stream.status !== '0') row.unexpected.push(`ScoreStream ended with status ${stream.status}: ${stream.message}`);
      }
    }
  } finally {
    sampler?.stop();
    if (gateway) {
      const code = await gateway.stop();
      if (code !== 0) log(`the gateway exited ${code}:\n${gateway.stderrTail()}`);
    }
  }

  const peak = sampler ? sampler.peak : null;
  const unexpected = unexpectedLines(rows, skipped);
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
    skipped,
    unexpected,
  };
  if (args.json) process.stdout.write(JSON.stringify(output) + '\n');
  else printReport(log, rows, skipped, peak, { connections: args.connections, duration: args.duration }, output.loadavg_end);
  if (unexpected.length === 0) return 0;
  // Last, after every row: the verdict a script or CI reads with the exit code.
  process.stderr.write(`\nbench:gateway: ${unexpected.length} unexpected outcome${unexpected.length === 1 ? '' : 's'} (the load was sized to the server's limits, so every answer should be ok):\n${unexpected.map((u) => `  ${u}`).join('\n')}\n`);
  return 1;
}

function round(x: number, digits: number): number {
  const f = 10 ** digits;
  return Math.round(x * f) / f;
}

main(process.argv.slice(2)).then(
  (code) => (process.exitCode = code),
  (error: unknown) => {
    process.stderr.write(`bench:gateway: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exitCode = 2;
  },
);
