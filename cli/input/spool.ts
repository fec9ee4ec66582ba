// A temporary copy of an input that the batch readers cannot read as it is
// (standard input, a gzip file): streamed, decompressed if asked, into a file
// of a private directory in os.tmpdir(), so that the two-pass readers get a
// regular file. The directory goes when the copy is open (the descriptor keeps
// the file readable), when the command ends, fails, exits or is interrupted.
import { createWriteStream, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { createGunzip } from 'node:zlib';
import { CommandError, describeFsError, InputError } from '../errors.js';

/** The start of the temporary directories' names, in os.tmpdir(). */
export const SPOOL_PREFIX = 'gridcode-input-';
/** Signals that would end the process without its 'exit' event: the directory is removed first, then the signal ends the process as it would have. */
const SIGNALS = ['SIGINT', 'SIGTERM', 'SIGHUP', 'SIGQUIT'] as const;
const CHUNK_BYTES = 1 << 16;

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
    try {
      if (gunzip) {
        const inflate = createGunzip({ chunkSize: CHUNK_BYTES });
        inflate.on('error', tag('gunzip'));
        await pipeline(source, inflate, out);
      } else {
        await pipeline(source, out);
      }
    } catch (error) {
      throw this.failure(error, stages.get(error as object) ?? 'read');
    }
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
