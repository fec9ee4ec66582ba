// The data-quality report of a wide export: what was read, what was dropped
// and why, how many readings the engine gets. Every count is exact. It goes to
// stderr as a short block at the end of the command, and with --report-json
// to a file as JSON.
import { writeFileSync } from 'node:fs';
import { CommandError, describeFsError } from '../errors.js';
import { separatorName } from './cells.js';
import type { Grid } from './grid.js';
import type { Unit } from './options.js';
import { clockText, dayDate } from './timestamps.js';
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
    readonly firstOffGrid: string | null;
    readonly firstDuplicate: string | null;
    readonly firstUnreadable: string | null;
  };
  /** withoutId: long CSV only, rows with an empty id (dropped). */
  readonly rows: { readonly short: number; readonly long: number; readonly unreadableCsv: number; readonly firstUnreadableCsv: string | null; readonly withoutId?: number };
  readonly cells: { readonly numbers: number; readonly negative: number; readonly empty: number; readonly unreadable: number; readonly absent: number };
  readonly readings: { readonly total: number; readonly valid: number; readonly missing: number };
  readonly columns: { readonly unnamed: number; readonly duplicateIds: string[] };
  readonly consumersWithoutValidReading: string[];
  /** Consumers with valid readings that are all 0 kW (a meter not yet connected, or zeros written for missing readings). */
  readonly consumersAllZero: string[];
  readonly perConsumer: ConsumerReport[];
}

/** What the report takes from a reader: a WideTable, or a long CSV's counts in its shape. */
export type ReportTable = Pick<WideTable, 'ids' | 'timeColumn' | 'separator' | 'decimalComma' | 'rowsRead' | 'cells' | 'rows' | 'unnamedColumns' | 'duplicateIds' | 'instants'>;

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
      firstOffGrid: at(grid.firstOffGrid),
      firstDuplicate: at(grid.firstDuplicate),
      firstUnreadable: table.rows.firstUnreadableTimestamp ? `line ${table.rows.firstUnreadableTimestamp.line}: ${JSON.stringify(table.rows.firstUnreadableTimestamp.text)}` : null,
    },
    rows: { short: table.rows.short, long: table.rows.long, unreadableCsv: table.rows.skipped, firstUnreadableCsv: table.rows.firstSkipped ?? null, ...(input.long && { withoutId: input.long.rowsWithoutId }) },
    cells: { numbers: sum(table.cells.numbers), negative: sum(table.cells.negative), empty: sum(table.cells.empty), unreadable: sum(table.cells.unreadable), absent: sum(table.cells.absent) },
    readings: { total, valid, missing: total - valid },
    columns: { unnamed: table.unnamedColumns, duplicateIds: table.duplicateIds },
    consumersWithoutValidReading: perConsumer.filter((c) => c.validReadings === 0).map((c) => c.id),
    consumersAllZero: perConsumer.filter((_, c) => input.allZero[c] === 1).map((c) => c.id),
    perConsumer,
  };
}

function unitFormula(unit: Unit, minutes: number): string {
  if (unit === 'kw') return 'kW as read (average power over each interval)';
  return `kW = ${unit === 'wh' ? 'Wh ÷ 1000' : 'kWh'} × 60 ÷ ${minutes} (energy per ${minutes}-minute interval turned into average power)`;
}

const n = (value: number) => value.toLocaleString('en-US');
const some = (ids: readonly string[], most = 5) => (ids.length <= most ? ids.join(', ') : `${ids.slice(0, most).join(', ')}, … (${n(ids.length - most)} more)`);

