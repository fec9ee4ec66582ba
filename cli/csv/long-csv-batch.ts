// A long CSV meter export (one row per consumer and timestamp: id, timestamp,
// value) as a BatchFile. The rows of a consumer come together (timestamps
// within it in any order); the file is read twice, as a stream each time:
//   pass 1 (open, long/first-pass.ts): the consumers, rows per day, the
//     interval (--interval, or the most common step within consumers), every
//     cell and timestamp counted; then the window and the label's shift
//     (choose-grid.ts);
//   pass 2 (blocks, long/blocks.ts): one consumer at a time placed on the
//     grid, encoded and forgotten.
// Cells, timestamps, units and the report are the wide CSV's (cells.ts,
// row-clock.ts, wide-csv-batch.ts, report.ts); the report is complete once
// the blocks have all been read.
import { closeSync, fstatSync } from 'node:fs';
import { parseBatchHeader } from '../../engine/src/index.js';
import type { ConsumerBlock } from '../batch-file.js';
import { openInputFile, type InputFile } from '../input/source.js';
import { InputError, UsageError } from '../errors.js';
import { sameForAll, type AttributesOf } from './attributes.js';
import { chooseGrid } from './choose-grid.js';
import { GridError, intervalOfSteps, noRowInWindow, type GridOptions } from './grid.js';
import type { WideCsvOptions } from './options.js';
import { dataQualityReport, type DataQualityReport, type ReportGrid, type ReportTable } from './report.js';
import { dayDate } from './timestamps.js';
import { UNIT_REQUIRED, unitFactor, type WideCsvBatch } from './wide-csv-batch.js';
import { consumerBlocks } from './long/blocks.js';
import { headerLine } from './long/columns.js';
import { firstPass, type FirstPass } from './long/first-pass.js';
import { otherInterval } from './own-interval.js';
import { unzonedProblem } from './row-clock.js';
import { NO_PROGRESS, type ReadProgress } from '../progress/read-progress.js';

export { headerFields, isLongCsvHeader } from './long/columns.js';

/** A long CSV opened as a batch; its report once the blocks are read (and an InputError before). */
export type LongCsvBatch = WideCsvBatch;

/**
 * Opens the long CSV `file` and reads it once (pass 1). Throws UsageError
 * without --unit, InputError for a file that cannot be read, is not sorted by
 * consumer, or has no usable grid.
 */
export function openLongCsv(file: InputFile, options: WideCsvOptions, attributesOf?: AttributesOf, progress: ReadProgress = NO_PROGRESS): LongCsvBatch {
  const unit = options.unit;
  if (unit === undefined) throw new UsageError(UNIT_REQUIRED, options.command);
  const name = file.name;
  const fd = openInputFile(file);
  try {
    if (!fstatSync(fd).isFile()) throw new InputError(name, 'is not a regular file; a long CSV is read twice and must be a file (give a stream on standard input as --input -)');
    return open(fd, name, options, unit, attributesOf ?? sameForAll({ category: options.category, zone: options.zone }), progress);
  } catch (error) {
    closeSync(fd);
    throw error;
  }
}

