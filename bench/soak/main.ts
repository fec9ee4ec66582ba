// `npm run bench:soak`: mixed valid and invalid traffic over every protocol
// for --duration (default 5 minutes) against a gateway it starts (2 workers)
// or one already running (--target). Prints a progress line per sample
// (requests, rate, server RSS and heap) and a summary: requests by kind ×
// protocol, outcomes by code (expected or not), latency per kind, RSS after
// warm-up with a flatness verdict. Exits 0 only with no unexpected outcome
// and a flat RSS; 1 otherwise; 2 when it could not run.
import { writeFile } from 'node:fs/promises';
import { loadavg } from 'node:os';
import { startGatewayProcess, type GatewayProcess } from '../../lib/gateway-process.js';
import { Clients } from './clients.js';
import { mix } from './expectations.js';
import { flatness } from './flatness.js';
import { MemorySampler } from './memory.js';
import { parseSoakOptions, USAGE, type SoakOptions } from './options.js';
import { formatSummary, summarize, Tally } from './report.js';
import { send } from './requests.js';
import { loadSchemas, Traffic } from './traffic.js';

const MIB = 2 ** 20;
const load = () => loadavg().map((x) => x.toFixed(2)).join(' ');

async function startTarget(options: SoakOptions): Promise<{ base: string; h2: string; gateway?: GatewayProcess }> {
  if (options.target !== undefined) return { base: options.target, h2: options.grpcTarget! };
  const gateway = await startGatewayProcess(['--workers', String(options.workers), '--max-body-bytes', String(options.maxBodyBytes), '--log-level', 'info'], 60_000);
  return { base: gateway.base, h2: gateway.h2, gateway };
}

/** One loop of the traffic: a request at a time until `endAt`. */
async function loop(endAt: number, pairs: ReturnType<typeof mix>, traffic: Traffic, clients: Clients, tally: Tally): Promise<void> {
  const weights = pairs.map((p) => p.weight);
  while (performance.now() < endAt) {
    const { protocol, kind } = pairs[traffic.rng.pick(weights)]!;
    const started = performance.now();
    let code: string;
    let message: string;
    try {
      ({ code, message } = await send(kind, protocol, traffic, clients));
    } catch (error) {
      // A hand-made call that broke (connection reset, a body that is not the protocol's): a finding, kept as such.
      code = 'client_error';
      message = error instanceof Error ? `${error.message}${error.cause instanceof Error ? `: ${error.cause.message}` : ''}` : String(error);
    }
    tally.record(protocol, kind, code, message, performance.now() - started);
  }
}

async function main(argv: readonly string[]): Promise<number> {
  const options = parseSoakOptions(argv);
  if (options === 'help') {
    console.log(USAGE);
    return 0;
  }
  const pairs = mix(options.kinds, options.protocols);
  const schemas = loadSchemas();
  const traffic = new Traffic(schemas, options.seed, options.maxBodyBytes);
  const { base, h2, gateway } = await startTarget(options);
  const headers: Record<string, string> = options.token ? { authorization: `Bearer ${options.token}` } : {};
  const clients = new Clients(schemas, base, h2, headers, options.concurrency);
  const memory = new MemorySampler(base, gateway?.child.pid, headers);
  const tally = new Tally();
  let timer: NodeJS.Timeout | undefined;
  let gatewayExit: number | null = 0;
  const started = performance.now();
  try {
    console.log(gateway ? gateway.readyLine : `target ${base}, gRPC ${h2}`);
    console.log(`soak: ${options.durationMs / 1000} s, concurrency ${options.concurrency}, seed ${options.seed}, max body ${options.maxBodyBytes} B, warm-up ${options.warmupMs / 1000} s, RSS from ${memory.source}; ${pairs.length} protocol × kind pairs; load average ${load()}`);
    let lastRequests = 0;
    let lastAt = started;
    const progress = async (): Promise<void> => {
      const now = performance.now();
      const sample = await memory.sample(now - started);
      const rate = ((tally.requests - lastRequests) / (now - lastAt)) * 1000;
      [lastRequests, lastAt] = [tally.requests, now];
      const heap = sample.heapBytes === undefined ? '' : `, heap ${(sample.heapBytes / MIB).toFixed(1)} MiB`;
      console.log(`${((now - started) / 1000).toFixed(0).padStart(5)} s  ${String(tally.requests).padStart(7)} requests  ${rate.toFixed(1).padStart(6)}/s  RSS ${(sample.rssBytes / MIB).toFixed(1)} MiB${heap}  unexpected ${tally.unexpectedCount}  load ${load()}`);
    };
    await progress();
    timer = setInterval(() => void progress(), options.sampleMs);
    const endAt = started + options.durationMs;
    await Promise.all(Array.from({ length: options.concurrency }, () => loop(endAt, pairs, traffic, clients, tally)));
    clearInterval(timer);
    await progress();
  } finally {
    clearInterval(timer);
    clients.close();
    if (gateway) {
      gatewayExit = await gateway.stop(40_000);
      if (gatewayExit !== 0) console.error(`the gateway exited ${gatewayExit} on SIGTERM:\n${gateway.stderr().slice(-3000)}`);
    }
  }
  const durationMs = performance.now() - started;
  const rss = { ...flatness(memory.samples, options.warmupMs, options), source: memory.source };
  const summary = summarize(tally, durationMs, rss, memory.samples);
  console.log(formatSummary(summary));
  if (gateway) console.log(`gateway exit status on SIGTERM: ${gatewayExit}${gatewayExit === 0 ? '' : ' → FAIL'}`);
  console.log(`load average at the end: ${load()}`);
  if (options.json) await writeFile(options.json, JSON.stringify({ ...summary, options, gatewayExit, loadavgEnd: loadavg() }, null, 2) + '\n');
  return summary.passed && gatewayExit === 0 ? 0 : 1;
}

main(process.argv.slice(2)).then(
  (code) => (process.exitCode = code),
  (error: unknown) => {
    process.stderr.write(`bench:soak: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exitCode = 2;
  },
);
