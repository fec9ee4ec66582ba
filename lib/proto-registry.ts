// The messages and services of proto/ as a @bufbuild/protobuf registry, for
// clients that build their calls from the .proto files as an integrator would
// (the tests, bench:soak). Built once per process with `buf build`.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createFileRegistry, fromBinary, type DescMessage, type FileRegistry } from '@bufbuild/protobuf';
import { FileDescriptorSetSchema } from '@bufbuild/protobuf/wkt';
import { packageRoot } from '../engine/src/package-root.js';

let cached: FileRegistry | undefined;

/** The registry of proto/ (gridcode.v1 and the gRPC services), built once with buf. */
export function loadRegistry(): FileRegistry {
  if (cached) return cached;
  const dir = mkdtempSync(join(tmpdir(), 'gridcode-image-'));
  try {
    const image = join(dir, 'image.binpb');
    execFileSync(join(packageRoot, 'node_modules/.bin/buf'), ['build', '-o', image], { cwd: packageRoot, stdio: 'pipe' });
    cached = createFileRegistry(fromBinary(FileDescriptorSetSchema, readFileSync(image)));
    return cached;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** gridcode.v1.<name>; throws when proto/ has no such message. */
export function messageSchema(name: string): DescMessage {
  const schema = loadRegistry().getMessage(`gridcode.v1.${name}`);
  if (!schema) throw new Error(`no message ${name}`);
  return schema;
}
