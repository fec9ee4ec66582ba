// Pass 2 over a long CSV: each consumer's rows gathered, placed on the grid
// of the whole batch (grid.ts: strays and rows outside --from/--to go
// nowhere, off the grid dropped, duplicates keep the first row), encoded, and
// forgotten: memory holds one consumer and one block. The per-consumer counts
// of the report are complete when the generator returns.
import protobuf from 'protobufjs/minimal.js';
import { blocksOf, type ConsumerRanges } from '../../../engine/src/index.js';
import type { ConsumerBlock } from '../../batch-file.js';
import { InputError } from '../../errors.js';
import type { AttributesOf } from '../attributes.js';
import { cellNumber, CellKind } from '../cells.js';
import { NO_PROGRESS, type ReadProgress } from '../../progress/read-progress.js';
import { recordChunks } from '../csv-records.js';
import { placeRows, type GridOptions } from '../grid.js';
import type { WideCsvOptions } from '../options.js';
import { RowClock } from '../row-clock.js';
import { encodeConsumer } from '../wide-csv-batch.js';
import type { Columns } from './columns.js';

export interface SecondPass {
  readonly fd: number;
  readonly name: string;
  readonly options: WideCsvOptions;
  readonly separator: string;
  readonly decimalComma: boolean;
  readonly columns: Columns;
  /** The consumers of pass 1, in file order. */
  readonly ids: readonly string[];
  readonly grid: GridOptions;
  /** kW per unit of the file's numbers. */
  readonly factor: number;
  readonly attributes: AttributesOf;
  readonly progress?: ReadProgress;
  /** 1 for a consumer at another interval than the grid's with an energy unit (own-interval.ts): placed and counted, its readings left missing. */
  readonly otherInterval?: Uint8Array;
}

/** What pass 2 counts, per consumer and in all. */
export interface BlockCounts {
  readonly validReadings: Uint32Array;
  readonly allZero: Uint8Array;
  readonly offGrid: Uint32Array;
  readonly duplicates: Uint32Array;
  readonly slotsWithoutRow: Uint32Array;
  readonly rowsOnGrid: number;
  readonly firstOffGrid: readonly [number, number] | undefined;
  readonly firstDuplicate: readonly [number, number] | undefined;
}

/** The blocks of consumers, in file order; returns the counts. Throws InputError when the file changed since pass 1. */
export function* consumerBlocks(pass: SecondPass): Generator<ConsumerBlock, BlockCounts> {
  const { name, grid, ids, factor, decimalComma } = pass;
  const n = ids.length;
  const slots = (grid.endDay - grid.startDay + 1) * (1440 / grid.minutes);
  const clock = new RowClock(name, pass.options);
  const day = (ms: number) => clock.day(ms);
  const kind = { kind: CellKind.number as CellKind };
  const counts = { validReadings: new Uint32Array(n), allZero: new Uint8Array(n), offGrid: new Uint32Array(n), duplicates: new Uint32Array(n), slotsWithoutRow: new Uint32Array(n) };
  let rowsOnGrid = 0;
  let firstOffGrid: readonly [number, number] | undefined;
  let firstDuplicate: readonly [number, number] | undefined;
  /** Protobuf bytes of a consumer, about: blocks stay within the engine's limits. */
  const perConsumer = 4 * slots + 64;
  const ranges: ConsumerRanges = { length: n, start: (i) => i * perConsumer, end: (i) => (i + 1) * perConsumer };
  const bounds = [...blocksOf(ranges)];
  let block = 0;
  const writer = protobuf.Writer.create();
  let spans = new Int32Array(2 * (bounds[0]![1] - bounds[0]![0]));
  const curve = new Float32Array(slots);
  // The consumer being gathered: its rows' clock times, lines and numbers (NaN for a cell that is not one).
  let rowTimes = new Float64Array(1024);
  let rowLines = new Uint32Array(1024);
  let rowValues = new Float64Array(1024);
  let count = 0;
  let c = -1;
  let currentId = '';
  function* finish(): Generator<ConsumerBlock> {
    // A consumer without a row in the window (every timestamp unreadable, outside --from/--to, or stray): all missing readings.
    const placed = placeRows(rowTimes.subarray(0, count), rowLines.subarray(0, count), grid, day);
    curve.fill(NaN);
    if (pass.otherInterval?.[c] !== 1) for (let r = 0; r < count; r++) {
      const slot = placed.slotOfRow[r]!;
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
    counts.validReadings[c] = valid;
    counts.allZero[c] = valid > 0 && nonZero === 0 ? 1 : 0;
    counts.offGrid[c] = placed.offGrid;
    counts.duplicates[c] = placed.duplicates;
    counts.slotsWithoutRow[c] = placed.slotsWithoutRow;
    rowsOnGrid += placed.rowsOnGrid;
    firstOffGrid ??= placed.firstOffGrid;
    firstDuplicate ??= placed.firstDuplicate;
    const [first, last] = bounds[block]!;
    spans[2 * (c - first)] = writer.len;
    encodeConsumer(writer, currentId, pass.attributes(currentId, c), curve);
    spans[2 * (c - first) + 1] = writer.len;
    count = 0;
    pass.progress?.consumers(c + 1);
    if (c + 1 === last) {
      yield { bytes: writer.finish(true), spans, first };
      writer.reset();
      block++;
      if (block < bounds.length) spans = new Int32Array(2 * (bounds[block]![1] - bounds[block]![0]));
    }
  }
  const { id: idIndex, time: timeIndex, value: valueIndex } = pass.columns;
  let headerSeen = false;
  const progress = pass.progress ?? NO_PROGRESS;
  progress.pass(2, 2);
  for (const chunk of recordChunks(pass.fd, name, pass.separator, () => undefined, progress)) for (let i = 0; i < chunk.count; i++) {
    const record = chunk.records[i]!;
    const line = chunk.lines[i]!;
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
    const ms = clock.read(record[timeIndex], line);
    if (ms === undefined) continue;
    const d = clock.day(ms);
    if (d < grid.startDay || d > grid.endDay) continue;
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
  return { ...counts, rowsOnGrid, firstOffGrid, firstDuplicate };
}

function grow<T extends Float64Array | Uint32Array>(from: T, to: T): T {
  to.set(from);
  return to;
}
