// JSON lines out: one line per consumer, written a block at a time to stdout
// or to a file, waiting whenever the destination is behind (backpressure), so
// memory stays bounded however large the batch.
import { once } from 'node:events';
import { createWriteStream, openSync, renameSync, rmSync, statSync, type WriteStream } from 'node:fs';
import { finished } from 'node:stream/promises';
import type { FeatureMatrix } from '../engine/src/index.js';
import { describeFsError, InputError } from './errors.js';

/** A feature value as proto3 JSON writes a float: a number, or "NaN", "Infinity", "-Infinity". */
export function jsonNumber(value: number): string {
  if (Number.isFinite(value)) return String(value);
  return value > 0 ? '"Infinity"' : value < 0 ? '"-Infinity"' : '"NaN"';
}

/**
 * The lines of consumers 0 … ids.length-1 of a feature matrix:
 * `{"id":"…","features":{"days":30,…},"note":"…"}`, `note` only for an unusable consumer;
 * `"district":"…"` after the id for a consumer that has one (Consumer.district: a batch's, or an accounts file's).
 */
export function featureLines(matrix: FeatureMatrix, ids: readonly string[]): string {
  const count = matrix.consumerCount;
  const keys = matrix.names.map((name, f) => `${f === 0 ? '' : ','}${JSON.stringify(name)}:`);
  const values = matrix.values;
  let out = '';
  for (let c = 0; c < count; c++) {
    const id = ids[c] ?? '';
    const district = matrix.districts[c] ?? '';
    let line = `{"id":${JSON.stringify(id)},${district === '' ? '' : `"district":${JSON.stringify(district)},`}"features":{`;
    for (let f = 0; f < keys.length; f++) line += keys[f]! + jsonNumber(values[f * count + c]!);
    const note = matrix.note(c);
    out += note === undefined ? `${line}}}\n` : `${line}},"note":${JSON.stringify(note)}}\n`;
  }
  return out;
}

/** Where the lines go. */
export interface LineSink {
  /** Resolves when the destination can take more. Bytes are UTF-8 text already encoded. */
  write(text: string | Uint8Array): Promise<void>;
  /** All written: for a file, it now has its name. */
  close(): Promise<void>;
  /** Gives up: a file being written is removed, so no partial output is left under its name. */
  abort(): void;
}

/** Stdout closed by its reader (`gridcode features … | head`): stop quietly. */
export class OutputClosed extends Error {
  override readonly name = 'OutputClosed';
}

export function openOutput(path: string | undefined): LineSink {
  return path === undefined ? stdoutSink() : fileSink(path);
}

function stdoutSink(): LineSink {
  const stdout = process.stdout;
  let closed = false;
  stdout.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code !== 'EPIPE') throw error;
    closed = true;
  });
  return {
    async write(text) {
      if (closed) throw new OutputClosed();
      if (!stdout.write(text)) await drained(stdout, () => closed);
      if (closed) throw new OutputClosed();
    },
    async close() {},
    abort() {},
  };
}

/**
 * A regular file is written under a temporary name beside it and renamed when
 * complete; anything else (a FIFO, /dev/stdout) is written as it is.
 */
function fileSink(path: string): LineSink {
  let regular = true;
  try {
    regular = statSync(path).isFile();
  } catch {
    // Does not exist yet: a new regular file.
  }
  const target = regular ? `${path}.partial-${process.pid}` : path;
  let fd: number;
  try {
    fd = openSync(target, 'w');
  } catch (error) {
    throw new InputError(path, `cannot write the output: ${describeFsError(error)}`);
  }
  let failure: Error | undefined;
  const stream: WriteStream = createWriteStream('', { fd, highWaterMark: 1 << 20 });
  stream.on('error', (error) => (failure = error));
  const check = () => {
    if (failure) throw new InputError(path, `cannot write the output: ${describeFsError(failure)}`);
  };
  return {
    async write(text) {
      check();
      if (!stream.write(text)) await drained(stream, () => failure !== undefined);
      check();
    },
    async close() {
      stream.end();
      await finished(stream).catch(() => undefined);
      check();
      if (regular) renameSync(target, path);
    },
    abort() {
      stream.destroy();
      if (regular) rmSync(target, { force: true });
    },
  };
}

/** Waits for 'drain', or for the stream to fail ('error' ends the wait; `failed` then says so). */
async function drained(stream: NodeJS.WritableStream, failed: () => boolean): Promise<void> {
  if (failed()) return;
  await once(stream, 'drain').catch(() => undefined);
}

