// Opening a batch file: its format from its name or its first byte, then the
// reader of that format (the first of its two passes).
import { closeSync, fstatSync, openSync, readSync } from 'node:fs';
import { extname } from 'node:path';
import type { BatchFile } from './batch-file.js';
import type { WideCsvOptions } from './csv/options.js';
import { headerFields, isLongCsvHeader, openLongCsv } from './csv/long-csv-batch.js';
import { finishWideCsv, isWideCsvBatch, isWideCsvName, openWideCsv, UNIT_REQUIRED } from './csv/wide-csv-batch.js';
import { describeFsError, InputError, UsageError } from './errors.js';
import { plainFile, type InputFile } from './input/source.js';
import { openJsonBatch } from './json-batch-file.js';
import { openProtobufBatch } from './pb-batch-file.js';

export type BatchFormat = 'protobuf' | 'json';

/**
 * Opens the --input of score and features: a wide CSV meter export (a .csv or
 * .tsv name, or --format wide-csv; cli/csv/), else a ScoreBatchRequest file.
 */
export async function openInput(input: string | InputFile, csv: WideCsvOptions): Promise<BatchFile> {
  const file = typeof input === 'string' ? plainFile(input) : input;
  const format = csv.format ?? csvFormat(file, csv);
  if (format === 'long-csv') return openLongCsv(file, csv);
  if (format === 'wide-csv') {
    const longOnly = [csv.idColumn === undefined ? '' : '--id-column', csv.valueColumn === undefined ? '' : '--value-column'].filter((f) => f !== '');
    if (longOnly.length > 0) throw new UsageError(`${longOnly.join(', ')} ${longOnly.length === 1 ? 'is' : 'are'} for a long CSV; give --format long-csv`, csv.command);
    return openWideCsv(file, csv);
  }
  if (csv.csvFlags.length > 0) {
    const flags = csv.csvFlags;
    throw new UsageError(`${flags.join(', ')} ${flags.length === 1 ? 'is' : 'are'} for a CSV meter export; ${file.name} is read as a ScoreBatchRequest (name it .csv or .tsv, or give --format wide-csv)`, csv.command);
  }
  return openBatch(file, format as BatchFormat | undefined);
}

/**
 * Checks the CSV options of `--input arg` that can be checked before it is
 * read: a CSV (by --format, --preset or its name) needs --unit. Called before
 * standard input or a gzip file is copied to disk, so that a usage error does
 * not wait for (and write) the whole input. Throws UsageError.
 */
export function checkInputOptions(arg: string, csv: WideCsvOptions): void {
  const isCsv = csv.format === 'wide-csv' || csv.format === 'long-csv' || (csv.format === undefined && isWideCsvName(arg));
  if (isCsv && csv.unit === undefined) throw new UsageError(UNIT_REQUIRED, csv.command);
}

/**
 * The CSV layout of a .csv/.tsv file without --format: long when --id-column
 * or --value-column is given or the header is exactly id, timestamp and value
 * (any case, any order); wide otherwise.
 */
function csvFormat(file: InputFile, csv: WideCsvOptions): 'wide-csv' | 'long-csv' | undefined {
  if (!isWideCsvName(file.name) && !isWideCsvName(file.path)) return undefined;
  if (csv.idColumn !== undefined || csv.valueColumn !== undefined) return 'long-csv';
  return isLongCsvHeader(headerFields(file.path)) ? 'long-csv' : 'wide-csv';
}

/** After a command's output: the data-quality report of a CSV input (stderr, and --report-json). */
export function finishInput(batch: BatchFile, csv: WideCsvOptions): void {
  if (isWideCsvBatch(batch)) finishWideCsv(batch, csv.reportJson);
}

/**
 * Opens a batch and reads its header (the first pass of either reader). The
 * format is `format` when given (--format), else from the extension (.json;
 * .pb, .binpb, .bin) and otherwise from the first byte: a JSON request starts
 * with `{`. A path, or an InputFile (input/source.ts: standard input or a
 * gzip file copied to a temporary file, named in messages as the user gave it).
 */
export function openBatch(input: string | InputFile, format?: BatchFormat): BatchFile {
  const { path, name, opened } = typeof input === 'string' ? plainFile(input) : input;
  let fd: number;
  try {
    fd = openSync(path, 'r');
  } catch (error) {
    throw new InputError(name, describeFsError(error));
  }
  opened();
  try {
    const stat = fstatSync(fd);
    if (!stat.isFile()) throw new InputError(name, 'is not a regular file; the batch is read twice and must be a file (give a stream on standard input as --input -)');
    return (format ?? batchFormat(path, fd)) === 'json' ? openJsonBatch(name, fd, stat.size) : openProtobufBatch(name, fd, stat.size);
  } catch (error) {
    closeSync(fd);
    if (error instanceof InputError) throw error;
    if ((error as NodeJS.ErrnoException).code) throw new InputError(name, describeFsError(error));
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
