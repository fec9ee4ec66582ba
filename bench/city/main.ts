// `npm run bench:city`: a Guangzhou-sized population, 5.8 million consumers
// × 30 days × 96 readings, scored through the gateway in batches from a
// streaming client that keeps a bounded number of requests in flight over
// HTTP/1.1 keep-alive (Connect, application/proto). Prints the total time,
// consumers per second, the server's peak RSS and the code distribution.
//
// The client must not be the bottleneck. Generating curves costs about as
// much CPU per consumer as scoring them, and this machine has two cores, so
// by default the client pre-generates a pool of distinct batches (--pool)
// and cycles them (and says so); --distinct generates every batch afresh in
// generator threads (--generators) instead. Either way the generation rate
// is measured and printed.
import { intOption, TARGET_OPTIONS, targetArgs } from '../gateway/target-args.js';
import { Agent } from 'node:http';
import { parseArgs } from 'node:util';
import { addSummary, emptySummary, loadNow, machineInfo, mib, postBatch, readSummary, RssSampler, startGateway, thousands, type StartedGateway } from '../gateway/server.js';
import type { Args, BatchFeed } from './feeds.js';
import { clock, Progress } from './progress.js';
import { cityStream } from './stream.js';
import { feedMaker } from './file-feed.js';
import { WIDE_CSV_ARGS, wideCsvOptions } from '../../cli/csv/options.js';

const USAGE = `usage: npm run bench:city -- [options]
  --consumers N     population (default 5800000, Guangzhou)
  --batch N         consumers per request (default 1000)
  --in-flight N     requests in flight at once (default 4)
  --pool K          distinct batches pre-generated and cycled (default 32)
  --distinct        generate every batch afresh in generator threads instead of cycling a pool
  --generators N    generator threads with --distinct (default 1)
  --days D          days per curve (default 30)
  --points P        readings per day (default 96)
  --seed S          population seed (default 20240304)
  --workers N       worker threads of the gateway it starts (default: one per core)
  --url URL         use the gateway running at URL instead of starting one
  --token T         bearer token for --url
  --pid PID         with --url on this machine: sample that process's memory
  --mode M          batch (ScoreBatch requests), stream (one ScoreStream of every batch), or both, one after the other (default)
  --h2 URL          with --url: the gateway's gRPC port (http://host:8081), for the stream
  --json            one JSON object on stdout (progress still on stderr)
  --input FILE      send the consumers of FILE instead of generated ones: any input of
                    \`gridcode score\` (a batch, a wide or long CSV meter export with its
                    options: --unit, --interval, --tz, --preset, …; .gz; - for stdin);
                    read whole before the run, then cycled up to --consumers
                    (default: the file's consumers, once)
  --pool-bytes N    with --input: hold at most N bytes of requests (default 2 GiB)`;

function parse(argv: readonly string[]): Args | 'help' {
  const { values } = parseArgs({
    args: [...argv],
    strict: true,
    options: {
      consumers: { type: 'string' },
      batch: { type: 'string' },
      'in-flight': { type: 'string' },
      pool: { type: 'string' },
      distinct: { type: 'boolean' },
      generators: { type: 'string' },
      mode: { type: 'string' },
      h2: { type: 'string' },
      input: { type: 'string' },
      'pool-bytes': { type: 'string' },
      ...TARGET_OPTIONS,
      ...WIDE_CSV_ARGS,
    },
  });
  if (values.help) return 'help';
  const consumers = intOption('consumers', values.consumers, values.input === undefined ? 5_800_000 : 0, 1, 100_000_000);
  const mode = values.mode ?? 'both';
  if (mode !== 'batch' && mode !== 'stream' && mode !== 'both') throw new Error(`--mode must be batch, stream or both, not ${mode}`);
  return {
    consumers,
    batch: Math.min(consumers || Infinity, intOption('batch', values.batch, 1000, 1, 100_000)),
    inFlight: intOption('in-flight', values['in-flight'], 4, 1, 256),
    pool: intOption('pool', values.pool, 32, 1, 10_000),
    distinct: values.distinct ?? false,
    generators: intOption('generators', values.generators, 1, 1, 64),
    mode,
    h2: values.h2,
    input: values.input === undefined ? undefined : { arg: values.input, csv: wideCsvOptions(values, 'bench:city'), poolBytes: intOption('pool-bytes', values['pool-bytes'], 2 ** 31, 1, 2 ** 40) },
    ...targetArgs(values),
  };
}

