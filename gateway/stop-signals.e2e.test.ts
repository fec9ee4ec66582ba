// SIGTERM reaches the server whatever the user started: `npm start` (npm
// forwards it to node, which the start script execs), `gridcode serve`, and a
// shell between npm and node as `npx gridcode serve` has (the shell dies of
// the signal; the orphaned server notices and drains). Ctrl-C, which the
// terminal sends to npm and node alike, drains once rather than counting as
// two signals. Each case checks the user's process exited 0, the server
// logged its drain, nothing is left running and the port is closed.
import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync, readdirSync } from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import { packageRoot } from '../engine/src/package-root.js';
import { CLI } from '../lib/gateway-process.js';

const FREE_PORTS = ['--port', '0', '--grpc-port', '0', '--workers', '1'];

interface Started {
  readonly child: ChildProcess;
  readonly base: string;
  readonly exit: Promise<number | null>;
  stderr(): string;
}

const started: ChildProcess[] = [];
const servers: number[] = [];
afterAll(() => {
  for (const child of started) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  for (const pid of servers) if (alive(pid)) process.kill(pid, 'SIGKILL');
});

/** Starts `command` in its own process group (as a terminal would) and waits for the gateway's ready line. */
function start(command: string, args: readonly string[], env: Record<string, string> = {}): Promise<Started> {
  const child = spawn(command, args, { cwd: packageRoot, env: { ...process.env, ...env }, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
  started.push(child);
  let out = '';
  let err = '';
  child.stderr!.on('data', (chunk: Buffer) => (err += chunk.toString()));
  const exit = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no ready line in 30 s; stdout:\n${out}\nstderr:\n${err}`)), 30_000);
    child.stdout!.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      const match = /^gridcode ready: connect\+grpc-web (http:\/\/127\.0\.0\.1:\d+),/m.exec(out);
      if (!match) return;
      clearTimeout(timer);
      resolve({ child, base: match[1]!, exit, stderr: () => err });
    });
    void exit.then((code) => reject(new Error(`${command} exited ${code} before ready; stderr:\n${err}`)));
  });
}

/** The pids whose parent is `pid`, from /proc. */
function childrenOf(pid: number): number[] {
  const found: number[] = [];
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      // The command name (field 2) is in parentheses and may hold spaces: fields after the last ')'.
      const stat = readFileSync(`/proc/${name}/stat`, 'utf8');
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      if (ppid === pid) found.push(Number(name));
    } catch {
      // gone meanwhile
    }
  }
  return found;
}

/** The node process serving: `pid` itself or the first node below it (npm runs it directly, npx through a shell). */
function serverPid(pid: number): number {
  const queue = [pid];
  while (queue.length > 0) {
    const p = queue.shift()!;
    if (readFileSync(`/proc/${p}/comm`, 'utf8').trim() === 'node') return p;
    queue.push(...childrenOf(p));
  }
  throw new Error(`no node process below ${pid}`);
}

/** Running, and not a zombie (an orphan's zombie waits for init to reap it). */
function alive(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2)[0] !== 'Z';
  } catch {
    return false;
  }
}

async function until(what: string, check: () => boolean | Promise<boolean>, ms = 15_000): Promise<void> {
  const deadline = performance.now() + ms;
  while (!(await check())) {
    if (performance.now() > deadline) throw new Error(`${what}: not within ${ms} ms`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

async function portClosed(base: string): Promise<boolean> {
  try {
    await fetch(`${base}/healthz`, { signal: AbortSignal.timeout(2000) });
    return false;
  } catch (error) {
    return ((error as Error).cause as NodeJS.ErrnoException | undefined)?.code === 'ECONNREFUSED';
  }
}

/** The server drained (its own log says so), is gone, and its port refuses connections. */
async function expectDrained(server: number, base: string, log: () => string): Promise<void> {
  await until('the server process exits', () => !alive(server));
  expect(await portClosed(base)).toBe(true);
  expect(log()).toMatch(/"msg":"requests drained"/);
  expect(log()).toMatch(/"msg":"stopped"/);
  expect(log()).not.toMatch(/second signal/);
}

describe('SIGTERM reaches the server, whatever started it', () => {
  it('npm start: SIGTERM to npm drains the server, and npm exits 0', async () => {
    const npm = await start('npm', ['start', '--', ...FREE_PORTS]);
    const server = serverPid(npm.child.pid!);
    servers.push(server);
    expect((await fetch(`${npm.base}/healthz`)).status).toBe(200);
    npm.child.kill('SIGTERM');
    expect(await npm.exit).toBe(0);
    await expectDrained(server, npm.base, npm.stderr);
  });

  it('npm start: Ctrl-C (SIGINT to the whole group) drains once, not as a second signal', async () => {
    const npm = await start('npm', ['start', '--', ...FREE_PORTS]);
    const server = serverPid(npm.child.pid!);
    servers.push(server);
    process.kill(-npm.child.pid!, 'SIGINT');
    await npm.exit;
    await expectDrained(server, npm.base, npm.stderr);
    expect(npm.stderr()).toMatch(/"reason":"SIGINT"/);
  });

  it('npm start: npm killed outright (SIGKILL) leaves no server behind', async () => {
    const npm = await start('npm', ['start', '--', ...FREE_PORTS]);
    const server = serverPid(npm.child.pid!);
    servers.push(server);
    npm.child.kill('SIGKILL');
    await expectDrained(server, npm.base, npm.stderr);
    expect(npm.stderr()).toMatch(/the npm process that started the server is gone/);
  });

  it('gridcode serve: SIGTERM drains and exits 0', async () => {
    const serve = await start(process.execPath, [CLI, 'serve', ...FREE_PORTS]);
    servers.push(serve.child.pid!);
    serve.child.kill('SIGTERM');
    const status = await serve.exit;
    expect(status).toBe(0);
    await expectDrained(serve.child.pid!, serve.base, serve.stderr);
  });

  it('gridcode serve under a shell, as npx runs it: SIGTERM kills the shell, the orphaned server drains', async () => {
    // npx runs a bin as `sh -c "gridcode serve …"` with npm_lifecycle_event=npx; npm forwards SIGTERM to that shell only.
    const shell = await start('sh', ['-c', `"${process.execPath}" "${CLI}" serve ${FREE_PORTS.join(' ')}`], { npm_lifecycle_event: 'npx' });
    const server = serverPid(shell.child.pid!);
    expect(server).not.toBe(shell.child.pid);
    servers.push(server);
    shell.child.kill('SIGTERM');
    await shell.exit;
    await expectDrained(server, shell.base, shell.stderr);
  });

  it('npx shape, SIGTERM to the whole group during a drain delay: the shell dies, the drain still completes', async () => {
    // The group signal reaches the server and kills its shell at once; the server then sees its parent gone while
    // it still waits out the drain delay. That is the same stop, not a second signal ("exiting now", status 1).
    const shell = await start('sh', ['-c', `"${process.execPath}" "${CLI}" serve ${FREE_PORTS.join(' ')}`], { npm_lifecycle_event: 'npx', GRIDCODE_DRAIN_DELAY_MS: '1500' });
    const server = serverPid(shell.child.pid!);
    expect(server).not.toBe(shell.child.pid);
    servers.push(server);
    process.kill(-shell.child.pid!, 'SIGTERM');
    await shell.exit;
    // "requests drained" is logged only when the drain beat the shutdown timeout, the case that exits 0.
    await expectDrained(server, shell.base, shell.stderr);
    expect(shell.stderr()).toMatch(/"msg":"not ready: still serving until the drain delay ends"/);
  });
});
