// Opening a batch file: its format from its name or its first byte, then the
// reader of that format (the first of its two passes).
import { closeSync, fstatSync, readSync, statSync } from 'node:fs';
import { extname } from 'node:path';
import type { CohortMode } from '../engine/src/index.js';
import type { BatchFile } from './batch-file.js';
import type { WideCsvOptions } from './csv/options.js';
import { readAccounts } from './csv/accounts.js';
import { AccountsJoin } from './csv/accounts-join.js';
import { headerFields, isLongCsvHeader, openLongCsv } from './csv/long-csv-batch.js';
import { finishWideCsv, isWideCsvBatch, isWideCsvName, openWideCsv, UNIT_REQUIRED } from './csv/wide-csv-batch.js';
import { CommandError, describeFsError, InputError, UsageError } from './errors.js';
import { openInputFile, plainFile, STDIN_ARG, withInputFile, type InputFile } from './input/source.js';
import { openJsonBatch } from './json-batch-file.js';
import { openProtobufBatch } from './pb-batch-file.js';
import { NO_INPUT_PROGRESS, type InputProgress } from './progress/read-progress.js';
import { terminalProgress, type TerminalProgress } from './progress/terminal-progress.js';

export type BatchFormat = 'protobuf' | 'json';

/**
 * Opens the --input of score and features: a wide CSV meter export (a .csv or
 * .tsv name, or --format wide-csv; cli/csv/), else a ScoreBatchRequest file.
 */
export async function openInput(input: string | InputFile, csv: WideCsvOptions, progress: InputProgress = NO_INPUT_PROGRESS): Promise<BatchFile> {
  const file = typeof input === 'string' ? plainFile(input) : input;
  progress.inputSize(fileSize(file.path)); // for the ETA: standard input and gzip are known once copied
  const format = csv.format ?? csvFormat(file, csv);
  if (format === 'long-csv' || format === 'wide-csv') {
    const longOnly = [csv.idColumn === undefined ? '' : '--id-column', csv.valueColumn === undefined ? '' : '--value-column'].filter((f) => f !== '');
    if (format === 'wide-csv' && longOnly.length > 0) throw new UsageError(`${longOnly.join(', ')} ${longOnly.length === 1 ? 'is' : 'are'} for a long CSV; give --format long-csv`, csv.command);
    const join = csv.accounts === undefined ? undefined : new AccountsJoin(await withInputFile(csv.accounts, readAccounts), csv.category, csv.zone);
    const batch = format === 'long-csv' ? openLongCsv(file, csv, join?.attributesOf, progress) : await openWideCsv(file, csv, undefined, join?.attributesOf, progress);
    if (join !== undefined) joins.set(batch, join);
    return batch;
  }
  if (csv.accounts !== undefined) {
    throw new UsageError(`--accounts is for a CSV meter export; ${file.name} is read as a ScoreBatchRequest, whose consumers carry their own category, zone, capacity_kw, group, baseline_kw and watch`, csv.command);
  }
  if (csv.csvFlags.length > 0) {
    const flags = csv.csvFlags;
    throw new UsageError(`${flags.join(', ')} ${flags.length === 1 ? 'is' : 'are'} for a CSV meter export; ${file.name} is read as a ScoreBatchRequest (name it .csv or .tsv, or give --format wide-csv)`, csv.command);
  }
  return openBatch(file, format as BatchFormat | undefined);
}

/**
 * The --input of a command that reads a batch (score, features, list, diff):
 * its options checked before standard input or a gzip file is copied to disk
 * (so that a usage error does not wait for the whole input), a progress line
 * when stderr is a terminal (none with --no-progress), and the batch opened.
 */
export async function openCommandInput(input: string, csv: WideCsvOptions, noProgress: boolean): Promise<{ batch: BatchFile; progress: TerminalProgress | undefined }> {
  checkInputOptions(input, csv);
  const progress = terminalProgress(noProgress);
  try {
    return { batch: await withInputFile(input, (file) => openInput(file, csv, progress)), progress };
  } catch (error) {
    progress?.stop();
    throw error;
  }
}

/**
 * Checks the CSV options of `--input arg` that can be checked before it is
 * read: a CSV (by --format, --preset or its name) needs --unit. Called before
 * standard input or a gzip file is copied to disk, so that a usage error does
 * not wait for (and write) the whole input. Throws UsageError.
 */
export function checkInputOptions(arg: string, csv: WideCsvOptions): void {
  if (arg === STDIN_ARG && csv.accounts === STDIN_ARG) throw new UsageError('--input - and --accounts - both read standard input: give one of them as a file', csv.command);
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

/** The size of a regular file in bytes, else undefined (no ETA then; the reader reports what is wrong). */
function fileSize(path: string): number | undefined {
  try {
    const stat = statSync(path);
    return stat.isFile() ? stat.size : undefined;
  } catch {
    return undefined;
  }
}

/** After a command's output: the data-quality report of a CSV input (stderr, and --report-json). */
export function finishInput(batch: BatchFile, csv: WideCsvOptions): void {
  if (!isWideCsvBatch(batch)) return;
  const join = joins.get(batch);
  finishWideCsv(join === undefined ? batch : { report: { ...batch.report, accounts: join.report() } }, csv.reportJson);
}

/** The accounts joined with each CSV batch opened with --accounts. */
const joins = new WeakMap<BatchFile, AccountsJoin>();

/**
 * Consumers a file may hold in one cohort space in any order (about 0.7 KiB of
 * features a consumer at 96 points a day, so some 140 MB at this bound).
 * GRIDCODE_FILE_COHORT_LIMIT overrides it.
 */
export const FILE_COHORT_LIMIT = 200_000;

/** FILE_COHORT_LIMIT, or GRIDCODE_FILE_COHORT_LIMIT when set (a whole number). Throws CommandError for another value. */
function fileCohortLimit(): number {
  const text = process.env['GRIDCODE_FILE_COHORT_LIMIT'];
  if (text === undefined) return FILE_COHORT_LIMIT;
  if (!/^\d+$/.test(text.trim())) throw new CommandError(`GRIDCODE_FILE_COHORT_LIMIT=${JSON.stringify(text)}: give a whole number of consumers`);
  return Number(text);
}

/**
 * The cohort space of a file's consumers (followup.md): a file is a stream,
 * where a group's consumers come together, except a CSV export whose groups
 * come from --accounts: an export lists its consumers by meter, not by group,
 * so up to FILE_COHORT_LIMIT consumers it is one cohort space in any order,
 * held until the end. Beyond, its groups must come together (sorted by group).
 */
export function cohortModeOf(batch: BatchFile): CohortMode {
  const limit = fileCohortLimit();
  return joins.get(batch)?.table.store.hasGroups === true && batch.consumerCount <= limit ? 'batch' : 'stream';
}

/**
 * Opens a batch and reads its header (the first pass of either reader). The
 * format is `format` when given (--format), else from the extension (.json;
 * .pb, .binpb, .bin) and otherwise from the first byte: a JSON request starts
 * with `{`. A path, or an InputFile (input/source.ts: standard input or a
 * gzip file copied to a temporary file, named in messages as the user gave it).
 */
export function openBatch(input: string | InputFile, format?: BatchFormat): BatchFile {
  const file = typeof input === 'string' ? plainFile(input) : input;
  const { path, name } = file;
  const fd = openInputFile(file);
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
