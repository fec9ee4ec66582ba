// What gridcode_build_info says: the package version, the commit and the
// Node.js version, so that a dashboard shows which build each replica runs.
// The commit comes from GRIDCODE_COMMIT (set it in an image built without
// .git), else from gen/build-commit.txt (written by `npm run build:ts` from
// `git rev-parse HEAD`: scripts/write-build-commit.js), else "unknown".
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { packageRoot } from '../../engine/src/package-root.js';

export interface BuildInfo {
  readonly version: string;
  readonly commit: string;
  readonly node: string;
}

/** A commit as a label value: hex only (a short or full hash), else "unknown". */
const COMMIT = /^[0-9a-f]{7,64}$/i;

export function readBuildInfo(env: Readonly<Record<string, string | undefined>> = process.env, root: string = packageRoot): BuildInfo {
  return { version: packageVersion(root), commit: commitOf(env, root), node: process.version };
}

function packageVersion(root: string): string {
  try {
    const version = (JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { version?: unknown }).version;
    return typeof version === 'string' && version !== '' ? version : 'unknown';
  } catch {
    return 'unknown';
  }
}

function commitOf(env: Readonly<Record<string, string | undefined>>, root: string): string {
  const given = env['GRIDCODE_COMMIT']?.trim();
  if (given) return COMMIT.test(given) ? given.toLowerCase() : 'unknown';
  try {
    const built = readFileSync(join(root, 'gen', 'build-commit.txt'), 'utf8').trim();
    return COMMIT.test(built) ? built.toLowerCase() : 'unknown';
  } catch {
    return 'unknown';
  }
}
