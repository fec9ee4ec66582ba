// Opening a batch file: its format from its name or its first byte, then the
// reader of that format (the first of its two passes).
import { closeSync, fstatSync, openSync, readSync } from 'node:fs';
import { extname } from 'node:path';
import type { BatchFile } from './batch-file.js';
import { describeFsError, InputError } from './errors.js';
import { openJsonBatch } from './json-batch-file.js';
import { openProtobufBatch } from './pb-batch-file.js';

export type BatchFormat = 'protobuf' | 'json';

/**
 * Opens a batch and reads its header (the first pass of either reader). The
 * format comes from the extension (.json; .pb, .binpb, .bin) and otherwise from
 * the first byte: a JSON request starts with `{`.
 */
export function openBatch(path: string): BatchFile {
  let fd: number;
  try {
    fd = openSync(path, 'r');
  } catch (error) {
    throw new InputError(path, describeFsError(error));
  }
  try {
    const stat = fstatSync(fd);
    if (!stat.isFile()) throw new InputError(path, 'is not a regular file; the batch is read twice and must be a file');
    const format = batchFormat(path, fd);
    return format === 'json' ? openJsonBatch(path, fd, stat.size) : openProtobufBatch(path, fd, stat.size);
  } catch (error) {
    closeSync(fd);
    if (error instanceof InputError) throw error;
    if ((error as NodeJS.ErrnoException).code) throw new InputError(path, describeFsError(error));
    throw error;
  }
}

/** A file's format, from its extension or else its first significant byte (also for `score --previous`, which reads responses). */
export function batchFormat(path: string, fd: number): BatchFormat {
  const ext = extname(path).toLowerCase();
  if (ext === '.json') return 'json';
  if (ext === '.pb' || ext === '.binpb' || ext === '.bin') return 'protobuf';
  const head = new Uint8Array(64);
  const n = readSync(fd, head, 0, head.length, 0);
  for (let i = 0; i < n; i++) {
    const c = head[i]!;
    if (c === 0x20 || c === 0x09 || c === 0x0a || c === 0x0d) continue;
    return c === 0x7b ? 'json' : 'protobuf';
  }
  return 'protobuf';
}
