// N built gateways (`node dist/gateway/main.js`, lib/gateway-process.ts) on
// fixed free ports behind one HAProxy, as an SRE runs them on one machine: a
// replica can be killed (SIGKILL), drained (SIGTERM: /readyz turns 503, the
// balancer takes it out, accepted requests finish) and replaced by a new
// process on the same ports. For `npm run replicas` (bench/replicas/main.ts)
// and tests/ops/replicas.overload.test.ts.
import { spawn } from 'node:child_process';
import { accessSync, constants, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { freePorts } from '../../lib/free-ports.js';
import { startGatewayProcess, type GatewayProcess } from '../../lib/gateway-process.js';
import { DEFAULT_CHECK, drainDelayFor, haproxyConfig, type HealthCheck, type ReplicaPorts } from './haproxy-config.js';

/** HAProxy's binary: $HAPROXY, else the first `haproxy` of /usr/sbin, /usr/local/sbin and $PATH; undefined if none. */
export function findHaproxy(): string | undefined {
  const candidates = [process.env['HAPROXY'], '/usr/sbin/haproxy', '/usr/local/sbin/haproxy', ...(process.env['PATH'] ?? '').split(delimiter).map((dir) => join(dir, 'haproxy'))];
  for (const path of candidates) {
    if (!path) continue;
    try {
      accessSync(path, constants.X_OK);
      return path;
    } catch {
      // not there
    }
  }
  return undefined;
}

export interface Balancer {
  /** http://127.0.0.1:port for HTTP/1.1 (Connect, gRPC-Web), and the h2c one (gRPC). */
  readonly base: string;
  readonly h2: string;
  readonly config: string;
  /** HAProxy's view: each server of each backend, UP or DOWN (its stats page). */
  serverStates(): Promise<{ backend: string; server: string; status: string }[]>;
  /** Resolves when server `r<slot>` of both backends is `status`; rejects after `ms`. */
  waitFor(slot: number, status: 'UP' | 'DOWN', ms?: number): Promise<void>;
  stop(): Promise<void>;
  /** SIGKILL, at once. */
  abort(): void;
  stderr(): string;
}

/** HAProxy (`-db`: in the foreground) in front of `replicas`, once it sees every one of them UP. */
export async function startBalancer(replicas: readonly ReplicaPorts[], options: { haproxy?: string; check?: HealthCheck; log?: boolean } = {}): Promise<Balancer> {
  const haproxyPath = options.haproxy ?? findHaproxy();
  if (!haproxyPath) throw new Error('haproxy not found (apt-get install haproxy, or set HAPROXY=/path/to/haproxy)');
  const [http, grpc, statsPort] = (await freePorts(3)) as [number, number, number];
  const config = `${haproxyConfig(replicas, { http, grpc }, options.check ?? DEFAULT_CHECK, options.log)}listen stats\n  bind 127.0.0.1:${statsPort}\n  stats enable\n  stats uri /stats\n`;
  const dir = mkdtempSync(join(tmpdir(), 'gridcode-haproxy-'));
  const file = join(dir, 'haproxy.cfg');
  writeFileSync(file, config);
  const proxy = spawn(haproxyPath, ['-f', file, '-db'], { stdio: ['ignore', 'ignore', 'pipe'] });
  let err = '';
  proxy.stderr.on('data', (chunk: Buffer) => void (err = (err + chunk.toString()).slice(-4_000_000)));
  const exit = new Promise<number | null>((resolve) => proxy.on('exit', (code) => resolve(code)));
  const serverStates = async () => {
    const csv = await (await fetch(`http://127.0.0.1:${statsPort}/stats;csv`)).text();
    return csv
      .split('\n')
      .filter((line) => line && !line.startsWith('#'))
      .map((line) => line.split(','))
      .filter((f) => f[1] !== 'FRONTEND' && f[1] !== 'BACKEND')
      .map((f) => ({ backend: f[0]!, server: f[1]!, status: f[17]! }));
  };
  const waitFor = async (slot: number, status: 'UP' | 'DOWN', ms = 15_000) => {
    const until = performance.now() + ms;
    for (;;) {
      if (proxy.exitCode !== null) throw new Error(`haproxy exited ${proxy.exitCode}: ${err}`);
      try {
        const mine = (await serverStates()).filter((s) => s.server === `r${slot}` && s.backend.startsWith('replicas_'));
        if (mine.length === 2 && mine.every((s) => s.status.startsWith(status))) return;
      } catch {
        // stats not listening yet
      }
      if (performance.now() > until) throw new Error(`replica ${slot} not ${status} in HAProxy after ${ms} ms: ${JSON.stringify(await serverStates().catch(() => []))}; haproxy stderr: ${err}`);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  };
  const stop = async () => {
    if (proxy.exitCode === null && proxy.signalCode === null) proxy.kill('SIGTERM');
    await exit;
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    for (let slot = 0; slot < replicas.length; slot++) await waitFor(slot, 'UP');
  } catch (error) {
    await stop();
    throw error;
  }
  const abort = () => {
    proxy.kill('SIGKILL');
    rmSync(dir, { recursive: true, force: true });
  };
  return { base: `http://127.0.0.1:${http}`, h2: `http://127.0.0.1:${grpc}`, config, serverStates, waitFor, stop, abort, stderr: () => err };
}

export interface ClusterOptions {
  readonly replicas: number;
  /** Gateway flags added to every replica (e.g. --workers 1, --rules-dir DIR). */
  readonly gatewayArgs?: readonly string[];
  readonly check?: HealthCheck;
  readonly haproxy?: string;
  /** HAProxy logs every request on its stderr (balancer.stderr()). */
  readonly log?: boolean;
}

export interface Cluster {
  /** Through HAProxy. */
  readonly base: string;
  readonly h2: string;
  readonly balancer: Balancer;
  /** Each slot's replica, the newest process in it. */
  readonly replicas: GatewayProcess[];
  readonly ports: readonly ReplicaPorts[];
  readonly drainDelayMs: number;
  kill(slot: number): void;
  /** SIGTERM; resolves with the exit status. */
  drain(slot: number): Promise<number | null>;
  /** A new gateway on the slot's ports (its process must be gone); resolves once HAProxy sees it UP. */
  replace(slot: number): Promise<GatewayProcess>;
  /** SIGTERM to every replica, then to HAProxy; the replicas' exit statuses. */
  stop(): Promise<(number | null)[]>;
  /** SIGKILL to every process it started, at once (a script interrupted: nothing left running). */
  abort(): void;
}

export async function startCluster(options: ClusterOptions): Promise<Cluster> {
  if (!Number.isInteger(options.replicas) || options.replicas < 1) throw new Error(`replicas ${options.replicas}: give an integer of at least 1`);
  const check = options.check ?? DEFAULT_CHECK;
  const drainDelayMs = drainDelayFor(check);
  const all = await freePorts(2 * options.replicas);
  const ports: ReplicaPorts[] = Array.from({ length: options.replicas }, (_, i) => ({ http: all[2 * i]!, grpc: all[2 * i + 1]! }));
  const start = (slot: number) =>
    startGatewayProcess([...(options.gatewayArgs ?? []), '--port', String(ports[slot]!.http), '--grpc-port', String(ports[slot]!.grpc), '--drain-delay-ms', String(drainDelayMs)]);
  const replicas: GatewayProcess[] = [];
  try {
    replicas.push(...(await Promise.all(ports.map((_, slot) => start(slot)))));
  } catch (error) {
    for (const r of replicas) r.child.kill('SIGKILL');
    throw error;
  }
  let balancer: Balancer;
  try {
    balancer = await startBalancer(ports, { haproxy: options.haproxy, check, log: options.log });
  } catch (error) {
    await Promise.all(replicas.map((r) => r.stop(1_000)));
    throw error;
  }
  return {
    base: balancer.base,
    h2: balancer.h2,
    balancer,
    replicas,
    ports,
    drainDelayMs,
    kill: (slot) => void replicas[slot]!.child.kill('SIGKILL'),
    drain: (slot) => replicas[slot]!.stop(),
    async replace(slot) {
      const old = replicas[slot]!;
      if (old.child.exitCode === null && old.child.signalCode === null) throw new Error(`replica ${slot} is still running`);
      replicas[slot] = await start(slot);
      await balancer.waitFor(slot, 'UP');
      return replicas[slot]!;
    },
    async stop() {
      const statuses = await Promise.all(replicas.map((r) => r.stop()));
      await balancer.stop();
      return statuses;
    },
    abort() {
      for (const r of replicas) r.child.kill('SIGKILL');
      balancer.abort();
    },
  };
}