function open(fd: number, name: string, options: WideCsvOptions, unit: NonNullable<WideCsvOptions['unit']>, attributes: AttributesOf, progress: ReadProgress): LongCsvBatch {
  const { separator } = headerLine(fd, name, options);
  const decimalComma = options.decimalComma || separator === ';';
  const first = firstPass(fd, name, options, separator, decimalComma, progress);
  const grid = gridOf(first, name, options);
  const { ids, columns } = first;
  const pointsPerDay = 1440 / grid.minutes;
  const days = grid.endDay - grid.startDay + 1;
  const slots = days * pointsPerDay;
  const factor = unitFactor(unit, grid.minutes);
  const other = first.ownSteps === undefined ? undefined : otherInterval(first.ownSteps, grid.minutes);
  const n = ids.length;
  const table: ReportTable = {
    ids,
    timeColumn: columns.names[columns.time]!,
    separator,
    decimalComma,
    rowsRead: first.rowsRead,
    cells: { numbers: Uint32Array.from(first.cells.numbers), negative: Uint32Array.from(first.cells.negative), empty: Uint32Array.from(first.cells.empty), unreadable: Uint32Array.from(first.cells.unreadable), absent: Uint32Array.from(first.cells.absent) },
    rows: first.rows,
    unnamedColumns: 0,
    duplicateIds: [],
    droppedColumns: 0,
    instants: first.instants,
  };
  let report: DataQualityReport | undefined;
  return {
    path: name,
    header: parseBatchHeader(pointsPerDay, dayDate(grid.startDay)),
    options: { ruleSet: '', includeFeatures: false, flaggedOnly: false, includeEvidence: false },
    consumerCount: n,
    get report(): DataQualityReport {
      if (report === undefined) throw new Error('the report of a long CSV is known once its blocks are read');
      return report;
    },
    *blocks(): Generator<ConsumerBlock> {
      report = undefined;
      const counts = yield* consumerBlocks({ fd, name, options, separator, decimalComma, columns, ids, grid, factor, attributes, progress, otherInterval: other?.flags });
      const reportGrid: ReportGrid = {
        minutes: grid.minutes,
        pointsPerDay,
        detected: grid.detected,
        label: grid.label,
        startDay: grid.startDay,
        days,
        slots,
        rowsOnGrid: counts.rowsOnGrid,
        offGrid: counts.offGrid.reduce((a, b) => a + b, 0),
        duplicates: counts.duplicates.reduce((a, b) => a + b, 0),
        slotsWithoutRow: slots * n - counts.rowsOnGrid,
        firstOffGrid: counts.firstOffGrid,
        firstDuplicate: counts.firstDuplicate,
        strays: grid.strays,
        firstStray: grid.firstStray,
      };
      report = dataQualityReport({
        file: name,
        table,
        grid: reportGrid,
        long: {
          idColumn: columns.names[columns.id]!,
          valueColumn: columns.names[columns.value]!,
          offGrid: counts.offGrid,
          duplicates: counts.duplicates,
          slotsWithoutRow: counts.slotsWithoutRow,
          rowsWithoutId: first.rowsWithoutId,
          intervalDiffers: { consumers: other?.consumers ?? 0, first: other?.first === undefined ? null : { id: ids[other.first.index]!, minutes: other.first.minutes } },
        },
        unit,
        factor,
        validReadings: counts.validReadings,
        allZero: counts.allZero,
        timeZone: options.timeZone,
        sourceTimeZone: options.sourceTimeZone,
        fromDay: options.fromDay,
        toDay: options.toDay,
      });
    },
    blockError: (block, error) => new InputError(name, `consumers ${ids[block.first]} … ${ids[block.first + (block.spans.length >> 1) - 1]}: ${error.message}`),
    close: () => closeSync(fd),
  };
}

/** Steps are counted within consumers: none when each has at most one distinct timestamp in the window. */
const NO_STEP = 'no consumer has two distinct timestamps in the window: the interval cannot be told; give --interval MINUTES';

/** The interval, window and label's shift of pass 1's counts. Throws InputError. */
function gridOf(first: FirstPass, name: string, options: WideCsvOptions): GridOptions {
  try {
    // A row with a readable timestamp is in the window (days) or outside --from/--to.
    const readable = first.days.total + first.rows.outsideWindow;
    const unzoned = unzonedProblem(first.rows.unzoned, first.rows.firstUnzoned, readable);
    if (unzoned !== undefined) throw new GridError(unzoned);
    if (readable === 0 || (first.sample === undefined && (options.fromDay === undefined || options.toDay === undefined))) throw new GridError(noRowInWindow(readable, first.rows.firstUnreadableTimestamp));
    const minutes = options.intervalMinutes ?? intervalOfSteps(first.steps, NO_STEP);
    const converted = first.instants > 0 || options.sourceTimeZone !== undefined;
    return chooseGrid({ histogram: first.days, phases: first.phases, minutes, detected: options.intervalMinutes === undefined, label: options.label, fromDay: options.fromDay, toDay: options.toDay, convertedTo: converted ? options.timeZone : undefined });
  } catch (error) {
    if (error instanceof GridError) throw new InputError(name, error.message);
    throw error;
  }
}
