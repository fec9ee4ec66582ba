// The grid of a CSV export: whole days of P slots over the window (window.ts),
// and the slot each row goes to. The interval is --interval or the most
// common step between consecutive distinct timestamps (the smaller on a tie);
// a timestamp is moved back by its label's shift (label.ts) before it is
// placed; a row off the grid goes nowhere, and of rows with the same slot the
// first in the file is kept. Slots no row goes to are missing readings.
import { MAX_DAYS, POINTS_PER_DAY } from '../../engine/src/index.js';
import type { Label } from './label.js';
import { clockText, DAY_MS, dayDate } from './timestamps.js';

/**
 * Why no row is left to choose a window from: no timestamp is readable at all
 * (`readable` rows have one; `firstUnreadable` is the first that does not), or
 * every readable one is outside --from/--to.
 */
export function noRowInWindow(readable: number, firstUnreadable: { readonly line: number; readonly text: string } | undefined): string {
  if (readable > 0) return 'no row has a timestamp within --from and --to';
  const example = firstUnreadable === undefined ? '' : ` (line ${firstUnreadable.line}: ${JSON.stringify(firstUnreadable.text)})`;
  return `no row has a readable timestamp${example}: a timestamp is YYYY-MM-DD HH:MM[:SS], with a space or T between date and time, and may end in Z or a UTC offset; give --time-column NAME if the timestamps are in another column`;
}

/** A header line longer than this is not a CSV meter export's (both layouts). */
export const MAX_HEADER_BYTES = 64 << 20;

/** The message of a window longer than MAX_DAYS (the readers', and the one made by --from and --to). */
export function tooManyDays(first: number, last: number): string {
  return `the timestamps run from ${dayDate(first)} to ${dayDate(last)}, ${last - first + 1} days; gridcode scores at most ${MAX_DAYS} days at once: choose the days with --from and --to (YYYY-MM-DD)`;
}

/** Where rows go: the interval and window already chosen. */
export interface GridOptions {
  readonly minutes: number;
  /** Whether the interval was found in the timestamps (not --interval). */
  readonly detected: boolean;
  readonly startDay: number;
  readonly endDay: number;
  readonly label: Label;
  /** How far (ms) each time is moved back before it is placed (labelShift). */
  readonly shiftMs: number;
  /** Rows of days outside the window (counted by chooseWindow), for the report. */
  readonly strays: number;
  readonly firstStray: { readonly line: number; readonly text: string } | undefined;
}

export interface Grid {
  readonly minutes: number;
  readonly pointsPerDay: number;
  /** Whether the interval was found in the timestamps (not --interval). */
  readonly detected: boolean;
  readonly label: Label;
  readonly startDay: number;
  readonly days: number;
  /** days × pointsPerDay: every consumer's number of readings. */
  readonly slots: number;
  /** The slot of each row, -1 when it goes nowhere (off the grid, a duplicate, or a stray outside the window). */
  readonly slotOfRow: Int32Array;
  readonly rowsOnGrid: number;
  readonly offGrid: number;
  readonly duplicates: number;
  readonly slotsWithoutRow: number;
  /** The first row off the grid and the first duplicate: [file line, clock time as read]. */
  readonly firstOffGrid: readonly [number, number] | undefined;
  readonly firstDuplicate: readonly [number, number] | undefined;
  readonly strays: number;
  readonly firstStray: { readonly line: number; readonly text: string } | undefined;
}

/** Why the rows make no grid: the message of an InputError. */
export class GridError extends Error {
  override readonly name = 'GridError';
}

const VALID_MINUTES = POINTS_PER_DAY.map((p) => 1440 / p);

/**
 * Places rows with clock times `times` (local ms, as read) and file lines
 * `lines`. `day(ms)` is the day a row belongs to (row-clock.ts); rows of days
 * outside the window go nowhere and are not counted here (they are strays,
 * counted when the window was chosen, or were dropped by --from/--to before).
 */
export function placeRows(times: Float64Array, lines: Uint32Array, options: GridOptions, day: (ms: number) => number): Grid {
  const { minutes, startDay, endDay, shiftMs } = options;
  const step = minutes * 60_000;
  const pointsPerDay = 1440 / minutes;
  const days = endDay - startDay + 1;
  const slots = days * pointsPerDay;
  const slotOfRow = new Int32Array(times.length);
  const taken = new Uint8Array(slots);
  const origin = startDay * DAY_MS + shiftMs;
  let offGrid = 0;
  let duplicates = 0;
  let rowsOnGrid = 0;
  let firstOffGrid: [number, number] | undefined;
  let firstDuplicate: [number, number] | undefined;
  for (let r = 0; r < times.length; r++) {
    const ms = times[r]!;
    const d = day(ms);
    if (d < startDay || d > endDay) {
      slotOfRow[r] = -1;
      continue;
    }
    const slot = (ms - origin) / step;
    // An integer slot of a day in the window is within it (a day is a whole number of intervals); the bounds are checked all the same.
    if (!Number.isInteger(slot) || slot < 0 || slot >= slots) {
      slotOfRow[r] = -1;
      offGrid++;
      firstOffGrid ??= [lines[r]!, ms];
    } else if (taken[slot] === 1) {
      slotOfRow[r] = -1;
      duplicates++;
      firstDuplicate ??= [lines[r]!, ms];
    } else {
      taken[slot] = 1;
      slotOfRow[r] = slot;
      rowsOnGrid++;
    }
  }
  return {
    minutes,
    pointsPerDay,
    detected: options.detected,
    label: options.label,
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
    strays: options.strays,
    firstStray: options.firstStray,
  };
}

/** The most common step between consecutive distinct timestamps, in minutes, when it gives 24, 48, 96 or 288 points a day. Throws GridError. */
export function detectInterval(times: Float64Array): number {
  return intervalOfSteps(countSteps(times), `every row has the same timestamp${times.length === 0 ? '' : ` (${clockText(times[0]!)})`}: the interval cannot be told; give --interval MINUTES`);
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

/** The most common of the steps counted (the smaller on a tie) and how often it occurs; [0, 0] when there is none. */
export function mostCommonStep(counts: ReadonlyMap<number, number>): readonly [number, number] {
  let best = 0;
  let bestCount = 0;
  for (const [step, count] of counts) if (count > bestCount || (count === bestCount && step < best)) [best, bestCount] = [step, count];
  return [best, bestCount];
}

/** The most common of the steps counted (the smaller on a tie), in minutes, when it is a valid interval; `noStep` is the message when there is no step. Throws GridError. */
export function intervalOfSteps(counts: ReadonlyMap<number, number>, noStep: string): number {
  const [best, bestCount] = mostCommonStep(counts);
  if (bestCount === 0) throw new GridError(noStep);
  const minutes = best / 60_000;
  if ((VALID_MINUTES as number[]).includes(minutes)) return minutes;
  const described = Number.isInteger(minutes) ? `${minutes} minutes` : `${best / 1000} seconds`;
  const perDay = 86_400_000 / best;
  throw new GridError(
    `the timestamps are most often ${described} apart (${bestCount} times), which is ${Number.isInteger(perDay) ? perDay : perDay.toFixed(2)} points a day; the engine takes 24, 48, 96 or 288 points a day (every 60, 30, 15 or 5 minutes): resample the export to one of these (average power over each interval) first, or give --interval if the file has that grid with many gaps`,
  );
}
