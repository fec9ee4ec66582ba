// One real run of the built command line (`bin/gridcode.js`, `npm run build`
// first; `npm test` does), for the CLI's end-to-end tests.
import { spawnSync } from 'node:child_process';
import { CLI } from '../../lib/gateway-process.js';

export interface CliRun {
  readonly status: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

export interface CliOptions {
  /** Standard input (otherwise none: it reads as empty). */
  readonly input?: string | Uint8Array;
  /** Environment variables added to this process's. */
  readonly env?: Readonly<Record<string, string>>;
}

/** Runs `gridcode ...args` in `cwd` and returns its exit status and output (up to 64 MiB). */
export function runCli(cwd: string, args: readonly string[], options: CliOptions = {}): CliRun {
  const env = options.env ? { ...process.env, ...options.env } : undefined;
  const result = spawnSync(process.execPath, [CLI, ...args], { cwd, encoding: 'utf8', maxBuffer: 64 << 20, input: options.input, env });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}
