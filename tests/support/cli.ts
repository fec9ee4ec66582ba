// One real run of the built command line (`bin/gridcode.js`, `npm run build`
// first; `npm test` does), for the CLI's end-to-end tests.
import { spawnSync } from 'node:child_process';
import { CLI } from '../../lib/gateway-process.js';

export interface CliRun {
  readonly status: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs `gridcode ...args` in `cwd` and returns its exit status and output (up to 64 MiB). */
export function runCli(cwd: string, args: readonly string[]): CliRun {
  const result = spawnSync(process.execPath, [CLI, ...args], { cwd, encoding: 'utf8', maxBuffer: 64 << 20 });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}
