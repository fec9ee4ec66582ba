// The built service as `npm start` runs it: node dist/gateway/main.js on free
// ports. Needs the build (npm run build): without dist/ the run stops at once.
import { spawn, spawnSync, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { packageRoot } from '../engine/src/package-root.js';
import { MAIN } from '../lib/gateway-process.js';
import { hashToken } from './ops/tenants.js';

interface Running {
  readonly child: ChildProcessWithoutNullStreams;
  readonly base: string;
  readonly grpc: string;
  readonly readyLine: string;
  stderr(): string;
  exit: Promise<number | null>;
}

const children: ChildProcessWithoutNullStreams[] = [];
afterAll(() => {
  for (const child of children) if (child.exitCode === null) child.kill('SIGKILL');
});

function start(args: string[], env: Record<string, string> = {}): Promise<Running> {
  const child = spawn(process.execPath, [MAIN, '--port', '0', '--grpc-port', '0', '--workers', '1', ...args], { env: { ...process.env, ...env }, cwd: packageRoot });
  children.push(child);
  let out = '';
  let err = '';
  child.stderr.on('data', (chunk: Buffer) => (err += chunk.toString()));
  const exit = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no ready line in 30 s; stderr:\n${err}`)), 30_000);
    child.stdout.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      const line = out.split('\n')[0];
      if (!out.includes('\n') || line === undefined) return;
      clearTimeout(timer);
      const match = /^gridcode ready: connect\+grpc-web (http:\/\/127\.0\.0\.1:(\d+)), grpc h2c (127\.0\.0\.1:(\d+)), rule sets (\S+), 1 worker/.exec(line);
      if (!match) return reject(new Error(`unexpected ready line: ${line}`));
      resolve({ child, base: match[1]!, grpc: match[3]!, readyLine: line, stderr: () => err, exit });
    });
    void exit.then((code) => reject(new Error(`exited ${code} before ready; stderr:\n${err}`)));
  });
}

const batch = {
  startDate: '2026-11-02',
  pointsPerDay: 24,
  consumers: [
    { id: 'home-1', category: 'CATEGORY_RESIDENTIAL', loadKw: [0.3, 0.3, 0.3, 0.3, 0.3, 0.3, 0.6, 0.6, 0.6, 0.6, 0.6, 0.6, 0.6, 0.6, 0.6, 0.6, 0.6, 0.6, 2.5, 2.5, 2.5, 2.5, 2.5, 0.6] },
    { id: 'meter-broken', loadKw: [1, 2, 3] },
  ],
};
const SCORE = '/gridcode.v1.ScoringService/ScoreBatch';

async function score(base: string, headers: Record<string, string> = {}): Promise<Response> {
  return fetch(base + SCORE, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(batch) });
}

function waitFor(read: () => string, pattern: RegExp, ms = 10_000): Promise<void> {
  return new Promise((resolve, reject) => {
    const started = Date.now();
    const poll = setInterval(() => {
      if (pattern.test(read())) {
        clearInterval(poll);
        resolve();
      } else if (Date.now() - started > ms) {
        clearInterval(poll);
        reject(new Error(`${pattern} not seen in ${ms} ms:\n${read()}`));
      }
    }, 20);
  });
}

describe('node dist/gateway/main.js', () => {
  it('starts on free ports, prints one ready line, serves, and drains on SIGTERM', async () => {
    const gw = await start(['--log-level', 'info']);
    expect(gw.readyLine).toMatch(/rule sets default@\S+, 1 worker, no authentication \(loopback only\)$/);

    expect((await fetch(`${gw.base}/healthz`)).status).toBe(200);
    const ready = await fetch(`${gw.base}/readyz`);
    expect(ready.status).toBe(200);

    const response = await score(gw.base);
    expect(response.status).toBe(200);
    const body = (await response.json()) as { results: { id: string; code: string }[] };
    expect(body.results.map((r) => `${r.id} ${r.code}`)).toEqual(['home-1 CODE_GREEN', 'meter-broken CODE_GRAY']);

    const metrics = await (await fetch(`${gw.base}/metrics`)).text();
    expect(metrics).toMatch(/^gridcode_requests_total\{method="ScoreBatch",protocol="connect",code="ok"\} 1$/m);
    // The service reports each scored batch: one GREEN, one GRAY consumer.
    expect(metrics).toMatch(/^gridcode_consumers_scored_total\{[^}]*code="green"[^}]*\} 1$/m);
    expect(metrics).toMatch(/^gridcode_consumers_scored_total\{[^}]*code="gray"[^}]*\} 1$/m);
    expect(metrics).toMatch(/^gridcode_batch_consumers_count(\{[^}]*\})? 1$/m);
    expect(metrics).toMatch(/^gridcode_rule_set_info\{id="default",version="[^"]+",digest="[0-9a-f]{64}"\} 1$/m);
    expect(metrics).toMatch(/^gridcode_pool_workers 1$/m);
    expect(metrics).toMatch(/^gridcode_ready 1$/m);
    expect(metrics).not.toMatch(/nodejs_active_\w+_total/);
    if (spawnSync('promtool', ['--version']).status === 0) {
      const check = spawnSync('promtool', ['check', 'metrics'], { input: metrics, encoding: 'utf8' });
      expect(`${check.stdout}${check.stderr}`.trim()).toBe('');
    }

    // A request whose headers are in when SIGTERM comes is accepted: it must complete.
    const text = JSON.stringify(batch);
    const url = new URL(gw.base + SCORE);
    const inFlight = new Promise<{ status: number; body: string }>((resolve, reject) => {
      const req = request({ host: url.hostname, port: url.port, path: url.pathname, method: 'POST', headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) } }, (res) => {
        let data = '';
        res.on('data', (chunk: Buffer) => (data += chunk.toString()));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body: data }));
      });
      req.on('error', reject);
      req.write(text.slice(0, 10));
      // Send the rest only once the server is draining.
      void waitFor(gw.stderr, /"draining/).then(() => req.end(text.slice(10)), reject);
    });
    await waitFor(gw.stderr, /"method":"ScoreBatch".*"code":"ok"/); // the first request's log line
    await new Promise((r) => setTimeout(r, 100)); // the half-sent request has reached the server
    gw.child.kill('SIGTERM');
    const finished = await inFlight;
    expect(finished.status).toBe(200);
    expect(finished.body).toContain('CODE_GREEN');
    expect(await gw.exit).toBe(0);
    // New connections are refused once draining began.
    await expect(fetch(`${gw.base}/readyz`)).rejects.toThrow();
    expect(gw.stderr()).toMatch(/"msg":"stopped"/);
    // Logs never hold readings or tokens.
    expect(gw.stderr()).not.toContain('loadKw');
    expect(gw.stderr()).not.toContain('0.3,0.3');
  });

  it('with a tokens file: bearer tokens map to tenants, others get unauthenticated', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'gridcode-main-'));
    try {
      const tokens = join(dir, 'tokens.yaml');
      await writeFile(tokens, `tenants:\n  - id: district-a\n    tokens: ["${hashToken('s3cret-a')}"]\n    rule_sets: [default]\n`);
      const gw = await start(['--tokens-file', tokens, '--log-level', 'warn']);
      expect(gw.readyLine).toMatch(/, 1 tenant$/);
      expect((await score(gw.base)).status).toBe(401);
      expect((await score(gw.base, { authorization: 'Bearer wrong' })).status).toBe(401);
      expect((await score(gw.base, { authorization: 'Bearer s3cret-a' })).status).toBe(200);
      expect((await fetch(`${gw.base}/readyz`)).status).toBe(200); // health and metrics need no token
      gw.child.kill('SIGTERM');
      expect(await gw.exit).toBe(0);
      expect(gw.stderr()).not.toContain('s3cret-a');
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('with --cors-origins: pages on those origins may call from a browser, others get no CORS headers', async () => {
    const page = 'http://localhost:5173';
    const gw = await start(['--cors-origins', `${page}, https://inspect.example.org`, '--log-level', 'warn']);
    const preflight = await fetch(gw.base + SCORE, { method: 'OPTIONS', headers: { origin: page, 'access-control-request-method': 'POST', 'access-control-request-headers': 'content-type' } });
    expect(preflight.status).toBe(204);
    expect(preflight.headers.get('access-control-allow-origin')).toBe(page);
    const allowed = await score(gw.base, { origin: page });
    expect([allowed.status, allowed.headers.get('access-control-allow-origin')]).toEqual([200, page]);
    const other = await score(gw.base, { origin: 'https://elsewhere.example.com' });
    expect([other.status, other.headers.get('access-control-allow-origin')]).toEqual([200, null]);
    gw.child.kill('SIGTERM');
    expect(await gw.exit).toBe(0);
    const bad = spawnSync(process.execPath, [MAIN, '--cors-origins', 'https://inspect.example.org/'], { encoding: 'utf8' });
    expect(bad.status).toBe(2);
    expect(bad.stderr).toContain('corsOrigins (--cors-origins): "https://inspect.example.org/" is not an origin');
  });

  it('refuses a bad configuration with a clear message and status 2', () => {
    const port = spawnSync(process.execPath, [MAIN, '--port', '70000'], { encoding: 'utf8' });
    expect(port.status).toBe(2);
    expect(port.stderr).toContain('port (--port): "70000" is not a TCP port (1–65535, or 0 for any free port)');
    const exposed = spawnSync(process.execPath, [MAIN, '--host', '0.0.0.0'], { encoding: 'utf8' });
    expect(exposed.status).toBe(2);
    expect(exposed.stderr).toMatch(/refusing to listen on 0\.0\.0\.0 without authentication/);
    const rules = spawnSync(process.execPath, [MAIN, '--port', '0', '--grpc-port', '0', '--rules-dir', '/nonexistent-rules'], { encoding: 'utf8' });
    expect(rules.status).toBe(1);
    expect(rules.stderr).toMatch(/gridcode: cannot start: rule-set directory \/nonexistent-rules/);
  });
});