/** The report as a short block of lines for stderr. */
export function reportText(report: DataQualityReport): string {
  const { timestamps: t, cells, rows, window: w, interval } = report;
  const lines: string[] = [];
  const long = report.format === 'long-csv';
  const columns = long ? `columns id ${JSON.stringify(report.idColumn)}, time ${JSON.stringify(report.timeColumn)}, value ${JSON.stringify(report.valueColumn)}` : `time column ${JSON.stringify(report.timeColumn)}`;
  lines.push(`gridcode: ${report.file}: ${long ? 'long' : 'wide'} CSV (separator ${JSON.stringify(separatorName(report.separator))}${report.decimalComma ? ', decimal comma' : ''}, ${columns}): ${n(report.rowsRead)} rows, ${n(report.consumers)} consumers`);
  lines.push(
    `  grid: every ${interval.minutes} min (${interval.pointsPerDay} points a day, ${interval.detected ? `the most common step${long ? ' within consumers' : ''}` : '--interval'}), ${w.startDate} … ${w.endDate}, ${n(w.days)} day${w.days === 1 ? '' : 's'}, ${n(w.readingsPerConsumer)} readings a consumer`,
  );
  const u = report.unit;
  lines.push(`  unit: ${u.given === 'kw' ? 'kW, average power over each interval, as read' : `${u.given === 'wh' ? 'Wh' : 'kWh'} per ${interval.minutes}-minute interval, turned into average power: kW = ${u.given === 'wh' ? 'Wh' : 'kWh'} × ${u.toKw}`}`);
  const dropped = [
    `${n(t.offGrid)} off the grid${t.firstOffGrid ? ` (first at ${t.firstOffGrid})` : ''}`,
    `${n(t.duplicates)} duplicates (the first row of a ${long ? 'consumer and ' : ''}timestamp is kept)${t.firstDuplicate ? ` (first at ${t.firstDuplicate})` : ''}`,
    `${n(t.unreadable)} unreadable${t.firstUnreadable ? ` (first at ${t.firstUnreadable})` : ''}`,
  ];
  if (w.from !== null || w.to !== null) dropped.push(`${n(t.outsideFromTo)} outside --from/--to`);
  lines.push(`  timestamps: ${n(t.onGrid)} rows on the grid; dropped: ${dropped.join(', ')}; ${n(t.slotsWithoutRow)} grid times with no row${long ? ' over all consumers' : ''} (missing readings)${t.converted > 0 ? `; ${n(t.converted)} with Z or an offset read as ${t.timeZone} clock times` : ''}`);
  lines.push(`  rows: ${n(rows.short)} short (missing cells), ${n(rows.long)} long (extra cells ignored), ${n(rows.unreadableCsv)} unreadable as CSV${rows.firstUnreadableCsv ? ` (first: ${rows.firstUnreadableCsv})` : ''}${rows.withoutId === undefined ? '' : `, ${n(rows.withoutId)} without an id (dropped)`}`);
  lines.push(`  cells: ${n(cells.numbers)} numbers (${n(cells.negative)} negative, kept as sent), ${n(cells.empty)} empty, ${n(cells.unreadable)} not numbers (missing readings), ${n(cells.absent)} absent (short rows)`);
  const share = report.readings.total === 0 ? 0 : (100 * report.readings.missing) / report.readings.total;
  const ids = (list: readonly string[]) => (list.length === 0 ? '0' : `${n(list.length)} (${some(list)})`);
  lines.push(`  readings: ${n(report.readings.valid)} valid of ${n(report.readings.total)} (${share.toFixed(share > 0 && share < 0.1 ? 3 : 1)} % missing); consumers with no valid reading: ${ids(report.consumersWithoutValidReading)}, reading 0 kW throughout: ${ids(report.consumersAllZero)}`);
  if (report.columns.unnamed > 0 || report.columns.duplicateIds.length > 0) {
    lines.push(`  columns: ${n(report.columns.unnamed)} without a name (not read); ids of more than one column: ${report.columns.duplicateIds.length === 0 ? 'none' : some(report.columns.duplicateIds)}`);
  }
  return `${lines.join('\n')}\n`;
}

/** Writes the report as JSON to `path`. Throws CommandError. */
export function writeReportJson(path: string, report: DataQualityReport): void {
  try {
    writeFileSync(path, `${JSON.stringify(report, null, 2)}\n`);
  } catch (error) {
    throw new CommandError(`cannot write the report to ${path}: ${describeFsError(error)}`);
  }
}
