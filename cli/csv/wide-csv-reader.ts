// Reading a wide meter export once, as a stream: the header line names the
// timestamp column and the consumers; each data row's timestamp is read as a
// clock time and its cells as numbers into a ReadingStore. Nothing here fails
// for one bad row or cell: each problem is counted, and the grid (grid.ts)
// decides later where each row goes.
//
// The CSV syntax (quotes, separators inside quotes, a byte-order mark, CRLF
// or LF line ends, blank lines) is csv-parse's; the separator is found in the
// header line before it starts.
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { parse, type Info } from 'csv-parse';
import { describeFsError, InputError } from '../errors.js';
import { cellNumber, CellKind, csvParseOptions, firstLineEnd, sniffSeparator } from './cells.js';
import type { WideCsvOptions } from './options.js';
import { LineGuard } from './line-guard.js';
import { ReadingStore, type Precision } from './reading-store.js';
import { MAX_DAYS } from '../../engine/src/index.js';
import { DAY_MS, parseTimestamp, ZoneClock } from './timestamps.js';
import { MAX_HEADER_BYTES, tooManyDays } from './grid.js';

/** The readings a file may hold in memory (consumers × rows read × 4 or 8 bytes). */
export const MAX_READING_BYTES = 2 * 1024 ** 3;
/** A header line longer than this is not a header. */

/** Counts per consumer, over every data row of the file. */
export interface ConsumerCells {
  /** Cells that are numbers (negative ones included). */
  readonly numbers: Uint32Array;
  readonly negative: Uint32Array;
  readonly empty: Uint32Array;
  /** Cells with text that is not a number (`NA`, `null`, `1,5` with a dot as the decimal mark, …). */
  readonly unreadable: Uint32Array;
  /** Cells a short row does not have. */
  readonly absent: Uint32Array;
}

export interface WideTable {
  /** The consumers' ids: the names of the columns other than the timestamp's, in file order. */
  readonly ids: string[];
  readonly timeColumn: string;
  readonly separator: string;
  readonly decimalComma: boolean;
  /** Data rows read (records after the header, blank lines not counted). */
  readonly rowsRead: number;
  /** The rows kept: a readable timestamp within --from/--to; `times[r]` is row r's clock time (local ms). */
  readonly store: ReadingStore;
  readonly times: Float64Array;
  /** File line of each row kept, for messages. */
  readonly lines: Uint32Array;
  /** Whether the store holds kW already (`factor` applied while reading) or the file's numbers. */
  readonly converted: boolean;
  readonly cells: ConsumerCells;
  readonly rows: {
    /** Rows whose timestamp is not a clock time of the accepted forms (dropped). */
    unreadableTimestamps: number;
    /** The first of them, for the report. */
    firstUnreadableTimestamp: { line: number; text: string } | undefined;
    /** Rows before --from or after --to (dropped). */
    outsideWindow: number;
    /** Rows with fewer cells than the header (the cells they lack are missing readings). */
    short: number;
    /** Rows with more cells than the header (the extra cells are ignored). */
    long: number;
    /** Records csv-parse could not read (an unclosed quote…), skipped; the first one's message. */
    skipped: number;
    firstSkipped: string | undefined;
  };
  /** Header columns with an empty name, not read (a separator at the end of each line makes one). */
  readonly unnamedColumns: number;
  /** Ids that more than one column has. */
  readonly duplicateIds: string[];
  /** Timestamps with Z or an offset, turned into --tz clock times. */
  readonly instants: number;
}

/**
 * Reads a wide export from `source`. `factor` turns the file's numbers into
 * kW when it is known before the read (unit kW, or --interval given): the
 * store then holds float32 kW; otherwise it holds the numbers as float64 and
 * the factor is applied when the grid is known. Throws InputError (`name` is
 * the file for messages).
 */
export async function readWideCsv(source: Readable, name: string, options: WideCsvOptions, factor: number | undefined, maxReadingBytes = MAX_READING_BYTES): Promise<WideTable> {
  try {
    return await readStream(source, name, options, factor, maxReadingBytes);
  } catch (error) {
    source.destroy();
    throw error;
  }
}

