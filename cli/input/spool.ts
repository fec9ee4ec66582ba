// A temporary copy of an input that the batch readers cannot read as it is
// (standard input, a gzip file): streamed, decompressed if asked, into a file
// of a private directory in os.tmpdir(), so that the two-pass readers get a
// regular file. The directory goes when the copy is open (the descriptor keeps
// the file readable), when the command ends, fails, exits or is interrupted.
// The copy stops with an InputError before it would leave less than
// MIN_FREE_BYTES on the temporary directory's file system (a full /tmp breaks
// more than this command), or past GRIDCODE_SPOOL_MAX_BYTES when that is set.
import { createWriteStream, mkdtempSync, rmSync, statfsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Transform, type Readable, type TransformCallback } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { createGunzip } from 'node:zlib';
import { CommandError, describeFsError, InputError } from '../errors.js';

/** The start of the temporary directories' names, in os.tmpdir(). */
export const SPOOL_PREFIX = 'gridcode-input-';
/** Signals that would end the process without its 'exit' event: the directory is removed first, then the signal ends the process as it would have. */
const SIGNALS = ['SIGINT', 'SIGTERM', 'SIGHUP', 'SIGQUIT'] as const;
const CHUNK_BYTES = 1 << 16;
/** Free space the copy leaves on its file system, at least. */
export const MIN_FREE_BYTES = 1024 ** 3;
/** The free space is asked again after this many bytes written (statfs is a system call; 16 MiB is a small part of the 1 GiB kept free). */
const FREE_CHECK_BYTES = 16 << 20;

/** The bounds of a copy: bytes at most (GRIDCODE_SPOOL_MAX_BYTES), and free space left (bytes) on the file system of `dir`. */
export interface SpoolLimits {
  readonly maxBytes: number;
  readonly minFreeBytes: number;
}

/** The limits from the environment: GRIDCODE_SPOOL_MAX_BYTES (a whole number of bytes) when set. Throws CommandError for another value. */
export function spoolLimits(env: NodeJS.ProcessEnv = process.env): SpoolLimits {
  const text = env['GRIDCODE_SPOOL_MAX_BYTES'];
  if (text === undefined || text === '') return { maxBytes: Infinity, minFreeBytes: MIN_FREE_BYTES };
  if (!/^\d+$/.test(text.trim())) throw new CommandError(`GRIDCODE_SPOOL_MAX_BYTES=${JSON.stringify(text)}: give the most bytes a temporary copy may take, a whole number`);
  return { maxBytes: Number(text.trim()), minFreeBytes: MIN_FREE_BYTES };
}

/** Where a failed copy went wrong: reading the input, decompressing it, or writing the copy. */
type Stage = 'read' | 'gunzip' | 'write';

export class Spool {
  /** The private directory (mode 0700), and the copy inside it. */
  readonly dir: string;
  readonly path: string;
  private removed = false;
  private readonly onExit = (): void => this.remove();
  private readonly onSignal = (signal: NodeJS.Signals): void => {
    this.remove();
    // Without a listener left, the signal has its default effect again: the process ends by it (status 128 + n).
    if (process.listenerCount(signal) === 0) process.kill(process.pid, signal);
  };

  /** `fileName` is the copy's name in the directory: its extension tells the readers the format. */
  constructor(
    /** The input as the user named it, for messages. */
    private readonly name: string,
    fileName: string,
    private readonly limits: SpoolLimits = spoolLimits(),
  ) {
    try {
      this.dir = mkdtempSync(join(tmpdir(), SPOOL_PREFIX));
    } catch (error) {
      throw new CommandError(`cannot create a temporary directory in ${tmpdir()} for ${name}: ${describeFsError(error)}`);
    }
    this.path = join(this.dir, fileName);
    process.on('exit', this.onExit);
    for (const signal of SIGNALS) process.on(signal, this.onSignal);
  }

