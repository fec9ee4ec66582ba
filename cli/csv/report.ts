// The data-quality report of a CSV export: what was read, what was dropped
// and why, how many readings the engine gets. Every count is exact. It goes to
// stderr as a short block at the end of the command (report-text.ts), and
// with --report-json to a file as JSON.
import { writeFileSync } from 'node:fs';
import { CommandError, describeFsError } from '../errors.js';
import type { AccountsReport } from './accounts-join.js';
import type { Grid } from './grid.js';
import type { Unit } from './options.js';
import { clockChanges, type ClockChange } from './clock-changes.js';
import { clockText, dayDate } from './timestamps.js';

export { reportText } from './report-text.js';
import type { WideTable } from './wide-csv-reader.js';

export interface ConsumerReport {
  readonly id: string;
  /** Cells over every data row of the file. */
  readonly numbers: number;
  readonly negative: number;
  readonly empty: number;
  readonly unreadable: number;
  readonly absent: number;
  /** Readings on the grid the engine counts as valid (finite, ≥ 0), and the others of its `slots`. */
  readonly validReadings: number;
  readonly missingReadings: number;
  /** Long CSV only: this consumer's rows off the grid, repeated timestamps, and grid times with no row. */
  readonly offGrid?: number;
  readonly duplicates?: number;
  readonly slotsWithoutRow?: number;
}

export interface DataQualityReport {
  readonly file: string;
  readonly format: 'wide-csv' | 'long-csv';
  readonly separator: string;
  readonly decimalComma: boolean;
  readonly timeColumn: string;
  /** Long CSV only: the id and value columns. */
  readonly idColumn?: string;
  readonly valueColumn?: string;
  readonly rowsRead: number;
  readonly consumers: number;
  readonly interval: { readonly minutes: number; readonly pointsPerDay: number; readonly detected: boolean };
  readonly unit: { readonly given: Unit; readonly toKw: number; readonly formula: string };
  readonly window: { readonly startDate: string; readonly endDate: string; readonly days: number; readonly readingsPerConsumer: number; readonly from: string | null; readonly to: string | null };
  readonly timestamps: {
    readonly onGrid: number;
    readonly offGrid: number;
    readonly duplicates: number;
    readonly unreadable: number;
    readonly outsideFromTo: number;
    readonly slotsWithoutRow: number;
    /** Timestamps with Z or an offset, turned into clock times of `timeZone`. */
    readonly converted: number;
    readonly timeZone: string | null;
    /** What a timestamp labels (--label; start by default): the start, middle or end of its interval. */
    readonly label: 'start' | 'middle' | 'end';
    /** --source-tz, and its naive timestamps in the repeated hour (ambiguous) and the skipped hour (nonexistent), each read with the offset before the change. */
    readonly sourceTimeZone: string | null;
    readonly ambiguousInSourceZone: number;
    readonly nonexistentInSourceZone: number;
    /** Rows of days outside the main stretch (window.ts): skipped; the first in the file. */
    readonly stray: number;
    readonly firstStray: string | null;
    readonly firstOffGrid: string | null;
    readonly firstDuplicate: string | null;
    readonly firstUnreadable: string | null;
    /** With --tz: the zone's daylight-saving changes on the window's days (clock-changes.ts), whose effects the counts above include. */
    readonly daylightSaving: readonly ClockChange[] | null;
  };
  /** withoutId: long CSV only, rows with an empty id (dropped). */
  readonly rows: { readonly short: number; readonly long: number; readonly unreadableCsv: number; readonly firstUnreadableCsv: string | null; readonly withoutId?: number };
  readonly cells: { readonly numbers: number; readonly negative: number; readonly empty: number; readonly unreadable: number; readonly absent: number };
  readonly readings: { readonly total: number; readonly valid: number; readonly missing: number };
  /** duplicateIds: ids of more than one column, whose later columns (droppedDuplicates of them) are not read. */
  readonly columns: { readonly unnamed: number; readonly duplicateIds: string[]; readonly droppedDuplicates: number };
  readonly consumersWithoutValidReading: string[];
  /** Consumers with valid readings that are all 0 kW (a meter not yet connected, or zeros written for missing readings). */
  readonly consumersAllZero: string[];
  readonly perConsumer: ConsumerReport[];
  /** Long CSV only: consumers at another interval than the grid's, with --unit kwh or wh (their readings are missing). */
  readonly intervalDiffers?: IntervalDiffers;
  /** With --accounts: the accounts file and its join with the consumers (accounts-join.ts), added when the command ends. */
  readonly accounts?: AccountsReport;
}

/** What the report takes from a reader: a WideTable, or a long CSV's counts in its shape. */
export type ReportTable = Pick<WideTable, 'ids' | 'timeColumn' | 'separator' | 'decimalComma' | 'rowsRead' | 'cells' | 'rows' | 'unnamedColumns' | 'duplicateIds' | 'droppedColumns' | 'instants'>;

/** The grid's counts: of a wide CSV's grid, or summed over a long CSV's consumers. */
export type ReportGrid = Omit<Grid, 'slotOfRow'>;

/** A long CSV's columns and its counts per consumer (each consumer has its own placement on the grid). */
export interface LongReportInput {
  readonly idColumn: string;
  readonly valueColumn: string;
  readonly offGrid: Uint32Array;
  readonly duplicates: Uint32Array;
  readonly slotsWithoutRow: Uint32Array;
  readonly rowsWithoutId: number;
  readonly intervalDiffers: IntervalDiffers;
}

