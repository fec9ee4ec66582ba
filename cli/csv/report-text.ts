// The data-quality report (report.ts) as the short block of lines the command
// writes to stderr at its end.
import { accountsReportLines } from './accounts-join.js';
import { separatorName } from './cells.js';
import type { ClockChange } from './clock-changes.js';
import type { DataQualityReport } from './report.js';

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
    `  grid: every ${interval.minutes} min (${interval.pointsPerDay} points a day, ${interval.detected ? `the most common step${long ? ' within consumers' : ''}` : '--interval'}), ${w.startDate} … ${w.endDate}, ${n(w.days)} day${w.days === 1 ? '' : 's'}, ${n(w.readingsPerConsumer)} readings a consumer; a timestamp labels the ${report.timestamps.label} of its interval${report.timestamps.label === 'start' ? '' : ' (--label)'}`,
  );
  const u = report.unit;
  lines.push(`  unit: ${u.given === 'kw' ? 'kW, average power over each interval, as read' : `${u.given === 'wh' ? 'Wh' : 'kWh'} per ${interval.minutes}-minute interval, turned into average power: kW = ${u.given === 'wh' ? 'Wh' : 'kWh'} × ${u.toKw}`}`);
  const dropped = [
    `${n(t.offGrid)} off the grid${t.firstOffGrid ? ` (first at ${t.firstOffGrid})` : ''}`,
    `${n(t.duplicates)} duplicates (the first row of a ${long ? 'consumer and ' : ''}timestamp is kept)${t.firstDuplicate ? ` (first at ${t.firstDuplicate})` : ''}`,
    `${n(t.unreadable)} unreadable${t.firstUnreadable ? ` (first at ${t.firstUnreadable})` : ''}`,
  ];
  if (w.from !== null || w.to !== null) dropped.push(`${n(t.outsideFromTo)} outside --from/--to`);
  if (t.stray > 0) dropped.push(`${n(t.stray)} stray timestamps, on days far from the rest (first at ${t.firstStray})`);
  lines.push(`  timestamps: ${n(t.onGrid)} rows on the grid; dropped: ${dropped.join(', ')}; ${n(t.slotsWithoutRow)} grid times with no row${long ? ' over all consumers' : ''} (missing readings)${t.converted > 0 ? `; ${n(t.converted)} with Z or an offset read as ${t.timeZone} clock times` : ''}${t.sourceTimeZone === null ? '' : `; timestamps without Z or an offset are ${t.sourceTimeZone} clock times read on ${t.timeZone}'s clock (${n(t.ambiguousInSourceZone)} in its repeated hour, ${n(t.nonexistentInSourceZone)} in its skipped hour: each read with the offset before the change)`}`);
  if (t.daylightSaving !== null && t.daylightSaving.length > 0) {
    // Only converted timestamps are known to follow the zone's clock; naive ones read as written may be UTC (the LCL export is).
    if (t.converted > 0 || t.sourceTimeZone !== null) lines.push(`  daylight saving (${t.timeZone}): ${t.daylightSaving.map(changeText).join('; ')}`);
    else lines.push(`  daylight saving (${t.timeZone}): clocks change on ${t.daylightSaving.map((c) => c.date).join(' and ')}; the timestamps have no Z or offset and are read as written, as ${t.timeZone} clock times: if they are UTC, give --source-tz UTC`);
  }
  lines.push(`  rows: ${n(rows.short)} short (missing cells), ${n(rows.long)} long (extra cells ignored), ${n(rows.unreadableCsv)} unreadable as CSV${rows.firstUnreadableCsv ? ` (first: ${rows.firstUnreadableCsv})` : ''}${rows.withoutId === undefined ? '' : `, ${n(rows.withoutId)} without an id (dropped)`}`);
  lines.push(`  cells: ${n(cells.numbers)} numbers (${n(cells.negative)} negative, kept as sent), ${n(cells.empty)} empty, ${n(cells.unreadable)} not numbers (missing readings), ${n(cells.absent)} absent (short rows)`);
  const share = report.readings.total === 0 ? 0 : (100 * report.readings.missing) / report.readings.total;
  const ids = (list: readonly string[]) => (list.length === 0 ? '0' : `${n(list.length)} (${some(list)})`);
  lines.push(`  readings: ${n(report.readings.valid)} valid of ${n(report.readings.total)} (${share.toFixed(share > 0 && share < 0.1 ? 3 : 1)} % missing); consumers with no valid reading: ${ids(report.consumersWithoutValidReading)}, reading 0 kW throughout: ${ids(report.consumersAllZero)}`);
  const differs = report.intervalDiffers;
  if (differs !== undefined && differs.first !== null) {
    lines.push(
      `  interval differs: ${n(differs.consumers)} consumer${differs.consumers === 1 ? '' : 's'} (first: ${differs.first.id}, every ${differs.first.minutes} min) at another interval than the grid's ${interval.minutes} min: ${report.unit.given === 'wh' ? 'Wh' : 'kWh'} per interval cannot be turned into kW with the grid's factor, so their readings are missing (split the file by interval and score each part)`,
    );
  }
  if (report.columns.unnamed > 0 || report.columns.duplicateIds.length > 0) {
    lines.push(`  columns: ${n(report.columns.unnamed)} without a name (not read); ids of more than one column: ${report.columns.duplicateIds.length === 0 ? 'none' : `${some(report.columns.duplicateIds)} (the first column of each is read; ${n(report.columns.droppedDuplicates)} later column${report.columns.droppedDuplicates === 1 ? '' : 's'} dropped, not read)`}`);
  }
  if (report.accounts) lines.push(...accountsReportLines(report.accounts));
  return `${lines.join('\n')}\n`;
}

function changeText(change: ClockChange): string {
  const times = `${n(change.gridTimes)} grid time${change.gridTimes === 1 ? '' : 's'}`;
  return change.direction === 'forward'
    ? `${change.date} clocks forward ${change.from}→${change.to}: ${times} a consumer with no clock time (missing readings)`
    : `${change.date} clocks back ${change.from}→${change.to}: ${times} shown twice (the first row of each kept, the second a duplicate)`;
}