  /**
   * Streams `source` into the copy, through gunzip when `gunzip`, in bounded
   * memory. An InputError names the input for a bad gzip stream or a failed
   * read; a CommandError says that the copy could not be written (disk full).
   */
  async fill(source: Readable | AsyncIterable<Uint8Array>, gunzip: boolean): Promise<void> {
    const stages = new WeakMap<object, Stage>();
    const tag = (stage: Stage) => (error: Error) => {
      if (!stages.has(error)) stages.set(error, stage);
    };
    const out = createWriteStream(this.path, { flags: 'wx', mode: 0o600, highWaterMark: CHUNK_BYTES });
    out.on('error', tag('write'));
    const cap = this.capped();
    try {
      if (gunzip) {
        const inflate = createGunzip({ chunkSize: CHUNK_BYTES });
        inflate.on('error', tag('gunzip'));
        await pipeline(source, inflate, cap, out);
      } else {
        await pipeline(source, cap, out);
      }
    } catch (error) {
      if (error instanceof InputError) throw error;
      throw this.failure(error, stages.get(error as object) ?? 'read');
    }
  }

  /** A pass-through that fails with an InputError before the copy passes its limits. */
  private capped(): Transform {
    const { maxBytes, minFreeBytes } = this.limits;
    let written = 0;
    let nextCheck = 0;
    const stop = (why: string) =>
      new InputError(this.name, `the temporary copy in ${tmpdir()} reached ${size(written)} and ${why}: give the input as a file by name (uncompressed, it is read in place), or set TMPDIR to a directory with more room`);
    return new Transform({
      transform: (chunk: Buffer, _encoding: BufferEncoding, done: TransformCallback) => {
        if (written + chunk.length > maxBytes) return done(stop(`would pass GRIDCODE_SPOOL_MAX_BYTES (${size(maxBytes)})`));
        if (written + chunk.length >= nextCheck) {
          let free = Infinity;
          try {
            const fs = statfsSync(this.dir);
            free = fs.bavail * fs.bsize;
          } catch {
            // A file system that cannot tell: the write fails when it is full.
          }
          // Checked again after FREE_CHECK_BYTES more: so much more must be free now.
          if (free - FREE_CHECK_BYTES < minFreeBytes) return done(stop(`would leave less than ${size(minFreeBytes)} free there (${size(free)} free)`));
          nextCheck = written + FREE_CHECK_BYTES;
        }
        written += chunk.length;
        done(null, chunk);
      },
    });
  }

  /** Removes the directory and the copy (an open descriptor still reads it); again at exit if that failed. */
  remove(): void {
    if (!this.removed) {
      try {
        rmSync(this.dir, { recursive: true, force: true });
        this.removed = true;
      } catch {
        // Kept for the 'exit' listener to try again.
      }
    }
    for (const signal of SIGNALS) process.removeListener(signal, this.onSignal);
    if (this.removed) process.removeListener('exit', this.onExit);
  }

  private failure(error: unknown, stage: Stage): Error {
    const message = error instanceof Error ? error.message : String(error);
    switch (stage) {
      case 'gunzip':
        return new InputError(this.name, `not a valid gzip stream: ${message}`);
      case 'write':
        return new CommandError(`cannot write the temporary copy of ${this.name} in ${tmpdir()} (it takes the decompressed size): ${describeFsError(error)}`);
      case 'read':
        return new InputError(this.name, describeFsError(error));
    }
  }
}

/** Bytes for a message: 1.5 GiB, 12 MiB, 300 bytes. */
function size(bytes: number): string {
  for (const [unit, scale] of [['GiB', 1024 ** 3], ['MiB', 1024 ** 2], ['KiB', 1024]] as const) if (bytes >= scale) return `${(bytes / scale).toFixed(bytes % scale === 0 ? 0 : 1)} ${unit}`;
  return `${bytes} byte${bytes === 1 ? '' : 's'}`;
}
