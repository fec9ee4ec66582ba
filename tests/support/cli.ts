// One real run of the built command line (`bin/gridcode.js`, `npm run build`
// first; `npm test` does), for the CLI's end-to-end tests.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll } from 'vitest';
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

/** A test file's scratch folder for CLI runs: made before its tests (the CLI must be built), removed after. */
export interface CliWorkspace {
  /** The folder (valid inside tests). */
  dir(): string;
  /** `gridcode ...args` run in the folder. */
  run(...args: string[]): CliRun;
  /** Writes `content` to `name` in the folder; returns its path. */
  file(name: string, content: string | Uint8Array): string;
}

export function cliWorkspace(prefix: string): CliWorkspace {
  let dir = '';
  beforeAll(() => {
    const built = join(dirname(CLI), '..', 'dist', 'cli', 'main.js');
    if (!existsSync(built)) throw new Error(`${built} is missing: run npm run build first`);
    dir = mkdtempSync(join(tmpdir(), prefix));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  return {
    dir: () => dir,
    run: (...args) => runCli(dir, args),
    file: (name, content) => {
      const path = join(dir, name);
      writeFileSync(path, content);
      return path;
    },
  };
}