function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}

async function main(argv: readonly string[]): Promise<number> {
  const args = parse(argv);
  if (args === 'help') {
    console.log(USAGE);
    return 0;
  }
  const log = (line: string) => (args.json ? process.stderr : process.stdout).write(line + '\n');
  const makeFeed = await feedMaker(args, log);
  args.consumers = makeFeed.consumers;
  const machine = machineInfo();
  const population = args.input === undefined ? `${args.days} days × ${args.points} readings` : `the consumers of ${args.input.arg}`;
  log(`bench:city: ${thousands(args.consumers)} consumers, ${population}, ${args.batch} per request, ${args.inFlight} in flight`);
  log(`machine: ${machine.cores}× ${machine.cpu}, ${machine.memoryGiB} GiB, Node ${machine.node}; load average ${machine.loadavgStart.join(' ')}`);

  const feed: BatchFeed = await makeFeed();
  const generator = 'generator' in feed ? String(feed.generator) : args.input !== undefined ? 'read from the file before the run' : 'generator threads';

  let gateway: StartedGateway | undefined;
  let sampler: RssSampler | undefined;
  try {
    if (args.url === undefined) {
      gateway = await startGateway(args.workers === undefined ? [] : ['--workers', String(args.workers)]);
      log(gateway.readyLine);
    }
    const pid = gateway?.pid ?? args.pid;
    if (pid !== undefined) sampler = new RssSampler(pid, 100).start();
    const url = new URL(gateway?.url ?? args.url!);
    const agent = new Agent({ keepAlive: true, maxSockets: args.inFlight });

    const summary = emptySummary();
    const latencies: number[] = [];
    let done = 0;
    let requests = 0;
    let retries = 0;
    const errors: string[] = [];
    const started = performance.now();
    const progress = new Progress(args.consumers, started);
    const loadSamples: number[] = [loadNow()[0]!];
    const loadTimer = setInterval(() => loadSamples.push(loadNow()[0]!), 5000);
    loadTimer.unref();

    const sendOne = async (batch: { count: number; bytes: Uint8Array; done(): void }) => {
      for (let attempt = 0; ; attempt++) {
        const t = performance.now();
        try {
          const response = await postBatch(agent, url, batch.bytes, args.token);
          if (response.status !== 200) {
            errors.push(`${response.status}: ${response.body.toString('utf8').slice(0, 200)}`);
            break;
          }
          latencies.push(performance.now() - t);
          const got = readSummary(response.body);
          if (got.total !== batch.count) errors.push(`a response counted ${got.total} consumers of ${batch.count}`);
          addSummary(summary, got);
          done += batch.count;
          break;
        } catch (error) {
          // A kept-alive connection the server closed just as it was reused: once more on a new one.
          const code = (error as NodeJS.ErrnoException).code;
          if (attempt === 0 && (code === 'ECONNRESET' || code === 'EPIPE')) {
            retries++;
            continue;
          }
          errors.push(`${code ?? ''} ${(error as Error).message}`);
          break;
        }
      }
      requests++;
      batch.done();
      progress.update(done);
    };

    const inFlight = new Set<Promise<void>>();
    for (; args.mode !== 'stream'; ) {
      const batch = await feed.next();
      if (!batch) break;
      const p: Promise<void> = sendOne(batch).finally(() => inFlight.delete(p));
      inFlight.add(p);
      if (inFlight.size >= args.inFlight) await Promise.race(inFlight);
      if (errors.length > 20) break;
    }
    await Promise.all(inFlight);
    const seconds = (performance.now() - started) / 1000;
    if (args.mode !== 'stream') progress.finish(done);
    clearInterval(loadTimer);
    loadSamples.push(loadNow()[0]!);
    agent.destroy();
    await feed.close();
    sampler?.stop();

    latencies.sort((a, b) => a - b);
    const peak = sampler ? sampler.peak : null;
    const rate = done / seconds;
    const generationRate = feed.generationRate();
    const codes = { green: summary.green, yellow: summary.yellow, red: summary.red, gray: summary.gray };
    const output = {
      bench: 'city',
      date: new Date().toISOString(),
      machine,
      loadavg_end: loadNow(),
      loadavg_1m_during: { min: Math.min(...loadSamples), max: Math.max(...loadSamples) },
      gateway: gateway ? gateway.readyLine : args.url,
      consumers: done,
      requested_consumers: args.consumers,
      batch: args.batch,
      in_flight: args.inFlight,
      requests,
      seconds: Math.round(seconds * 10) / 10,
      consumers_per_s: Math.round(rate),
      latency_p50_ms: Math.round(percentile(latencies, 50)),
      latency_p99_ms: Math.round(percentile(latencies, 99)),
      peak_rss_bytes: peak,
      codes,
      rule_hits: Object.fromEntries(summary.ruleHits),
      errors: errors.length,
      retries,
      batches: feed.description,
      generator,
      client_generation_consumers_per_s: Math.round(generationRate),
      targets: { under_5_min: args.consumers >= 5_800_000 ? seconds < 300 && done === args.consumers : null, rss_under_1_5_gib: peak === null ? null : peak < 1.5 * 2 ** 30 },
    };
    if (args.json) process.stdout.write(JSON.stringify(output) + '\n');
    else {
      const share = (n: number) => `${thousands(n)} (${((100 * n) / Math.max(1, done)).toFixed(2)} %)`;
      log('');
      log(`scored ${thousands(done)} consumers in ${clock(seconds)} (${seconds.toFixed(1)} s): ${thousands(rate)} consumers/s, ${requests} requests, p50 ${output.latency_p50_ms} ms, p99 ${output.latency_p99_ms} ms, ${errors.length} errors, ${retries} retried`);
      log(`server peak RSS: ${peak === null ? 'not measured (no pid)' : `${mib(peak)} (VmHWM of the gateway process, workers included)`}`);
      log(`codes: green ${share(codes.green)}, yellow ${share(codes.yellow)}, red ${share(codes.red)}, gray ${share(codes.gray)}`);
      log(`rule hits: ${[...summary.ruleHits].map(([rule, n]) => `${rule} ${thousands(n)}`).join(', ')}`);
      log(`batches: ${feed.description}`);
      log(`client generation: ${thousands(generationRate)} consumers/s per thread [${generator}]; generating all ${thousands(args.consumers)} on one thread would take ${clock(args.consumers / generationRate)}`);
      log(`targets (2-core machine): full city under 5 min ${output.targets.under_5_min === null ? 'n/a (not the full city)' : output.targets.under_5_min ? 'yes' : 'no'}; server RSS under 1.5 GiB ${output.targets.rss_under_1_5_gib === null ? 'not measured' : output.targets.rss_under_1_5_gib ? 'yes' : 'no'}`);
      log(`load average: ${machine.loadavgStart.join(' ')} at the start, ${output.loadavg_end.join(' ')} at the end (1-min ${output.loadavg_1m_during.min}–${output.loadavg_1m_during.max} during the run)`);
    }
    for (const error of errors.slice(0, 5)) process.stderr.write(`error: ${error}\n`);
    let streamFailed = false;
    if (args.mode !== 'batch') {
      const h2 = gateway?.h2 ?? args.h2;
      if (!h2) throw new Error('--mode stream or both with --url needs --h2 (the gateway\'s gRPC port)');
      const run = await cityStream(args, makeFeed, h2, sampler, log);
      streamFailed = run.failed;
      if (args.json) process.stdout.write(JSON.stringify({ bench: 'city-stream', ...run.output }) + '\n');
    }
    return errors.length > 0 || streamFailed ? 1 : 0;
  } finally {
    sampler?.stop();
    if (gateway) {
      const code = await gateway.stop();
      if (code !== 0) process.stderr.write(`the gateway exited ${code}:\n${gateway.stderrTail()}\n`);
    }
  }
}

main(process.argv.slice(2)).then(
  (code) => (process.exitCode = code),
  (error: unknown) => {
    process.stderr.write(`bench:city: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exitCode = 2;
  },
);
