// What an input argument (`--input`, `--previous`) names, made a regular file
// that the two-pass readers can open: a plain file is read where it is;
// standard input (`-`) and gzip files (and gzip on standard input) are first
// streamed into a temporary copy (spool.ts), decompressed, which takes the
// decompressed size on disk. Messages keep the name the user gave.
import { closeSync, createReadStream, openSync, readSync, statSync } from 'node:fs';
import { basename, extname } from 'node:path';
import type { Readable } from 'node:stream';
import { describeFsError, InputError } from '../errors.js';
import { Spool } from './spool.js';

/** The argument that means standard input, and its name in messages. */
export const STDIN_ARG = '-';
export const STDIN_NAME = 'standard input';

const GZIP_MAGIC = [0x1f, 0x8b] as const;

/** A file for a reader to open. */
export interface InputFile {
  /** Where to open it: the file named, or a temporary copy whose extension is the format's (`x.json.gz` → `….json`). */
  readonly path: string;
  /** The input as the user named it, for messages (`standard input` for `-`). */
  readonly name: string;
  /** Call once the file is open: a temporary copy is removed then (the descriptor keeps it readable). */
  opened(): void;
}

/**
 * Opens `file` for reading and calls its opened() (a temporary copy may then
 * go: the descriptor keeps it readable). Throws InputError naming the file as
 * the user gave it.
 */
export function openInputFile(file: InputFile): number {
  let fd: number;
  try {
    fd = openSync(file.path, 'r');
  } catch (error) {
    throw new InputError(file.name, describeFsError(error));
  }
  file.opened();
  return fd;
}

/** A plain file read where it is, named by its path. */
export function plainFile(path: string): InputFile {
  return { path, name: path, opened: () => undefined };
}

export interface InputOptions {
  /** Whether `-` means standard input (else it is a file named `-`); default true. */
  readonly stdin?: boolean;
}

/**
 * Runs `read` (which opens the file; sync or async) on the file that
 * `arg` names, after copying it to a temporary file when it is standard input
 * or gzip. The copy is gone when this settles, whatever happened.
 */
export async function withInputFile<T>(arg: string, read: (file: InputFile) => T | Promise<T>, options: InputOptions = {}): Promise<T> {
  const stdin = options.stdin !== false && arg === STDIN_ARG;
  if (!stdin && !isGzipFile(arg)) return read(plainFile(arg));
  const name = stdin ? STDIN_NAME : arg;
  const spool = new Spool(name, copyName(stdin ? '' : arg));
  try {
    if (stdin) {
      const { gzip, chunks } = await sniffGzip(process.stdin, name);
      await spool.fill(chunks, gzip);
    } else {
      await spool.fill(createReadStream(arg, { highWaterMark: 1 << 20 }), true);
    }
    // Awaited, so that an async reader has opened the copy before it goes.
    return await read({ path: spool.path, name, opened: () => spool.remove() });
  } finally {
    spool.remove();
  }
}

/**
 * A regular file to decompress: named `.gz`, or starting with gzip's magic
 * bytes whatever its name. Anything else (a missing file, a directory) is left
 * for the reader to report.
 */
function isGzipFile(path: string): boolean {
  // stat first: opening a FIFO to look at it could wait for a writer.
  if (!isRegularFile(path)) return false;
  if (path.toLowerCase().endsWith('.gz')) return true;
  let fd: number;
  try {
    fd = openSync(path, 'r');
  } catch {
    return false;
  }
  try {
    const head = new Uint8Array(GZIP_MAGIC.length);
    return readSync(fd, head, 0, head.length, 0) === head.length && head.every((byte, i) => byte === GZIP_MAGIC[i]);
  } catch {
    return false;
  } finally {
    closeSync(fd);
  }
}

function isRegularFile(path: string): boolean {
  try {
    return statSync(path).isFile();
  } catch {
    return false;
  }
}

/** The copy's file name: `input` and the extension of what the gzip holds (`x.json.gz` → `input.json`), none for standard input. */
function copyName(path: string): string {
  const inner = extname(basename(path).replace(/\.gz$/i, ''));
  return /^\.[A-Za-z0-9_-]+$/.test(inner) ? `input${inner}` : 'input';
}

/**
 * Reads the first bytes of a stream to tell whether it is gzip, and gives
 * back all of it (those bytes first) to stream on.
 */
async function sniffGzip(stream: Readable, name: string): Promise<{ gzip: boolean; chunks: AsyncIterable<Uint8Array> }> {
  const iterator: AsyncIterator<Uint8Array> = stream[Symbol.asyncIterator]();
  const head: Uint8Array[] = [];
  let size = 0;
  try {
    while (size < GZIP_MAGIC.length) {
      const next = await iterator.next();
      if (next.done) break;
      head.push(next.value);
      size += next.value.length;
    }
  } catch (error) {
    throw new InputError(name, describeFsError(error));
  }
  const first = Buffer.concat(head);
  const rest: AsyncIterable<Uint8Array> = { [Symbol.asyncIterator]: () => iterator };
  async function* chunks(): AsyncGenerator<Uint8Array> {
    if (first.length > 0) yield first;
    yield* rest;
  }
  return { gzip: first[0] === GZIP_MAGIC[0] && first[1] === GZIP_MAGIC[1], chunks: chunks() };
}
