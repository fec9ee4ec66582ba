// A long CSV meter export (one row per consumer and timestamp: id, timestamp,
// value) as a BatchFile. The rows of a consumer come together (timestamps
// within it in any order); the file is read twice, as a stream each time:
//   pass 1 (open): the consumers and their count, the window's days and the
//     interval (--interval, or the most common step within consumers), every
//     cell and timestamp counted; an id that comes back is refused (unsorted);
//   pass 2 (blocks): each consumer's rows are gathered, placed on the grid of
//     the whole batch (grid.ts: off the grid dropped, duplicates keep the first
//     row), encoded, and forgotten: memory holds one consumer and one block.
// Cells, timestamps, units and the report are the wide CSV's (cells.ts,
// timestamps.ts, wide-csv-batch.ts, report.ts); the report is complete once
// the blocks have all been read.
import { closeSync, fstatSync, openSync, readSync } from 'node:fs';
import { Parser, type Info } from 'csv-parse';
import protobuf from 'protobufjs/minimal.js';
import { blocksOf, MAX_DAYS, parseBatchHeader, type ConsumerRanges } from '../../engine/src/index.js';
import type { ConsumerBlock } from '../batch-file.js';
import type { InputFile } from '../input/source.js';
import { describeFsError, InputError, UsageError } from '../errors.js';
import { sameForAll, type AttributesOf } from './attributes.js';
import { cellNumber, CellKind, csvParseOptions, firstLineEnd, sniffSeparator } from './cells.js';
import { LineGuard } from './line-guard.js';
import { countSteps, GridError, intervalOfSteps, MAX_HEADER_BYTES, placeRows, tooManyDays } from './grid.js';
import type { WideCsvOptions } from './options.js';
import { dataQualityReport, type DataQualityReport, type ReportGrid, type ReportTable } from './report.js';
import { DAY_MS, dayDate, parseTimestamp, ZoneClock } from './timestamps.js';
import { encodeConsumer, UNIT_REQUIRED, unitFactor, type WideCsvBatch } from './wide-csv-batch.js';

const CHUNK = 1 << 20;

/** A long CSV opened as a batch; its report once the blocks are read (and an InputError before). */
export type LongCsvBatch = WideCsvBatch;

/** The default names of a long CSV's columns (any case). */
const DEFAULT_NAMES = ['id', 'timestamp', 'value'] as const;

/** The header line of a file (its first line, up to 64 KiB), for format detection; undefined when it cannot be read. */
export function headerFields(path: string): string[] | undefined {
  let fd: number;
  try {
    fd = openSync(path, 'r');
  } catch {
    return undefined;
  }
  try {
    const buffer = Buffer.alloc(64 << 10);
    const n = readSync(fd, buffer, 0, buffer.length, 0);
    const text = buffer.subarray(0, n).toString('utf8').replace(/^\uFEFF/, '');
    const end = firstLineEnd(text);
    const line = end < 0 ? text : text.slice(0, end);
    const separator = sniffSeparator(line);
    return separator === undefined ? [line.trim()] : splitHeader(line, separator);
  } catch {
    return undefined;
  } finally {
    closeSync(fd);
  }
}

/** Whether a header is exactly the three columns id, timestamp and value (any order, any case): the rule that makes a .csv a long CSV. */
export function isLongCsvHeader(fields: readonly string[] | undefined): boolean {
  if (fields === undefined || fields.length !== 3) return false;
  const names = new Set(fields.map((f) => f.toLowerCase()));
  return DEFAULT_NAMES.every((n) => names.has(n));
}

function splitHeader(line: string, separator: string): string[] {
  const fields: string[] = [];
  let field = '';
  let quoted = false;
  for (const c of line) {
    if (c === '"') quoted = !quoted;
    else if (c === separator && !quoted) {
      fields.push(field.trim());
      field = '';
    } else field += c;
  }
  fields.push(field.trim());
  return fields;
}

