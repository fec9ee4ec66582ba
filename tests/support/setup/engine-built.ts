// Global setup of every tier: the WASM engine (build/) and the protobuf code
// (gen/) must be there. They are not committed; `npm ci` builds them
// (prepare), and `npm run build:wasm && npm run build:proto` rebuilds them.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { packageRoot } from '../../../engine/src/package-root.js';

const NEEDED = ['build/engine.wasm', 'gen/scoring.js', 'gen/grpc-services.js', 'gen/descriptors.js'];

export default function setup(): void {
  const missing = NEEDED.filter((path) => !existsSync(join(packageRoot, path)));
  if (missing.length) throw new Error(`${missing.join(', ')} not built: run npm run build (or npm run build:wasm && npm run build:proto)`);
}
