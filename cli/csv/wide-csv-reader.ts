// Reading a wide meter export once, as a stream: the header line names the
// timestamp column and the consumers (wide/consumer-columns.ts); each data
// row's timestamp is read as a clock time and its cells as numbers into a
// ReadingStore (wide/row-reader.ts). Nothing here fails for one bad row or
// cell: each problem is counted, and the window and the grid decide later
// where each row goes (wide/placement.ts).
//
// The CSV syntax (quotes, separators inside quotes, a byte-order mark, CRLF
// or LF line ends, blank lines) is csv-parse's; the separator is found in the
// header line before it starts.
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { parse, type Info } from 'csv-parse';
import { describeFsError, InputError } from '../errors.js';
import { csvParseOptions, firstLineEnd, sniffSeparator } from './cells.js';
import type { WideCsvOptions } from './options.js';
import { LineGuard } from './line-guard.js';
import { MAX_HEADER_BYTES } from './grid.js';
import { RowReader } from './wide/row-reader.js';
import type { WideTable } from './wide/table.js';
import { NO_PROGRESS, type ReadProgress } from '../progress/read-progress.js';

/** Rows between two progress reports. */
const PROGRESS_ROWS = 4096;

export type { ConsumerCells, WideTable } from './wide/table.js';

/** The readings a file may hold in memory (consumers × rows read × 4 or 8 bytes). */
export const MAX_READING_BYTES = 2 * 1024 ** 3;

/**
 * Reads a wide export from `source`. `factor` turns the file's numbers into
 * kW when it is known before the read (unit kW, or --interval given): the
 * store then holds float32 kW; otherwise it holds the numbers as float64 and
 * the factor is applied when the grid is known. Throws InputError (`name` is
 * the file for messages).
 */
export async function readWideCsv(source: Readable, name: string, options: WideCsvOptions, factor: number | undefined, maxReadingBytes = MAX_READING_BYTES, progress: ReadProgress = NO_PROGRESS): Promise<WideTable> {
  try {
    return await readStream(source, name, options, factor, maxReadingBytes, progress);
  } catch (error) {
    source.destroy();
    throw error;
  }
}

async function readStream(source: Readable, name: string, options: WideCsvOptions, factor: number | undefined, maxReadingBytes: number, progress: ReadProgress): Promise<WideTable> {
  progress.pass(1, 1);
  const chunks = source[Symbol.asyncIterator]() as AsyncIterator<Buffer | string>;
  const head: Buffer[] = [];
  let headBytes = 0;
  let headerText = '';
  for (;;) {
    const next = await chunks.next();
    if (next.done) break;
    const chunk = typeof next.value === 'string' ? Buffer.from(next.value) : next.value;
    head.push(chunk);
    headBytes += chunk.length;
    headerText = Buffer.concat(head).toString('utf8').replace(/^\uFEFF/, '');
    if (firstLineEnd(headerText) >= 0) break;
    if (headBytes > MAX_HEADER_BYTES) throw new InputError(name, `no line break in the first ${MAX_HEADER_BYTES >> 20} MiB: this is not a CSV meter export`);
  }
  const end = firstLineEnd(headerText);
  const headerLine = end < 0 ? headerText : headerText.slice(0, end);
  if (headerLine.trim() === '') throw new InputError(name, headBytes === 0 ? 'the file is empty' : 'the first line is empty: a wide CSV starts with its header (the timestamp column, then one column per consumer)');
  const separator = options.separator ?? sniffSeparator(headerLine);
  if (separator === undefined) {
    throw new InputError(name, `the header line has no separator (, ; or tab) and so one column: a wide CSV has a timestamp column and one column per consumer (${JSON.stringify(headerLine.slice(0, 60))})`);
  }
  const decimalComma = options.decimalComma || separator === ';';

  const parser = parse(csvParseOptions(separator));
  const guard = new LineGuard(separator);
  async function* all(): AsyncGenerator<Buffer> {
    for (const chunk of head) {
      progress.read(chunk.length, 0);
      yield guard.push(chunk);
    }
    for (;;) {
      const next = await chunks.next();
      if (next.done) break;
      const chunk = typeof next.value === 'string' ? Buffer.from(next.value) : next.value;
      progress.read(chunk.length, 0);
      yield guard.push(chunk);
    }
    yield guard.end();
  }
  const fed = pipeline(Readable.from(all()), parser);
  fed.catch(() => undefined); // its failures reach the records loop through the parser
  let rowsSkipped = 0;
  let firstSkipped: string | undefined;
  parser.on('skip', (error: Error & { lines?: number }) => {
    rowsSkipped++;
    firstSkipped ??= error.message;
  });

  let reader: RowReader | undefined;
  let rows = 0;
  try {
    for await (const { record, info } of parser as AsyncIterable<{ record: string[]; info: Info }>) {
      if (reader === undefined) {
        reader = new RowReader(record, name, options, separator, decimalComma, factor, maxReadingBytes);
        progress.consumers(record.length - 1);
      } else {
        reader.row(record, info.lines);
        if (++rows === PROGRESS_ROWS) {
          progress.read(0, rows); // told in batches: never a call per row
          rows = 0;
        }
      }
    }
  } catch (error) {
    parser.destroy();
    if (error instanceof InputError) throw error;
    const code = (error as NodeJS.ErrnoException).code;
    throw new InputError(name, code?.startsWith('CSV_') ? `not a readable CSV: ${(error as Error).message}` : describeFsError(error));
  }
  progress.read(0, rows);
  if (reader === undefined) throw new InputError(name, 'the file has no header line');
  return reader.table(rowsSkipped + guard.dropped, guard.firstDropped ?? firstSkipped);
}

