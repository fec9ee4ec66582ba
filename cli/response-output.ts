// Writing a response of `gridcode score`: JSON to standard output or a file,
// a piece at a time with backpressure, or binary protobuf to a file, which
// (a regular one) appears under its name only once complete.
import { renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import type { Serialization } from '../engine/src/codec/index.js';
import { describeFsError, InputError } from './errors.js';
import { openOutput, OutputClosed } from './output.js';

/** The response to --output (binary protobuf for .pb) or to standard output. */
export async function writeResponse(pieces: readonly Uint8Array[], serialization: Serialization, output: string | undefined): Promise<number> {
  if (serialization === 'json') return writeJson(pieces, output);
  writeBinary(output!, Buffer.concat(pieces));
  return 0;
}

/** The JSON response to stdout or a file, a piece at a time with backpressure. */
export async function writeJson(pieces: readonly Uint8Array[], path: string | undefined): Promise<number> {
  const output = openOutput(path);
  try {
    for (const piece of pieces) await output.write(piece);
    await output.close();
  } catch (error) {
    output.abort();
    if (error instanceof OutputClosed) return 0;
    throw error;
  }
  return 0;
}

/** The binary response: a regular file is written beside its name and renamed when complete. */
export function writeBinary(path: string, bytes: Uint8Array): void {
  let regular = true;
  try {
    regular = statSync(path).isFile();
  } catch {
    // Does not exist yet: a new regular file.
  }
  const target = regular ? `${path}.partial-${process.pid}` : path;
  try {
    writeFileSync(target, bytes);
    if (regular) renameSync(target, path);
  } catch (error) {
    if (regular) rmSync(target, { force: true });
    throw new InputError(path, `cannot write the output: ${describeFsError(error)}`);
  }
}
