// The built gateway as an operator runs it: `node dist/gateway/main.js` on free
// ports, read from its ready line. For the process-level tests (*.e2e, *.fuzz,
// *.overload) and bench:soak.
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { join } from 'node:path';
import { packageRoot } from '../engine/src/package-root.js';

export const MAIN = join(packageRoot, 'dist', 'gateway', 'main.js');
export const CLI = join(packageRoot, 'bin', 'gridcode.js');

export interface GatewayProcess {
  readonly child: ChildProcessWithoutNullStreams;
  /** http://127.0.0.1:port: Connect, gRPC-Web, metrics and health. */
  readonly base: string;
  /** http://127.0.0.1:grpcPort: gRPC over h2c. */
  readonly h2: string;
  readonly readyLine: string;
  stderr(): string;
  readonly exit: Promise<number | null>;
  /** SIGTERM, then the exit status; SIGKILL after `ms`. */
  stop(ms?: number): Promise<number | null>;
}

export function startGatewayProcess(args: readonly string[], timeoutMs = 30_000): Promise<GatewayProcess> {
  const child = spawn(process.execPath, [MAIN, '--port', '0', '--grpc-port', '0', ...args], { cwd: packageRoot, env: { ...process.env } });
  let out = '';
  let err = '';
  child.stderr.on('data', (chunk: Buffer) => {
    err += chunk.toString();
    // Keep the tail only: a long run logs a line per request.
    if (err.length > 4_000_000) err = err.slice(-2_000_000);
  });
  const exit = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  const stop = async (ms = 15_000): Promise<number | null> => {
    if (child.exitCode !== null || child.signalCode !== null) return child.exitCode;
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), ms);
    try {
      return await exit;
    } finally {
      clearTimeout(timer);
    }
  };
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`no ready line in ${timeoutMs} ms; stderr:\n${err}`));
    }, timeoutMs);
    child.stdout.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      if (!out.includes('\n')) return;
      clearTimeout(timer);
      const line = out.split('\n')[0]!;
      const match = /^gridcode ready: connect\+grpc-web (http:\/\/127\.0\.0\.1:\d+), grpc h2c 127\.0\.0\.1:(\d+), /.exec(line);
      if (!match) {
        child.kill('SIGKILL');
        reject(new Error(`unexpected ready line: ${line}`));
        return;
      }
      resolve({ child, base: match[1]!, h2: `http://127.0.0.1:${match[2]!}`, readyLine: line, stderr: () => err, exit, stop });
    });
    void exit.then((code) => {
      clearTimeout(timer);
      reject(new Error(`gateway exited ${code} before it was ready; stderr:\n${err}`));
    });
  });
}
