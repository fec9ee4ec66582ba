// The grid of a wide export: whole days of P slots from the first day to the
// last, and the slot each row goes to. The interval is --interval or the most
// common step between consecutive distinct timestamps (the smaller on a tie);
// a row off the grid goes nowhere, and of rows with the same timestamp the
// first in the file is kept. Slots no row goes to are missing readings.
import { MAX_DAYS, POINTS_PER_DAY } from '../../engine/src/index.js';
import { clockText, DAY_MS, dayDate } from './timestamps.js';

/** A header line longer than this is not a CSV meter export's (both layouts). */
export const MAX_HEADER_BYTES = 64 << 20;

/** The message of a window longer than MAX_DAYS (the readers', and the one made by --from and --to). */
export function tooManyDays(first: number, last: number): string {
  return `the timestamps run from ${dayDate(first)} to ${dayDate(last)}, ${last - first + 1} days; gridcode scores at most ${MAX_DAYS} days at once: choose the days with --from and --to (YYYY-MM-DD)`;
}

export interface GridOptions {
  readonly intervalMinutes: number | undefined;
  /** Day numbers of --from and --to: the window's first and last day when given. */
  readonly fromDay: number | undefined;
  readonly toDay: number | undefined;
}

export interface Grid {
  readonly minutes: number;
  readonly pointsPerDay: number;
  /** Whether the interval was found in the timestamps (not --interval). */
  readonly detected: boolean;
  readonly startDay: number;
  readonly days: number;
  /** days × pointsPerDay: every consumer's number of readings. */
  readonly slots: number;
  /** The slot of each row, -1 when it goes nowhere (off the grid, or a duplicate). */
  readonly slotOfRow: Int32Array;
  readonly rowsOnGrid: number;
  readonly offGrid: number;
  readonly duplicates: number;
  readonly slotsWithoutRow: number;
  /** The first row off the grid and the first duplicate: [file line, clock time]. */
  readonly firstOffGrid: readonly [number, number] | undefined;
  readonly firstDuplicate: readonly [number, number] | undefined;
}

/** Why the rows make no grid: the message of an InputError. */
export class GridError extends Error {
  override readonly name = 'GridError';
}

const VALID_MINUTES = POINTS_PER_DAY.map((p) => 1440 / p);

/** Places rows with clock times `times` (local ms) and file lines `lines`. Throws GridError. */
export function placeRows(times: Float64Array, lines: Uint32Array, options: GridOptions): Grid {
  if (times.length === 0) {
    throw new GridError(options.fromDay !== undefined || options.toDay !== undefined ? 'no row has a timestamp within --from and --to' : 'no row has a timestamp of the form YYYY-MM-DD HH:MM[:SS]');
  }
  let minMs = Infinity;
  let maxMs = -Infinity;
  for (const ms of times) {
    if (ms < minMs) minMs = ms;
    if (ms > maxMs) maxMs = ms;
  }
  const minutes = options.intervalMinutes ?? detectInterval(times);
  const step = minutes * 60_000;
  const pointsPerDay = 1440 / minutes;
  const startDay = options.fromDay ?? Math.floor(minMs / DAY_MS);
  const endDay = options.toDay ?? Math.floor(maxMs / DAY_MS);
  const days = endDay - startDay + 1;
  // The reader stops at the first row that makes the window too long; this is the same check for rows placed without it.
  if (days > MAX_DAYS) throw new GridError(tooManyDays(startDay, endDay));
  const slots = days * pointsPerDay;
  const slotOfRow = new Int32Array(times.length);
  const taken = new Uint8Array(slots);
  const origin = startDay * DAY_MS;
  let offGrid = 0;
  let duplicates = 0;
  let rowsOnGrid = 0;
  let firstOffGrid: [number, number] | undefined;
  let firstDuplicate: [number, number] | undefined;
  for (let r = 0; r < times.length; r++) {
    const offset = times[r]! - origin;
    const slot = offset / step;
    if (!Number.isInteger(slot)) {
      slotOfRow[r] = -1;
      offGrid++;
      firstOffGrid ??= [lines[r]!, times[r]!];
    } else if (taken[slot] === 1) {
      slotOfRow[r] = -1;
      duplicates++;
      firstDuplicate ??= [lines[r]!, times[r]!];
    } else {
      taken[slot] = 1;
      slotOfRow[r] = slot;
      rowsOnGrid++;
    }
  }
  return {
    minutes,
    pointsPerDay,
    detected: options.intervalMinutes === undefined,
    startDay,
    days,
    slots,
    slotOfRow,
    rowsOnGrid,
    offGrid,
    duplicates,
    slotsWithoutRow: slots - rowsOnGrid,
    firstOffGrid,
    firstDuplicate,
  };
}

/** The most common step between consecutive distinct timestamps, in minutes, when it gives 24, 48, 96 or 288 points a day. Throws GridError. */
function detectInterval(times: Float64Array): number {
  return intervalOfSteps(countSteps(times), times[0]);
}

/** Adds the steps between consecutive distinct timestamps of `times` (in any order) to `counts` (step in ms → how often). */
export function countSteps(times: Float64Array, counts = new Map<number, number>()): Map<number, number> {
  const sorted = Float64Array.from(times).sort();
  for (let i = 1; i < sorted.length; i++) {
    const step = sorted[i]! - sorted[i - 1]!;
    if (step > 0) counts.set(step, (counts.get(step) ?? 0) + 1);
  }
  return counts;
}

/** The most common of the steps counted (the smaller on a tie), in minutes, when it is a valid interval; `sample` is a timestamp for the message when there is none. Throws GridError. */
export function intervalOfSteps(counts: ReadonlyMap<number, number>, sample: number | undefined): number {
  let best = 0;
  let bestCount = 0;
  for (const [step, count] of counts) if (count > bestCount || (count === bestCount && step < best)) [best, bestCount] = [step, count];
  if (bestCount === 0) throw new GridError(`every row has the same timestamp${sample === undefined ? '' : ` (${clockText(sample)})`}: the interval cannot be told; give --interval MINUTES`);
  const minutes = best / 60_000;
  if ((VALID_MINUTES as number[]).includes(minutes)) return minutes;
  const described = Number.isInteger(minutes) ? `${minutes} minutes` : `${best / 1000} seconds`;
  const perDay = 86_400_000 / best;
  throw new GridError(
    `the timestamps are most often ${described} apart (${bestCount} times), which is ${Number.isInteger(perDay) ? perDay : perDay.toFixed(2)} points a day; the engine takes 24, 48, 96 or 288 points a day (every 60, 30, 15 or 5 minutes): resample the export to one of these (average power over each interval) first, or give --interval if the file has that grid with many gaps`,
  );
}