async function readStream(source: Readable, name: string, options: WideCsvOptions, factor: number | undefined, maxReadingBytes: number): Promise<WideTable> {
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
    for (const chunk of head) yield guard.push(chunk);
    for (;;) {
      const next = await chunks.next();
      if (next.done) break;
      yield guard.push(typeof next.value === 'string' ? Buffer.from(next.value) : next.value);
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
  try {
    for await (const { record, info } of parser as AsyncIterable<{ record: string[]; info: Info }>) {
      if (reader === undefined) reader = new RowReader(record, name, options, separator, decimalComma, factor, maxReadingBytes);
      else reader.row(record, info.lines);
    }
  } catch (error) {
    parser.destroy();
    if (error instanceof InputError) throw error;
    const code = (error as NodeJS.ErrnoException).code;
    throw new InputError(name, code?.startsWith('CSV_') ? `not a readable CSV: ${(error as Error).message}` : describeFsError(error));
  }
  if (reader === undefined) throw new InputError(name, 'the file has no header line');
  return reader.table(rowsSkipped + guard.dropped, guard.firstDropped ?? firstSkipped);
}

const STORE_HINT = 'split the file by columns (consumers), or choose fewer days with --from and --to';

/** One file's rows, read as they come. */
class RowReader {
  private readonly ids: string[] = [];
  /** Record index of each consumer's column. */
  private readonly columns: number[] = [];
  private readonly timeIndex: number;
  private readonly timeName: string;
  private readonly headerLength: number;
  /** Cells a row needs to have every named column (unnamed columns at the end, made by a trailing separator, not counted). */
  private readonly namedLength: number;
  private readonly store: ReadingStore;
  private times = new Float64Array(1024);
  private lines = new Uint32Array(1024);
  private readonly cells: ConsumerCells;
  private readonly rows: WideTable['rows'];
  private readonly clock: ZoneClock | undefined;
  private readonly kind = { kind: CellKind.number as CellKind };
  private rowsRead = 0;
  private instants = 0;
  private readonly unnamedColumns: number;
  private readonly duplicateIds: string[];
  private readonly fromMs: number;
  private readonly toMs: number;
  /** The first and last day of the rows kept so far. */
  private firstDay = Infinity;
  private lastDay = -Infinity;

  constructor(
    header: string[],
    private readonly name: string,
    private readonly options: WideCsvOptions,
    private readonly separator: string,
    private readonly decimalComma: boolean,
    private readonly factor: number | undefined,
    private readonly maxReadingBytes: number,
  ) {
    const names = header.map((column) => column.trim());
    this.headerLength = names.length;
    if (options.timeColumn !== undefined) {
      this.timeIndex = names.indexOf(options.timeColumn.trim());
      if (this.timeIndex < 0) {
        const shown = names.slice(0, 8).map((n) => JSON.stringify(n)).join(', ');
        throw new InputError(name, `no column named ${JSON.stringify(options.timeColumn)} for --time-column; the header has ${shown}${names.length > 8 ? ', …' : ''}`);
      }
    } else this.timeIndex = 0;
    this.timeName = names[this.timeIndex]!;
    let unnamed = 0;
    const seen = new Set<string>();
    const duplicates = new Set<string>();
    names.forEach((id, index) => {
      if (index === this.timeIndex) return;
      if (id === '') {
        unnamed++;
        return;
      }
      if (seen.has(id)) duplicates.add(id);
      seen.add(id);
      this.ids.push(id);
      this.columns.push(index);
    });
    this.unnamedColumns = unnamed;
    this.namedLength = Math.max(this.timeIndex, ...this.columns) + 1;
    this.duplicateIds = [...duplicates];
    if (this.ids.length === 0) throw new InputError(name, `the header has no consumer column besides the timestamp column ${JSON.stringify(names[this.timeIndex])}`);
    const n = this.ids.length;
    this.cells = { numbers: new Uint32Array(n), negative: new Uint32Array(n), empty: new Uint32Array(n), unreadable: new Uint32Array(n), absent: new Uint32Array(n) };
    this.rows = { unreadableTimestamps: 0, firstUnreadableTimestamp: undefined, outsideWindow: 0, short: 0, long: 0, skipped: 0, firstSkipped: undefined };
    const precision: Precision = factor === undefined ? 'float64' : 'float32';
    this.store = new ReadingStore(n, precision);
    this.clock = options.timeZone === undefined ? undefined : new ZoneClock(options.timeZone);
    this.fromMs = options.fromDay === undefined ? -Infinity : options.fromDay * DAY_MS;
    this.toMs = options.toDay === undefined ? Infinity : (options.toDay + 1) * DAY_MS;
  }

  row(record: string[], line: number): void {
    this.rowsRead++;
    if (record.length < this.namedLength) this.rows.short++;
    else if (record.length > this.headerLength) this.rows.long++;
    const ms = this.clockTime(record[this.timeIndex], line);
    let row = -1;
    if (ms === undefined) {
      this.rows.unreadableTimestamps++;
      this.rows.firstUnreadableTimestamp ??= { line, text: (record[this.timeIndex] ?? '').slice(0, 60) };
    } else if (ms < this.fromMs || ms >= this.toMs) this.rows.outsideWindow++;
    else row = this.keep(ms, line);
    const { cells, kind, store, factor, decimalComma } = this;
    for (let c = 0; c < this.columns.length; c++) {
      const text = record[this.columns[c]!];
      if (text === undefined) {
        cells.absent[c]!++;
        continue;
      }
      const value = cellNumber(text, decimalComma, kind);
      if (kind.kind === CellKind.empty) cells.empty[c]!++;
      else if (kind.kind === CellKind.unreadable) cells.unreadable[c]!++;
      else {
        cells.numbers[c]!++;
        if (value < 0) cells.negative[c]!++;
        if (row >= 0) store.set(row, c, factor === undefined ? value : value * factor);
      }
    }
  }

  /** The clock time of a timestamp cell, or undefined when it is not one. Throws InputError for an instant without --tz. */
  private clockTime(text: string | undefined, line: number): number | undefined {
    if (text === undefined) return undefined;
    const stamp = parseTimestamp(text);
    if (stamp.kind === 'unreadable') return undefined;
    if (stamp.kind === 'clock') return stamp.ms;
    if (this.clock === undefined) {
      throw new InputError(
        this.name,
        `line ${line}: the timestamp ${JSON.stringify(text.trim())} is an instant (it has ${/z\s*$/i.test(text) ? 'Z' : 'a UTC offset'}), not a clock time: give --tz ZONE (e.g. --tz Europe/London) to read the timestamps as clock times of that zone`,
      );
    }
    this.instants++;
    return this.clock.clock(stamp.ms);
  }

  /** A new row of the store, after checking that the window stays within MAX_DAYS and the readings fit in memory. */
  private keep(ms: number, line: number): number {
    const day = Math.floor(ms / DAY_MS);
    if (day < this.firstDay || day > this.lastDay) {
      this.firstDay = Math.min(this.firstDay, day);
      this.lastDay = Math.max(this.lastDay, day);
      const first = this.options.fromDay ?? this.firstDay;
      const last = this.options.toDay ?? this.lastDay;
      // Found as soon as a row makes the window too long: a file of years is not read to its end first.
      if (last - first + 1 > MAX_DAYS) throw new InputError(this.name, `line ${line}: ${tooManyDays(first, last)}`);
    }
    const { store } = this;
    const bytes = (store.rows + 1) * store.consumers * store.bytesPerReading;
    if (bytes > this.maxReadingBytes) {
      const limit = this.maxReadingBytes >= 1024 ** 3 ? `${this.maxReadingBytes / 1024 ** 3} GiB` : `${this.maxReadingBytes.toLocaleString('en-US')} bytes`;
      throw new InputError(
        this.name,
        `line ${line}: ${store.consumers.toLocaleString('en-US')} consumers × ${(store.rows + 1).toLocaleString('en-US')} rows is more than the ${limit} of readings a CSV may hold in memory (${store.bytesPerReading} bytes each${store.precision === 'float64' ? '; 4 with --unit kw or --interval' : ''}): ${STORE_HINT}`,
      );
    }
    const row = store.addRow();
    if (row === this.times.length) {
      const times = new Float64Array(2 * row);
      times.set(this.times);
      this.times = times;
      const lines = new Uint32Array(2 * row);
      lines.set(this.lines);
      this.lines = lines;
    }
    this.times[row] = ms;
    this.lines[row] = line;
    return row;
  }

  table(skipped: number, firstSkipped: string | undefined): WideTable {
    this.rows.skipped = skipped;
    this.rows.firstSkipped = firstSkipped;
    return {
      ids: this.ids,
      timeColumn: this.timeName,
      separator: this.separator,
      decimalComma: this.decimalComma,
      rowsRead: this.rowsRead,
      store: this.store,
      times: this.times.subarray(0, this.store.rows),
      lines: this.lines.subarray(0, this.store.rows),
      converted: this.factor !== undefined,
      cells: this.cells,
      rows: this.rows,
      unnamedColumns: this.unnamedColumns,
      duplicateIds: this.duplicateIds,
      instants: this.instants,
    };
  }
}