/** The records of the file as it streams: [record, file line] per data row (the header first), a chunk at a time. */
function* records(fd: number, name: string, separator: string, onSkip: (message: string) => void): Generator<[string[], number]> {
  const parser = new Parser(csvParseOptions(separator) as never) as Parser & { api: { parse(buf: Buffer | undefined, end: boolean, push: (r: unknown) => void, close: () => void): Error | undefined } };
  parser.on('skip', (error: Error) => onSkip(error.message));
  const guard = new LineGuard(separator);
  const out: [string[], number][] = [];
  const push = (r: unknown) => {
    const { record, info } = r as { record: string[]; info: Info };
    out.push([record, info.lines]);
  };
  const buffer = Buffer.alloc(CHUNK);
  let position = 0;
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
    let error = text.length === 0 ? undefined : parser.api.parse(text, false, push, () => undefined);
    if (error === undefined && n === 0) error = parser.api.parse(undefined, true, push, () => undefined);
    if (error !== undefined) throw new InputError(name, `not a readable CSV: ${error.message}`);
    for (const item of out) yield item;
    out.length = 0;
    if (n === 0) return;
  }
}

interface Columns {
  readonly id: number;
  readonly time: number;
  readonly value: number;
  readonly names: string[];
}

function findColumns(header: string[], name: string, options: WideCsvOptions): Columns {
  const names = header.map((c) => c.trim());
  const lower = names.map((c) => c.toLowerCase());
  const shown = () => `${names.slice(0, 8).map((n) => JSON.stringify(n)).join(', ')}${names.length > 8 ? ', …' : ''}`;
  const pick = (given: string | undefined, flag: string, fallback: number): number => {
    if (given !== undefined) {
      const index = names.indexOf(given.trim());
      if (index < 0) throw new InputError(name, `no column named ${JSON.stringify(given)} for ${flag}; the header has ${shown()}`);
      return index;
    }
    const named = lower.indexOf(DEFAULT_NAMES[fallback]!);
    if (named >= 0) return named;
    if (names.length < 3) throw new InputError(name, `the header has ${names.length} column${names.length === 1 ? '' : 's'} (${shown()}): a long CSV has an id, a timestamp and a value column`);
    return fallback;
  };
  const id = pick(options.idColumn, '--id-column', 0);
  const time = pick(options.timeColumn, '--time-column', 1);
  const value = pick(options.valueColumn, '--value-column', 2);
  if (id === time || id === value || time === value) throw new InputError(name, `the id, time and value columns must be three different columns; they are ${JSON.stringify(names[id])}, ${JSON.stringify(names[time])} and ${JSON.stringify(names[value])}`);
  return { id, time, value, names };
}

/** The sort command for a file with this separator, keeping its header line. */
function sortHint(separator: string): string {
  const t = separator === '\t' ? "$'\\t'" : separator === ';' ? "';'" : ',';
  return `(head -n1 FILE; tail -n+2 FILE | sort -t${t} -k1,1 -s) > sorted.csv`;
}

/**
 * Opens the long CSV `file` and reads it once (pass 1). Throws UsageError
 * without --unit, InputError for a file that cannot be read, is not sorted by
 * consumer, or has no usable grid.
 */
export function openLongCsv(file: InputFile, options: WideCsvOptions, attributesOf?: AttributesOf): LongCsvBatch {
  const unit = options.unit;
  if (unit === undefined) throw new UsageError(UNIT_REQUIRED, options.command);
  const name = file.name;
  let fd: number;
  try {
    fd = openSync(file.path, 'r');
  } catch (error) {
    throw new InputError(name, describeFsError(error));
  }
  file.opened();
  try {
    if (!fstatSync(fd).isFile()) throw new InputError(name, 'is not a regular file; a long CSV is read twice and must be a file (give a stream on standard input as --input -)');
    return open(fd, name, options, unit, attributesOf ?? sameForAll({ category: options.category, zone: options.zone }));
  } catch (error) {
    closeSync(fd);
    throw error;
  }
}

