// The haproxy.cfg that bench/replicas writes: HAProxy itself accepts it
// (`haproxy -c`, no warning), and the gateways' drain delay outlasts the time
// HAProxy takes to mark a draining replica down (fall checks inter apart, each
// up to its timeout). Skips loudly without haproxy (.ci/run installs it).
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { findHaproxy } from '../../bench/replicas/cluster.js';
import { DEFAULT_CHECK, drainDelayFor, haproxyConfig } from '../../bench/replicas/haproxy-config.js';

const haproxy = findHaproxy();
if (!haproxy) console.warn('\n*** tests/ops/haproxy-config.test.ts: haproxy -c SKIPPED, haproxy is not installed ***\n');

const replicas = [
  { http: 18080, grpc: 18081 },
  { http: 18090, grpc: 18091 },
];

describe('the replicas haproxy.cfg', () => {
  it.skipIf(!haproxy)('is valid for HAProxy, without warnings', () => {
    const dir = mkdtempSync(join(tmpdir(), 'gridcode-haproxy-check-'));
    try {
      const file = join(dir, 'haproxy.cfg');
      writeFileSync(file, haproxyConfig(replicas, { http: 18000, grpc: 18001 }));
      const run = spawnSync(haproxy!, ['-c', '-f', file], { encoding: 'utf8' });
      const out = `${run.stdout}${run.stderr}`;
      expect(run.status, out).toBe(0);
      expect(out).toMatch(/Configuration file is valid/);
      expect(out).not.toMatch(/WARNING|ALERT/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('checks both backends on /readyz and names every replica once per backend', () => {
    const config = haproxyConfig(replicas, { http: 18000, grpc: 18001 });
    expect(config.match(/http-check send meth GET uri \/readyz ver HTTP\/1\.1/g)).toHaveLength(2);
    expect(config).toContain('server r1 127.0.0.1:18090 check');
    expect(config).toContain('server r1 127.0.0.1:18091 proto h2 check port 18090 check-proto h1');
    expect(config).not.toMatch(/shutdown-sessions/);
    expect(() => haproxyConfig([], { http: 1, grpc: 2 })).toThrow(/no replicas/);
  });

  it('gives a drain delay longer than HAProxy needs to take a replica out', () => {
    for (const check of [DEFAULT_CHECK, { interMs: 2000, fall: 2, rise: 2 }, { interMs: 100, fall: 3, rise: 1 }]) {
      // Worst case: fall failing checks, each starting up to inter after the one before and up to inter long (timeout check).
      expect(drainDelayFor(check)).toBeGreaterThan(2 * check.fall * check.interMs);
    }
  });
});
