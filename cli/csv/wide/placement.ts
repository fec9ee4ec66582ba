// Where a wide export's rows go: the interval (--interval, or the most common
// step between its timestamps), the window and the label's shift
// (choose-grid.ts), then each kept row's slot (grid.ts).
import { chooseGrid } from '../choose-grid.js';
import { detectInterval, GridError, noRowInWindow, placeRows, type Grid } from '../grid.js';
import type { WideCsvOptions } from '../options.js';
import { dayShiftOf, readingDay, unzonedProblem } from '../row-clock.js';
import type { WideTable } from './table.js';

/** Throws GridError. */
export function placeTable(table: WideTable, options: WideCsvOptions): Grid {
  const unzoned = unzonedProblem(table.rows.unzoned, table.rows.firstUnzoned, table.times.length + table.rows.outsideWindow);
  if (unzoned !== undefined) throw new GridError(unzoned);
  if (table.times.length === 0) throw new GridError(noRowInWindow(table.rows.outsideWindow, table.rows.firstUnreadableTimestamp));
  // The interval from every kept row: a stray timestamp adds at most two steps of its own.
  const minutes = options.intervalMinutes ?? detectInterval(table.times);
  const gridOptions = chooseGrid({
    histogram: table.days,
    phases: table.phases,
    minutes,
    detected: options.intervalMinutes === undefined,
    label: options.label,
    fromDay: options.fromDay,
    toDay: options.toDay,
    convertedTo: table.instants > 0 || options.sourceTimeZone !== undefined ? options.timeZone : undefined,
  });
  const shift = dayShiftOf(options.label);
  return placeRows(table.times, table.lines, gridOptions, (ms) => readingDay(ms, shift));
}
