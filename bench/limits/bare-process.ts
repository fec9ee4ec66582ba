// Starts bare-server.js (the built bare node:http and node:http2 servers) as
// a child process and waits for its ports; stop() ends it with SIGTERM, and
// SIGKILL if it has not exited 5 s later (it holds no state worth waiting for).
import { spawn } from 'node:child_process';

export interface BareServers {
  readonly pid: number;
  /** http://127.0.0.1:port of the node:http server. */
  readonly http: string;
  /** http://127.0.0.1:port of the node:http2 (h2c) server. */
  readonly h2: string;
  /** http://127.0.0.1:port of the node:http server copying each body into a buffer allocated for it. */
  readonly fresh: string;
  /** http://127.0.0.1:port of the node:http server copying each body into a buffer reused across requests. */
  readonly reused: string;
  stop(): Promise<void>;
}

export function startBare(): Promise<BareServers> {
  const child = spawn(process.execPath, [new URL('./bare-server.js', import.meta.url).pathname], { stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr = (stderr + chunk).slice(-2000)));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`the bare servers did not get ready in 20 s:\n${stderr}`));
    }, 20_000);
    let out = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
      out += chunk;
      const match = /^bare ready (\d+) (\d+) (\d+) (\d+)$/m.exec(out);
      if (!match) return;
      clearTimeout(timer);
      resolve({
        pid: child.pid!,
        http: `http://127.0.0.1:${match[1]}`,
        h2: `http://127.0.0.1:${match[2]}`,
        fresh: `http://127.0.0.1:${match[3]}`,
        reused: `http://127.0.0.1:${match[4]}`,
        stop: async () => {
          if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
          const killer = setTimeout(() => child.kill('SIGKILL'), 5_000);
          await exited;
          clearTimeout(killer);
        },
      });
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`the bare servers exited (${code}) before they were ready:\n${stderr}`));
    });
  });
}
