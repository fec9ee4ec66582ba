// The haproxy.cfg in front of N gateway replicas (HAProxy 2.6, Debian's
// package): one frontend for HTTP/1.1 (Connect, gRPC-Web, anything with a
// Content-Type on port 8080's API) and one for h2c (gRPC and ScoreStream,
// `proto h2`, the gateway's port 8081), each balanced over every replica, and
// each replica checked on its own /readyz (the gRPC health service says the
// same thing: both follow the one readiness flag). Why each setting is what
// it is: docs/operations/replicas.md, "The HAProxy configuration".

export interface ReplicaPorts {
  /** Connect, gRPC-Web, /readyz (HTTP/1.1). */
  readonly http: number;
  /** gRPC over h2c. */
  readonly grpc: number;
}

export interface BalancerPorts {
  readonly http: number;
  readonly grpc: number;
}

export interface HealthCheck {
  /** Time between two checks of one replica, ms. The gateway's drainDelayMs must be above 2 × fall × interMs (drainDelayFor). */
  readonly interMs: number;
  /** Failed checks before a replica is taken out. */
  readonly fall: number;
  /** Passed checks before it is put back. */
  readonly rise: number;
}

export const DEFAULT_CHECK: HealthCheck = { interMs: 250, fall: 1, rise: 2 };

/** The least drainDelayMs for replicas behind this check: taken out of the rotation before they stop accepting. */
export function drainDelayFor(check: HealthCheck): number {
  // fall failing checks, each starting up to interMs after the one before and taking up to interMs (timeout check):
  // 2·fall·interMs at worst (500 ms for the default). Two more interMs of margin: the replicas test asserts that HAProxy
  // marks the replica DOWN within drainDelayMs, and on a loaded 2-core CI machine a check can start late.
  return (2 * check.fall + 2) * check.interMs;
}

/** `log`: one line per request on stderr, with HAProxy's termination state (debugging a run). */
export function haproxyConfig(replicas: readonly ReplicaPorts[], front: BalancerPorts, check: HealthCheck = DEFAULT_CHECK, log = false): string {
  if (replicas.length === 0) throw new Error('haproxy config: no replicas');
  const server = (r: ReplicaPorts, i: number, grpc: boolean) =>
    `  server r${i} 127.0.0.1:${grpc ? r.grpc : r.http}${grpc ? ' proto h2' : ''} check${grpc ? ` port ${r.http} check-proto h1` : ''}`;
  const backend = (name: string, grpc: boolean) => [
    `backend ${name}`,
    '  balance leastconn',
    '  option httpchk',
    '  http-check send meth GET uri /readyz ver HTTP/1.1 hdr Host localhost',
    '  http-check expect status 200',
    `  default-server inter ${check.interMs}ms fastinter ${check.interMs}ms downinter ${check.interMs}ms fall ${check.fall} rise ${check.rise}`,
    // A connection refused (a killed replica not yet marked down) is tried again, on another replica: the request
    // was never sent. Nothing that reached a replica is retried here; that is the client's part.
    '  retry-on conn-failure',
    '  retries 3',
    '  option redispatch 1',
    ...replicas.map((r, i) => server(r, i, grpc)),
  ];
  return [
    'global',
    '  maxconn 4096',
    // HAProxy's H2 demultiplexer reads a connection's frames in order: a DATA frame for a stream whose buffer is
    // full blocks every stream of that connection (head-of-line). The client may send a stream up to its window
    // (tune.h2.initial-window-size, 65535 by default) before HAProxy acknowledges, so the buffer must hold a whole
    // window: with the default 16 KiB buffers, several gRPC uploads of MB-sized batches on one client connection
    // stalled until the gateway's bodyIdleTimeoutMs ended them (measured; docs/operations/replicas.md).
    '  tune.bufsize 131072',
    ...(log ? ['  log stderr format raw local0'] : []),
    'defaults',
    '  mode http',
    ...(log ? ['  log global', '  option httplog'] : []),
    '  timeout connect 1s',
    // Batches take seconds and ScoreStream calls minutes: the gateway's own deadlines and shutdownTimeoutMs bound them.
    '  timeout client 10m',
    '  timeout server 10m',
    `  timeout check ${check.interMs}ms`,
    '  timeout http-keep-alive 60s',
    'frontend api_http1',
    `  bind 127.0.0.1:${front.http}`,
    '  default_backend replicas_http1',
    'frontend api_h2c',
    `  bind 127.0.0.1:${front.grpc} proto h2`,
    '  default_backend replicas_h2c',
    ...backend('replicas_http1', false),
    ...backend('replicas_h2c', true),
    '',
  ].join('\n');
}