/** Long CSV, energy units: consumers whose own interval is not the grid's (own-interval.ts), their readings left missing; the first, with its step in minutes. */
export interface IntervalDiffers {
  readonly consumers: number;
  readonly first: { readonly id: string; readonly minutes: number } | null;
}

export interface ReportInput {
  readonly file: string;
  readonly table: ReportTable;
  readonly grid: ReportGrid;
  readonly long?: LongReportInput;
  readonly unit: Unit;
  readonly factor: number;
  readonly validReadings: Uint32Array;
  /** Whether each consumer's valid readings are all 0 (and there is one). */
  readonly allZero: Uint8Array;
  readonly timeZone: string | undefined;
  readonly sourceTimeZone?: string | undefined;
  readonly fromDay: number | undefined;
  readonly toDay: number | undefined;
}

export function dataQualityReport(input: ReportInput): DataQualityReport {
  const { table, grid } = input;
  const sum = (counts: Uint32Array) => counts.reduce((a, b) => a + b, 0);
  const perConsumer: ConsumerReport[] = table.ids.map((id, c) => ({
    id,
    numbers: table.cells.numbers[c]!,
    negative: table.cells.negative[c]!,
    empty: table.cells.empty[c]!,
    unreadable: table.cells.unreadable[c]!,
    absent: table.cells.absent[c]!,
    validReadings: input.validReadings[c]!,
    missingReadings: grid.slots - input.validReadings[c]!,
    ...(input.long && { offGrid: input.long.offGrid[c]!, duplicates: input.long.duplicates[c]!, slotsWithoutRow: input.long.slotsWithoutRow[c]! }),
  }));
  const valid = sum(input.validReadings);
  const total = grid.slots * table.ids.length;
  const at = (first: readonly [number, number] | undefined) => (first ? `line ${first[0]}: ${clockText(first[1])}` : null);
  return {
    file: input.file,
    format: input.long ? 'long-csv' : 'wide-csv',
    separator: table.separator,
    decimalComma: table.decimalComma,
    timeColumn: table.timeColumn,
    ...(input.long && { idColumn: input.long.idColumn, valueColumn: input.long.valueColumn }),
    rowsRead: table.rowsRead,
    consumers: table.ids.length,
    interval: { minutes: grid.minutes, pointsPerDay: grid.pointsPerDay, detected: grid.detected },
    unit: { given: input.unit, toKw: input.factor, formula: unitFormula(input.unit, grid.minutes) },
    window: {
      startDate: dayDate(grid.startDay),
      endDate: dayDate(grid.startDay + grid.days - 1),
      days: grid.days,
      readingsPerConsumer: grid.slots,
      from: input.fromDay === undefined ? null : dayDate(input.fromDay),
      to: input.toDay === undefined ? null : dayDate(input.toDay),
    },
    timestamps: {
      onGrid: grid.rowsOnGrid,
      offGrid: grid.offGrid,
      duplicates: grid.duplicates,
      unreadable: table.rows.unreadableTimestamps,
      outsideFromTo: table.rows.outsideWindow,
      slotsWithoutRow: grid.slotsWithoutRow,
      converted: table.instants,
      timeZone: input.timeZone ?? null,
      label: grid.label,
      sourceTimeZone: input.sourceTimeZone ?? null,
      ambiguousInSourceZone: table.rows.ambiguousClock,
      nonexistentInSourceZone: table.rows.nonexistentClock,
      stray: grid.strays,
      firstStray: grid.firstStray ? `line ${grid.firstStray.line}: ${JSON.stringify(grid.firstStray.text)}` : null,
      firstOffGrid: at(grid.firstOffGrid),
      firstDuplicate: at(grid.firstDuplicate),
      firstUnreadable: table.rows.firstUnreadableTimestamp ? `line ${table.rows.firstUnreadableTimestamp.line}: ${JSON.stringify(table.rows.firstUnreadableTimestamp.text)}` : null,
      daylightSaving: input.timeZone === undefined ? null : clockChanges(input.timeZone, grid.startDay, grid.days, grid.minutes),
    },
    rows: { short: table.rows.short, long: table.rows.long, unreadableCsv: table.rows.skipped, firstUnreadableCsv: table.rows.firstSkipped ?? null, ...(input.long && { withoutId: input.long.rowsWithoutId }) },
    cells: { numbers: sum(table.cells.numbers), negative: sum(table.cells.negative), empty: sum(table.cells.empty), unreadable: sum(table.cells.unreadable), absent: sum(table.cells.absent) },
    readings: { total, valid, missing: total - valid },
    columns: { unnamed: table.unnamedColumns, duplicateIds: table.duplicateIds, droppedDuplicates: table.droppedColumns },
    consumersWithoutValidReading: perConsumer.filter((c) => c.validReadings === 0).map((c) => c.id),
    consumersAllZero: perConsumer.filter((_, c) => input.allZero[c] === 1).map((c) => c.id),
    ...(input.long && { intervalDiffers: input.long.intervalDiffers }),
    perConsumer,
  };
}

function unitFormula(unit: Unit, minutes: number): string {
  if (unit === 'kw') return 'kW as read (average power over each interval)';
  return `kW = ${unit === 'wh' ? 'Wh ÷ 1000' : 'kWh'} × 60 ÷ ${minutes} (energy per ${minutes}-minute interval turned into average power)`;
}

/** Writes the report as JSON to `path`. Throws CommandError. */
export function writeReportJson(path: string, report: DataQualityReport): void {
  try {
    writeFileSync(path, `${JSON.stringify(report, null, 2)}\n`);
  } catch (error) {
    throw new CommandError(`cannot write the report to ${path}: ${describeFsError(error)}`);
  }
}
