// Global setup of the tiers that run the compiled code (workers, e2e, fuzz,
// overload): without dist/ they stop before the first test, instead of
// skipping suites (a skipped suite passes). The fast tier does not need it.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { packageRoot } from '../../../engine/src/package-root.js';

/** What these tiers start: the gateway, its worker thread, the CLI, and the engine the faulty worker loads. */
const NEEDED = ['dist/gateway/main.js', 'dist/gateway/worker/score-worker.js', 'dist/cli/main.js', 'dist/engine/src/index.js'];

export default function setup(): void {
  const missing = NEEDED.filter((path) => !existsSync(join(packageRoot, path)));
  if (missing.length) throw new Error(`dist/ is not built (${missing.join(', ')} missing): run npm run build`);
}
