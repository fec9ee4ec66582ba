// The records of a CSV file as it streams from a descriptor, a chunk (1 MiB)
// at a time: LineGuard (line-guard.ts) first, then csv-parse, with the file
// line of every record. Built for the long CSV's two passes over files of
// 100 million rows, where per-row overhead is the reader's time:
//   - csv-parse runs without `info`: with it, every record builds two objects
//     by spreading the parser's counters (a third of the reading time, and much
//     of the garbage collection, measured on 2 M rows); the line is read from
//     the parser's own counter, `parser.info.lines`, when the record arrives;
//   - records come a chunk at a time in two reused arrays, not a [record, line]
//     pair and an iterator result per row;
//   - the 1 MiB read buffer is still copied before the guard sees it: csv-parse
//     keeps a view (not a copy) of a chunk's unfinished end (a last CR, a BOM
//     not yet decided), which the next read would overwrite; the copy is 0.3 %
//     of the time (measured), not worth that risk.
// The reader's progress (bytes and rows read) is told once per chunk.
import { readSync } from 'node:fs';
import { Parser } from 'csv-parse';
import { describeFsError, InputError } from '../errors.js';
import { NO_PROGRESS, type ReadProgress } from '../progress/read-progress.js';
import { csvParseOptions } from './cells.js';
import { LineGuard } from './line-guard.js';

const CHUNK = 1 << 20;

/** The records of one chunk: records[i] is on file line lines[i]; both arrays are reused for the next chunk. */
export interface RecordChunk {
  readonly records: string[][];
  readonly lines: number[];
  /** How many of the arrays' entries are this chunk's. */
  readonly count: number;
}

/** csv-parse's synchronous core: parse(buffer, end, push, close) returns an error instead of throwing it. */
type ParserApi = Parser & {
  api: { parse(buf: Buffer | undefined, end: boolean, push: (record: unknown) => void, close: () => void): Error | undefined };
  info: { lines: number };
};

/**
 * The records of the file behind `fd` (the header first), chunk by chunk.
 * `onSkip` hears of each record that is not readable CSV (a line LineGuard
 * dropped, a record csv-parse skipped). Throws InputError (named `name`) for a
 * failed read or a CSV csv-parse cannot go on with.
 */
export function* recordChunks(fd: number, name: string, separator: string, onSkip: (message: string) => void, progress: ReadProgress = NO_PROGRESS): Generator<RecordChunk> {
  const parser = new Parser({ ...csvParseOptions(separator), info: false } as never) as ParserApi;
  parser.on('skip', (error: Error) => onSkip(error.message));
  const guard = new LineGuard(separator);
  const chunk = { records: [] as string[][], lines: [] as number[], count: 0 };
  const push = (record: unknown) => {
    chunk.records[chunk.count] = record as string[];
    chunk.lines[chunk.count] = parser.info.lines;
    chunk.count++;
  };
  const close = () => undefined;
  const buffer = Buffer.allocUnsafe(CHUNK);
  let position = 0;
  let header = true;
  for (;;) {
    let n: number;
    try {
      n = readSync(fd, buffer, 0, CHUNK, position);
    } catch (error) {
      throw new InputError(name, describeFsError(error));
    }
    position += n;
    const dropped = guard.dropped;
    const text = n === 0 ? guard.end() : guard.push(Buffer.from(buffer.subarray(0, n)));
    for (let d = dropped; d < guard.dropped; d++) onSkip(guard.firstDropped!);
    chunk.count = 0;
    let error = text.length === 0 ? undefined : parser.api.parse(text, false, push, close);
    if (error === undefined && n === 0) error = parser.api.parse(undefined, true, push, close);
    if (error !== undefined) throw new InputError(name, `not a readable CSV: ${error.message}`);
    progress.read(n, chunk.count - (header && chunk.count > 0 ? 1 : 0)); // rows: the header is no row
    if (chunk.count > 0) header = false;
    if (chunk.count > 0) yield chunk;
    if (n === 0) return;
  }
}

/** The records one by one, [record, file line] (the header first): recordChunks for a reader that wants rows. */
export function* records(fd: number, name: string, separator: string, onSkip: (message: string) => void, progress: ReadProgress = NO_PROGRESS): Generator<[string[], number]> {
  for (const { records, lines, count } of recordChunks(fd, name, separator, onSkip, progress)) {
    for (let i = 0; i < count; i++) yield [records[i]!, lines[i]!];
  }
}