function open(fd: number, name: string, options: WideCsvOptions, unit: NonNullable<WideCsvOptions['unit']>, attributes: AttributesOf): LongCsvBatch {
  // The separator, from the header line.
  const head = Buffer.alloc(CHUNK);
  let headText = '';
  for (let position = 0; ; ) {
    const n = readSync(fd, head, 0, CHUNK, position);
    position += n;
    headText += head.subarray(0, n).toString('utf8');
    if (n === 0 || firstLineEnd(headText) >= 0) break;
    if (position > MAX_HEADER_BYTES) throw new InputError(name, `no line break in the first ${MAX_HEADER_BYTES >> 20} MiB: this is not a CSV meter export`);
  }
  headText = headText.replace(/^\uFEFF/, '');
  const end = firstLineEnd(headText);
  const headerLine = end < 0 ? headText : headText.slice(0, end);
  if (headerLine.trim() === '') throw new InputError(name, headText === '' ? 'the file is empty' : 'the first line is empty: a long CSV starts with its header (id, timestamp and value columns)');
  const separator = options.separator ?? sniffSeparator(headerLine);
  if (separator === undefined) throw new InputError(name, `the header line has no separator (, ; or tab): a long CSV has an id, a timestamp and a value column (${JSON.stringify(headerLine.slice(0, 60))})`);
  const decimalComma = options.decimalComma || separator === ';';
  const clock = options.timeZone === undefined ? undefined : new ZoneClock(options.timeZone);
  const fromMs = options.fromDay === undefined ? -Infinity : options.fromDay * DAY_MS;
  const toMs = options.toDay === undefined ? Infinity : (options.toDay + 1) * DAY_MS;
  const kind = { kind: CellKind.number as CellKind };

  /** A row's clock time, or undefined when its timestamp is unreadable. Throws InputError for an instant without --tz. */
  const clockTime = (text: string | undefined, line: number, count: () => void): number | undefined => {
    if (text === undefined) return undefined;
    const stamp = parseTimestamp(text);
    if (stamp.kind === 'unreadable') return undefined;
    if (stamp.kind === 'clock') return stamp.ms;
    if (clock === undefined) {
      throw new InputError(name, `line ${line}: the timestamp ${JSON.stringify(text.trim())} is an instant (it has ${/z\s*$/i.test(text) ? 'Z' : 'a UTC offset'}), not a clock time: give --tz ZONE (e.g. --tz Europe/London) to read the timestamps as clock times of that zone`);
    }
    count();
    return clock.clock(stamp.ms);
  };

  // Pass 1.
  let skipped = 0;
  let firstSkipped: string | undefined;
  const onSkip = (message: string) => {
    skipped++;
    firstSkipped ??= message;
  };
  let columns: Columns | undefined;
  const ids: string[] = [];
  const lastLineOf = new Map<string, number>();
  const cells = { numbers: [] as number[], negative: [] as number[], empty: [] as number[], unreadable: [] as number[], absent: [] as number[] };
  const rows: ReportTable['rows'] = { unreadableTimestamps: 0, firstUnreadableTimestamp: undefined, outsideWindow: 0, short: 0, long: 0, skipped: 0, firstSkipped: undefined };
  let rowsRead = 0;
  let rowsWithoutId = 0;
  let instants = 0;
  let firstDay = Infinity;
  let lastDay = -Infinity;
  const steps = new Map<number, number>();
  let times = new Float64Array(1024);
  let kept = 0;
  let sample: number | undefined;
  const endConsumer = () => {
    if (options.intervalMinutes === undefined && kept > 1) countSteps(times.subarray(0, kept), steps);
    kept = 0;
  };
  let current = -1;
  for (const [record, line] of records(fd, name, separator, onSkip)) {
    if (columns === undefined) {
      columns = findColumns(record, name, options);
      continue;
    }
    rowsRead++;
    if (record.length < columns.names.length) rows.short++;
    else if (record.length > columns.names.length) rows.long++;
    const id = record[columns.id]?.trim() ?? '';
    if (id === '') {
      rowsWithoutId++;
      continue;
    }
    if (current < 0 || id !== ids[current]) {
      const before = lastLineOf.get(id);
      if (before !== undefined) {
        throw new InputError(
          name,
          `line ${line}: the rows of consumer ${JSON.stringify(id)} come back after those of ${JSON.stringify(ids[current])} (its rows before end at line ${before}): a long CSV must have all rows of a consumer together (timestamps within it may be in any order). Sort it by the id column first, keeping the header line: ${sortHint(separator)}`,
        );
      }
      endConsumer();
      current = ids.length;
      ids.push(id);
      for (const counts of Object.values(cells)) counts.push(0);
    }
    lastLineOf.set(id, line);
    const ms = clockTime(record[columns.time], line, () => instants++);
    if (ms === undefined) {
      rows.unreadableTimestamps++;
      rows.firstUnreadableTimestamp ??= { line, text: (record[columns.time] ?? '').slice(0, 60) };
    } else if (ms < fromMs || ms >= toMs) rows.outsideWindow++;
    else {
      const day = Math.floor(ms / DAY_MS);
      if (day < firstDay || day > lastDay) {
        firstDay = Math.min(firstDay, day);
        lastDay = Math.max(lastDay, day);
        const first = options.fromDay ?? firstDay;
        const last = options.toDay ?? lastDay;
        if (last - first + 1 > MAX_DAYS) throw new InputError(name, `line ${line}: ${tooManyDays(first, last)}`);
      }
      if (kept === times.length) {
        const grown = new Float64Array(2 * kept);
        grown.set(times);
        times = grown;
      }
      times[kept++] = ms;
      sample ??= ms;
    }
    const text = record[columns.value];
    if (text === undefined) {
      cells.absent[current]!++;
      continue;
    }
    const value = cellNumber(text, decimalComma, kind);
    if (kind.kind === CellKind.empty) cells.empty[current]!++;
    else if (kind.kind === CellKind.unreadable) cells.unreadable[current]!++;
    else {
      cells.numbers[current]!++;
      if (value < 0) cells.negative[current]!++;
    }
  }
  endConsumer();
  times = new Float64Array(0);
  if (columns === undefined) throw new InputError(name, 'the file has no header line');
  rows.skipped = skipped;
  rows.firstSkipped = firstSkipped;
  if (ids.length === 0) throw new InputError(name, 'the file has no row with a consumer id');

  let minutes: number;
  let startDay: number;
  let endDay: number;
  try {
    if (sample === undefined && (options.fromDay === undefined || options.toDay === undefined)) {
      throw new GridError(options.fromDay !== undefined || options.toDay !== undefined ? 'no row has a timestamp within --from and --to' : 'no row has a timestamp of the form YYYY-MM-DD HH:MM[:SS]');
    }
    minutes = options.intervalMinutes ?? intervalOfSteps(steps, sample);
    startDay = options.fromDay ?? firstDay;
    endDay = options.toDay ?? lastDay;
  } catch (error) {
    if (error instanceof GridError) throw new InputError(name, error.message);
    throw error;
  }
  const pointsPerDay = 1440 / minutes;
  const days = endDay - startDay + 1;
  const slots = days * pointsPerDay;
  const factor = unitFactor(unit, minutes);
  const header = parseBatchHeader(pointsPerDay, dayDate(startDay));
  const n = ids.length;
  const table: ReportTable = {
    ids,
    timeColumn: columns.names[columns.time]!,
    separator,
    decimalComma,
    rowsRead,
    cells: { numbers: Uint32Array.from(cells.numbers), negative: Uint32Array.from(cells.negative), empty: Uint32Array.from(cells.empty), unreadable: Uint32Array.from(cells.unreadable), absent: Uint32Array.from(cells.absent) },
    rows,
    unnamedColumns: 0,
    duplicateIds: [],
    instants,
  };
  const { id: idIndex, time: timeIndex, value: valueIndex } = columns;
  const idColumn = columns.names[idIndex]!;
  const valueColumn = columns.names[valueIndex]!;
  lastLineOf.clear();

  let report: DataQualityReport | undefined;
  const perConsumer = 4 * slots + 64;
  const ranges: ConsumerRanges = { length: n, start: (i) => i * perConsumer, end: (i) => (i + 1) * perConsumer };
  const gridOptions = { intervalMinutes: minutes, fromDay: startDay, toDay: endDay };

  return {
    path: name,
    header,
    options: { ruleSet: '', includeFeatures: false, flaggedOnly: false, includeEvidence: false },
    consumerCount: n,
    get report(): DataQualityReport {
      if (report === undefined) throw new Error('the report of a long CSV is known once its blocks are read');
      return report;
    },
    *blocks(): Generator<ConsumerBlock> {
      report = undefined;
      const validReadings = new Uint32Array(n);
      const allZero = new Uint8Array(n);
      const offGrid = new Uint32Array(n);
      const duplicates = new Uint32Array(n);
      const slotsWithoutRow = new Uint32Array(n);
      let rowsOnGrid = 0;
      let firstOffGrid: readonly [number, number] | undefined;
      let firstDuplicate: readonly [number, number] | undefined;
      const bounds = [...blocksOf(ranges)];
      let block = 0;
      const writer = protobuf.Writer.create();
      let spans = new Int32Array(2 * (bounds[0]![1] - bounds[0]![0]));
      const curve = new Float32Array(slots);
      // The consumer being gathered: its kept rows' clock times, lines and numbers (NaN for a cell that is not one).
      let rowTimes = new Float64Array(1024);
      let rowLines = new Uint32Array(1024);
      let rowValues = new Float64Array(1024);
      let count = 0;
      let c = -1;
      let currentId = '';
      function* finish(): Generator<ConsumerBlock> {
        // A consumer without a row in the window (every timestamp unreadable, or outside --from/--to): all missing readings.
        const grid = count > 0 ? placeRows(rowTimes.subarray(0, count), rowLines.subarray(0, count), gridOptions) : { slotOfRow: new Int32Array(0), offGrid: 0, duplicates: 0, slotsWithoutRow: slots, rowsOnGrid: 0, firstOffGrid: undefined, firstDuplicate: undefined };
        curve.fill(NaN);
        for (let r = 0; r < count; r++) {
          const slot = grid.slotOfRow[r]!;
          if (slot >= 0) curve[slot] = rowValues[r]! * factor;
        }
        let valid = 0;
        let nonZero = 0;
        for (let s = 0; s < slots; s++) {
          const kw = curve[s]!;
          if (kw >= 0 && kw !== Infinity) {
            valid++;
            if (kw !== 0) nonZero++;
          }
        }
        validReadings[c] = valid;
        allZero[c] = valid > 0 && nonZero === 0 ? 1 : 0;
        offGrid[c] = grid.offGrid;
        duplicates[c] = grid.duplicates;
        slotsWithoutRow[c] = grid.slotsWithoutRow;
        rowsOnGrid += grid.rowsOnGrid;
        firstOffGrid ??= grid.firstOffGrid;
        firstDuplicate ??= grid.firstDuplicate;
        const [first, last] = bounds[block]!;
        spans[2 * (c - first)] = writer.len;
        encodeConsumer(writer, currentId, attributes(currentId, c), curve);
        spans[2 * (c - first) + 1] = writer.len;
        count = 0;
        if (c + 1 === last) {
          yield { bytes: writer.finish(true), spans, first };
          writer.reset();
          block++;
          if (block < bounds.length) spans = new Int32Array(2 * (bounds[block]![1] - bounds[block]![0]));
        }
      }
      let headerSeen = false;
      for (const [record, line] of records(fd, name, separator, () => undefined)) {
        if (!headerSeen) {
          headerSeen = true;
          continue;
        }
        const id = record[idIndex]?.trim() ?? '';
        if (id === '') continue;
        if (id !== currentId || c < 0) {
          if (c >= 0) yield* finish();
          c++;
          currentId = id;
          if (c >= n || id !== ids[c]) throw new InputError(name, `line ${line}: the file changed while it was read (consumer ${JSON.stringify(id)})`);
        }
        const text = record[timeIndex];
        const stamp = text === undefined ? undefined : parseTimestamp(text);
        if (stamp === undefined || stamp.kind === 'unreadable') continue;
        const ms = stamp.kind === 'clock' ? stamp.ms : clock!.clock(stamp.ms);
        if (ms < fromMs || ms >= toMs) continue;
        if (count === rowTimes.length) {
          const size = 2 * count;
          rowTimes = grow(rowTimes, new Float64Array(size));
          rowLines = grow(rowLines, new Uint32Array(size));
          rowValues = grow(rowValues, new Float64Array(size));
        }
        const cell = record[valueIndex];
        rowTimes[count] = ms;
        rowLines[count] = line;
        rowValues[count] = cell === undefined ? NaN : cellNumber(cell, decimalComma, kind);
        count++;
      }
      if (c >= 0) yield* finish();
      if (c + 1 !== n) throw new InputError(name, 'the file changed while it was read (fewer consumers than at first)');
      const total = slots * n;
      const grid: ReportGrid = {
        minutes,
        pointsPerDay,
        detected: options.intervalMinutes === undefined,
        startDay,
        days,
        slots,
        rowsOnGrid,
        offGrid: offGrid.reduce((a, b) => a + b, 0),
        duplicates: duplicates.reduce((a, b) => a + b, 0),
        slotsWithoutRow: total - rowsOnGrid,
        firstOffGrid,
        firstDuplicate,
      };
      report = dataQualityReport({
        file: name,
        table,
        grid,
        long: { idColumn, valueColumn, offGrid, duplicates, slotsWithoutRow, rowsWithoutId },
        unit,
        factor,
        validReadings,
        allZero,
        timeZone: options.timeZone,
        fromDay: options.fromDay,
        toDay: options.toDay,
      });
    },
    blockError: (block, error) => new InputError(name, `consumers ${ids[block.first]} … ${ids[block.first + (block.spans.length >> 1) - 1]}: ${error.message}`),
    close: () => closeSync(fd),
  };
}

function grow<T extends Float64Array | Uint32Array>(from: T, to: T): T {
  to.set(from);
  return to;
}
