// Writes the commit being built (`git rev-parse HEAD`) to gen/build-commit.txt
// (git-ignored), for the gridcode_build_info metric (gateway/ops/build-info.ts).
// Only when git and .git are there; otherwise the file is removed, so that an
// older build's commit is never reported. It never fails the build: the
// metric then says "unknown" unless GRIDCODE_COMMIT is set at run time.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const out = join(root, 'gen', 'build-commit.txt');
let commit = '';
if (existsSync(join(root, '.git'))) {
  try {
    commit = execFileSync('git', ['rev-parse', 'HEAD'], { cwd: root, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
  } catch {
    commit = '';
  }
}
try {
  if (/^[0-9a-f]{7,64}$/.test(commit)) {
    mkdirSync(dirname(out), { recursive: true });
    writeFileSync(out, `${commit}\n`);
  } else rmSync(out, { force: true });
} catch (error) {
  process.stderr.write(`write-build-commit: ${error.message} (gridcode_build_info will say commit "unknown")\n`);
}
