// Command-line options of `npm run bench:soak -- …`. Pure: parsed and checked
// here, so that the rest of the soak trusts a SoakOptions.
import { parseArgs } from 'node:util';
import { intOption } from '../gateway/target-args.js';
import { KINDS, PROTOCOLS, type Protocol } from './expectations.js';

export interface SoakOptions {
  readonly durationMs: number;
  /** Requests in flight at once (one loop each). */
  readonly concurrency: number;
  readonly seed: number;
  /** http://host:port of a running gateway; undefined = start one. */
  readonly target: string | undefined;
  /** h2c URL of the running gateway's gRPC port (with --target). */
  readonly grpcTarget: string | undefined;
  readonly token: string | undefined;
  readonly sampleMs: number;
  /** RSS samples before this are warm-up: left out of the flatness verdict. */
  readonly warmupMs: number;
  /** The gateway's --max-body-bytes (the one it is started with, or the target's). */
  readonly maxBodyBytes: number;
  /** Worker threads of the gateway the soak starts. */
  readonly workers: number;
  /** Flatness thresholds (see README.md). */
  readonly maxSlopeMiBPerMin: number;
  readonly maxGrowthMiB: number;
  readonly json: string | undefined;
  /** The traffic kinds sent (default all: expectations.ts). */
  readonly kinds: readonly string[];
  readonly protocols: readonly Protocol[];
}

export const USAGE = `usage: npm run bench:soak -- [options]
  --duration T        how long to send traffic: 300, 30s, 2m, 1h (default 5m)
  --concurrency N     requests in flight at once (default 4)
  --seed S            seed of the traffic mix and the population (default 20261128)
  --target URL        soak the gateway running at URL (Connect, gRPC-Web, /metrics) instead of starting one
  --grpc-target URL   with --target: its gRPC h2c address (default: URL's host, port + 1)
  --token T           bearer token for --target
  --sample T          RSS sample interval (default 5s)
  --warmup T          samples before this are warm-up (default: a fifth of --duration)
  --max-body-bytes B  the gateway's body limit: the soak starts it with this, or the target's (default 8388608)
  --workers N         worker threads of the gateway it starts (default 2)
  --max-slope M       flat: least-squares RSS slope after warm-up at most M MiB/min (default 10)
  --max-growth M      flat: last sample at most M MiB above the first after warm-up (default 96)
  --json PATH         also write the summary as JSON to PATH
  --kinds LIST        only these traffic kinds, comma-separated (default all: ${KINDS.map((k) => k.kind).join(', ')})
  --protocols LIST    only these protocols (default all: ${PROTOCOLS.join(', ')})
  -h, --help          this text`;

const UNIT_MS: Readonly<Record<string, number>> = { '': 1000, s: 1000, m: 60_000, h: 3_600_000 };

/** `300`, `30s`, `2m`, `1.5h` → milliseconds (plain numbers are seconds). */
export function parseDuration(name: string, raw: string): number {
  const match = /^(\d+(?:\.\d+)?)([smh]?)$/.exec(raw.trim());
  const ms = match ? Number(match[1]) * UNIT_MS[match[2]!]! : NaN;
  if (!Number.isFinite(ms) || ms <= 0) throw new Error(`--${name} ${raw}: give a duration such as 30s, 2m or 300 (seconds)`);
  return Math.round(ms);
}

/** A comma-separated subset of `all`, or all of it when absent. */
export function listOption<T extends string>(name: string, raw: string | undefined, all: readonly T[]): T[] {
  if (raw === undefined) return [...all];
  const items = raw.split(',').map((s) => s.trim()).filter((s) => s !== '');
  const unknown = items.filter((s) => !all.includes(s as T));
  if (unknown.length > 0 || items.length === 0) throw new Error(`--${name} ${raw}: choose from ${all.join(', ')}`);
  return [...new Set(items as T[])];
}

function positive(name: string, raw: string | undefined, fallback: number): number {
  if (raw === undefined) return fallback;
  const n = Number(raw);
  if (!Number.isFinite(n) || n <= 0) throw new Error(`--${name} ${raw}: give a positive number`);
  return n;
}

/** The h2c URL next to an HTTP/1.1 one: the same host, the next port (the gateway's default 8080 → 8081). */
function nextPort(target: string): string {
  const url = new URL(target);
  return `${url.protocol}//${url.hostname}:${Number(url.port || 80) + 1}`;
}

export function parseSoakOptions(argv: readonly string[]): SoakOptions | 'help' {
  const { values } = parseArgs({
    args: [...argv],
    strict: true,
    options: {
      duration: { type: 'string' },
      concurrency: { type: 'string' },
      seed: { type: 'string' },
      target: { type: 'string' },
      'grpc-target': { type: 'string' },
      token: { type: 'string' },
      sample: { type: 'string' },
      warmup: { type: 'string' },
      'max-body-bytes': { type: 'string' },
      workers: { type: 'string' },
      'max-slope': { type: 'string' },
      'max-growth': { type: 'string' },
      json: { type: 'string' },
      kinds: { type: 'string' },
      protocols: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help) return 'help';
  const durationMs = parseDuration('duration', values.duration ?? '5m');
  const sampleMs = parseDuration('sample', values.sample ?? '5s');
  const warmupMs = values.warmup === undefined ? Math.round(durationMs / 5) : parseDuration('warmup', values.warmup);
  if (warmupMs >= durationMs) throw new Error(`--warmup must be shorter than --duration (${warmupMs / 1000} s ≥ ${durationMs / 1000} s)`);
  if (sampleMs * 3 > durationMs - warmupMs) throw new Error(`--sample ${sampleMs / 1000} s: the run after warm-up needs at least 3 samples for a verdict`);
  if (values['grpc-target'] !== undefined && values.target === undefined) throw new Error('--grpc-target needs --target');
  if (values.token !== undefined && values.target === undefined) throw new Error('--token needs --target (the gateway the soak starts has no tokens)');
  for (const name of ['target', 'grpc-target'] as const) {
    const url = values[name];
    if (url !== undefined && !/^http:\/\/[^/]+:\d+\/?$/.test(url)) throw new Error(`--${name} ${url}: give http://host:port`);
  }
  const target = values.target?.replace(/\/$/, '');
  return {
    durationMs,
    concurrency: intOption('concurrency', values.concurrency, 4, 1, 256),
    seed: intOption('seed', values.seed, 20261128, 0, 2 ** 32 - 1),
    target,
    grpcTarget: target === undefined ? undefined : (values['grpc-target']?.replace(/\/$/, '') ?? nextPort(target)),
    token: values.token,
    sampleMs,
    warmupMs,
    maxBodyBytes: intOption('max-body-bytes', values['max-body-bytes'], 8 * 2 ** 20, 1 << 20, 2 ** 31),
    workers: intOption('workers', values.workers, 2, 1, 64),
    maxSlopeMiBPerMin: positive('max-slope', values['max-slope'], 10),
    maxGrowthMiB: positive('max-growth', values['max-growth'], 96),
    json: values.json,
    kinds: listOption('kinds', values.kinds, KINDS.map((k) => k.kind)),
    protocols: listOption('protocols', values.protocols, PROTOCOLS),
  };
}
